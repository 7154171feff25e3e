// The sale screen shown to the customer: amount, big status, the order QR with a countdown, "Pay with…" links.
import type { OrderRecord, ChargeRecord } from '../../../store/types.ts';
import type { OrderStatus } from '../../../orders/types.ts';
import type { GatewayId } from '../../../gateways/types.ts';
import { CsrfForm } from './layout.tsx';
import { QrFigure } from './qr.tsx';
import { AMOUNT_LABEL, STATUS_LABEL, gatewayLabel, when } from './format.tsx';
import { liveStatusUrl } from './live.ts';

export interface SaleProps {
  csrf: string;
  order: OrderRecord;
  status: OrderStatus;
  now: number;
  memo?: string;
  qr: { text: string; svg: string };
  gateways: GatewayId[];
  charges: Array<{ charge: ChargeRecord; svg?: string }>;
  error?: string;
}

function countdownText(left: number): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(left / 3600);
  const m = Math.floor((left % 3600) / 60);
  return `Expires in ${h ? `${h}:${two(m)}` : m}:${two(left % 60)}`;
}

function PayWith(p: SaleProps) {
  // A charge still without a link (its create's answer was lost) keeps its button: pressing it resolves that charge.
  const charged = new Set(p.charges.filter((c) => c.charge.paymentUrl).map((c) => c.charge.gateway));
  const open = p.gateways.filter((g) => !charged.has(g));
  if (open.length === 0) return null;
  return (
    <div class="gateways when-pending">
      <h2>Pay with…</h2>
      {open.map((g) => (
        <CsrfForm action={`/console/pos/${encodeURIComponent(p.order.id)}/pay`} csrf={p.csrf}>
          <input type="hidden" name="gateway" value={g} />
          <button type="submit" class="secondary">
            {gatewayLabel(g)}
          </button>
        </CsrfForm>
      ))}
    </div>
  );
}

export function Sale(p: SaleProps) {
  const id = encodeURIComponent(p.order.id);
  return (
    <div id="live" class="sale" data-status={p.status} data-status-url={liveStatusUrl(p.order.id)} data-expires-at={String(p.order.expiresAt)} data-now={String(p.now)}>
      <section>
        {p.error && (
          <p class="error" role="alert">
            {p.error}
          </p>
        )}
        <p id="amount-label" class="muted">
          {AMOUNT_LABEL[p.status]}
        </p>
        <p class="big-amount">
          {p.order.amount} {p.order.currency}
        </p>
        {p.memo && <p>{p.memo}</p>}
        <div id="status" class={`status ${p.status}`} role="status" aria-live="polite">
          {STATUS_LABEL[p.status]}
        </div>
        <div id="countdown" class="countdown when-pending">
          {p.status === 'pending' ? countdownText(Math.max(0, p.order.expiresAt - p.now)) : ''}
        </div>
        <p class="when-paid">
          Paid at <span id="paid-at">{when(p.order.paidAt)}</span>
        </p>
        <p id="live-note" class="muted" aria-live="polite"></p>
        <PayWith {...p} />
        <div class="row">
          <a class="button" href="/console/pos">
            New sale
          </a>
          <a class="button secondary" href={`/console/orders/${id}`}>
            Order details
          </a>
          <CsrfForm action={`/console/orders/${id}/cancel`} csrf={p.csrf} class="when-pending">
            <input type="hidden" name="back" value="pos" />
            <button type="submit" class="danger">
              Cancel sale
            </button>
          </CsrfForm>
        </div>
      </section>
      <section>
        <div class="when-pending">
          <p class="scan">Scan to pay with an Opencharge wallet</p>
          <QrFigure id="order-qr" text={p.qr.text} svg={p.qr.svg} label="Order QR code: scan with an Opencharge wallet" />
          {p.charges.map(({ charge, svg }) => (
            <div id={`pay-${charge.gateway}`}>
              <h2>Pay with {gatewayLabel(charge.gateway)}</h2>
              {svg ? <QrFigure small caption text={charge.paymentUrl} svg={svg} label={`Payment link QR code (${charge.gateway})`} /> : <p class="muted">The payment link is being created…</p>}
              {charge.paymentUrl && (
                <p>
                  <a href={charge.paymentUrl} rel="noreferrer noopener" target="_blank">
                    Open payment page
                  </a>
                </p>
              )}
            </div>
          ))}
        </div>
        <div class="when-paid done">
          <div class="done-mark" aria-hidden="true">
            ✓
          </div>
          <p>Payment received. Thank you!</p>
        </div>
      </section>
    </div>
  );
}

// One order's page: the summary a shop owner reads first (amount, state, memo, items, who paid and how), the
// actions (cancel, show at the till, redeliver, check a payment with the issuer), then the signed order, proofs
// and history folded below.
import { Hono, type Context } from 'hono';
import type { OrderDeps } from '../../../orders/deps.ts';
import { cancelOrder } from '../../../orders/lifecycle.ts';
import { recoverPayment, recoverRequest } from '../../../orders/recover-payment.ts';
import { acceptsOf } from '../../../orders/settle-proof.ts';
import { effectiveStatus } from '../../../orders/get-order.ts';
import { ERROR_STATUS } from '../../../errors.ts';
import type { OrderRecord } from '../../../store/types.ts';
import { getOrder, isTestOrder, orderHistory, redeliver } from '../../../orders/queries.ts';
import { merchantQr } from '../../../orders/qr-text.ts';
import type { ConsoleEnv } from './env.ts';
import { renderPage } from './render.tsx';
import { CsrfForm, Message } from './layout.tsx';
import { Charges, Deliveries, Events, Proofs } from './order-history.tsx';
import { Payment, Summary } from './order-summary.tsx';

const NOTICES: Record<string, string> = {
  redelivered: 'The notification is queued again and will be sent shortly.',
  cancelled: 'The order is cancelled.',
  verified: 'The issuer confirmed the payment. Its proof is recorded under Transfer proofs, with the verdict.',
  'verified-again': 'The issuer confirmed the payment, which was already recorded here: nothing changed.',
};

/** Asks an accepted issuer about a txid (a missed webhook): its signed answer settles the order like a webhook. */
function CheckPayment(p: { o: OrderRecord; accepts: number[]; csrf: string }) {
  return (
    <CsrfForm action={`/console/orders/${encodeURIComponent(p.o.id)}/verify`} csrf={p.csrf} class="check-payment">
      <p class="muted">A payment that never arrived here (a lost webhook)? Ask the issuer: its signed answer is settled like a webhook, once.</p>
      <div class="row">
        <div>
          <label for="verify-issuer">Issuer</label>
          <select id="verify-issuer" name="issuer">
            {p.accepts.map((a) => (
              <option value={String(a)}>{a}</option>
            ))}
          </select>
        </div>
        <div>
          <label for="verify-txid">Transaction id (txid)</label>
          <input id="verify-txid" name="txid" required maxlength={256} autocomplete="off" />
        </div>
        <button type="submit">Check a payment with the issuer</button>
      </div>
    </CsrfForm>
  );
}

export const orderNotFound = (c: Context<ConsoleEnv>) =>
  renderPage(c, 404, 'Not found', <Message title="Order not found" text="There is no order with this id." href="/console/orders" link="All orders" />);

const detailHref = (id: string, notice?: string) => `/console/orders/${encodeURIComponent(id)}${notice ? `?notice=${notice}` : ''}`;

async function detail(deps: OrderDeps, c: Context<ConsoleEnv>, o: OrderRecord, status: number, error?: string) {
  const { proofs, events, deliveries, charges } = await orderHistory(deps, o);
  const st = effectiveStatus(o, deps.now());
  const csrf = c.get('session').csrf;
  const notice = NOTICES[c.req.query('notice') ?? ''];
  const failed = deliveries.some((d) => d.status === 'failed');
  const body = (
    <>
      <h1 class="order-title">
        Order <code>{o.id}</code>
      </h1>
      {notice && <p class="notice">{notice}</p>}
      {error && <p class="error" role="alert">{error}</p>}
      <Summary o={o} status={st} test={isTestOrder(o)} />
      <Payment o={o} proofs={proofs} charges={charges} />
      <section id="actions" class="card">
        <h2>Actions</h2>
        {st === 'pending' ? (
          <div class="row">
            <a class="button" href={`/console/pos/${encodeURIComponent(o.id)}`}>Show at the till</a>
            <CsrfForm action={`/console/orders/${encodeURIComponent(o.id)}/cancel`} csrf={csrf}>
              <button type="submit" class="danger">Cancel order</button>
            </CsrfForm>
          </div>
        ) : (
          <p class="muted">Only a pending order can be shown at the till or cancelled.</p>
        )}
        <h3>Check a payment with the issuer</h3>
        <CheckPayment o={o} accepts={acceptsOf(o, deps)} csrf={csrf} />
      </section>
      <h2>Technical details</h2>
      <details id="signed">
        <summary>Signed order (exactly as signed) and its signature</summary>
        <pre id="order-json">{o.orderJson}</pre>
        <h3>Signature</h3>
        <pre id="order-signature">{o.signature}</pre>
        <h3>QR text</h3>
        <pre>{merchantQr(deps, o)}</pre>
      </details>
      <details id="proofs-box">
        <summary>Transfer proofs ({proofs.length})</summary>
        <div class="scroll"><Proofs proofs={proofs} /></div>
      </details>
      <details id="charges-box">
        <summary>Gateway charges ({charges.length})</summary>
        <div class="scroll"><Charges charges={charges} /></div>
      </details>
      <details id="events-box">
        <summary>Events ({events.length})</summary>
        <div class="scroll"><Events events={events} /></div>
      </details>
      <details id="deliveries-box" open={failed}>
        <summary>Notification deliveries ({deliveries.length}{failed ? ', some failed' : ''})</summary>
        <div class="scroll"><Deliveries deliveries={deliveries} orderId={o.id} csrf={csrf} /></div>
      </details>
    </>
  );
  return renderPage(c, status, `Order ${o.id}`, body, { section: 'orders' });
}

export function orderDetailRoutes(deps: OrderDeps): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  app.get('/console/orders/:id', async (c) => {
    const o = await getOrder(deps, c.req.param('id'));
    return o ? detail(deps, c, o, 200) : orderNotFound(c);
  });

  app.post('/console/orders/:id/cancel', async (c) => {
    const id = c.req.param('id');
    const res = await cancelOrder(deps, id);
    if (res.ok) return c.redirect((await c.req.parseBody()).back === 'pos' ? `/console/pos/${encodeURIComponent(id)}` : detailHref(id, 'cancelled'), 303);
    const o = await getOrder(deps, id);
    return o ? detail(deps, c, o, ERROR_STATUS[res.code], res.message) : orderNotFound(c);
  });

  app.post('/console/orders/:id/verify', async (c) => {
    const o = await getOrder(deps, c.req.param('id'));
    if (!o) return orderNotFound(c);
    const form = await c.req.parseBody();
    const parsed = recoverRequest.safeParse({ issuer: /^\d{1,16}$/.test(String(form.issuer)) ? Number(form.issuer) : form.issuer, txid: form.txid });
    if (!parsed.success) return detail(deps, c, o, 400, `Check the form: ${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}`);
    const res = await recoverPayment(deps, { ...parsed.data, orderId: o.id });
    if (res.ok) return c.redirect(detailHref(o.id, res.value.repeat ? 'verified-again' : 'verified'), 303);
    return detail(deps, c, (await getOrder(deps, o.id)) ?? o, ERROR_STATUS[res.code], res.message);
  });

  app.post('/console/deliveries/:id/redeliver', async (c) => {
    const order = (await c.req.parseBody()).order;
    const d = await redeliver(deps, c.req.param('id'));
    const o = typeof order === 'string' ? await getOrder(deps, order) : undefined;
    if (!d) return o ? detail(deps, c, o, 404, 'There is no such delivery.') : orderNotFound(c);
    return c.redirect(o ? detailHref(o.id, 'redelivered') : '/console/orders', 303);
  });
  return app;
}

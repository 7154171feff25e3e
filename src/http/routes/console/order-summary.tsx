// The top of an order's page, in a shop owner's words: what was sold and for how much, its state, who paid and how.
import type { ChargeRecord, OrderRecord, ProofRecord } from '../../../store/types.ts';
import type { OrderStatus } from '../../../orders/types.ts';
import { STATUS_LABEL, Time, gatewayLabel } from './format.tsx';
import { FORM_LABEL, VOUCHER_TEXT, verdictText } from './order-history.tsx';
import { orderFacts, proofFacts } from './order-facts.ts';

export const FLAG_TEXT = {
  paidLate: 'Paid late: a payment arrived after the order had expired or was cancelled. The money moved: refund it or honour the sale.',
  paymentMismatch:
    'Payment mismatch: a payment arrived that does not match this order (another amount or currency, a second payment, or a gateway under- or overpayment). See the payment below.',
} as const;

export interface SummaryProps {
  o: OrderRecord;
  status: OrderStatus;
  /** The order carries the conformance kit's test mark. */
  test: boolean;
}

function Items(p: { o: OrderRecord }) {
  const items = orderFacts(p.o).items;
  if (items.length === 0) return <span class="muted">—</span>;
  return (
    <table id="items" class="compact">
      <thead>
        <tr>
          <th class="num">Qty</th>
          <th>Item</th>
          <th class="num">Price each</th>
        </tr>
      </thead>
      <tbody>
        {items.map((it) => (
          <tr>
            <td class="num">{it.quantity}</td>
            <td>{it.name}</td>
            <td class="num">{it.price === undefined ? '—' : `${it.price} ${p.o.currency}`}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Summary(p: SummaryProps) {
  const { o } = p;
  const memo = orderFacts(o).memo;
  return (
    <section id="summary" class="card summary">
      <p class="big-amount">{`${o.amount} ${o.currency}`}</p>
      <p>
        <strong class={`state ${p.status}`}>{STATUS_LABEL[p.status]}</strong>
      </p>
      {o.paidLate && <p class="error">{FLAG_TEXT.paidLate}</p>}
      {o.paymentMismatch && <p class="error">{FLAG_TEXT.paymentMismatch}</p>}
      {p.test && <p class="notice test">Test order: created by the conformance kit (its reference starts with conf_ and its memo is the kit's). Hidden from the order list unless test orders are shown.</p>}
      <dl class="facts">
        <dt>Memo</dt>
        <dd id="memo">{memo ?? <span class="muted">—</span>}</dd>
        <dt>Items</dt>
        <dd>
          <Items o={o} />
        </dd>
        <dt>Reference</dt>
        <dd>{o.reference ?? <span class="muted">—</span>}</dd>
        <dt>Created</dt>
        <dd><Time t={o.createdAt} /></dd>
        <dt>Expires</dt>
        <dd><Time t={o.expiresAt} /></dd>
        <dt>Paid at</dt>
        <dd><Time t={o.paidAt} /></dd>
        <dt>Created by</dt>
        <dd>{o.callerOcid === 0 ? 'this merchant (console or admin API)' : `OCID ${o.callerOcid}`}</dd>
      </dl>
    </section>
  );
}

export interface PaymentProps {
  o: OrderRecord;
  proofs: ProofRecord[];
  charges: ChargeRecord[];
}

const sender = (x: ProofRecord) =>
  x.senderOcid === 0 ? 'this merchant, asking the issuer' : x.senderOcid === x.issuer ? 'the issuer' : `OCID ${x.senderOcid} (not the issuer)`;

/** The proof or gateway charge whose transaction paid the order, if the store holds it. */
function settledBy(p: PaymentProps): { proof?: ProofRecord; charge?: ChargeRecord } {
  if (!p.o.txid) return {};
  const proof = p.proofs.find((x) => x.txid === p.o.txid && x.verdict === 'accepted');
  if (proof) return { proof };
  return { charge: p.charges.find((ch) => `${ch.gateway}:${ch.reference}` === p.o.txid) };
}

function ByProof(p: { o: OrderRecord; x: ProofRecord }) {
  const f = proofFacts(p.x);
  return (
    <>
      <p class="paid-by">
        Paid by issuer OCID {p.x.issuer} at <Time t={p.o.paidAt} />
      </p>
      <dl class="facts">
        <dt>Transaction</dt>
        <dd><code>{p.x.txid}</code></dd>
        {f.from !== undefined && (
          <>
            <dt>Paid from</dt>
            <dd>
              OCID {f.from}
              {f.fromReference !== undefined && <>, their reference <code>{f.fromReference}</code></>}
            </dd>
          </>
        )}
        <dt>Proof</dt>
        <dd class="verdict">{verdictText(p.x.verdict)}</dd>
        <dt>Signed in form</dt>
        <dd>{FORM_LABEL[p.x.form] ?? p.x.form}</dd>
        <dt>Delivered by</dt>
        <dd>{sender(p.x)}, <Time t={p.x.receivedAt} /></dd>
        {p.x.voucher && Object.hasOwn(VOUCHER_TEXT, p.x.voucher) && (
          <>
            <dt>Recipient vouched</dt>
            <dd class="voucher">{VOUCHER_TEXT[p.x.voucher]}</dd>
          </>
        )}
      </dl>
    </>
  );
}

function ByCharge(p: { o: OrderRecord; ch: ChargeRecord }) {
  return (
    <>
      <p class="paid-by">
        Paid through {gatewayLabel(p.ch.gateway)} at <Time t={p.o.paidAt} />
      </p>
      <dl class="facts">
        <dt>Gateway charge</dt>
        <dd><code>{p.ch.reference}</code></dd>
        <dt>Gateway status</dt>
        <dd>{p.ch.status} ({p.ch.gatewayStatus})</dd>
      </dl>
    </>
  );
}

/** Everything else that arrived: refused or late proofs, other charges. */
function Others(p: { proofs: ProofRecord[]; charges: ChargeRecord[] }) {
  if (p.proofs.length + p.charges.length === 0) return null;
  return (
    <ul class="payments">
      {p.proofs.map((x) => {
        const f = proofFacts(x);
        return (
          <li>
            <strong>{f.amount ?? 'A transfer'}</strong> from issuer OCID {x.issuer} (<code>{x.txid}</code>), <Time t={x.receivedAt} />: <span class="verdict">{verdictText(x.verdict)}</span>
          </li>
        );
      })}
      {p.charges.map((ch) => (
        <li>
          <strong>{gatewayLabel(ch.gateway)}</strong> charge <code>{ch.reference}</code>: {ch.status} ({ch.gatewayStatus}), <Time t={ch.updatedAt} />
        </li>
      ))}
    </ul>
  );
}

export function Payment(p: PaymentProps) {
  const by = settledBy(p);
  const others = { proofs: p.proofs.filter((x) => x !== by.proof), charges: p.charges.filter((ch) => ch !== by.charge) };
  return (
    <section id="payment" class="card">
      <h2>Payment</h2>
      {by.proof ? (
        <ByProof o={p.o} x={by.proof} />
      ) : by.charge ? (
        <ByCharge o={p.o} ch={by.charge} />
      ) : p.o.txid ? (
        <p class="paid-by">
          Paid at <Time t={p.o.paidAt} />, transaction <code>{p.o.txid}</code>
        </p>
      ) : (
        <p class="muted">No payment has settled this order yet.</p>
      )}
      {others.proofs.length + others.charges.length > 0 && <h3>{by.proof || by.charge || p.o.txid ? 'Other payment messages' : 'Payment messages received'}</h3>}
      <Others {...others} />
    </section>
  );
}

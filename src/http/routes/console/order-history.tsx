// The order detail's tables: transfer proofs (with the canonical form that verified), gateway charges,
// events, and notification deliveries with a "Redeliver" button for failed ones.
import type { ChargeRecord, DeliveryRecord, EventRecord, ProofRecord } from '../../../store/types.ts';
import type { ProofVerdict, ProofVoucher } from '../../../orders/types.ts';
import { FORM_A_REASON } from '../../../orders/proof-policy.ts';
import { CsrfForm } from './layout.tsx';
import { Badge, Time, pretty } from './format.tsx';

export const FORM_LABEL = {
  A: 'A: top-level key list (§5.2 code samples)',
  B: 'B: keys sorted at every level (§5.2 text)',
} as const;

/** Each verdict in words (proof-policy.ts); a stored value not listed here is shown as it is. */
export const VERDICT_TEXT: Record<ProofVerdict, string> = {
  accepted: 'accepted: it paid the order',
  late: 'accepted late: the order had expired or was cancelled (flagged paid late)',
  amount_mismatch: 'refused: the amount differs from the order',
  currency_mismatch: 'refused: the currency differs from the order',
  unmatched: 'kept: no order matches to.reference',
  duplicate_order: 'kept: the order was already paid (flagged payment mismatch)',
  ambiguous_reference: 'kept: several orders carry this reference, none settled',
  timestamp_out_of_range: 'refused: the proof timestamp is in the future or before the order was created',
  form_a_not_from_issuer: `refused: ${FORM_A_REASON}`,
};
export const verdictText = (v: string) => (Object.hasOwn(VERDICT_TEXT, v) ? VERDICT_TEXT[v as ProofVerdict] : v);

/** What made its `to` (recipient, reference) trusted, in words (proof-policy.ts voucherFor). */
export const VOUCHER_TEXT: Record<ProofVoucher, string> = {
  proof_signature: 'recipient signed by the proof (form B)',
  issuer_request: 'delivered by the issuer itself',
  issuer_confirmed: "confirmed by issuer: its signed /verify answer returned this very proof",
};

type Column = string | { label: string; class: string };

/** A table with its header row; the rows are the children. */
function Table(p: { id: string; head: Column[]; children: unknown }) {
  return (
    <table id={p.id}>
      <thead>
        <tr>
          {p.head.map((h) => (typeof h === 'string' ? <th>{h}</th> : <th class={h.class}>{h.label}</th>))}
        </tr>
      </thead>
      <tbody>{p.children}</tbody>
    </table>
  );
}

function sender(x: ProofRecord): string {
  if (x.senderOcid === 0) return 'this merchant (asked the issuer)';
  return x.senderOcid === x.issuer ? `${x.senderOcid} (the issuer)` : String(x.senderOcid);
}

export function Proofs(p: { proofs: ProofRecord[] }) {
  if (p.proofs.length === 0) return <p class="muted">No transfer proof received.</p>;
  return (
    <Table id="proofs" head={['Received', 'Issuer / txid', 'Sent by', 'Canonical form', 'Verdict']}>
      {p.proofs.map((x) => (
        <tr>
          <td><Time t={x.receivedAt} /></td>
          <td>
            {x.issuer} / <code>{x.txid}</code>
            <details>
              <summary>Proof and signature</summary>
              <pre>{pretty(x.proofJson)}</pre>
              <pre class="signature">{x.signature}</pre>
            </details>
          </td>
          <td>{sender(x)}</td>
          <td class="proof-form">{FORM_LABEL[x.form] ?? x.form}</td>
          <td>
            <Badge text={x.verdict} kind={x.verdict === 'accepted' ? 'accepted' : 'warn'} /> <span class="verdict">{verdictText(x.verdict)}</span>
            {x.voucher && Object.hasOwn(VOUCHER_TEXT, x.voucher) && <div class="voucher muted">{VOUCHER_TEXT[x.voucher]}</div>}
          </td>
        </tr>
      ))}
    </Table>
  );
}

export function Charges(p: { charges: ChargeRecord[] }) {
  if (p.charges.length === 0) return <p class="muted">No gateway charge.</p>;
  return (
    <Table id="charges" head={['Gateway', 'Reference', 'Status', 'Payment link', 'Created', 'Updated']}>
      {p.charges.map((ch) => (
        <tr>
          <td>{ch.gateway}</td>
          <td><code>{ch.reference}</code></td>
          <td>
            <Badge text={ch.status} /> <span class="muted">{ch.gatewayStatus}</span>
          </td>
          <td>{ch.paymentUrl ? <a href={ch.paymentUrl} rel="noreferrer noopener" target="_blank">{ch.paymentUrl}</a> : '—'}</td>
          <td><Time t={ch.createdAt} /></td>
          <td><Time t={ch.updatedAt} /></td>
        </tr>
      ))}
    </Table>
  );
}

export function Events(p: { events: EventRecord[] }) {
  return (
    <Table id="events" head={['Time', 'Event', 'Data']}>
      {p.events.map((e) => (
        <tr>
          <td><Time t={e.createdAt} /></td>
          <td><code>{e.type}</code></td>
          <td>
            <details>
              <summary>data</summary>
              <pre>{pretty(e.data)}</pre>
            </details>
          </td>
        </tr>
      ))}
    </Table>
  );
}

export function Deliveries(p: { deliveries: Array<DeliveryRecord & { event: EventRecord }>; orderId: string; csrf: string }) {
  if (p.deliveries.length === 0) return <p class="muted">No notification deliveries (OC_WEBHOOK_URL is not set, or nothing happened yet).</p>;
  return (
    <Table id="deliveries" head={['Event', 'Status', { label: 'Attempts', class: 'num' }, 'Last attempt', 'Next attempt', '']}>
      {p.deliveries.map((d) => (
        <tr id={`delivery-${d.id}`}>
          <td>
            <code>{d.event.type}</code>
            <div class="muted">{d.url}</div>
          </td>
          <td><Badge text={d.status} kind={d.status === 'succeeded' ? 'paid' : d.status} /></td>
          <td class="num">{d.attempts}</td>
          <td>
            <Time t={d.lastAttemptAt} />
            {(d.lastStatus !== null || d.lastError) && <div class="muted">{d.lastStatus ?? ''} {d.lastError ?? ''}</div>}
          </td>
          <td>{d.status === 'pending' ? <Time t={d.nextAttemptAt} /> : '—'}</td>
          <td>
            {d.status === 'failed' && (
              <CsrfForm action={`/console/deliveries/${encodeURIComponent(d.id)}/redeliver`} csrf={p.csrf}>
                <input type="hidden" name="order" value={p.orderId} />
                <button type="submit" class="small">
                  Redeliver
                </button>
              </CsrfForm>
            )}
          </td>
        </tr>
      ))}
    </Table>
  );
}

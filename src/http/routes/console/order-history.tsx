// The order detail's tables: transfer proofs (with the canonical form that verified), gateway charges,
// events, and notification deliveries with a "Redeliver" button for failed ones.
import type { ChargeRecord, DeliveryRecord, EventRecord, ProofRecord } from '../../../store/types.ts';
import { CsrfForm } from './layout.tsx';
import { Badge, Time, pretty } from './format.tsx';

export const FORM_LABEL = {
  A: 'A: top-level key list (§5.2 code samples)',
  B: 'B: keys sorted at every level (§5.2 text)',
} as const;

export function Proofs(p: { proofs: ProofRecord[] }) {
  if (p.proofs.length === 0) return <p class="muted">No transfer proof received.</p>;
  return (
    <table id="proofs">
      <thead>
        <tr>
          <th>Received</th>
          <th>Issuer / txid</th>
          <th>Sent by</th>
          <th>Canonical form</th>
          <th>Verdict</th>
        </tr>
      </thead>
      <tbody>
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
            <td>{x.senderOcid}</td>
            <td class="proof-form">{FORM_LABEL[x.form]}</td>
            <td>
              <Badge text={x.verdict} kind={x.verdict === 'accepted' ? 'accepted' : 'warn'} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Charges(p: { charges: ChargeRecord[] }) {
  if (p.charges.length === 0) return <p class="muted">No gateway charge.</p>;
  return (
    <table id="charges">
      <thead>
        <tr>
          <th>Gateway</th>
          <th>Reference</th>
          <th>Status</th>
          <th>Payment link</th>
          <th>Created</th>
          <th>Updated</th>
        </tr>
      </thead>
      <tbody>
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
      </tbody>
    </table>
  );
}

export function Events(p: { events: EventRecord[] }) {
  return (
    <table id="events">
      <thead>
        <tr>
          <th>Time</th>
          <th>Event</th>
          <th>Data</th>
        </tr>
      </thead>
      <tbody>
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
      </tbody>
    </table>
  );
}

export function Deliveries(p: { deliveries: Array<DeliveryRecord & { event: EventRecord }>; orderId: string; csrf: string }) {
  if (p.deliveries.length === 0) return <p class="muted">No notification deliveries (OC_WEBHOOK_URL is not set, or nothing happened yet).</p>;
  return (
    <table id="deliveries">
      <thead>
        <tr>
          <th>Event</th>
          <th>Status</th>
          <th class="num">Attempts</th>
          <th>Last attempt</th>
          <th>Next attempt</th>
          <th></th>
        </tr>
      </thead>
      <tbody>
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
      </tbody>
    </table>
  );
}

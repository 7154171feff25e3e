// Small display helpers shared by the console pages: times, status badges, flags, gateway names.
import type { OrderRecord } from '../../../store/types.ts';
import type { OrderStatus } from '../../../orders/types.ts';
import type { GatewayId } from '../../../gateways/types.ts';

export const STATUS_LABEL: Record<OrderStatus, string> = {
  pending: 'Waiting for payment',
  paid: 'Paid',
  expired: 'Expired',
  cancelled: 'Cancelled',
};

const GATEWAY_LABEL: Record<GatewayId, string> = {
  coingate: 'CoinGate',
  mugglepay: 'MugglePay',
  'mycelium-gear': 'Mycelium Gear',
  iumicash: 'iumiCash',
  opencharge: 'Opencharge',
};

/** A stored gateway id in words; one no longer listed is shown as stored. */
export const gatewayLabel = (id: string) => (Object.hasOwn(GATEWAY_LABEL, id) ? GATEWAY_LABEL[id as GatewayId] : id);

/** What the sale screen calls the amount: due while pending, paid once paid (the live script uses the same words). */
export const AMOUNT_LABEL: Record<OrderStatus, string> = {
  pending: 'Amount due',
  paid: 'Paid',
  expired: 'Amount (not paid in time)',
  cancelled: 'Amount (sale cancelled)',
};

/** ISO 8601 for Unix seconds, or undefined when no date has them (a stored value is never trusted to be sane). */
function isoOf(t: number): string | undefined {
  const d = new Date(t * 1000);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/**
 * Unix seconds as `2027-01-15 08:00:00 UTC` (the till's clock may be anywhere; UTC is unambiguous). Total:
 * a value no date can hold is shown raw, so no stored value can make a page fail.
 */
export function when(t: number | null | undefined): string {
  if (t === null || t === undefined) return '—';
  const iso = isoOf(t);
  return iso ? `${iso.slice(0, 19).replace('T', ' ')} UTC` : `${t} (not a valid time)`;
}

/** A time cell; `bare` drops the " UTC" suffix where the column header says it. */
export function Time(p: { t: number | null | undefined; bare?: boolean }) {
  if (p.t === null || p.t === undefined) return <span class="muted">—</span>;
  const iso = isoOf(p.t);
  if (!iso) return <span>{when(p.t)}</span>;
  const text = when(p.t);
  return <time datetime={iso}>{p.bare ? text.slice(0, -4) : text}</time>;
}

export function Badge(p: { text: string; kind?: string }) {
  return <span class={`badge ${p.kind ?? p.text}`}>{p.text}</span>;
}

export function Flags(p: { o: Pick<OrderRecord, 'paidLate' | 'paymentMismatch'> }) {
  return (
    <>
      {p.o.paidLate && <Badge text="paid late" kind="warn" />} {p.o.paymentMismatch && <Badge text="payment mismatch" kind="warn" />}
    </>
  );
}

export const pretty = (json: string) => {
  try {
    return JSON.stringify(JSON.parse(json), null, 2);
  } catch {
    return json;
  }
};

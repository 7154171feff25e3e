// CoinGate literal tables: native order status → common status (docs/gateways.md §2.5, §5), HTTP status → error kind (§2.7).
import type { ChargeStatus, GatewayErrorKind } from '../types.ts';
import { parseAmount } from '../../protocol/amount.ts';
import { decimalText, lookupStatus } from '../kit.ts';

/**
 * Native status → common status (docs/gateways.md §2.5 and §5). `paid`, the pending states and `expired` are
 * refined by `overpaid_amount` / `underpaid_amount` in `commonStatus`, since CoinGate has no status for those.
 */
export const STATUS_MAP = {
  new: 'pending',
  pending: 'pending',
  confirming: 'pending',
  paid: 'paid',
  invalid: 'failed',
  expired: 'expired',
  canceled: 'cancelled',
  refunded: 'refunded',
  partially_refunded: 'refunded',
} as const satisfies Record<string, ChargeStatus>;

/** Common statuses an underpayment turns into `underpaid` (§5: underpaid while pending, then usually expired). */
const UNDERPAID_FROM: readonly ChargeStatus[] = ['pending', 'paid', 'expired'];

/** The common status for a native one; undefined for a status CoinGate never documented (the caller refuses it). */
export function commonStatus(native: unknown, underpaidAmount?: unknown, overpaidAmount?: unknown): ChargeStatus | undefined {
  const base: ChargeStatus | undefined = lookupStatus(STATUS_MAP, native);
  if (base === undefined) return undefined;
  if (base === 'paid' && isPositive(overpaidAmount)) return 'overpaid';
  if (UNDERPAID_FROM.includes(base) && isPositive(underpaidAmount)) return 'underpaid';
  return base;
}

function isPositive(value: unknown): boolean {
  const parsed = parseAmount(decimalText(value));
  return parsed !== undefined && parsed > 0n;
}

export type Operation = 'create' | 'fetch' | 'lookup';

/** HTTP status → error kind (§2.7); the reason text only sharpens the message. */
export function errorKindFor(status: number, op: Operation): GatewayErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return op === 'fetch' ? 'not_found' : 'invalid'; // on create: a wrong base URL
  if (status === 400 || status === 422) return 'invalid';
  if (status === 408 || status === 429 || status >= 500) return 'unavailable';
  if (status >= 400) return 'declined';
  return 'protocol'; // 2xx other than 200, 3xx (redirects are not followed)
}

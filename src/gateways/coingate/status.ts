// CoinGate's native order statuses and how they map onto our common lifecycle (gateways.md §2.5, §5).
import type { ChargeStatus } from '../types.ts';
import { AMOUNT_RE, parseAmount } from '../../protocol/amount.ts';

/**
 * Native status → common status (gateways.md §2.5 and §5). `paid`, the pending states and `expired` are
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

export type CoinGateStatus = keyof typeof STATUS_MAP;

/** Common statuses an underpayment turns into `underpaid` (§5: underpaid while pending, then usually expired). */
const UNDERPAID_FROM: readonly ChargeStatus[] = ['pending', 'paid', 'expired'];

export function isCoinGateStatus(value: unknown): value is CoinGateStatus {
  return typeof value === 'string' && Object.hasOwn(STATUS_MAP, value);
}

/** The common status for a native one; undefined for a status CoinGate never documented (the caller refuses it). */
export function commonStatus(native: unknown, underpaidAmount?: unknown, overpaidAmount?: unknown): ChargeStatus | undefined {
  if (!isCoinGateStatus(native)) return undefined;
  const base: ChargeStatus = STATUS_MAP[native];
  if (base === 'paid' && isPositive(overpaidAmount)) return 'overpaid';
  if (UNDERPAID_FROM.includes(base) && isPositive(underpaidAmount)) return 'underpaid';
  return base;
}

/** A decimal amount as CoinGate writes it (string; a JSON number is accepted only when it prints plainly). */
export function decimalText(value: unknown): string | undefined {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  return typeof text === 'string' && AMOUNT_RE.test(text) ? text : undefined;
}

function isPositive(value: unknown): boolean {
  const parsed = parseAmount(decimalText(value));
  return parsed !== undefined && parsed > 0n;
}

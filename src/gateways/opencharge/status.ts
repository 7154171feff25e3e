// Opencharge Merchant Gateway literal tables: native status → common status, error code → error kind (opencharge.md §1.5, §2.8, §7).
import type { ChargeStatus, GatewayErrorKind } from '../types.ts';
import { lookupStatus } from '../kit.ts';

/**
 * Native status → common status. The MG answers a checkout with a redirect only, so `checkout_created` is
 * what we record; the others are the merchant order statuses (§2.4, §8) and the MG's gateway-side ones
 * (`/verify/{txid}`, §2.8, §8), listed so every status an MG can name has one literal entry.
 */
export const STATUS_MAP = {
  checkout_created: 'pending',
  pending: 'pending',
  pending_settlement: 'pending',
  completed: 'paid',
  paid: 'paid',
  expired: 'expired',
  cancelled: 'cancelled',
  failed: 'failed',
} as const satisfies Record<string, ChargeStatus>;

/** The common status of a native one; undefined for a status no document names (the caller refuses it). */
export function commonStatus(native: unknown): ChargeStatus | undefined {
  return lookupStatus(STATUS_MAP, native);
}

/**
 * Error code → kind (envelope `{"error":{"code","message"}}`, §7). The four checkout codes are §1.5 [EX];
 * the rest are the standard codes an MG's auth layer answers with (§3.6, §7.2). HTTP 401/403 is always
 * 'auth' (so a 401 INVALID_SIGNATURE, our request signature refused, is 'auth'; a 400 one, the order
 * signature, is 'invalid'), 5xx always 'unavailable'; codes not listed fall back on the HTTP status.
 */
export const ERROR_KINDS = {
  MERCHANT_NOT_REGISTERED: 'auth',
  INVALID_SIGNATURE: 'invalid',
  ORDER_EXPIRED: 'declined',
  SETTLEMENT_NOT_SUPPORTED: 'declined',
  TIMESTAMP_EXPIRED: 'auth',
  NONCE_REUSED: 'auth',
  UNKNOWN_OCID: 'auth',
  CONNECTION_REFUSED: 'auth',
  CAPABILITY_NOT_SUPPORTED: 'declined',
  CURRENCY_MISMATCH: 'declined',
  AMOUNT_MISMATCH: 'invalid',
  INVALID_REQUEST: 'invalid',
  RATE_LIMITED: 'unavailable',
  METADATA_UNAVAILABLE: 'unavailable',
} as const satisfies Record<string, GatewayErrorKind>;

/** HTTP status first where it is unambiguous (credentials, outages), then the documented code, then the status class. */
export function errorKind(status: number, code: string | undefined): GatewayErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status >= 500 || status === 408 || status === 429) return 'unavailable';
  if (code !== undefined && Object.hasOwn(ERROR_KINDS, code)) return ERROR_KINDS[code as keyof typeof ERROR_KINDS];
  if (status === 400 || status === 404 || status === 413 || status === 422) return 'invalid'; // 404 on create: a wrong endpoint
  if (status >= 400) return 'declined';
  return 'protocol'; // 1xx, 3xx: redirects are not followed
}

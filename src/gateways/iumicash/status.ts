// iumiCash literal tables: native order status → common status (docs/gateways.md §4.5, §5), HTTP status and error code → error kind (§4.7).
import type { ChargeStatus, GatewayErrorKind } from '../types.ts';
import { lookupStatus } from '../kit.ts';

/**
 * Native status → common status (docs/gateways.md §4.5 and §5). iumiCash has no expiry, refund, under- or
 * overpayment; payment failures are HTTP errors, not statuses. `captured` is pending per §5 [INFERRED].
 */
export const STATUS_MAP = {
  created: 'pending',
  approved: 'pending',
  captured: 'pending',
  completed: 'paid',
  cancelled: 'cancelled',
} as const satisfies Record<string, ChargeStatus>;

/** The common status for a native one (statuses are lower case in every example); undefined when undocumented. */
export function commonStatus(native: unknown): ChargeStatus | undefined {
  return typeof native === 'string' ? lookupStatus(STATUS_MAP, native.toLowerCase()) : undefined;
}

/** §4.7: 400 codes that are the payer's or the vendor's business refusals, not malformed requests. */
const DECLINE_CODES = new Set(['USER_PAYMENT_LIMIT', 'USER_NOT_ACTIVE', 'ACCOUNT_BALANCE_IS_LOW', 'DISABLED_BY_USER']);

export type Operation = 'token' | 'create' | 'fetch';

/** HTTP status (+ §4.7 error code) → error kind. */
export function errorKindFor(status: number, code: string, op: Operation): GatewayErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return op === 'fetch' ? 'not_found' : 'invalid'; // on create/token: a wrong base URL
  if (status === 400) return DECLINE_CODES.has(code) ? 'declined' : 'invalid';
  if (status === 422) return 'declined'; // "fails business validation" (duplicate external_id [INFERRED])
  if (status === 405 || status === 415) return 'invalid';
  if (status === 408 || status === 429 || status >= 500) return 'unavailable'; // 5xx are text/plain (§4.7)
  if (status >= 400) return 'declined';
  return 'protocol'; // an unexpected 2xx, or a 3xx (redirects are not followed; a missing slash gives 301)
}

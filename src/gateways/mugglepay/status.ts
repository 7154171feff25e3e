// MugglePay literal tables: native order status → common status, error_code → error kind (docs/gateways.md §3.4, §3.6, §5).
import type { ChargeStatus, GatewayErrorKind } from '../types.ts';
import { parseAmount } from '../../protocol/amount.ts';
import { decimalText, lookupStatus } from '../kit.ts';

/** OrderStatus.md, mapped per docs/gateways.md §5. UNRESOLVED is refined by amounts (see chargeStatus). */
export const STATUS_MAP = {
  NEW: 'pending',
  PENDING: 'pending',
  PAID: 'paid',
  // Confirmed money whose amount differs (or arrived late): never reported as paid. Refined to
  // 'overpaid' when the paid amount exceeds the price; stays 'underpaid' otherwise (merchant must resolve).
  UNRESOLVED: 'underpaid',
  RESOLVED: 'paid', // [INFERRED] the merchant settled it manually
  EXPIRED: 'expired',
  CANCELED: 'cancelled',
  REFUND_PENDING: 'refunded', // §5 lists it in the refunded row: the money is on its way back
  REFUNDED: 'refunded',
} as const satisfies Record<string, ChargeStatus>;

/** An undocumented status (e.g. `UNPAID`): never paid, never final; the adapter logs a warning. */
export const UNKNOWN_STATUS: ChargeStatus = 'pending';

/** Statuses in which MugglePay has received the customer's money, so pay_amount is what was paid. */
const MONEY_RECEIVED: ReadonlySet<string> = new Set(['PAID', 'UNRESOLVED', 'RESOLVED']);

export function isKnownStatus(native: string): boolean {
  return lookupStatus(STATUS_MAP, native) !== undefined;
}

/** Common status of a native one; `due`/`paid` are decimal strings in the same currency, when known. */
export function chargeStatus(native: string, due?: string, paid?: string): ChargeStatus {
  const base = lookupStatus(STATUS_MAP, native);
  if (base === undefined) return UNKNOWN_STATUS;
  if (native !== 'UNRESOLVED') return base;
  const d = parseAmount(due);
  const p = parseAmount(paid);
  if (d === undefined || p === undefined) return base;
  return p > d ? 'overpaid' : p < d ? 'underpaid' : base;
}

export function reportsPaidAmount(native: string): boolean {
  return MONEY_RECEIVED.has(native);
}

/**
 * ErrorCodes.md plus the codes Authentication.md lists. Decided on the body, not the HTTP code (§3.2).
 * The FAIILED spellings are MugglePay's own.
 */
export const ERROR_KINDS = {
  AUTHENTICATION_FAILED: 'auth',
  UNAUTHORIZED: 'auth',
  TOKEN_EXPIRED: 'auth',
  CREDENTIALS_NOT_MATCH: 'auth',
  USER_NOT_EXIST: 'auth', // "The user does not exist or no permission": the API token's user
  USER_FAILED: 'auth',
  API_LIMIT_EXCEEDED: 'unavailable',
  RATE_LIMIT_EXCEEDED: 'unavailable',
  PAYMENT_NOT_AVAILABLE: 'unavailable', // "please retry later"
  ERROR: 'unavailable', // generic server-side failure
  PARAMETERS_MISSING: 'invalid',
  PAY_PRICE_ERROR: 'invalid',
  ORDER_NOT_VALID: 'not_found', // GetOrder's "Order not found"; 'invalid' when creating
  ORDER_NO_PERMISSION: 'not_found', // "does not exist or permission denied"
  INVOICE_NOT_EXIST: 'not_found',
  ORDER_MERCHANTID_EXIST: 'conflict', // an order holds our key; fromCreateResponse adopts it when the answer carries it
  ORDER_NOT_NEW: 'declined',
  ORDER_CANCELED_FAIILED: 'declined',
  ORDER_REFUND_FAILED: 'declined',
  ORDER_VERIFIED_ALREADY: 'declined',
  ORDER_VERIFIED_PRICE_NOT_MATCH: 'declined',
  ORDER_VERIFIED_MERCHANT_NOT_MATCH: 'declined',
  ORDER_PAID_FAILED: 'declined',
  INVOICE_VERIFIED_ALREADY: 'declined',
  INVOICE_CANCELED_FAIILED: 'declined',
  MERCHANT_CALLBACK_STATUS_WRONG: 'declined',
  INVITATION_FAILED: 'declined',
} as const satisfies Record<string, GatewayErrorKind>;

/** What an HTTP (or body) status says on its own; undefined when it says nothing specific. */
export function kindFromHttpStatus(status: number | undefined): GatewayErrorKind | undefined {
  if (status === undefined) return undefined;
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not_found';
  if (status === 421 || status === 429 || status >= 500) return 'unavailable'; // 421 is MugglePay's "Too Many Requests"
  return undefined;
}

export function errorKind(code: string | undefined, bodyStatus: number | undefined, httpStatus: number): GatewayErrorKind {
  if (code !== undefined && Object.hasOwn(ERROR_KINDS, code)) return ERROR_KINDS[code as keyof typeof ERROR_KINDS];
  return kindFromHttpStatus(httpStatus) ?? kindFromHttpStatus(bodyStatus) ?? 'invalid';
}

/**
 * A decimal string from a MugglePay amount: newer docs send strings ("29.99"), older ones and the SDKs numbers.
 * A JSON number is read through its shortest round-trip text (exact for the ≤15 digits a double carries);
 * no arithmetic is done on it. Exponent forms and negatives give undefined.
 */
export function amountText(value: unknown): string | undefined {
  return decimalText(typeof value === 'string' ? value.trim() : value);
}

// iumiCash vendor REST API wire format, pure: status table, request building, response parsing (gateways.md §4, §5).
import { createHash } from 'node:crypto';
import type { Charge, ChargeOrder, ChargeStatus, CreateChargeInput, GatewayError, GatewayErrorKind, GatewayResult, HttpRequest } from '../types.ts';
import { AMOUNT_RE, formatAmount, parseAmount, timesQuantity } from '../../protocol/amount.ts';
import { isRecord, parseJson } from '../kit.ts';

/** gateways.md §4.1: production API host. The sandbox URL comes with the credentials, so it is an override. */
export const IUMICASH_BASE_URL = 'https://api.iumi.cash';

/**
 * Native status → common status (gateways.md §4.5 and §5). iumiCash has no expiry, refund, under- or
 * overpayment; payment failures are HTTP errors, not statuses. `captured` is pending per §5 [INFERRED].
 */
export const STATUS_MAP = {
  created: 'pending',
  approved: 'pending',
  captured: 'pending',
  completed: 'paid',
  cancelled: 'cancelled',
} as const satisfies Record<string, ChargeStatus>;

export type IumiCashStatus = keyof typeof STATUS_MAP;

/** The common status for a native one (statuses are lower case in every example); undefined when undocumented. */
export function commonStatus(native: unknown): ChargeStatus | undefined {
  if (typeof native !== 'string') return undefined;
  const key = native.toLowerCase();
  return Object.hasOwn(STATUS_MAP, key) ? STATUS_MAP[key as IumiCashStatus] : undefined;
}

/** §4.7: 400 codes that are the payer's or the vendor's business refusals, not malformed requests. */
const DECLINE_CODES = new Set(['USER_PAYMENT_LIMIT', 'USER_NOT_ACTIVE', 'ACCOUNT_BALANCE_IS_LOW', 'DISABLED_BY_USER']);

/** Order ids are UUIDs (early docs) or 24-hex ObjectIds (later docs); both fit, nothing that could bend a URL path does. */
export const ORDER_ID_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CURRENCY_RE = /^[A-Z]{3}$/;
/** SBD, NZD and USD (§4.3) all have cents. */
const CURRENCY_DIGITS = 2;

/** §4.2: client-credentials token request, `Basic base64(client_id:client_secret)` exactly as the docs show. */
export function toTokenRequest(baseUrl: string, clientId: string, clientSecret: string): HttpRequest {
  return {
    method: 'POST',
    url: `${baseUrl}/api/v1/oauth/token/`,
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`, 'utf8').toString('base64')}`,
      'content-type': 'application/json',
      accept: 'application/json',
    },
    body: JSON.stringify({ grant_type: 'client_credentials' }),
  };
}

export interface AccessToken {
  accessToken: string;
  /** Seconds of validity the server granted. */
  expiresIn: number;
}

/** When `expires_in` is missing (OAuth makes it optional), assume a short life rather than the 8 h of the example. */
export const DEFAULT_TOKEN_LIFETIME_S = 300;
const TOKEN_RE = /^[A-Za-z0-9._~+/-]{1,4096}=*$/;

/** Parse half of the token exchange (§4.2): 200 + `{access_token, token_type: "Bearer", expires_in}`. */
export function fromTokenResponse(status: number, body: string): GatewayResult<AccessToken> {
  const json = parseJson(body);
  if (status !== 200) {
    const error = errorFromResponse(status, json, 'token');
    // A 400 naming the client or the grant is a credentials problem, not a malformed request of ours (§4.2, RFC 6749 §5.2).
    if (status === 400 && /invalid_(client|grant|authz)|unauthorized_client/i.test(String(isRecord(json) ? json.error : ''))) {
      return { ok: false, error: { ...error, kind: 'auth' } };
    }
    return { ok: false, error };
  }
  if (!isRecord(json)) return fail('protocol', 'iumiCash token answer is not a JSON object');
  if (typeof json.access_token !== 'string' || !TOKEN_RE.test(json.access_token)) return fail('protocol', 'iumiCash token answer has no usable access_token');
  if (json.token_type !== undefined && (typeof json.token_type !== 'string' || json.token_type.toLowerCase() !== 'bearer')) {
    return fail('protocol', 'iumiCash token answer is not a Bearer token');
  }
  let expiresIn = DEFAULT_TOKEN_LIFETIME_S;
  if (json.expires_in !== undefined) {
    if (typeof json.expires_in !== 'number' || !Number.isSafeInteger(json.expires_in) || json.expires_in <= 0) {
      return fail('protocol', 'iumiCash token answer has an invalid expires_in');
    }
    expiresIn = json.expires_in;
  }
  return { ok: true, value: { accessToken: json.access_token, expiresIn } };
}

/**
 * §4.8: `RequestId` is "a unique user-generated ID", a UUID in every example. A key that is already a UUID is
 * sent as is; any other key becomes a stable name-based UUID (version 8 over SHA-256), so a retry repeats it.
 */
export function requestIdFor(idempotencyKey: string): string {
  if (UUID_RE.test(idempotencyKey)) return idempotencyKey.toLowerCase();
  return uuidOf(createHash('sha256').update(`opencharge-iumicash-request-id\n${idempotencyKey}`, 'utf8').digest(), 8);
}

/** A random (version 4) UUID from 16 random bytes: the RequestId of a new charge slot. */
export function uuidV4(bytes: Uint8Array): string {
  return uuidOf(bytes, 4);
}

/** RFC 9562 layout over the first 16 bytes, with the version and variant bits set. */
function uuidOf(bytes: Uint8Array, version: 4 | 8): string {
  const b = Buffer.from(bytes.subarray(0, 16));
  b[6] = (b[6]! & 0x0f) | (version << 4);
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export interface CreatePayload {
  body: string;
  requestId: string;
}

/** Stands in for the amount while the rest is JSON-encoded; JSON.stringify escapes NUL, so no text can forge it. */
const AMOUNT_SLOT = '\u0000amount\u0000';

/**
 * The `POST /api/v1/orders/` body (§4.3): one item carrying the whole signed order, `external_id` = order id,
 * `application_context` with our callback and the order's return URLs. The amount is the decimal text as a
 * JSON number (the docs' `"value": 100`), written from the bigint, never through a float.
 */
export function createOrderPayload(input: CreateChargeInput): GatewayResult<CreatePayload> {
  const order: ChargeOrder = input.order;
  const amount = parseAmount(order.amount);
  if (amount === undefined || amount <= 0n) return fail('invalid', 'order amount must be a positive decimal string');
  let value: string;
  try {
    value = formatAmount(amount, CURRENCY_DIGITS);
  } catch {
    return fail('invalid', `order amount has more than ${CURRENCY_DIGITS} decimal places`);
  }
  const currency = order.currency.toUpperCase();
  if (!CURRENCY_RE.test(currency)) return fail('invalid', 'order currency is not a three-letter currency code');
  if (!order.id) return fail('invalid', 'order has no id');
  const memo = printable(order.memo ?? '', 255);
  const context: Record<string, string> = { callback_url: input.callbackUrl };
  if (order.urls.completed) context.success_url = order.urls.completed;
  if (order.urls.cancelled) context.error_url = order.urls.cancelled;
  const doc = {
    external_id: order.id,
    items: [
      {
        name: printable(`Order ${order.reference ?? order.id}`, 127),
        description: memo || printable(`Opencharge order ${order.id}`, 255),
        amount: { value: AMOUNT_SLOT, currency_code: currency },
        count: 1,
      },
    ],
    // Required in the early docs, dropped from the later request docs but still echoed in callbacks (§4.3): always sent.
    application_context: context,
  };
  const parts = JSON.stringify(doc).split(JSON.stringify(AMOUNT_SLOT));
  if (parts.length !== 2) return fail('invalid', 'order could not be encoded');
  return { ok: true, value: { body: parts.join(value), requestId: requestIdFor(input.idempotencyKey) } };
}

/** Build half of create (§4.3): trailing slash always, `RequestId` for idempotency (§4.8). */
export function toCreateRequest(baseUrl: string, accessToken: string, payload: CreatePayload): HttpRequest {
  return {
    method: 'POST',
    url: `${baseUrl}/api/v1/orders/`,
    headers: {
      authorization: `Bearer ${accessToken}`,
      'content-type': 'application/json',
      accept: 'application/json',
      RequestId: payload.requestId,
    },
    body: payload.body,
  };
}

/** Build half of fetch (§4.4): GET, as the `self` link says (the docs' prose says POST). */
export function toFetchRequest(baseUrl: string, accessToken: string, reference: string): HttpRequest {
  return {
    method: 'GET',
    url: `${baseUrl}/api/v1/orders/${encodeURIComponent(reference)}/`,
    headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
  };
}

/** Parse half of create: 201 (200 accepted for a RequestId replay [INFERRED]); the echo must match the signed order. */
export function fromCreateResponse(status: number, body: string, order: ChargeOrder, baseUrl: string): GatewayResult<Charge> {
  const json = parseJson(body);
  if (status !== 201 && status !== 200) return { ok: false, error: errorFromResponse(status, json, 'create') };
  if (!isRecord(json)) return fail('protocol', 'iumiCash create answer is not a JSON object');
  if (json.external_id !== undefined && String(json.external_id) !== order.id) return fail('protocol', 'iumiCash echoed a different external_id than the order');
  const total = itemsTotal(json.items);
  if (total.ok) {
    if (total.value.currency !== order.currency.toUpperCase()) return fail('protocol', 'iumiCash echoed a different currency than the order');
    if (total.value.amount !== parseAmount(order.amount)) return fail('protocol', 'iumiCash echoed a different amount than the order');
  } else if (json.items !== undefined) return total;
  return toCharge(json, baseUrl);
}

/** Parse half of fetch: 200 (the docs' example says 201) + order object; 404 → not_found. */
export function fromFetchResponse(status: number, body: string, reference: string, baseUrl: string): GatewayResult<Charge> {
  const json = parseJson(body);
  if (status !== 200 && status !== 201) return { ok: false, error: errorFromResponse(status, json, 'fetch') };
  if (!isRecord(json)) return fail('protocol', 'iumiCash fetch answer is not a JSON object');
  const charge = toCharge(json, baseUrl);
  if (charge.ok && charge.value.reference !== reference) return fail('protocol', 'iumiCash answered with a different order id');
  return charge;
}

/** An order object (create, get or callback shape) → our Charge. */
export function toCharge(raw: Record<string, unknown>, baseUrl: string): GatewayResult<Charge> {
  if (typeof raw.id !== 'string' || !ORDER_ID_RE.test(raw.id)) return fail('protocol', 'iumiCash order has no valid id');
  const status = commonStatus(raw.status);
  if (status === undefined) return fail('protocol', `iumiCash order has an unknown status ${describe(raw.status)}`);
  const charge: Charge = { reference: raw.id, paymentUrl: approveLink(raw.links) ?? checkoutUrl(baseUrl, raw.id), status, gatewayStatus: raw.status as string };
  const total = itemsTotal(raw.items);
  if (status === 'paid' && total.ok) charge.paidAmount = total.value.text;
  return { ok: true, value: charge };
}

/** The payer's page: the `approve` link (early docs; `rel`/`method` compared case-insensitively, §4.3). */
function approveLink(links: unknown): string | undefined {
  if (!Array.isArray(links)) return undefined;
  for (const l of links) {
    if (!isRecord(l) || typeof l.rel !== 'string' || l.rel.toLowerCase() !== 'approve') continue;
    if (typeof l.link === 'string' && /^https?:\/\/\S+$/i.test(l.link)) return l.link;
  }
  return undefined;
}

/** The later docs show only a `self` link; the checkout page is `{host}/checkout/<id>/` in the early ones [INFERRED]. */
export function checkoutUrl(baseUrl: string, id: string): string {
  return `${baseUrl}/checkout/${encodeURIComponent(id)}/`;
}

/** Σ value × count (§4.3), exactly; one currency for all items. */
function itemsTotal(items: unknown): GatewayResult<{ amount: bigint; currency: string; text: string }> {
  if (!Array.isArray(items) || items.length === 0) return fail('protocol', 'iumiCash order has no items');
  let amount = 0n;
  let currency: string | undefined;
  for (const item of items) {
    const amt = isRecord(item) && isRecord(item.amount) ? item.amount : undefined;
    const value = parseAmount(decimalText(amt?.value));
    const count = isRecord(item) ? item.count ?? 1 : undefined;
    if (!amt || value === undefined || typeof count !== 'number' || !Number.isSafeInteger(count) || count < 1) {
      return fail('protocol', 'iumiCash order has an unreadable item amount');
    }
    const code = typeof amt.currency_code === 'string' ? amt.currency_code.toUpperCase() : '';
    if (currency !== undefined && code !== currency) return fail('protocol', 'iumiCash order mixes currencies');
    currency = code;
    amount += timesQuantity(value, count);
  }
  let text: string;
  try {
    text = formatAmount(amount, CURRENCY_DIGITS);
  } catch {
    return fail('protocol', 'iumiCash order total has more than two decimal places');
  }
  return { ok: true, value: { amount, currency: currency!, text } };
}

/** A Decimal as iumiCash writes it: a JSON number (read only as text, never computed with) or a string. */
export function decimalText(value: unknown): string | undefined {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  return typeof text === 'string' && AMOUNT_RE.test(text) ? text : undefined;
}

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

/** §4.7 body `{error, description, field_errors: [{field, message}]}`; codes matched case-insensitively. */
export function errorFromResponse(status: number, json: unknown, op: Operation): GatewayError {
  const body = isRecord(json) ? json : {};
  const code = printable(typeof body.error === 'string' ? body.error : '', 60).toUpperCase();
  const description = printable(typeof body.description === 'string' ? body.description : '', 200);
  const fields = Array.isArray(body.field_errors)
    ? body.field_errors
        .filter(isRecord)
        .slice(0, 10)
        .map((f) => `${printable(String(f.field ?? ''), 60)}: ${printable(String(f.message ?? ''), 200)}`)
    : [];
  let text = `iumiCash ${op} failed: HTTP ${status}`;
  if (code) text += ` ${code}`;
  if (description) text += `: ${description}`;
  if (fields.length) text += ` (${fields.join('; ')})`;
  // external_id is unique (§4.3): an order for ours exists, made under a RequestId iumiCash no longer remembers.
  if (op === 'create' && (status === 400 || status === 422) && Array.isArray(body.field_errors) && body.field_errors.some(isDuplicateExternalId)) {
    return { kind: 'conflict', message: `${text}; iumiCash already holds an order for this order id and has no lookup by external_id`, httpStatus: status };
  }
  return { kind: errorKindFor(status, code, op), message: text, httpStatus: status };
}

function isDuplicateExternalId(f: unknown): boolean {
  return isRecord(f) && f.field === 'external_id' && typeof f.message === 'string' && /exist|unique|duplicate/i.test(f.message);
}

/** Text made printable and clipped to `max` code points (it ends up in messages and on the payer's page). */
function printable(text: string, max: number): string {
  const clean = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  const chars = Array.from(clean);
  return chars.length <= max ? clean : chars.slice(0, max).join('');
}

function describe(value: unknown): string {
  return typeof value === 'string' && /^[a-z_]{1,40}$/i.test(value) ? `'${value}'` : '(unreadable)';
}

export function fail(kind: GatewayErrorKind, message: string, httpStatus?: number): { ok: false; error: GatewayError } {
  return { ok: false, error: httpStatus === undefined ? { kind, message } : { kind, message, httpStatus } };
}

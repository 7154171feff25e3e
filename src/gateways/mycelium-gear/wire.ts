// Mycelium Gear wire format, pure: request signing, order requests, status table (gateways.md §1.2-§1.6).
import { createHash, createHmac } from 'node:crypto';
import type { ChargeStatus, CreateChargeInput, GatewayError, GatewayErrorKind, GatewayResult, HttpRequest } from '../types.ts';
import { parseAmount } from '../../protocol/amount.ts';

/** §1.1: the hosted API (the kit's DEFAULT_API_URL); the customer pays at `{base}/pay/{payment_id}`. */
export const GEAR_DEFAULT_BASE_URL = 'https://gateway.gear.mycelium.com';

/**
 * Native status code → common status (gateways.md §1.6 and §5). Keys are the codes as text, the way callbacks
 * carry them; -3 (partially_paid) only shows up in GET/WebSocket answers and is still mutable, hence pending.
 */
export const STATUS_MAP = {
  '-3': 'pending', // partially_paid: becomes 2/4 on a further payment, or 3 at expiry
  '0': 'pending', // new: no transaction seen
  '1': 'pending', // unconfirmed: enough money seen, not enough confirmations
  '2': 'paid',
  '3': 'underpaid', // final: less than due received by expiry
  '4': 'overpaid', // final: more than due received
  '5': 'expired',
  '6': 'cancelled', // Gear spells it "canceled"
} as const satisfies Record<string, ChargeStatus>;

export type GearStatusCode = keyof typeof STATUS_MAP;

/** The common status for a native code (number or digit text); undefined for a code Gear never documented. */
export function commonStatus(native: unknown): ChargeStatus | undefined {
  const key = typeof native === 'number' && Number.isInteger(native) ? String(native) : native;
  return typeof key === 'string' && Object.hasOwn(STATUS_MAP, key) ? STATUS_MAP[key as GearStatusCode] : undefined;
}

/**
 * §1.2 Form A: Base64Strict(HMAC-SHA512(secret, METHOD + REQUEST_URI + SHA512_binary(nonce + body))).
 * Callbacks (§1.8) use the same formula with an empty nonce and body.
 */
export function gearSignature(secret: string, method: string, requestUri: string, nonce: string, body: string): string {
  const inner = createHash('sha512').update(nonce + body, 'utf8').digest();
  const message = Buffer.concat([Buffer.from(method.toUpperCase() + requestUri, 'utf8'), inner]);
  return createHmac('sha512', secret).update(message).digest('base64');
}

/** Where Gear sends the customer for an order. */
export function payUrl(baseUrl: string, paymentId: string): string {
  return `${baseUrl}/pay/${paymentId}`;
}

const CURRENCY_RE = /^[A-Za-z]{3}$/;
/** parseAmount scale (10^18) → satoshi (10^8). */
const PER_SATOSHI = 10n ** 10n;

/** An order's amount in satoshis, exactly; undefined when it has more than 8 decimals or is not an amount. */
export function toSatoshis(amount: string): bigint | undefined {
  const scaled = parseAmount(amount);
  if (scaled === undefined || scaled % PER_SATOSHI !== 0n) return undefined;
  return scaled / PER_SATOSHI;
}

/** The keychain_id a charge's idempotency key names (§1.10: an integer > 0); undefined for anything else. */
export function keychainOf(key: string): number | undefined {
  return /^[1-9]\d{0,15}$/.test(key) && Number.isSafeInteger(Number(key)) ? Number(key) : undefined;
}

/** Clips to `max` characters (§1.4: description ≤ 255). */
export function clip(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : chars.slice(0, max).join('');
}

/**
 * The JSON body of `POST /gateways/:gid/orders` (§1.4), fields in a fixed order. `currency` is always sent, so the
 * amount's unit follows the order and not the gateway's configured currency: BTC in satoshis (the default
 * `btc_denomination`), anything else in major units as written (Gear converts at its exchange rate).
 */
export function createOrderBody(input: CreateChargeInput): GatewayResult<Record<string, unknown>> {
  const { order } = input;
  const scaled = parseAmount(order.amount);
  // §1.4: Gear reads amount 0 as "accept any amount", so a zero order must never reach it.
  if (scaled === undefined || scaled <= 0n) return fail('invalid', 'order amount must be a positive decimal string');
  if (!CURRENCY_RE.test(order.currency)) return fail('invalid', 'order currency must be a three-letter code');
  const currency = order.currency.toUpperCase();
  // §1.10: the charge's key is its keychain_id, so every retry asks for the same address (no gap, no second address).
  const keychainId = keychainOf(input.idempotencyKey);
  if (keychainId === undefined) return fail('invalid', "Mycelium Gear's idempotency key must be a keychain_id (a positive integer)");
  let amount: number | string = order.amount;
  if (currency === 'BTC') {
    const sats = toSatoshis(order.amount);
    if (sats === undefined) return fail('invalid', 'a BTC amount cannot have more than 8 decimal places');
    if (sats > BigInt(Number.MAX_SAFE_INTEGER)) return fail('invalid', 'BTC amount is too large');
    amount = Number(sats); // exact: a safe integer
  }
  const body: Record<string, unknown> = {
    amount,
    currency,
    keychain_id: keychainId,
    // §1.4 forbids `order_id`; `callback_data` is the merchant's field and comes back in every callback.
    callback_data: order.id,
    description: clip(order.memo?.trim() || `Order ${order.reference ?? order.id}`, 255),
    // The docs honour a per-order callback URL, the open-source server ignores it (§1.4): the gateway-level URL
    // must also point here. Sending it costs nothing and works where it is honoured.
    callback_url: input.callbackUrl,
  };
  if (order.urls.completed) body.after_payment_redirect_to = order.urls.completed;
  return { ok: true, value: body };
}

export interface GearEndpoint {
  baseUrl: string;
  gatewayId: string;
}

/** Headers of a signed request (§1.2) over the request-target fetch will actually send. */
function signed(method: 'GET' | 'POST', url: string, body: string, secret: string, nonce: string): HttpRequest {
  const u = new URL(url);
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'X-Nonce': nonce,
    'X-Signature': gearSignature(secret, method, u.pathname + u.search, nonce, body),
  };
  if (method === 'POST') headers['Content-Type'] = 'application/json';
  return method === 'POST' ? { method, url: u.href, headers, body } : { method, url: u.href, headers };
}

/** Build half of create: a signed JSON POST, as the official kit sends it. */
export function toCreateRequest(ep: GearEndpoint, secret: string, input: CreateChargeInput, nonce: string): GatewayResult<HttpRequest> {
  const body = createOrderBody(input);
  if (!body.ok) return body;
  return { ok: true, value: signed('POST', `${ep.baseUrl}/gateways/${ep.gatewayId}/orders`, JSON.stringify(body.value), secret, nonce) };
}

/** §1.3: a purely numeric value is the internal id, anything else is matched against payment_id. */
export const REFERENCE_RE = /^(?:[1-9]\d{0,15}|[0-9a-f]{64})$/;

/** §1.3: `GET /gateways/:gid/last_keychain_id`, unsigned; the server answers the live counter even in test mode. */
export function toLastKeychainRequest(ep: GearEndpoint): HttpRequest {
  return { method: 'GET', url: `${ep.baseUrl}/gateways/${ep.gatewayId}/last_keychain_id`, headers: { Accept: 'application/json' } };
}

/** Build half of fetch: `GET /gateways/:gid/orders/:id`, signed (hosted gateways check it). */
export function toFetchRequest(ep: GearEndpoint, secret: string, reference: string, nonce: string): HttpRequest {
  return signed('GET', `${ep.baseUrl}/gateways/${ep.gatewayId}/orders/${reference}`, '', secret, nonce);
}

export function fail(kind: GatewayErrorKind, message: string, httpStatus?: number): { ok: false; error: GatewayError } {
  return { ok: false, error: httpStatus === undefined ? { kind, message } : { kind, message, httpStatus } };
}

// Mycelium Gear wire format, pure: request signing and building, order answers parsed (docs/gateways.md §1.2-§1.4); tables in status.ts.
import { createHash, createHmac } from 'node:crypto';
import type { Charge, CreateChargeInput, GatewayResult, HttpRequest } from '../types.ts';
import { parseAmount } from '../../protocol/amount.ts';
import { clip, fail, isRecord, parseJson, type GatewayWire } from '../kit.ts';
import { commonStatus, errorFor } from './status.ts';

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

/** The order JSON of §1.4 (create and GET answer the same shape). */
export interface GearOrder {
  id: number;
  status: number;
  paymentId: string;
  amountSatoshis: number;
  amountPaidInBtc?: string;
  keychainId?: number;
  /** The gateway's counter when the answer was made (test-mode aware, unlike the last_keychain_id endpoint). */
  lastKeychainId?: number;
}

const BTC_TEXT_RE = /^(\d{1,10})\.?(\d{0,8})$/;

/** Gear writes BTC as Ruby floats print them ("0.0", "0.", "0.0039874"); returns a plain decimal string. */
export function btcText(value: unknown): string | undefined {
  const m = typeof value === 'string' ? BTC_TEXT_RE.exec(value) : null;
  if (!m) return undefined;
  const frac = m[2]!.replace(/0+$/, '');
  return frac ? `${BigInt(m[1]!)}.${frac}` : String(BigInt(m[1]!));
}

/** An order answer's fields, or undefined when they are missing or of the wrong type. */
export function parseGearOrder(body: string): GearOrder | undefined {
  const o = parseJson(body);
  if (!isRecord(o)) return undefined;
  const { id, status, payment_id: paymentId, amount } = o;
  if (!Number.isSafeInteger(id) || (id as number) <= 0) return undefined;
  if (!Number.isSafeInteger(status)) return undefined;
  if (typeof paymentId !== 'string' || !/^[0-9a-f]{64}$/.test(paymentId)) return undefined;
  if (!Number.isSafeInteger(amount) || (amount as number) < 0) return undefined;
  const out: GearOrder = { id: id as number, status: status as number, paymentId, amountSatoshis: amount as number };
  const paid = btcText(o.amount_paid_in_btc);
  if (paid !== undefined) out.amountPaidInBtc = paid;
  if (isCounter(o.keychain_id)) out.keychainId = o.keychain_id;
  if (isCounter(o.last_keychain_id)) out.lastKeychainId = o.last_keychain_id;
  return out;
}

const isCounter = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** Parse half of `GET …/last_keychain_id` (§1.3): `{"gateway_id": …, "last_keychain_id": N}`. */
export function fromLastKeychainResponse(status: number, body: string): GatewayResult<number> {
  // Read as a create's errors: a 404 here names the gateway, not an order.
  if (status !== 200) return { ok: false, error: errorFor(status, body, 'create') };
  const json = parseJson(body);
  const last = isRecord(json) ? json.last_keychain_id : undefined;
  return isCounter(last) ? { ok: true, value: last } : fail('protocol', 'Mycelium Gear answered last_keychain_id with something we cannot read', status);
}

/** What we know about the order a response answers: the base URL and, on create, what we asked for. */
export interface ParseContext {
  baseUrl: string;
  /** Order currency, when known: `paidAmount` is only reported in the order's currency, i.e. for BTC orders. */
  currency?: string;
  /** Satoshis we asked for (BTC orders at create): Gear must echo them. */
  satoshis?: bigint;
  /** The keychain_id we asked for (at create): Gear must have used it. */
  keychainId?: number;
}

export function toCharge(order: GearOrder, ctx: ParseContext): GatewayResult<Charge> {
  const status = commonStatus(order.status);
  if (status === undefined) return fail('protocol', `Mycelium Gear reported an unknown order status (${order.status})`);
  if (ctx.satoshis !== undefined && BigInt(order.amountSatoshis) !== ctx.satoshis) {
    return fail('protocol', 'Mycelium Gear created the order for a different amount');
  }
  if (ctx.keychainId !== undefined && order.keychainId !== undefined && order.keychainId !== ctx.keychainId) {
    return fail('protocol', 'Mycelium Gear created the order at another keychain_id than the one asked for');
  }
  const charge: Charge = {
    reference: String(order.id), // callbacks name the order by this id (§1.8 `order_id`)
    paymentUrl: payUrl(ctx.baseUrl, order.paymentId),
    status,
    gatewayStatus: String(order.status),
  };
  if (ctx.currency?.toUpperCase() === 'BTC' && order.amountPaidInBtc !== undefined) charge.paidAmount = order.amountPaidInBtc;
  return { ok: true, value: charge };
}

/** Parse half of create and fetch: 200 + order JSON, else the text/plain errors of §1.9. */
export function fromOrderResponse(status: number, body: string, op: 'create' | 'fetch', ctx: ParseContext): GatewayResult<Charge> {
  if (status !== 200) return { ok: false, error: errorFor(status, body, op) };
  const order = parseGearOrder(body);
  if (!order) return fail('protocol', 'Mycelium Gear answered with an order we cannot read', 200);
  return toCharge(order, ctx);
}

export function fromCreateResponse(status: number, body: string, ctx: ParseContext): GatewayResult<Charge> {
  return fromOrderResponse(status, body, 'create', ctx);
}

export function fromFetchResponse(status: number, body: string, ctx: ParseContext): GatewayResult<Charge> {
  return fromOrderResponse(status, body, 'fetch', ctx);
}

export const wire = { toCreateRequest, fromCreateResponse, toFetchRequest, fromFetchResponse } satisfies GatewayWire;

// CoinGate API v2 wire format, pure: request building and response parsing (docs/gateways.md §2); the tables live in status.ts.
import type { Charge, ChargeOrder, CreateChargeInput, GatewayError, GatewayResult, HttpRequest } from '../types.ts';
import { parseAmount, sameAmount } from '../../protocol/amount.ts';
import { commonStatus, errorKindFor, type Operation } from './status.ts';
import { clip, decimalText, describeStatus, fail, isRecord, parseJson, printable, type GatewayWire } from '../kit.ts';

const CURRENCY_RE = /^[A-Za-z0-9]{2,10}$/;

/** The form fields of `POST /v2/orders` (§2.3), in a fixed order so requests are reproducible. */
export function createOrderFields(input: CreateChargeInput): GatewayResult<Array<[string, string]>> {
  const order: ChargeOrder = input.order;
  const amount = parseAmount(order.amount);
  if (amount === undefined || amount <= 0n) return fail('invalid', 'order amount must be a positive decimal string');
  if (!CURRENCY_RE.test(order.currency)) return fail('invalid', 'order currency is not a currency code');
  const title = clip(`Order ${order.reference ?? order.id}`, 150); // §2.3: 3–150 chars, required today
  const memo = order.memo?.trim();
  const description = clip(memo && Array.from(memo).length >= 3 ? memo : `Opencharge order ${order.id}`, 500); // 3–500
  const fields: Array<[string, string]> = [
    ['order_id', input.idempotencyKey], // the charge's key: what a lookup after a lost answer searches for (§2.8)
    // Form encoding carries the decimal text as written: no float ever holds the price.
    ['price_amount', order.amount],
    ['price_currency', order.currency.toUpperCase()],
    ['title', title],
    ['description', description],
    ['callback_url', input.callbackUrl],
    ['token', input.callbackToken],
  ];
  if (order.urls.completed) fields.push(['success_url', order.urls.completed]);
  if (order.urls.cancelled) fields.push(['cancel_url', order.urls.cancelled]);
  return { ok: true, value: fields };
}

/** Build half of create: `POST {base}/orders`, form-encoded, `Authorization: Token …` (§2.2 docs). */
export function toCreateRequest(baseUrl: string, apiToken: string, input: CreateChargeInput): GatewayResult<HttpRequest> {
  const fields = createOrderFields(input);
  if (!fields.ok) return fields;
  return {
    ok: true,
    value: {
      method: 'POST',
      url: `${baseUrl}/orders`,
      headers: {
        authorization: `Token ${apiToken}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: new URLSearchParams(fields.value).toString(),
    },
  };
}

/** CoinGate order ids are positive integers (§2.3 `id`). */
export const ORDER_ID_RE = /^[1-9]\d{0,18}$/;

/** Build half of fetch: `GET {base}/orders/{id}` (§2.4). */
export function toFetchRequest(baseUrl: string, apiToken: string, reference: string): HttpRequest {
  return {
    method: 'GET',
    url: `${baseUrl}/orders/${encodeURIComponent(reference)}`,
    headers: { authorization: `Token ${apiToken}`, accept: 'application/json' },
  };
}

/** Parse half of create: 200 + order JSON; the echoed price must be the signed order's (the order is the truth). */
export function fromCreateResponse(status: number, body: string, order: ChargeOrder, key: string): GatewayResult<Charge & { token?: string }> {
  const parsed = fromOrderResponse(status, body, 'create');
  if (!parsed.ok) return parsed;
  const { raw, charge } = parsed.value;
  const mismatch = echoMismatch(raw, order, key);
  if (mismatch) return fail('protocol', mismatch);
  const token = typeof raw.token === 'string' ? raw.token : undefined;
  return { ok: true, value: token === undefined ? charge : { ...charge, token } };
}

/** What a CoinGate order we are about to adopt gets wrong about the signed order, if anything. */
export function echoMismatch(raw: Record<string, unknown>, order: ChargeOrder, key: string): string | undefined {
  if (!sameAmount(decimalText(raw.price_amount), order.amount)) return 'CoinGate echoed a different price_amount than the order';
  if (typeof raw.price_currency !== 'string' || raw.price_currency.toUpperCase() !== order.currency.toUpperCase()) {
    return 'CoinGate echoed a different price_currency than the order';
  }
  if (raw.order_id !== undefined && raw.order_id !== null && String(raw.order_id) !== key) return 'CoinGate echoed a different order_id than the order';
  return undefined;
}

/** Parse half of fetch: 200 + full order, 404 → not_found. */
export function fromFetchResponse(status: number, body: string, reference: string): GatewayResult<Charge> {
  const parsed = fromOrderResponse(status, body, 'fetch');
  if (!parsed.ok) return parsed;
  if (parsed.value.charge.reference !== reference) return fail('protocol', 'CoinGate answered with a different order id');
  return { ok: true, value: parsed.value.charge };
}

function fromOrderResponse(status: number, body: string, op: Operation): GatewayResult<{ raw: Record<string, unknown>; charge: Charge }> {
  const json = parseJson(body);
  // The SDKs treat anything but 200 as an error (§2.3).
  if (status !== 200) return { ok: false, error: errorFromResponse(status, json, op) };
  if (!isRecord(json)) return fail('protocol', `CoinGate ${op} answer is not a JSON object`);
  const charge = toCharge(json);
  return charge.ok ? { ok: true, value: { raw: json, charge: charge.value } } : charge;
}

/** An order body (create or GET shape) → our Charge. */
export function toCharge(raw: Record<string, unknown>): GatewayResult<Charge> {
  const id = typeof raw.id === 'number' && Number.isSafeInteger(raw.id) ? String(raw.id) : raw.id;
  if (typeof id !== 'string' || !ORDER_ID_RE.test(id)) return fail('protocol', 'CoinGate order has no valid id');
  if (typeof raw.payment_url !== 'string' || !/^https?:\/\/\S+$/.test(raw.payment_url)) {
    return fail('protocol', 'CoinGate order has no valid payment_url');
  }
  const status = commonStatus(raw.status, raw.underpaid_amount, raw.overpaid_amount);
  if (status === undefined) return fail('protocol', `CoinGate order has an unknown status ${describeStatus(raw.status)}`);
  const charge: Charge = { reference: id, paymentUrl: raw.payment_url, status, gatewayStatus: raw.status as string };
  // Only a plain `paid` tells us what was paid in the price currency: exactly price_amount.
  const price = decimalText(raw.price_amount);
  if (status === 'paid' && price !== undefined) charge.paidAmount = price;
  return { ok: true, value: charge };
}

/** A non-200 answer (§2.7): the kind from the status table, the message from its printable `reason`, `message` and `errors`. */
export function errorFromResponse(status: number, json: unknown, op: Operation): GatewayError {
  const body = isRecord(json) ? json : {};
  const reason = printable(body.reason, 60);
  const message = printable(body.message, 200);
  const errors = Array.isArray(body.errors) ? body.errors.map((e) => printable(e, 200)).filter(Boolean).slice(0, 10) : [];
  let text = `CoinGate ${op} failed: HTTP ${status}`;
  if (reason) text += ` ${reason}`;
  if (message) text += `: ${message}`;
  if (errors.length) text += ` (${errors.join('; ')})`;
  return { kind: errorKindFor(status, op), message: text, httpStatus: status };
}

export const wire = { toCreateRequest, fromCreateResponse, toFetchRequest, fromFetchResponse } satisfies GatewayWire;

// MugglePay wire format, pure: request builders and response parsers (docs/gateways.md §3.2-3.3, §3.6-3.7); the tables live in status.ts.
import type { Charge, ChargeOrder, CreateChargeInput, GatewayError, GatewayErrorKind, GatewayResult, HttpRequest } from '../types.ts';
import { formatAmount, fractionDigits, parseAmount, sameAmount } from '../../protocol/amount.ts';
import { amountText, chargeStatus, errorKind, kindFromHttpStatus, reportsPaidAmount } from './status.ts';
import { clip, fail, isRecord, parseJson, printable, scrub, type GatewayWire } from '../kit.ts';

/** The hosted payment page (§3.1); GetOrder carries no payment_url, so fetched charges point here. */
export const INVOICE_URL = 'https://invoice.mugglepay.com/invoices?id=';
const TITLE_MAX = 200;
const DESCRIPTION_MAX = 800;
/** MugglePay keeps price_amount as a double, which carries at most 15 significant decimal digits exactly. */
const MAX_SIGNIFICANT_DIGITS = 15;
/** MugglePay order ids are UUIDs; anything outside this cannot be one and never reaches a URL path. */
export const REFERENCE_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

export interface WireTarget {
  baseUrl: string;
  apiToken: string;
}

export interface ParseContext {
  /** Values scrubbed from any gateway text copied into an error message. */
  secrets: readonly string[];
  /** The order a create answers; its amount and currency must come back unchanged. */
  order?: ChargeOrder;
  /** The merchant_order_id a create sent (the charge's idempotency key), which must come back unchanged. */
  merchantOrderId?: string;
  /** The reference a fetch asked for. */
  reference?: string;
}

type Json = Record<string, unknown>;

/** price_amount as a JSON number literal written from the decimal string; undefined if MugglePay cannot carry it. */
export function priceLiteral(amount: string): string | undefined {
  const value = parseAmount(amount);
  if (value === undefined || value === 0n) return undefined;
  const text = formatAmount(value, fractionDigits(amount)); // drops leading zeros: a valid JSON number
  const significant = text.replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return significant.length <= MAX_SIGNIFICANT_DIGITS ? text : undefined;
}

/** Rejects, before any request, an order MugglePay could not price exactly. */
export function checkOrder(order: ChargeOrder): GatewayError | undefined {
  if (priceLiteral(order.amount) === undefined) {
    return { kind: 'invalid', message: `MugglePay cannot carry the amount ${JSON.stringify(order.amount)} exactly (positive, at most ${MAX_SIGNIFICANT_DIGITS} significant digits)` };
  }
  if (!/^[A-Za-z0-9_]{2,16}$/.test(order.currency)) return { kind: 'invalid', message: 'MugglePay needs a currency code for price_currency' };
  return undefined;
}

/** POST /v1/orders (§3.2). The signed order supplies id, amount, currency and return URLs. */
export function toCreateRequest(target: WireTarget, input: CreateChargeInput): HttpRequest {
  const { order } = input;
  const price = priceLiteral(order.amount);
  if (price === undefined) throw new Error('toCreateRequest: call checkOrder first');
  const str = (v: string | undefined) => (v === undefined ? undefined : JSON.stringify(v));
  const fields: Array<[string, string | undefined]> = [
    ['merchant_order_id', str(input.idempotencyKey)], // the charge's key: fixed for every retry (§3.7)
    ['price_amount', price], // a JSON number, as documented ("double"), never passed through a float
    ['price_currency', str(order.currency)],
    ['title', str(clip(`Order ${order.reference ?? order.id}`, TITLE_MAX))],
    ['description', str(order.memo === undefined ? undefined : clip(order.memo, DESCRIPTION_MAX))],
    ['callback_url', str(input.callbackUrl)],
    ['success_url', str(order.urls.completed)],
    ['cancel_url', str(order.urls.cancelled)],
    // Echoed back in the callback. Every SDK sends `token`; the 2025 docs renamed it `merchant_token` (§3.2).
    ['token', str(input.callbackToken)],
    ['merchant_token', str(input.callbackToken)],
  ];
  const body = `{${fields.filter(([, v]) => v !== undefined).map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;
  return {
    method: 'POST',
    url: `${target.baseUrl}/orders`,
    headers: { 'content-type': 'application/json', accept: 'application/json', token: target.apiToken },
    body,
  };
}

/** GET /v1/orders/:order_id (§3.3). */
export function toFetchRequest(target: WireTarget, reference: string): HttpRequest {
  return {
    method: 'GET',
    url: `${target.baseUrl}/orders/${encodeURIComponent(reference)}`,
    headers: { accept: 'application/json', token: target.apiToken },
  };
}

function parseObject(text: string): Json | undefined {
  const v = parseJson(text);
  return isRecord(v) ? v : undefined;
}

/** `status` in the body is a number or a numeric string ("400"). */
function bodyStatus(body: Json): number | undefined {
  const s = body.status;
  if (typeof s === 'number' && Number.isInteger(s)) return s;
  return typeof s === 'string' && /^\d{3}$/.test(s) ? Number(s) : undefined;
}

function errorCode(body: Json): string | undefined {
  const c = body.error_code;
  return typeof c === 'string' && /^[A-Z0-9_]{1,64}$/.test(c) ? c : undefined;
}

/** Gateway text made safe for an error message: no secrets, no control or format characters (each one a space), bounded. */
function safeText(text: string, secrets: readonly string[]): string {
  return printable(scrub(text, secrets).replace(/[\p{Cc}\p{Cf}]/gu, ' '), 160);
}

function failure(op: 'create' | 'fetch', http: number, body: Json | undefined, secrets: readonly string[]) {
  const what = op === 'create' ? 'create order' : 'get order';
  if (http >= 300 && http < 400) return fail('protocol', `MugglePay ${what}: unexpected redirect (check OC_MUGGLEPAY_BASE_URL)`, http);
  let kind: GatewayErrorKind;
  let detail: string;
  if (body === undefined) {
    kind = kindFromHttpStatus(http) ?? 'protocol';
    detail = `HTTP ${http}, unreadable body`;
  } else {
    const code = errorCode(body);
    const raw = [body.error, body.eror, body.message].find((v) => typeof v === 'string'); // GetOrder's doc spells it "eror"
    if (code === undefined && raw === undefined && http < 300) return fail('protocol', `MugglePay ${what}: unexpected answer`, http);
    kind = errorKind(code, bodyStatus(body), http);
    const text = typeof raw === 'string' ? safeText(raw, secrets) : '';
    detail = `${code ?? `HTTP ${http}`}${text ? ` (${text})` : ''}`;
  }
  if (op === 'create' && kind === 'not_found') kind = 'invalid';
  return fail(kind, `MugglePay ${what} failed: ${detail}`, http);
}

function sameCurrency(a: unknown, b: unknown): boolean {
  return typeof a === 'string' && typeof b === 'string' && a.toUpperCase() === b.toUpperCase();
}

/** The common charge an order object describes, checked against what we asked for. */
function chargeFrom(body: Json, ctx: ParseContext, http: number): GatewayResult<Charge> {
  const order = body.order;
  if (!isRecord(order)) return fail('protocol', 'MugglePay answer has no order object', http);
  const id = order.order_id;
  const native = order.status;
  if (typeof id !== 'string' || !REFERENCE_RE.test(id)) return fail('protocol', 'MugglePay answer has no valid order_id', http);
  if (typeof native !== 'string' || native === '') return fail('protocol', 'MugglePay answer has no order status', http);
  if (ctx.reference !== undefined && id !== ctx.reference) return fail('protocol', 'MugglePay answered about another order', http);
  const due = amountText(order.price_amount);
  if (ctx.order !== undefined) {
    const o = ctx.order;
    if (order.merchant_order_id !== undefined && order.merchant_order_id !== (ctx.merchantOrderId ?? o.id)) return fail('protocol', 'MugglePay returned another merchant_order_id', http);
    if (order.price_amount !== undefined && !sameAmount(due, o.amount)) return fail('protocol', `MugglePay recorded price_amount ${due ?? '(unreadable)'} for an order of ${o.amount}`, http);
    if (order.price_currency !== undefined && !sameCurrency(order.price_currency, o.currency)) return fail('protocol', 'MugglePay recorded another price_currency', http);
  }
  let paymentUrl = `${INVOICE_URL}${encodeURIComponent(id)}`;
  if (body.payment_url !== undefined) {
    if (typeof body.payment_url !== 'string' || !/^https?:\/\/\S+$/.test(body.payment_url)) return fail('protocol', 'MugglePay payment_url is not a URL', http);
    paymentUrl = body.payment_url;
  }
  // pay_amount is what was paid once money arrived; comparable only in the price currency (§5).
  const paid = reportsPaidAmount(native) && sameCurrency(order.pay_currency, order.price_currency) ? amountText(order.pay_amount) : undefined;
  const charge: Charge = { reference: id, paymentUrl, status: chargeStatus(native, due, paid), gatewayStatus: native };
  if (paid !== undefined) charge.paidAmount = paid;
  return { ok: true, value: charge };
}

const isSuccess = (body: Json, ok: readonly number[]) => errorCode(body) === undefined && ok.includes(bodyStatus(body) ?? -1);

/** Create answer: body status 201 (or 200) decides, not the HTTP code (§3.2). */
export function fromCreateResponse(status: number, text: string, ctx: ParseContext): GatewayResult<Charge> {
  const body = parseObject(text);
  if (status >= 300 && status < 400) return failure('create', status, body, ctx.secrets);
  if (body !== undefined && isSuccess(body, [200, 201])) return chargeFrom(body, ctx, status);
  // A repeat of our merchant_order_id: the official WooCommerce plugin reuses the order it carries (§3.7).
  // Without the order in it, the refusal is a 'conflict' (status table): the key is taken, nothing can be adopted.
  if (body !== undefined && errorCode(body) === 'ORDER_MERCHANTID_EXIST' && isRecord(body.order) && typeof body.payment_url === 'string') {
    return chargeFrom(body, ctx, status);
  }
  return failure('create', status, body, ctx.secrets);
}

/** GetOrder answer: `{status:200, order, invoice?}`; unknown ids come back as ORDER_NOT_VALID. */
export function fromFetchResponse(status: number, text: string, ctx: ParseContext): GatewayResult<Charge> {
  const body = parseObject(text);
  if (status >= 300 && status < 400) return failure('fetch', status, body, ctx.secrets);
  if (body !== undefined && isSuccess(body, [200])) return chargeFrom(body, ctx, status);
  return failure('fetch', status, body, ctx.secrets);
}

export const wire = { toCreateRequest, fromCreateResponse, toFetchRequest, fromFetchResponse } satisfies GatewayWire;

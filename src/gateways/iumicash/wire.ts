// iumiCash vendor REST API wire format, pure: order requests built, answers and errors parsed (docs/gateways.md §4.3-§4.7); tables in status.ts.
import type { Charge, ChargeOrder, CreateChargeInput, GatewayError, GatewayResult, HttpRequest } from '../types.ts';
import { formatAmount, parseAmount, timesQuantity } from '../../protocol/amount.ts';
import { decimalText, describeStatus, fail, isRecord, parseJson, printable, type GatewayWire } from '../kit.ts';
import { commonStatus, errorKindFor, type Operation } from './status.ts';
import { requestIdFor } from './request-id.ts';

/** Order ids are UUIDs (early docs) or 24-hex ObjectIds (later docs); both fit, nothing that could bend a URL path does. */
export const ORDER_ID_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const CURRENCY_RE = /^[A-Z]{3}$/;
/** SBD, NZD and USD (§4.3) all have cents. */
const CURRENCY_DIGITS = 2;

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
  if (status === undefined) return fail('protocol', `iumiCash order has an unknown status ${describeStatus(raw.status)}`);
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

export const wire = { toCreateRequest, fromCreateResponse, toFetchRequest, fromFetchResponse } satisfies GatewayWire;

// Opencharge Merchant Gateway wire format, pure: order checks, the signed checkout request, answer parsing (opencharge.md §1.5, §2.8); tables in status.ts.
import type { RequestSigner } from '../../client/signer.ts';
import type { Charge, ChargeOrder, CreateChargeInput, GatewayError, GatewayResult, HttpRequest } from '../types.ts';
import { fail, isRecord, parseJson, printable, scrub, type GatewayWire } from '../kit.ts';
import { STATUS_MAP, errorKind } from './status.ts';

export interface MgTarget {
  /** The MG's OCID (OC_MG_OCID). */
  ocid: number;
  /** The MG's API base URL, base path included, no trailing slash (OC_MG_ENDPOINT). */
  endpoint: string;
}

/**
 * Checks done before anything is sent. The MG refuses an order whose `accepts` lacks its OCID (§1.5
 * SETTLEMENT_NOT_SUPPORTED), so we decline it here; an order signed for another OCID than ours, or one
 * whose signed copy disagrees with the order we were given, is a programmer error upstream ('invalid').
 */
export function checkOrder(mg: MgTarget, order: ChargeOrder, merchantOcid: number): GatewayError | undefined {
  const signed = order.signed;
  if (!isRecord(signed)) return { kind: 'invalid', message: 'the signed order is missing' };
  if (signed.id !== order.id) return { kind: 'invalid', message: 'the signed order has a different id than the order' };
  if (signed.ocid !== merchantOcid) return { kind: 'invalid', message: `order ${order.id} is not signed for this merchant's OCID ${merchantOcid}` };
  if (typeof order.signature !== 'string' || order.signature === '') return { kind: 'invalid', message: `order ${order.id} has no signature` };
  if (!Array.isArray(signed.accepts) || !signed.accepts.includes(mg.ocid)) {
    return { kind: 'declined', message: `order ${order.id} does not accept settlement by Merchant Gateway OCID ${mg.ocid} (not in the signed order's accepts)` };
  }
  return undefined;
}

/**
 * Build half of create: `POST {endpoint}/orders/checkout` with `{order, signature, urls}` taken verbatim
 * from the signed order (§2.8), signed with the X-OC-* headers over the path exactly as sent (base path
 * included, §3.2) and the exact body string. The MG carries no callback URL or token: it delivers signed
 * transfer proofs to the merchant's own `/transfer/webhook` (§1.4), so neither is sent.
 */
export function toCreateRequest(mg: MgTarget, input: CreateChargeInput, signer: RequestSigner): HttpRequest {
  const { order } = input;
  const url = new URL(`${mg.endpoint}/orders/checkout`);
  const body = JSON.stringify({ order: order.signed, signature: order.signature, urls: order.urls });
  const path = url.pathname + url.search;
  return {
    method: 'POST',
    url: url.href,
    headers: { 'content-type': 'application/json', accept: 'application/json', ...signer.sign('POST', path, body) },
    body,
  };
}

/** What an MG checkout may send the customer to: an absolute http(s) URL, nothing else (no javascript:, no data:). */
const REDIRECT_RE = /^https?:\/\/[^\s/?#]+[^\s]*$/i;

/**
 * Parse half of create: 2xx `{redirect_url}` (§1.5; the docs only ever show 200) → a pending charge
 * referenced by our order id, the MG's checkout being keyed by it; an error envelope → its kind.
 * `sent` lists values we sent (signatures) that must never come back inside a message.
 */
export function fromCreateResponse(status: number, body: string, order: ChargeOrder, sent: string[] = []): GatewayResult<Charge> {
  const json = parseJson(body);
  if (status < 200 || status > 299) return { ok: false, error: errorFromResponse(status, json, sent) };
  if (!isRecord(json)) return fail('protocol', `Opencharge MG checkout answer is not a JSON object (HTTP ${status})`, status);
  const url = json.redirect_url;
  if (typeof url !== 'string' || !REDIRECT_RE.test(url)) return fail('protocol', 'Opencharge MG checkout answer has no http(s) redirect_url', status);
  return { ok: true, value: { reference: order.id, paymentUrl: url, status: STATUS_MAP.checkout_created, gatewayStatus: 'checkout_created' } };
}

/** An error envelope `{"error":{"code","message"}}` (§7): the kind from the status table, its printable message. */
export function errorFromResponse(status: number, json: unknown, sent: string[] = []): GatewayError {
  const err = isRecord(json) && isRecord(json.error) ? json.error : {};
  const code = typeof err.code === 'string' && /^[A-Z][A-Z0-9_]{0,63}$/.test(err.code) ? err.code : undefined;
  const message = safeText(err.message, 200, sent);
  let text = `Opencharge MG checkout failed: HTTP ${status}`;
  if (code) text += ` ${code}`;
  if (message) text += `: ${message}`;
  return { kind: errorKind(status, code), message: text, httpStatus: status };
}

/**
 * Gateway text shown to people: printable, short, and with no signature in it, whether one we sent
 * (an MG may echo it) or any other long hex run that could be key or signature material.
 */
function safeText(value: unknown, max: number, sent: string[] = []): string {
  if (typeof value !== 'string') return '';
  return printable(scrub(value, sent).replace(/(0x)?[0-9a-fA-F]{64,}/g, '[redacted]'), max, '…');
}

/** The MG documents no order lookup (§1.4, §2.8): a checkout is all there is to build and parse. */
export const wire = { toCreateRequest, fromCreateResponse } satisfies GatewayWire;

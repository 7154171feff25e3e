// MugglePay payment callback: pure parsing of the POSTed JSON and the reply MugglePay expects (docs/gateways.md §3.5).
import type { CallbackReply, CallbackRequest, CallbackVerdict } from '../types.ts';
import { REFERENCE_RE } from './wire.ts';
import { isRecord, parseJson, reject } from '../kit.ts';

/** Far above any real callback (a dozen short fields); anything larger is not MugglePay's. */
const MAX_BODY = 64 * 1024;
const MAX_TOKEN = 512;
const AMOUNT_FIELDS = ['price_amount', 'pay_amount'] as const;

/**
 * MugglePay signs nothing: the callback is authenticated only by the merchant token we sent at create,
 * echoed as `token` (or `merchant_token` in the 2025 docs). We return it; the caller compares it in
 * constant time with the stored hash and re-fetches the order before trusting `status`.
 */
export function parseMugglePayCallback(request: CallbackRequest): CallbackVerdict {
  if (request.method.toUpperCase() !== 'POST') return reject('MugglePay callbacks are POST requests');
  const type = request.headers['content-type'];
  if (type !== undefined && !/^application\/json\b/i.test(type.trim())) return reject('callback body is not declared as JSON');
  if (request.body.length > MAX_BODY) return reject('callback body is too large');
  const body = parseJson(request.body);
  if (body === undefined) return reject('callback body is not JSON');
  if (!isRecord(body)) return reject('callback body is not a JSON object');

  const reference = body.order_id;
  if (typeof reference !== 'string' || !REFERENCE_RE.test(reference)) return reject('callback has no valid order_id');
  const status = body.status;
  if (typeof status !== 'string' || !/^[A-Z_]{1,32}$/.test(status)) return reject('callback has no valid status');
  if (body.merchant_order_id !== undefined && typeof body.merchant_order_id !== 'string') return reject('callback merchant_order_id is not a string');
  for (const field of AMOUNT_FIELDS) {
    const v = body[field];
    if (v !== undefined && typeof v !== 'string' && typeof v !== 'number') return reject(`callback ${field} is neither a number nor a string`);
  }

  const tokens = [body.token, body.merchant_token].filter((v) => v !== undefined);
  if (tokens.length === 0) return reject('callback carries no merchant token');
  if (!tokens.every((t) => typeof t === 'string' && t.length > 0 && t.length <= MAX_TOKEN)) return reject('callback merchant token is malformed');
  if (tokens.length === 2 && tokens[0] !== tokens[1]) return reject('callback carries two different merchant tokens');

  return { ok: true, callback: { reference, token: tokens[0] as string, claimedStatus: status } };
}

/** PaymentCallback.md: "return HTTP 200 with this JSON response: {"status": 200}" (anything else is retried). */
export function mugglePayCallbackReply(): CallbackReply {
  return { status: 200, contentType: 'application/json', body: '{"status":200}' };
}

// Mycelium Gear callbacks, pure: GET with X-Signature over the raw request-target (docs/gateways.md §1.8).
import type { CallbackReply, CallbackRequest, CallbackVerdict } from '../types.ts';
import { sameSecret } from '../../crypto/same-secret.ts';
import { reject } from '../kit.ts';
import { gearSignature } from './wire.ts';

/** Codes a callback can carry: changes to a value ≥ 0 (§1.8); -3 is never sent. */
const CALLBACK_STATUS_RE = /^[0-6]$/;
const ORDER_ID_RE = /^[1-9]\d{0,15}$/;
/** Far above any real callback (a few hundred bytes plus callback_data); bounds the HMAC work per request. */
const MAX_TARGET = 16_384;

/** The one value of a query parameter, raw; undefined when absent, null when repeated. */
function single(query: string, name: string): string | undefined | null {
  let found: string | undefined;
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    if (key !== name) continue;
    if (found !== undefined) return null;
    found = eq < 0 ? '' : pair.slice(eq + 1);
  }
  return found;
}

/**
 * Verifies `X-Signature = Base64(HMAC-SHA512(secret, "GET" + target + SHA512("")))` over the request-target exactly
 * as received (never rebuilt from parsed parameters), then reads `order_id` and `status` from its query.
 */
export function parseGearCallback(secret: string, request: CallbackRequest): CallbackVerdict {
  try {
    if (typeof request?.method !== 'string' || request.method.toUpperCase() !== 'GET') return reject('Mycelium Gear callbacks are GET requests');
    const target = request.target;
    if (typeof target !== 'string' || !target.startsWith('/') || target.length > MAX_TARGET) return reject('callback target is not a request path');
    const given = request.headers?.['x-signature'];
    if (typeof given !== 'string' || !given.trim()) return reject('callback has no X-Signature header');
    // The kit accepts only Form A for callbacks; the body is ignored (Gear sends none and signs none).
    if (!sameSecret(given.trim(), gearSignature(secret, 'GET', target, '', ''))) return reject('callback signature does not verify');

    const q = target.indexOf('?');
    if (q < 0) return reject('callback has no query string');
    const query = target.slice(q + 1);
    const orderId = single(query, 'order_id');
    const status = single(query, 'status');
    if (orderId === null || status === null) return reject('callback repeats order_id or status');
    if (orderId === undefined) return reject('callback has no order_id');
    if (status === undefined) return reject('callback has no status');
    if (!ORDER_ID_RE.test(orderId)) return reject('callback order_id is not a Gear order id');
    if (!CALLBACK_STATUS_RE.test(status)) return reject('callback status is not a documented Gear status');
    return { ok: true, callback: { reference: orderId, claimedStatus: status } };
  } catch {
    return reject('callback could not be read');
  }
}

/** §1.8: any 2xx stops Gear's retries; it reads no body. */
export function gearCallbackReply(): CallbackReply {
  return { status: 200, contentType: 'text/plain; charset=utf-8', body: 'OK' };
}

// iumiCash order callbacks, pure: POST JSON signed `iumicash-signature` = hex HMAC-SHA256(client_secret, raw body) (docs/gateways.md §4.6).
import { createHmac } from 'node:crypto';
import type { CallbackReply, CallbackRequest, CallbackVerdict } from '../types.ts';
import { sameSecret } from '../../crypto/same-secret.ts';
import { isRecord, parseJson, reject } from '../kit.ts';
import { ORDER_ID_RE } from './wire.ts';

/** Far above any real callback (one order object with a few items and links); refuses absurd bodies before hashing. */
const MAX_BODY = 64 * 1024;
const SIGNATURE_RE = /^[0-9a-f]{64}$/;

/** Lowercase hex HMAC-SHA256 over the body's UTF-8 bytes, keyed with the client secret's UTF-8 bytes (the docs' Python sample). */
export function iumiCashSignature(clientSecret: string, body: string): string {
  return createHmac('sha256', Buffer.from(clientSecret, 'utf8')).update(Buffer.from(body, 'utf8')).digest('hex');
}

/**
 * Verifies the signature over exactly the bytes received (before any JSON parsing), in constant time, then reads
 * the order `id` and `status`. The status is only a claim: the caller re-fetches the order. Never throws.
 */
export function parseIumiCashCallback(clientSecret: string, request: CallbackRequest): CallbackVerdict {
  try {
    if (request.method.toUpperCase() !== 'POST') return reject('iumiCash callbacks are POST');
    if (request.body.length > MAX_BODY) return reject('callback body too large');
    const header = request.headers['iumicash-signature'];
    if (header === undefined || header.trim() === '') return reject('callback has no iumicash-signature header');
    // hexdigest() is lower case; upper case is the same signature, so it is accepted.
    const given = header.trim().toLowerCase();
    if (!SIGNATURE_RE.test(given)) return reject('iumicash-signature is not a hex HMAC-SHA256');
    if (!sameSecret(given, iumiCashSignature(clientSecret, request.body))) return reject('iumicash-signature does not match the body');

    const json = parseJson(request.body);
    if (json === undefined) return reject('callback body is not valid JSON');
    if (!isRecord(json)) return reject('callback body is not an order object');
    if (json.id === undefined || json.id === null || json.id === '') return reject('callback order has no id');
    if (typeof json.id !== 'string' || !ORDER_ID_RE.test(json.id)) return reject('callback order id is not an iumiCash id');
    const status = typeof json.status === 'string' && /^[A-Za-z_]{1,40}$/.test(json.status) ? json.status : undefined;
    return { ok: true, callback: { reference: json.id, ...(status ? { claimedStatus: status } : {}) } };
  } catch {
    // Defence in depth: a verdict, never an exception, whatever arrives.
    return reject('callback could not be read');
  }
}

/** §4.6: `200 OK` with body `OK`; anything else is retried with exponential backoff. */
export function iumiCashCallbackReply(): CallbackReply {
  return { status: 200, contentType: 'text/plain; charset=utf-8', body: 'OK' };
}

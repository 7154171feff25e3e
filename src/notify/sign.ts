// Standard Webhooks signing and verification (HMAC-SHA256 over "id.timestamp.body"); pure, several secrets for rotation.
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';

// A type alias, not an interface, so it passes straight into verifyWebhook's header record.
export type WebhookHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

export type VerifyFailure = 'missing_headers' | 'bad_timestamp' | 'timestamp_out_of_window' | 'no_matching_signature';
export type VerifyResult = { ok: true } | { ok: false; reason: VerifyFailure };

const WHSEC = 'whsec_';
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const encoder = new TextEncoder();

/**
 * The HMAC key of one secret. `whsec_<base64>` (the Standard Webhooks form, what their libraries expect) → the
 * decoded bytes; anything else → the UTF-8 bytes of the whole text. Throws (start-up misconfiguration) on a
 * malformed whsec_ value, without echoing it.
 */
export function webhookKey(secret: string): Uint8Array {
  if (!secret.startsWith(WHSEC)) {
    if (secret.length === 0) throw new Error('OC_WEBHOOK_SECRET: a secret must not be empty');
    return encoder.encode(secret);
  }
  const b64 = secret.slice(WHSEC.length);
  if (b64.length === 0 || !BASE64.test(b64)) throw new Error('OC_WEBHOOK_SECRET: the part after whsec_ must be standard base64');
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

function mac(key: Uint8Array, id: string, timestamp: number | string, body: string | Uint8Array): Uint8Array {
  const head = encoder.encode(`${id}.${timestamp}.`);
  const tail = typeof body === 'string' ? encoder.encode(body) : body;
  const msg = new Uint8Array(head.length + tail.length);
  msg.set(head, 0);
  msg.set(tail, head.length);
  return hmac(sha256, key, msg);
}

/** Headers for one attempt: one `v1,<base64>` entry per secret, space-separated (rotation: old and new both sign). */
export function signWebhook(o: { id: string; timestamp: number; body: string | Uint8Array; secrets: readonly string[] }): WebhookHeaders {
  if (o.secrets.length === 0) throw new Error('OC_WEBHOOK_SECRET: at least one secret is required to sign');
  const sigs = o.secrets.map((s) => 'v1,' + Buffer.from(mac(webhookKey(s), o.id, o.timestamp, o.body)).toString('base64'));
  return { 'webhook-id': o.id, 'webhook-timestamp': String(o.timestamp), 'webhook-signature': sigs.join(' ') };
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false; // lengths are public (32-byte MACs)
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

type HeaderBag = Headers | Record<string, string | string[] | undefined>;

function header(h: HeaderBag, name: string): string | undefined {
  if (typeof (h as Headers).get === 'function') return (h as Headers).get(name) ?? undefined;
  const rec = h as Record<string, string | string[] | undefined>;
  const key = Object.keys(rec).find((k) => k.toLowerCase() === name);
  const v = key === undefined ? undefined : rec[key];
  return Array.isArray(v) ? v.join(' ') : v;
}

/**
 * What the shop runs on the exact bytes it received. Only `v1` entries count (no downgrade); any secret may
 * match any entry; the timestamp must be within ±toleranceSeconds of `now` (Unix seconds).
 */
export function verifyWebhook(o: {
  headers: HeaderBag;
  body: string | Uint8Array;
  secrets: readonly string[];
  now: number;
  toleranceSeconds?: number;
}): VerifyResult {
  const id = header(o.headers, 'webhook-id');
  const ts = header(o.headers, 'webhook-timestamp');
  const sig = header(o.headers, 'webhook-signature');
  if (!id || !ts || !sig) return { ok: false, reason: 'missing_headers' };
  if (!/^\d{1,15}$/.test(ts)) return { ok: false, reason: 'bad_timestamp' };
  if (Math.abs(o.now - Number(ts)) > (o.toleranceSeconds ?? 300)) return { ok: false, reason: 'timestamp_out_of_window' };
  const given = sig
    .split(' ')
    .filter((e) => e.startsWith('v1,') && BASE64.test(e.slice(3)))
    .map((e) => new Uint8Array(Buffer.from(e.slice(3), 'base64')));
  let match = false;
  for (const s of o.secrets) {
    const expected = mac(webhookKey(s), id, ts, o.body);
    for (const g of given) match = equalBytes(expected, g) || match; // no early exit
  }
  return match ? { ok: true } : { ok: false, reason: 'no_matching_signature' };
}

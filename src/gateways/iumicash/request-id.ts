// iumiCash RequestId (docs/gateways.md §4.8), pure: a random UUID per charge slot, or a stable one derived from any other key.
import { createHash } from 'node:crypto';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * §4.8: `RequestId` is "a unique user-generated ID", a UUID in every example. A key that is already a UUID is
 * sent as is; any other key becomes a stable name-based UUID (version 8 over SHA-256), so a retry repeats it.
 */
export function requestIdFor(idempotencyKey: string): string {
  if (UUID_RE.test(idempotencyKey)) return idempotencyKey.toLowerCase();
  return uuidOf(createHash('sha256').update(`opencharge-iumicash-request-id\n${idempotencyKey}`, 'utf8').digest(), 8);
}

/** A random (version 4) UUID from 16 random bytes: the RequestId of a new charge slot. */
export function uuidV4(bytes: Uint8Array): string {
  return uuidOf(bytes, 4);
}

/** RFC 9562 layout over the first 16 bytes, with the version and variant bits set. */
function uuidOf(bytes: Uint8Array, version: 4 | 8): string {
  const b = Buffer.from(bytes.subarray(0, 16));
  b[6] = (b[6]! & 0x0f) | (version << 4);
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

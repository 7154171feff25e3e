// Public and private key formats (PROFILE §1): accept 128/130/66 hex, emit 128 hex (x‖y, no 04).
import { secp } from './noble.ts';
import { bytesToHex, parseHex } from './hex.ts';

export type KeyResult =
  | { ok: true; key: Uint8Array; hex: string }
  | { ok: false; reason: string };

/** Parses a public key in any accepted form; `key` is 65-byte uncompressed, `hex` the 128-hex form. */
export function parsePublicKey(input: unknown): KeyResult {
  if (typeof input !== 'string') return { ok: false, reason: 'public key must be a hex string' };
  const text = input.startsWith('0x') || input.startsWith('0X') ? input.slice(2) : input;
  let bytes = parseHex(text);
  if (!bytes) return { ok: false, reason: 'public key is not hex' };
  if (bytes.length === 64) bytes = Uint8Array.of(4, ...bytes);
  else if (bytes.length === 65 && bytes[0] !== 4) return { ok: false, reason: '130-hex public key must start with 04' };
  else if (bytes.length === 33 && bytes[0] !== 2 && bytes[0] !== 3)
    return { ok: false, reason: '66-hex public key must start with 02 or 03' };
  else if (bytes.length !== 65 && bytes.length !== 33)
    return { ok: false, reason: `public key must be 128, 130 or 66 hex characters, got ${text.length}` };
  try {
    const full = secp.Point.fromBytes(bytes).toBytes(false);
    return { ok: true, key: full, hex: bytesToHex(full.subarray(1)) };
  } catch {
    return { ok: false, reason: 'public key is not a point on secp256k1' };
  }
}

export type PrivateKeyResult = { ok: true; key: Uint8Array } | { ok: false; reason: string };

/** Parses a 64-hex private key in [1, n-1]. */
export function parsePrivateKey(input: string): PrivateKeyResult {
  const text = input.trim().replace(/^0x/i, '');
  const bytes = text.length === 64 ? parseHex(text) : undefined;
  if (!bytes) return { ok: false, reason: 'private key must be 64 hex characters' };
  if (!secp.utils.isValidSecretKey(bytes)) return { ok: false, reason: 'private key is out of range' };
  return { ok: true, key: bytes };
}

/** 128-hex public key (the documented emitted form) of a private key. */
export function publicKeyHex(publicKey65: Uint8Array): string {
  return bytesToHex(publicKey65.subarray(1));
}

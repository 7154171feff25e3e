// Signature encoding and policy in one place (PROFILE §1, docs/architecture.md rule 10):
// SHA-256 once over the UTF-8 canonical string, prehash done here, low-S RFC 6979, 130-hex r‖s‖v out,
// 130 (v ∈ 0,1,27,28) or 128 hex in, high-S rejected, r and s in [1, n-1].
import type { AsyncCryptoBackend, CryptoBackend } from './backend.ts';
import { bytesToHex, parseHex, sha256Bytes } from './hex.ts';

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const HALF_N = N >> 1n;
const ACCEPTED_V = new Set([0, 1, 27, 28]);

export type SignatureParse = { ok: true; rs: Uint8Array } | { ok: false; reason: string };

/** Parses and range-checks a signature; never throws (attacker input). */
export function parseSignature(input: unknown): SignatureParse {
  if (typeof input !== 'string') return { ok: false, reason: 'signature must be a hex string' };
  if (input.length !== 130 && input.length !== 128)
    return { ok: false, reason: `signature must be 130 or 128 hex characters, got ${input.length}` };
  const bytes = parseHex(input);
  if (!bytes) return { ok: false, reason: 'signature is not hex' };
  if (bytes.length === 65 && !ACCEPTED_V.has(bytes[64]!))
    return { ok: false, reason: `recovery byte v must be 27, 28, 0 or 1, got ${bytes[64]}` };
  const rs = bytes.subarray(0, 64);
  const r = BigInt('0x' + bytesToHex(rs.subarray(0, 32)));
  const s = BigInt('0x' + bytesToHex(rs.subarray(32)));
  if (r === 0n || r >= N) return { ok: false, reason: 'r is out of range' };
  if (s === 0n || s >= N) return { ok: false, reason: 's is out of range' };
  if (s > HALF_N) return { ok: false, reason: 'high-S signature (not low-S normalised)' };
  return { ok: true, rs };
}

/**
 * The signature's identity: lowercase 128-hex r‖s, or undefined when it does not parse. Every accepted
 * encoding of one signature (128 or 130 hex, v in 0/1/27/28, any hex case) maps to the same text, so
 * "the same proof again" is decided on this, never on the encoding it arrived in (PROFILE §4).
 */
export function normalizedSignature(input: unknown): string | undefined {
  const parsed = parseSignature(input);
  return parsed.ok ? bytesToHex(parsed.rs) : undefined;
}

/** Signs a 32-byte digest: 130-hex lowercase r‖s‖v with v = 27 + recid. */
export function signDigest(backend: CryptoBackend, privateKey: Uint8Array, digest: Uint8Array): string {
  return encodeSignature(backend.sign(digest, privateKey));
}

function encodeSignature({ signature, recid }: { signature: Uint8Array; recid: number }): string {
  return bytesToHex(signature) + (27 + recid).toString(16);
}

/** Signs a canonical string (SHA-256 of its UTF-8 bytes). */
export function signCanonical(backend: CryptoBackend, privateKey: Uint8Array, canonical: string): string {
  return signDigest(backend, privateKey, sha256Bytes(canonical));
}

/** signCanonical through an asynchronous backend (the hot path's crypto threads): the same text. */
export async function signCanonicalAsync(backend: AsyncCryptoBackend, privateKey: Uint8Array, canonical: string): Promise<string> {
  return encodeSignature(await backend.sign(sha256Bytes(canonical), privateKey));
}

export type VerifyResult = { valid: true } | { valid: false; reason: string };

/** Verifies a signature (any accepted encoding) over a digest with a parsed 65-byte public key. */
export function verifyDigest(
  backend: CryptoBackend,
  publicKey: Uint8Array,
  digest: Uint8Array,
  signature: unknown,
): VerifyResult {
  const parsed = parseSignature(signature);
  if (!parsed.ok) return { valid: false, reason: parsed.reason };
  return verdict(backend.verify(parsed.rs, digest, publicKey));
}

const verdict = (ok: boolean): VerifyResult => (ok ? { valid: true } : { valid: false, reason: 'signature does not match the key and message' });

/** Verifies a signature over a canonical string. */
export function verifyCanonical(
  backend: CryptoBackend,
  publicKey: Uint8Array,
  canonical: string,
  signature: unknown,
): VerifyResult {
  return verifyDigest(backend, publicKey, sha256Bytes(canonical), signature);
}

/** verifyCanonical through an asynchronous backend (the hot path's crypto threads): the same verdicts. */
export async function verifyCanonicalAsync(
  backend: AsyncCryptoBackend,
  publicKey: Uint8Array,
  canonical: string,
  signature: unknown,
): Promise<VerifyResult> {
  const parsed = parseSignature(signature);
  if (!parsed.ok) return { valid: false, reason: parsed.reason };
  return verdict(await backend.verify(parsed.rs, sha256Bytes(canonical), publicKey));
}

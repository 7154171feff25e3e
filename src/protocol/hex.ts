// Hex and byte helpers shared by the protocol code; strict parsing that never throws on attacker input.
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';

export { bytesToHex, utf8ToBytes };

const HEX_RE = /^[0-9a-fA-F]*$/;

/** Parses even-length hex (any case) to bytes; undefined when it is not hex. */
export function parseHex(value: string): Uint8Array | undefined {
  if (value.length % 2 !== 0 || !HEX_RE.test(value)) return undefined;
  return hexToBytes(value.toLowerCase());
}

/** A SHA-256: of a string's UTF-8 bytes or of raw bytes, as 32 bytes or as lowercase hex; and its HMAC. */
export interface Sha256 {
  bytes(input: string | Uint8Array): Uint8Array<ArrayBuffer>;
  hex(input: string | Uint8Array): string;
  /** HMAC-SHA-256 (RFC 2104), as noble's signing uses it for RFC 6979 nonces (`src/protocol/noble.ts`). */
  hmac(key: Uint8Array, message: Uint8Array): Uint8Array<ArrayBuffer>;
}

const pureSha256: Sha256 = {
  bytes: (input) => sha256(typeof input === 'string' ? utf8ToBytes(input) : input),
  hex: (input) => bytesToHex(pureSha256.bytes(input)),
  hmac: (key, message) => hmac(sha256, key, message),
};
let current: Sha256 = pureSha256;

// Inputs where a wrong implementation shows: empty, ASCII, multi-byte UTF-8, a lone surrogate (encoded as U+FFFD),
// bytes, a view into a larger buffer (only its own bytes count), a long string.
const CHECKS: (string | Uint8Array)[] = ['', 'abc', 'é€😀', '\ud800x', Uint8Array.of(0, 1, 2, 255), Uint8Array.of(7, 1, 2, 3, 7).subarray(1, 4), 'a'.repeat(1000)];
// HMAC keys shorter than, equal to and longer than the 64-byte block, and views.
const HMAC_CHECKS: [Uint8Array, Uint8Array][] = [
  [new Uint8Array(0), new Uint8Array(0)],
  [Uint8Array.of(1, 2, 3), utf8ToBytes('message')],
  [new Uint8Array(64).fill(5), new Uint8Array(97).fill(6)],
  [new Uint8Array(100).fill(7), new Uint8Array(200).fill(8)],
  [Uint8Array.of(9, 1, 2, 9).subarray(1, 3), Uint8Array.of(9, 3, 4, 9).subarray(1, 3)],
];

/**
 * Puts another SHA-256 behind every digest of the protocol code (as noble lets its own hashes be replaced):
 * the runtime's, which is several times faster than the pure one on the short inputs of a request. It must
 * give the same digests, so it is checked against the pure one first and refused (throws, nothing changes)
 * when any differs. Without an argument, the pure one again.
 */
export function useSha256(next: Sha256 = pureSha256): void {
  for (const input of CHECKS) {
    const want = pureSha256.hex(input);
    const bytes = next.bytes(input);
    if (next.hex(input) !== want || !(bytes instanceof Uint8Array) || bytesToHex(bytes) !== want) {
      throw new Error('useSha256: this implementation gives different SHA-256 digests; the current one is kept');
    }
  }
  for (const [key, message] of HMAC_CHECKS) {
    const mac = next.hmac(key, message);
    if (!(mac instanceof Uint8Array) || bytesToHex(mac) !== bytesToHex(pureSha256.hmac(key, message))) {
      throw new Error('useSha256: this implementation gives different HMAC-SHA-256 values; the current one is kept');
    }
  }
  current = next;
}

/** SHA-256 of a string's UTF-8 bytes or of raw bytes, as 32 bytes. */
export function sha256Bytes(input: string | Uint8Array): Uint8Array<ArrayBuffer> {
  return current.bytes(input);
}

/** Lowercase hex SHA-256, as used for body hashes (opencharge.md §3.2). */
export function sha256Hex(input: string | Uint8Array): string {
  return current.hex(input);
}

/** HMAC-SHA-256 of `message` under `key`, 32 bytes. */
export function hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array<ArrayBuffer> {
  return current.hmac(key, message);
}

export const EMPTY_BODY_HASH = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

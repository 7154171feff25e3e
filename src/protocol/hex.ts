// Hex and byte helpers shared by the protocol code; strict parsing that never throws on attacker input.
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';

export { bytesToHex, utf8ToBytes };

const HEX_RE = /^[0-9a-fA-F]*$/;

/** Parses even-length hex (any case) to bytes; undefined when it is not hex. */
export function parseHex(value: string): Uint8Array | undefined {
  if (value.length % 2 !== 0 || !HEX_RE.test(value)) return undefined;
  return hexToBytes(value.toLowerCase());
}

/** SHA-256 of a string's UTF-8 bytes or of raw bytes, as 32 bytes. */
export function sha256Bytes(input: string | Uint8Array): Uint8Array {
  return sha256(typeof input === 'string' ? utf8ToBytes(input) : input);
}

/** Lowercase hex SHA-256, as used for body hashes (opencharge.md §3.2). */
export function sha256Hex(input: string | Uint8Array): string {
  return bytesToHex(sha256Bytes(input));
}

export const EMPTY_BODY_HASH = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

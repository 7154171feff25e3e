// Hex parsing and SHA-256 helpers (protocol/hex.ts), checked against node:crypto.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bytesToHex, EMPTY_BODY_HASH, parseHex, sha256Bytes, sha256Hex, utf8ToBytes } from '../../src/protocol/hex.ts';

const sha = (x: string | Uint8Array) => createHash('sha256').update(x).digest('hex');

describe('parseHex', () => {
  it('parses lowercase and uppercase hex to the same bytes', () => {
    expect(parseHex('0aFf10')).toEqual(Uint8Array.of(0x0a, 0xff, 0x10));
    expect(parseHex('0AFF10')).toEqual(parseHex('0aff10'));
  });

  it('parses the empty string to zero bytes', () => {
    expect(parseHex('')).toEqual(new Uint8Array());
  });

  it('rejects odd length', () => {
    expect(parseHex('abc')).toBeUndefined();
  });

  it('rejects non-hex characters', () => {
    expect(parseHex('zz')).toBeUndefined();
    expect(parseHex('0x00')).toBeUndefined();
    expect(parseHex('00 11')).toBeUndefined();
  });

  it('round-trips through bytesToHex as lowercase', () => {
    expect(bytesToHex(parseHex('DEADbeef')!)).toBe('deadbeef');
  });
});

describe('sha256', () => {
  it('EMPTY_BODY_HASH is the SHA-256 of the empty string', () => {
    expect(EMPTY_BODY_HASH).toBe(sha(''));
    expect(sha256Hex('')).toBe(EMPTY_BODY_HASH);
  });

  it('sha256Hex of a string hashes its UTF-8 bytes', () => {
    const text = 'Grüße ☕ 🍰';
    expect(sha256Hex(text)).toBe(sha(Buffer.from(text, 'utf8')));
    expect(sha256Hex(utf8ToBytes(text))).toBe(sha256Hex(text));
  });

  it('sha256Bytes returns 32 raw bytes matching the hex form', () => {
    const d = sha256Bytes('abc');
    expect(d).toHaveLength(32);
    expect(bytesToHex(d)).toBe(sha('abc'));
  });
});

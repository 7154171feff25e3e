// The SHA-256 (and HMAC-SHA-256) behind the protocol's digests and noble's signing can be swapped for the runtime's
// (useSha256, useRuntimeSha256), only for one that gives the same results; the server's assembly swaps it in.
import { createHash, createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { bytesToHex, hmacSha256, sha256Bytes, sha256Hex, useSha256, type Sha256 } from '../../src/protocol/hex.ts';
import { canonicalRequest } from '../../src/protocol/canonical.ts';
import { nobleBackend } from '../../src/protocol/noble.ts';
import { useRuntimeSha256 } from '../../src/crypto/sha256.ts';
import { productionApp } from '../helpers/production-app.ts';

const node = (x: string | Uint8Array) => createHash('sha256').update(x).digest('hex');
const INPUTS: (string | Uint8Array)[] = ['', 'abc', 'Grüße ☕ 🍰', '\udfff', Uint8Array.of(9, 8, 7), 'z'.repeat(5000)];

/** A correct SHA-256 on node:crypto that counts its calls; `over` replaces parts of it. */
function counting(over: Partial<Sha256> = {}): Sha256 & { calls: number } {
  const c: Sha256 & { calls: number } = {
    calls: 0,
    bytes: (i) => (c.calls++, Uint8Array.from(createHash('sha256').update(i).digest())),
    hex: (i) => (c.calls++, node(i)),
    hmac: (k, m) => (c.calls++, Uint8Array.from(createHmac('sha256', k).update(m).digest())),
    ...over,
  };
  return c;
}

afterEach(() => useSha256());

describe('useSha256', () => {
  it('puts a correct implementation behind sha256Hex, sha256Bytes and the canonical forms', () => {
    const c = counting();
    useSha256(c);
    const before = c.calls;
    expect(sha256Hex('abc')).toBe(node('abc'));
    expect(bytesToHex(sha256Bytes('abc'))).toBe(node('abc'));
    canonicalRequest({ ocid: '1', timestamp: '2', nonce: 'n', method: 'POST', path: '/p', body: '{}' });
    expect(c.calls - before).toBe(3);
  });

  it("puts its HMAC under noble's signing (RFC 6979 nonces), with the same signatures", () => {
    const key = new Uint8Array(32).fill(0x11);
    const digest = sha256Bytes('order');
    const pure = nobleBackend.sign(digest, key);
    const c = counting();
    useSha256(c);
    const before = c.calls;
    const swapped = nobleBackend.sign(digest, key);
    expect(c.calls).toBeGreaterThan(before);
    expect(bytesToHex(swapped.signature)).toBe(bytesToHex(pure.signature));
    expect(swapped.recid).toBe(pure.recid);
  });

  it('refuses one that encodes strings other than as UTF-8, and keeps the current one', () => {
    const c = counting();
    useSha256(c);
    const latin1 = (i: string | Uint8Array) => createHash('sha256').update(typeof i === 'string' ? Buffer.from(i, 'latin1') : i);
    expect(() => useSha256(counting({ bytes: (i) => latin1(i).digest(), hex: (i) => latin1(i).digest('hex') }))).toThrow(
      /different SHA-256 digests; the current one is kept/,
    );
    const before = c.calls;
    expect(sha256Hex('é')).toBe(node('é'));
    expect(c.calls).toBe(before + 1);
  });

  it('refuses one that hashes the whole buffer behind a view instead of the view', () => {
    const whole = (i: string | Uint8Array) => createHash('sha256').update(typeof i === 'string' ? i : new Uint8Array(i.buffer));
    expect(() => useSha256(counting({ bytes: (i) => whole(i).digest(), hex: (i) => whole(i).digest('hex') }))).toThrow(/different SHA-256 digests/);
  });

  it('refuses one whose bytes are not a Uint8Array, or whose hex is upper case', () => {
    const right = counting();
    expect(() => useSha256(counting({ bytes: (i) => Array.from(right.bytes(i)) as unknown as Uint8Array<ArrayBuffer> }))).toThrow(/different SHA-256 digests/);
    expect(() => useSha256(counting({ hex: (i) => right.hex(i).toUpperCase() }))).toThrow(/different SHA-256 digests/);
  });

  it('refuses a wrong HMAC: one that hashes key and message together, or ignores a long key beyond the block', () => {
    const concat = (k: Uint8Array, m: Uint8Array) => createHash('sha256').update(k).update(m).digest();
    expect(() => useSha256(counting({ hmac: concat }))).toThrow(/different HMAC-SHA-256 values; the current one is kept/);
    const truncated = (k: Uint8Array, m: Uint8Array) => createHmac('sha256', k.subarray(0, 64)).update(m).digest();
    expect(() => useSha256(counting({ hmac: truncated }))).toThrow(/different HMAC-SHA-256 values/);
  });

  it('without an argument, goes back to the pure one (plain Uint8Array results)', () => {
    useRuntimeSha256();
    expect(Buffer.isBuffer(sha256Bytes('x'))).toBe(true);
    useSha256();
    expect(Buffer.isBuffer(sha256Bytes('x'))).toBe(false);
    expect(bytesToHex(sha256Bytes('x'))).toBe(node('x'));
  });
});

describe('useRuntimeSha256', () => {
  it('gives the same digests, HMACs and noble signatures as the pure one', () => {
    const key = Uint8Array.of(1, 2, 3);
    const digest = sha256Bytes('x');
    const run = () => ({
      digests: INPUTS.map((i) => [sha256Hex(i), bytesToHex(sha256Bytes(i))]),
      mac: bytesToHex(hmacSha256(key, digest)),
      signature: bytesToHex(nobleBackend.sign(digest, new Uint8Array(32).fill(0x22)).signature),
    });
    const pure = run();
    useRuntimeSha256();
    expect(Buffer.isBuffer(hmacSha256(key, digest))).toBe(true);
    expect(run()).toEqual(pure);
    expect(pure.digests.map(([h]) => h)).toEqual(INPUTS.map(node));
    expect(pure.mac).toBe(createHmac('sha256', key).update(digest).digest('hex'));
  });

  it('is what the server assembly uses (node:crypto results are Buffers)', async () => {
    useSha256();
    expect(Buffer.isBuffer(sha256Bytes('x'))).toBe(false);
    const server = await productionApp();
    try {
      expect(Buffer.isBuffer(sha256Bytes('x'))).toBe(true);
      const res = await server.signed('POST', '/opencharge/orders/create', JSON.stringify({ amount: '1.00', currency: 'USD' }));
      expect(res.status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

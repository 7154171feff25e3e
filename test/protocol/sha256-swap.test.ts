// The SHA-256 behind the protocol's digests can be swapped for the runtime's (useSha256, useRuntimeSha256), only
// for one that gives the same digests; the server's assembly swaps it in.
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { bytesToHex, sha256Bytes, sha256Hex, useSha256, type Sha256 } from '../../src/protocol/hex.ts';
import { canonicalRequest } from '../../src/protocol/canonical.ts';
import { useRuntimeSha256 } from '../../src/crypto/sha256.ts';
import { productionApp } from '../helpers/production-app.ts';

const node = (x: string | Uint8Array) => createHash('sha256').update(x).digest('hex');
const INPUTS: (string | Uint8Array)[] = ['', 'abc', 'Grüße ☕ 🍰', '\udfff', Uint8Array.of(9, 8, 7), 'z'.repeat(5000)];

/** A correct SHA-256 that counts its calls. */
function counting(): Sha256 & { calls: number } {
  const c = {
    calls: 0,
    bytes: (i: string | Uint8Array) => (c.calls++, Uint8Array.from(createHash('sha256').update(i).digest())),
    hex: (i: string | Uint8Array) => (c.calls++, node(i)),
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

  it('refuses one that encodes strings other than as UTF-8, and keeps the current one', () => {
    const c = counting();
    useSha256(c);
    const latin1: Sha256 = {
      bytes: (i) => createHash('sha256').update(typeof i === 'string' ? Buffer.from(i, 'latin1') : i).digest(),
      hex: (i) => createHash('sha256').update(typeof i === 'string' ? Buffer.from(i, 'latin1') : i).digest('hex'),
    };
    expect(() => useSha256(latin1)).toThrow(/different SHA-256 digests; the current one is kept/);
    const before = c.calls;
    expect(sha256Hex('é')).toBe(node('é'));
    expect(c.calls).toBe(before + 1);
  });

  it('refuses one that hashes the whole buffer behind a view instead of the view', () => {
    const whole = (i: string | Uint8Array) => createHash('sha256').update(typeof i === 'string' ? i : new Uint8Array(i.buffer));
    expect(() => useSha256({ bytes: (i) => whole(i).digest(), hex: (i) => whole(i).digest('hex') })).toThrow(/different SHA-256 digests/);
  });

  it('refuses one whose bytes are not a Uint8Array, or whose hex is upper case', () => {
    const right = counting();
    const arrays = { hex: right.hex, bytes: (i: string | Uint8Array) => Array.from(right.bytes(i)) as unknown as Uint8Array };
    expect(() => useSha256(arrays)).toThrow(/different SHA-256 digests/);
    expect(() => useSha256({ bytes: right.bytes, hex: (i) => right.hex(i).toUpperCase() })).toThrow(/different SHA-256 digests/);
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
  it('gives the same digests as the pure one on every input', () => {
    const pure = INPUTS.map((i) => [sha256Hex(i), bytesToHex(sha256Bytes(i))]);
    useRuntimeSha256();
    expect(INPUTS.map((i) => [sha256Hex(i), bytesToHex(sha256Bytes(i))])).toEqual(pure);
    expect(pure.map(([h]) => h)).toEqual(INPUTS.map(node));
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

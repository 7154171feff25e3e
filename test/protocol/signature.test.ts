// Signature policy (PROFILE §1, protocol/signature.ts): emitted form, accepted encodings and every rejection, on every backend.
import { createPublicKey, verify as osslVerify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { availableBackends } from '../../src/crypto/select.ts';
import { canonicalRequest } from '../../src/protocol/canonical.ts';
import { bytesToHex, sha256Bytes } from '../../src/protocol/hex.ts';
import { parsePrivateKey } from '../../src/protocol/keys.ts';
import { secp } from '../../src/protocol/noble.ts';
import { normalizedSignature, parseSignature, signCanonical, signDigest, verifyCanonical, verifyDigest } from '../../src/protocol/signature.ts';

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const HALF_N = N >> 1n;
const hex64 = (v: bigint) => v.toString(16).padStart(64, '0');
const big = (h: string) => BigInt('0x' + h);

function key(hex: string): Uint8Array {
  const k = parsePrivateKey(hex);
  if (!k.ok) throw new Error(k.reason);
  return k.key;
}
const K1 = key('11'.repeat(32));
const K2 = key('22'.repeat(32));
const canonical = canonicalRequest({ ocid: '200', timestamp: '1706500000', nonce: 'req_sig', method: 'POST', path: '/opencharge/orders/create', body: '{"amount":"15.00"}' });
const messages = Array.from({ length: 24 }, (_, i) => `${canonical}#${i}`);
const backends = availableBackends();

/** OpenSSL (node:crypto) as an independent verifier: it hashes the message itself and accepts high-S. */
function opensslAccepts(pub65: Uint8Array, message: string, rs: Uint8Array): boolean {
  const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64url');
  const jwk = { kty: 'EC', crv: 'secp256k1', x: b64(pub65.subarray(1, 33)), y: b64(pub65.subarray(33)) };
  return osslVerify('sha256', Buffer.from(message, 'utf8'), { key: createPublicKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' }, rs);
}

describe('signatures are byte-identical on every backend', () => {
  it.skipIf(backends.length < 2)(`${backends.map((b) => b.name).join(' = ')} for ${messages.length} messages and two keys`, () => {
    for (const k of [K1, K2]) {
      for (const m of messages) {
        const sigs = backends.map((b) => signCanonical(b, k, m));
        expect(new Set(sigs).size, m).toBe(1);
      }
    }
  });

  it('reports which backends ran', () => {
    expect(backends.map((b) => b.name)).toContain('noble');
  });
});

describe.each(backends.map((b) => [b.name, b] as const))('backend %s', (_name, backend) => {
  const pub = backend.publicKey(K1);
  const sig = signCanonical(backend, K1, canonical);
  const r = sig.slice(0, 64);
  const s = sig.slice(64, 128);
  const v = sig.slice(128);
  const withV = (byte: number) => r + s + byte.toString(16).padStart(2, '0');
  const check = (signature: unknown, message = canonical, publicKey = pub) => verifyCanonical(backend, publicKey, message, signature);

  describe('emitted form', () => {
    it('is 130 lowercase hex r‖s‖v with v = 1b or 1c', () => {
      expect(sig).toMatch(/^[0-9a-f]{128}(1b|1c)$/);
    });

    it('is deterministic (RFC 6979): the same input signs to the same bytes', () => {
      expect(signCanonical(backend, K1, canonical)).toBe(sig);
    });

    it('is low-S for every message', () => {
      for (const m of messages) expect(big(signCanonical(backend, K1, m).slice(64, 128)) <= HALF_N, m).toBe(true);
    });

    it('v − 27 is the recovery id: recovering with it yields the signer key', () => {
      for (const m of messages.slice(0, 8)) {
        const out = signCanonical(backend, K1, m);
        const recid = parseInt(out.slice(128), 16) - 27;
        const rec = Uint8Array.of(recid, ...Buffer.from(out.slice(0, 128), 'hex'));
        expect(bytesToHex(secp.recoverPublicKey(rec, sha256Bytes(m), { prehash: false, isCompressed: false }))).toBe(bytesToHex(pub));
      }
    });

    it('signCanonical equals signDigest over SHA-256 of the UTF-8 string (hashed once)', () => {
      expect(signDigest(backend, K1, sha256Bytes(canonical))).toBe(sig);
      expect(signDigest(backend, K1, sha256Bytes(sha256Bytes(canonical)))).not.toBe(sig);
    });

    it('OpenSSL (node:crypto) verifies it independently', () => {
      expect(opensslAccepts(pub, canonical, Buffer.from(sig.slice(0, 128), 'hex'))).toBe(true);
    });
  });

  describe('accepted encodings', () => {
    it('accepts the signature as emitted', () => expect(check(sig)).toEqual({ valid: true }));
    it('accepts 128 hex r‖s', () => expect(check(r + s)).toEqual({ valid: true }));
    it('accepts v = 0', () => expect(check(withV(0))).toEqual({ valid: true }));
    it('accepts v = 1', () => expect(check(withV(1))).toEqual({ valid: true }));
    it('accepts v = 27', () => expect(check(withV(27))).toEqual({ valid: true }));
    it('accepts v = 28', () => expect(check(withV(28))).toEqual({ valid: true }));
    it('accepts uppercase hex', () => expect(check(sig.toUpperCase())).toEqual({ valid: true }));
    it('verifyDigest accepts it over the SHA-256 digest', () => expect(verifyDigest(backend, pub, sha256Bytes(canonical), sig)).toEqual({ valid: true }));
  });

  describe('rejections', () => {
    const rejects = (result: ReturnType<typeof check>, reason: RegExp) => {
      expect(result.valid).toBe(false);
      if (!result.valid) expect(result.reason).toMatch(reason);
    };

    it('rejects the wrong key', () => rejects(check(sig, canonical, backend.publicKey(K2)), /does not match/));

    it('rejects one changed message byte', () => rejects(check(sig, canonical.replace('req_sig', 'req_sih')), /does not match/));

    it('rejects the message hashed twice (verifyDigest given the canonical hash of the hash)', () =>
      rejects(verifyDigest(backend, pub, sha256Bytes(sha256Bytes(canonical)), sig), /does not match/));

    it('rejects the high-S twin (r, n − s), which OpenSSL would accept', () => {
      const twin = r + hex64(N - big(s));
      expect(opensslAccepts(pub, canonical, Buffer.from(twin, 'hex'))).toBe(true);
      rejects(check(twin + v), /high-S/);
      rejects(check(twin), /high-S/);
    });

    it('rejects r = 0', () => rejects(check(hex64(0n) + s + v), /^r is out of range/));
    it('rejects s = 0', () => rejects(check(r + hex64(0n) + v), /^s is out of range/));
    it('rejects r = n', () => rejects(check(hex64(N) + s + v), /^r is out of range/));
    it('rejects r > n (2^256 − 1)', () => rejects(check('f'.repeat(64) + s + v), /^r is out of range/));
    it('rejects s = n', () => rejects(check(r + hex64(N) + v), /^s is out of range/));
    it('rejects s > n (2^256 − 1)', () => rejects(check(r + 'f'.repeat(64) + v), /^s is out of range/));
    it('rejects a signature truncated to 126 hex', () => rejects(check(sig.slice(0, 126)), /130 or 128 hex characters, got 126/));
    it('rejects a signature truncated to 129 hex', () => rejects(check(sig.slice(0, 129)), /got 129/));
    it('rejects a signature with an extra byte (132 hex)', () => rejects(check(sig + '00'), /got 132/));
    it('rejects an empty signature', () => rejects(check(''), /got 0/));
    it('rejects non-hex', () => rejects(check('g' + sig.slice(1)), /not hex/));
    it('rejects a 0x-prefixed signature', () => rejects(check('0x' + r + s), /not hex/));
    it('rejects wrong v = 0x1d', () => rejects(check(withV(0x1d)), /recovery byte v must be 27, 28, 0 or 1, got 29/));
    it('rejects wrong v = 0x02', () => rejects(check(withV(2)), /got 2$/));
    it('rejects a non-string signature', () => rejects(check(12345), /hex string/));

    it('backend.verify alone also rejects the high-S twin (both libraries enforce low-S)', () => {
      const twin = Buffer.from(r + hex64(N - big(s)), 'hex');
      expect(backend.verify(twin, sha256Bytes(canonical), pub)).toBe(false);
    });

    it('backend.verify returns false, never throws, for a malformed public key', () => {
      expect(backend.verify(Buffer.from(r + s, 'hex'), sha256Bytes(canonical), new Uint8Array(65))).toBe(false);
    });
  });
});

describe('parseSignature', () => {
  it('returns the 64-byte r‖s of a 130-hex signature', () => {
    const sig = signCanonical(backends[0]!, K1, canonical);
    const p = parseSignature(sig);
    expect(p.ok && bytesToHex(p.rs)).toBe(sig.slice(0, 128));
  });

  it('accepts s = n/2 exactly (the low-S edge) and rejects n/2 + 1', () => {
    expect(parseSignature(hex64(1n) + hex64(HALF_N)).ok).toBe(true);
    const over = parseSignature(hex64(1n) + hex64(HALF_N + 1n));
    expect(over.ok).toBe(false);
    if (!over.ok) expect(over.reason).toMatch(/high-S/);
  });

  it('accepts r = n − 1 (the range edge)', () => {
    expect(parseSignature(hex64(N - 1n) + hex64(1n)).ok).toBe(true);
  });
});

describe('normalizedSignature (the identity of a signature, PROFILE §4)', () => {
  const sig = signCanonical(backends[0]!, K1, canonical);
  const rs = sig.slice(0, 128);
  const recid = parseInt(sig.slice(128), 16) - 27;

  it('maps every accepted encoding of one signature to its lowercase 128-hex r‖s', () => {
    const encodings = [sig, rs, rs + `0${recid}`, rs + (27 + recid).toString(16), sig.toUpperCase(), rs.toUpperCase(), rs.slice(0, 64).toUpperCase() + rs.slice(64)];
    for (const e of encodings) expect(normalizedSignature(e), e).toBe(rs);
  });

  it('keeps distinct signatures distinct', () => {
    expect(normalizedSignature(signCanonical(backends[0]!, K2, canonical))).not.toBe(rs);
  });

  it('is undefined for anything parseSignature refuses (high-S twin, bad v, wrong length, not a string)', () => {
    const twin = sig.slice(0, 64) + hex64(N - big(sig.slice(64, 128))) + sig.slice(128);
    for (const bad of [twin, rs + '02', rs.slice(2), 'zz'.repeat(64), 42, undefined]) expect(normalizedSignature(bad)).toBeUndefined();
  });
});

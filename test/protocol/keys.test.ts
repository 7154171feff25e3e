// Key formats (PROFILE §1): public keys in 128/130/66 hex, any case, optional 0x; private keys in [1, n-1].
import { describe, expect, it } from 'vitest';
import { availableBackends } from '../../src/crypto/select.ts';
import { parsePrivateKey, parsePublicKey, publicKeyHex } from '../../src/protocol/keys.ts';

const N_HEX = 'fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141';
// opencharge.md §3.8: key 11…11
const PUB128 = '4f355bdcb7cc0af728ef3cceb9615d90684bb5b2ca5f859ab0f0b704075871aa385b6b1b8ead809ca67454d9683fcf2ba03456d6fe2c4abe2b07f0fbdbb2f1c1';
const PUB66 = '034f355bdcb7cc0af728ef3cceb9615d90684bb5b2ca5f859ab0f0b704075871aa';

function reasonOf(input: unknown): string {
  const r = parsePublicKey(input);
  if (r.ok) throw new Error(`expected rejection of ${String(input)}`);
  return r.reason;
}

describe('parsePublicKey: accepted forms', () => {
  it.each([
    ['128 hex x‖y', PUB128],
    ['130 hex with 04', '04' + PUB128],
    ['66 hex compressed (03)', PUB66],
    ['uppercase', PUB128.toUpperCase()],
    ['mixed case', PUB128.slice(0, 64).toUpperCase() + PUB128.slice(64)],
    ['0x prefix', '0x' + PUB128],
    ['0X prefix, 130 hex', '0X04' + PUB128],
    ['0x prefix, compressed', '0x' + PUB66],
  ])('%s → 65-byte key and the 128-hex form', (_name, input) => {
    const r = parsePublicKey(input);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.hex).toBe(PUB128);
    expect(r.key).toHaveLength(65);
    expect(r.key[0]).toBe(4);
  });

  it('66 hex with 02 decompresses to the even-y point', () => {
    // 22…22's public key, derived by the backend, compressed here by y parity
    const full = availableBackends()[0]!.publicKey(Uint8Array.from({ length: 32 }, () => 0x22));
    const prefix = full[64]! % 2 === 0 ? '02' : '03';
    const r = parsePublicKey(prefix + Buffer.from(full.subarray(1, 33)).toString('hex'));
    expect(r.ok && r.hex).toBe(publicKeyHex(full));
  });
});

describe('parsePublicKey: rejections', () => {
  it('rejects a non-string', () => {
    expect(reasonOf(123)).toMatch(/hex string/);
    expect(reasonOf(undefined)).toMatch(/hex string/);
  });

  it('rejects a wrong length (126 hex)', () => {
    expect(reasonOf(PUB128.slice(0, 126))).toMatch(/128, 130 or 66/);
  });

  it('rejects a wrong length (64 hex, a private-key-sized string)', () => {
    expect(reasonOf('11'.repeat(32))).toMatch(/128, 130 or 66/);
  });

  it('rejects an odd length', () => {
    expect(reasonOf(PUB128.slice(0, 127))).toMatch(/not hex/);
  });

  it('rejects non-hex characters', () => {
    expect(reasonOf('zz' + PUB128.slice(2))).toMatch(/not hex/);
  });

  it('rejects 130 hex that does not start with 04', () => {
    expect(reasonOf('05' + PUB128)).toMatch(/start with 04/);
    expect(reasonOf('03' + PUB128)).toMatch(/start with 04/);
  });

  it('rejects 66 hex with a prefix other than 02/03', () => {
    expect(reasonOf('04' + PUB66.slice(2))).toMatch(/02 or 03/);
    expect(reasonOf('05' + PUB66.slice(2))).toMatch(/02 or 03/);
  });

  it('rejects a 128-hex point that is not on the curve (y changed)', () => {
    const offCurve = PUB128.slice(0, 127) + (PUB128.endsWith('1') ? '2' : '1');
    expect(reasonOf(offCurve)).toMatch(/not a point/);
  });

  it('rejects a compressed x that has no point on the curve', () => {
    // x = 5: 5^3 + 7 = 132 is not a square mod p
    expect(reasonOf('02' + '0'.repeat(63) + '5')).toMatch(/not a point/);
  });

  it('rejects the all-zero point', () => {
    expect(reasonOf('0'.repeat(128))).toMatch(/not a point/);
  });

  it('rejects an x coordinate ≥ p', () => {
    expect(reasonOf('02' + 'f'.repeat(64))).toMatch(/not a point/);
  });
});

describe('parsePrivateKey', () => {
  it('accepts 64 hex, any case, optional 0x and surrounding whitespace', () => {
    for (const input of ['11'.repeat(32), 'AB'.repeat(32), '0x' + '11'.repeat(32), ` ${'11'.repeat(32)}\n`]) {
      const r = parsePrivateKey(input);
      expect(r.ok, input).toBe(true);
      if (r.ok) expect(r.key).toHaveLength(32);
    }
  });

  it('accepts 1 and n − 1 (the range edges)', () => {
    expect(parsePrivateKey('0'.repeat(63) + '1').ok).toBe(true);
    expect(parsePrivateKey(N_HEX.slice(0, 63) + '0').ok).toBe(true);
  });

  it('rejects a wrong length (62 hex)', () => {
    expect(parsePrivateKey('11'.repeat(31))).toEqual({ ok: false, reason: 'private key must be 64 hex characters' });
  });

  it('rejects a wrong length (66 hex)', () => {
    expect(parsePrivateKey('11'.repeat(33)).ok).toBe(false);
  });

  it('rejects non-hex', () => {
    expect(parsePrivateKey('g' + '1'.repeat(63))).toEqual({ ok: false, reason: 'private key must be 64 hex characters' });
  });

  it('rejects 0', () => {
    expect(parsePrivateKey('0'.repeat(64))).toEqual({ ok: false, reason: 'private key is out of range' });
  });

  it('rejects n', () => {
    expect(parsePrivateKey(N_HEX)).toEqual({ ok: false, reason: 'private key is out of range' });
  });

  it('rejects a value above n (2^256 − 1)', () => {
    expect(parsePrivateKey('f'.repeat(64))).toEqual({ ok: false, reason: 'private key is out of range' });
  });
});

describe('publicKeyHex', () => {
  it('is the 65-byte key without the 04 prefix, lowercase, on every backend', () => {
    const key = parsePrivateKey('11'.repeat(32));
    if (!key.ok) throw new Error(key.reason);
    for (const b of availableBackends()) expect(publicKeyHex(b.publicKey(key.key)), b.name).toBe(PUB128);
  });
});

// Wycheproof ECDSA secp256k1/SHA-256 vectors (test/vectors/wycheproof, Apache 2.0: see its README) through our verify pipeline, on every backend.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { availableBackends } from '../../src/crypto/select.ts';
import type { CryptoBackend } from '../../src/protocol/backend.ts';
import { bytesToHex, parseHex, sha256Bytes } from '../../src/protocol/hex.ts';
import { parsePublicKey } from '../../src/protocol/keys.ts';
import { verifyDigest } from '../../src/protocol/signature.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const WYCHEPROOF_DIR = resolve(repoRoot, 'test/vectors/wycheproof');
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const HALF_N = N >> 1n;
const hex64 = (v: bigint) => v.toString(16).padStart(64, '0');

interface Case { tcId: number; comment: string; flags: string[]; msg: string; sig: string; result: 'valid' | 'invalid' | 'acceptable' }
interface Group { publicKey: { uncompressed: string }; tests: Case[] }
interface WycheproofFile { numberOfTests: number; testGroups: Group[] }

/**
 * Strict DER for SEQUENCE { INTEGER r, INTEGER s } → 128-hex r‖s; undefined (= rejection) on any deviation:
 * wrong tags, indefinite or non-minimal lengths, negative or zero-padded integers, trailing bytes, values ≥ 2^256.
 */
function derToRs(der: Uint8Array): string | undefined {
  let pos = 0;
  const readLength = (): number | undefined => {
    const first = der[pos++];
    if (first === undefined) return undefined;
    if (first < 0x80) return first;
    const count = first & 0x7f;
    if (count === 0 || count > 2) return undefined; // indefinite form, or absurdly long for a signature
    let length = 0;
    for (let i = 0; i < count; i++) {
      const b = der[pos++];
      if (b === undefined || (i === 0 && b === 0)) return undefined; // truncated, or leading zero length byte
      length = length * 256 + b;
    }
    return length < 0x80 ? undefined : length; // long form where the short form fits is not DER
  };
  const readInteger = (end: number): bigint | undefined => {
    if (der[pos++] !== 0x02) return undefined;
    const length = readLength();
    if (length === undefined || length === 0 || pos + length > end) return undefined;
    const bytes = der.subarray(pos, pos + length);
    pos += length;
    if (bytes[0]! & 0x80) return undefined; // negative
    if (length > 1 && bytes[0] === 0 && !(bytes[1]! & 0x80)) return undefined; // non-minimal padding
    return BigInt('0x' + bytesToHex(bytes));
  };
  if (der[pos++] !== 0x30) return undefined;
  const seqLength = readLength();
  if (seqLength === undefined || pos + seqLength !== der.length) return undefined; // short, or trailing bytes
  const r = readInteger(der.length);
  const s = readInteger(der.length);
  if (r === undefined || s === undefined || pos !== der.length) return undefined;
  if (r >= 1n << 256n || s >= 1n << 256n) return undefined;
  return hex64(r) + hex64(s);
}

interface Outcome { tcId: number; result: Case['result']; accepted: boolean; reason: string; highS: boolean; rs?: string }

const FILES = [
  { file: 'ecdsa_secp256k1_sha256_p1363_test.json', encoding: 'p1363 (raw r‖s, given to parseSignature as is)', toOurs: (sig: string) => sig },
  {
    file: 'ecdsa_secp256k1_sha256_bitcoin_test.json',
    encoding: 'DER (strict decoder in this test; a decode failure is a rejection)',
    toOurs: (sig: string) => {
      const der = parseHex(sig);
      return der ? derToRs(der) : undefined;
    },
  },
];

function run(data: WycheproofFile, toOurs: (sig: string) => string | undefined, backend: CryptoBackend): Outcome[] {
  const out: Outcome[] = [];
  for (const group of data.testGroups) {
    const key = parsePublicKey(group.publicKey.uncompressed);
    if (!key.ok) throw new Error(`group key rejected: ${key.reason}`);
    for (const t of group.tests) {
      const digest = sha256Bytes(parseHex(t.msg)!);
      const rs = toOurs(t.sig);
      const highS = rs !== undefined && rs.length === 128 && BigInt('0x' + rs.slice(64)) > HALF_N;
      if (rs === undefined) {
        out.push({ tcId: t.tcId, result: t.result, accepted: false, reason: 'DER decode failed', highS });
        continue;
      }
      const v = verifyDigest(backend, key.key, digest, rs);
      out.push({ tcId: t.tcId, result: t.result, accepted: v.valid, reason: v.valid ? '' : v.reason, highS, rs });
    }
  }
  return out;
}

const backends = availableBackends();

describe('strict DER decoder (used for the bitcoin file)', () => {
  const r = '00813ef79ccefa9a56f7ba805f0e478584fe5f0dd5f567bc09b5123ccbc9832365';
  const s = '6ff18a52dcc0336f7af62400a6dd9b810732baf1ff758000d6f613a556eb31ba';
  const der = (h: string) => parseHex(h)!;
  it('decodes a minimal encoding', () => expect(derToRs(der(`30450221${r}0220${s}`))).toBe(r.slice(2) + s));
  it('rejects trailing bytes', () => expect(derToRs(der(`30450221${r}0220${s}00`))).toBeUndefined());
  it('rejects a non-minimal integer (extra 00)', () => expect(derToRs(der(`30460221${r}022100${s}`))).toBeUndefined());
  it('rejects a negative integer', () => expect(derToRs(der(`30440220${r.slice(2)}0220${s}`))).toBeUndefined());
  it('rejects a long-form length that fits the short form', () => expect(derToRs(der(`3081450221${r}0220${s}`))).toBeUndefined());
  it('rejects the indefinite length form', () => expect(derToRs(der(`30800221${r}0220${s}0000`))).toBeUndefined());
  it('rejects a wrong outer tag', () => expect(derToRs(der(`31450221${r}0220${s}`))).toBeUndefined());
  it('rejects a zero-length integer', () => expect(derToRs(der(`302402000220${s}`))).toBeUndefined());
  it('rejects an empty input', () => expect(derToRs(new Uint8Array())).toBeUndefined());
});

for (const { file, encoding, toOurs } of FILES) {
  // Committed with the project: a missing file fails here, it never skips.
  const data = JSON.parse(readFileSync(resolve(WYCHEPROOF_DIR, file), 'utf8')) as WycheproofFile;
  const outcomes = new Map<string, Outcome[]>();
  const get = (b: CryptoBackend) => {
    if (!outcomes.has(b.name)) outcomes.set(b.name, run(data, toOurs, b));
    return outcomes.get(b.name)!;
  };
  const ids = (list: Outcome[]) => list.map((o) => o.tcId);

  describe(`Wycheproof ${file} — ${encoding}`, () => {
    describe.each(backends.map((b) => [b.name, b] as const))('backend %s', (_n, backend) => {
      it('covers every test case in the file', () => {
        expect(get(backend)).toHaveLength(data.numberOfTests);
      });

      it('rejects every "invalid" case', () => {
        expect(ids(get(backend).filter((o) => o.result === 'invalid' && o.accepted)), 'invalid cases that were accepted').toEqual([]);
      });

      it('accepts every "valid" case whose s is low (s ≤ n/2)', () => {
        expect(ids(get(backend).filter((o) => o.result === 'valid' && !o.highS && !o.accepted)), 'valid low-S cases that were rejected').toEqual([]);
      });

      it('rejects every "valid" case whose s is high (s > n/2): PROFILE §1 low-S policy, not a verifier fault', () => {
        const highS = get(backend).filter((o) => o.result === 'valid' && o.highS);
        expect(ids(highS.filter((o) => o.accepted)), 'high-S cases that were accepted').toEqual([]);
        expect(ids(highS.filter((o) => !/high-S/.test(o.reason))), 'high-S cases rejected for another reason').toEqual([]);
        // the low-S twin (r, n − s) of each must verify: the rejection is the policy, the maths is fine
        const twins = highS.filter((o) => {
          const twin = o.rs!.slice(0, 64) + hex64(N - BigInt('0x' + o.rs!.slice(64)));
          const t = data.testGroups.flatMap((g) => g.tests.map((c) => ({ g, c }))).find((x) => x.c.tcId === o.tcId)!;
          const key = parsePublicKey(t.g.publicKey.uncompressed);
          return !(key.ok && verifyDigest(backend, key.key, sha256Bytes(parseHex(t.c.msg)!), twin).valid);
        });
        expect(ids(twins), 'high-S cases whose low-S twin does not verify').toEqual([]);
      });

      it('records the counts', () => {
        const list = get(backend);
        const counts = {
          total: list.length,
          validAccepted: list.filter((o) => o.result === 'valid' && o.accepted).length,
          validHighSRejected: list.filter((o) => o.result === 'valid' && o.highS && !o.accepted).length,
          invalidRejected: list.filter((o) => o.result === 'invalid' && !o.accepted).length,
          invalidRejectedByDerDecoder: list.filter((o) => o.result === 'invalid' && o.reason === 'DER decode failed').length,
          acceptableAccepted: list.filter((o) => o.result === 'acceptable' && o.accepted).length,
          acceptableRejected: list.filter((o) => o.result === 'acceptable' && !o.accepted).length,
        };
        console.log(`wycheproof ${file} [${backend.name}] ${JSON.stringify(counts)}`);
        const byResult = (r: Case['result']) => list.filter((o) => o.result === r).length;
        expect(counts.validAccepted + counts.validHighSRejected).toBe(byResult('valid'));
        expect(counts.invalidRejected).toBe(byResult('invalid'));
        expect(counts.acceptableAccepted + counts.acceptableRejected).toBe(byResult('acceptable'));
      });
    });

    it.skipIf(backends.length < 2)('every backend reaches the same verdict and reason on every case (including "acceptable")', () => {
      const [first, ...rest] = backends.map((b) => get(b).map((o) => `${o.tcId}:${o.accepted}:${o.reason}`));
      for (const other of rest) expect(other).toEqual(first);
    });
  });
}

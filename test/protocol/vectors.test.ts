// Vectors as data: opencharge.md A-E byte for byte, and the project's generated vector files (fresh + replayed) on every backend.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  generateVectors,
  reasonClass,
  serializeVectorFile,
  VECTOR_DIR,
  type Vector,
  type VectorFile,
} from '../../scripts/vectors.ts';
import { availableBackends } from '../../src/crypto/select.ts';
import type { CryptoBackend } from '../../src/protocol/backend.ts';
import {
  canonicalConfig,
  canonicalOrder,
  canonicalProof,
  canonicalRequest,
  canonicalResponse,
  type OrderCanonicalization,
  type ProofForm,
} from '../../src/protocol/canonical.ts';
import { bytesToHex, sha256Hex } from '../../src/protocol/hex.ts';
import { parsePrivateKey, parsePublicKey, publicKeyHex } from '../../src/protocol/keys.ts';
import { signCanonical, verifyCanonical } from '../../src/protocol/signature.ts';

const backends = availableBackends();
const str = (v: unknown): string => {
  if (typeof v !== 'string') throw new Error(`vector field is not a string: ${JSON.stringify(v)}`);
  return v;
};
const obj = (v: unknown) => v as Record<string, unknown>;

function canonicalOf(input: Record<string, unknown>): string {
  switch (input.kind) {
    case 'request':
      return canonicalRequest({ ocid: str(input.ocid), timestamp: str(input.timestamp), nonce: str(input.nonce), method: str(input.method), path: str(input.path), body: str(input.body) });
    case 'response':
      return canonicalResponse({ ocid: str(input.ocid), timestamp: str(input.timestamp), status: input.status as number, body: str(input.body) });
    case 'order':
      return canonicalOrder(obj(input.order), input.canonicalization as OrderCanonicalization);
    case 'proof':
      return canonicalProof(obj(input.proof), input.form as ProofForm);
    case 'config':
      return canonicalConfig(obj(input.config));
    default:
      throw new Error(`no canonical form for kind ${String(input.kind)}`);
  }
}

/** Recomputes every expected field of a vector with one backend and compares. */
function replay(v: Vector, backend: CryptoBackend): void {
  const { input, expected } = v;
  if (input.kind === 'key') {
    const key = parsePrivateKey(str(input.privateKey));
    if (!key.ok) throw new Error(key.reason);
    const pub = backend.publicKey(key.key);
    expect(publicKeyHex(pub)).toBe(expected.publicKey);
    const compressed = bytesToHex(Uint8Array.of(2 + (pub[64]! & 1))) + bytesToHex(pub.subarray(1, 33));
    expect(compressed).toBe(expected.compressed);
    const parsed = parsePublicKey(expected.compressed);
    expect(parsed.ok && parsed.hex).toBe(expected.publicKey);
    return;
  }
  if (input.kind === 'verify') {
    const key = parsePublicKey(input.publicKey);
    if (!key.ok) throw new Error(key.reason);
    const result = verifyCanonical(backend, key.key, str(input.canonical), input.signature);
    expect(result.valid ? { valid: true } : { valid: false, reasonClass: reasonClass(result.reason) }).toEqual(expected);
    return;
  }
  const canonical = canonicalOf(input);
  expect(canonical).toBe(expected.canonical);
  if (expected.bodySha256 !== undefined) expect(sha256Hex(str(input.body))).toBe(expected.bodySha256);
  if (expected.sha256 !== undefined) expect(sha256Hex(canonical)).toBe(expected.sha256);
  if (expected.signature === undefined) return;
  const key = parsePrivateKey(str(input.privateKey));
  if (!key.ok) throw new Error(key.reason);
  expect(signCanonical(backend, key.key, canonical)).toBe(expected.signature);
  const pub = backend.publicKey(key.key);
  if (expected.publicKey !== undefined) expect(publicKeyHex(pub)).toBe(expected.publicKey);
  expect(verifyCanonical(backend, pub, canonical, expected.signature)).toEqual({ valid: true });
}

const readJson = (name: string) => JSON.parse(readFileSync(join(VECTOR_DIR, name), 'utf8')) as VectorFile;

describe('opencharge.md vectors A-E (test/vectors/opencharge-doc.json)', () => {
  const doc = readJson('opencharge-doc.json');

  it('holds the test key and vectors A, B, C, D, E(A), E(B)', () => {
    const names = doc.vectors.map((v) => v.description);
    for (const label of ['Test key', 'Vector A', 'Vector B', 'Vector C', 'Vector D', 'Vector E (A)', 'Vector E (B)']) {
      expect(names.some((n) => n.startsWith(label)), label).toBe(true);
    }
  });

  describe.each(backends.map((b) => [b.name, b] as const))('backend %s', (_name, backend) => {
    it.each(doc.vectors.map((v) => [v.description, v] as const))('%s', (_d, v) => replay(v, backend));
  });
});

describe('generated vector files (scripts/vectors.ts)', () => {
  const fresh = generateVectors();

  it('every generated file is committed, and no stray generated file remains', () => {
    const onDisk = readdirSync(VECTOR_DIR).filter((f) => f.endsWith('.json') && f !== 'opencharge-doc.json');
    expect(onDisk.sort(), 'test/vectors/ and the generator disagree on the file list: run `npm run vectors` (and delete files it no longer writes)').toEqual(Object.keys(fresh).sort());
  });

  it.each(Object.keys(fresh))('%s equals a fresh generation', (name) => {
    const committed = readFileSync(join(VECTOR_DIR, name), 'utf8');
    expect(committed, `test/vectors/${name} is stale: run \`npm run vectors\` and commit the result`).toBe(serializeVectorFile(fresh[name]!));
  });

  it('generation is deterministic (two runs are identical)', () => {
    expect(JSON.stringify(generateVectors())).toBe(JSON.stringify(fresh));
  });

  it('the signature file names a reason class for every rejection and never an unclassified one', () => {
    const verdicts = fresh['signatures.json']!.vectors;
    const rejected = verdicts.filter((v) => v.expected.valid === false);
    expect(rejected.length).toBeGreaterThan(0);
    for (const v of rejected) expect(v.expected.reasonClass, v.description).not.toBe('unclassified');
  });

  for (const name of Object.keys(fresh)) {
    describe.each(backends.map((b) => [b.name, b] as const))(`${name} replayed on %s`, (_n, backend) => {
      it.each(readJson(name).vectors.map((v) => [v.description, v] as const))('%s', (_d, v) => replay(v, backend));
    });
  }
});

describe('reasonClass', () => {
  it('maps an unknown reason to "unclassified" so a changed message cannot pass silently', () => {
    expect(reasonClass('something new')).toBe('unclassified');
  });
});

// Regenerates the project's own test vectors (test/vectors/*.json): fixed keys, times and nonces, no clock, no randomness.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  canonicalConfig,
  canonicalOrder,
  canonicalProof,
  canonicalRequest,
  canonicalResponse,
  type OrderCanonicalization,
  type ProofForm,
} from '../src/protocol/canonical.ts';
import { bytesToHex, sha256Hex } from '../src/protocol/hex.ts';
import { parsePrivateKey, parsePublicKey, publicKeyHex } from '../src/protocol/keys.ts';
import { nobleBackend } from '../src/protocol/noble.ts';
import { signCanonical, verifyCanonical } from '../src/protocol/signature.ts';

export interface Vector {
  description: string;
  input: Record<string, unknown>;
  expected: Record<string, unknown>;
}

export interface VectorFile {
  description: string;
  generator: string;
  vectors: Vector[];
}

/** Test keys only. */
export const KEYS = { one: '11'.repeat(32), two: '22'.repeat(32), three: '33'.repeat(32) } as const;
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const GENERATOR = 'scripts/vectors.ts (npm run vectors); do not edit by hand';

/** The closed set of rejection classes a verdict vector may name, keyed on the verifier's reason text. */
export type ReasonClass = 'type' | 'length' | 'not-hex' | 'recovery-byte' | 'r-range' | 's-range' | 'high-s' | 'mismatch';
const REASON_PATTERNS: ReadonlyArray<[ReasonClass, RegExp]> = [
  ['type', /must be a hex string/],
  ['length', /must be 130 or 128 hex characters/],
  ['not-hex', /is not hex/],
  ['recovery-byte', /recovery byte/],
  ['r-range', /^r is out of range/],
  ['s-range', /^s is out of range/],
  ['high-s', /high-S/],
  ['mismatch', /does not match/],
];

/** Maps a verifier reason to its class; 'unclassified' makes a vector check fail loudly. */
export function reasonClass(reason: string): ReasonClass | 'unclassified' {
  return REASON_PATTERNS.find(([, re]) => re.test(reason))?.[0] ?? 'unclassified';
}

function priv(hex: string): Uint8Array {
  const k = parsePrivateKey(hex);
  if (!k.ok) throw new Error(`bad test key: ${k.reason}`);
  return k.key;
}

function pubHex(privHex: string): string {
  return publicKeyHex(nobleBackend.publicKey(priv(privHex)));
}

/** canonical, its SHA-256 and the signature: the common tail of every signing vector. */
function signed(privateKey: string, canonical: string): Record<string, unknown> {
  return {
    canonical,
    sha256: sha256Hex(canonical),
    signature: signCanonical(nobleBackend, priv(privateKey), canonical),
    publicKey: pubHex(privateKey),
  };
}

interface Req { ocid: string; timestamp: string; nonce: string; method: string; path: string; body: string }

function request(description: string, privateKey: string, r: Req): Vector {
  const canonical = canonicalRequest(r);
  return { description, input: { kind: 'request', privateKey, ...r }, expected: { bodySha256: sha256Hex(r.body), ...signed(privateKey, canonical) } };
}

function response(description: string, privateKey: string, r: { ocid: string; timestamp: string; status: number; body: string }): Vector {
  const canonical = canonicalResponse(r);
  return { description, input: { kind: 'response', privateKey, ...r }, expected: { bodySha256: sha256Hex(r.body), ...signed(privateKey, canonical) } };
}

function order(description: string, privateKey: string, o: Record<string, unknown>, canonicalization: OrderCanonicalization): Vector {
  return { description, input: { kind: 'order', privateKey, canonicalization, order: o }, expected: signed(privateKey, canonicalOrder(o, canonicalization)) };
}

function proof(description: string, privateKey: string, p: Record<string, unknown>, form: ProofForm): Vector {
  return { description, input: { kind: 'proof', privateKey, form, proof: p }, expected: signed(privateKey, canonicalProof(p, form)) };
}

function config(description: string, privateKey: string, c: Record<string, unknown>): Vector {
  return { description, input: { kind: 'config', privateKey, config: c }, expected: signed(privateKey, canonicalConfig(c)) };
}

const T0 = '1706600000';
const POST_BODY = '{"id":"ord_v001","amount":"15.00","currency":"USD","items":[{"id":"item_001","quantity":2}],"expiresAt":1706603600}';

function requestVectors(): Vector[] {
  const base = { ocid: '200', timestamp: T0, nonce: 'req_00000000000000000000000000000001', method: 'GET', path: '/opencharge/capabilities', body: '' };
  return [
    request('GET without body: body hash is SHA-256 of the empty string', KEYS.one, base),
    request('POST with a JSON body', KEYS.one, { ...base, nonce: 'req_00000000000000000000000000000002', method: 'POST', path: '/opencharge/orders/create', body: POST_BODY }),
    request('GET with a query string kept verbatim (unsorted, percent-encoded, never decoded)', KEYS.one, { ...base, nonce: 'req_00000000000000000000000000000003', path: '/opencharge/inventory?b=2&a=1&q=caf%C3%A9&empty=' }),
    request('POST with a UTF-8 body: hashed over its UTF-8 bytes', KEYS.one, { ...base, nonce: 'req_00000000000000000000000000000004', method: 'POST', path: '/opencharge/orders/create', body: '{"memo":"Café für 2 – 5 € ☕🍰","amount":"5.00","currency":"EUR"}' }),
    request('POST body pretty-printed with CRLF: the raw bytes are hashed, never re-serialised', KEYS.one, { ...base, nonce: 'req_00000000000000000000000000000005', method: 'POST', path: '/opencharge/transfer/webhook', body: '{\r\n  "a" : 1\r\n}\r\n' }),
    request('lowercase method is written uppercase in the canonical string', KEYS.one, { ...base, nonce: 'req_00000000000000000000000000000006', method: 'post', path: '/opencharge/orders/create', body: POST_BODY }),
    request('public base path other than /opencharge is part of the path', KEYS.two, { ...base, ocid: '300', nonce: 'n-7', path: '/shop/api/oc/capabilities' }),
  ];
}

function responseVectors(): Vector[] {
  return [
    response('response 200 with a JSON body', KEYS.one, { ocid: '500', timestamp: '1706600001', status: 200, body: '{"orderId":"ord_v001","status":"pending"}' }),
    response('response 401 with an error envelope', KEYS.one, { ocid: '500', timestamp: '1706600002', status: 401, body: '{"error":{"code":"NONCE_REUSED","message":"Nonce already seen"}}' }),
    response('response with an empty body', KEYS.two, { ocid: '500', timestamp: '1706600003', status: 204, body: '' }),
  ];
}

const ITEMS = [
  { id: 'item_001', name: 'Large Coffee', quantity: 2, price: '5.00' },
  { id: 'item_002', name: 'Croissant', quantity: 1, price: '5.00' },
];
const ORDER = { id: 'ord_v001', ocid: 500, amount: '15.00', currency: 'USD', createdAt: 1706600000, expiresAt: 1706603600, accepts: [100, 101] };

function orderVectors(): Vector[] {
  const withItems = { ...ORDER, items: ITEMS };
  const withRefMemo = { ...ORDER, reference: 'store-42', items: ITEMS, memo: 'Tisch 5 – Café ☕' };
  const quirk = { ...ORDER, items: [{ id: 'item_001', amount: '99.00', name: 'kept only if top-level' }, { name: 'no id' }] };
  return [
    order('documented form, without items', KEYS.one, ORDER, 'documented'),
    order('documented form, with items: item fields other than id are dropped (not signed)', KEYS.one, withItems, 'documented'),
    order('documented form, with reference and a UTF-8 memo', KEYS.one, withRefMemo, 'documented'),
    order('documented form: an item key survives only if it is also a top-level key; an item without id becomes {}', KEYS.one, quirk, 'documented'),
    order('jcs form, with items: keys sorted at every depth, nothing dropped', KEYS.one, withItems, 'jcs'),
    order('jcs form, with reference and a UTF-8 memo', KEYS.two, withRefMemo, 'jcs'),
  ];
}

const PROOF = {
  txid: 'tx_v001',
  issuer: 100,
  from: { ocid: 200, reference: 'wallet_tx_9' },
  to: { ocid: 500, reference: 'ord_v001' },
  amount: '15.00',
  currency: 'USD',
  timestamp: 1706600100,
  memo: 'Payment for ord_v001',
};

function proofVectors(): Vector[] {
  const { memo: _memo, ...noMemo } = PROOF;
  const utf8 = { ...PROOF, txid: 'tx_v002', memo: 'Zahlung für ord_v001 – danke ☕' };
  return [
    proof('form A (replacer): from/to serialise as {}', KEYS.one, PROOF, 'A'),
    proof('form B (sorted at all levels): from/to covered', KEYS.one, PROOF, 'B'),
    proof('form A, proof without memo', KEYS.two, noMemo, 'A'),
    proof('form B, proof without memo', KEYS.two, noMemo, 'B'),
    proof('form A, UTF-8 memo', KEYS.one, utf8, 'A'),
    proof('form B, UTF-8 memo', KEYS.one, utf8, 'B'),
  ];
}

function configVectors(): Vector[] {
  const cfg = (key: string, endpoint: string) => ({
    publicKey: pubHex(key),
    endpoint,
    capabilities: ['orders.create', 'orders.status', 'transfer.webhook'],
    settlement: { currencies: ['USD', 'EUR'], accepts: [100, 101] },
  });
  return [
    config('metadata config, documented form: settlement serialises as {}', KEYS.one, cfg(KEYS.one, 'https://pay.shop.example/opencharge')),
    config('metadata config of another key and endpoint', KEYS.two, cfg(KEYS.two, 'https://api.merchant.example/oc')),
  ];
}

// --- verdict vectors: one signature, each accepted encoding, each rejection path ---

const hex64 = (v: bigint) => v.toString(16).padStart(64, '0');

function verdict(description: string, input: { publicKey: string; canonical: string; signature: unknown }, ok: boolean): Vector {
  const key = parsePublicKey(input.publicKey);
  if (!key.ok) throw new Error(`generator: ${key.reason}`);
  const result = verifyCanonical(nobleBackend, key.key, input.canonical, input.signature);
  if (result.valid !== ok) throw new Error(`generator: "${description}" expected valid=${ok}`);
  const expected = result.valid ? { valid: true } : { valid: false, reasonClass: reasonClass(result.reason) };
  return { description, input: { kind: 'verify', ...input }, expected };
}

function signatureVectors(): Vector[] {
  const canonical = canonicalRequest({ ocid: '200', timestamp: T0, nonce: 'req_sig', method: 'POST', path: '/opencharge/orders/create', body: POST_BODY });
  const sig = signCanonical(nobleBackend, priv(KEYS.one), canonical);
  const publicKey = pubHex(KEYS.one);
  const r = sig.slice(0, 64);
  const s = sig.slice(64, 128);
  const v = sig.slice(128);
  const twin = hex64(N - BigInt('0x' + s));
  const withV = (byte: number) => r + s + byte.toString(16).padStart(2, '0');
  const flipLastBit = (h: string) => h.slice(0, -1) + (parseInt(h.slice(-1), 16) ^ 1).toString(16);
  const compressed = bytesToHex(Uint8Array.of(parseInt(publicKey.slice(-1), 16) % 2 ? 3 : 2)) + publicKey.slice(0, 64);
  const base = { publicKey, canonical, signature: sig };
  const ok = (d: string, patch: Partial<typeof base>) => verdict(d, { ...base, ...patch }, true);
  const bad = (d: string, patch: Record<string, unknown>) => verdict(d, { ...base, ...patch } as typeof base, false);
  return [
    ok('accepted: 130 hex r‖s‖v as signed', {}),
    ok('accepted: 128 hex r‖s (no recovery byte)', { signature: r + s }),
    ok('accepted: v = 0', { signature: withV(0) }),
    ok('accepted: v = 1', { signature: withV(1) }),
    ok('accepted: v = 27 (1b)', { signature: withV(27) }),
    ok('accepted: v = 28 (1c)', { signature: withV(28) }),
    ok('accepted: uppercase hex signature', { signature: sig.toUpperCase() }),
    ok('accepted: public key as 130 hex with 04', { publicKey: '04' + publicKey }),
    ok('accepted: public key as 66 hex compressed', { publicKey: compressed }),
    ok('accepted: public key with 0x prefix, uppercase', { publicKey: '0x' + publicKey.toUpperCase() }),
    bad('rejected: wrong key (public key of 22…22)', { publicKey: pubHex(KEYS.two) }),
    bad('rejected: one changed byte of the canonical string (nonce)', { canonical: canonical.replace('req_sig', 'req_sih') }),
    bad('rejected: one changed byte of the body (body hash differs)', { canonical: canonicalRequest({ ocid: '200', timestamp: T0, nonce: 'req_sig', method: 'POST', path: '/opencharge/orders/create', body: POST_BODY.replace('15.00', '16.00') }) }),
    bad('rejected: last bit of r flipped', { signature: flipLastBit(r) + s + v }),
    bad('rejected: last bit of s flipped', { signature: r + flipLastBit(s) + v }),
    bad('rejected: high-S twin (r, n − s) with v', { signature: r + twin + v }),
    bad('rejected: high-S twin (r, n − s) as 128 hex', { signature: r + twin }),
    bad('rejected: r = 0', { signature: hex64(0n) + s + v }),
    bad('rejected: s = 0', { signature: r + hex64(0n) + v }),
    bad('rejected: r = n', { signature: hex64(N) + s + v }),
    bad('rejected: r = 2^256 − 1', { signature: 'f'.repeat(64) + s + v }),
    bad('rejected: s = n', { signature: r + hex64(N) + v }),
    bad('rejected: s = 2^256 − 1', { signature: r + 'f'.repeat(64) + v }),
    bad('rejected: truncated to 126 hex', { signature: sig.slice(0, 126) }),
    bad('rejected: truncated to 129 hex (odd length)', { signature: sig.slice(0, 129) }),
    bad('rejected: empty string', { signature: '' }),
    bad('rejected: one extra byte (132 hex)', { signature: sig + '00' }),
    bad('rejected: non-hex character', { signature: sig.slice(0, 10) + 'g' + sig.slice(11) }),
    bad('rejected: 0x prefix on a 128-hex signature', { signature: '0x' + r + s }),
    bad('rejected: wrong v = 0x1d', { signature: withV(0x1d) }),
    bad('rejected: wrong v = 0x02', { signature: withV(2) }),
    bad('rejected: wrong v = 0xff', { signature: withV(0xff) }),
    bad('rejected: signature is a number, not a string', { signature: 12345 }),
    bad('rejected: signature is null', { signature: null }),
  ];
}

/** Every vector file, by file name; pure and deterministic. */
export function generateVectors(): Record<string, VectorFile> {
  const file = (description: string, vectors: Vector[]): VectorFile => ({ description, generator: GENERATOR, vectors });
  return {
    'requests.json': file('Canonical request strings (PROFILE §2, opencharge.md §3.2) and their signatures', requestVectors()),
    'responses.json': file('Canonical response strings (opencharge.md §3.7) and their signatures', responseVectors()),
    'orders.json': file('Order canonicalisation, documented and jcs (PROFILE §3, opencharge.md §4.2), and signatures', orderVectors()),
    'proofs.json': file('Proof canonicalisation forms A and B (opencharge.md §5.2) and signatures', proofVectors()),
    'config.json': file('Metadata config signatures, documented form (PROFILE §6, opencharge.md §6.4)', configVectors()),
    'signatures.json': file('Signature verdicts: accepted encodings and every rejection path with its reason class (PROFILE §1)', signatureVectors()),
  };
}

/** The exact bytes committed for a vector file. */
export function serializeVectorFile(file: VectorFile): string {
  return JSON.stringify(file, null, 2) + '\n';
}

export const VECTOR_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../test/vectors');

function writeAll(): void {
  mkdirSync(VECTOR_DIR, { recursive: true });
  for (const [name, content] of Object.entries(generateVectors())) {
    writeFileSync(join(VECTOR_DIR, name), serializeVectorFile(content));
    console.log(`wrote test/vectors/${name} (${content.vectors.length} vectors)`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) writeAll();

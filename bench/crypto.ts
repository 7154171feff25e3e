// Sign and verify ops/s for each available secp256k1 backend: warm-up, then RUNS timed runs of RUN_MS each; median, min, max.
import { cpus, loadavg } from 'node:os';
import { availableBackends } from '../src/crypto/select.ts';
import type { CryptoBackend } from '../src/protocol/backend.ts';
import { canonicalRequest } from '../src/protocol/canonical.ts';
import { sha256Bytes } from '../src/protocol/hex.ts';
import { parsePrivateKey } from '../src/protocol/keys.ts';
import { signDigest, verifyDigest } from '../src/protocol/signature.ts';

const RUNS = positiveInt('RUNS', 7);
const RUN_MS = positiveInt('RUN_MS', 1000);
const WARMUP_MS = positiveInt('WARMUP_MS', 500);

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got '${raw}'`);
  return n;
}

const PRIV = ((k) => {
  if (!k.ok) throw new Error(k.reason);
  return k.key;
})(parsePrivateKey('11'.repeat(32)));
// 64 distinct digests of realistic canonical requests, so no run hits a single cached input
const digests = Array.from({ length: 64 }, (_, i) =>
  sha256Bytes(canonicalRequest({ ocid: '200', timestamp: String(1706500000 + i), nonce: `req_${i}`, method: 'POST', path: '/opencharge/orders/create', body: `{"amount":"${i}.00"}` })),
);

/** Calls op(i) repeatedly for `ms` milliseconds; returns ops per second. */
function timed(ms: number, op: (i: number) => void): number {
  const start = performance.now();
  let n = 0;
  let now = start;
  while (now - start < ms) {
    op(n++);
    now = performance.now();
  }
  return (n * 1000) / (now - start);
}

interface Row { backend: string; op: string; median: number; min: number; max: number }

function measure(backend: CryptoBackend, op: string, fn: (i: number) => void): Row {
  timed(WARMUP_MS, fn);
  const runs = Array.from({ length: RUNS }, () => timed(RUN_MS, fn)).sort((a, b) => a - b);
  const mid = runs.length >> 1;
  const median = runs.length % 2 ? runs[mid]! : (runs[mid - 1]! + runs[mid]!) / 2;
  return { backend: backend.name, op, median, min: runs[0]!, max: runs[runs.length - 1]! };
}

function benchBackend(backend: CryptoBackend): Row[] {
  const pub = backend.publicKey(PRIV);
  const sigs = digests.map((d) => signDigest(backend, PRIV, d));
  // Guard: never time a broken path.
  sigs.forEach((s, i) => {
    if (!verifyDigest(backend, pub, digests[i]!, s).valid) throw new Error(`${backend.name}: self-check failed`);
  });
  let sink = 0;
  const rows = [
    measure(backend, 'sign (signDigest)', (i) => {
      sink += signDigest(backend, PRIV, digests[i % 64]!).length;
    }),
    measure(backend, 'verify (verifyDigest: parse + verify)', (i) => {
      sink += verifyDigest(backend, pub, digests[i % 64]!, sigs[i % 64]).valid ? 1 : 0;
    }),
  ];
  if (sink === 0) throw new Error('unreachable: keeps the work observable');
  return rows;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const backends = availableBackends();
console.log(`# secp256k1 ops/s — Node ${process.version}, ${RUNS} runs × ${RUN_MS} ms after ${WARMUP_MS} ms warm-up, backends: ${backends.map((b) => b.name).join(', ')}`);
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
console.log(`# ${cpus().length} CPUs, load average before: ${load()} (a busy machine lowers every figure)`);
const rows = backends.flatMap(benchBackend);
console.log(`# load average after: ${load()}`);
console.log('');
console.log('| backend | operation | median ops/s | min | max | µs/op (median) |');
console.log('|---|---|---:|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.backend} | ${r.op} | ${fmt(r.median)} | ${fmt(r.min)} | ${fmt(r.max)} | ${(1e6 / r.median).toFixed(0)} |`);

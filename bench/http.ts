// `npm run bench`: /orders/create requests/s and p50/p99 for the real server against a bare baseline,
// on each crypto backend, over loopback with 32 connections; plus the in-process ceilings.
// `--runtime bun` runs the real server under Bun, `--db postgres` on a fresh PostgreSQL schema, `--instances N`
// starts N servers on one database and splits the load (baseline and ceilings stay on Node + SQLite);
// `--rounds N` (default 3) alternates server and baseline runs and prints the median ratio.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import postgres from 'postgres';
import Database from 'better-sqlite3';
import { availableBackends } from '../src/crypto/select.ts';
import type { CryptoBackend } from '../src/protocol/backend.ts';
import { canonicalRequest, canonicalOrder } from '../src/protocol/canonical.ts';
import { parsePrivateKey, publicKeyHex } from '../src/protocol/keys.ts';
import { signCanonical, verifyCanonical } from '../src/protocol/signature.ts';

const ROOT = resolve(import.meta.dirname, '..');
const { values: flags } = parseArgs({
  args: process.argv.slice(2),
  options: Object.fromEntries(['connections', 'crypto', 'runtime', 'db', 'instances', 'rounds', 'requests'].map((k) => [k, { type: 'string' as const }])),
  strict: true,
}) as { values: Record<string, string | undefined> };
const connections = Number(flags.connections ?? 32);
const only = flags.crypto;
const runtime = flags.runtime ?? 'node';
const db = flags.db ?? 'sqlite';
const instances = Number(flags.instances ?? 1);
const rounds = Number(flags.rounds ?? 3);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be a positive integer');
if (!['sqlite', 'postgres'].includes(db)) throw new Error('--db must be sqlite or postgres');
if (!Number.isInteger(instances) || instances < 1) throw new Error('--instances must be a positive integer');
if (runtime !== 'node' && runtime !== 'bun') throw new Error(`--runtime must be node or bun, not '${runtime}'`);
const BUN = join(ROOT, 'node_modules/.bin/bun');
const MERCHANT_PRIV = '11'.repeat(32);
const CALLER_PRIV = '22'.repeat(32);
const PATH = '/opencharge/orders/create';

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

function startChild(args: string[], env: Record<string, string>, ready: RegExp, command = process.execPath): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((res, rej) => {
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const on = (d: Buffer) => {
      out += d.toString();
      const m = ready.exec(out);
      if (m) res({ child, port: Number(m[1]) });
    };
    child.stdout!.on('data', on);
    child.stderr!.on('data', on);
    child.once('exit', (code) => rej(new Error(`child exited ${code}: ${out}`)));
  });
}

async function stop(child: ChildProcess) {
  child.removeAllListeners('exit');
  const done = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await done;
}

function presign(backend: CryptoBackend, n: number) {
  const key = (parsePrivateKey(CALLER_PRIV) as { ok: true; key: Uint8Array }).key;
  const ts = String(Math.floor(Date.now() / 1000));
  return Array.from({ length: n }, () => {
    const nonce = `req_${randomBytes(16).toString('hex')}`;
    const body = JSON.stringify({ amount: '15.00', currency: 'USD', memo: 'bench' });
    const sig = signCanonical(backend, key, canonicalRequest({ ocid: '200', timestamp: ts, nonce, method: 'POST', path: PATH, body }));
    return { method: 'POST' as const, path: PATH, body, headers: { 'content-type': 'application/json', 'x-oc-id': '200', 'x-oc-timestamp': ts, 'x-oc-nonce': nonce, 'x-oc-signature': sig } };
  });
}

/** Drives every port at once (connections split between them); rps adds up, latency is the worst port's. */
async function load(ports: number[], backend: CryptoBackend, amount: number): Promise<Figures> {
  const per = Math.max(1, Math.floor(connections / ports.length));
  const drive = (port: number, reqs: ReturnType<typeof presign>) => {
    let i = 0;
    return autocannon({
      url: `http://127.0.0.1:${port}`,
      connections: per,
      amount: reqs.length,
      requests: [{ setupRequest: (r) => ({ ...r, ...reqs[i++ % reqs.length]! }) }],
    });
  };
  const split = (n: number) => ports.map(() => presign(backend, Math.ceil(n / ports.length)));
  await Promise.all(split(Math.max(100, Math.floor(amount / 10))).map((reqs, k) => drive(ports[k]!, reqs)));
  const started = performance.now();
  const runs = await Promise.all(split(amount).map((reqs, k) => drive(ports[k]!, reqs)));
  const seconds = (performance.now() - started) / 1000;
  return {
    // Completed requests over our own wall clock: autocannon's figures are whole seconds.
    rps: runs.reduce((t, r) => t + r.requests.total, 0) / seconds,
    p50: Math.max(...runs.map((r) => r.latency.p50)),
    p99: Math.max(...runs.map((r) => r.latency.p99)),
    non2xx: runs.reduce((t, r) => t + r.non2xx, 0),
    errors: runs.reduce((t, r) => t + r.errors, 0),
  };
}

/** A fresh PostgreSQL schema for `--db postgres`, dropped afterwards. */
async function pgDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = process.env.OC_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `oc_bench_${process.pid}_${randomBytes(4).toString('hex')}`;
  return {
    url: `${base}${base.includes('?') ? '&' : '?'}schema=${schema}`,
    drop: async () => {
      const sql = postgres(base, { max: 1, onnotice: () => {} });
      await sql.unsafe(`drop schema if exists "${schema}" cascade`);
      await sql.end();
    },
  };
}

function ceilings(backend: CryptoBackend) {
  const priv = (parsePrivateKey(MERCHANT_PRIV) as { ok: true; key: Uint8Array }).key;
  const pub = backend.publicKey(priv);
  const msg = canonicalOrder({ id: 'ord_x', amount: '15.00', currency: 'USD', createdAt: 1, expiresAt: 2, accepts: [100] });
  const sig = signCanonical(backend, priv, msg);
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 1000) {
    verifyCanonical(backend, pub, msg, sig);
    signCanonical(backend, priv, msg);
    n++;
  }
  const cryptoRate = (n * 1000) / (performance.now() - t0);
  const dir = mkdtempSync(join(tmpdir(), 'oc-bench-db-'));
  const db = new Database(join(dir, 'c.db'));
  for (const p of ['journal_mode = WAL', 'synchronous = FULL']) db.pragma(p);
  db.exec('create table nonces (ocid integer, nonce text, primary key (ocid, nonce)); create table orders (id text primary key, body text)');
  const a = db.prepare('insert or ignore into nonces values (?, ?)');
  const b = db.prepare('insert into orders values (?, ?)');
  const tx = db.transaction((k: string) => {
    a.run(200, k);
    b.run(k, 'x'.repeat(400));
  });
  let c = 0;
  const t1 = performance.now();
  while (performance.now() - t1 < 1000) tx(`k${c++}`);
  const commitRate = (c * 1000) / (performance.now() - t1);
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return { cryptoRate, commitRate };
}

const fmt = (f: Figures) => `${f.rps.toFixed(0).padStart(6)} req/s  p50 ${String(f.p50).padStart(4)} ms  p99 ${String(f.p99).padStart(4)} ms  non-2xx ${f.non2xx}  errors ${f.errors}`;

async function benchBackend(backend: CryptoBackend) {
  const amount = Number(flags.requests ?? (backend.name === 'native' ? 12000 : 2500));
  const dir = mkdtempSync(join(tmpdir(), 'oc-bench-'));
  const peers = join(dir, 'peers.json');
  const callerPub = publicKeyHex(backend.publicKey((parsePrivateKey(CALLER_PRIV) as { ok: true; key: Uint8Array }).key));
  writeFileSync(peers, JSON.stringify([{ ocid: 200, publicKey: callerPub }]));
  // One caller from one address at full speed: the rate limits are off, or the bench would measure 429s.
  const env = { OC_CRYPTO: backend.name, OC_PRIVATE_KEY: MERCHANT_PRIV, OC_OCID: '500', OC_ENV: 'production', OC_PUBLIC_URL: 'https://pay.bench.example', OC_PORT: '0', OC_LOG_LEVEL: 'error', OC_PEERS_FILE: peers, OC_ACCEPTS: '100', OC_RATE_LIMIT: '0', OC_RATE_LIMIT_IP: '0' };

  const [command, args]: [string, string[]] = runtime === 'bun' ? [BUN, ['src/runtime/bun.ts']] : [process.execPath, ['bin/opencharge-merchant.mjs', 'serve']];
  const label = `${runtime}, ${db === 'postgres' ? 'PostgreSQL' : 'SQLite synchronous=FULL'}, ${instances} instance${instances > 1 ? 's' : ''}`;
  console.log(`\n== crypto backend: ${backend.name} (${amount} requests per run, ${connections} connections, ${rounds} round${rounds > 1 ? 's' : ''})`);
  const ratios: number[] = [];
  // Server and baseline alternate, each round on fresh databases: fsync latency on a shared disk drifts.
  for (let round = 1; round <= rounds; round++) {
    const pg = db === 'postgres' ? await pgDatabase() : undefined;
    const dbUrl = pg?.url ?? `file:${join(dir, `real-${round}.db`)}`;
    const servers = [];
    // One by one: the first applies the migrations.
    for (let k = 0; k < instances; k++) servers.push(await startChild(args, { ...env, OC_DATABASE_URL: dbUrl }, /listening on http:\/\/127\.0\.0\.1:(\d+)/, command));
    const a = await load(servers.map((x) => x.port), backend, amount);
    for (const x of servers) await stop(x.child);
    await pg?.drop();
    const base = await startChild(['bin/run-ts.mjs', 'bench/baseline-server.ts'], { ...env, BENCH_DB: join(dir, `base-${round}.db`), BENCH_CALLER_PUBLIC_KEY: callerPub }, /baseline listening on (\d+)/);
    const b = await load([base.port], backend, amount);
    await stop(base.child);
    ratios.push(a.rps / b.rps);
    console.log(`round ${round}`);
    console.log(`(a) server    ${fmt(a)}  [${label}]`);
    console.log(`(b) baseline  ${fmt(b)}  [node, SQLite synchronous=FULL, 1 process]`);
    console.log(`ratio a/b     ${(a.rps / b.rps).toFixed(2)}`);
  }
  rmSync(dir, { recursive: true, force: true });
  const sorted = [...ratios].sort((x, y) => x - y);
  const c = ceilings(backend);
  console.log(`median ratio  ${sorted[Math.floor(sorted.length / 2)]!.toFixed(2)} over ${rounds} round${rounds > 1 ? 's' : ''} (min ${sorted[0]!.toFixed(2)}, max ${sorted.at(-1)!.toFixed(2)}; target ≥ 0.80)`);
  console.log(`ceilings      verify+sign ${c.cryptoRate.toFixed(0)}/s in-process, durable nonce+order commits ${c.commitRate.toFixed(0)}/s`);
}

for (const backend of availableBackends()) {
  if (only && backend.name !== only) continue;
  await benchBackend(backend);
}

// `npm run bench`: durable signed /orders/create per second, the real server against two baselines, with a lean
// driver (bench/driver.ts: precomputed signed raw requests on keep-alive sockets, 32 connections by default).
// Each round runs, on fresh databases, in turn:
//   (a) the real server (`opencharge-merchant serve`, or the Bun entry with `--runtime bun`);
//   (b) the lean durable pipeline on the same database engine (bench/baseline-server.ts: Hono, verify, sign, the same
//       nonce + order + outbox inserts on the project's own tables, group-committed like the server: SQLite
//       synchronous=FULL, or postgres.js with `--db postgres`);
//   (c) the no-database ceiling (Hono, verify, sign the order and the response).
// and prints req/s, p50/p99, server CPU per request, then the medians over rounds and a/b, a/c.
// Options (`npm run bench -- --help` lists them): --runtime node|bun, --db sqlite|postgres, --instances N (N processes of each of a, b, c on one database,
// connections split between them), --rounds N (3), --requests N, --connections N (32), --crypto native|noble,
// --crypto-threads auto|N (OC_CRYPTO_THREADS of every server and baseline, so all sign and verify alike),
// --profile (the real server once under `node --cpu-prof`, or `bun --cpu-prof` with --runtime bun: self time by module group and the top functions of the
// timed run; --profile-of lean|ceiling profiles baseline (b) or (c) instead; --top N functions, --profile-out FILE keeps the .cpuprofile); --compare DIR adds (o), the server of another
// checkout of this project (before/after a change), alternating with (a); --skip bc leaves (b) and (c) out.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { availableBackends } from '../src/crypto/select.ts';
import { schema } from '../src/config-schema.ts';
import type { CryptoBackend } from '../src/protocol/backend.ts';
import { parsePrivateKey, publicKeyHex } from '../src/protocol/keys.ts';
import { drive, prepareRequests, type DriveResult } from './driver.ts';
import { formatSummary, summarize, type CpuProfile } from './profile.ts';

const ROOT = resolve(import.meta.dirname, '..');
const USAGE = `usage: npm run bench -- [options]
  --runtime node|bun       the runtime of the servers and baselines (node)
  --db sqlite|postgres     the database engine (sqlite; postgres uses OC_TEST_PG_URL)
  --instances N            N processes of each of a, b and c on one database (1)
  --rounds N               alternating rounds (3)
  --requests N             requests per timed run (12000 native, 2500 noble)
  --connections N          keep-alive connections of the driver (32)
  --crypto native|noble    only this secp256k1 backend (both that load)
  --crypto-threads auto|N  OC_CRYPTO_THREADS of every server and baseline (auto)
  --compare DIR            adds (o), the server of another checkout, alternating with (a)
  --skip bc                leaves (b) and (c) out
  --profile                the real server once under --cpu-prof: self time by module group
  --profile-of WHAT        what --profile runs: server (a), lean (b) or ceiling (c) (server)
  --top N                  functions listed by --profile (25)
  --profile-out FILE       keeps the .cpuprofile
  --help                   this text`;
/** A bad option: its message and the usage on stderr, exit code 2 (no stack trace). */
function usageError(message: string): never {
  console.error(`npm run bench: ${message}\n${USAGE}`);
  process.exit(2);
}
let parsed: { values: Record<string, string | undefined> & { profile?: boolean; help?: boolean } };
try {
  parsed = parseArgs({
    args: process.argv.slice(2),
    options: {
      ...Object.fromEntries(['connections', 'crypto', 'crypto-threads', 'runtime', 'db', 'instances', 'rounds', 'requests', 'top', 'profile-out', 'profile-of', 'compare', 'skip'].map((k) => [k, { type: 'string' as const }])),
      profile: { type: 'boolean' as const },
      help: { type: 'boolean' as const },
    },
    strict: true,
  }) as unknown as typeof parsed;
} catch (err) {
  usageError((err as Error).message);
}
const flags = parsed.values;
if (flags.help) {
  console.log(USAGE);
  process.exit(0);
}
const positive = (name: string, fallback: number) => {
  const v = flags[name];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) usageError(`--${name} must be a positive integer, not '${v}'`);
  return n;
};
const connections = positive('connections', 32);
const only = flags.crypto;
if (only !== undefined && only !== 'native' && only !== 'noble') usageError(`--crypto must be native or noble, not '${only}'`);
// Unset unless asked for, so that --compare can run a checkout older than the setting (it refuses unknown OC_* names).
const cryptoThreads = flags['crypto-threads'];
if (cryptoThreads !== undefined && !schema.shape.OC_CRYPTO_THREADS.safeParse(cryptoThreads).success) usageError(`--crypto-threads must be auto or a number from 0 to 16, not '${cryptoThreads}'`);
const runtime = flags.runtime ?? 'node';
const db = flags.db ?? 'sqlite';
const instances = positive('instances', 1);
const rounds = positive('rounds', 3);
const requestsFlag = flags.requests === undefined ? undefined : positive('requests', 0);
const top = positive('top', 25);
if (!['sqlite', 'postgres'].includes(db)) usageError(`--db must be sqlite or postgres, not '${db}'`);
if (runtime !== 'node' && runtime !== 'bun') usageError(`--runtime must be node or bun, not '${runtime}'`);
const PROFILE_OF = ['server', 'lean', 'ceiling'] as const;
const profileOf = (flags['profile-of'] ?? 'server') as (typeof PROFILE_OF)[number];
if (!PROFILE_OF.includes(profileOf)) usageError(`--profile-of must be server, lean or ceiling, not '${profileOf}'`);
if (flags['profile-of'] !== undefined && !flags.profile) usageError('--profile-of needs --profile');
if (flags.skip !== undefined && flags.skip !== 'bc') usageError(`--skip takes only 'bc' (leave out the baselines), not '${flags.skip}'`);
const BUN = join(ROOT, 'node_modules/.bin/bun');
const MERCHANT_PRIV = '11'.repeat(32);
const CALLER_PRIV = '22'.repeat(32);
const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

interface Figures extends DriveResult {
  /** The server processes' CPU time per completed request (µs), from /proc; NaN where /proc is missing. */
  serverCpuMicros: number;
  /** The timed run on the monotonic clock Node's profiles use (µs). */
  window: [number, number];
  /** The same on the wall clock (µs since 1970), the clock of Bun's profiles. */
  wallWindow: [number, number];
}

function startChild(command: string, args: string[], env: Record<string, string>, ready: RegExp, cwd = ROOT): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((res, rej) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
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
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await done;
}

/** User + system CPU of a process so far, in µs (Linux /proc). */
function cpuOf(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(rest[11]) + Number(rest[12])) * 1e6) / CLK_TCK;
  } catch {
    return NaN;
  }
}

/** Warms up, then drives every port at once (connections split between them): rps adds up, latency is the worst port's. */
async function load(procs: ChildProcess[], ports: number[], backend: CryptoBackend, amount: number): Promise<Figures> {
  const per = Math.max(1, Math.floor(connections / ports.length));
  const callerKey = (parsePrivateKey(CALLER_PRIV) as { ok: true; key: Uint8Array }).key;
  const batch = (n: number) => ports.map(() => prepareRequests({ backend, callerKey, callerOcid: 200, count: Math.ceil(n / ports.length) }));
  const warm = batch(Math.max(200, Math.floor(amount / 10)));
  await Promise.all(warm.map((reqs, k) => drive(ports[k]!, reqs, per)));
  const timed = batch(amount);
  const cpu0 = procs.map((p) => cpuOf(p.pid));
  const from = Number(process.hrtime.bigint() / 1000n);
  const wallFrom = Date.now() * 1000;
  const runs = await Promise.all(timed.map((reqs, k) => drive(ports[k]!, reqs, per)));
  const to = Number(process.hrtime.bigint() / 1000n);
  const wallTo = Date.now() * 1000;
  const serverCpu = procs.reduce((t, p, k) => t + cpuOf(p.pid) - cpu0[k]!, 0);
  const completed = runs.reduce((t, r) => t + r.completed, 0);
  const seconds = Math.max(...runs.map((r) => r.seconds));
  const statuses: Record<number, number> = {};
  for (const r of runs) for (const [s, n] of Object.entries(r.statuses)) statuses[Number(s)] = (statuses[Number(s)] ?? 0) + n;
  return {
    completed,
    seconds,
    rps: completed / seconds,
    p50: Math.max(...runs.map((r) => r.p50)),
    p99: Math.max(...runs.map((r) => r.p99)),
    statuses,
    errors: runs.reduce((t, r) => t + r.errors, 0),
    // All ports were driven from this one process: its CPU over the run is in every entry; take it once.
    driverCpuMicros: (runs[0]!.driverCpuMicros * runs[0]!.completed) / Math.max(1, completed),
    samples: Object.assign({}, ...runs.map((r) => r.samples)),
    serverCpuMicros: serverCpu / Math.max(1, completed),
    window: [from, to],
    wallWindow: [wallFrom, wallTo],
  };
}

/** A fresh PostgreSQL schema, dropped afterwards. */
function pgSchema(): { base: string; schema: string; url: string; drop: () => Promise<void> } {
  const base = process.env.OC_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `oc_bench_${process.pid}_${randomBytes(4).toString('hex')}`;
  return {
    base,
    schema,
    url: `${base}${base.includes('?') ? '&' : '?'}schema=${schema}`,
    drop: async () => {
      const sql = postgres(base, { max: 1, onnotice: () => {} });
      await sql.unsafe(`drop schema if exists "${schema}" cascade`);
      await sql.end();
    },
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const us = (x: number) => (Number.isFinite(x) ? `${x.toFixed(0).padStart(4)} µs` : '   ? µs');
const fmt = (f: Figures) => {
  const other = Object.entries(f.statuses).filter(([s]) => s !== '200');
  const odd = other.length ? `  NON-200 ${other.map(([s, n]) => `${s}×${n}`).join(' ')} (${Object.entries(f.samples).filter(([s]) => s !== '200').map(([, b]) => b.slice(0, 120)).join(' | ')})` : '';
  return `${f.rps.toFixed(0).padStart(6)} req/s  p50 ${f.p50.toFixed(1).padStart(5)} ms  p99 ${f.p99.toFixed(1).padStart(5)} ms  server CPU ${us(f.serverCpuMicros)}/req  driver CPU ${us(f.driverCpuMicros)}/req${f.errors ? `  errors ${f.errors}` : ''}${odd}`;
};

function setup(backend: CryptoBackend) {
  const dir = mkdtempSync(join(tmpdir(), 'oc-bench-'));
  const peers = join(dir, 'peers.json');
  const callerPub = publicKeyHex(backend.publicKey((parsePrivateKey(CALLER_PRIV) as { ok: true; key: Uint8Array }).key));
  writeFileSync(peers, JSON.stringify([{ ocid: 200, publicKey: callerPub }]));
  // One caller from one address at full speed: the rate limits are off, or the bench would measure 429s.
  const env: Record<string, string> = { OC_CRYPTO: backend.name, OC_PRIVATE_KEY: MERCHANT_PRIV, OC_OCID: '500', OC_ENV: 'production', OC_PUBLIC_URL: 'https://pay.bench.example', OC_PORT: '0', OC_LOG_LEVEL: 'error', OC_PEERS_FILE: peers, OC_ACCEPTS: '100', OC_RATE_LIMIT: '0', OC_RATE_LIMIT_IP: '0', ...(cryptoThreads === undefined ? {} : { OC_CRYPTO_THREADS: cryptoThreads }) };
  type Pg = { url: string; base: string; schema: string };
  return {
    dir,
    /** A server (a or o) on the SQLite file `file` in the bench's folder, or on the PostgreSQL schema. */
    serverEnv: (file: string, pg?: Pg) => ({ ...env, OC_DATABASE_URL: pg?.url ?? `file:${join(dir, file)}` }),
    /** Baseline (b) on the same engine (the first of several instances migrates a PostgreSQL schema), or (c). */
    baselineEnv: (mode: 'lean' | 'ceiling', file: string, pg?: Pg, migrate = true): Record<string, string> =>
      mode === 'ceiling'
        ? { ...env, BENCH_CALLER_PUBLIC_KEY: callerPub, BENCH_MODE: 'ceiling' }
        : {
            ...env,
            BENCH_CALLER_PUBLIC_KEY: callerPub,
            BENCH_MODE: db,
            BENCH_DB: join(dir, file),
            ...(pg ? { BENCH_PG_URL: pg.base, BENCH_PG_SCHEMA: pg.schema, BENCH_PG_MIGRATE: migrate ? '1' : '0' } : {}),
          },
  };
}

const SERVER_READY = /listening on http:\/\/127\.0\.0\.1:(\d+)/;
const BASELINE_READY = /baseline listening on (\d+)/;
/** `flags` go to the runtime (node or bun) before the script: --cpu-prof, --cpu-prof-dir=… */
const serverCommand = (flags: string[] = []): [string, string[]] =>
  runtime === 'bun' ? [BUN, [...flags, '--no-env-file', 'src/runtime/bun.ts']] : [process.execPath, [...flags, 'dist/cli/main.js', 'serve']];
const baselineCommand = (flags: string[] = []): [string, string[]] =>
  runtime === 'bun' ? [BUN, [...flags, '--no-env-file', 'bench/baseline-server.ts']] : [process.execPath, [...flags, 'bin/run-ts.mjs', 'bench/baseline-server.ts']];

async function startMany(n: number, cmd: [string, string[]], env: (k: number) => Record<string, string>, ready: RegExp, cwd = ROOT) {
  const started = [];
  // One by one: the first applies the migrations.
  for (let k = 0; k < n; k++) started.push(await startChild(cmd[0], cmd[1], env(k), ready, cwd));
  return started;
}

async function benchBackend(backend: CryptoBackend) {
  const amount = requestsFlag ?? (backend.name === 'native' ? 12000 : 2500);
  const { dir, serverEnv, baselineEnv } = setup(backend);
  const engine = db === 'postgres' ? 'PostgreSQL' : 'SQLite synchronous=FULL';
  const plural = instances > 1 ? `, ${instances} instances` : '';
  console.log(`\n== crypto backend: ${backend.name}, OC_CRYPTO_THREADS=${cryptoThreads ?? 'auto'} (${runtime}, ${engine}${plural}; ${amount} requests per run, ${connections} connections, ${rounds} round${rounds > 1 ? 's' : ''})`);
  const all: Record<'a' | 'b' | 'c' | 'o', Figures[]> = { a: [], b: [], c: [], o: [] };
  const compare = flags.compare ? resolve(flags.compare) : undefined;
  for (let round = 1; round <= rounds; round++) {
    // (o) another checkout's server (before/after a change), first: it and (a) alternate.
    if (compare) {
      const pgO = db === 'postgres' ? pgSchema() : undefined;
      const o0 = await startMany(instances, serverCommand(), () => serverEnv(`other-${round}.db`, pgO), SERVER_READY, compare);
      const o = await load(o0.map((x) => x.child), o0.map((x) => x.port), backend, amount);
      for (const x of o0) await stop(x.child);
      await pgO?.drop();
      all.o.push(o);
      console.log(`round ${round}`);
      console.log(`(o) other     ${fmt(o)}`);
    }
    // (a) the real server, on a fresh database.
    const pgA = db === 'postgres' ? pgSchema() : undefined;
    const a0 = await startMany(instances, serverCommand(), () => serverEnv(`real-${round}.db`, pgA), SERVER_READY);
    const a = await load(a0.map((x) => x.child), a0.map((x) => x.port), backend, amount);
    for (const x of a0) await stop(x.child);
    await pgA?.drop();
    all.a.push(a);
    if (!compare) console.log(`round ${round}`);
    console.log(`(a) server    ${fmt(a)}`);
    if (compare) console.log(`    a/o ${(a.rps / all.o.at(-1)!.rps).toFixed(2)}  CPU a/o ${(a.serverCpuMicros / all.o.at(-1)!.serverCpuMicros).toFixed(2)}`);
    if (flags.skip === 'bc') continue;
    // (b) the lean durable pipeline, same engine.
    const pgB = db === 'postgres' ? pgSchema() : undefined;
    const b0 = await startMany(instances, baselineCommand(), (k) => baselineEnv('lean', `base-${round}.db`, pgB, k === 0), BASELINE_READY);
    const b = await load(b0.map((x) => x.child), b0.map((x) => x.port), backend, amount);
    for (const x of b0) await stop(x.child);
    await pgB?.drop();
    // (c) the no-database ceiling.
    const c0 = await startMany(instances, baselineCommand(), () => baselineEnv('ceiling', ''), BASELINE_READY);
    const c = await load(c0.map((x) => x.child), c0.map((x) => x.port), backend, amount);
    for (const x of c0) await stop(x.child);
    all.b.push(b);
    all.c.push(c);
    console.log(`(b) lean      ${fmt(b)}`);
    console.log(`(c) ceiling   ${fmt(c)}`);
    console.log(`    a/b ${(a.rps / b.rps).toFixed(2)}  a/c ${(a.rps / c.rps).toFixed(2)}`);
  }
  rmSync(dir, { recursive: true, force: true });
  const m = (k: 'a' | 'b' | 'c' | 'o', f: (x: Figures) => number) => median(all[k].map(f));
  const ratio = (x: 'b' | 'c' | 'o') => median(all.a.map((a, i) => a.rps / all[x][i]!.rps));
  const line = (k: 'a' | 'b' | 'c' | 'o', what: string) =>
    `(${k}) ${what.padEnd(44)} ${m(k, (x) => x.rps).toFixed(0).padStart(6)} req/s  p99 ${m(k, (x) => x.p99).toFixed(1).padStart(5)} ms  server CPU ${us(m(k, (x) => x.serverCpuMicros))}/req`;
  console.log(`medians over ${rounds} round${rounds > 1 ? 's' : ''} (${runtime}, ${engine}${plural}, crypto ${backend.name}):`);
  console.log(line('a', 'our server'));
  if (compare) console.log(`${line('o', 'the other checkout (--compare)')}\na/o ${ratio('o').toFixed(2)}  CPU/req a/o ${median(all.a.map((a, i) => a.serverCpuMicros / all.o[i]!.serverCpuMicros)).toFixed(2)}`);
  if (flags.skip === 'bc') return;
  console.log(line('b', db === 'postgres' ? 'lean pipeline (postgres.js, group commit)' : 'lean durable pipeline (group commit)'));
  console.log(line('c', 'ceiling: HTTP + verify + sign, no database'));
  console.log(`a/b ${ratio('b').toFixed(2)}  a/c ${ratio('c').toFixed(2)}  (per-round ratios, median)`);
  console.log(`driver CPU ${us(median(Object.values(all).flat().map((x) => x.driverCpuMicros)))}/req vs the ceiling server's ${us(m('c', (x) => x.serverCpuMicros))}/req`);
}

async function profileBackend(backend: CryptoBackend) {
  const amount = requestsFlag ?? (backend.name === 'native' ? 12000 : 2500);
  const { dir, serverEnv, baselineEnv } = setup(backend);
  const profDir = join(dir, 'prof');
  const pg = db === 'postgres' && profileOf !== 'ceiling' ? pgSchema() : undefined;
  const prof = ['--cpu-prof', `--cpu-prof-dir=${profDir}`];
  const s =
    profileOf === 'server'
      ? await startChild(...serverCommand(prof), serverEnv('prof.db', pg), SERVER_READY)
      : await startChild(...baselineCommand(prof), baselineEnv(profileOf, 'prof.db', pg), BASELINE_READY);
  const f = await load([s.child], [s.port], backend, amount);
  await stop(s.child);
  await pg?.drop();
  const file = readdirSync(profDir).find((n) => n.endsWith('.cpuprofile'));
  if (!file) throw new Error('the server wrote no .cpuprofile');
  if (flags['profile-out']) copyFileSync(join(profDir, file), resolve(flags['profile-out']));
  // Only the samples of the timed run: start-up (module compilation) and warm-up stay out.
  // Node stamps its profile on the monotonic clock, Bun on the wall clock.
  const [from, to] = runtime === 'bun' ? f.wallWindow : f.window;
  const summary = summarize(JSON.parse(readFileSync(join(profDir, file), 'utf8')) as CpuProfile, { from, to });
  console.log(`\n== profile: ${runtime} --cpu-prof, ${db === 'postgres' ? 'PostgreSQL' : 'SQLite synchronous=FULL'}, crypto ${backend.name}, the ${amount} timed requests (after warm-up)`);
  const label = { server: '(a) server', lean: '(b) lean pipeline', ceiling: '(c) ceiling' }[profileOf];
  console.log(`${label} under the profiler  ${fmt(f)}`);
  console.log(formatSummary(summary, top));
  rmSync(dir, { recursive: true, force: true });
}

for (const backend of availableBackends()) {
  if (only && backend.name !== only) continue;
  await (flags.profile ? profileBackend(backend) : benchBackend(backend));
}

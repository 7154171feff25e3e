// The bare baselines for `npm run bench`: only the essential work of /orders/create, no framework extras.
// BENCH_MODE=ceiling (c): HTTP + verify the caller's signature + parse + sign the order + sign the response, no database.
// BENCH_MODE=sqlite (b): the same, plus nonce + order + outbox event inserted durably (synchronous=FULL) on the
//   project's own tables (migrations/sqlite) with the server's time-ordered ids (src/orders/ids.ts),
//   group-committed like the server: creations arriving in one event-loop turn share one transaction (a savepoint
//   per item only when one fails), answered after the commit.
// BENCH_MODE=postgres (b): the same inserts with postgres.js, group-committed with the server's scheduler, batch
//   retry and defaults (creations of one turn share a transaction, one pipelined statement each), on the
//   project's tables (migrations/pg) in the schema BENCH_PG_SCHEMA of BENCH_PG_URL.
// Signs and verifies on crypto threads like the server (src/crypto/pool.ts, OC_CRYPTO_THREADS, auto by default).
// Runs under Node (@hono/node-server, better-sqlite3) and Bun (Bun.serve, bun:sqlite).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Hono } from 'hono';
import type postgres from 'postgres';
import { selectBackend } from '../src/crypto/select.ts';
import { newId } from '../src/orders/ids.ts';
import { pooledRandomBytes } from '../src/runtime/random.ts';
import { createGroupCommit } from '../src/store/group-commit.ts';
import { useRuntimeSha256 } from '../src/crypto/sha256.ts';
import { canonicalOrder, canonicalRequest, canonicalResponse } from '../src/protocol/canonical.ts';
import { parsePrivateKey, parsePublicKey } from '../src/protocol/keys.ts';
import { signCanonicalAsync, verifyCanonicalAsync } from '../src/protocol/signature.ts';
import { createCryptoPool, cryptoThreadsFor } from '../src/crypto/pool.ts';

const ROOT = resolve(import.meta.dirname, '..');
const mode = process.env.BENCH_MODE ?? 'sqlite';
useRuntimeSha256(); // as the server does (src/deps.ts)
const { backend } = selectBackend((process.env.OC_CRYPTO as 'noble' | 'native') ?? 'auto');
const merchantKey = (parsePrivateKey(process.env.OC_PRIVATE_KEY!) as { ok: true; key: Uint8Array }).key;
const callerKey = (parsePublicKey(process.env.BENCH_CALLER_PUBLIC_KEY!) as { ok: true; key: Uint8Array }).key;
// Signing and verifying on the server's crypto threads, as many as the server would run (OC_CRYPTO_THREADS).
const threadsSetting = process.env.OC_CRYPTO_THREADS ?? 'auto';
const cryptoPool = createCryptoPool({ backend, threads: cryptoThreadsFor(threadsSetting === 'auto' ? 'auto' : Number(threadsSetting), backend.name) });
// The server's random source for ids (one system call per 4 KiB, not one per id: 17 µs a call in a profile here).
const randomBytes = pooledRandomBytes();
const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== 'undefined';

const migrations = (dialect: 'sqlite' | 'pg') => {
  const dir = join(ROOT, 'migrations', dialect);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('--> statement-breakpoint'))
    .map((s) => s.trim())
    .filter(Boolean);
};

interface Row {
  id: string;
  callerOcid: number;
  requestHash: string;
  amount: string;
  currency: string;
  createdAt: number;
  expiresAt: number;
  orderJson: string;
  signature: string;
  responseBody: string;
  nonce: string;
  nonceExpires: number;
  eventId: string;
  eventData: string;
}

/** Stores a row durably; false if the nonce was used. */
type Persist = (r: Row) => Promise<boolean>;

interface Stmt {
  run(...args: unknown[]): { changes: number };
  get(...args: unknown[]): unknown;
}
interface SyncDb {
  exec(sql: string): void;
  prepare(sql: string): Stmt;
}

async function sqlitePersist(): Promise<Persist> {
  const file = process.env.BENCH_DB!;
  let db: SyncDb;
  if (isBun) {
    const { Database } = (await import('bun:sqlite' as string)) as { Database: new (f: string) => SyncDb };
    db = new Database(file);
  } else {
    const { default: Database } = await import('better-sqlite3');
    db = new Database(file) as unknown as SyncDb;
  }
  for (const p of ['journal_mode = WAL', 'synchronous = FULL', 'busy_timeout = 5000', 'foreign_keys = ON']) db.exec(`pragma ${p}`);
  for (const s of migrations('sqlite')) db.exec(s);
  const insertNonce = db.prepare('insert or ignore into nonces (ocid, nonce, expires_at) values (?, ?, ?)');
  const getOrder = db.prepare('select * from orders where id = ?');
  const insertOrder = db.prepare(
    `insert into orders (id, caller_ocid, request_hash, status, amount, currency, reference, created_at, expires_at, order_json, signature, response_body)
     values (?, ?, ?, 'pending', ?, ?, null, ?, ?, ?, ?, ?) returning *`,
  );
  const insertEvent = db.prepare("insert into events (id, order_id, type, created_at, data) values (?, ?, 'order.created', ?, ?)");
  const one = (r: Row) => {
    if (insertNonce.run(r.callerOcid, r.nonce, r.nonceExpires).changes !== 1) return false;
    if (getOrder.get(r.id)) return false;
    insertOrder.get(r.id, r.callerOcid, r.requestHash, r.amount, r.currency, r.createdAt, r.expiresAt, r.orderJson, r.signature, r.responseBody);
    insertEvent.run(r.eventId, r.id, r.createdAt, r.eventData);
    return true;
  };
  type Job = { r: Row; resolve: (v: boolean) => void; reject: (e: unknown) => void; out?: boolean; err?: unknown };
  let queue: Job[] = [];
  // Like the server's batch (src/store/sqlite-hot.ts): all items in one transaction without savepoints; only if
  // one throws, the transaction is rolled back and the batch runs again with a savepoint per item.
  const [begin, commit, rollback, savepoint, release, rollbackTo] = ['begin immediate', 'commit', 'rollback', 'savepoint s', 'release s', 'rollback to s'].map((s) => db.prepare(s));
  const flush = () => {
    const jobs = queue;
    queue = [];
    try {
      begin!.run();
      try {
        for (const j of jobs) j.out = one(j.r);
      } catch {
        rollback!.run();
        begin!.run();
        for (const j of jobs) {
          savepoint!.run();
          try {
            j.out = one(j.r);
            release!.run();
          } catch (err) {
            rollbackTo!.run();
            release!.run();
            j.err = err ?? new Error('failed');
          }
        }
      }
      commit!.run();
    } catch (err) {
      try {
        rollback!.run();
      } catch {}
      for (const j of jobs) j.reject(err);
      return;
    }
    for (const j of jobs) (j.err ? j.reject(j.err) : j.resolve(j.out!));
  };
  return (r) =>
    new Promise<boolean>((resolve, reject) => {
      if (queue.push({ r, resolve, reject }) === 1) setImmediate(flush);
    });
}

async function postgresPersist(): Promise<Persist> {
  const { default: postgres } = await import('postgres');
  const schema = process.env.BENCH_PG_SCHEMA!;
  const admin = postgres(process.env.BENCH_PG_URL!, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create schema if not exists "${schema}"`);
  await admin.end();
  // The server's defaults: its pool size (OC_DATABASE_POOL_SIZE), a quarter of it committing batches, MAX_BATCH at most.
  const { DEFAULT_POOL_SIZE, groupCommitsInFlight } = await import('../src/store/pg-connect.ts');
  const { MAX_BATCH, batchOrAlone } = await import('../src/store/pg-create.ts');
  const sql = postgres(process.env.BENCH_PG_URL!, { max: DEFAULT_POOL_SIZE, onnotice: () => {}, connection: { search_path: schema } });
  if (process.env.BENCH_PG_MIGRATE !== '0') for (const s of migrations('pg')) await sql.unsafe(s);
  // One statement per creation (nonce, order and event as data-modifying CTEs), pipelined in the batch's transaction.
  const one = (tx: postgres.TransactionSql, r: Row) => tx<{ ok: boolean }[]>`
    with n as (
      insert into nonces (ocid, nonce, expires_at) values (${r.callerOcid}, ${r.nonce}, ${r.nonceExpires}) on conflict do nothing returning 1
    ), ins as (
      insert into orders (id, caller_ocid, request_hash, status, amount, currency, reference, created_at, expires_at, order_json, signature, response_body)
      select ${r.id}, ${r.callerOcid}, ${r.requestHash}, 'pending', ${r.amount}, ${r.currency}, null, ${r.createdAt}, ${r.expiresAt}, ${r.orderJson}, ${r.signature}, ${r.responseBody}
      where exists (select 1 from n)
      on conflict (id) do nothing returning id
    ), ev as (
      insert into events (id, order_id, type, created_at, data) select ${r.eventId}, id, 'order.created', ${r.createdAt}, ${r.eventData} from ins
    )
    select exists (select 1 from ins) as ok`;
  const together = async (rows: readonly Row[]): Promise<boolean[]> => {
    const res = await sql.begin((tx) => Promise.all(rows.map((r) => one(tx, r))));
    return res.map((x) => x[0]!.ok);
  };
  // The server's scheduler and batch retry (a batch the database refuses is retried creation by creation).
  return createGroupCommit<Row, boolean>({ commit: batchOrAlone(together), inFlight: groupCommitsInFlight(DEFAULT_POOL_SIZE), maxBatch: MAX_BATCH });
}

const persist: Persist | undefined = mode === 'ceiling' ? undefined : mode === 'postgres' ? await postgresPersist() : await sqlitePersist();
const PATH = '/opencharge/orders/create';
// Every answer is signed, as the protocol requires of the server (PROFILE §2): part of the essential work.
const json = async (body: string, status = 200) => {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = await signCanonicalAsync(cryptoPool, merchantKey, canonicalResponse({ ocid: '500', timestamp, status, body }));
  return new Response(body, { status, headers: { 'content-type': 'application/json', 'x-oc-id': '500', 'x-oc-timestamp': timestamp, 'x-oc-signature': signature } });
};

const app = new Hono();
app.post(PATH, async (c) => {
  const raw = new Uint8Array(await c.req.arrayBuffer());
  const ocid = c.req.header('x-oc-id')!;
  const timestamp = c.req.header('x-oc-timestamp')!;
  const nonce = c.req.header('x-oc-nonce')!;
  const canonical = canonicalRequest({ ocid, timestamp, nonce, method: 'POST', path: PATH, body: raw });
  if (!(await verifyCanonicalAsync(cryptoPool, callerKey, canonical, c.req.header('x-oc-signature'))).valid) return json('{"error":{"code":"INVALID_SIGNATURE"}}', 401);
  const req = JSON.parse(new TextDecoder().decode(raw)) as { amount: string; currency: string };
  const now = Math.floor(Date.now() / 1000);
  const order = { id: newId('ord', now * 1000, randomBytes), ocid: 500, amount: req.amount, currency: req.currency, createdAt: now, expiresAt: now + 3600, accepts: [100] };
  const signature = await signCanonicalAsync(cryptoPool, merchantKey, canonicalOrder(order));
  const orderJson = JSON.stringify(order);
  const urls = { order: [`https://pay.bench.example/opencharge/orders/${order.id}`] };
  const body = `{"order":${orderJson},"signature":"${signature}","urls":${JSON.stringify(urls)}}`;
  if (persist) {
    const stored = await persist({
      id: order.id,
      callerOcid: Number(ocid),
      requestHash: createHash('sha256').update(raw).digest('hex'),
      amount: order.amount,
      currency: order.currency,
      createdAt: now,
      expiresAt: order.expiresAt,
      orderJson,
      signature,
      responseBody: body,
      nonce,
      nonceExpires: Number(timestamp) + 600,
      eventId: newId('evt', now * 1000, randomBytes),
      eventData: JSON.stringify({ orderId: order.id, status: 'pending', order, signature, urls }),
    });
    if (!stored) return json('{"error":{"code":"NONCE_REUSED"}}', 401);
  }
  return json(body);
});

if (isBun) {
  const bun = (globalThis as unknown as { Bun: { serve(o: object): { port: number; stop(): void } } }).Bun;
  const server = bun.serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  console.log(`baseline listening on ${server.port}`);
  process.on('SIGTERM', () => {
    server.stop();
    process.exit(0);
  });
} else {
  const { serve } = await import('@hono/node-server');
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => console.log(`baseline listening on ${info.port}`));
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

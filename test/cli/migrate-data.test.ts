// `migrate-data`: a SQLite store filled through the Store API is copied into a fresh PostgreSQL schema, table for table.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { asc, eq, getTableColumns, type Column } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index.ts';
import { openStore } from '../../src/store/open.ts';
import { connectPg, type PgConnection } from '../../src/store/pg-connect.ts';
import * as lite from '../../src/store/schema/sqlite.ts';
import * as pgSchema from '../../src/store/schema/pg.ts';
import { checksum, pgSide, sqliteSide, TABLES } from '../../src/store/table-copy.ts';
import type { Store } from '../../src/store/types.ts';
import { newOrder, outbox } from '../contract/store.contract.ts';
import { dropSchema, freshSchema, pgAvailable } from '../helpers/pg-schema.ts';

const T = 1_800_000_000;
const available = await pgAvailable('test/cli/migrate-data.test.ts');
const dir = mkdtempSync(join(tmpdir(), 'oc-migrate-data-'));
const from = `file:${join(dir, 'source.db')}`;
const target = freshSchema('oc_mig');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function capture() {
  const lines: string[] = [];
  const io = { out: (t: string) => lines.push(t), err: (t: string) => lines.push(`ERR ${t}`), env: {}, cwd: dir };
  return { io, text: () => lines.join('\n') };
}

/** Everything a running merchant writes, through the Store API: mixed-case ids, non-ASCII text, every column kind. */
async function fill(store: Store): Promise<{ paidId: string }> {
  const ids = ['ord_B', 'ord_a', 'ord__z', 'ord_é', 'ord_0'];
  for (const id of ids) await store.createOrder(newOrder({ id, reference: `Café ☕ ${id}` }), outbox(id), { ocid: 200, nonce: `n_${id}`, expiresAt: T + 600 });
  await store.createOrder(newOrder({ id: 'ord_quiet' }), outbox('ord_quiet', 'order.created', false));
  await store.insertNonce({ ocid: 9_007_199_254_740_991, nonce: 'max-ocid', expiresAt: T });
  const paidId = 'ord_B';
  const proof = (orderId: string | null, txid: string) => ({ issuer: 100, txid, senderOcid: 100, orderId, proofJson: '{"a":"ü"}', signature: 'cd'.repeat(65), proofHash: txid, form: 'B' as const, receivedAt: T + 1 });
  await store.recordProof(proof(paidId, 'tx_pay'), () => ({
    verdict: 'accepted',
    change: { from: 'pending', to: 'paid', paidAt: T + 5, txid: 'tx_pay' },
    outbox: [outbox(paidId, 'order.paid')],
  }));
  await store.recordProof(proof(null, 'tx_stray'), () => ({ verdict: 'unmatched', outbox: [] }));
  await store.changeOrder('ord_a', { from: 'pending', to: 'paid', paidAt: T + 9, paidLate: true, paymentMismatch: true }, [outbox('ord_a', 'order.paid_late')]);
  await store.changeOrder('ord__z', { from: 'pending', to: 'expired' }, []);
  for (const [i, id] of ['ord_B', 'ord_a'].entries())
    await store.insertCharge({ id: `chg_${i}`, orderId: id, gateway: 'coingate', reference: `ref_${i}`, paymentUrl: 'https://pay.example/x', status: i ? 'paid' : 'pending', gatewayStatus: 'new', tokenHash: 'ef'.repeat(32), idempotencyKey: `key_${i}`, createdAt: T, updatedAt: T + i });
  // Deliveries in every state: leased, failed after attempts, still pending.
  const claimed = await store.claimDeliveries(T, T + 60, 3);
  await store.finishAttempt(claimed[0]!.id, T + 60, { status: 'failed', attempts: 9, nextAttemptAt: T, lastAttemptAt: T + 2, lastStatus: 500, lastError: 'HTTP 500 — boom' });
  await store.finishAttempt(claimed[1]!.id, T + 60, { status: 'succeeded', attempts: 1, nextAttemptAt: T, lastAttemptAt: T + 2, lastStatus: 204, lastError: null });
  return { paidId };
}

describe.skipIf(!available)('migrate-data (SQLite → PostgreSQL)', () => {
  let sqliteStore: Store;
  let pg: PgConnection;
  let sqlite: Database.Database;
  let firstRun: { code: number; text: string };

  beforeAll(async () => {
    sqliteStore = await openStore(from);
    await fill(sqliteStore);
    await sqliteStore.close();
    const c = capture();
    firstRun = { code: await main(['migrate-data', '--from', from, '--to', target.url, '--batch', '2'], c.io), text: c.text() };
    pg = await connectPg(target.url, { migrate: false });
    sqlite = new Database(join(dir, 'source.db'), { readonly: true });
  });
  afterAll(async () => {
    sqlite?.close();
    await pg?.close();
    await dropSchema(target.schema);
  });

  it('copies every table, printing progress and a verification line per table', () => {
    expect(firstRun.code, firstRun.text).toBe(0);
    for (const t of TABLES) {
      expect(firstRun.text).toMatch(new RegExp(`^  ${t.name}\\s+\\d+/\\d+$`, 'm'));
      expect(firstRun.text).toMatch(new RegExp(`^  ${t.name}\\s+ok `, 'm'));
    }
    expect(firstRun.text).toMatch(/^  orders\s+2\/6$/m); // batches of 2
    expect(firstRun.text).toMatch(/every table matches/);
  });

  it('leaves every table equal, row for row and value for value', async () => {
    const sdb = drizzle(sqlite, { schema: lite });
    for (const t of TABLES) {
      const key = (table: typeof t.sqlite | typeof t.pg) => t.key.map((k) => asc((getTableColumns(table) as Record<string, Column>)[k]!));
      const a = sdb.select().from(t.sqlite).orderBy(...key(t.sqlite)).all() as Record<string, unknown>[];
      const b = (await pg.db.select().from(t.pg).orderBy(...key(t.pg))) as Record<string, unknown>[];
      const byKey = (rows: Record<string, unknown>[]) => new Map(rows.map((r) => [JSON.stringify(t.key.map((k) => r[k])), r]));
      expect(a.length, t.name).toBeGreaterThan(0);
      expect(byKey(b), t.name).toEqual(byKey(a));
    }
  });

  it('has a checksum that notices a changed value', async () => {
    const orders = TABLES.find((t) => t.name === 'orders')!;
    const sdb = drizzle(sqlite, { schema: lite });
    const same = await checksum(pgSide(pg.db), orders);
    expect(same).toEqual(await checksum(sqliteSide(sdb), orders));
    await pg.db.update(pgSchema.orders).set({ amount: '15.01' }).where(eq(pgSchema.orders.id, 'ord_0'));
    const changed = await checksum(pgSide(pg.db), orders);
    expect(changed.rows).toBe(same.rows);
    expect(changed.sha256).not.toBe(same.sha256);
    await pg.db.update(pgSchema.orders).set({ amount: '15.00' }).where(eq(pgSchema.orders.id, 'ord_0'));
    expect(await checksum(pgSide(pg.db), orders)).toEqual(same);
  });
  it('serves the copied data through the PostgreSQL store, and new rows continue the sequences', async () => {
    const store = await openStore(target.url, { migrate: false });
    try {
      expect(await store.getOrder('ord_a')).toMatchObject({ status: 'paid', paidLate: true, paymentMismatch: true, reference: 'Café ☕ ord_a' });
      expect((await store.listEvents('ord_B')).map((e) => e.type)).toEqual(['order.created', 'order.paid']);
      expect(await store.insertNonce({ ocid: 200, nonce: 'n_ord_B', expiresAt: T + 600 })).toBe(false); // replay protection survives
      expect((await store.listDeliveries({ status: 'failed', limit: 10 }))[0]).toMatchObject({ attempts: 9, lastError: 'HTTP 500 — boom' });
      const before = await store.listOrders({ limit: 1 });
      const o = newOrder();
      const created = await store.createOrder(o, outbox(o.id));
      expect(created.kind === 'created' && created.order.seq).toBe(before[0]!.seq + 1);
      const stored = await store.recordProof(
        { issuer: 100, txid: 'tx_after', senderOcid: 100, orderId: null, proofJson: '{}', signature: 'cd'.repeat(65), proofHash: 'x', form: 'A', receivedAt: T },
        () => ({ verdict: 'unmatched', outbox: [] }),
      );
      expect(stored.kind === 'stored' && stored.proof.id).toBe(3);
    } finally {
      await store.close();
    }
  });

  it('refuses a target that already has rows, writing nothing', async () => {
    const counts = async () => Promise.all(TABLES.map((t) => pgSide(pg.db).count(t)));
    const before = await counts();
    const c = capture();
    expect(await main(['migrate-data', '--from', from, '--to', target.url], c.io)).toBe(1);
    expect(c.text()).toMatch(/ERR migrate-data: the target is not empty \(rows in nonces, orders, events, deliveries, proofs, charges\)/);
    expect(await counts()).toEqual(before);
  });

});

describe('migrate-data arguments', () => {
  it('explains a --from that is not a SQLite database', async () => {
    const c = capture();
    expect(await main(['migrate-data', '--from', 'mysql://db/x', '--to', 'postgres://postgres@127.0.0.1/test'], c.io)).toBe(1);
    expect(c.text()).toMatch(/ERR migrate-data: --from: expected a SQLite database URL \(file:…\), got 'mysql:\/\/db\/x'/);
    const missing = capture();
    expect(await main(['migrate-data', '--from', 'file:./nope/missing.db', '--to', 'postgres://postgres@127.0.0.1/test'], missing.io)).toBe(1);
    expect(missing.text()).toMatch(/ERR migrate-data: --from: no SQLite database at .*nope\/missing\.db/);
  });

  it('explains a --to that is not PostgreSQL, and missing flags', async () => {
    const c = capture();
    expect(await main(['migrate-data', '--from', from, '--to', 'file:./other.db'], c.io)).toBe(1);
    expect(c.text()).toMatch(/--to: expected a postgres:\/\/ URL/);
    const none = capture();
    expect(await main(['migrate-data', '--from', from], none.io)).toBe(2);
    expect(none.text()).toMatch(/--from and --to are required/);
  });

  it('never prints the target password when it cannot connect', async () => {
    const empty = join(dir, 'empty.db');
    await (await openStore(`file:${empty}`)).close();
    const c = capture();
    expect(await main(['migrate-data', '--from', `file:${empty}`, '--to', 'postgres://merchant:hunter2@127.0.0.1:1/test'], c.io)).toBe(1);
    expect(c.text()).toMatch(/PostgreSQL at postgres:\/\/merchant:\*\*\*@127\.0\.0\.1:1\/test/);
    expect(c.text()).not.toMatch(/hunter2/);
  });
});

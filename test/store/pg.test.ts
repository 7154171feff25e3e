// The store contract on PostgreSQL (postgres.js), each run in its own schema, plus what only PostgreSQL has to prove.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { newOrder, outbox, storeContract } from '../contract/store.contract.ts';
import { openStore } from '../../src/store/open.ts';
import { PG_MIGRATIONS_DIR } from '../../src/store/pg-connect.ts';
import type { Store } from '../../src/store/types.ts';
import { dropSchema, freshSchema, pgAvailable, withSchemaSql } from '../helpers/pg-schema.ts';

const T = 1_800_000_000;
const available = await pgAvailable('test/store/pg.test.ts');
const schemas: string[] = [];
const fresh = () => {
  const f = freshSchema();
  schemas.push(f.schema);
  return f;
};
afterAll(async () => {
  if (available) for (const s of schemas) await dropSchema(s);
});

describe.skipIf(!available)('postgres', () => {
  storeContract('postgres (postgres.js)', () => openStore(fresh().url));

  it('keeps everything in the ?schema= schema: tables, migrations table, nothing in public', async () => {
    const { schema, url } = fresh();
    const store = await openStore(url);
    try {
      expect(await store.ping()).toBe(true);
      const tables = await withSchemaSql(schema, (sql) => sql`select table_schema, table_name from information_schema.tables where table_schema = ${schema} order by 2`);
      expect(tables.map((r) => r.table_name)).toEqual(['__drizzle_migrations', 'charges', 'deliveries', 'events', 'nonces', 'orders', 'proofs']);
      const fk = await withSchemaSql(schema, (sql) => sql`select confrelid::regclass::text as target from pg_constraint where contype = 'f' and connamespace = ${schema}::regnamespace`);
      expect(fk.map((r) => r.target)).toEqual(['events']); // resolved inside the schema, not public.events
    } finally {
      await store.close();
    }
  });

  it('applies migrations once when several instances start at the same moment', async () => {
    const { schema, url } = fresh();
    const stores = await Promise.all(Array.from({ length: 4 }, () => openStore(url)));
    try {
      for (const s of stores) expect(await s.ping()).toBe(true);
      const applied = await withSchemaSql(schema, (sql) => sql`select count(*)::int as n from __drizzle_migrations`);
      expect(applied[0]!.n).toBe(readdirSync(PG_MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).length);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('does not create or migrate anything with migrate: false', async () => {
    const { schema, url } = fresh();
    const store = await openStore(url, { migrate: false });
    try {
      expect(await store.ping()).toBe(false);
      const found = await withSchemaSql(schema, (sql) => sql`select 1 from pg_namespace where nspname = ${schema}`);
      expect(found).toHaveLength(0);
    } finally {
      await store.close();
    }
  });

  describe('two processes on one schema (two separate pools)', () => {
    let a: Store;
    let b: Store;
    let shared = '';
    const both = () => [a, b] as const;
    const schema = () => shared;
    afterAll(async () => {
      await a?.close();
      await b?.close();
    });

    it('opens twice', async () => {
      const f = fresh();
      shared = f.schema;
      [a, b] = await Promise.all([openStore(f.url), openStore(f.url)]);
    });

    it('one nonce, one winner', async () => {
      const claim = { ocid: 200, nonce: `n_${Date.now()}`, expiresAt: T + 600 };
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) => both()[i % 2]!.insertNonce(claim)));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('one order id created from both: one order, one event, the others see it', async () => {
      const o = newOrder();
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => both()[i % 2]!.createOrder(o, outbox(o.id))));
      expect(results.filter((r) => r.kind === 'created')).toHaveLength(1);
      expect(results.filter((r) => r.kind === 'exists')).toHaveLength(19);
      expect(await a.listEvents(o.id)).toHaveLength(1);
    });

    it('one (issuer, txid) recorded from both: one stored, the rest duplicate, a different proof conflicts', async () => {
      const txid = `tx_${Date.now()}`;
      const p = { issuer: 100, txid, senderOcid: 100, orderId: null, proofJson: '{}', signature: 'cd'.repeat(65), proofHash: 'same', form: 'A' as const, receivedAt: T };
      const decide = () => ({ verdict: 'unmatched' as const, outbox: [] });
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => both()[i % 2]!.recordProof(p, decide)));
      expect(results.filter((r) => r.kind === 'stored')).toHaveLength(1);
      expect(results.filter((r) => r.kind === 'duplicate')).toHaveLength(19);
      const other = await Promise.all([a.recordProof({ ...p, proofHash: 'other' }, decide), b.recordProof({ ...p, proofHash: 'other' }, decide)]);
      expect(other.map((r) => r.kind)).toEqual(['conflict', 'conflict']);
    });

    it('one proof for a pending order delivered to both: one payment, one order.paid', async () => {
      const o = newOrder();
      await a.createOrder(o, outbox(o.id));
      const p = { issuer: 100, txid: `tx_${Date.now()}_pay`, senderOcid: 100, orderId: o.id, proofJson: '{}', signature: 'cd'.repeat(65), proofHash: 'h', form: 'A' as const, receivedAt: T };
      let decided = 0;
      const decide = (cur: { status: string } | undefined) => {
        decided++;
        return cur?.status === 'pending'
          ? { verdict: 'accepted' as const, change: { from: 'pending' as const, to: 'paid' as const, paidAt: T, txid: p.txid }, outbox: [outbox(o.id, 'order.paid')] }
          : { verdict: 'duplicate_order' as const, outbox: [] };
      };
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => both()[i % 2]!.recordProof(p, decide)));
      expect(results.filter((r) => r.kind === 'stored')).toHaveLength(1);
      expect(results.filter((r) => r.kind === 'duplicate')).toHaveLength(9);
      expect(decided).toBeGreaterThanOrEqual(1);
      expect(await a.listProofs(o.id)).toHaveLength(1);
      expect((await b.listEvents(o.id)).map((e) => e.type)).toEqual(['order.created', 'order.paid']);
      expect((await b.getOrder(o.id))?.status).toBe('paid');
    });

    it('serialises different proofs for one order that all arrive while its row is busy: one pays', async () => {
      const o = newOrder();
      await a.createOrder(o, outbox(o.id));
      const pay = (cur: { status: string } | undefined) =>
        cur?.status === 'pending'
          ? { verdict: 'accepted' as const, change: { from: 'pending' as const, to: 'paid' as const, paidAt: T, txid: 'w' }, outbox: [outbox(o.id, 'order.paid')] }
          : { verdict: 'duplicate_order' as const, outbox: [] };
      const proof = (i: number) => ({ issuer: 100, txid: `tx_${Date.now()}_busy_${i}`, senderOcid: 100, orderId: o.id, proofJson: '{}', signature: 'cd'.repeat(65), proofHash: `h${i}`, form: 'A' as const, receivedAt: T });
      // Hold the order row from a third connection until all four are waiting for it, so they really overlap.
      const racing = await withSchemaSql(schema(), (sql) =>
        sql.begin(async (tx) => {
          const [{ pid }] = (await tx`select pg_backend_pid() as pid, id from orders where id = ${o.id} for update`) as unknown as [{ pid: number }];
          const started = [0, 1, 2, 3].map((i) => both()[i % 2]!.recordProof(proof(i), pay));
          for (let waited = 0; ; waited += 20) {
            // Waiters queue behind each other, so follow the chain of blockers back to our holder.
            const [{ n }] = (await sql`
              with recursive w(pid) as (
                select pid from pg_stat_activity where ${pid}::int = any(pg_blocking_pids(pid))
                union select a.pid from pg_stat_activity a join w on w.pid = any(pg_blocking_pids(a.pid))
              ) select count(*)::int as n from w`) as unknown as [{ n: number }];
            if (n === 4) break;
            if (waited > 10_000) throw new Error(`only ${n} of 4 proofs reached the lock`);
            await new Promise((r) => setTimeout(r, 20));
          }
          return started;
        }),
      );
      const results = await Promise.all(racing);
      const verdicts = results.map((r) => (r.kind === 'stored' ? r.decision.verdict : r.kind)).sort();
      expect(verdicts).toEqual(['accepted', 'duplicate_order', 'duplicate_order', 'duplicate_order']);
      expect((await a.listEvents(o.id)).filter((e) => e.type === 'order.paid')).toHaveLength(1);
    });

    it('claims every due delivery exactly once across competing workers (SKIP LOCKED)', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 60; i++) {
        const o = newOrder();
        const ob = outbox(o.id);
        ids.push(ob.delivery!.id);
        await a.createOrder(o, ob);
      }
      const now = T + 10_000; // later than any lease the earlier tests took
      const claimed: string[] = [];
      await Promise.all(
        Array.from({ length: 8 }, async (_, w) => {
          for (;;) {
            const got = await both()[w % 2]!.claimDeliveries(now, now + 60, 3);
            if (got.length === 0) return;
            claimed.push(...got.map((d) => d.id));
          }
        }),
      );
      const mine = claimed.filter((id) => ids.includes(id));
      expect(new Set(claimed).size).toBe(claimed.length);
      expect(mine.sort()).toEqual([...ids].sort());
    });

    it('keeps one charge per (order, gateway) when both insert at once', async () => {
      const o = newOrder();
      await a.createOrder(o, outbox(o.id, 'order.created', false));
      const charge = (i: number) => ({ id: `chg_${Date.now()}_${i}`, orderId: o.id, gateway: 'coingate', reference: `r${i}`, paymentUrl: 'https://pay.example/x', status: 'pending', gatewayStatus: 'new', tokenHash: 'ef'.repeat(32), idempotencyKey: `k${i}`, createdAt: T, updatedAt: T });
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => both()[i % 2]!.insertCharge(charge(i))));
      const created = results.filter((r) => r.kind === 'created');
      expect(created).toHaveLength(1);
      expect(new Set(results.map((r) => r.charge.id))).toEqual(new Set([created[0]!.charge.id]));
    });
  });

  describe('URLs and errors', () => {
    it('never shows the password when the server cannot be reached', async () => {
      const err = await openStore('postgres://merchant:s3cr%3Ft-pw@127.0.0.1:1/test').catch((e: Error) => e);
      expect(err).toBeInstanceOf(Error);
      const message = (err as Error).message;
      expect(message).toMatch(/^OC_DATABASE_URL: PostgreSQL at postgres:\/\/merchant:\*\*\*@127\.0\.0\.1:1\/test/);
      expect(message).not.toMatch(/s3cr/);
    });

    it('answers "not found" for lookups PostgreSQL text cannot hold (NUL), as SQLite does', async () => {
      const store = await openStore(fresh().url);
      try {
        expect(await store.getOrder('ord_\u0000x')).toBeUndefined();
        expect(await store.findOrdersByReference('ref\u0000', 2)).toEqual([]);
        expect(await store.getCharge('coingate', 'r\u0000')).toBeUndefined();
        expect(await store.getChargeForOrder('o\u0000', 'coingate')).toBeUndefined();
      } finally {
        await store.close();
      }
    });

    it('rejects a schema name that is not a plain lower-case identifier', async () => {
      await expect(openStore('postgres://postgres@127.0.0.1:5432/test?schema=Bad-Name')).rejects.toThrow(/OC_DATABASE_URL: schema 'Bad-Name'/);
    });

    it('commits migrations without a "public". qualifier (they must run inside any ?schema=)', () => {
      for (const f of readdirSync(PG_MIGRATIONS_DIR).filter((x) => x.endsWith('.sql'))) {
        // drizzle-kit writes REFERENCES "public"."t": strip it from a newly generated file before committing.
        expect(readFileSync(join(PG_MIGRATIONS_DIR, f), 'utf8'), f).not.toMatch(/"public"\./);
      }
    });
  });
});

// Group commit on PostgreSQL: creations of one turn share one transaction, and one failure fails only itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newOrder, outbox } from '../contract/store.contract.ts';
import { openStore } from '../../src/store/open.ts';
import type { Store } from '../../src/store/types.ts';
import { dropSchema, freshSchema, pgAvailable, withSchemaSql } from '../helpers/pg-schema.ts';

const T = 1_800_000_000;
const available = await pgAvailable('test/store/pg-group-commit.test.ts');
let k = 0;
const nonce = () => ({ ocid: 200, nonce: `gc_${process.pid}_${++k}`, expiresAt: T + 600 });

describe.skipIf(!available)('postgres group commit', () => {
  const { schema, url } = freshSchema();
  let store: Store;
  beforeAll(async () => {
    store = await openStore(url);
  });
  afterAll(async () => {
    await store?.close();
    await dropSchema(schema);
  });
  /** The transaction that wrote each order row (xmin): equal ids mean one shared commit. */
  const writers = (ids: string[]) =>
    withSchemaSql(schema, async (sql) => {
      const rows = await sql`select id, xmin::text as tx from orders where id = any(${ids})`;
      return ids.map((id) => rows.find((r) => r.id === id)?.tx as string | undefined);
    });

  it('commits the creations of one event-loop turn in one transaction, each with its event and delivery', async () => {
    const orders = [newOrder(), newOrder(), newOrder(), newOrder()];
    const boxes = orders.map((o) => outbox(o.id));
    const results = await Promise.all(orders.map((o, i) => store.createOrder(o, boxes[i]!, nonce())));
    expect(results.map((r) => r.kind)).toEqual(['created', 'created', 'created', 'created']);
    const tx = await writers(orders.map((o) => o.id));
    expect(new Set(tx).size).toBe(1);
    expect(tx[0]).toBeDefined();
    for (const [i, o] of orders.entries()) {
      expect(results[i]).toEqual({ kind: 'created', order: await store.getOrder(o.id) });
      expect((await store.listDeliveries({ orderId: o.id, limit: 5 })).map((d) => [d.id, d.event.id])).toEqual([[boxes[i]!.delivery!.id, boxes[i]!.event.id]]);
    }
  });

  it('a failing creation in a batch fails alone: the others are created, its nonce stays unused and nothing of it is written', async () => {
    const a = newOrder();
    const taken = outbox(a.id);
    await store.createOrder(a, taken);
    const [good1, bad, good2] = [newOrder(), newOrder(), newOrder()];
    const badNonce = nonce();
    const settled = await Promise.allSettled([
      store.createOrder(good1, outbox(good1.id), nonce()),
      // reuses a's event id: the events unique constraint refuses it, which aborts the shared transaction
      store.createOrder(bad, { event: { ...taken.event, orderId: bad.id } }, badNonce),
      store.createOrder(good2, outbox(good2.id), nonce()),
    ]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value.kind : 'failed'))).toEqual(['created', 'failed', 'created']);
    expect(await store.getOrder(bad.id)).toBeUndefined();
    expect(await store.listEvents(bad.id)).toHaveLength(0);
    expect(await store.insertNonce(badNonce)).toBe(true); // rolled back with its creation
    for (const o of [good1, good2]) {
      expect(await store.getOrder(o.id)).toMatchObject({ id: o.id, status: 'pending' });
      expect(await store.listEvents(o.id)).toHaveLength(1);
    }
  });

  it('one nonce twice in a batch: the first creates, the second is nonce_reused and writes nothing', async () => {
    const n = nonce();
    const [a, b] = [newOrder(), newOrder()];
    const [ra, rb] = await Promise.all([store.createOrder(a, outbox(a.id), n), store.createOrder(b, outbox(b.id), n)]);
    expect([ra.kind, rb.kind]).toEqual(['created', 'nonce_reused']);
    expect(await store.getOrder(b.id)).toBeUndefined();
    expect(await store.listEvents(b.id)).toHaveLength(0);
  });

  it('one order id twice in a batch: one created, the other answers the same stored row (byte-identical body)', async () => {
    const o = newOrder();
    const [r1, r2] = await Promise.all([store.createOrder(o, outbox(o.id), nonce()), store.createOrder({ ...o, amount: '99.00' }, outbox(o.id), nonce())]);
    expect([r1.kind, r2.kind]).toEqual(['created', 'exists']);
    const stored = await store.getOrder(o.id);
    expect(r2.kind === 'exists' && r2.order).toEqual(stored);
    expect(r2.kind === 'exists' && r2.order.responseBody).toBe(o.responseBody);
    expect(await store.listEvents(o.id)).toHaveLength(1);
  });

  it('an id another transaction is inserting: waits for its commit, then answers that row', async () => {
    const o = newOrder();
    const theirs = { ...o, responseBody: '{"theirs":true}' };
    const pending = await withSchemaSql(schema, (sql) =>
      sql.begin(async (tx) => {
        const [{ pid }] = (await tx`select pg_backend_pid() as pid`) as unknown as [{ pid: number }];
        await tx`insert into orders (id, caller_ocid, request_hash, status, amount, currency, reference, created_at, expires_at, order_json, signature, response_body)
                 values (${theirs.id}, ${theirs.callerOcid}, ${theirs.requestHash}, 'pending', ${theirs.amount}, ${theirs.currency}, null, ${theirs.createdAt}, ${theirs.expiresAt}, ${theirs.orderJson}, ${theirs.signature}, ${theirs.responseBody})`;
        const ours = store.createOrder(o, outbox(o.id), nonce());
        for (let waited = 0; ; waited += 20) {
          const [{ n }] = (await sql`select count(*)::int as n from pg_stat_activity where ${pid}::int = any(pg_blocking_pids(pid))`) as unknown as [{ n: number }];
          if (n > 0) break;
          if (waited > 10_000) throw new Error('the creation never waited for the uncommitted row');
          await new Promise((r) => setTimeout(r, 20));
        }
        return { ours }; // wrapped: begin must not wait for it, it settles only after this transaction commits
      }),
    );
    const result = await pending.ours;
    expect(result.kind).toBe('exists');
    expect(result.kind === 'exists' && result.order.responseBody).toBe('{"theirs":true}');
    expect(await store.listEvents(o.id)).toHaveLength(0);
  });
});

// The Store on SQLite through drizzle's synchronous drivers (better-sqlite3 on Node, bun:sqlite on Bun).
import { and, asc, desc, eq, inArray, lt, lte, not, or, sql, type SQL } from 'drizzle-orm';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import * as t from './schema/sqlite.ts';
import { orderSet } from './order-change.ts';
import { proofSeen } from './proof-slot.ts';
import { memoNeedle, searchable } from './test-mark.ts';
import type {
  ChargeRecord,
  DeliveryRecord,
  EventRecord,
  NonceClaim,
  OrderChange,
  OrderRecord,
  OrderStatus,
  Outbox,
  ProofOutcome,
  ProofRecord,
  SearchQuery,
  Store,
  TestOrderMark,
} from './types.ts';
import { PAYMENT_OUTCOME_EVENTS } from './types.ts';

export type SyncSqlite = BaseSQLiteDatabase<'sync', { changes: number }, typeof t>;

const ph = (name: string) => sql.placeholder(name);

/**
 * The hot path of /orders/create as prepared statements: building drizzle queries per call cost more
 * than the SQL itself. Prepared on `db`, they run inside `db.transaction` (one connection).
 */
function prepareHotPath(db: SyncSqlite) {
  const orderCols = ['id', 'callerOcid', 'requestHash', 'status', 'amount', 'currency', 'reference', 'createdAt', 'expiresAt', 'orderJson', 'signature', 'responseBody'] as const;
  return {
    insertNonce: db.insert(t.nonces).values({ ocid: ph('ocid'), nonce: ph('nonce'), expiresAt: ph('expiresAt') }).onConflictDoNothing().prepare(),
    getOrder: db.select().from(t.orders).where(eq(t.orders.id, ph('id'))).prepare(),
    insertOrder: db
      .insert(t.orders)
      .values(Object.fromEntries(orderCols.map((c) => [c, ph(c)])) as never)
      .returning()
      .prepare(),
    insertEvent: db.insert(t.events).values({ id: ph('id'), orderId: ph('orderId'), type: ph('type'), createdAt: ph('createdAt'), data: ph('data') }).prepare(),
    insertDelivery: db
      .insert(t.deliveries)
      .values({ id: ph('id'), eventId: ph('eventId'), url: ph('url'), status: 'pending', nextAttemptAt: ph('nextAttemptAt'), createdAt: ph('createdAt') })
      .prepare(),
  };
}

/**
 * Group commit for the hot path: order creations that arrive in the same event-loop turn share one
 * durable commit (one fsync under synchronous=FULL), each in its own savepoint so one failure rolls back
 * only itself. Every caller is answered only after the shared commit, so nothing is acknowledged early.
 */
function createGroupCommit(db: SyncSqlite) {
  type Job = { run: (tx: SyncSqlite) => unknown; resolve: (v: unknown) => void; reject: (e: unknown) => void; out?: { ok: boolean; value: unknown } };
  let queue: Job[] = [];
  const flush = () => {
    const jobs = queue;
    queue = [];
    try {
      db.transaction(
        (tx) => {
          for (const j of jobs) {
            try {
              j.out = { ok: true, value: tx.transaction((sp) => j.run(sp as unknown as SyncSqlite)) };
            } catch (err) {
              j.out = { ok: false, value: err };
            }
          }
        },
        { behavior: 'immediate' },
      );
    } catch (err) {
      for (const j of jobs) j.reject(err);
      return;
    }
    for (const j of jobs) (j.out!.ok ? j.resolve : j.reject)(j.out!.value);
  };
  return <T>(run: (tx: SyncSqlite) => T): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (queue.push({ run, resolve: resolve as (v: unknown) => void, reject }) === 1) setImmediate(flush);
    });
}

/** An order carries the test mark (types.ts TestOrderMark); substr/instr compare case-sensitively, unlike LIKE. */
const marked = (m: TestOrderMark) =>
  sql`(${t.orders.reference} is not null and substr(${t.orders.reference}, 1, length(${m.referencePrefix})) = ${m.referencePrefix} and instr(${t.orders.orderJson}, ${memoNeedle(m)}) > 0)`;
const contains = (col: typeof t.orders.id | typeof t.orders.reference, text: string) => sql`instr(lower(${col}), lower(${text})) > 0`;

/** The filters listOrders and searchOrders share. */
const orderFilters = (q: { status?: OrderStatus; hide?: TestOrderMark }): Array<SQL | undefined> => [
  q.status ? eq(t.orders.status, q.status) : undefined,
  q.hide ? not(marked(q.hide)) : undefined,
];

/** Exact id first, then exact reference, then partial matches (SearchQuery). */
function searchWhere(q: SearchQuery) {
  const hit = or(eq(t.orders.id, q.text), eq(t.orders.reference, q.text), contains(t.orders.id, q.text), contains(t.orders.reference, q.text));
  return { where: and(...orderFilters(q), hit), rank: sql`case when ${t.orders.id} = ${q.text} then 0 when ${t.orders.reference} = ${q.text} then 1 else 2 end` };
}

export function createSqliteStore(db: SyncSqlite, close: () => void): Store {
  const q = prepareHotPath(db);
  const groupCommit = createGroupCommit(db);
  const writeOutbox = (_tx: SyncSqlite, rows: Outbox[]) => {
    for (const o of rows) {
      q.insertEvent.run({ ...o.event });
      if (o.delivery) q.insertDelivery.run({ id: o.delivery.id, eventId: o.event.id, url: o.delivery.url, nextAttemptAt: o.event.createdAt, createdAt: o.event.createdAt });
    }
  };
  // INSERT OR IGNORE + changes: 3× cheaper than catching the UNIQUE error (perf-limits §5).
  const insertNonce = (_tx: SyncSqlite, c: NonceClaim) => q.insertNonce.run({ ...c }).changes === 1;
  const getOrder = (_tx: SyncSqlite, id: string) => q.getOrder.get({ id }) as OrderRecord | undefined;
  const applyChange = (tx: SyncSqlite, id: string, c: OrderChange): OrderRecord | undefined => {
    const set = orderSet(c);
    if (Object.keys(set).length === 0) return getOrder(tx, id);
    return tx.update(t.orders).set(set).where(and(eq(t.orders.id, id), eq(t.orders.status, c.from))).returning().get() as
      | OrderRecord
      | undefined;
  };
  const eventOf = ({ seq: _seq, ...e }: typeof t.events.$inferSelect) => e as EventRecord;
  const withEvent = (tx: SyncSqlite, rows: Array<typeof t.deliveries.$inferSelect>) =>
    rows.map((d) => ({ ...(d as DeliveryRecord), event: eventOf(tx.select().from(t.events).where(eq(t.events.id, d.eventId)).get()!) }));

  return {
    dialect: 'sqlite',
    async ping() {
      try {
        db.get(sql`select 1 from orders limit 1`);
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      close();
    },
    async insertNonce(claim) {
      return insertNonce(db, claim);
    },
    async purgeNonces(now) {
      return db.delete(t.nonces).where(lt(t.nonces.expiresAt, now)).run().changes;
    },
    async createOrder(order, outbox, nonce) {
      return groupCommit((tx) => {
        if (nonce && !insertNonce(tx, nonce)) return { kind: 'nonce_reused' as const };
        const existing = getOrder(tx, order.id);
        if (existing) return { kind: 'exists' as const, order: existing };
        const row = q.insertOrder.get({ ...order, status: 'pending' }) as OrderRecord;
        writeOutbox(tx, [outbox]);
        return { kind: 'created' as const, order: row };
      });
    },
    async getOrder(id) {
      return getOrder(db, id);
    },
    async findOrdersByReference(reference, limit) {
      return db.select().from(t.orders).where(eq(t.orders.reference, reference)).orderBy(desc(t.orders.seq)).limit(limit).all() as OrderRecord[];
    },
    async listOrders(q) {
      const where = and(...orderFilters(q), q.beforeSeq ? lt(t.orders.seq, q.beforeSeq) : undefined);
      return db.select().from(t.orders).where(where).orderBy(desc(t.orders.seq)).limit(q.limit).all() as OrderRecord[];
    },
    async searchOrders(q) {
      if (!searchable(q.text)) return [];
      const { where, rank } = searchWhere(q);
      return db.select().from(t.orders).where(where).orderBy(rank, desc(t.orders.seq)).limit(q.limit).all() as OrderRecord[];
    },
    async changeOrder(id, change, outbox) {
      return db.transaction((tx) => {
        const row = applyChange(tx, id, change);
        if (row) writeOutbox(tx, outbox);
        return row;
      }, { behavior: 'immediate' });
    },
    async listExpirable(now, limit) {
      return db
        .select()
        .from(t.orders)
        .where(and(eq(t.orders.status, 'pending'), lt(t.orders.expiresAt, now)))
        .orderBy(asc(t.orders.expiresAt))
        .limit(limit)
        .all() as OrderRecord[];
    },
    async recordProof(proof, decide) {
      return db.transaction((tx): ProofOutcome => {
        const current = proof.orderId ? getOrder(tx, proof.orderId) : undefined;
        const decision = decide(current);
        const rows = tx.select().from(t.proofs).where(and(eq(t.proofs.issuer, proof.issuer), eq(t.proofs.txid, proof.txid))).all() as ProofRecord[];
        const seen = proofSeen(rows, proof.proofHash, decision.verdict);
        if (seen) return seen;
        const order = current && decision.change ? applyChange(tx, current.id, decision.change) : current;
        const stored = tx.insert(t.proofs).values({ ...proof, verdict: decision.verdict }).returning().get() as ProofRecord;
        writeOutbox(tx, decision.outbox);
        return { kind: 'stored', proof: stored, order, decision };
      }, { behavior: 'immediate' });
    },
    async listProofs(orderId) {
      return db.select().from(t.proofs).where(eq(t.proofs.orderId, orderId)).orderBy(asc(t.proofs.id)).all() as ProofRecord[];
    },
    async listEvents(orderId) {
      return db.select().from(t.events).where(eq(t.events.orderId, orderId)).orderBy(asc(t.events.seq)).all().map(eventOf);
    },
    async listDeliveries(q) {
      const rows = db
        .select({ d: t.deliveries })
        .from(t.deliveries)
        .innerJoin(t.events, eq(t.events.id, t.deliveries.eventId))
        .where(and(q.status ? eq(t.deliveries.status, q.status) : undefined, q.orderId ? eq(t.events.orderId, q.orderId) : undefined))
        .orderBy(desc(t.deliveries.createdAt), desc(t.deliveries.id))
        .limit(q.limit)
        .all();
      return withEvent(db, rows.map((r) => r.d));
    },
    async countDeliveries(status) {
      return db.select({ n: sql<number>`count(*)` }).from(t.deliveries).where(eq(t.deliveries.status, status)).get()!.n;
    },
    async claimDeliveries(now, leaseUntil, limit) {
      return db.transaction((tx) => {
        const due = tx
          .select({ d: t.deliveries, e: t.events })
          .from(t.deliveries)
          .innerJoin(t.events, eq(t.events.id, t.deliveries.eventId))
          .where(and(eq(t.deliveries.status, 'pending'), lte(t.deliveries.nextAttemptAt, now), lte(t.deliveries.lockedUntil, now)))
          .orderBy(sql`case when ${inArray(t.events.type, [...PAYMENT_OUTCOME_EVENTS])} then 0 else 1 end`, asc(t.deliveries.nextAttemptAt), asc(t.events.seq))
          .limit(limit)
          .all();
        for (const { d } of due) tx.update(t.deliveries).set({ lockedUntil: leaseUntil }).where(eq(t.deliveries.id, d.id)).run();
        return due.map(({ d, e }) => ({ ...(d as DeliveryRecord), lockedUntil: leaseUntil, event: eventOf(e) }));
      }, { behavior: 'immediate' });
    },
    async finishAttempt(id, leaseUntil, patch) {
      const res = db
        .update(t.deliveries)
        .set({ ...patch, lockedUntil: 0 })
        .where(and(eq(t.deliveries.id, id), eq(t.deliveries.lockedUntil, leaseUntil)))
        .run();
      return res.changes === 1;
    },
    async redeliver(id, now) {
      return db
        .update(t.deliveries)
        .set({ status: 'pending', nextAttemptAt: now })
        .where(eq(t.deliveries.id, id))
        .returning()
        .get() as DeliveryRecord | undefined;
    },
    async insertCharge(charge) {
      return db.transaction((tx) => {
        const existing = tx
          .select()
          .from(t.charges)
          .where(and(eq(t.charges.orderId, charge.orderId), eq(t.charges.gateway, charge.gateway)))
          .get() as ChargeRecord | undefined;
        if (existing) return { kind: 'exists' as const, charge: existing };
        tx.insert(t.charges).values(charge).run();
        return { kind: 'created' as const, charge };
      }, { behavior: 'immediate' });
    },
    async getCharge(gateway, reference) {
      return db.select().from(t.charges).where(and(eq(t.charges.gateway, gateway), eq(t.charges.reference, reference))).get() as
        | ChargeRecord
        | undefined;
    },
    async getChargeForOrder(orderId, gateway) {
      return db.select().from(t.charges).where(and(eq(t.charges.orderId, orderId), eq(t.charges.gateway, gateway))).get() as
        | ChargeRecord
        | undefined;
    },
    async listCharges(orderId) {
      return db.select().from(t.charges).where(eq(t.charges.orderId, orderId)).orderBy(asc(t.charges.createdAt)).all() as ChargeRecord[];
    },
    async listOpenCharges(limit) {
      return db
        .select()
        .from(t.charges)
        .where(and(eq(t.charges.status, 'pending')))
        .orderBy(asc(t.charges.updatedAt))
        .limit(limit)
        .all() as ChargeRecord[];
    },
    async listUnresolvedCharges(limit) {
      return db
        .select()
        .from(t.charges)
        .where(inArray(t.charges.status, ['unknown', 'creating']))
        .orderBy(asc(t.charges.updatedAt))
        .limit(limit)
        .all() as ChargeRecord[];
    },
    async claimCharge(id, from, updatedAt) {
      return db
        .update(t.charges)
        .set({ status: 'creating', updatedAt })
        .where(and(eq(t.charges.id, id), eq(t.charges.status, from.status), eq(t.charges.updatedAt, from.updatedAt)))
        .returning()
        .get() as ChargeRecord | undefined;
    },
    async updateCharge(id, patch) {
      db.update(t.charges).set(patch).where(eq(t.charges.id, id)).run();
    },
    async settleCharge(chargeId, fromStatus, patch, decide) {
      return db.transaction((tx) => {
        const moved = tx
          .update(t.charges)
          .set(patch)
          .where(and(eq(t.charges.id, chargeId), eq(t.charges.status, fromStatus)))
          .returning()
          .get() as ChargeRecord | undefined;
        if (!moved) return undefined;
        const current = getOrder(tx, moved.orderId);
        const decision = decide(current);
        const order = current && decision.change ? applyChange(tx, current.id, decision.change) : current;
        writeOutbox(tx, decision.outbox);
        return { order };
      }, { behavior: 'immediate' });
    },
    async deleteCharge(id) {
      db.delete(t.charges).where(eq(t.charges.id, id)).run();
    },
  };
}

// The Store on SQLite through drizzle's synchronous drivers (better-sqlite3 on Node, bun:sqlite on Bun).
import { and, asc, desc, eq, inArray, lt, lte, sql } from 'drizzle-orm';
import * as t from './schema/sqlite.ts';
import { createGroupCommit } from './group-commit.ts';
import { commitBatch, prepareHotPath, type RawSqlite } from './sqlite-hot.ts';
import { orderSet } from './order-change.ts';
import { proofSeen } from './proof-slot.ts';
import { orderFilters, searchWhere, type SyncSqlite } from './sqlite-queries.ts';
import { searchable } from './test-mark.ts';
import type { ChargeRecord, DeliveryRecord, EventRecord, OrderChange, OrderRecord, ProofOutcome, ProofRecord, Store } from './types.ts';
import { PAYMENT_OUTCOME_EVENTS } from '../orders/types.ts';

export type { SyncSqlite } from './sqlite-queries.ts';
export type { RawSqlite } from './sqlite-hot.ts';

const eventOf = ({ seq: _seq, ...e }: typeof t.events.$inferSelect) => e as EventRecord;
const withEvent = (rows: Array<{ d: typeof t.deliveries.$inferSelect; e: typeof t.events.$inferSelect }>) =>
  rows.map(({ d, e }) => ({ ...(d as DeliveryRecord), event: eventOf(e) }));

/** `raw` is the connection under `db`: the hot path of order creation runs on it directly (sqlite-hot.ts). */
export function createSqliteStore(db: SyncSqlite, raw: RawSqlite, close: () => void): Store {
  // Order creations of one event-loop turn share a durable commit; each caller is answered after it.
  const groupCommit = createGroupCommit<() => unknown, unknown>({ commit: commitBatch(raw) }) as <T>(run: () => T) => Promise<T>;
  const { writeOutbox, insertNonce, getOrder, insertOrder } = prepareHotPath(raw);
  const applyChange = (tx: SyncSqlite, id: string, c: OrderChange): OrderRecord | undefined => {
    const set = orderSet(c);
    if (Object.keys(set).length === 0) return getOrder(id);
    return tx.update(t.orders).set(set).where(and(eq(t.orders.id, id), eq(t.orders.status, c.from))).returning().get() as
      | OrderRecord
      | undefined;
  };
  const chargeFor = (orderId: string, gateway: string) =>
    db.select().from(t.charges).where(and(eq(t.charges.orderId, orderId), eq(t.charges.gateway, gateway))).get() as ChargeRecord | undefined;
  const deliveriesWithEvents = () => db.select({ d: t.deliveries, e: t.events }).from(t.deliveries).innerJoin(t.events, eq(t.events.id, t.deliveries.eventId));

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
      return insertNonce(claim);
    },
    async purgeNonces(now) {
      return db.delete(t.nonces).where(lt(t.nonces.expiresAt, now)).run().changes;
    },
    async createOrder(order, outbox, nonce) {
      return groupCommit(() => {
        if (nonce && !insertNonce(nonce)) return { kind: 'nonce_reused' as const };
        const existing = getOrder(order.id);
        if (existing) return { kind: 'exists' as const, order: existing };
        const row = insertOrder(order);
        writeOutbox([outbox]);
        return { kind: 'created' as const, order: row };
      });
    },
    async getOrder(id) {
      return getOrder(id);
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
        if (row) writeOutbox(outbox);
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
        const current = proof.orderId ? getOrder(proof.orderId) : undefined;
        const decision = decide(current);
        const rows = tx.select().from(t.proofs).where(and(eq(t.proofs.issuer, proof.issuer), eq(t.proofs.txid, proof.txid))).all() as ProofRecord[];
        const seen = proofSeen(rows, proof.proofHash, decision.verdict);
        if (seen) return seen;
        const order = current && decision.change ? applyChange(tx, current.id, decision.change) : current;
        const stored = tx.insert(t.proofs).values({ ...proof, verdict: decision.verdict }).returning().get() as ProofRecord;
        writeOutbox(decision.outbox);
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
      const rows = deliveriesWithEvents()
        .where(and(q.status ? eq(t.deliveries.status, q.status) : undefined, q.orderId ? eq(t.events.orderId, q.orderId) : undefined))
        .orderBy(desc(t.deliveries.createdAt), desc(t.deliveries.id))
        .limit(q.limit)
        .all();
      return withEvent(rows);
    },
    async countDeliveries(status) {
      return db.select({ n: sql<number>`count(*)` }).from(t.deliveries).where(eq(t.deliveries.status, status)).get()!.n;
    },
    async claimDeliveries(now, leaseUntil, limit) {
      return db.transaction((tx) => {
        const due = deliveriesWithEvents()
          .where(and(eq(t.deliveries.status, 'pending'), lte(t.deliveries.nextAttemptAt, now), lte(t.deliveries.lockedUntil, now)))
          .orderBy(sql`case when ${inArray(t.events.type, [...PAYMENT_OUTCOME_EVENTS])} then 0 else 1 end`, asc(t.deliveries.nextAttemptAt), asc(t.events.seq))
          .limit(limit)
          .all();
        if (due.length === 0) return [];
        tx.update(t.deliveries).set({ lockedUntil: leaseUntil }).where(inArray(t.deliveries.id, due.map(({ d }) => d.id))).run();
        return withEvent(due).map((d) => ({ ...d, lockedUntil: leaseUntil }));
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
        const existing = chargeFor(charge.orderId, charge.gateway);
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
      return chargeFor(orderId, gateway);
    },
    async listCharges(orderId) {
      return db.select().from(t.charges).where(eq(t.charges.orderId, orderId)).orderBy(asc(t.charges.createdAt)).all() as ChargeRecord[];
    },
    async listOpenCharges(limit) {
      return db.select().from(t.charges).where(eq(t.charges.status, 'pending')).orderBy(asc(t.charges.updatedAt)).limit(limit).all() as ChargeRecord[];
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
        const current = getOrder(moved.orderId);
        const decision = decide(current);
        const order = current && decision.change ? applyChange(tx, current.id, decision.change) : current;
        writeOutbox(decision.outbox);
        return { order };
      }, { behavior: 'immediate' });
    },
    async deleteCharge(id) {
      db.delete(t.charges).where(eq(t.charges.id, id)).run();
    },
  };
}

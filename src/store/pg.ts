// The Store on PostgreSQL (postgres.js through drizzle): the SQLite store's semantics, safe across processes.
import { and, asc, desc, eq, inArray, lt, lte, sql } from 'drizzle-orm';
import type postgres from 'postgres';
import * as t from './schema/pg.ts';
import type { ChargeRecord, DeliveryRecord, OrderRecord, ProofOutcome, ProofRecord, Store } from './types.ts';
import type { ProofVerdict } from '../orders/types.ts';
import { PAYMENT_OUTCOME_EVENTS } from '../orders/types.ts';
import { createGroupCommit } from './group-commit.ts';
import { MAX_BATCH, pgCreateBatch, type Created, type Creation } from './pg-create.ts';
import { applyChange, eventOf, getChargeForOrder, getOrder, insertNonce, isUniqueViolation, orderFilters, proofRows, searchWhere, storable, writeOutbox, type Q } from './pg-queries.ts';
import { proofSeen } from './proof-slot.ts';
import { searchable } from './test-mark.ts';

export { isUniqueViolation } from './pg-queries.ts';

export interface PgStoreOptions {
  /** Order-creation batches committing at once, each on its own pooled connection (default 1). */
  inFlight?: number;
}

/**
 * `db` for everything but order creation, which runs on the driver itself (`client`, the same pool): many
 * creations share one transaction and one durable COMMIT (group commit), each answered after it.
 */
export function createPgStore(db: Q, client: postgres.Sql, close: () => Promise<void>, opts: PgStoreOptions = {}): Store {
  const createInBatch = createGroupCommit<Creation, Created>({ commit: pgCreateBatch(client), inFlight: opts.inFlight ?? 1, maxBatch: MAX_BATCH });
  return {
    dialect: 'postgres',
    async ping() {
      try {
        await db.execute(sql`select 1 from orders limit 1`);
        return true;
      } catch {
        return false;
      }
    },
    close,
    async insertNonce(claim) {
      return insertNonce(db, claim);
    },
    async purgeNonces(now) {
      return (await db.delete(t.nonces).where(lt(t.nonces.expiresAt, now))).count;
    },
    async createOrder(order, outbox, nonce) {
      return createInBatch(nonce ? { order, outbox, nonce } : { order, outbox });
    },
    async getOrder(id) {
      return getOrder(db, id);
    },
    async findOrdersByReference(reference, limit) {
      if (!storable(reference)) return [];
      return (await db.select().from(t.orders).where(eq(t.orders.reference, reference)).orderBy(desc(t.orders.seq)).limit(limit)) as OrderRecord[];
    },
    async listOrders(q) {
      const where = and(...orderFilters(q), q.beforeSeq ? lt(t.orders.seq, q.beforeSeq) : undefined);
      return (await db.select().from(t.orders).where(where).orderBy(desc(t.orders.seq)).limit(q.limit)) as OrderRecord[];
    },
    async searchOrders(q) {
      if (!searchable(q.text)) return [];
      const { where, rank } = searchWhere(q);
      return (await db.select().from(t.orders).where(where).orderBy(rank, desc(t.orders.seq)).limit(q.limit)) as OrderRecord[];
    },
    async changeOrder(id, change, outbox) {
      return db.transaction(async (tx) => {
        const row = await applyChange(tx, id, change);
        if (row) await writeOutbox(tx, outbox);
        return row;
      });
    },
    async listExpirable(now, limit) {
      return (await db
        .select()
        .from(t.orders)
        .where(and(eq(t.orders.status, 'pending'), lt(t.orders.expiresAt, now)))
        .orderBy(asc(t.orders.expiresAt))
        .limit(limit)) as OrderRecord[];
    },
    async recordProof(proof, decide) {
      let verdict: ProofVerdict | undefined;
      try {
        return await db.transaction(async (tx): Promise<ProofOutcome> => {
          // The row lock serialises racing proofs for one order: the second decides on the first's result.
          const current = proof.orderId ? await getOrder(tx, proof.orderId, true) : undefined;
          const decision = decide(current);
          verdict = decision.verdict;
          const seen = proofSeen(await proofRows(tx, proof.issuer, proof.txid), proof.proofHash, decision.verdict);
          if (seen) return seen;
          const order = current && decision.change ? await applyChange(tx, current.id, decision.change) : current;
          const [stored] = await tx.insert(t.proofs).values({ ...proof, verdict: decision.verdict }).returning();
          await writeOutbox(tx, decision.outbox);
          return { kind: 'stored', proof: stored as ProofRecord, order, decision };
        });
      } catch (err) {
        // Another transaction stored this (issuer, txid) after our check: ours rolled back whole (no second
        // effect), and the stored one answers duplicate or conflict.
        if (!isUniqueViolation(err, 'proofs_issuer_txid_idx') || !verdict) throw err;
        const seen = proofSeen(await proofRows(db, proof.issuer, proof.txid), proof.proofHash, verdict);
        if (seen) return seen;
        throw err;
      }
    },
    async listProofs(orderId) {
      return (await db.select().from(t.proofs).where(eq(t.proofs.orderId, orderId)).orderBy(asc(t.proofs.id))) as ProofRecord[];
    },
    async listEvents(orderId) {
      return (await db.select().from(t.events).where(eq(t.events.orderId, orderId)).orderBy(asc(t.events.seq))).map(eventOf);
    },
    async listDeliveries(q) {
      const rows = await db
        .select({ d: t.deliveries, e: t.events })
        .from(t.deliveries)
        .innerJoin(t.events, eq(t.events.id, t.deliveries.eventId))
        .where(and(q.status ? eq(t.deliveries.status, q.status) : undefined, q.orderId ? eq(t.events.orderId, q.orderId) : undefined))
        .orderBy(desc(t.deliveries.createdAt), desc(t.deliveries.id))
        .limit(q.limit);
      return rows.map((r) => ({ ...(r.d as DeliveryRecord), event: eventOf(r.e) }));
    },
    async countDeliveries(status) {
      const [r] = await db.select({ n: sql<number>`count(*)::int` }).from(t.deliveries).where(eq(t.deliveries.status, status));
      return r!.n;
    },
    async claimDeliveries(now, leaseUntil, limit) {
      return db.transaction(async (tx) => {
        // SKIP LOCKED: a row another worker is claiming right now is left to it; once that claim commits,
        // the re-checked `locked_until <= now` keeps the row out of ours as well. Only delivery rows are locked.
        const due = await tx
          .select({ d: t.deliveries, e: t.events })
          .from(t.deliveries)
          .innerJoin(t.events, eq(t.events.id, t.deliveries.eventId))
          .where(and(eq(t.deliveries.status, 'pending'), lte(t.deliveries.nextAttemptAt, now), lte(t.deliveries.lockedUntil, now)))
          .orderBy(sql`case when ${inArray(t.events.type, [...PAYMENT_OUTCOME_EVENTS])} then 0 else 1 end`, asc(t.deliveries.nextAttemptAt), asc(t.events.seq))
          .limit(limit)
          .for('update', { of: t.deliveries, skipLocked: true });
        if (due.length === 0) return [];
        await tx.update(t.deliveries).set({ lockedUntil: leaseUntil }).where(inArray(t.deliveries.id, due.map(({ d }) => d.id)));
        return due.map(({ d, e }) => ({ ...(d as DeliveryRecord), lockedUntil: leaseUntil, event: eventOf(e) }));
      });
    },
    async finishAttempt(id, leaseUntil, patch) {
      const rows = await db
        .update(t.deliveries)
        .set({ ...patch, lockedUntil: 0 })
        .where(and(eq(t.deliveries.id, id), eq(t.deliveries.lockedUntil, leaseUntil)))
        .returning({ id: t.deliveries.id });
      return rows.length === 1;
    },
    async redeliver(id, now) {
      const [row] = await db.update(t.deliveries).set({ status: 'pending', nextAttemptAt: now }).where(eq(t.deliveries.id, id)).returning();
      return row as DeliveryRecord | undefined;
    },
    async insertCharge(charge) {
      // The (order, gateway) unique index decides; a loser reads the winner (retrying if it was just deleted).
      for (let attempt = 0; attempt < 3; attempt++) {
        const existing = await getChargeForOrder(db, charge.orderId, charge.gateway);
        if (existing) return { kind: 'exists' as const, charge: existing };
        const [row] = await db.insert(t.charges).values(charge).onConflictDoNothing({ target: [t.charges.orderId, t.charges.gateway] }).returning();
        if (row) return { kind: 'created' as const, charge: row as ChargeRecord };
      }
      throw new Error(`insertCharge: charge for ${charge.orderId}/${charge.gateway} keeps changing`);
    },
    async getCharge(gateway, reference) {
      if (!storable(gateway, reference)) return undefined;
      const [row] = await db.select().from(t.charges).where(and(eq(t.charges.gateway, gateway), eq(t.charges.reference, reference)));
      return row as ChargeRecord | undefined;
    },
    async getChargeForOrder(orderId, gateway) {
      return getChargeForOrder(db, orderId, gateway);
    },
    async listCharges(orderId) {
      return (await db.select().from(t.charges).where(eq(t.charges.orderId, orderId)).orderBy(asc(t.charges.createdAt))) as ChargeRecord[];
    },
    async listOpenCharges(limit) {
      return (await db.select().from(t.charges).where(eq(t.charges.status, 'pending')).orderBy(asc(t.charges.updatedAt)).limit(limit)) as ChargeRecord[];
    },
    async listUnresolvedCharges(limit) {
      return (await db
        .select()
        .from(t.charges)
        .where(inArray(t.charges.status, ['unknown', 'creating']))
        .orderBy(asc(t.charges.updatedAt))
        .limit(limit)) as ChargeRecord[];
    },
    async claimCharge(id, from, updatedAt) {
      const [row] = await db
        .update(t.charges)
        .set({ status: 'creating', updatedAt })
        .where(and(eq(t.charges.id, id), eq(t.charges.status, from.status), eq(t.charges.updatedAt, from.updatedAt)))
        .returning();
      return row as ChargeRecord | undefined;
    },
    async updateCharge(id, patch) {
      await db.update(t.charges).set(patch).where(eq(t.charges.id, id));
    },
    async settleCharge(chargeId, fromStatus, patch, decide) {
      return db.transaction(async (tx) => {
        const [moved] = await tx
          .update(t.charges)
          .set(patch)
          .where(and(eq(t.charges.id, chargeId), eq(t.charges.status, fromStatus)))
          .returning();
        if (!moved) return undefined;
        const current = await getOrder(tx, moved.orderId, true);
        const decision = decide(current);
        const order = current && decision.change ? await applyChange(tx, current.id, decision.change) : current;
        await writeOutbox(tx, decision.outbox);
        return { order };
      });
    },
    async deleteCharge(id) {
      await db.delete(t.charges).where(eq(t.charges.id, id));
    },
  };
}

// The Store on PostgreSQL (postgres.js through drizzle): the SQLite store's semantics, safe across processes.
import { and, asc, desc, eq, inArray, lt, lte, not, or, sql, type SQL } from 'drizzle-orm';
import type { PgDatabase } from 'drizzle-orm/pg-core';
import type { PostgresJsQueryResultHKT } from 'drizzle-orm/postgres-js';
import * as t from './schema/pg.ts';
import type { ChargeRecord, DeliveryRecord, EventRecord, NonceClaim, OrderChange, OrderRecord, Outbox, ProofOutcome, ProofRecord, SearchQuery, Store, TestOrderMark } from './types.ts';
import type { OrderStatus, ProofVerdict } from '../orders/types.ts';
import { PAYMENT_OUTCOME_EVENTS } from '../orders/types.ts';
import { orderSet } from './order-change.ts';
import { proofSeen } from './proof-slot.ts';
import { memoNeedle, searchable } from './test-mark.ts';

/** The database or a transaction on it: every helper below runs on either. */
type Q = PgDatabase<PostgresJsQueryResultHKT, typeof t>;

/** Walks drizzle's wrapper to the driver error: is it a unique violation (23505) of this constraint? */
export function isUniqueViolation(err: unknown, constraint: string): boolean {
  for (let e = err as { code?: string; constraint_name?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === '23505') return e.constraint_name === constraint;
  }
  return false;
}

/** PostgreSQL text cannot hold NUL, so no stored key contains one: such a lookup is "not found", not an error. */
const storable = (...keys: string[]) => keys.every((k) => !k.includes('\0'));

const eventOf = ({ seq: _seq, ...e }: typeof t.events.$inferSelect) => e as EventRecord;

async function writeOutbox(tx: Q, rows: Outbox[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.insert(t.events).values(rows.map((o) => o.event));
  const deliveries = rows.flatMap((o) =>
    o.delivery
      ? [{ id: o.delivery.id, eventId: o.event.id, url: o.delivery.url, status: 'pending' as const, nextAttemptAt: o.event.createdAt, createdAt: o.event.createdAt }]
      : [],
  );
  if (deliveries.length) await tx.insert(t.deliveries).values(deliveries);
}

async function insertNonce(tx: Q, c: NonceClaim): Promise<boolean> {
  // ON CONFLICT DO NOTHING waits for a concurrent insert of the same key, then reports whether ours landed.
  const rows = await tx.insert(t.nonces).values(c).onConflictDoNothing().returning({ ocid: t.nonces.ocid });
  return rows.length === 1;
}

async function getOrder(tx: Q, id: string, lock = false): Promise<OrderRecord | undefined> {
  if (!storable(id)) return undefined;
  const q = tx.select().from(t.orders).where(eq(t.orders.id, id));
  const [row] = lock ? await q.for('update') : await q;
  return row as OrderRecord | undefined;
}

async function applyChange(tx: Q, id: string, c: OrderChange): Promise<OrderRecord | undefined> {
  const set = orderSet(c);
  if (Object.keys(set).length === 0) return getOrder(tx, id);
  // Under READ COMMITTED a racing UPDATE waits for the row, then re-checks `status = from` on the new version.
  const [row] = await tx.update(t.orders).set(set).where(and(eq(t.orders.id, id), eq(t.orders.status, c.from))).returning();
  return row as OrderRecord | undefined;
}

async function proofRows(tx: Q, issuer: number, txid: string): Promise<ProofRecord[]> {
  return (await tx.select().from(t.proofs).where(and(eq(t.proofs.issuer, issuer), eq(t.proofs.txid, txid)))) as ProofRecord[];
}

async function getChargeForOrder(tx: Q, orderId: string, gateway: string): Promise<ChargeRecord | undefined> {
  if (!storable(orderId, gateway)) return undefined;
  const [row] = await tx.select().from(t.charges).where(and(eq(t.charges.orderId, orderId), eq(t.charges.gateway, gateway)));
  return row as ChargeRecord | undefined;
}

/** An order carries the test mark (types.ts TestOrderMark); starts_with/strpos compare case-sensitively as on SQLite. */
const marked = (m: TestOrderMark) =>
  sql`(${t.orders.reference} is not null and starts_with(${t.orders.reference}, ${m.referencePrefix}::text) and strpos(${t.orders.orderJson}, ${memoNeedle(m)}::text) > 0)`;
const contains = (col: typeof t.orders.id | typeof t.orders.reference, text: string) => sql`strpos(lower(${col}), lower(${text}::text)) > 0`;

/** The filters listOrders and searchOrders share. */
const orderFilters = (q: { status?: OrderStatus; hide?: TestOrderMark }): Array<SQL | undefined> => [
  q.status ? eq(t.orders.status, q.status) : undefined,
  q.hide ? not(marked(q.hide)) : undefined,
];

/** Exact id first, then exact reference, then partial matches (SearchQuery). */
function searchWhere(q: SearchQuery) {
  const hit = or(eq(t.orders.id, q.text), eq(t.orders.reference, q.text), contains(t.orders.id, q.text), contains(t.orders.reference, q.text));
  return { where: and(...orderFilters(q), hit), rank: sql`case when ${t.orders.id} = ${q.text}::text then 0 when ${t.orders.reference} = ${q.text}::text then 1 else 2 end` };
}

export function createPgStore(db: Q, close: () => Promise<void>): Store {
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
      return db.transaction(async (tx) => {
        if (nonce && !(await insertNonce(tx, nonce))) return { kind: 'nonce_reused' as const };
        const existing = await getOrder(tx, order.id);
        if (existing) return { kind: 'exists' as const, order: existing };
        // A concurrent create of the same id makes this wait for it, then insert nothing: read its row back.
        const [row] = await tx.insert(t.orders).values({ ...order, status: 'pending' }).onConflictDoNothing({ target: t.orders.id }).returning();
        if (!row) {
          const winner = await getOrder(tx, order.id);
          if (!winner) throw new Error(`createOrder: order ${order.id} conflicted but cannot be read`);
          return { kind: 'exists' as const, order: winner };
        }
        await writeOutbox(tx, [outbox]);
        return { kind: 'created' as const, order: row as OrderRecord };
      });
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

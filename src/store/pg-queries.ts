// The PostgreSQL store's shared queries: each runs on the database or on a transaction, plus the order list filters.
import { and, eq, not, or, sql, type SQL } from 'drizzle-orm';
import type { PgDatabase } from 'drizzle-orm/pg-core';
import type { PostgresJsQueryResultHKT } from 'drizzle-orm/postgres-js';
import * as t from './schema/pg.ts';
import type { ChargeRecord, EventRecord, NonceClaim, OrderChange, OrderRecord, Outbox, ProofRecord, SearchQuery, TestOrderMark } from './types.ts';
import type { OrderStatus } from '../orders/types.ts';
import { orderSet } from './order-change.ts';
import { memoNeedle } from './test-mark.ts';

/** The database or a transaction on it: every helper below runs on either. */
export type Q = PgDatabase<PostgresJsQueryResultHKT, typeof t>;

/** Walks drizzle's wrapper to the driver error: is it a unique violation (23505) of this constraint? */
export function isUniqueViolation(err: unknown, constraint: string): boolean {
  for (let e = err as { code?: string; constraint_name?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === '23505') return e.constraint_name === constraint;
  }
  return false;
}

/** PostgreSQL text cannot hold NUL, so no stored key contains one: such a lookup is "not found", not an error. */
export const storable = (...keys: string[]) => keys.every((k) => !k.includes('\0'));

export const eventOf = ({ seq: _seq, ...e }: typeof t.events.$inferSelect) => e as EventRecord;

export async function writeOutbox(tx: Q, rows: Outbox[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.insert(t.events).values(rows.map((o) => o.event));
  const deliveries = rows.flatMap((o) =>
    o.delivery
      ? [{ id: o.delivery.id, eventId: o.event.id, url: o.delivery.url, status: 'pending' as const, nextAttemptAt: o.event.createdAt, createdAt: o.event.createdAt }]
      : [],
  );
  if (deliveries.length) await tx.insert(t.deliveries).values(deliveries);
}

export async function insertNonce(tx: Q, c: NonceClaim): Promise<boolean> {
  // ON CONFLICT DO NOTHING waits for a concurrent insert of the same key, then reports whether ours landed.
  const rows = await tx.insert(t.nonces).values(c).onConflictDoNothing().returning({ ocid: t.nonces.ocid });
  return rows.length === 1;
}

export async function getOrder(tx: Q, id: string, lock = false): Promise<OrderRecord | undefined> {
  if (!storable(id)) return undefined;
  const q = tx.select().from(t.orders).where(eq(t.orders.id, id));
  const [row] = lock ? await q.for('update') : await q;
  return row as OrderRecord | undefined;
}

export async function applyChange(tx: Q, id: string, c: OrderChange): Promise<OrderRecord | undefined> {
  const set = orderSet(c);
  if (Object.keys(set).length === 0) return getOrder(tx, id);
  // Under READ COMMITTED a racing UPDATE waits for the row, then re-checks `status = from` on the new version.
  const [row] = await tx.update(t.orders).set(set).where(and(eq(t.orders.id, id), eq(t.orders.status, c.from))).returning();
  return row as OrderRecord | undefined;
}

export async function proofRows(tx: Q, issuer: number, txid: string): Promise<ProofRecord[]> {
  return (await tx.select().from(t.proofs).where(and(eq(t.proofs.issuer, issuer), eq(t.proofs.txid, txid)))) as ProofRecord[];
}

export async function getChargeForOrder(tx: Q, orderId: string, gateway: string): Promise<ChargeRecord | undefined> {
  if (!storable(orderId, gateway)) return undefined;
  const [row] = await tx.select().from(t.charges).where(and(eq(t.charges.orderId, orderId), eq(t.charges.gateway, gateway)));
  return row as ChargeRecord | undefined;
}

/** An order carries the test mark (types.ts TestOrderMark); starts_with/strpos compare case-sensitively as on SQLite. */
const marked = (m: TestOrderMark) =>
  sql`(${t.orders.reference} is not null and starts_with(${t.orders.reference}, ${m.referencePrefix}::text) and strpos(${t.orders.orderJson}, ${memoNeedle(m)}::text) > 0)`;
const contains = (col: typeof t.orders.id | typeof t.orders.reference, text: string) => sql`strpos(lower(${col}), lower(${text}::text)) > 0`;

/** The filters listOrders and searchOrders share. */
export const orderFilters = (q: { status?: OrderStatus; hide?: TestOrderMark }): Array<SQL | undefined> => [
  q.status ? eq(t.orders.status, q.status) : undefined,
  q.hide ? not(marked(q.hide)) : undefined,
];

/** Exact id first, then exact reference, then partial matches (SearchQuery). */
export function searchWhere(q: SearchQuery) {
  const hit = or(eq(t.orders.id, q.text), eq(t.orders.reference, q.text), contains(t.orders.id, q.text), contains(t.orders.reference, q.text));
  return { where: and(...orderFilters(q), hit), rank: sql`case when ${t.orders.id} = ${q.text}::text then 0 when ${t.orders.reference} = ${q.text}::text then 1 else 2 end` };
}

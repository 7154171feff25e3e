// The SQLite store's order list filters (the hot path of order creation is in sqlite-hot.ts).
import { and, eq, not, or, sql, type SQL } from 'drizzle-orm';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import * as t from './schema/sqlite.ts';
import { memoNeedle } from './test-mark.ts';
import type { SearchQuery, TestOrderMark } from './types.ts';
import type { OrderStatus } from '../orders/types.ts';

export type SyncSqlite = BaseSQLiteDatabase<'sync', { changes: number }, typeof t>;

/** An order carries the test mark (types.ts TestOrderMark); substr/instr compare case-sensitively, unlike LIKE. */
const marked = (m: TestOrderMark) =>
  sql`(${t.orders.reference} is not null and substr(${t.orders.reference}, 1, length(${m.referencePrefix})) = ${m.referencePrefix} and instr(${t.orders.orderJson}, ${memoNeedle(m)}) > 0)`;
const contains = (col: typeof t.orders.id | typeof t.orders.reference, text: string) => sql`instr(lower(${col}), lower(${text})) > 0`;

/** The filters listOrders and searchOrders share. */
export const orderFilters = (q: { status?: OrderStatus; hide?: TestOrderMark }): Array<SQL | undefined> => [
  q.status ? eq(t.orders.status, q.status) : undefined,
  q.hide ? not(marked(q.hide)) : undefined,
];

/** Exact id first, then exact reference, then partial matches (SearchQuery). */
export function searchWhere(q: SearchQuery) {
  const hit = or(eq(t.orders.id, q.text), eq(t.orders.reference, q.text), contains(t.orders.id, q.text), contains(t.orders.reference, q.text));
  return { where: and(...orderFilters(q), hit), rank: sql`case when ${t.orders.id} = ${q.text} then 0 when ${t.orders.reference} = ${q.text} then 1 else 2 end` };
}

// The hot path of /orders/create on the raw SQLite connection (better-sqlite3 on Node, bun:sqlite on Bun):
// statements prepared once with positional parameters, rows decoded by a mapper derived from the drizzle schema.
// Through drizzle, its prepared queries, its nested-transaction savepoints (SQL built and prepared per call) and its
// row mapping cost about as much again as the SQL itself on this path (`npm run bench -- --profile`).
import { getTableColumns, type Column } from 'drizzle-orm';
import * as t from './schema/sqlite.ts';
import type { Outcome } from './group-commit.ts';
import type { NewOrder, NonceClaim, OrderRecord, Outbox } from './types.ts';

type SqlValue = string | number | bigint | null;

/** What both drivers' prepared statements offer (bun:sqlite's get() answers null where better-sqlite3 answers undefined). */
export interface RawStatement {
  run(...params: SqlValue[]): { changes: number | bigint };
  get(...params: SqlValue[]): unknown;
}

/** The one connection under the drizzle database: better-sqlite3's Database or bun:sqlite's. */
export interface RawSqlite {
  prepare(sql: string): RawStatement;
}

/**
 * Decodes a raw row of `table` into drizzle's record shape (property names, boolean columns), from the schema
 * itself so that the two cannot drift apart. Only columns with a driver mapping (booleans) are converted.
 */
function rowMapper<R>(table: Parameters<typeof getTableColumns>[0]): (row: Record<string, unknown>) => R {
  const cols = Object.entries(getTableColumns(table)) as Array<[string, Column]>;
  const plain = cols.filter(([, c]) => c.columnType !== 'SQLiteBoolean').map(([key, c]) => [key, c.name] as const);
  const mapped = cols.filter(([, c]) => c.columnType === 'SQLiteBoolean').map(([key, c]) => [key, c.name, c] as const);
  return (row) => {
    const out: Record<string, unknown> = {};
    for (const [key, name] of plain) out[key] = row[name];
    for (const [key, name, c] of mapped) out[key] = row[name] === null ? null : c.mapFromDriverValue(row[name]);
    return out as R;
  };
}

const orderOf = rowMapper<OrderRecord>(t.orders);
const ORDER_INSERT_COLUMNS = ['id', 'caller_ocid', 'request_hash', 'status', 'amount', 'currency', 'reference', 'created_at', 'expires_at', 'order_json', 'signature', 'response_body'];

/** The prepared statements of order creation and the store's getOrder, on the raw connection. */
export function prepareHotPath(raw: RawSqlite) {
  const insertNonce = raw.prepare('INSERT OR IGNORE INTO nonces (ocid, nonce, expires_at) VALUES (?, ?, ?)');
  const getOrder = raw.prepare('SELECT * FROM orders WHERE id = ?');
  const insertOrder = raw.prepare(
    `INSERT INTO orders (${ORDER_INSERT_COLUMNS.join(', ')}) VALUES (${ORDER_INSERT_COLUMNS.map(() => '?').join(', ')}) RETURNING *`,
  );
  const insertEvent = raw.prepare('INSERT INTO events (id, order_id, type, created_at, data) VALUES (?, ?, ?, ?, ?)');
  const insertDelivery = raw.prepare("INSERT INTO deliveries (id, event_id, url, status, next_attempt_at, created_at) VALUES (?, ?, ?, 'pending', ?, ?)");
  return {
    /** INSERT OR IGNORE + changes: about 3× cheaper than catching the UNIQUE error. */
    insertNonce: (c: NonceClaim) => Number(insertNonce.run(c.ocid, c.nonce, c.expiresAt).changes) === 1,
    getOrder: (id: string): OrderRecord | undefined => {
      const row = getOrder.get(id) as Record<string, unknown> | null | undefined;
      return row ? orderOf(row) : undefined;
    },
    insertOrder: (o: NewOrder): OrderRecord =>
      orderOf(
        insertOrder.get(o.id, o.callerOcid, o.requestHash, 'pending', o.amount, o.currency, o.reference, o.createdAt, o.expiresAt, o.orderJson, o.signature, o.responseBody) as Record<
          string,
          unknown
        >,
      ),
    /** The outbox rows of one change, on the connection's open transaction (or on their own). */
    writeOutbox: (rows: readonly Outbox[]) => {
      for (const { event: e, delivery: d } of rows) {
        insertEvent.run(e.id, e.orderId, e.type, e.createdAt, e.data);
        if (d) insertDelivery.run(d.id, e.id, d.url, e.createdAt, e.createdAt);
      }
    },
  };
}

/**
 * The SQLite batch of a group commit: one IMMEDIATE transaction (one fsync under synchronous=FULL) in which one
 * item's failure rolls back only that item; a failed COMMIT fails the whole batch and rolls it back.
 *
 * The batch first runs without savepoints: a savepoint per item costs 20-45 µs per order here, because SQLite
 * copies every page an item first touches into its sub-journal, which spills to a temporary file past 64 KiB
 * (measured on both drivers, bench note in docs/architecture.md). If an item throws, the whole transaction is
 * rolled back and the batch runs again with a savepoint per item, so the committed result is the one the
 * savepoints alone would give. A run may therefore be run twice: it must do nothing but statements on `raw`.
 */
export function commitBatch(raw: RawSqlite) {
  const [begin, commit, rollback, savepoint, release, rollbackTo] = [
    'BEGIN IMMEDIATE', 'COMMIT', 'ROLLBACK', 'SAVEPOINT oc_item', 'RELEASE oc_item', 'ROLLBACK TO oc_item',
  ].map((s) => raw.prepare(s)) as [RawStatement, RawStatement, RawStatement, RawStatement, RawStatement, RawStatement];
  const rollBack = () => {
    try {
      rollback.run();
    } catch {
      // SQLite already rolled the transaction back (it does on some I/O and full-disk errors).
    }
  };
  const eachInSavepoint = (runs: ReadonlyArray<() => unknown>) =>
    runs.map((run): Outcome<unknown> => {
      savepoint.run();
      try {
        const value = run();
        release.run();
        return { ok: true, value };
      } catch (error) {
        rollbackTo.run();
        release.run();
        return { ok: false, error };
      }
    });
  const allAtOnce = (runs: ReadonlyArray<() => unknown>): Outcome<unknown>[] | undefined => {
    const outcomes: Outcome<unknown>[] = [];
    try {
      for (const run of runs) outcomes.push({ ok: true, value: run() });
    } catch {
      rollBack();
      return undefined;
    }
    return outcomes;
  };
  return (runs: ReadonlyArray<() => unknown>): Outcome<unknown>[] => {
    begin.run();
    let outcomes = allAtOnce(runs);
    try {
      if (!outcomes) {
        begin.run();
        outcomes = eachInSavepoint(runs);
      }
      commit.run();
      return outcomes;
    } catch (error) {
      rollBack();
      throw error;
    }
  };
}

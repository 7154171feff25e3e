// Reads every table of either dialect in primary-key order, in batches, and checksums it the same way on both.
import { createHash } from 'node:crypto';
import { and, asc, eq, getTableColumns, gt, or, sql, type Column, type SQL } from 'drizzle-orm';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type { PgDatabase, PgTable } from 'drizzle-orm/pg-core';
import type { PostgresJsQueryResultHKT } from 'drizzle-orm/postgres-js';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import * as pg from './schema/pg.ts';
import * as lite from './schema/sqlite.ts';

export type Row = Record<string, unknown>;
export type SqliteDb = BetterSQLite3Database<typeof lite>;
export type PgDb = PgDatabase<PostgresJsQueryResultHKT, typeof pg>;

export interface TableSpec {
  name: string;
  sqlite: SQLiteTable;
  pg: PgTable;
  /** Primary-key properties, in order: the copy and checksum order. */
  key: string[];
  /** The identity column whose sequence must continue after the copied values. */
  serial?: string;
}

/** Dependency order: events before deliveries (foreign key); the rest stand alone. */
export const TABLES: TableSpec[] = [
  { name: 'nonces', sqlite: lite.nonces, pg: pg.nonces, key: ['ocid', 'nonce'] },
  { name: 'orders', sqlite: lite.orders, pg: pg.orders, key: ['seq'], serial: 'seq' },
  { name: 'events', sqlite: lite.events, pg: pg.events, key: ['seq'], serial: 'seq' },
  { name: 'deliveries', sqlite: lite.deliveries, pg: pg.deliveries, key: ['id'] },
  { name: 'proofs', sqlite: lite.proofs, pg: pg.proofs, key: ['id'], serial: 'id' },
  { name: 'charges', sqlite: lite.charges, pg: pg.charges, key: ['id'] },
];

/** The column properties both dialects must share; a schema drift is a programmer error. */
export function columnsOf(spec: TableSpec): string[] {
  const a = Object.keys(getTableColumns(spec.sqlite)).sort();
  const b = Object.keys(getTableColumns(spec.pg)).sort();
  if (a.join() !== b.join()) throw new Error(`schema drift in ${spec.name}: sqlite has [${a}], pg has [${b}]`);
  return a;
}

/** One dialect's reader: row count and key-ordered batches (keyset pagination, no OFFSET). */
export interface Side {
  count(spec: TableSpec): Promise<number>;
  batches(spec: TableSpec, size: number): AsyncGenerator<Row[]>;
}

/** `key > last` over one or two key columns; `text` wraps text columns (PG compares them bytewise, like SQLite). */
function after(cols: Column[], last: unknown[], text: (c: Column) => SQL): SQL {
  const [c1, c2] = cols;
  if (!c2) return gt(text(c1!), last[0]);
  return or(gt(text(c1!), last[0]), and(eq(c1!, last[0]), gt(text(c2), last[1])))!;
}

function keyCols(table: SQLiteTable | PgTable, spec: TableSpec): Column[] {
  const all = getTableColumns(table) as Record<string, Column>;
  return spec.key.map((k) => all[k]!);
}

export function sqliteSide(db: SqliteDb): Side {
  return {
    async count(spec) {
      return db.select({ n: sql<number>`count(*)` }).from(spec.sqlite).get()!.n;
    },
    async *batches(spec, size) {
      const cols = keyCols(spec.sqlite, spec);
      let last: unknown[] | undefined;
      for (;;) {
        const rows = db
          .select()
          .from(spec.sqlite)
          .where(last ? after(cols, last, (c) => sql`${c}`) : undefined)
          .orderBy(...cols.map((c) => asc(c)))
          .limit(size)
          .all() as Row[];
        if (rows.length === 0) return;
        yield rows;
        last = spec.key.map((k) => rows[rows.length - 1]![k]);
      }
    },
  };
}

export function pgSide(db: PgDb): Side {
  // SQLite's BINARY collation is byte order; "C" gives PostgreSQL the same order for text keys.
  const bytewise = (c: Column) => (c.dataType === 'string' ? sql`${c} collate "C"` : sql`${c}`);
  return {
    async count(spec) {
      const [r] = await db.select({ n: sql<number>`count(*)::int` }).from(spec.pg);
      return r!.n;
    },
    async *batches(spec, size) {
      const cols = keyCols(spec.pg, spec);
      let last: unknown[] | undefined;
      for (;;) {
        const rows = (await db
          .select()
          .from(spec.pg)
          .where(last ? after(cols, last, bytewise) : undefined)
          .orderBy(...cols.map((c) => asc(bytewise(c))))
          .limit(size)) as Row[];
        if (rows.length === 0) return;
        yield rows;
        last = spec.key.map((k) => rows[rows.length - 1]![k]);
      }
    },
  };
}

/** sha256 over the rows in key order, each the JSON array of its values in sorted column order. */
export async function checksum(side: Side, spec: TableSpec, size = 1000): Promise<{ rows: number; sha256: string }> {
  const columns = columnsOf(spec);
  const hash = createHash('sha256');
  let rows = 0;
  for await (const batch of side.batches(spec, size)) {
    for (const r of batch) hash.update(JSON.stringify(columns.map((c) => r[c] ?? null)) + '\n');
    rows += batch.length;
  }
  return { rows, sha256: hash.digest('hex') };
}

/** After explicit ids were copied: the next generated one follows the largest copied one. */
export async function resetSequence(db: PgDb, spec: TableSpec): Promise<void> {
  if (!spec.serial) return;
  const col = (getTableColumns(spec.pg) as Record<string, Column>)[spec.serial]!.name;
  await db.execute(
    sql`select setval(pg_get_serial_sequence(${spec.name}, ${col}), coalesce((select max(${sql.identifier(col)}) from ${sql.identifier(spec.name)}), 0) + 1, false)`,
  );
}

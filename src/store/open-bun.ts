// Opens the store named by OC_DATABASE_URL under Bun (file: → bun:sqlite), applying committed migrations.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Database } from 'bun:sqlite';
import { drizzle } from 'drizzle-orm/bun-sqlite';
import { migrate } from 'drizzle-orm/bun-sqlite/migrator';
import * as schema from './schema/sqlite.ts';
import { createSqliteStore, type RawSqlite, type SyncSqlite } from './sqlite.ts';
import { prepareSqliteFolder, sqliteOpenError, sqlitePath } from './sqlite-path.ts';
import { isPgUrl, maskDbUrl } from './db-url.ts';
import type { OpenOptions } from './open.ts';
import type { Store } from './types.ts';

// Not imported from open.ts: that module loads better-sqlite3, which Bun refuses to run.
const MIGRATIONS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../migrations');

/** Same list as SQLITE_PRAGMAS in open.ts (WAL, FULL sync, busy timeout, foreign keys); bun:sqlite takes them via exec. */
export const BUN_SQLITE_PRAGMAS = ['journal_mode = WAL', 'synchronous = FULL', 'busy_timeout = 5000', 'foreign_keys = ON'];

/** A bun:sqlite connection with the payment pragmas; `strict` makes named parameters bind without their prefix. */
export function openBunSqliteConnection(path: string): Database {
  const sqlite = new Database(path, { create: true, readwrite: true, strict: true });
  try {
    for (const p of BUN_SQLITE_PRAGMAS) sqlite.exec(`PRAGMA ${p};`);
  } catch (err) {
    sqlite.close();
    throw err;
  }
  return sqlite;
}

export async function openStoreBun(url: string, opts: OpenOptions = {}): Promise<Store> {
  const cwd = opts.cwd ?? process.cwd();
  const path = sqlitePath(url, cwd);
  if (path === undefined) {
    if (!isPgUrl(url)) throw new Error(`OC_DATABASE_URL: unsupported URL scheme in '${maskDbUrl(url)}' (use file:… or postgres://…)`);
    // postgres.js runs on Bun; pg-connect.ts is what open.ts uses too, and loads no better-sqlite3.
    const { openPgStore } = await import('./pg-connect.ts');
    return openPgStore(url, opts);
  }
  prepareSqliteFolder(url, path, cwd);
  let sqlite: Database;
  try {
    sqlite = openBunSqliteConnection(path);
  } catch (err) {
    throw sqliteOpenError(url, path, err);
  }
  // bun:sqlite's run() returns { changes, lastInsertRowid } like better-sqlite3, which createSqliteStore relies on.
  const db = drizzle({ client: sqlite, schema }) as unknown as SyncSqlite;
  if (opts.migrate !== false) migrate(db as never, { migrationsFolder: resolve(MIGRATIONS_DIR, 'sqlite') });
  return createSqliteStore(db, sqlite as unknown as RawSqlite, () => sqlite.close());
}

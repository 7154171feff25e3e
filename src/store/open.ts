// Opens the store named by OC_DATABASE_URL on Node (file: → better-sqlite3, postgres:// → postgres.js), migrated.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema/sqlite.ts';
import { createSqliteStore, type RawSqlite, type SyncSqlite } from './sqlite.ts';
import type { Store } from './types.ts';
import { prepareSqliteFolder, sqliteOpenError, sqlitePath } from './sqlite-path.ts';
import { isPgUrl, maskDbUrl } from './db-url.ts';

export const MIGRATIONS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../migrations');

/** The pragmas payment state needs: WAL, FULL sync (a commit survives a power cut), busy timeout, foreign keys. */
export const SQLITE_PRAGMAS = ['journal_mode = WAL', 'synchronous = FULL', 'busy_timeout = 5000', 'foreign_keys = ON'];

/** A better-sqlite3 connection with the payment pragmas applied (used by openStore and its test). */
export function openSqliteConnection(path: string): Database.Database {
  const sqlite = new Database(path);
  try {
    for (const p of SQLITE_PRAGMAS) sqlite.pragma(p);
  } catch (err) {
    sqlite.close();
    throw err;
  }
  return sqlite;
}

export interface OpenOptions {
  cwd?: string;
  /** Apply migrations (default true): `serve` and `migrate` do; tests always do. */
  migrate?: boolean;
  /** PostgreSQL connections in this process's pool (OC_DATABASE_POOL_SIZE); SQLite has one connection. */
  poolSize?: number;
}

export async function openStore(url: string, opts: OpenOptions = {}): Promise<Store> {
  const cwd = opts.cwd ?? process.cwd();
  const path = sqlitePath(url, cwd);
  if (path !== undefined) {
    prepareSqliteFolder(url, path, cwd);
    let sqlite: Database.Database;
    try {
      sqlite = openSqliteConnection(path);
    } catch (err) {
      throw sqliteOpenError(url, path, err);
    }
    const db = drizzle(sqlite, { schema }) as unknown as SyncSqlite;
    if (opts.migrate !== false) migrate(db as never, { migrationsFolder: resolve(MIGRATIONS_DIR, 'sqlite') });
    return createSqliteStore(db, sqlite as unknown as RawSqlite, () => sqlite.close());
  }
  if (isPgUrl(url)) {
    // Loaded on demand: a SQLite deployment never loads the PostgreSQL driver.
    const { openPgStore } = await import('./pg-connect.ts');
    return openPgStore(url, opts);
  }
  throw new Error(`OC_DATABASE_URL: unsupported URL scheme in '${maskDbUrl(url)}' (use file:… or postgres://…)`);
}

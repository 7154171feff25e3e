// Connects to PostgreSQL from a postgres:// URL: optional ?schema= isolation, migrations under an advisory lock.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import * as schema from './schema/pg.ts';
import { createPgStore } from './pg.ts';
import { parsePgUrl, type PgTarget } from './db-url.ts';
import type { OpenOptions } from './open.ts';
import type { Store } from './types.ts';

export type PgDb = PostgresJsDatabase<typeof schema>;

export const PG_MIGRATIONS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../migrations/pg');

export interface PgConnectOptions {
  /** Apply migrations/pg (default true); the schema named by ?schema= is created first if missing. */
  migrate?: boolean;
  /** Pool size (postgres.js default 10; the store's default is DEFAULT_POOL_SIZE, OC_DATABASE_POOL_SIZE). */
  max?: number;
}

export interface PgConnection {
  db: PgDb;
  client: postgres.Sql;
  schema?: string;
  masked: string;
  close(): Promise<void>;
}

function clientFor(target: PgTarget, max?: number): postgres.Sql {
  return postgres(target.driverUrl, {
    ...(max ? { max } : {}),
    onnotice: () => {}, // "schema already exists, skipping" and friends are not news
    connection: { application_name: 'opencharge-merchant', ...(target.schema ? { search_path: target.schema } : {}) },
  });
}

/** Rewords a driver error so it names the setting and the (masked) server, never the password. */
function connectError(target: PgTarget, err: unknown): Error {
  const { password } = target;
  // drizzle wraps driver errors ("Failed query: …"); the server's own words are in the cause.
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : undefined;
  let msg = cause ? cause.message : err instanceof Error ? err.message : String(err);
  if (password) msg = msg.split(password).join('***');
  return new Error(`OC_DATABASE_URL: PostgreSQL at ${target.masked}: ${msg}`, { cause: err });
}

/**
 * Migrations take a session advisory lock on one dedicated connection, so several instances starting at
 * once against one database apply them once (drizzle's migrator alone would race on CREATE TABLE).
 */
async function migrateLocked(target: PgTarget): Promise<void> {
  const client = clientFor(target, 1);
  try {
    const db = drizzle(client, { schema });
    await db.execute(sql`select pg_advisory_lock(hashtext('opencharge-merchant migrate'), hashtext(${target.schema ?? ''}))`);
    if (target.schema) await db.execute(sql`create schema if not exists ${sql.identifier(target.schema)}`);
    await migrate(db, { migrationsFolder: PG_MIGRATIONS_DIR, ...(target.schema ? { migrationsSchema: target.schema } : {}) });
  } finally {
    await client.end({ timeout: 5 }); // ending the session releases the advisory lock
  }
}

export async function connectPg(url: string, opts: PgConnectOptions = {}): Promise<PgConnection> {
  const target = parsePgUrl(url);
  try {
    if (opts.migrate !== false) await migrateLocked(target);
  } catch (err) {
    throw connectError(target, err);
  }
  const client = clientFor(target, opts.max);
  const db = drizzle(client, { schema });
  try {
    await db.execute(sql`select 1`);
  } catch (err) {
    await client.end({ timeout: 1 });
    throw connectError(target, err);
  }
  return { db, client, schema: target.schema, masked: target.masked, close: () => client.end({ timeout: 5 }) };
}

/** Connections per instance when OC_DATABASE_POOL_SIZE is not set. */
export const DEFAULT_POOL_SIZE = 10;

/**
 * Creation batches committing at once: a quarter of the pool (at least one), so reads, sweeps and the
 * delivery worker keep connections while creations queue into larger batches.
 */
export const groupCommitsInFlight = (poolSize: number) => Math.max(1, Math.floor(poolSize / 4));

/** openStore's PostgreSQL branch. */
export async function openPgStore(url: string, opts: OpenOptions = {}): Promise<Store> {
  const c = await connectPg(url, { migrate: opts.migrate, max: opts.poolSize ?? DEFAULT_POOL_SIZE });
  return createPgStore(c.db, c.client, c.close, { inFlight: groupCommitsInFlight(opts.poolSize ?? DEFAULT_POOL_SIZE) });
}

// The rate limits on PostgreSQL: rate-limiter-flexible's PostgreSQL limiter over postgres.js, one table shared by every instance.
import type postgres from 'postgres';
import { RateLimiterMemory, RateLimiterPostgres } from 'rate-limiter-flexible';
import type { Config } from '../config.ts';
import { connectPg } from '../store/pg-connect.ts';
import { createRateLimits, type MakeLimiter, type RateLimits } from './limits.ts';

/** Created by the limiter itself (CREATE TABLE IF NOT EXISTS) in the database URL's schema. */
export const RATE_LIMIT_TABLE = 'oc_rate_limits';

export interface PgQuery {
  text: string;
  values?: unknown[];
}

/**
 * RateLimiterPostgres speaks node-postgres: `query({text, values, name})` → `{rows, rowCount}`. postgres.js
 * runs the same parameterised text through `unsafe` (the text is the library's own, the values are bound);
 * `name` is not needed, postgres.js prepares and caches by text.
 */
export function pgQueryClient(sql: postgres.Sql) {
  return {
    async query(q: PgQuery): Promise<{ rows: Record<string, unknown>[]; rowCount: number }> {
      const result = await sql.unsafe(q.text, (q.values ?? []) as postgres.ParameterOrJSON<never>[], { prepare: true });
      return { rows: [...result], rowCount: result.count };
    },
  };
}

/** Creates the table (awaited, so no limiter ever answers "table is not created yet"), then builds limiters on it. */
export async function pgLimiters(sql: postgres.Sql, tableName = RATE_LIMIT_TABLE): Promise<MakeLimiter> {
  const storeClient = pgQueryClient(sql);
  const base = { storeClient, storeType: 'client', tableName };
  const create = () =>
    new Promise<void>((resolve, reject) => {
      new RateLimiterPostgres({ ...base, points: 1, duration: 1, clearExpiredByTimeout: false }, (err?: Error) => (err ? reject(err) : resolve()));
    });
  // Instances starting together race on CREATE TABLE IF NOT EXISTS (PostgreSQL answers "type … already exists"
  // to the loser): the table is there then, so one more IF NOT EXISTS settles it.
  await create().catch((err: Error & { code?: string }) => {
    if (err.code === '23505' || err.code === '42P07' || /already exists/.test(err.message)) return create();
    throw err;
  });
  return (spec) =>
    new RateLimiterPostgres({
      ...base,
      ...spec,
      tableCreated: true,
      // A key over its limit is refused from memory until its window ends: a flood costs no queries.
      inMemoryBlockOnConsumed: spec.points,
      // If the database fails, each instance keeps limiting on its own rather than failing requests.
      insuranceLimiter: new RateLimiterMemory(spec),
    });
}

/**
 * Opens a small pool of its own (4 connections): a flood of limited requests never takes the
 * connections that payments need.
 */
export async function openPgRateLimits(config: Pick<Config, 'databaseUrl' | 'rateLimit' | 'rateLimitIp'>): Promise<RateLimits> {
  const conn = await connectPg(config.databaseUrl, { migrate: false, max: 4 });
  try {
    return createRateLimits(config, await pgLimiters(conn.client), conn.close);
  } catch (err) {
    await conn.close();
    throw new Error(`OC_DATABASE_URL: PostgreSQL at ${conn.masked}: cannot create the rate-limit table ${RATE_LIMIT_TABLE}: ${(err as Error).message}`, { cause: err });
  }
}

// PostgreSQL for tests: the server URL, a reachability check that fails on CI, and throwaway schemas.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { maskDbUrl } from '../../src/store/db-url.ts';

export const PG_TEST_URL = process.env.OC_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const START_HINT = 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start';

function admin(max = 1): postgres.Sql {
  return postgres(PG_TEST_URL, { max, connect_timeout: 5, onnotice: () => {} });
}

/**
 * True when the test server answers. When it does not: on CI (CI set) this throws, so the run fails;
 * locally it warns loudly that the PostgreSQL tests did NOT run, and the caller skips them.
 */
export async function pgAvailable(what: string): Promise<boolean> {
  const sql = admin();
  try {
    await sql`select 1`;
    return true;
  } catch (err) {
    const reason = (err as Error).message;
    const where = maskDbUrl(PG_TEST_URL);
    if (process.env.CI) throw new Error(`${what}: PostgreSQL is required on CI but ${where} is unreachable (${reason})`);
    console.warn(
      [
        '',
        '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
        `!! ${what}: the PostgreSQL tests did NOT run.`,
        `!! ${where} is unreachable: ${reason}`,
        `!! Start the local server with:  ${START_HINT}`,
        '!! or point OC_TEST_PG_URL at one. On CI (CI set) this is a failure, not a skip.',
        '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
        '',
      ].join('\n'),
    );
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** A schema name no other run uses (pid + random), and the test URL pointing at it. */
export function freshSchema(prefix = 'oc_test'): { schema: string; url: string } {
  const schema = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const u = new URL(PG_TEST_URL);
  u.searchParams.set('schema', schema);
  return { schema, url: u.toString() };
}

export async function dropSchema(schema: string): Promise<void> {
  const sql = admin();
  try {
    await sql`drop schema if exists ${sql(schema)} cascade`;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** Runs raw SQL against one schema (for assertions the Store API does not offer). */
export async function withSchemaSql<T>(schema: string, fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(PG_TEST_URL, { max: 2, onnotice: () => {}, connection: { search_path: schema } });
  try {
    return await fn(sql);
  } finally {
    await sql.end({ timeout: 1 });
  }
}

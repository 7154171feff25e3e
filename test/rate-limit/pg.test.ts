// Rate limits on PostgreSQL: the postgres.js adapter for rate-limiter-flexible, and limits that hold across instances.
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLER_OCID, ISSUER, ISSUER_OCID, makeHarness, type Harness } from '../helpers/harness.ts';
import { PG_TEST_URL, dropSchema, freshSchema, pgAvailable, withSchemaSql } from '../helpers/pg-schema.ts';
import { openPgRateLimits, pgLimiters, pgQueryClient, RATE_LIMIT_TABLE } from '../../src/rate-limit/pg.ts';
import { createRateLimits } from '../../src/rate-limit/limits.ts';
import { loadConfig } from '../../src/config.ts';

const available = await pgAvailable('test/rate-limit/pg.test.ts');
const { schema, url } = freshSchema('oc_rl');
const TOKEN = 'admin-token-0123456789abcdef';
const CAPS = '/opencharge/capabilities';

beforeAll(async () => {
  if (!available) return;
  const sql = postgres(PG_TEST_URL, { max: 1, onnotice: () => {} });
  await sql`create schema ${sql(schema)}`;
  await sql.end();
});
afterAll(async () => {
  if (available) await dropSchema(schema);
});

describe.skipIf(!available)('pgQueryClient: node-postgres query() over postgres.js', () => {
  it('binds values and answers {rows, rowCount}', async () => {
    await withSchemaSql(schema, async (sql) => {
      const client = pgQueryClient(sql);
      await client.query({ text: 'create table adapter_probe (k text primary key, n integer)' });
      const ins = await client.query({ text: 'insert into adapter_probe values ($1, $2), ($3, $4) returning n', values: ['a', 1, 'b', 2] });
      expect(ins).toEqual({ rows: [{ n: 1 }, { n: 2 }], rowCount: 2 });
      const hostile = "x'); drop table adapter_probe; --";
      expect(await client.query({ text: 'select k from adapter_probe where k = $1', values: [hostile] })).toEqual({ rows: [], rowCount: 0 });
      expect((await client.query({ text: 'select count(*)::int as c from adapter_probe' })).rows).toEqual([{ c: 2 }]);
    });
  });

  it('carries rate-limiter-flexible on a table of its own name, in the URL’s schema', async () => {
    await withSchemaSql(schema, async (sql) => {
      const limits = createRateLimits({ rateLimit: { rate: 1, burst: 2 }, rateLimitIp: undefined }, await pgLimiters(sql, 'probe_limits'));
      expect([await limits.caller.take('7'), await limits.caller.take('7')]).toEqual([undefined, undefined]);
      expect(await limits.caller.take('7')).toBeGreaterThanOrEqual(1);
      expect(await limits.caller.take('8')).toBeUndefined();
      const rows = await sql`select key, points from probe_limits order by key`;
      // The third request of '7' was refused from memory: a key over its limit costs no query until its window ends.
      expect(rows.map((r) => [r.key, r.points])).toEqual([['oc_rl_caller:7', 2], ['oc_rl_caller:8', 1]]);
      const where = await sql`select table_schema from information_schema.tables where table_name = 'probe_limits'`;
      expect(where.map((r) => r.table_schema)).toEqual([schema]);
    });
  });
});

describe.skipIf(!available)('two app instances sharing one limiter table', () => {
  const env = { OC_DATABASE_URL: url, OC_RATE_LIMIT: '1/30', OC_RATE_LIMIT_IP: '0', OC_ADMIN_TOKEN: TOKEN };
  let a: Harness;
  let b: Harness;
  beforeAll(async () => {
    // Each instance opens its own pool on the same schema, as two processes would (harness.close() closes them).
    const [la, lb] = await Promise.all([openPgRateLimits(loadConfig(env)), openPgRateLimits(loadConfig(env))]);
    const opts = { env: { OC_ADMIN_TOKEN: TOKEN }, socketAddress: (r: Request) => r.headers.get('x-test-peer') ?? undefined };
    a = await makeHarness({ ...opts, limits: () => la });
    b = await makeHarness({ ...opts, limits: () => lb });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  // 1/s with a burst of 30: a 30 s window, so a slow machine cannot refill the bucket in the middle of a test.
  it('the per-caller limit holds in total: 30 allowed across both instances, then both answer 429', async () => {
    const statuses = new Set<number>();
    for (let i = 0; i < 30; i++) statuses.add((await (i % 2 ? b : a).signed('GET', CAPS)).status);
    expect([...statuses]).toEqual([200]);
    expect((await a.signed('GET', CAPS)).status).toBe(429);
    const res = await b.signed('GET', CAPS);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
    // One row per key in the shared table; b refused its second extra request from memory, without a query.
    const rows = await withSchemaSql(schema, (sql) => sql`select points from ${sql(RATE_LIMIT_TABLE)} where key = ${`oc_rl_caller:${CALLER_OCID}`}`);
    expect(rows.map((r) => r.points)).toEqual([31]);
  });

  it('concurrent requests of another caller on both instances: exactly its burst passes', async () => {
    const as = { ocid: ISSUER_OCID, key: ISSUER.priv };
    const all = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).signed('GET', CAPS, '', as).then((r) => r.status)));
    expect(all.filter((s) => s === 200)).toHaveLength(30);
    expect(all.filter((s) => s === 429)).toHaveLength(10);
  });

  it('failed admin logins count across instances: 5 on each, then the right token is refused on both', async () => {
    const admin = (h: Harness, token: string) => h.app.request('/admin/orders', { headers: { authorization: `Bearer ${token}`, 'x-test-peer': '203.0.113.50' } });
    for (let i = 0; i < 10; i++) expect((await admin(i % 2 ? a : b, `wrong-token-${i}-0123456789`)).status).toBe(401);
    expect((await admin(a, TOKEN)).status).toBe(429);
    expect((await admin(b, TOKEN)).status).toBe(429);
  });
});

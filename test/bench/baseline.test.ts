// bench/baseline-server.ts as the bench runs it (a real process on 127.0.0.1): the lean pipelines (b) store each
// signed creation once, durably, in the project's own tables, and refuse a replayed nonce; the ceiling (c) signs
// without storing. What the bench compares against has to be right, or its ratios mean nothing.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { drive, prepareRequests } from '../../bench/driver.ts';
import { nobleBackend } from '../../src/protocol/noble.ts';
import { CALLER, CALLER_OCID } from '../helpers/harness.ts';
import { dropSchema, freshSchema, PG_TEST_URL, pgAvailable, withSchemaSql } from '../helpers/pg-schema.ts';
import { ROOT, startServerProcess } from '../helpers/serve-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'oc-bench-baseline-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function startBaseline(env: Record<string, string>): Promise<number> {
  const running = await startServerProcess({
    argv: [process.execPath, 'bin/run-ts.mjs', 'bench/baseline-server.ts'],
    cwd: ROOT,
    env: { OC_CRYPTO: 'noble', OC_PRIVATE_KEY: '11'.repeat(32), BENCH_CALLER_PUBLIC_KEY: CALLER.pub, ...env },
    ready: /baseline listening on (\d+)/,
  });
  children.push(running.child);
  return running.port;
}

const requests = () => prepareRequests({ backend: nobleBackend, callerKey: CALLER.priv, callerOcid: CALLER_OCID, count: 60 });

/** 60 creations over 8 connections (so several share a commit), then the same bytes again. */
async function createThenReplay(port: number) {
  const reqs = requests();
  const first = await drive(port, reqs, 8);
  const again = await drive(port, reqs, 8);
  return { first, again };
}

describe('the bench baselines', () => {
  it('(b) SQLite: each creation stored once with its event; a replayed nonce is refused', async () => {
    const file = join(dir, 'base.db');
    const port = await startBaseline({ BENCH_MODE: 'sqlite', BENCH_DB: file });
    const { first, again } = await createThenReplay(port);
    expect(first.statuses).toEqual({ 200: 60 });
    const { order } = JSON.parse(first.samples[200]!) as { order: { id: string; amount: string; currency: string } };
    expect(order).toMatchObject({ amount: '15.00', currency: 'USD' });
    // The server's time-ordered ids (src/orders/ids.ts): milliseconds of the creation second, then 80 random bits.
    expect(order.id).toMatch(/^ord_[0-9a-f]{32}$/);
    expect(Math.abs(parseInt(order.id.slice(4, 16), 16) - Date.now())).toBeLessThan(60_000);
    expect(again.statuses).toEqual({ 401: 60 });
    expect(JSON.parse(again.samples[401]!)).toMatchObject({ error: { code: 'NONCE_REUSED' } });
    const db = new Database(file, { readonly: true });
    try {
      const n = (q: string) => (db.prepare(q).get() as { n: number }).n;
      expect(n('select count(*) as n from orders')).toBe(60);
      expect(n("select count(*) as n from events e join orders o on o.id = e.order_id where e.type = 'order.created'")).toBe(60);
      expect(n('select count(*) as n from nonces')).toBe(60);
    } finally {
      db.close();
    }
  });

  it('(b) PostgreSQL, group-committed: each creation stored once with its event; a replayed nonce is refused', async (ctx) => {
    if (!(await pgAvailable('bench baseline (PostgreSQL)'))) return ctx.skip();
    const { schema } = freshSchema('oc_bench_base');
    try {
      const port = await startBaseline({ BENCH_MODE: 'postgres', BENCH_PG_URL: PG_TEST_URL, BENCH_PG_SCHEMA: schema });
      const { first, again } = await createThenReplay(port);
      expect(first.statuses).toEqual({ 200: 60 });
      expect(again.statuses).toEqual({ 401: 60 });
      expect(JSON.parse(again.samples[401]!)).toMatchObject({ error: { code: 'NONCE_REUSED' } });
      const counts = await withSchemaSql(schema, async (sql) => {
        const [r] = await sql`select (select count(*) from orders)::int as orders, (select count(*) from nonces)::int as nonces,
          (select count(*) from events e join orders o on o.id = e.order_id where e.type = 'order.created')::int as events,
          (select count(distinct xmin::text) from orders)::int as transactions`;
        return r!;
      });
      expect(counts).toMatchObject({ orders: 60, nonces: 60, events: 60 });
      // Rows written by one transaction share its xmin: under 8 connections, creations shared commits.
      expect(counts.transactions).toBeLessThan(60);
    } finally {
      await dropSchema(schema);
    }
  });

  it('(c) the ceiling answers every creation and stores nothing, so a replay is answered again', async () => {
    const port = await startBaseline({ BENCH_MODE: 'ceiling' });
    const { first, again } = await createThenReplay(port);
    expect(first.statuses).toEqual({ 200: 60 });
    expect(again.statuses).toEqual({ 200: 60 });
  });
});

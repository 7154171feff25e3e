// Request logging: an access line per request, the reqId on every line a request writes, and the same id in a 500 answer.
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppEnv } from '../../src/http/context.ts';
import { ISSUER, ISSUER_OCID, makeHarness, type Harness } from '../helpers/harness.ts';
import { makeProof } from '../helpers/proofs.ts';

type Line = Record<string, unknown> & { msg: string; level: number };
const lines = (h: Harness): Line[] => h.log.lines.map((l) => JSON.parse(l) as Line);
const accessLines = (h: Harness) => lines(h).filter((l) => l.msg === 'request');

let h: Harness;
afterEach(async () => h?.close());

/** A route that logs through deps.log after an await, as use cases do: it never sees the request id. */
function probe(h0: { log: Harness['log']; ping: () => Promise<boolean> }) {
  const app = new Hono<AppEnv>();
  app.get('/probe', async (c) => {
    await h0.ping();
    await new Promise((r) => setTimeout(r, 1));
    h0.log.warn('probe ran', { step: c.req.query('step') });
    return c.text('ok');
  });
  app.get('/explode', () => {
    throw new Error('kaput at the database');
  });
  return app;
}

const harness = () => makeHarness({ probes: (d) => [{ path: 'root', app: probe({ log: d.log as Harness['log'], ping: () => d.store.ping() }) }] });

describe('access lines', () => {
  it('one info line per request: method, path, status, durationMs and a reqId', async () => {
    h = await harness();
    expect((await h.app.request('/healthz')).status).toBe(200);
    expect((await h.app.request('/opencharge/orders/ord_missing/status')).status).toBe(404);
    const [ok, missing] = accessLines(h);
    expect(ok).toEqual({ level: 30, time: expect.any(Number), pid: process.pid, hostname: expect.any(String), reqId: expect.any(String), msg: 'request', method: 'GET', path: '/healthz', status: 200, durationMs: expect.any(Number) });
    expect(missing).toMatchObject({ method: 'GET', path: '/opencharge/orders/ord_missing/status', status: 404 });
    expect(ok!.reqId).not.toBe(missing!.reqId);
  });

  it('logs the path without its query (a callback token travels there) and cuts a very long path', async () => {
    h = await harness();
    await h.app.request('/opencharge/callbacks/coingate?token=cb-token-secret-value');
    await h.app.request('/' + 'x'.repeat(5000));
    const [callback, long] = accessLines(h);
    expect(callback!.path).toBe('/opencharge/callbacks/coingate');
    expect(h.log.lines.join('\n')).not.toContain('cb-token-secret-value');
    expect(String(long!.path)).toHaveLength(256);
  });
});

describe('the request id on every line of a request', () => {
  it('reaches lines written deep inside the request through deps.log, after awaits', async () => {
    h = await harness();
    await h.app.request('/probe?step=1');
    const [probeLine, access] = lines(h);
    expect(probeLine).toMatchObject({ msg: 'probe ran', level: 40, step: '1', reqId: access!.reqId });
    expect(access!.msg).toBe('request');
  });

  it('keeps concurrent requests apart', async () => {
    h = await harness();
    await Promise.all(Array.from({ length: 6 }, (_, i) => h.app.request(`/probe?step=${i}`)));
    const all = lines(h);
    const probes = all.filter((l) => l.msg === 'probe ran');
    expect(new Set(probes.map((l) => l.reqId)).size).toBe(6);
    for (const p of probes) {
      const access = all.filter((l) => l.msg === 'request' && l.reqId === p.reqId);
      expect(access).toHaveLength(1);
    }
  });

  it("carries the use case's own line: a transfer proof is logged with the reqId of the webhook request", async () => {
    h = await harness();
    const created = await h.signed('POST', '/opencharge/orders/create', JSON.stringify({ amount: '15.00', currency: 'USD' }));
    const id = ((await created.json()) as { order: { id: string } }).order.id;
    const res = await h.signed('POST', '/opencharge/transfer/webhook', JSON.stringify(makeProof(id, { txid: 'tx_logged' })), { ocid: ISSUER_OCID, key: ISSUER.priv });
    expect(res.status).toBe(200);
    const all = lines(h);
    const proof = all.find((l) => l.msg === 'transfer proof')!;
    expect(proof).toMatchObject({ txid: 'tx_logged', orderId: id, reqId: expect.any(String) });
    expect(all.find((l) => l.msg === 'request' && l.reqId === proof.reqId)).toMatchObject({ method: 'POST', path: '/opencharge/transfer/webhook', status: 200 });
  });

  it('a 500 answer names the same id as its error line and its access line, and hides the cause', async () => {
    h = await harness();
    const res = await h.app.request('/explode');
    expect(res.status).toBe(500);
    const text = await res.text();
    const body = JSON.parse(text) as { error: { code: string; details: { requestId: string } } };
    expect(body.error).toEqual({ code: 'INTERNAL', message: 'internal error', details: { requestId: expect.any(String) } });
    expect(text).not.toContain('kaput');
    const all = lines(h);
    const error = all.find((l) => l.msg === 'unhandled error')!;
    expect(error).toMatchObject({ level: 50, reqId: body.error.details.requestId, method: 'GET', path: '/explode' });
    expect(String(error.error)).toContain('kaput at the database');
    expect(all.find((l) => l.msg === 'request')).toMatchObject({ reqId: body.error.details.requestId, status: 500 });
  });
});

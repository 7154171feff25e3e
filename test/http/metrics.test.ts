// GET /metrics: who may read it (OC_METRICS, the admin token), and counters that move with real requests, deliveries and gateway calls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register as globalRegistry } from 'prom-client';
import { ADMIN_TOKEN, productionApp } from '../helpers/production-app.ts';
import { CALLER, CALLER_OCID, ISSUER, ISSUER_OCID, STRANGER } from '../helpers/harness.ts';
import { makeProof } from '../helpers/proofs.ts';
import { closeServers, startServer } from '../helpers/http-server.ts';
import { startCoinGateFake, type CoinGateFake } from '../fakes/coingate.ts';
import { loadConfig } from '../../src/config.ts';

const SECRET = 'whsec_' + Buffer.from('metrics-test-webhook-secret').toString('base64');
const bearer = (token = ADMIN_TOKEN) => ({ authorization: `Bearer ${token}` });

// The text exposition format 0.0.4: comments, blank lines, and `name{label="value",…} value [timestamp]`.
const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const HELP = new RegExp(`^# HELP (${NAME}) .+$`);
const TYPE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const SAMPLE = new RegExp(`^(${NAME})(?:\\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:\\\\.|[^"\\\\])*",?)*)\\})? ([+-]?(?:\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?|Inf|NaN)|[+-]Inf)(?: -?\\d+)?$`);
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:\\.|[^"\\])*)"/g;

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses a scrape, failing on any line outside the format or any sample without its # TYPE. */
function parse(text: string): Sample[] {
  const typed = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || HELP.test(line)) continue;
    const type = TYPE.exec(line);
    if (type) {
      typed.set(type[1]!, type[2]!);
      continue;
    }
    const m = SAMPLE.exec(line);
    expect(m, `not in the exposition format: ${JSON.stringify(line)}`).not.toBeNull();
    const name = m![1]!;
    const family = typed.has(name) ? name : name.replace(/_(bucket|sum|count)$/, '');
    expect(typed.get(family), `${name} has no # TYPE line before it`).toBeDefined();
    const labels = Object.fromEntries([...(m![2] ?? '').matchAll(LABEL)].map((l) => [l[1]!, l[2]!]));
    samples.push({ name, labels, value: Number(m![3]) });
  }
  return samples;
}

/** The sum of the samples named `name` whose labels include `labels`. */
const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((n, s) => n + s.value, 0);

type App = Awaited<ReturnType<typeof productionApp>>;

async function scrape(app: App): Promise<Sample[]> {
  const res = await app.app.request('/metrics', { headers: bearer() });
  expect(res.status).toBe(200);
  return parse(await res.text());
}

describe('GET /metrics: who may read it', () => {
  const withApp = async (env: Record<string, string>, run: (app: App) => Promise<void>) => {
    const app = await productionApp(env);
    try {
      await run(app);
    } finally {
      await app.close();
    }
  };

  it('is off without OC_METRICS and without OC_ADMIN_TOKEN: 404 NOT_FOUND in the envelope', () =>
    withApp({}, async ({ app }) => {
      const res = await app.request('/metrics');
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    }));

  it('is behind the admin token when only OC_ADMIN_TOKEN is set: 401 without it, 401 with a wrong one, 200 with it', () =>
    withApp({ OC_ADMIN_TOKEN: ADMIN_TOKEN }, async ({ app }) => {
      const none = await app.request('/metrics');
      expect(none.status).toBe(401);
      expect(((await none.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
      expect((await app.request('/metrics', { headers: bearer('wrong-token-0123456789abcdef') })).status).toBe(401);
      const ok = await app.request('/metrics', { headers: bearer() });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    }));

  it.each([
    ['without an admin token', { OC_METRICS: '1' }],
    ['with an admin token too', { OC_METRICS: 'true', OC_ADMIN_TOKEN: ADMIN_TOKEN }],
  ])('is public with OC_METRICS=1 (%s)', (_label, env) =>
    withApp(env, async ({ app }) => {
      const res = await app.request('/metrics');
      expect(res.status).toBe(200);
      expect(parse(await res.text()).length).toBeGreaterThan(0);
    }));

  it('refuses an OC_METRICS other than 0, 1, true, false, naming the setting', () => {
    expect(() => loadConfig({ OC_METRICS: 'yes' })).toThrow(/^OC_METRICS: /);
  });
});

describe('counters after real requests', () => {
  let app: App;
  let coingate: CoinGateFake;
  let before: Sample[];
  let middle: Sample[];
  let after: Sample[];
  const hooks: string[] = [];
  const delta = (name: string, labels: Record<string, string> = {}) => value(after, name, labels) - value(before, name, labels);

  beforeAll(async () => {
    // The caller's key comes from its metadata (so the key cache is used); the issuer's is static.
    const metadata = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ opencharge: '0.1', config: { publicKey: CALLER.pub } }));
    });
    const receiver = await startServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        hooks.push(body);
        res.writeHead(204).end();
      });
    });
    coingate = await startCoinGateFake();
    app = await productionApp(
      { OC_ADMIN_TOKEN: ADMIN_TOKEN, OC_ALLOW_HTTP_PEERS: '1', OC_WEBHOOK_URL: `${receiver.base}/hook`, OC_WEBHOOK_SECRET: SECRET, ...coingate.env },
      [{ ocid: CALLER_OCID, metadataUrl: `${metadata.base}/metadata.json` }, { ocid: ISSUER_OCID, publicKey: ISSUER.pub }],
    );
    before = await scrape(app);

    // An order over the signed API (the caller's key: a cache miss), a second signed request (a hit), a bad signature (401).
    const created = await app.signed('POST', '/opencharge/orders/create', JSON.stringify({ amount: '15.00', currency: 'USD' }));
    expect(created.status).toBe(200);
    const orderId = ((await created.json()) as { order: { id: string } }).order.id;
    expect((await app.signed('GET', '/opencharge/capabilities')).status).toBe(200);
    expect((await app.signed('GET', '/opencharge/capabilities', '', { ocid: CALLER_OCID, key: STRANGER.priv })).status).toBe(401);

    // The issuer pays it; the same proof again; a proof whose signature is not the issuer's.
    const asIssuer = { ocid: ISSUER_OCID, key: ISSUER.priv };
    const proof = JSON.stringify(makeProof(orderId, { amount: '15.00' }));
    expect((await app.signed('POST', '/opencharge/transfer/webhook', proof, asIssuer)).status).toBe(200);
    expect((await app.signed('POST', '/opencharge/transfer/webhook', proof, asIssuer)).status).toBe(200);
    const forged = JSON.stringify(makeProof(orderId, { amount: '15.00' }, 'A', STRANGER.priv));
    expect((await app.signed('POST', '/opencharge/transfer/webhook', forged, asIssuer)).status).toBe(400);

    // A shop order paid through CoinGate: a create call, then the callback and its re-fetch.
    const shop = (await (await app.admin('/admin/orders', { amount: '9.99', currency: 'USD' })).json()) as { order: { id: string } };
    const link = await app.admin(`/admin/orders/${shop.order.id}/pay`, { gateway: 'coingate' });
    expect(link.status).toBe(200);
    const { reference } = (await link.json()) as { reference: string };
    coingate.settle(reference, 'paid');
    const cb = coingate.callback(reference);
    expect((await app.app.request(cb.target, { method: cb.method, headers: cb.headers, body: cb.method === 'GET' ? undefined : cb.body })).status).toBe(200);

    middle = await scrape(app);
    await app.task('notification delivery').run();
    after = await scrape(app);
  });
  afterAll(async () => {
    await app?.close();
    await coingate?.close();
    await closeServers();
  });

  it('counts orders created, by source', () => {
    expect(delta('opencharge_orders_created_total', { source: 'signed' })).toBe(1);
    expect(delta('opencharge_orders_created_total', { source: 'admin' })).toBe(1);
  });

  it('counts orders paid, by a proof and by a gateway', () => {
    expect(delta('opencharge_orders_paid_total', { via: 'proof' })).toBe(1);
    expect(delta('opencharge_orders_paid_total', { via: 'gateway' })).toBe(1);
  });

  it('counts proofs by verdict, repeats apart, and proof deliveries refused, by code', () => {
    expect(delta('opencharge_proofs_total', { verdict: 'accepted' })).toBe(1);
    expect(delta('opencharge_proofs_total', { verdict: 'repeat' })).toBe(1);
    expect(delta('opencharge_proofs_rejected_total', { code: 'PROOF_SIGNATURE_INVALID' })).toBe(1);
  });

  it('counts requests by route pattern and status, the 401 included, and times them', () => {
    expect(delta('opencharge_http_requests_total', { method: 'GET', route: '/opencharge/capabilities', status: '401' })).toBe(1);
    expect(delta('opencharge_http_requests_total', { method: 'GET', route: '/opencharge/capabilities', status: '200' })).toBe(1);
    expect(delta('opencharge_http_requests_total', { method: 'POST', route: '/admin/orders/:id/pay', status: '200' })).toBe(1);
    expect(delta('opencharge_http_request_duration_seconds_count', { method: 'POST', route: '/opencharge/transfer/webhook' })).toBe(3);
    expect(value(after, 'opencharge_http_request_duration_seconds_bucket', { method: 'POST', route: '/opencharge/transfer/webhook', le: '+Inf' })).toBe(3);
  });

  it('counts webhook deliveries to a real receiver by outcome, and the queue depth at scrape time', () => {
    expect(hooks).toHaveLength(4); // two order.created, two order.paid
    expect(delta('opencharge_webhook_deliveries_total', { outcome: 'succeeded' })).toBe(4);
    expect(value(middle, 'opencharge_webhook_queue_depth', { status: 'pending' }) - value(before, 'opencharge_webhook_queue_depth', { status: 'pending' })).toBe(4);
    expect(value(after, 'opencharge_webhook_queue_depth', { status: 'pending' })).toBe(0);
    expect(value(after, 'opencharge_webhook_queue_depth', { status: 'failed' })).toBe(0);
  });

  it('counts gateway calls by gateway, operation and outcome', () => {
    expect(delta('opencharge_gateway_calls_total', { gateway: 'coingate', operation: 'create', outcome: 'ok' })).toBe(1);
    expect(delta('opencharge_gateway_calls_total', { gateway: 'coingate', operation: 'fetch', outcome: 'ok' })).toBe(1);
  });

  it('counts key cache lookups: the first is a miss, later ones hits; static keys are not counted', () => {
    expect(delta('opencharge_key_cache_lookups_total', { result: 'miss' })).toBe(1);
    expect(delta('opencharge_key_cache_lookups_total', { result: 'hit' })).toBeGreaterThanOrEqual(2);
  });
});

describe('labels and registries', () => {
  let a: App;
  let b: App;
  beforeAll(async () => {
    a = await productionApp({ OC_METRICS: '1' });
    b = await productionApp({ OC_METRICS: '1' });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it('labels a request with its route pattern, never the raw path: ids and unknown paths add no series', async () => {
    for (const id of ['ord_first', 'ord_second']) expect((await a.app.request(`/opencharge/orders/${id}/status`)).status).toBe(404);
    expect((await a.app.request('/wp-login.php?x=1')).status).toBe(404);
    const text = await (await a.app.request('/metrics')).text();
    expect(text).not.toMatch(/ord_first|ord_second|wp-login/);
    const samples = parse(text);
    expect(value(samples, 'opencharge_http_requests_total', { route: '/opencharge/orders/:id/status', status: '404' })).toBe(2);
    expect(value(samples, 'opencharge_http_requests_total', { route: 'unmatched', status: '404' })).toBe(1);
  });

  it('keeps one registry per app: requests to one do not show in the other, nor in prom-client\'s global registry', async () => {
    for (let i = 0; i < 3; i++) await a.app.request('/healthz');
    const ofB = parse(await (await b.app.request('/metrics')).text());
    expect(value(ofB, 'opencharge_http_requests_total', { route: '/healthz' })).toBe(0);
    const ofA = parse(await (await a.app.request('/metrics')).text());
    expect(value(ofA, 'opencharge_http_requests_total', { route: '/healthz' })).toBe(3);
    expect(globalRegistry.getMetricsAsArray()).toEqual([]);
  });

  it('still answers a scrape when the database does not: the queue gauge is left out and the reason logged', async () => {
    const c = await productionApp({ OC_METRICS: '1' });
    try {
      await c.deps.store.close();
      const res = await c.app.request('/metrics');
      expect(res.status).toBe(200);
      const samples = parse(await res.text());
      expect(samples.filter((s) => s.name === 'opencharge_webhook_queue_depth')).toEqual([]);
      expect(c.log.lines.some((l) => l.includes('metrics: cannot count queued deliveries'))).toBe(true);
    } finally {
      await c.close();
    }
  });
});

// assembleServer, as every entry builds the server: one app with every route group, one scheduler with every task,
// and the background tasks sending through the injected fetch (not globalThis.fetch).
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, productionApp } from '../helpers/production-app.ts';
import { makeHarness, type Harness } from '../helpers/harness.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts';
import { startCoinGateFake } from '../fakes/coingate.ts';
import type { FakeGatewayServer } from '../fakes/types.ts';

const SECRET = 'whsec_' + Buffer.from('a shop webhook secret for assembly tests').toString('base64');
/** Never resolvable (RFC 6761): only a fetch that routes it somewhere else can deliver to it. */
const UNREACHABLE_HOOK = 'http://shop.invalid/hook';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function withWebhook(env: Record<string, string> = {}, fetch?: typeof globalThis.fetch): Promise<Harness> {
  const h = await makeHarness({ env: { OC_ADMIN_TOKEN: ADMIN_TOKEN, OC_WEBHOOK_URL: UNREACHABLE_HOOK, OC_WEBHOOK_SECRET: SECRET, ...env }, fetch });
  cleanup.push(() => h.close());
  return h;
}

async function receiver(): Promise<WebhookReceiver> {
  const shop = await startWebhookReceiver({ status: 200, body: 'ok' });
  cleanup.push(() => shop.close());
  return shop;
}

const createOrder = async (h: Harness) => {
  const res = await h.signed('POST', '/opencharge/orders/create', JSON.stringify({ amount: '15.00', currency: 'USD' }));
  expect(res.status).toBe(200);
  return ((await res.json()) as { order: { id: string } }).order.id;
};

describe('background tasks send through the injected fetch', () => {
  it('webhook delivery: the injected fetch carries the signed notification (globalThis.fetch could not reach shop.invalid)', async () => {
    const shop = await receiver();
    const sent: string[] = [];
    const routed: typeof globalThis.fetch = (input, init) => {
      sent.push(String(input instanceof Request ? input.url : input));
      return globalThis.fetch(shop.url, init);
    };
    const h = await withWebhook({}, routed);
    const orderId = await createOrder(h);
    await h.task('notification delivery').run();
    expect(sent).toEqual([UNREACHABLE_HOOK]);
    expect(shop.received).toHaveLength(1);
    expect(JSON.parse(shop.received[0]!.body)).toMatchObject({ type: 'order.created', data: { orderId } });
    expect(shop.received[0]!.headers['webhook-signature']).toMatch(/^v1,/);
    const [delivery] = await h.store.listDeliveries({ limit: 10 });
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 1, lastStatus: 200 });
  });

  it('the comparison: with globalThis.fetch the same delivery cannot reach shop.invalid and stays pending for a retry', async () => {
    const h = await withWebhook();
    await createOrder(h);
    await h.task('notification delivery').run();
    const [delivery] = await h.store.listDeliveries({ limit: 10 });
    expect(delivery).toMatchObject({ status: 'pending', attempts: 1, lastStatus: null });
    expect(delivery!.lastError).toMatch(/^network error/);
  });

  it('charge reconciliation: the gateway adapter asks its API through the injected fetch', async () => {
    const fake: FakeGatewayServer = await startCoinGateFake();
    cleanup.push(() => fake.close());
    const seen: string[] = [];
    const counting: typeof globalThis.fetch = (input, init) => {
      seen.push(new URL(String(input instanceof Request ? input.url : input)).origin);
      return globalThis.fetch(input, init);
    };
    const h = await makeHarness({ env: { OC_ADMIN_TOKEN: ADMIN_TOKEN, ...fake.env }, fetch: counting });
    cleanup.push(() => h.close());
    const admin = (path: string, body: unknown) =>
      h.app.request(path, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const created = (await (await admin('/admin/orders', { amount: '12.50', currency: 'USD' })).json()) as { order: { id: string } };
    expect((await admin(`/admin/orders/${created.order.id}/pay`, { gateway: 'coingate' })).status).toBe(200);
    const before = seen.length;
    expect(before).toBeGreaterThan(0);
    await h.task('charge reconciliation').run();
    expect(seen.length).toBeGreaterThan(before);
    expect(new Set(seen)).toEqual(new Set([new URL(fake.baseUrl).origin]));
  });
});

describe('one scheduler holds every background task', () => {
  it('without a gateway or a webhook URL: nonce purge and expiry sweep', async () => {
    const h = await makeHarness();
    cleanup.push(() => h.close());
    expect(h.scheduler.tasks.map((t) => t.name)).toEqual(['nonce purge', 'expiry sweep']);
  });

  it('with a gateway and a webhook URL: reconciliation and delivery as well, in that order', async () => {
    const fake = await startCoinGateFake();
    cleanup.push(() => fake.close());
    const h = await withWebhook(fake.env);
    expect(h.scheduler.tasks.map((t) => t.name)).toEqual(['nonce purge', 'expiry sweep', 'charge reconciliation', 'notification delivery']);
  });

  it('the expiry sweep it holds expires a pending order once its time is up', async () => {
    const h = await makeHarness();
    cleanup.push(() => h.close());
    const orderId = await createOrder(h);
    const order = await h.store.getOrder(orderId);
    h.clock.now = order!.expiresAt + 1;
    await h.task('expiry sweep').run();
    expect((await h.store.getOrder(orderId))?.status).toBe('expired');
  });
});

describe('createApp mounts every route group', () => {
  const routes: [string, string, RequestInit | undefined, number][] = [
    ['operations', '/healthz', undefined, 200],
    ['public', '/opencharge/metadata.json', undefined, 200],
    ['signed (refused unsigned, not missing)', '/opencharge/orders/create', { method: 'POST', body: '{}' }, 401],
    ['callbacks (no gateway enabled: the route answers, not the fallback)', '/opencharge/callbacks/coingate', { method: 'POST', body: '{}' }, 404],
    ['OpenAPI', '/opencharge/openapi.json', undefined, 200],
    ['admin (token required)', '/admin/orders', undefined, 401],
    ['console', '/console/login', undefined, 200],
    ['metrics (token required)', '/metrics', undefined, 401],
  ];

  it.each(routes)('%s: %s answers %i', async (_group, path, init, status) => {
    const p = await productionApp({ OC_ADMIN_TOKEN: ADMIN_TOKEN });
    cleanup.push(() => p.close());
    const res = await p.app.request(path, init);
    expect(res.status).toBe(status);
    expect(await res.text()).not.toMatch(/no route for/); // the app's fallback for a path nothing mounts
  });

  it('the comparison: a path nothing mounts gets the fallback', async () => {
    const p = await productionApp({ OC_ADMIN_TOKEN: ADMIN_TOKEN });
    cleanup.push(() => p.close());
    const res = await p.app.request('/opencharge/nothing-here');
    expect(res.status).toBe(404);
    expect(await res.text()).toMatch(/no route for GET \/opencharge\/nothing-here/);
  });

  it('the groups under the base path follow OC_BASE_PATH; admin, console and metrics stay at the root', async () => {
    const p = await productionApp({ OC_ADMIN_TOKEN: ADMIN_TOKEN, OC_BASE_PATH: '/pay' });
    cleanup.push(() => p.close());
    expect((await p.app.request('/pay/metadata.json')).status).toBe(200);
    expect((await p.app.request('/pay/openapi.json')).status).toBe(200);
    expect((await p.app.request('/opencharge/openapi.json')).status).toBe(404);
    expect((await p.admin('/admin/orders')).status).toBe(200);
    expect((await p.app.request('/console/login')).status).toBe(200);
  });
});

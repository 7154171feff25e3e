// End to end through each gateway's fake: admin creates an order, pays it at the gateway, the callback
// arrives, the order is paid and the shop is notified; forged callbacks change nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request as httpRequest } from 'node:http';
import { randomBytes } from 'node:crypto';
import { MERCHANT, MERCHANT_OCID, T0, makeHarness, type Harness } from '../helpers/harness.ts';
import { freePort, serveFetch } from '../helpers/http-server.ts';
import { startWebhookReceiver, type Delivery, type WebhookReceiver } from '../helpers/webhook-receiver.ts';
import type { GatewayId } from '../../src/gateways/types.ts';
import type { FakeGatewayServer } from '../fakes/types.ts';
import { createDeliveryWorker, unitRandom } from '../../src/notify/index.ts';
import { verifyAt } from '../helpers/webhooks.ts';
import { reconcileCharges } from '../../src/orders/reconcile-charges.ts';
import { startCoinGateFake } from '../fakes/coingate.ts';
import { startMugglePayFake } from '../fakes/mugglepay.ts';
import { startMyceliumGearFake } from '../fakes/mycelium-gear.ts';
import { startIumiCashFake } from '../fakes/iumicash.ts';
import { startOpenchargeFake } from '../fakes/opencharge.ts';

const TOKEN = 'admin-token-0123456789abcdef';
const SECRET = 'whsec_' + Buffer.from('shop-secret-for-gateway-tests').toString('base64');

const startReceiver = () => startWebhookReceiver({ status: 200, body: 'ok' });

const FAKES: Record<Exclude<GatewayId, 'opencharge'>, () => Promise<FakeGatewayServer>> = {
  coingate: () => startCoinGateFake(),
  mugglepay: () => startMugglePayFake(),
  'mycelium-gear': () => startMyceliumGearFake(),
  iumicash: () => startIumiCashFake(),
};

interface Served extends Harness {
  port: number;
}

/** The app on a real port, so callbacks arrive with their raw request-target exactly as a gateway sends it. */
async function setup(id: GatewayId, fake: FakeGatewayServer, webhookUrl: string): Promise<Served> {
  const port = await freePort();
  // The gateway's settings go in the environment: the server builds its adapter as `serve` does.
  const h = await makeHarness({
    env: { OC_ADMIN_TOKEN: TOKEN, OC_WEBHOOK_URL: webhookUrl, OC_WEBHOOK_SECRET: SECRET, OC_ACCEPTS: '100', OC_PUBLIC_URL: `http://127.0.0.1:${port}`, ...fake.env },
  });
  expect([...h.deps.gateways.keys()]).toEqual([id]);
  const server = await serveFetch(h.app.fetch, port);
  const close = h.close;
  return Object.assign(h, { port, close: async () => {
    await server.close();
    await close();
  } });
}

const admin = (h: Harness, path: string, body?: unknown) =>
  h.app.request(path, { method: body === undefined ? 'GET' : 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

/** Sends a callback over raw HTTP, keeping its request-target byte for byte (Gear signs it). */
function deliverCallback(h: Served, cb: { method: string; target: string; headers: Record<string, string>; body: string }): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    const headers = { ...cb.headers };
    delete headers['content-length'];
    delete headers.host;
    const req = httpRequest({ host: '127.0.0.1', port: h.port, method: cb.method, path: cb.target, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
    });
    req.on('error', reject);
    req.end(cb.method === 'GET' ? undefined : cb.body);
  });
}

async function notifications(h: Harness, url: string, received: Delivery[]) {
  const worker = createDeliveryWorker({ store: h.store, fetch: globalThis.fetch, now: () => h.clock.now, random: unitRandom((n) => new Uint8Array(randomBytes(n))), log: h.log, secrets: [SECRET], schedule: [1] });
  await worker.runOnce();
  return received.map((r) => {
    expect(verifyAt(SECRET, r.body, r.headers, h.clock.now)).toEqual({ ok: true });
    return JSON.parse(r.body) as { type: string; data: Record<string, unknown> };
  });
}

for (const id of Object.keys(FAKES) as Array<keyof typeof FAKES>) {
  describe(`end to end through ${id}`, () => {
    let fake: FakeGatewayServer;
    let h: Served;
    let shop: WebhookReceiver;
    beforeAll(async () => {
      fake = await FAKES[id]();
      shop = await startReceiver();
      h = await setup(id, fake, shop.url);
    });
    afterAll(async () => {
      await h?.close();
      await fake?.close();
      await shop?.close();
    });

    async function newCharge() {
      const created = (await (await admin(h, '/admin/orders', { amount: '12.50', currency: 'USD' })).json()) as { order: { id: string } };
      const paid = await admin(h, `/admin/orders/${created.order.id}/pay`, { gateway: id });
      expect(paid.status).toBe(200);
      const link = (await paid.json()) as { gateway: string; reference: string; paymentUrl: string; status: string };
      return { orderId: created.order.id, link };
    }

    it('pays an order: charge created once, callback re-fetched, order paid, shop notified', async () => {
      const { orderId, link } = await newCharge();
      expect(link).toMatchObject({ gateway: id, status: 'pending' });
      expect(link.paymentUrl).toMatch(/^https?:\/\//);
      const again = (await (await admin(h, `/admin/orders/${orderId}/pay`, { gateway: id })).json()) as typeof link;
      expect(again).toEqual(link);

      fake.settle(link.reference, 'paid');
      const res = await fake.sendCallback(link.reference);
      expect(res.status).toBeLessThan(300);
      const status = (await (await h.app.request(`/opencharge/orders/${orderId}/status`)).json()) as { status: string; txid: string };
      expect(status).toMatchObject({ status: 'paid', txid: `${id}:${link.reference}` });

      const detail = (await (await admin(h, `/admin/orders/${orderId}`)).json()) as { charges: Array<{ gateway: string; status: string }> };
      expect(detail.charges).toEqual([expect.objectContaining({ gateway: id, status: 'paid' })]);
      const events = await notifications(h, shop.url, shop.received);
      // Both arrive; order.paid is claimed first (payment outcomes lead), so compare without arrival order.
      expect(events.filter((e) => e.data.orderId === orderId).map((e) => e.type).sort()).toEqual(['order.created', 'order.paid']);

      // The same callback again: no second effect.
      await deliverCallback(h, fake.callback(link.reference));
      expect((await h.store.listEvents(orderId)).filter((e) => e.type === 'order.paid')).toHaveLength(1);
    });

    it('a callback that claims paid while the gateway says pending changes nothing', async () => {
      const { orderId, link } = await newCharge();
      fake.settle(link.reference, 'paid');
      const cb = fake.callback(link.reference);
      fake.settle(link.reference, id === 'iumicash' ? 'cancelled' : 'expired');
      // Even a perfectly authenticated callback is only a hint: the re-fetch says expired, so no payment.
      await deliverCallback(h, cb);
      expect((await h.store.getOrder(orderId))?.status).toBe('pending');
    });

    it('a forged callback changes nothing', async () => {
      const { orderId, link } = await newCharge();
      fake.settle(link.reference, 'paid');
      const cb = fake.callback(link.reference);
      const forged =
        cb.method === 'GET'
          ? { ...cb, headers: { ...cb.headers, 'x-signature': Buffer.from('forged').toString('base64') } }
          : { ...cb, body: cb.body.replace(/[0-9a-f]{64}/, '0'.repeat(64)), headers: { ...cb.headers, 'iumicash-signature': '0'.repeat(64) } };
      const res = await deliverCallback(h, forged);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect((await h.store.getOrder(orderId))?.status).toBe('pending');
    });

    it('a callback for an unknown charge changes nothing', async () => {
      const { link } = await newCharge();
      fake.settle(link.reference, 'paid');
      const cb = fake.callback(link.reference);
      await h.store.deleteCharge((await h.store.getCharge(id, link.reference))!.id);
      const res = await deliverCallback(h, cb);
      expect(res.status).toBe(404);
    });

    it('a create whose answer was lost answers 502 GATEWAY_ERROR (being reconciled); the retry adopts the one order', async () => {
      const created = (await (await admin(h, '/admin/orders', { amount: '12.50', currency: 'USD' })).json()) as { order: { id: string } };
      const orderId = created.order.id;
      fake.loseNextCreate('status-503');
      const lost = await admin(h, `/admin/orders/${orderId}/pay`, { gateway: id });
      expect(lost.status).toBe(502);
      const body = (await lost.json()) as { error: { code: string; message: string; details: Record<string, unknown> } };
      expect(body.error).toMatchObject({ code: 'GATEWAY_ERROR', details: { gateway: id, kind: 'unavailable', chargeStatus: 'unknown' } });
      expect(body.error.message).toContain('being reconciled through its idempotency key');
      const detail = (await (await admin(h, `/admin/orders/${orderId}`)).json()) as { charges: Array<Record<string, unknown>> };
      expect(detail.charges).toEqual([expect.objectContaining({ gateway: id, status: 'unknown', reference: '' })]);
      expect(fake.ordersFor(orderId)).toHaveLength(1);
      // Gear cannot look its lost order up: the address stays held until that order is final (here: expired).
      if (id === 'mycelium-gear') fake.settle(fake.ordersFor(orderId)[0]!, 'expired');
      const retry = await admin(h, `/admin/orders/${orderId}/pay`, { gateway: id });
      expect(retry.status).toBe(200);
      const link = (await retry.json()) as { reference: string; status: string };
      expect(link.status).toBe('pending');
      expect(fake.ordersFor(orderId)).toHaveLength(id === 'mycelium-gear' ? 2 : 1);
      expect(fake.ordersFor(orderId).at(-1)).toBe(link.reference);
    });

    it('reconciliation picks up a payment that sent no callback', async () => {
      const { orderId, link } = await newCharge();
      fake.settle(link.reference, 'paid');
      expect(await reconcileCharges(h.deps)).toBeGreaterThanOrEqual(1);
      expect((await h.store.getOrder(orderId))?.status).toBe('paid');
    });
  });
}

describe('end to end through an Opencharge merchant gateway', () => {
  it('checks out at the MG and is paid by its signed transfer proof', async () => {
    const shop = await startReceiver();
    const fake = await startOpenchargeFake({ now: () => T0, merchants: [{ ocid: MERCHANT_OCID, publicKey: MERCHANT.pub }] });
    const h = await setup('opencharge', { ...fake, env: { ...fake.env, OC_MG_OCID: '100' } }, shop.url);
    try {
      const created = (await (await admin(h, '/admin/orders', { amount: '12.50', currency: 'USD' })).json()) as { order: { id: string } };
      const link = (await (await admin(h, `/admin/orders/${created.order.id}/pay`, { gateway: 'opencharge' })).json()) as { reference: string; paymentUrl: string };
      expect(link.paymentUrl).toMatch(/\/checkout\//);
      fake.settle(link.reference, 'paid');
      const cb = fake.callback(link.reference);
      expect(cb.target).toBe('/opencharge/transfer/webhook');
      expect((await deliverCallback(h, cb)).status).toBe(200);
      expect((await h.store.getOrder(created.order.id))?.status).toBe('paid');
      const events = await notifications(h, shop.url, shop.received);
      expect(events.map((e) => e.type)).toContain('order.paid');
    } finally {
      await h.close();
      await fake.close();
      await shop.close();
    }
  });

  it('refuses to pay through a gateway that is not enabled', async () => {
    const h = await makeHarness({ env: { OC_ADMIN_TOKEN: TOKEN } });
    try {
      const created = (await (await admin(h, '/admin/orders', { amount: '1.00', currency: 'USD' })).json()) as { order: { id: string } };
      const res = await admin(h, `/admin/orders/${created.order.id}/pay`, { gateway: 'coingate' });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('GATEWAY_NOT_ENABLED');
      const unknown = await admin(h, `/admin/orders/${created.order.id}/pay`, { gateway: 'paypal' });
      expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('INVALID_REQUEST');
    } finally {
      await h.close();
    }
  });
});

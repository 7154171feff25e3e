// The admin side of notifications: a delivery that failed is listed and can be sent again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { makeHarness, type Harness } from '../helpers/harness.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts';
import { createDeliveryWorker, unitRandom } from '../../src/notify/index.ts';

const TOKEN = 'admin-token-0123456789abcdef';
const SHOP_SECRET = 'whsec_' + Buffer.from('a shop webhook secret for admin tests').toString('base64');
let h: Harness;
let shop: WebhookReceiver;
beforeAll(async () => {
  shop = await startWebhookReceiver({ status: 500, body: '' });
  h = await makeHarness({ env: { OC_ADMIN_TOKEN: TOKEN, OC_WEBHOOK_URL: shop.url, OC_WEBHOOK_SECRET: SHOP_SECRET } });
});
afterAll(async () => {
  await h.close();
  await shop.close();
});

const admin = (path: string, method = 'GET', body?: unknown) =>
  h.app.request(path, { method, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

describe('failed deliveries through the admin API', () => {
  it('lists a failed delivery and redelivers it', async () => {
    const worker = createDeliveryWorker({ store: h.store, fetch: globalThis.fetch, now: () => h.clock.now, random: unitRandom((n) => new Uint8Array(randomBytes(n))), log: h.log, secrets: [SHOP_SECRET], schedule: [] });
    const created = (await (await admin('/admin/orders', 'POST', { amount: '3.00', currency: 'USD' })).json()) as { order: { id: string } };
    expect((await worker.runOnce()).failed).toBe(1);

    const failed = (await (await admin('/admin/deliveries?status=failed')).json()) as { deliveries: Array<{ id: string; orderId: string; eventType: string; attempts: number; lastStatus: number }> };
    expect(failed.deliveries).toEqual([expect.objectContaining({ orderId: created.order.id, eventType: 'order.created', attempts: 1, lastStatus: 500 })]);

    shop.reply.status = 200;
    const re = await admin(`/admin/deliveries/${failed.deliveries[0]!.id}/redeliver`, 'POST');
    expect(re.status).toBe(200);
    expect(((await re.json()) as { delivery: { status: string } }).delivery.status).toBe('pending');
    expect((await worker.runOnce()).succeeded).toBe(1);
    const seen = shop.received.map((d) => d.body);
    expect(seen).toHaveLength(2);
    expect(seen[1]).toBe(seen[0]);
    const detail = (await (await admin(`/admin/orders/${created.order.id}`)).json()) as { deliveries: Array<{ status: string; attempts: number }> };
    expect(detail.deliveries).toEqual([expect.objectContaining({ status: 'succeeded', attempts: 2 })]);
    expect(((await (await admin('/admin/deliveries?status=failed')).json()) as { deliveries: unknown[] }).deliveries).toHaveLength(0);
  });
});

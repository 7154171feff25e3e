// Public routes (PROFILE §2, §4, §6), operations endpoints, unknown routes and the INTERNAL envelope.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MERCHANT, T0, makeHarness, type Harness } from '../helpers/harness.ts';
import { canonicalConfig } from '../../src/protocol/canonical.ts';
import { verifyCanonical } from '../../src/protocol/signature.ts';
import { parsePublicKey } from '../../src/protocol/keys.ts';
import { nobleBackend } from '../../src/protocol/noble.ts';

let h: Harness;
let orderId: string;
let createBody: string;
beforeAll(async () => {
  h = await makeHarness({ env: { OC_NAME: 'Coffee Shop', OC_CONTACT: 'support@shop.example' } });
  const res = await h.signed('POST', '/opencharge/orders/create', JSON.stringify({ amount: '4.20', currency: 'USD' }));
  createBody = await res.text();
  orderId = (JSON.parse(createBody) as { order: { id: string } }).order.id;
});
afterAll(async () => h.close());

describe('GET /metadata.json (PROFILE §6)', () => {
  it('publishes the nested layout with a config signature that verifies', async () => {
    const res = await h.app.request('/opencharge/metadata.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { opencharge: string; name: string; contact: string; config: Record<string, unknown>; signature: string };
    expect(doc.opencharge).toBe('0.1');
    expect(doc.name).toBe('Coffee Shop');
    expect(doc.contact).toBe('support@shop.example');
    expect(doc.config).toEqual({
      publicKey: MERCHANT.pub,
      endpoint: 'https://pay.shop.example/opencharge',
      capabilities: ['orders.create', 'orders.status', 'transfer.webhook'],
      settlement: { currencies: ['USD', 'EUR'], accepts: [100] },
    });
    const key = parsePublicKey(MERCHANT.pub);
    expect(key.ok && verifyCanonical(nobleBackend, key.key, canonicalConfig(doc.config), doc.signature).valid).toBe(true);
  });
});

describe('orders', () => {
  it('GET /orders/{id} returns the stored response byte for byte', async () => {
    const res = await h.app.request(`/opencharge/orders/${orderId}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(createBody);
  });

  it('GET /orders/{id}/status answers pending', async () => {
    const res = await h.app.request(`/opencharge/orders/${orderId}/status`);
    expect(await res.json()).toEqual({ orderId, status: 'pending' });
  });

  it('derives expired on read once expiresAt has passed', async () => {
    h.clock.now = T0 + 3601;
    try {
      const res = await h.app.request(`/opencharge/orders/${orderId}/status`);
      expect(await res.json()).toEqual({ orderId, status: 'expired' });
    } finally {
      h.clock.now = T0;
    }
  });

  it('answers 404 ORDER_NOT_FOUND for an unknown order', async () => {
    const res = await h.app.request('/opencharge/orders/ord_nope');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('ORDER_NOT_FOUND');
  });

  it('answers 404 ORDER_NOT_FOUND for the status of an unknown order', async () => {
    const res = await h.app.request('/opencharge/orders/ord_nope/status');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('ORDER_NOT_FOUND');
  });

  it('answers CAPABILITY_NOT_SUPPORTED for /inventory without an inventory', async () => {
    const res = await h.app.request('/opencharge/inventory');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('CAPABILITY_NOT_SUPPORTED');
  });
});

describe('operations and errors', () => {
  it('GET and HEAD /healthz answer 200', async () => {
    expect((await h.app.request('/healthz')).status).toBe(200);
    const head = await h.app.request('/healthz', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('GET and HEAD /readyz answer 200 while the database is reachable', async () => {
    expect((await h.app.request('/readyz')).status).toBe(200);
    expect((await h.app.request('/readyz', { method: 'HEAD' })).status).toBe(200);
  });

  it('answers unknown routes with 404 NOT_FOUND in the envelope', async () => {
    const res = await h.app.request('/opencharge/nope');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });

  it('answers the wrong method on a known path with 404 NOT_FOUND', async () => {
    const res = await h.app.request('/opencharge/metadata.json', { method: 'POST' });
    expect(res.status).toBe(404);
  });
});

describe('unexpected failures', () => {
  it('answers 500 INTERNAL with a request id and nothing internal, logs the cause; readyz turns 503', async () => {
    const broken = await makeHarness();
    await broken.store.close();
    const res = await broken.app.request('/opencharge/orders/ord_x/status');
    expect(res.status).toBe(500);
    const text = await res.text();
    const body = JSON.parse(text) as { error: { code: string; message: string; details: { requestId: string } } };
    expect(body.error.code).toBe('INTERNAL');
    expect(body.error.message).toBe('internal error');
    expect(text).not.toMatch(/sqlite|database|stack|at /i);
    expect(broken.log.lines.some((l) => l.includes(body.error.details.requestId) && l.includes('unhandled error'))).toBe(true);
    expect((await broken.app.request('/readyz')).status).toBe(503);
  });
});

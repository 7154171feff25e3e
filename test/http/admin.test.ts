// The merchant API (/admin): token auth, shop-created orders with QR, listing with cursors, detail, cancel, sweep.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ISSUER, MERCHANT, T0, makeHarness, type Harness } from '../helpers/harness.ts';
import { makeProof } from '../helpers/proofs.ts';
import { sweepExpired } from '../../src/orders/lifecycle.ts';
import { canonicalOrder } from '../../src/protocol/canonical.ts';
import { verifyCanonical } from '../../src/protocol/signature.ts';
import { parsePublicKey } from '../../src/protocol/keys.ts';
import { nobleBackend } from '../../src/protocol/noble.ts';

const TOKEN = 'admin-token-0123456789abcdef';
let h: Harness;
beforeAll(async () => {
  h = await makeHarness({ env: { OC_ADMIN_TOKEN: TOKEN } });
});
afterAll(async () => h.close());

const admin = (path: string, init: RequestInit = {}, token = TOKEN) =>
  h.app.request(path, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
const createAdminOrder = async (body: Record<string, unknown>) => {
  const res = await admin('/admin/orders', { method: 'POST', body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return (await res.json()) as { order: Record<string, unknown> & { id: string }; signature: string; urls: unknown; qr: string };
};

describe('admin auth', () => {
  it('answers 404 for the whole admin API when no token is configured', async () => {
    const off = await makeHarness({});
    try {
      const res = await off.app.request('/admin/orders', { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    } finally {
      await off.close();
    }
  });

  it('rejects a request without a token with 401', async () => {
    const res = await h.app.request('/admin/orders');
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
  });

  it('rejects a wrong token with 401', async () => {
    expect((await admin('/admin/orders', {}, 'wrong-token-0123456789abcdef')).status).toBe(401);
  });

  it('rejects a token of another length with 401', async () => {
    expect((await admin('/admin/orders', {}, 'x')).status).toBe(401);
  });

  it('rejects a non-bearer scheme with 401', async () => {
    expect((await h.app.request('/admin/orders', { headers: { authorization: `Basic ${TOKEN}` } })).status).toBe(401);
  });

  it('accepts the right token', async () => {
    expect((await admin('/admin/orders')).status).toBe(200);
  });
});

describe('POST /admin/orders', () => {
  it('creates a signed order and the merchant QR JSON', async () => {
    const res = await createAdminOrder({ amount: '12.50', currency: 'USD', memo: 'Till 1' });
    const key = parsePublicKey(MERCHANT.pub);
    expect(key.ok && verifyCanonical(nobleBackend, key.key, canonicalOrder(res.order), res.signature).valid).toBe(true);
    expect(JSON.parse(res.qr)).toEqual({ ocid: 500, order: `https://pay.shop.example/opencharge/orders/${res.order.id}`, expiresAt: T0 + 3600 });
  });

  it('is idempotent on the shop id', async () => {
    const a = await createAdminOrder({ id: 'shop_1', amount: '3.00', currency: 'USD' });
    const b = await createAdminOrder({ id: 'shop_1', amount: '3.00', currency: 'USD' });
    expect(b).toEqual(a);
    const c = await admin('/admin/orders', { method: 'POST', body: JSON.stringify({ id: 'shop_1', amount: '4.00', currency: 'USD' }) });
    expect(c.status).toBe(409);
  });

  it('validates like /orders/create', async () => {
    const res = await admin('/admin/orders', { method: 'POST', body: JSON.stringify({ amount: '-1', currency: 'USD' }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('INVALID_REQUEST');
  });

  it('rejects a body that is not JSON', async () => {
    expect((await admin('/admin/orders', { method: 'POST', body: '{' })).status).toBe(400);
  });
});

describe('GET /admin/orders', () => {
  it('pages newest first with a cursor and filters by status', async () => {
    const list = await makeHarness({ env: { OC_ADMIN_TOKEN: TOKEN } });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await list.app.request('/admin/orders', { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: JSON.stringify({ id: `o${i}`, amount: '1.00', currency: 'USD' }) });
        ids.push(((await res.json()) as { order: { id: string } }).order.id);
      }
      await list.app.request('/admin/orders/o1/cancel', { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
      const get = async (q: string) =>
        (await (await list.app.request(`/admin/orders${q}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { orders: Array<{ id: string; status: string }>; nextCursor: string | null };
      const p1 = await get('?limit=2');
      expect(p1.orders.map((o) => o.id)).toEqual(['o4', 'o3']);
      const p2 = await get(`?limit=2&cursor=${p1.nextCursor}`);
      expect(p2.orders.map((o) => o.id)).toEqual(['o2', 'o1']);
      const p3 = await get(`?limit=2&cursor=${p2.nextCursor}`);
      expect(p3.orders.map((o) => o.id)).toEqual(['o0']);
      expect(p3.nextCursor).toBeNull();
      expect((await get('?status=cancelled')).orders.map((o) => o.id)).toEqual(['o1']);
    } finally {
      await list.close();
    }
  });

  it('rejects an unknown status filter', async () => {
    expect((await admin('/admin/orders?status=lost')).status).toBe(400);
  });

  it('rejects a limit out of range', async () => {
    expect((await admin('/admin/orders?limit=0')).status).toBe(400);
    expect((await admin('/admin/orders?limit=201')).status).toBe(400);
  });

  it('rejects a malformed cursor', async () => {
    expect((await admin('/admin/orders?cursor=%%%')).status).toBe(400);
  });
});

describe('GET /admin/orders/{id}', () => {
  it('shows the order with its proofs, flags and events', async () => {
    const { order } = await createAdminOrder({ amount: '15.00', currency: 'USD' });
    const res = await h.signed('POST', '/opencharge/transfer/webhook', JSON.stringify(makeProof(order.id, { txid: 'tx_admin' })), { ocid: 100, key: ISSUER.priv });
    expect(res.status).toBe(200);
    const detail = (await (await admin(`/admin/orders/${order.id}`)).json()) as Record<string, any>;
    expect(detail.status).toBe('paid');
    expect(detail.txid).toBe('tx_admin');
    expect(detail.flags).toEqual({ paidLate: false, paymentMismatch: false });
    expect(detail.proofs).toHaveLength(1);
    expect(detail.proofs[0]).toMatchObject({ txid: 'tx_admin', form: 'A', verdict: 'accepted' });
    expect(detail.events.map((e: { type: string }) => e.type)).toEqual(['order.created', 'order.paid']);
    expect(detail.signedOrder.order.id).toBe(order.id);
    expect(Array.isArray(detail.deliveries)).toBe(true);
    expect(Array.isArray(detail.charges)).toBe(true);
  });

  it('answers 404 ORDER_NOT_FOUND for an unknown order', async () => {
    expect((await admin('/admin/orders/nope')).status).toBe(404);
  });
});

describe('cancel and expiry', () => {
  it('cancels a pending order and emits order.cancelled', async () => {
    const { order } = await createAdminOrder({ amount: '1.00', currency: 'USD' });
    const res = await admin(`/admin/orders/${order.id}/cancel`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe('cancelled');
    expect((await h.store.listEvents(order.id)).map((e) => e.type)).toEqual(['order.created', 'order.cancelled']);
  });

  it('refuses to cancel a cancelled order with 409 INVALID_STATE', async () => {
    const { order } = await createAdminOrder({ amount: '1.00', currency: 'USD' });
    await admin(`/admin/orders/${order.id}/cancel`, { method: 'POST' });
    const res = await admin(`/admin/orders/${order.id}/cancel`, { method: 'POST' });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('INVALID_STATE');
  });

  it('refuses to cancel a paid order', async () => {
    const { order } = await createAdminOrder({ amount: '1.00', currency: 'USD' });
    await h.store.changeOrder(order.id, { from: 'pending', to: 'paid', paidAt: T0, txid: 't' }, []);
    expect((await admin(`/admin/orders/${order.id}/cancel`, { method: 'POST' })).status).toBe(409);
  });

  it('refuses to cancel an order past its expiry', async () => {
    const { order } = await createAdminOrder({ amount: '1.00', currency: 'USD', expiresAt: T0 + 5 });
    h.clock.now = T0 + 6;
    try {
      expect((await admin(`/admin/orders/${order.id}/cancel`, { method: 'POST' })).status).toBe(409);
    } finally {
      h.clock.now = T0;
    }
  });

  it('answers 404 for cancelling an unknown order', async () => {
    expect((await admin('/admin/orders/nope/cancel', { method: 'POST' })).status).toBe(404);
  });

  it('the sweep persists expiry once and emits order.expired once', async () => {
    const { order } = await createAdminOrder({ amount: '1.00', currency: 'USD', expiresAt: T0 + 5 });
    h.clock.now = T0 + 6;
    try {
      expect(await sweepExpired(h.deps)).toBeGreaterThanOrEqual(1);
      expect(await sweepExpired(h.deps)).toBe(0);
    } finally {
      h.clock.now = T0;
    }
    expect((await h.store.getOrder(order.id))?.status).toBe('expired');
    expect((await h.store.listEvents(order.id)).filter((e) => e.type === 'order.expired')).toHaveLength(1);
  });
});

describe('deliveries', () => {
  it('answers 404 when redelivering an unknown delivery', async () => {
    expect((await admin('/admin/deliveries/dlv_nope/redeliver', { method: 'POST' })).status).toBe(404);
  });

  it('rejects an unknown delivery status filter', async () => {
    expect((await admin('/admin/deliveries?status=lost')).status).toBe(400);
  });
});

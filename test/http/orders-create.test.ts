// PROFILE §3: POST /orders/create — validation, pricing, idempotency, expiry, signatures, urls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ISSUER, ISSUER_OCID, MERCHANT, T0, makeHarness, type Harness } from '../helpers/harness.ts';
import { expectError } from '../helpers/expect-error.ts';
import { canonicalOrder } from '../../src/protocol/canonical.ts';
import { verifyCanonical } from '../../src/protocol/signature.ts';
import { parsePublicKey } from '../../src/protocol/keys.ts';
import { nobleBackend } from '../../src/protocol/noble.ts';

const PATH = '/opencharge/orders/create';
const merchantKey = (parsePublicKey(MERCHANT.pub) as { ok: true; key: Uint8Array }).key;

let h: Harness;
let inv: Harness;
const INVENTORY = {
  currency: 'USD',
  items: [
    { id: 'coke', name: 'Coca-Cola', price: '2.50', quantity: 15, min_qty: 1, max_qty: 5 },
    { id: 'chips', name: 'Chips', price: '1.25' },
    { id: 'gum', name: 'Gum', price: '0.10', min_qty: 2 },
    { id: 'c', name: 'Cookie', price: '1.00', max_qty: 3 },
    { id: 'scarce', name: 'Last two', price: '1.00', quantity: 2 },
    { id: 'sticker', name: 'Sticker', price: '0.00' },
    { id: 'gold', name: 'Gold bar', price: '500000000000000000.00' },
  ],
};
beforeAll(async () => {
  h = await makeHarness();
  inv = await makeHarness({ inventory: INVENTORY });
});
afterAll(async () => {
  await h.close();
  await inv.close();
});

const post = (hx: Harness, body: unknown, o?: Parameters<Harness['signed']>[3]) =>
  hx.signed('POST', PATH, typeof body === 'string' ? body : JSON.stringify(body), o);

describe('POST /orders/create (PROFILE §3)', () => {
  it('creates and signs an order with the documented canonicalisation', async () => {
    const res = await post(h, { amount: '15.00', currency: 'USD', reference: 'store-42', memo: 'Table 5' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { order: Record<string, unknown>; signature: string; urls: Record<string, unknown> };
    const { order } = body;
    expect(order).toMatchObject({ ocid: 500, amount: '15.00', currency: 'USD', reference: 'store-42', memo: 'Table 5', createdAt: T0, expiresAt: T0 + 3600, accepts: [ISSUER_OCID] });
    expect(String(order.id)).toMatch(/^ord_[0-9a-f]{32}$/);
    expect(verifyCanonical(nobleBackend, merchantKey, canonicalOrder(order), body.signature).valid).toBe(true);
    expect(body.urls).toEqual({
      order: [`https://pay.shop.example/opencharge/orders/${order.id}`],
      completed: 'https://shop.example/done',
      cancelled: 'https://shop.example/cancelled',
    });
    const stored = await h.store.getOrder(String(order.id));
    expect(stored?.status).toBe('pending');
  });

  it("stores the order.created event's data as JSON.stringify({ orderId, status, order, signature, urls }), byte for byte", async () => {
    const res = await post(h, { amount: '3.10', currency: 'USD', reference: 'evt-bytes', memo: 'quote " and \\ backslash' });
    const body = (await res.json()) as { order: Record<string, unknown>; signature: string; urls: Record<string, unknown> };
    const id = String(body.order.id);
    const [event] = await h.store.listEvents(id);
    expect(event?.type).toBe('order.created');
    expect(event!.data).toBe(JSON.stringify({ orderId: id, status: 'pending', order: body.order, signature: body.signature, urls: body.urls }));
  });

  it('normalises the amount to two decimals', async () => {
    const res = await post(h, { amount: '7', currency: 'EUR' });
    expect(((await res.json()) as { order: { amount: string } }).order.amount).toBe('7.00');
  });

  it('keeps a caller-supplied id and replays the byte-identical response for the same body', async () => {
    const req = { id: 'ord_same_1', amount: '15.00', currency: 'USD' };
    const first = await post(h, req);
    const second = await post(h, req);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(await second.text()).toBe(await first.text());
  });

  it('replays the same body with keys in another order as the same request', async () => {
    await post(h, { id: 'ord_same_2', amount: '3.00', currency: 'USD' });
    const again = await post(h, '{"currency":"USD","amount":"3.00","id":"ord_same_2"}');
    expect(again.status).toBe(200);
  });

  it('answers 409 ORDER_CONFLICT for the same id with a different body', async () => {
    await post(h, { id: 'ord_conflict', amount: '15.00', currency: 'USD' });
    await expectError(await post(h, { id: 'ord_conflict', amount: '16.00', currency: 'USD' }), 409, 'ORDER_CONFLICT');
  });

  it('answers 409 ORDER_CONFLICT when another caller reuses an id', async () => {
    await post(h, { id: 'ord_other_caller', amount: '1.00', currency: 'USD' });
    await expectError(await post(h, { id: 'ord_other_caller', amount: '1.00', currency: 'USD' }, { ocid: ISSUER_OCID, key: ISSUER.priv }), 409, 'ORDER_CONFLICT');
  });

  it('rejects an order for another merchant OCID', async () => {
    const err = await expectError(await post(h, { ocid: 501, amount: '1.00', currency: 'USD' }), 400, 'INVALID_REQUEST');
    expect(err.details?.field).toBe('ocid');
  });

  it('accepts our own OCID in the body', async () => {
    expect((await post(h, { ocid: 500, amount: '1.00', currency: 'USD' })).status).toBe(200);
  });

  it('rejects unknown fields with the zod issues in details', async () => {
    const err = await expectError(await post(h, { amount: '1.00', currency: 'USD', tip: '1' }), 400, 'INVALID_REQUEST');
    expect(Array.isArray(err.details?.issues)).toBe(true);
  });

  it('rejects a body that is not JSON', async () => {
    await expectError(await post(h, '{"amount":'), 400, 'INVALID_REQUEST');
  });

  it('rejects a JSON body that is not an object', async () => {
    await expectError(await post(h, '[1,2]'), 400, 'INVALID_REQUEST');
  });

  it('rejects a missing amount without inventory', async () => {
    await expectError(await post(h, { currency: 'USD' }), 400, 'INVALID_REQUEST');
  });

  it('rejects a missing currency without inventory', async () => {
    await expectError(await post(h, { amount: '1.00' }), 400, 'INVALID_REQUEST');
  });

  for (const amount of ['0', '0.00', '-1.00', '1.005', '1e3', '1,00', ' 1.00', '1.', '.5']) {
    it(`rejects the amount ${JSON.stringify(amount)}`, async () => {
      await expectError(await post(h, { amount, currency: 'USD' }), 400, 'INVALID_REQUEST');
    });
  }

  it('rejects a numeric amount (amounts are strings)', async () => {
    await expectError(await post(h, { amount: 15, currency: 'USD' }), 400, 'INVALID_REQUEST');
  });

  it('rejects a currency the merchant does not settle with CURRENCY_MISMATCH', async () => {
    await expectError(await post(h, { amount: '1.00', currency: 'GBP' }), 400, 'CURRENCY_MISMATCH');
  });

  it('rejects a malformed currency code', async () => {
    await expectError(await post(h, { amount: '1.00', currency: 'usd' }), 400, 'INVALID_REQUEST');
  });

  it('rejects an expiresAt in the past', async () => {
    const err = await expectError(await post(h, { amount: '1.00', currency: 'USD', expiresAt: T0 - 1 }), 400, 'INVALID_REQUEST');
    expect(err.details?.field).toBe('expiresAt');
  });

  it('rejects an expiresAt beyond the maximum TTL', async () => {
    await expectError(await post(h, { amount: '1.00', currency: 'USD', expiresAt: T0 + 86401 }), 400, 'INVALID_REQUEST');
  });

  it('keeps a valid expiresAt', async () => {
    const res = await post(h, { amount: '1.00', currency: 'USD', expiresAt: T0 + 600 });
    expect(((await res.json()) as { order: { expiresAt: number } }).order.expiresAt).toBe(T0 + 600);
  });

  it('rejects an id with forbidden characters', async () => {
    await expectError(await post(h, { id: 'a/b', amount: '1.00', currency: 'USD' }), 400, 'INVALID_REQUEST');
  });

  it('rejects a body over 64 KiB with 413 PAYLOAD_TOO_LARGE', async () => {
    const big = JSON.stringify({ amount: '1.00', currency: 'USD', memo: 'x'.repeat(70_000) });
    await expectError(await post(h, big), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('answers a replayed request (same nonce) with NONCE_REUSED, not a second order', async () => {
    const body = JSON.stringify({ amount: '2.00', currency: 'USD' });
    const headers = h.headersFor('POST', PATH, body);
    expect((await h.app.request(PATH, { method: 'POST', headers, body })).status).toBe(200);
    await expectError(await h.app.request(PATH, { method: 'POST', headers, body }), 401, 'NONCE_REUSED');
  });

  it('consumes the nonce of a request that fails validation, so its replay is NONCE_REUSED', async () => {
    const body = JSON.stringify({ amount: 'nope', currency: 'USD' });
    const headers = h.headersFor('POST', PATH, body);
    await expectError(await h.app.request(PATH, { method: 'POST', headers, body }), 400, 'INVALID_REQUEST');
    await expectError(await h.app.request(PATH, { method: 'POST', headers, body }), 401, 'NONCE_REUSED');
  });

  it('stores 100 parallel distinct creations', async () => {
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => post(h, { id: `ord_par_${i}`, amount: '1.00', currency: 'USD' })));
    expect(results.map((r) => r.status).every((s) => s === 200)).toBe(true);
    for (let i = 0; i < 100; i++) expect(await h.store.getOrder(`ord_par_${i}`)).toBeDefined();
  });

  it('creates one order when the same id is sent 20 times in parallel', async () => {
    const req = { id: 'ord_race', amount: '5.00', currency: 'USD' };
    const results = await Promise.all(Array.from({ length: 20 }, () => post(h, req)));
    const bodies = await Promise.all(results.map((r) => r.text()));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(new Set(bodies).size).toBe(1);
  });
});

describe('POST /orders/create with an inventory (PROFILE §3)', () => {
  it('prices from the inventory with exact decimals and signs item ids', async () => {
    const res = await post(inv, { items: [{ id: 'coke', quantity: 3 }, { id: 'gum', quantity: 3 }] });
    expect(res.status).toBe(200);
    const { order, signature } = (await res.json()) as { order: Record<string, unknown>; signature: string };
    expect(order.amount).toBe('7.80');
    expect(order.items).toEqual([
      { id: 'coke', name: 'Coca-Cola', quantity: 3, price: '2.50' },
      { id: 'gum', name: 'Gum', quantity: 3, price: '0.10' },
    ]);
    expect(canonicalOrder(order)).toContain('"items":[{"id":"coke"},{"id":"gum"}]');
    expect(verifyCanonical(nobleBackend, merchantKey, canonicalOrder(order), signature).valid).toBe(true);
  });

  it('ignores client prices and names: our catalogue is the truth', async () => {
    const res = await post(inv, { items: [{ id: 'chips', quantity: 2, price: '0.01', name: 'Free' }] });
    const { order } = (await res.json()) as { order: { amount: string; items: Array<{ price: string; name: string }> } };
    expect(order.amount).toBe('2.50');
    expect(order.items[0]).toMatchObject({ price: '1.25', name: 'Chips' });
  });

  it('accepts a matching client amount compared by value', async () => {
    expect((await post(inv, { items: [{ id: 'chips', quantity: 2 }], amount: '2.5' })).status).toBe(200);
  });

  it('rejects a different client amount with AMOUNT_MISMATCH', async () => {
    const err = await expectError(await post(inv, { items: [{ id: 'chips', quantity: 2 }], amount: '2.00' }), 400, 'AMOUNT_MISMATCH');
    expect(err.details?.expected).toBe('2.50');
  });

  it('rejects another currency with CURRENCY_MISMATCH', async () => {
    await expectError(await post(inv, { items: [{ id: 'chips', quantity: 1 }], currency: 'EUR' }), 400, 'CURRENCY_MISMATCH');
  });

  it('rejects an unknown item', async () => {
    await expectError(await post(inv, { items: [{ id: 'caviar', quantity: 1 }] }), 400, 'INVALID_REQUEST');
  });

  it('rejects a quantity above max_qty', async () => {
    await expectError(await post(inv, { items: [{ id: 'coke', quantity: 6 }] }), 400, 'INVALID_REQUEST');
  });

  it('rejects a quantity below min_qty', async () => {
    await expectError(await post(inv, { items: [{ id: 'gum', quantity: 1 }] }), 400, 'INVALID_REQUEST');
  });

  it('rejects a zero quantity', async () => {
    await expectError(await post(inv, { items: [{ id: 'chips', quantity: 0 }] }), 400, 'INVALID_REQUEST');
  });

  it('counts max_qty over all lines of an item: 3 lines of 3 against max_qty 3', async () => {
    const err = await expectError(await post(inv, { items: [{ id: 'c', quantity: 3 }, { id: 'c', quantity: 3 }, { id: 'c', quantity: 3 }] }), 400, 'INVALID_REQUEST');
    expect(err.message).toBe("quantity of 'c' is 9 over all lines: at most 3 per order");
    expect(err.details).toEqual({ itemId: 'c', quantity: 9 });
    expect((await post(inv, { items: [{ id: 'c', quantity: 1 }, { id: 'c', quantity: 2 }] })).status).toBe(200);
  });

  it('counts stock over all lines of an item: stock 2 does not sell 4 in two lines', async () => {
    const err = await expectError(await post(inv, { items: [{ id: 'scarce', quantity: 2 }, { id: 'scarce', quantity: 2 }] }), 400, 'INVALID_REQUEST');
    expect(err.message).toBe("quantity of 'scarce' is 4 over all lines: only 2 in stock");
    expect((await post(inv, { items: [{ id: 'scarce', quantity: 1 }, { id: 'chips', quantity: 1 }, { id: 'scarce', quantity: 1 }] })).status).toBe(200);
  });

  it('counts min_qty over all lines of an item: two lines of 1 gum meet min_qty 2', async () => {
    const res = await post(inv, { items: [{ id: 'gum', quantity: 1 }, { id: 'gum', quantity: 1 }] });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { order: { amount: string } }).order.amount).toBe('0.20');
    const err = await expectError(await post(inv, { items: [{ id: 'gum', quantity: 1 }, { id: 'chips', quantity: 1 }] }), 400, 'INVALID_REQUEST');
    expect(err.message).toBe("quantity of 'gum' is 1 over all lines: at least 2 are required");
  });

  it('rejects a total of zero', async () => {
    const err = await expectError(await post(inv, { items: [{ id: 'sticker', quantity: 5 }] }), 400, 'INVALID_REQUEST');
    expect(err.message).toMatch(/total is zero/);
  });

  it('rejects a total over 18 integer digits', async () => {
    expect((await post(inv, { items: [{ id: 'gold', quantity: 1 }] })).status).toBe(200);
    const err = await expectError(await post(inv, { items: [{ id: 'gold', quantity: 1 }, { id: 'gold', quantity: 1 }] }), 400, 'INVALID_REQUEST');
    expect(err.message).toMatch(/more than 18 integer digits/);
  });

  it('rejects an order without items', async () => {
    await expectError(await post(inv, { amount: '1.00', currency: 'USD' }), 400, 'INVALID_REQUEST');
  });

  it('publishes the inventory at GET /inventory', async () => {
    const res = await inv.app.request('/opencharge/inventory');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ocid: 500, currency: 'USD', items: expect.arrayContaining([expect.objectContaining({ id: 'coke' })]) });
  });
});

describe('text the database cannot hold', () => {
  it('rejects a NUL character in reference with INVALID_REQUEST', async () => {
    await expectError(await post(h, { amount: '1.00', currency: 'USD', reference: 'a\u0000b' }), 400, 'INVALID_REQUEST');
  });
});

describe('inventory validation at start-up', () => {
  it('refuses an inventory price with more than two decimals, naming the file and field', async () => {
    const { parseInventory } = await import('../../src/orders/inventory.ts');
    expect(() => parseInventory({ currency: 'USD', items: [{ id: 'x', name: 'X', price: '1.125' }] }, 500, 'inv.json')).toThrow(/OC_INVENTORY_FILE \(inv\.json\): items\.0\.price/);
  });
});

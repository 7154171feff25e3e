// status.* and retrieval.*: the public GET /orders/{id}/status and GET /orders/{id} (docs/profile.md §4; docs/opencharge.md §2.4, §2.7).
import { expect, expectError, expectJson } from '../assert.ts';
import { check, type Check } from '../check.ts';
import { sameJson, waitPast } from './shared.ts';

export const statusChecks: Check[] = [
  check('status.pending', 'GET /orders/{id}/status (unsigned) → 200 {orderId, status: "pending"}', 'docs/profile.md §4; docs/opencharge.md §2.4', async (kit) => {
    const c = await kit.facts.createOrder();
    const e = await kit.plain('GET', `/orders/${encodeURIComponent(c.id)}/status`);
    const body = expectJson(e, 200);
    expect(body.orderId === c.id && body.status === 'pending', `expected {orderId: ${JSON.stringify(c.id)}, status: "pending"}`, e);
    const extra = Object.keys(body).filter((k) => !['orderId', 'status', 'paidAt', 'txid'].includes(k));
    expect(extra.length === 0, `unexpected status fields: ${extra.join(', ')}`, e);
  }),

  check('status.expired', 'an order past its expiresAt reads "expired" (derived on read)', 'docs/profile.md §4; docs/opencharge.md §8', async (kit) => {
    const expiresAt = kit.now() + 2;
    const c = await kit.facts.createOrder({ expiresAt });
    await waitPast(kit, expiresAt);
    const e = await kit.plain('GET', `/orders/${encodeURIComponent(c.id)}/status`);
    expect(expectJson(e, 200).status === 'expired', 'the order is not expired after its expiresAt', e);
  }),

  check('status.unknown', 'GET /orders/{unknown}/status → 404 ORDER_NOT_FOUND', 'docs/profile.md §4; docs/opencharge.md §2.4', async (kit) => {
    expectError(await kit.plain('GET', `/orders/conf_unknown_${kit.hex(8)}/status`), 404, 'ORDER_NOT_FOUND');
  }),

  check('retrieval.equals-create', 'GET /orders/{id} (unsigned) → 200, the create response {order, signature, urls}', 'docs/profile.md §4; docs/opencharge.md §2.7', async (kit) => {
    const c = await kit.facts.createOrder();
    const e = await kit.plain('GET', `/orders/${encodeURIComponent(c.id)}`);
    expectJson(e, 200);
    expect(sameJson(e.json, c.body), 'GET /orders/{id} differs from the POST /orders/create response', e);
  }),

  check('retrieval.unknown', 'GET /orders/{unknown} → 404 ORDER_NOT_FOUND', 'docs/profile.md §4; docs/opencharge.md §2.7', async (kit) => {
    expectError(await kit.plain('GET', `/orders/conf_unknown_${kit.hex(8)}`), 404, 'ORDER_NOT_FOUND');
  }),
];

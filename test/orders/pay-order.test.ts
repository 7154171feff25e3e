// The pay use case around a lost create answer: refusals, a gateway still down, racing retries, a crashed attempt.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { makeHarness, type Harness } from '../helpers/harness.ts';
import { NOW, contractDeps, storeOrder } from '../contract/gateway.contract.ts';
import { startIumiCashFake, type IumiCashFake } from '../fakes/iumicash.ts';
import { startMugglePayFake, type MugglePayFake } from '../fakes/mugglepay.ts';
import { iumicash } from '../../src/gateways/iumicash/index.ts';
import { mugglepay } from '../../src/gateways/mugglepay/index.ts';
import { myceliumGear } from '../../src/gateways/mycelium-gear/index.ts';
import { payOrder } from '../../src/orders/pay-order.ts';
import { handleGatewayCallback } from '../../src/orders/gateway-callback.ts';
import { STALE_CREATING_SECONDS } from '../../src/orders/charge-attempt.ts';

const balanceLow = readFileSync(new URL('../fixtures/gateways/iumicash/error-400-balance-low.json', import.meta.url), 'utf8');

describe('paying through iumiCash when answers go missing', () => {
  let fake: IumiCashFake;
  let h: Harness;
  beforeAll(async () => {
    fake = await startIumiCashFake();
    h = await makeHarness();
    h.clock.now = NOW;
    h.deps.gateways.set('iumicash', iumicash.create(iumicash.fromEnv(fake.env)!, contractDeps()));
  });
  afterAll(async () => {
    await h?.close();
    await fake?.close();
  });
  const pay = (orderId: string) => payOrder(h.deps, orderId, 'iumicash');
  const stored = (orderId: string) => h.store.getChargeForOrder(orderId, 'iumicash');
  const requestIds = (orderId: string) =>
    fake.requests.filter((r) => r.method === 'POST' && r.target === '/api/v1/orders/' && r.body.includes(`"external_id":"${orderId}"`)).map((r) => r.headers.requestid);

  it('a definite refusal removes the slot: nothing is kept, and the next pay starts over with a new RequestId', async () => {
    const orderId = await storeOrder(h);
    fake.failNext('orders', 400, balanceLow, 'application/json');
    const refused = await pay(orderId);
    expect(refused).toMatchObject({ ok: false, code: 'GATEWAY_ERROR', details: { gateway: 'iumicash', kind: 'declined' } });
    expect(refused.ok || refused.details).not.toHaveProperty('chargeStatus');
    expect(await stored(orderId)).toBeUndefined();
    const next = await pay(orderId);
    expect(next.ok).toBe(true);
    const [first, second] = requestIds(orderId);
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
  });

  it('a retry while iumiCash still fails keeps the charge unknown under the same key, and a later one adopts the order', async () => {
    const orderId = await storeOrder(h);
    fake.loseNextCreate('status-503');
    expect(await pay(orderId)).toMatchObject({ ok: false, details: { chargeStatus: 'unknown' } });
    const key = (await stored(orderId))!.idempotencyKey;
    fake.failNext('orders', 503, 'Service Unavailable');
    const still = await pay(orderId);
    expect(still).toMatchObject({ ok: false, code: 'GATEWAY_ERROR', details: { gateway: 'iumicash', kind: 'unavailable', chargeStatus: 'unknown' } });
    expect(!still.ok && still.message).toContain('being reconciled');
    expect(await stored(orderId)).toMatchObject({ status: 'unknown', idempotencyKey: key });
    const adopted = await pay(orderId);
    expect(adopted.ok && fake.ordersFor(orderId)).toEqual([adopted.ok && adopted.value.reference]);
    expect(new Set(requestIds(orderId))).toEqual(new Set([key]));
  });

  it('racing retries of an unknown charge send one create: the others are told it is being created', async () => {
    const orderId = await storeOrder(h);
    fake.loseNextCreate('status-503');
    await pay(orderId);
    const before = requestIds(orderId).length;
    const answers = await Promise.all([pay(orderId), pay(orderId), pay(orderId)]);
    const links = answers.filter((a) => a.ok);
    expect(links.length).toBeGreaterThanOrEqual(1);
    expect(new Set(links.map((a) => a.ok && a.value.reference))).toEqual(new Set(fake.ordersFor(orderId)));
    for (const a of answers.filter((x) => !x.ok)) expect(a).toMatchObject({ code: 'INVALID_STATE', message: expect.stringContaining('being created') });
    expect(requestIds(orderId).length - before).toBe(1);
  });

  it(`a slot left in creating by a crash is left alone for ${STALE_CREATING_SECONDS} s, then resolved through its key`, async () => {
    const orderId = await storeOrder(h);
    fake.loseNextCreate('status-503');
    await pay(orderId);
    const slot = (await stored(orderId))!;
    await h.store.updateCharge(slot.id, { status: 'creating', updatedAt: h.clock.now }); // the process died mid-attempt
    expect(await pay(orderId)).toMatchObject({ ok: false, code: 'INVALID_STATE' });
    h.clock.now += STALE_CREATING_SECONDS;
    try {
      const adopted = await pay(orderId);
      expect(adopted.ok && fake.ordersFor(orderId)).toEqual([adopted.ok && adopted.value.reference]);
    } finally {
      h.clock.now = NOW;
    }
  });

  it('an order that can no longer be paid is refused before its unknown charge is retried', async () => {
    const orderId = await storeOrder(h);
    fake.loseNextCreate('status-503');
    await pay(orderId);
    const before = fake.requests.length;
    h.clock.now = NOW + 7200;
    try {
      expect(await pay(orderId)).toMatchObject({ ok: false, code: 'INVALID_STATE', details: { status: 'expired' } });
    } finally {
      h.clock.now = NOW;
    }
    expect(fake.requests.length).toBe(before);
  });
});

describe('a key that cannot be reserved', () => {
  it('answers GATEWAY_ERROR and keeps no charge (Mycelium Gear unreachable for last_keychain_id)', async () => {
    const h = await makeHarness();
    try {
      h.clock.now = NOW;
      const env = { OC_GEAR_GATEWAY_ID: 'a'.repeat(64), OC_GEAR_SECRET: 'secret-0123456789', OC_GEAR_BASE_URL: 'http://127.0.0.1:9' };
      h.deps.gateways.set('mycelium-gear', myceliumGear.create(myceliumGear.fromEnv(env)!, contractDeps()));
      const orderId = await storeOrder(h);
      const res = await payOrder(h.deps, orderId, 'mycelium-gear');
      expect(res).toMatchObject({ ok: false, code: 'GATEWAY_ERROR', details: { gateway: 'mycelium-gear', kind: 'unavailable' } });
      expect(res.ok || res.details).not.toHaveProperty('chargeStatus');
      expect(await h.store.listCharges(orderId)).toEqual([]);
    } finally {
      await h.close();
    }
  });
});

describe('the callback token survives a lost answer (MugglePay echoes the one sent first)', () => {
  let fake: MugglePayFake;
  let h: Harness;
  beforeAll(async () => {
    fake = await startMugglePayFake();
    h = await makeHarness();
    h.clock.now = NOW;
    h.deps.gateways.set('mugglepay', mugglepay.create(mugglepay.fromEnv(fake.env)!, contractDeps()));
  });
  afterAll(async () => {
    await h?.close();
    await fake?.close();
  });

  it("the adopted order's callback authenticates and pays the order", async () => {
    const orderId = await storeOrder(h);
    fake.loseNextCreate('hang');
    h.deps.gateways.set('mugglepay', mugglepay.create(mugglepay.fromEnv(fake.env)!, { ...contractDeps(), timeoutMs: 1500 }));
    expect(await payOrder(h.deps, orderId, 'mugglepay')).toMatchObject({ ok: false, details: { chargeStatus: 'unknown' } });
    h.deps.gateways.set('mugglepay', mugglepay.create(mugglepay.fromEnv(fake.env)!, contractDeps()));
    const link = await payOrder(h.deps, orderId, 'mugglepay');
    if (!link.ok) throw new Error(link.message);
    fake.settle(link.value.reference, 'paid');
    const handled = await handleGatewayCallback(h.deps, 'mugglepay', fake.callback(link.value.reference));
    expect(handled.ok).toBe(true);
    expect((await h.store.getOrder(orderId))?.status).toBe('paid');
  });
});

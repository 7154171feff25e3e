// The contract every gateway adapter passes against its fake server (docs/architecture.md rule 11).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { GatewayDefinition } from '../../src/gateways/definition.ts';
import type { ChargeOrder, Gateway, GatewayDeps } from '../../src/gateways/types.ts';
import type { FakeGatewayServer } from '../fakes/types.ts';
import { createMemoryLogger } from '../../src/log.ts';
import { createSigner } from '../../src/client/signer.ts';
import { nobleBackend } from '../../src/protocol/noble.ts';
import { parsePrivateKey } from '../../src/protocol/keys.ts';
import { canonicalOrder } from '../../src/protocol/canonical.ts';
import { makeHarness, type Harness } from '../helpers/harness.ts';
import { payOrder } from '../../src/orders/pay-order.ts';
import { reconcileCharges } from '../../src/orders/reconcile-charges.ts';

const TEST_KEY = (parsePrivateKey('22'.repeat(32)) as { ok: true; key: Uint8Array }).key;
export const NOW = 1_900_000_000;

export function contractDeps(log = createMemoryLogger()): GatewayDeps & { log: ReturnType<typeof createMemoryLogger> } {
  return {
    fetch: globalThis.fetch,
    now: () => NOW,
    randomBytes: (n) => new Uint8Array(randomBytes(n)),
    log,
    signer: createSigner({ ocid: 500, privateKey: TEST_KEY, backend: nobleBackend, now: () => NOW, randomBytes: (n) => new Uint8Array(randomBytes(n)) }),
  };
}

/** A signed order as the server would hand it to a gateway. */
export function sampleOrder(id = `ord_${randomBytes(6).toString('hex')}`, amount = '12.50', currency = 'USD'): ChargeOrder {
  const signed = { id, ocid: 500, amount, currency, reference: 'shop-42', createdAt: NOW, expiresAt: NOW + 3600, accepts: [100] };
  const signer = contractDeps().signer;
  return {
    id,
    amount,
    currency,
    reference: 'shop-42',
    createdAt: NOW,
    expiresAt: NOW + 3600,
    signed,
    signature: signer.signCanonical(canonicalOrder(signed)),
    urls: {
      order: [`http://127.0.0.1:8787/opencharge/orders/${id}`],
      completed: 'https://shop.example/ok',
      cancelled: 'https://shop.example/cancel',
    },
  };
}

export interface ContractOptions {
  definition: GatewayDefinition<any>;
  startFake: () => Promise<FakeGatewayServer>;
  /** Where the fake's callbacks go; the contract only parses them, end-to-end tests send them. */
  callbackUrl?: string;
  /** Outcomes the gateway can report (default pending → paid, expired). */
  outcomes?: Array<'paid' | 'expired' | 'cancelled' | 'underpaid' | 'overpaid'>;
  /** The Opencharge gateway has no status fetch or callback of its own (its proofs arrive on /transfer/webhook). */
  noFetch?: boolean;
  /**
   * What a retry gets after a create whose answer was lost: the order the gateway made ('adopted', the default),
   * or, for Mycelium Gear (no lookup by keychain_id), a refusal while that order holds the address, then a new
   * order at the same address once it has expired ('address-held').
   */
  lostAnswer?: 'adopted' | 'address-held';
}

/** Stores a signed sample order the way createOrder would, so the pay use case can charge it. */
export async function storeOrder(h: Harness): Promise<string> {
  const o = sampleOrder();
  const responseBody = JSON.stringify({ order: o.signed, signature: o.signature, urls: o.urls });
  await h.store.createOrder(
    {
      id: o.id, callerOcid: 0, requestHash: o.id, amount: o.amount, currency: o.currency, reference: o.reference ?? null,
      createdAt: o.createdAt, expiresAt: o.expiresAt, orderJson: JSON.stringify(o.signed), signature: o.signature, responseBody,
    },
    { event: { id: `evt_${o.id}`, orderId: o.id, type: 'order.created', createdAt: NOW, data: '{}' } },
  );
  return o.id;
}

export function gatewayContract(o: ContractOptions): void {
  describe(`gateway contract: ${o.definition.id}`, () => {
    let fake: FakeGatewayServer;
    let gateway: Gateway;
    let deps: ReturnType<typeof contractDeps>;
    const callbackUrl = o.callbackUrl ?? `http://127.0.0.1:9/opencharge/callbacks/${o.definition.id}`;
    const token = randomBytes(16).toString('hex');

    /** What the server does for a new charge: the gateway fixes the key, then the create carries it. */
    async function charge(g: Gateway, order = sampleOrder()) {
      const key = await g.newIdempotencyKey(order);
      return key.ok ? g.createCharge({ order, callbackUrl, callbackToken: token, idempotencyKey: key.value }) : key;
    }

    beforeAll(async () => {
      fake = await o.startFake();
      deps = contractDeps();
      const config = o.definition.fromEnv(fake.env);
      expect(config, 'fake env enables the gateway').toBeDefined();
      gateway = o.definition.create(config, deps);
    });
    afterAll(async () => fake?.close());

    it('is disabled when its credentials are absent', () => {
      expect(o.definition.fromEnv({})).toBeUndefined();
    });

    it('creates a pending charge with a payment URL', async () => {
      const res = await charge(gateway);
      if (!res.ok) throw new Error(JSON.stringify(res.error));
      expect(res.value.reference).toMatch(/\S/);
      expect(res.value.paymentUrl).toMatch(/^https?:\/\//);
      expect(res.value.status).toBe('pending');
    });

    it.skipIf(o.noFetch)('fetches a charge and follows it to paid', async () => {
      const created = await charge(gateway);
      if (!created.ok) throw new Error(JSON.stringify(created.error));
      const ref = created.value.reference;
      const before = await gateway.fetchCharge(ref);
      expect(before.ok && before.value.status).toBe('pending');
      fake.settle(ref, 'paid');
      const after = await gateway.fetchCharge(ref);
      expect(after.ok && after.value.status).toBe('paid');
      expect(after.ok && after.value.reference).toBe(ref);
    });

    for (const outcome of o.outcomes ?? ['expired']) {
      it.skipIf(o.noFetch)(`maps a ${outcome} charge`, async () => {
        const created = await charge(gateway);
        if (!created.ok) throw new Error(JSON.stringify(created.error));
        fake.settle(created.value.reference, outcome);
        const after = await gateway.fetchCharge(created.value.reference);
        expect(after.ok && after.value.status).toBe(outcome);
      });
    }

    it.skipIf(o.noFetch)('reports an unknown charge as not_found', async () => {
      const res = await gateway.fetchCharge('does-not-exist-123');
      expect(res.ok).toBe(false);
      expect(!res.ok && res.error.kind).toBe('not_found');
    });

    it.skipIf(o.noFetch)('parses the callback the gateway sends, and it names the charge', async () => {
      const created = await charge(gateway);
      if (!created.ok) throw new Error(JSON.stringify(created.error));
      fake.settle(created.value.reference, 'paid');
      const verdict = gateway.parseCallback(fake.callback(created.value.reference));
      if (!verdict.ok) throw new Error(verdict.reason);
      expect(verdict.callback.reference).toBe(created.value.reference);
      if (gateway.callbackAuth === 'token') expect(verdict.callback.token).toBe(token);
    });

    it.skipIf(o.noFetch)('rejects or exposes a forged callback', async () => {
      const created = await charge(gateway);
      if (!created.ok) throw new Error(JSON.stringify(created.error));
      const real = fake.callback(created.value.reference);
      if (gateway.callbackAuth === 'signature') {
        // One changed byte in what is signed (query for GET callbacks, body otherwise).
        const forged = real.body
          ? { ...real, body: real.body.replace(/.$/, (c) => (c === '}' ? ' }' : c === '0' ? '1' : '0')) }
          : { ...real, target: real.target + (real.target.includes('?') ? '&' : '?') + 'x=1' };
        expect(gateway.parseCallback(forged).ok).toBe(false);
        const unsigned = { ...real, headers: Object.fromEntries(Object.entries(real.headers).filter(([k]) => !/signature/i.test(k))) };
        expect(gateway.parseCallback(unsigned).ok).toBe(false);
      } else if (gateway.callbackAuth === 'token') {
        const forged = JSON.parse(JSON.stringify(real)) as typeof real;
        forged.body = forged.body.split(token).join('0'.repeat(token.length));
        forged.target = forged.target.split(token).join('0'.repeat(token.length));
        const verdict = gateway.parseCallback(forged);
        expect(verdict.ok && verdict.callback.token === token).toBe(false);
      }
      expect(gateway.parseCallback({ method: 'POST', target: '/x', headers: {}, body: 'not json{' }).ok).toBe(false);
    });

    it('fails with kind "auth" on refused credentials, without leaking them', async () => {
      const bad = o.definition.create(o.definition.fromEnv(fake.badEnv), deps);
      const res = await charge(bad);
      expect(res.ok).toBe(false);
      if (res.ok) return;
      expect(res.error.kind).toBe('auth');
      for (const secret of [...fake.secrets, ...Object.values(fake.badEnv).filter((v) => v.length >= 8 && !v.startsWith('http'))]) {
        expect(res.error.message).not.toContain(secret);
      }
    });

    it('fails with kind "unavailable" when the gateway cannot be reached', async () => {
      const env = { ...fake.env };
      for (const k of Object.keys(env)) if (k.endsWith('_BASE_URL') || k === 'OC_MG_ENDPOINT') env[k] = 'http://127.0.0.1:9';
      const down = o.definition.create(o.definition.fromEnv(env), deps);
      const res = await charge(down);
      expect(!res.ok && res.error.kind).toBe('unavailable');
    });

    describe('a create whose answer was lost', () => {
      let h: Harness;
      const id = o.definition.id;
      /** One HTTP exchange of the first attempt may take this long: past it, a hanging answer counts as lost. */
      const HANG_TIMEOUT_MS = 1500;

      beforeAll(async () => {
        h = await makeHarness();
        h.clock.now = NOW;
      });
      afterAll(async () => h?.close());

      /** The shop's pay through the real use case and store; the first attempt may use a short HTTP timeout. */
      const pay = (orderId: string, timeoutMs?: number) => {
        h.deps.gateways.set(id, o.definition.create(o.definition.fromEnv(fake.env), { ...deps, ...(timeoutMs ? { timeoutMs } : {}) }));
        return payOrder(h.deps, orderId, id);
      };
      const stored = async (orderId: string) => (await h.store.getChargeForOrder(orderId, id))!;

      /** Loses the answer to the first pay's create: the gateway holds one order, the charge is `unknown`. */
      async function lose(how: 'status-503' | 'hang'): Promise<{ orderId: string; key: string }> {
        const orderId = await storeOrder(h);
        fake.loseNextCreate(how);
        const first = await pay(orderId, how === 'hang' ? HANG_TIMEOUT_MS : undefined);
        expect(first).toMatchObject({ ok: false, code: 'GATEWAY_ERROR', details: { gateway: id, chargeStatus: 'unknown' } });
        expect(fake.ordersFor(orderId)).toHaveLength(1);
        const charge = await stored(orderId);
        expect(charge).toMatchObject({ status: 'unknown', reference: '' });
        return { orderId, key: charge.idempotencyKey };
      }

      /** Gear: while the lost order is open, the retry is refused (no second order); once it expired, a new one. */
      async function letTheAddressGo(orderId: string, retry: () => Promise<unknown>) {
        await retry();
        expect(fake.ordersFor(orderId)).toHaveLength(1);
        expect((await stored(orderId)).status).toBe('unknown');
        fake.settle(fake.ordersFor(orderId)[0]!, 'expired');
      }

      /** The charge adopted the gateway's one live order for the shop order, under the key it was reserved with. */
      async function expectAdopted(orderId: string, key: string, reference: string) {
        const orders = fake.ordersFor(orderId);
        expect(orders).toHaveLength(o.lostAnswer === 'address-held' ? 2 : 1);
        expect(orders.at(-1)).toBe(reference);
        expect(await stored(orderId)).toMatchObject({ status: 'pending', reference, idempotencyKey: key });
        const again = await pay(orderId);
        expect(again.ok && again.value.reference).toBe(reference);
        expect(fake.ordersFor(orderId)).toHaveLength(orders.length);
      }

      for (const how of ['status-503', 'hang'] as const) {
        it(`the shop's retry ends with one order at the gateway, which the charge adopts (${how})`, async () => {
          const { orderId, key } = await lose(how);
          if (o.lostAnswer === 'address-held') {
            await letTheAddressGo(orderId, async () => {
              const held = await pay(orderId);
              expect(held).toMatchObject({ ok: false, code: 'GATEWAY_ERROR', details: { gateway: id, kind: 'conflict', chargeStatus: 'unknown' } });
            });
          }
          const retry = await pay(orderId);
          if (!retry.ok) throw new Error(`${retry.code}: ${retry.message}`);
          expect(retry.value).toMatchObject({ gateway: id, status: 'pending' });
          expect(retry.value.paymentUrl).toMatch(/^https?:\/\//);
          await expectAdopted(orderId, key, retry.value.reference);
        });
      }

      it('the reconciliation sweep resolves an unknown charge through its key', async () => {
        const { orderId, key } = await lose('status-503');
        if (o.lostAnswer === 'address-held') await letTheAddressGo(orderId, () => reconcileCharges(h.deps));
        await reconcileCharges(h.deps);
        const charge = await stored(orderId);
        expect(charge.status).toBe('pending');
        await expectAdopted(orderId, key, charge.reference);
      });

      it('the sweep gives up, sending nothing, once the order can no longer be paid', async () => {
        const { orderId } = await lose('status-503');
        const before = fake.requests.length;
        h.clock.now = NOW + 7200; // past the sample order's expiresAt
        try {
          await reconcileCharges(h.deps);
        } finally {
          h.clock.now = NOW;
        }
        expect(await stored(orderId)).toMatchObject({ status: 'failed', gatewayStatus: 'unresolved' });
        expect(fake.requests.slice(before).filter((r) => r.method === 'POST')).toEqual([]);
      });
    });

    it('never writes a secret to its logs', () => {
      const text = deps.log.lines.join('\n');
      for (const secret of fake.secrets) expect(text).not.toContain(secret);
    });
  });
}

// The contract every gateway adapter passes against its fake server (ARCHITECTURE rule 11).
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
}

export function gatewayContract(o: ContractOptions): void {
  describe(`gateway contract: ${o.definition.id}`, () => {
    let fake: FakeGatewayServer;
    let gateway: Gateway;
    let deps: ReturnType<typeof contractDeps>;
    const callbackUrl = o.callbackUrl ?? `http://127.0.0.1:9/opencharge/callbacks/${o.definition.id}`;
    const token = randomBytes(16).toString('hex');

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

    it('creates a pending charge with a payment URL, once per idempotency key', async () => {
      const res = await gateway.createCharge({ order: sampleOrder(), callbackUrl, callbackToken: token, idempotencyKey: 'k1' });
      if (!res.ok) throw new Error(JSON.stringify(res.error));
      expect(res.value.reference).toMatch(/\S/);
      expect(res.value.paymentUrl).toMatch(/^https?:\/\//);
      expect(res.value.status).toBe('pending');
    });

    it.skipIf(o.noFetch)('fetches a charge and follows it to paid', async () => {
      const created = await gateway.createCharge({ order: sampleOrder(), callbackUrl, callbackToken: token, idempotencyKey: 'k2' });
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
        const created = await gateway.createCharge({ order: sampleOrder(), callbackUrl, callbackToken: token, idempotencyKey: `k-${outcome}` });
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
      const created = await gateway.createCharge({ order: sampleOrder(), callbackUrl, callbackToken: token, idempotencyKey: 'k3' });
      if (!created.ok) throw new Error(JSON.stringify(created.error));
      fake.settle(created.value.reference, 'paid');
      const verdict = gateway.parseCallback(fake.callback(created.value.reference));
      if (!verdict.ok) throw new Error(verdict.reason);
      expect(verdict.callback.reference).toBe(created.value.reference);
      if (gateway.callbackAuth === 'token') expect(verdict.callback.token).toBe(token);
    });

    it.skipIf(o.noFetch)('rejects or exposes a forged callback', async () => {
      const created = await gateway.createCharge({ order: sampleOrder(), callbackUrl, callbackToken: token, idempotencyKey: 'k4' });
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
      const res = await bad.createCharge({ order: sampleOrder(), callbackUrl, callbackToken: token, idempotencyKey: 'k5' });
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
      const res = await down.createCharge({ order: sampleOrder(), callbackUrl, callbackToken: token, idempotencyKey: 'k6' });
      expect(!res.ok && res.error.kind).toBe('unavailable');
    });

    it('never writes a secret to its logs', () => {
      const text = deps.log.lines.join('\n');
      for (const secret of fake.secrets) expect(text).not.toContain(secret);
    });
  });
}

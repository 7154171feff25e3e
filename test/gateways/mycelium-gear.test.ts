// Mycelium Gear adapter: contract suite, signing vectors, status table, requests, responses, callbacks, redaction, settings.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { gatewayContract, contractDeps, sampleOrder, NOW } from '../contract/gateway.contract.ts';
import { startServer } from '../helpers/http-server.ts';
import { myceliumGear } from '../../src/gateways/mycelium-gear/index.ts';
import { gearConfigFromEnv } from '../../src/gateways/mycelium-gear/settings.ts';
import { STATUS_MAP, commonStatus, errorFor } from '../../src/gateways/mycelium-gear/status.ts';
import { createOrderBody, fromCreateResponse, fromFetchResponse, gearSignature, toCreateRequest, toFetchRequest } from '../../src/gateways/mycelium-gear/wire.ts';
import type { CallbackRequest, ChargeOrder, CreateChargeInput, Gateway } from '../../src/gateways/types.ts';
import { createMemoryLogger } from '../../src/log.ts';
import { formA, formB, startMyceliumGearFake, type MyceliumGearFake } from '../fakes/mycelium-gear.ts';

const FIX = new URL('../fixtures/gateways/mycelium-gear/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIX), 'utf8');
const vectors = JSON.parse(fixture('signing-vectors.json')) as {
  requests: Array<{ description: string; form: 'A' | 'B'; secret: string; gatewayId: string; nonce: string; method: string; requestUri: string; body: string; signature: string }>;
  callback: { secret: string; method: string; target: string; signature: string };
};

const GID = 'a55c73f90728ea2750c0d92151e14f960a4cee1e3bca0cf2da8312573a98a8c5';
const SECRET = 'Z9xK2mQ7vR4tY8wB3nC6hJ1pL5sD0fG2kA7eU4iO9qW3zX8c';
const DEFAULT_BASE = 'https://gateway.gear.mycelium.com';
const CALLBACK_URL = 'https://merchant.example/opencharge/callbacks/mycelium-gear';

function fixtureOrder(amount: string, currency: string, extra: Partial<ChargeOrder> = {}): ChargeOrder {
  return {
    id: 'ord_fixture01',
    amount,
    currency,
    reference: 'shop-42',
    createdAt: NOW,
    expiresAt: NOW + 3600,
    signed: {},
    signature: 'not-used-by-gear',
    urls: { order: ['https://merchant.example/opencharge/orders/ord_fixture01'], completed: 'https://shop.example/ok', cancelled: 'https://shop.example/cancel' },
    ...extra,
  };
}
/** The key is the keychain_id (§1.10): a fresh one per order, so no two open orders of these tests share an address. */
let keychains = 1000;
const input = (order: ChargeOrder, callbackUrl = CALLBACK_URL, keychainId = ++keychains): CreateChargeInput => ({
  order, callbackUrl, callbackToken: 'tok_0123456789abcdef', idempotencyKey: String(keychainId),
});

gatewayContract({
  definition: myceliumGear,
  startFake: startMyceliumGearFake,
  outcomes: ['paid', 'expired', 'cancelled', 'underpaid', 'overpaid'],
  lostAnswer: 'address-held',
});

describe('mycelium-gear signing (§1.2 vectors)', () => {
  it('computes the documented Form A request signature', () => {
    const v = vectors.requests.find((r) => r.form === 'A')!;
    expect(gearSignature(v.secret, v.method, v.requestUri, v.nonce, v.body)).toBe(v.signature);
  });

  for (const v of vectors.requests) {
    it(`the fake accepts the documented request verbatim: ${v.description}`, async () => {
      const fake = await startMyceliumGearFake({ gatewayId: v.gatewayId, secret: v.secret });
      try {
        expect(v.form === 'A' ? formA(v.secret, v.method, v.requestUri, v.nonce, v.body) : formB(v.secret, v.method, v.requestUri, v.nonce, v.body)).toBe(v.signature);
        const headers: Record<string, string> = { 'X-Nonce': v.nonce, 'X-Signature': v.signature };
        if (v.body) headers['Content-Type'] = 'application/json';
        const res = await fetch(fake.baseUrl + v.requestUri, { method: v.method, headers, body: v.body || null });
        expect(res.status).toBe(200);
        const json = (await res.json()) as Record<string, unknown>;
        expect(json).toMatchObject({ status: 0, amount: 1, keychain_id: 1, amount_in_btc: '0.00000001' });
        const forged = await fetch(fake.baseUrl + v.requestUri, { method: v.method, headers: { ...headers, 'X-Nonce': v.nonce + '1' }, body: v.body || null });
        expect(forged.status).toBe(409);
        expect(await forged.text()).toMatch(/^X-Signature is invalid: "/);
      } finally {
        await fake.close();
      }
    });
  }

  it('verifies the documented callback signature over the raw request_uri', () => {
    const gw = myceliumGear.create(gearConfigFromEnv({ OC_GEAR_GATEWAY_ID: GID, OC_GEAR_SECRET: vectors.callback.secret })!, contractDeps());
    const cb = vectors.callback;
    const verdict = gw.parseCallback({ method: 'GET', target: cb.target, headers: { 'x-signature': cb.signature }, body: '' });
    expect(verdict).toEqual({ ok: true, callback: { reference: '1', claimedStatus: '2' } });
  });
});

describe('mycelium-gear status mapping (§1.6, §5)', () => {
  const TABLE: Array<[number, string]> = [
    [-3, 'pending'],
    [0, 'pending'],
    [1, 'pending'],
    [2, 'paid'],
    [3, 'underpaid'],
    [4, 'overpaid'],
    [5, 'expired'],
    [6, 'cancelled'],
  ];
  it('maps every documented code, as a JSON number and as callback text', () => {
    for (const [code, common] of TABLE) {
      expect(commonStatus(code)).toBe(common);
      expect(commonStatus(String(code))).toBe(common);
    }
    expect(Object.keys(STATUS_MAP).sort()).toEqual(TABLE.map(([c]) => String(c)).sort());
  });

  it('returns undefined for codes Gear never documented', () => {
    for (const unknown of [7, -1, -2, 2.5, '2.0', '02', 'paid', '', null, undefined, {}]) expect(commonStatus(unknown)).toBeUndefined();
  });

  it('turns an unknown status in a response into a protocol error, and keeps -3 and 1 pending', async () => {
    const fake = await startMyceliumGearFake();
    try {
      const gw = myceliumGear.create(myceliumGear.fromEnv(fake.env)!, contractDeps());
      const created = await gw.createCharge(input(sampleOrder(), CALLBACK_URL));
      if (!created.ok) throw new Error(created.error.message);
      const ref = created.value.reference;
      for (const [code, common] of [[1, 'pending'], [-3, 'pending'], [4, 'overpaid']] as const) {
        fake.setNative(ref, code);
        const res = await gw.fetchCharge(ref);
        expect(res.ok && [res.value.status, res.value.gatewayStatus]).toEqual([common, String(code)]);
      }
      fake.setNative(ref, 7);
      const res = await gw.fetchCharge(ref);
      expect(!res.ok && res.error).toMatchObject({ kind: 'protocol', message: expect.stringContaining('unknown order status') });
    } finally {
      await fake.close();
    }
  });
});

describe('mycelium-gear request building (§1.2, §1.4)', () => {
  const ep = { baseUrl: DEFAULT_BASE, gatewayId: GID };

  it('sends a BTC order in satoshis, with the order id, return URL and callback URL where Gear reads them', () => {
    const req = toCreateRequest(ep, SECRET, input(fixtureOrder('0.00012345', 'BTC'), CALLBACK_URL, 1), '1900000000000');
    if (!req.ok) throw new Error(req.error.message);
    expect(req.value.method).toBe('POST');
    expect(req.value.url).toBe(`${DEFAULT_BASE}/gateways/${GID}/orders`);
    expect(req.value.body).toBe(fixture('create-request-btc.json'));
    expect(req.value.headers['Content-Type']).toBe('application/json');
    expect(req.value.headers['X-Nonce']).toBe('1900000000000');
    expect(req.value.headers['X-Signature']).toBe(formA(SECRET, 'POST', `/gateways/${GID}/orders`, '1900000000000', req.value.body!));
    const body = JSON.parse(req.value.body!) as Record<string, unknown>;
    expect(body).not.toHaveProperty('order_id'); // §1.4: forbidden (409)
    expect(body.keychain_id).toBe(1); // §1.10: the charge's key, so a retry asks for the same address
    expect(req.value.body).not.toContain('tok_0123456789abcdef'); // the callback token is not Gear's business
  });

  it('sends a fiat order in major units as written, naming the currency', () => {
    const req = toCreateRequest(ep, SECRET, input(fixtureOrder('12.50', 'usd'), CALLBACK_URL, 2), '1');
    expect(req.ok && req.value.body).toBe(fixture('create-request-usd.json'));
  });

  it('converts BTC amounts exactly and refuses what Gear would misread', () => {
    const amountOf = (amount: string, currency = 'BTC') => {
      const b = createOrderBody(input(fixtureOrder(amount, currency)));
      return b.ok ? b.value.amount : b.error.kind;
    };
    expect(amountOf('0.00000001')).toBe(1);
    expect(amountOf('1')).toBe(100_000_000);
    expect(amountOf('21000000.00000000')).toBe(2_100_000_000_000_000);
    expect(amountOf('0.123456789')).toBe('invalid'); // sub-satoshi
    expect(amountOf('0')).toBe('invalid'); // Gear reads 0 as "any amount"
    expect(amountOf('0.00', 'USD')).toBe('invalid');
    expect(amountOf('-1')).toBe('invalid');
    expect(amountOf('1e3')).toBe('invalid');
    expect(amountOf('10', 'US')).toBe('invalid');
  });

  it('uses the memo as description when present, clipped to 255 characters', () => {
    const b = createOrderBody(input(fixtureOrder('1', 'USD', { memo: 'x'.repeat(400) })));
    expect(b.ok && (b.value.description as string).length).toBe(255);
    const noReturn = createOrderBody(input(fixtureOrder('1', 'USD', { urls: { order: [] } })));
    expect(noReturn.ok && noReturn.value).not.toHaveProperty('after_payment_redirect_to');
  });

  it('signs a status fetch over the path and an empty body', () => {
    const req = toFetchRequest(ep, SECRET, '128690', '42');
    expect(req).toMatchObject({ method: 'GET', url: `${DEFAULT_BASE}/gateways/${GID}/orders/128690` });
    expect(req.body).toBeUndefined();
    expect(req.headers['X-Signature']).toBe(formA(SECRET, 'GET', `/gateways/${GID}/orders/128690`, '42', ''));
  });

  describe('against the fake', () => {
    let fake: MyceliumGearFake;
    let gw: Gateway;
    beforeAll(async () => {
      fake = await startMyceliumGearFake();
      gw = myceliumGear.create(myceliumGear.fromEnv(fake.env)!, contractDeps());
    });
    afterAll(() => fake.close());

    it('sends increasing nonces even when the clock stands still', async () => {
      const before = fake.requests.length;
      await gw.createCharge(input(sampleOrder()));
      await gw.createCharge(input(sampleOrder()));
      const nonces = fake.requests.slice(before).map((r) => BigInt(r.headers['x-nonce']!));
      expect(nonces[0]! >= BigInt(NOW) * 1000n).toBe(true);
      expect(nonces[1]! > nonces[0]!).toBe(true);
    });

    it('retries once with a fresh nonce on "409 X-Nonce is invalid"', async () => {
      const probe = fake.requests.length;
      await gw.fetchCharge('1');
      const last = BigInt(fake.requests[probe]!.headers['x-nonce']!);
      fake.setLastNonce(last + 1n); // another client used our next nonce
      const before = fake.requests.length;
      const res = await gw.createCharge(input(sampleOrder()));
      expect(res.ok).toBe(true);
      expect(fake.requests.length - before).toBe(2);
    });

    it('gives up after one retry and reports kind "auth"', async () => {
      fake.setLastNonce(10n ** 30n); // e.g. the kit's ~22-digit nonces were used before
      const before = fake.requests.length;
      const res = await gw.createCharge(input(sampleOrder()));
      expect(!res.ok && res.error.kind).toBe('auth');
      expect(fake.requests.length - before).toBe(2);
      fake.setLastNonce(undefined);
    });

    it('reports a BTC order paid amount in BTC and follows the charge by id and payment_id', async () => {
      const fresh = await startMyceliumGearFake();
      try {
        const g = myceliumGear.create(myceliumGear.fromEnv(fresh.env)!, contractDeps());
        const res = await g.createCharge(input(fixtureOrder('0.0005', 'BTC', { id: 'ord_btc' })));
        if (!res.ok) throw new Error(res.error.message);
        expect(res.value.paidAmount).toBe('0');
        const order = fresh.orders.get(Number(res.value.reference))!;
        expect(order).toMatchObject({ amount: 50_000n, currency: 'BTC', callbackData: 'ord_btc', afterPaymentRedirectTo: 'https://shop.example/ok' });
        expect(res.value.paymentUrl).toBe(`${fresh.baseUrl}/pay/${order.paymentId}`);
        const byPaymentId = await g.fetchCharge(order.paymentId);
        expect(byPaymentId.ok && byPaymentId.value.reference).toBe(res.value.reference);
      } finally {
        await fresh.close();
      }
    });

    it('maps the fake\'s 404 for an unknown numeric id to not_found, and never sends a malformed reference', async () => {
      expect(await gw.fetchCharge('999999')).toMatchObject({ ok: false, error: { kind: 'not_found', httpStatus: 404 } });
      const before = fake.requests.length;
      for (const ref of ['../last_keychain_id', '12?x=1', '', '0', 'ABC']) expect(await gw.fetchCharge(ref)).toMatchObject({ ok: false, error: { kind: 'not_found' } });
      expect(fake.requests.length).toBe(before);
    });

    it('reports an inactive gateway as declined and a wrong gateway id as auth', async () => {
      fake.setActive(false);
      expect(await gw.createCharge(input(sampleOrder()))).toMatchObject({ ok: false, error: { kind: 'declined', httpStatus: 503 } });
      fake.setActive(true);
      const other = myceliumGear.create(myceliumGear.fromEnv({ ...fake.env, OC_GEAR_GATEWAY_ID: 'b'.repeat(64) })!, contractDeps());
      const res = await other.createCharge(input(sampleOrder()));
      expect(!res.ok && res.error.kind).toBe('auth');
      expect(!res.ok && res.error.message).not.toContain('b'.repeat(64));
    });
  });
});

describe('mycelium-gear keychain_id as the idempotency key (§1.10)', () => {
  let fake: MyceliumGearFake;
  let gw: Gateway;
  beforeAll(async () => {
    fake = await startMyceliumGearFake();
    gw = myceliumGear.create(myceliumGear.fromEnv(fake.env)!, contractDeps());
  });
  afterAll(() => fake.close());
  const keyOf = async (g = gw) => {
    const k = await g.newIdempotencyKey(sampleOrder());
    if (!k.ok) throw new Error(k.error.message);
    return k.value;
  };

  it('reserves last_keychain_id + 1, unsigned, and never hands out a keychain_id twice', async () => {
    const before = fake.requests.length;
    const first = await keyOf();
    expect(fake.requests.slice(before).map((r) => `${r.method} ${r.target}`)).toEqual([`GET /gateways/${fake.gatewayId}/last_keychain_id`]);
    expect(fake.requests[before]!.headers).not.toHaveProperty('x-signature');
    // Two reservations before either order exists (two customers at once) still get different addresses.
    expect(Number(await keyOf())).toBe(Number(first) + 1);
  });

  it('goes past a keychain_id another client of the gateway used', async () => {
    const elsewhere = myceliumGear.create(myceliumGear.fromEnv(fake.env)!, contractDeps());
    const taken = Number(await keyOf(elsewhere)) + 40;
    expect((await elsewhere.createCharge(input(sampleOrder(), CALLBACK_URL, taken))).ok).toBe(true);
    expect(Number(await keyOf())).toBe(taken + 1);
  });

  it('a retry after a lost answer asks for the same keychain_id: refused while that order is open, then the same address', async () => {
    const order = sampleOrder();
    const key = await keyOf();
    fake.loseNextCreate('status-503');
    expect(await gw.createCharge(input(order, CALLBACK_URL, Number(key)))).toMatchObject({ ok: false, error: { kind: 'unavailable' } });
    const [lost] = fake.ordersFor(order.id).map((ref) => fake.orders.get(Number(ref))!);
    expect(lost!.keychainId).toBe(Number(key));
    const retry = { ...input(order, CALLBACK_URL, Number(key)), retry: { since: NOW } };
    const held = await gw.createCharge(retry);
    expect(held).toMatchObject({ ok: false, error: { kind: 'conflict', httpStatus: 409, message: expect.stringContaining('already in use') } });
    expect(fake.ordersFor(order.id)).toHaveLength(1); // no second order, no second address
    fake.settle(String(lost!.id), 'expired');
    const again = await gw.createCharge(retry);
    if (!again.ok) throw new Error(again.error.message);
    const adopted = fake.orders.get(Number(again.value.reference))!;
    expect(adopted).toMatchObject({ keychainId: lost!.keychainId, address: lost!.address, status: 0 });
  });

  it('on a first attempt, an address held by another open order is a plain refusal, and the next key moves past it', async () => {
    const key = Number(await keyOf());
    expect((await gw.createCharge(input(sampleOrder(), CALLBACK_URL, key))).ok).toBe(true);
    // Another instance of this server reserved the same keychain_id at the same moment.
    const twin = await gw.createCharge(input(sampleOrder(), CALLBACK_URL, key));
    expect(twin).toMatchObject({ ok: false, error: { kind: 'declined', httpStatus: 409 } });
    expect(Number(await keyOf())).toBeGreaterThan(key);
  });

  it('refuses a key that is not a keychain_id before sending anything', async () => {
    const before = fake.requests.length;
    const res = await gw.createCharge({ ...input(sampleOrder()), idempotencyKey: 'chg_01JX' });
    expect(res).toMatchObject({ ok: false, error: { kind: 'invalid', message: expect.stringContaining('keychain_id') } });
    expect(fake.requests.length).toBe(before);
  });

  it('reports an unreadable last_keychain_id answer as protocol, and an unreachable gateway as unavailable', async () => {
    const odd = myceliumGear.create(myceliumGear.fromEnv(fake.env)!, { ...contractDeps(), fetch: (async () => new Response('{"last_keychain_id":"x"}')) as unknown as typeof fetch });
    expect(await odd.newIdempotencyKey(sampleOrder())).toMatchObject({ ok: false, error: { kind: 'protocol' } });
    const down = myceliumGear.create(myceliumGear.fromEnv({ ...fake.env, OC_GEAR_BASE_URL: 'http://127.0.0.1:9' })!, contractDeps());
    expect(await down.newIdempotencyKey(sampleOrder())).toMatchObject({ ok: false, error: { kind: 'unavailable' } });
  });
});

describe('mycelium-gear response parsing (recorded and documented bodies)', () => {
  const ctx = { baseUrl: DEFAULT_BASE };

  it('reads the recorded create response', () => {
    expect(fromCreateResponse(200, fixture('create-response-recorded.json'), ctx)).toEqual({
      ok: true,
      value: {
        reference: '128690',
        paymentUrl: `${DEFAULT_BASE}/pay/0715a28702298669d4ba87acd2f8c4e045faa671ada675b472ead71d548ba0c0`,
        status: 'pending',
        gatewayStatus: '0',
      },
    });
  });

  it('reads the 2015 kit recording ("0." paid) and reports paid BTC only for BTC orders', () => {
    const btc = fromFetchResponse(200, fixture('kit-create-response-2015.json'), { ...ctx, currency: 'BTC' });
    expect(btc.ok && btc.value).toMatchObject({ reference: '5', status: 'pending', paidAmount: '0' });
    const usd = fromFetchResponse(200, fixture('kit-create-response-2015.json'), { ...ctx, currency: 'USD' });
    expect(usd.ok && usd.value).not.toHaveProperty('paidAmount');
  });

  it('refuses the docs example, which is not JSON (unquoted payment_id key)', () => {
    expect(fromCreateResponse(200, fixture('docs-create-response-seed.txt'), ctx)).toMatchObject({ ok: false, error: { kind: 'protocol' } });
  });

  it('refuses a create answer for another amount than asked', () => {
    const res = fromCreateResponse(200, fixture('create-response-recorded.json'), { ...ctx, currency: 'BTC', satoshis: 12345n });
    expect(!res.ok && res.error.kind).toBe('protocol');
  });

  it('maps the documented text/plain errors, never echoing signatures or the gateway id', () => {
    const cases: Array<[number, string, 'create' | 'fetch', string]> = [
      [404, 'order-not-found-404.txt', 'fetch', 'not_found'],
      [404, 'order-not-found-404.txt', 'create', 'auth'],
      [409, 'signature-invalid-409.txt', 'create', 'auth'],
      [409, 'create-unsigned-409-kit.txt', 'create', 'auth'],
      [409, 'nonce-invalid-409.txt', 'create', 'auth'],
      [409, 'create-invalid-409.txt', 'create', 'invalid'],
      [409, 'create-invalid-409-kit.txt', 'create', 'invalid'],
      [409, 'order-id-forbidden-409.txt', 'create', 'invalid'],
      [429, 'throttled-429.txt', 'create', 'unavailable'],
      [503, 'gateway-inactive-503.txt', 'create', 'declined'],
    ];
    for (const [status, file, op, kind] of cases) {
      const err = errorFor(status, fixture(file), op);
      expect([file, op, err.kind, err.httpStatus]).toEqual([file, op, kind, status]);
      expect(err.message).not.toContain(GID);
      expect(err.message).not.toContain('5R+Xy+1GCQ');
      expect(err.message).not.toContain('1442215362723');
    }
    expect(errorFor(409, fixture('create-invalid-409.txt'), 'create').message).toContain('amount cannot be nil or less than 0');
    // An open order holds the keychain_id's address: maybe our own lost one (the adapter decides, see "lost answers").
    expect(errorFor(409, 'Invalid order: address is already in use', 'create').kind).toBe('conflict');
    expect(errorFor(500, 'POST /gateways/x/orders Server Error', 'create').kind).toBe('unavailable');
    expect(errorFor(302, '', 'fetch').kind).toBe('protocol');
  });
});

describe('mycelium-gear callbacks (§1.8)', () => {
  const gw = myceliumGear.create(gearConfigFromEnv({ OC_GEAR_GATEWAY_ID: GID, OC_GEAR_SECRET: SECRET })!, contractDeps());
  const signedGet = (target: string): CallbackRequest => ({ method: 'GET', target, headers: { 'x-signature': formA(SECRET, 'GET', target, '', '') }, body: '' });
  const real = fixture('callback-source-format.txt');

  it('accepts a callback in the server-source format', () => {
    expect(gw.parseCallback(signedGet(real))).toEqual({ ok: true, callback: { reference: '1', claimedStatus: '2' } });
  });

  it('accepts a signature header with surrounding whitespace', () => {
    const r = signedGet(real);
    expect(gw.parseCallback({ ...r, headers: { 'x-signature': ` ${r.headers['x-signature']} ` } }).ok).toBe(true);
  });

  it('rejects the wrong method', () => {
    expect(gw.parseCallback({ ...signedGet(real), method: 'POST' })).toMatchObject({ ok: false, reason: expect.stringContaining('GET') });
  });

  it('rejects a missing X-Signature', () => {
    expect(gw.parseCallback({ ...signedGet(real), headers: {} })).toMatchObject({ ok: false, reason: expect.stringContaining('X-Signature') });
  });

  it('rejects a bad signature (one changed byte of the query)', () => {
    const r = signedGet(real);
    expect(gw.parseCallback({ ...r, target: r.target.replace('status=2', 'status=3') })).toMatchObject({ ok: false, reason: expect.stringContaining('signature') });
  });

  it('rejects a signature made with another secret', () => {
    const r = { ...signedGet(real), headers: { 'x-signature': formA(SECRET + 'x', 'GET', real, '', '') } };
    expect(gw.parseCallback(r).ok).toBe(false);
  });

  it('verifies the bytes received: a re-encoded target does not verify', () => {
    const r = signedGet(real);
    expect(gw.parseCallback({ ...r, target: r.target.replace(/"/g, '%22') }).ok).toBe(false);
  });

  it('rejects the hex Form B (the kit accepts only Form A for callbacks)', () => {
    expect(gw.parseCallback({ ...signedGet(real), headers: { 'x-signature': formB(SECRET, 'GET', real, '', '') } }).ok).toBe(false);
  });

  it('rejects a signed callback without order_id', () => {
    expect(gw.parseCallback(signedGet('/cb?amount=1&status=2'))).toMatchObject({ ok: false, reason: expect.stringContaining('order_id') });
  });

  it('rejects a signed callback without status', () => {
    expect(gw.parseCallback(signedGet('/cb?order_id=5&amount=1'))).toMatchObject({ ok: false, reason: expect.stringContaining('status') });
  });

  it('rejects a signed callback with an undocumented status, or -3 which Gear never sends', () => {
    expect(gw.parseCallback(signedGet('/cb?order_id=5&status=7')).ok).toBe(false);
    expect(gw.parseCallback(signedGet('/cb?order_id=5&status=-3')).ok).toBe(false);
  });

  it('rejects a signed callback whose order_id is not a Gear id', () => {
    expect(gw.parseCallback(signedGet('/cb?order_id=abc&status=2')).ok).toBe(false);
    expect(gw.parseCallback(signedGet('/cb?order_id=0&status=2')).ok).toBe(false);
  });

  it('rejects a signed callback repeating order_id', () => {
    expect(gw.parseCallback(signedGet('/cb?order_id=5&status=2&order_id=6')).ok).toBe(false);
  });

  it('rejects an unknown shape: no query, an absolute URL, junk input', () => {
    expect(gw.parseCallback(signedGet('/cb')).ok).toBe(false);
    expect(gw.parseCallback(signedGet('https://merchant.example/cb?order_id=5&status=2')).ok).toBe(false);
    expect(gw.parseCallback({ method: 'POST', target: '/x', headers: {}, body: 'not json{' }).ok).toBe(false);
    expect(gw.parseCallback({ method: 'GET', target: 5, headers: null, body: '' } as unknown as CallbackRequest).ok).toBe(false);
    expect(gw.parseCallback(undefined as unknown as CallbackRequest).ok).toBe(false);
  });

  it('replies 200 (any 2xx stops the retries)', () => {
    expect(gw.callbackReply().status).toBe(200);
  });

  it('verifies a callback the fake sends over HTTP, raw bytes and all, then the re-fetch shows the result', async () => {
    const received: CallbackRequest[] = [];
    const sink = await startServer((req, res) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      received.push({ method: req.method ?? '', target: req.url ?? '', headers, body: '' });
      const reply = gw.callbackReply();
      res.writeHead(reply.status, { 'Content-Type': reply.contentType }).end(reply.body);
    });
    const fake = await startMyceliumGearFake();
    try {
      const sinkUrl = `http://127.0.0.1:${sink.port}/opencharge/callbacks/mycelium-gear?src=gear`;
      const live = myceliumGear.create(myceliumGear.fromEnv(fake.env)!, contractDeps());
      const created = await live.createCharge(input(sampleOrder('ord_cb 1/ü'), sinkUrl));
      if (!created.ok) throw new Error(created.error.message);
      fake.settle(created.value.reference, 'paid');
      const res = await fake.sendCallback(created.value.reference);
      expect(res.status).toBe(200);
      const got = received[0]!;
      expect(got.target).toContain('transaction_ids=["'); // sent raw, as Ruby's Net::HTTP does
      expect(got.target).toContain('callback_data=ord_cb+1%2F%C3%BC'); // CGI.escape
      expect(got.target.startsWith('/opencharge/callbacks/mycelium-gear?src=gear&order_id=')).toBe(true);
      expect(live.parseCallback(got)).toEqual({ ok: true, callback: { reference: created.value.reference, claimedStatus: '2' } });
      const after = await live.fetchCharge(created.value.reference);
      expect(after.ok && after.value.status).toBe('paid');
    } finally {
      await fake.close();
      await sink.close();
    }
  });
});

describe('mycelium-gear redaction', () => {
  it('keeps the secret and gateway id out of logs, errors, reasons and JSON', async () => {
    const fake = await startMyceliumGearFake();
    try {
      const log = createMemoryLogger('debug');
      const deps = { ...contractDeps(log), log };
      const config = myceliumGear.fromEnv(fake.env)!;
      const gw = myceliumGear.create(config, deps);
      const ok = await gw.createCharge(input(sampleOrder()));
      expect(ok.ok).toBe(true);
      const bad = myceliumGear.create(myceliumGear.fromEnv(fake.badEnv)!, deps);
      const refused = await bad.createCharge(input(sampleOrder()));
      expect(!refused.ok && refused.error.kind).toBe('auth');
      const wrongGid = myceliumGear.create(myceliumGear.fromEnv({ ...fake.env, OC_GEAR_GATEWAY_ID: 'c'.repeat(64) })!, deps);
      const unknown = await wrongGid.createCharge(input(sampleOrder()));
      expect(unknown.ok).toBe(false);
      const rejected = gw.parseCallback({ method: 'GET', target: '/cb?order_id=1&status=2', headers: { 'x-signature': 'AAAA' }, body: '' });
      expect(rejected.ok).toBe(false);
      expect(log.lines.length).toBeGreaterThan(0);

      const texts = [
        ...log.lines,
        !refused.ok ? refused.error.message : '',
        !unknown.ok ? unknown.error.message : '',
        !rejected.ok ? rejected.reason : '',
        JSON.stringify(gw),
        JSON.stringify(bad),
        JSON.stringify(config),
        String(config.secret),
      ];
      // The gateway id is an identifier, not a secret (it is in every API path), but it stays out of logs and errors.
      for (const text of texts) for (const s of [...fake.secrets, fake.gatewayId, 'c'.repeat(64)]) expect(text).not.toContain(s);
      for (const s of fake.secrets) expect(inspect(config, { depth: 5 })).not.toContain(s);
      // The 409 body echoes our signature: it must not reach logs or messages either.
      const sentSignatures = fake.requests.map((r) => r.headers['x-signature']!).filter(Boolean);
      for (const text of texts) for (const s of sentSignatures) expect(text).not.toContain(s);
    } finally {
      await fake.close();
    }
  });
});

describe('mycelium-gear settings (fromEnv)', () => {
  const valid = { OC_GEAR_GATEWAY_ID: GID, OC_GEAR_SECRET: SECRET };

  it('is disabled when the credentials are absent or blank', () => {
    expect(gearConfigFromEnv({})).toBeUndefined();
    expect(gearConfigFromEnv({ OC_GEAR_GATEWAY_ID: ' ', OC_GEAR_SECRET: '' })).toBeUndefined();
    expect(gearConfigFromEnv({ OC_GEAR_BASE_URL: 'https://gear.example' })).toBeUndefined();
  });

  it('names the missing half of the credentials', () => {
    expect(() => gearConfigFromEnv({ OC_GEAR_GATEWAY_ID: GID })).toThrow(/OC_GEAR_SECRET/);
    expect(() => gearConfigFromEnv({ OC_GEAR_SECRET: SECRET })).toThrow(/OC_GEAR_GATEWAY_ID/);
  });

  it('throws an Error naming the invalid setting, without quoting the secret', () => {
    expect(() => gearConfigFromEnv({ ...valid, OC_GEAR_GATEWAY_ID: '1234' })).toThrow(/^OC_GEAR_GATEWAY_ID .*64-hex/);
    const spaced = 'my secret with spaces';
    let message = '';
    try {
      gearConfigFromEnv({ ...valid, OC_GEAR_SECRET: spaced });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^OC_GEAR_SECRET /);
    expect(message).not.toContain(spaced);
    expect(() => gearConfigFromEnv({ ...valid, OC_GEAR_SECRET: 'short' })).toThrow(/OC_GEAR_SECRET/);
    for (const url of ['ftp://gear.example', 'not a url', 'https://user:pw@gear.example', 'https://gear.example/?x=1']) {
      expect(() => gearConfigFromEnv({ ...valid, OC_GEAR_BASE_URL: url })).toThrow(/OC_GEAR_BASE_URL/);
    }
  });

  it('uses the production base URL by default and honours an override', () => {
    expect(gearConfigFromEnv(valid)!.baseUrl).toBe(DEFAULT_BASE);
    expect(gearConfigFromEnv({ ...valid, OC_GEAR_BASE_URL: 'http://127.0.0.1:4567/gear/' })!.baseUrl).toBe('http://127.0.0.1:4567/gear');
    const upper = gearConfigFromEnv({ ...valid, OC_GEAR_GATEWAY_ID: GID.toUpperCase() })!;
    expect(upper.gatewayId).toBe(GID);
    expect(myceliumGear.settings).toEqual(['OC_GEAR_GATEWAY_ID', 'OC_GEAR_SECRET', 'OC_GEAR_BASE_URL']);
  });

  it('sends requests to the overridden base URL, path prefix included, signed over that path', async () => {
    const calls: Array<{ url: string; init: RequestInit }> = [];
    const deps = {
      ...contractDeps(),
      fetch: (async (url: string, init: RequestInit) => {
        calls.push({ url, init });
        return new Response(fixture('create-response-recorded.json'), { status: 200, headers: { 'Content-Type': 'application/json' } });
      }) as unknown as typeof fetch,
    };
    const gw = myceliumGear.create(gearConfigFromEnv({ ...valid, OC_GEAR_BASE_URL: 'https://gear.example/api' })!, deps);
    const res = await gw.createCharge(input(fixtureOrder('12.50', 'USD'), CALLBACK_URL, 1)); // the recorded order's keychain_id
    expect(res.ok && res.value.paymentUrl).toBe('https://gear.example/api/pay/0715a28702298669d4ba87acd2f8c4e045faa671ada675b472ead71d548ba0c0');
    expect(calls[0]!.url).toBe(`https://gear.example/api/gateways/${GID}/orders`);
    const headers = calls[0]!.init.headers as Record<string, string>;
    expect(headers['X-Signature']).toBe(formA(SECRET, 'POST', `/api/gateways/${GID}/orders`, headers['X-Nonce']!, calls[0]!.init.body as string));
  });
});

// iumiCash adapter: the shared contract, its status table, request building, token handling, callbacks, redaction and settings.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { createHmac } from 'node:crypto';
import { gatewayContract, contractDeps, sampleOrder, NOW } from '../contract/gateway.contract.ts';
import { serveFetch } from '../helpers/http-server.ts';
import { startIumiCashFake, type IumiCashFake } from '../fakes/iumicash.ts';
import { iumicash, createIumiCash } from '../../src/gateways/iumicash/index.ts';
import { iumiCashConfigFromEnv, type IumiCashConfig } from '../../src/gateways/iumicash/settings.ts';
import { STATUS_MAP, commonStatus } from '../../src/gateways/iumicash/status.ts';
import { Secret, parseJson } from '../../src/gateways/kit.ts';
import { createOrderPayload, errorFromResponse, fromCreateResponse, fromFetchResponse, toCharge, toCreateRequest, toFetchRequest } from '../../src/gateways/iumicash/wire.ts';
import { fromTokenResponse, toTokenRequest } from '../../src/gateways/iumicash/token.ts';
import { requestIdFor } from '../../src/gateways/iumicash/request-id.ts';
import { iumiCashSignature } from '../../src/gateways/iumicash/callback.ts';
import { createMemoryLogger } from '../../src/log.ts';
import type { CallbackRequest, ChargeOrder, CreateChargeInput, Gateway } from '../../src/gateways/types.ts';

gatewayContract({ definition: iumicash, startFake: startIumiCashFake, outcomes: ['cancelled'] });

const text = (name: string) => readFileSync(new URL(`../fixtures/gateways/iumicash/${name}`, import.meta.url), 'utf8');
const json = (name: string) => JSON.parse(text(name)) as Record<string, unknown>;
const CALLBACK_URL = 'https://merchant.example/opencharge/callbacks/iumicash';
const PROD = 'https://api.iumi.cash';

function headersOf(h: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  h.forEach((value, name) => {
    out[name] = value;
  });
  return out;
}

function fixedOrder(patch: Partial<ChargeOrder> = {}): ChargeOrder {
  return {
    id: 'ord_fixture01', amount: '12.5', currency: 'usd', reference: 'shop-42', createdAt: NOW, expiresAt: NOW + 3600,
    signed: {}, signature: 'sig', urls: { order: [], completed: 'https://shop.example/ok', cancelled: 'https://shop.example/cancel' },
    ...patch,
  };
}
const input = (order = fixedOrder(), idempotencyKey = 'ord_fixture01:iumicash'): CreateChargeInput => ({ order, callbackUrl: CALLBACK_URL, callbackToken: 'unused-token', idempotencyKey });
const config = (clientSecret = 'client-secret-xyz', baseUrl = PROD): IumiCashConfig => ({ clientId: 'vendor-client', clientSecret: new Secret(clientSecret), baseUrl });

describe('iumiCash status table (docs/gateways.md §4.5, §5)', () => {
  const table: Array<[string, string]> = [
    ['created', 'pending'],
    ['approved', 'pending'],
    ['captured', 'pending'],
    ['completed', 'paid'],
    ['cancelled', 'cancelled'],
  ];
  it.each(table)('maps %s → %s', (native, common) => expect(commonStatus(native)).toBe(common));

  it('lists exactly the documented native statuses', () => {
    expect(Object.keys(STATUS_MAP).sort()).toEqual(table.map(([n]) => n).sort());
  });

  it('matches status text case-insensitively (the docs mix cases for enums)', () => expect(commonStatus('COMPLETED')).toBe('paid'));

  it('refuses an undocumented status explicitly instead of guessing', () => {
    for (const unknown of ['notified', 'expired', 'refunded', 'canceled', '', 42, null, undefined]) expect(commonStatus(unknown)).toBeUndefined();
    const res = toCharge({ ...json('get-response.doc.json'), status: 'notified' }, PROD);
    expect(res.ok).toBe(false);
    expect(!res.ok && res.error).toMatchObject({ kind: 'protocol', message: "iumiCash order has an unknown status 'notified'" });
  });

  it('reports the paid amount of a completed order as Σ value × count', () => {
    const items = [{ name: 'a', amount: { value: 2.5, currency_code: 'USD' }, count: 3 }, { name: 'b', amount: { value: '0.25', currency_code: 'USD' }, count: 1 }];
    const res = toCharge({ id: '542c2b97bac0595474108b48', status: 'completed', items }, PROD);
    expect(res.ok && res.value).toMatchObject({ status: 'paid', gatewayStatus: 'completed', paidAmount: '7.75' });
  });
});

describe('iumiCash request building (fixtures)', () => {
  it('asks for a client-credentials token with Basic client_id:client_secret (§4.2)', () => {
    const req = toTokenRequest(PROD, 'vendor-client', 'client-secret-xyz');
    expect(req.method).toBe('POST');
    expect(req.url).toBe('https://api.iumi.cash/api/v1/oauth/token/');
    expect(req.headers.authorization).toBe(`Basic ${Buffer.from('vendor-client:client-secret-xyz').toString('base64')}`);
    expect(req.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req.body!)).toEqual(json('token-request.json'));
  });

  it('builds the exact create body: external_id = order id, one item in major units, callback and return URLs in application_context', () => {
    const payload = createOrderPayload(input());
    if (!payload.ok) throw new Error(payload.error.message);
    expect(payload.value.body).toBe(text('create-request.expected.json').trim());
    const req = toCreateRequest(PROD, 'AT', payload.value);
    expect(req).toMatchObject({ method: 'POST', url: 'https://api.iumi.cash/api/v1/orders/', body: payload.value.body });
    expect(req.headers).toMatchObject({ authorization: 'Bearer AT', 'content-type': 'application/json', RequestId: requestIdFor('ord_fixture01:iumicash') });
  });

  it('has the same shape as the documented request (seed example)', () => {
    const payload = createOrderPayload(input());
    if (!payload.ok) throw new Error(payload.error.message);
    type Body = { items: Array<{ amount: { value: unknown } } & Record<string, unknown>>; application_context: object } & Record<string, unknown>;
    const ours = JSON.parse(payload.value.body) as Body;
    const seed = json('create-request.seed.json') as Body;
    expect(Object.keys(ours).sort()).toEqual(Object.keys(seed).sort());
    expect(Object.keys(ours.items[0]!).sort()).toEqual(Object.keys(seed.items[0]!).sort());
    expect(Object.keys(ours.items[0]!.amount).sort()).toEqual(Object.keys(seed.items[0]!.amount).sort());
    expect(Object.keys(ours.application_context).sort()).toEqual(Object.keys(seed.application_context).sort());
    expect(typeof ours.items[0]!.amount.value).toBe(typeof seed.items[0]!.amount.value); // a JSON number, as documented
  });

  it.each([
    ['100', '100.00'],
    ['0.01', '0.01'],
    ['12.50', '12.50'],
    ['1234567.8', '1234567.80'],
    ['999999999999999.99', '999999999999999.99'],
  ])('writes amount %s as the JSON number %s (exact, never through a float)', (amount, wire) => {
    const p = createOrderPayload(input(fixedOrder({ amount })));
    expect(p.ok && p.value.body).toContain(`"amount":{"value":${wire},"currency_code":"USD"}`);
  });

  it.each(['0', '0.00', '1.005', '-1', '1e3', 'abc', ''])('refuses amount %j before any request', (amount) => {
    const p = createOrderPayload(input(fixedOrder({ amount })));
    expect(!p.ok && p.error.kind).toBe('invalid');
  });

  it('refuses a currency that is not a three-letter code', () => {
    expect(createOrderPayload(input(fixedOrder({ currency: 'US$' }))).ok).toBe(false);
  });

  it('leaves out return URLs the order does not have, and uses the memo as description', () => {
    const p = createOrderPayload(input(fixedOrder({ memo: 'Two\ncoffees', urls: { order: [] } })));
    const body = JSON.parse(p.ok ? p.value.body : '{}');
    expect(body.application_context).toEqual({ callback_url: CALLBACK_URL });
    expect(body.items[0].description).toBe('Two coffees');
  });

  it('cannot be fooled into a second amount by order text', () => {
    const p = createOrderPayload(input(fixedOrder({ memo: '\u0000amount\u0000 "\\u0000amount\\u0000"', reference: '"\u0000amount\u0000"' })));
    const body = JSON.parse(p.ok ? p.value.body : '{}');
    expect(body.items[0].amount.value).toBe(12.5);
  });

  it('sends a UUID RequestId derived from the idempotency key, stable across retries (§4.8)', () => {
    const id = requestIdFor('k1');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(requestIdFor('k1')).toBe(id);
    expect(requestIdFor('k2')).not.toBe(id);
    expect(requestIdFor('7B92603E-77ED-4896-8E78-5DEA2050476A')).toBe('7b92603e-77ed-4896-8e78-5dea2050476a');
  });

  it('fetches with GET and the trailing slash (§4.4)', () => {
    expect(toFetchRequest(PROD, 'AT', '542c2b97bac0595474108b48')).toEqual({
      method: 'GET',
      url: 'https://api.iumi.cash/api/v1/orders/542c2b97bac0595474108b48/',
      headers: { authorization: 'Bearer AT', accept: 'application/json' },
    });
  });

  it('reads the documented create response: the approve link is the payment URL', () => {
    const order = fixedOrder({ id: '123456', amount: '100', currency: 'USD' });
    const res = fromCreateResponse(201, text('create-response.seed.json'), order, PROD);
    expect(res.ok && res.value).toEqual({
      reference: '42481508-af81-43b9-82dd-d47d9e040ece', paymentUrl: 'https://api.iumi.cash/checkout/42481508-af81-43b9-82dd-d47d9e040ece/', status: 'pending', gatewayStatus: 'created',
    });
    const replay = fromCreateResponse(200, text('create-response.idempotency.doc.json'), order, PROD);
    expect(replay.ok && replay.value.paymentUrl).toBe('https://iumi.cash/checkout/42481508-af81-43b9-82dd-d47d9e040ece/');
  });

  it('refuses a create answer that echoes another amount, currency or external_id', () => {
    const body = text('create-response.seed.json');
    expect(fromCreateResponse(201, body, fixedOrder({ id: '123456', amount: '100.01', currency: 'USD' }), PROD)).toMatchObject({ ok: false, error: { kind: 'protocol' } });
    expect(fromCreateResponse(201, body, fixedOrder({ id: '123456', amount: '100', currency: 'NZD' }), PROD)).toMatchObject({ ok: false, error: { kind: 'protocol' } });
    expect(fromCreateResponse(201, body, fixedOrder({ id: '999', amount: '100', currency: 'USD' }), PROD)).toMatchObject({ ok: false, error: { kind: 'protocol' } });
    expect(fromCreateResponse(201, 'not json', fixedOrder(), PROD)).toMatchObject({ ok: false, error: { kind: 'protocol' } });
  });

  it('reads the documented get response (only a self link): the checkout page is derived', () => {
    const res = fromFetchResponse(201, text('get-response.doc.json'), '42481508-af81-43b9-82dd-d47d9e040ece', PROD);
    expect(res.ok && res.value.paymentUrl).toBe('https://api.iumi.cash/checkout/42481508-af81-43b9-82dd-d47d9e040ece/');
    expect(fromFetchResponse(200, text('get-response.doc.json'), 'another-id', PROD)).toMatchObject({ ok: false, error: { kind: 'protocol' } });
  });

  it('reads the documented token response', () => {
    expect(fromTokenResponse(200, text('token-response.doc.json'))).toEqual({ ok: true, value: { accessToken: json('token-response.doc.json').access_token, expiresIn: 28800 } });
    expect(fromTokenResponse(200, '{"access_token":"abc"}')).toEqual({ ok: true, value: { accessToken: 'abc', expiresIn: 300 } });
    expect(fromTokenResponse(200, '{"access_token":"abc","token_type":"mac"}')).toMatchObject({ ok: false, error: { kind: 'protocol' } });
    expect(fromTokenResponse(200, '{"access_token":"a b"}')).toMatchObject({ ok: false, error: { kind: 'protocol' } });
    expect(fromTokenResponse(401, text('token-401.json'))).toMatchObject({ ok: false, error: { kind: 'auth', httpStatus: 401 } });
    expect(fromTokenResponse(400, '{"error":"invalid_client"}')).toMatchObject({ ok: false, error: { kind: 'auth' } });
    expect(fromTokenResponse(400, text('token-400.json'))).toMatchObject({ ok: false, error: { kind: 'invalid' } });
  });

  it.each([
    [400, 'error-400-validation.doc.json', 'create', 'invalid'],
    [400, 'error-400-balance-low.json', 'create', 'declined'],
    [404, 'error-404.json', 'fetch', 'not_found'],
    [404, 'error-404.json', 'create', 'invalid'],
    [405, 'error-405.json', 'create', 'invalid'],
    [422, 'error-404.json', 'create', 'declined'],
    [403, 'token-401.json', 'create', 'auth'],
    [503, 'error-503.txt', 'create', 'unavailable'],
    [500, 'error-503.txt', 'fetch', 'unavailable'],
    [301, 'error-503.txt', 'create', 'protocol'],
  ] as const)('maps HTTP %i (%s) on %s to %s', (status, file, op, kind) => {
    expect(errorFromResponse(status, parseJson(text(file)), op).kind).toBe(kind);
  });

  it('matches §4.7 codes case-insensitively and shows field errors', () => {
    const e = errorFromResponse(400, { error: 'account_balance_is_low' }, 'create');
    expect(e.kind).toBe('declined');
    expect(errorFromResponse(400, parseJson(text('error-400-validation.doc.json')), 'create').message).toBe(
      'iumiCash create failed: HTTP 400 BAD_REQUEST: Some reasonable error message (field_name: field error message)',
    );
  });
});

describe('iumiCash against its fake', () => {
  let fake: IumiCashFake;
  let clock: number;
  const make = (env = fake.env) => createIumiCash(iumiCashConfigFromEnv(env)!, { ...contractDeps(), now: () => clock });
  const count = (path: string, method = 'POST') => fake.requests.filter((r) => r.method === method && r.target === path).length;
  const tokenCalls = () => count('/api/v1/oauth/token/');
  const createCalls = () => count('/api/v1/orders/');
  const create = (g: Gateway, order = sampleOrder(), key = `key-${order.id}`) => g.createCharge({ order, callbackUrl: CALLBACK_URL, callbackToken: 't', idempotencyKey: key });

  beforeAll(async () => {
    fake = await startIumiCashFake();
  });
  afterAll(async () => fake.close());
  const reset = () => {
    fake.requests.length = 0;
    fake.refuseBearer(false);
    clock = NOW;
  };

  it('returns the same order for a repeated idempotency key (RequestId replay, §4.8)', async () => {
    reset();
    const g = make();
    const order = sampleOrder();
    const a = await create(g, order, 'same-key');
    const b = await create(make(), order, 'same-key');
    if (!a.ok || !b.ok) throw new Error('create failed');
    expect(b.value.reference).toBe(a.value.reference);
    expect([...fake.orders.values()].filter((o) => o.externalId === order.id)).toHaveLength(1);
    const ids = fake.requests.filter((r) => r.target === '/api/v1/orders/').map((r) => r.headers.requestid);
    expect(ids).toEqual([requestIdFor('same-key'), requestIdFor('same-key')]);
  });

  it('reserves a fresh random RequestId per charge and sends it unchanged; a lost answer is replayed, not repeated', async () => {
    reset();
    const g = make();
    const keys = await Promise.all([g.newIdempotencyKey(sampleOrder()), g.newIdempotencyKey(sampleOrder())]);
    const [k1, k2] = keys.map((k) => (k.ok ? k.value : ''));
    expect(k1).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(k2).not.toBe(k1);
    const order = sampleOrder();
    fake.loseNextCreate('status-503');
    expect(await create(g, order, k1)).toMatchObject({ ok: false, error: { kind: 'unavailable', httpStatus: 503 } });
    const again = await g.createCharge({ order, callbackUrl: CALLBACK_URL, callbackToken: 't', idempotencyKey: k1!, retry: { since: NOW } });
    expect(again.ok && fake.ordersFor(order.id)).toEqual([again.ok && again.value.reference]);
    expect(fake.requests.filter((r) => r.target === '/api/v1/orders/').map((r) => r.headers.requestid)).toEqual([k1, k1]);
  });

  it('sends the order where iumiCash reads it', async () => {
    reset();
    const order = sampleOrder(undefined, '7.05', 'SBD');
    const res = await create(make(), order);
    if (!res.ok) throw new Error(res.error.message);
    const stored = fake.orders.get(res.value.reference)!;
    expect(stored.externalId).toBe(order.id);
    expect(stored.items).toEqual([{ name: 'Order shop-42', description: `Opencharge order ${order.id}`, amount: { value: 7.05, currency_code: 'SBD' }, count: 1 }]);
    expect(stored.applicationContext).toEqual({ callback_url: CALLBACK_URL, success_url: order.urls.completed, error_url: order.urls.cancelled });
    expect(res.value.paymentUrl).toBe(`${fake.baseUrl}/checkout/${res.value.reference}/`);
  });

  it('caches the access token and shares one exchange between concurrent calls', async () => {
    reset();
    const g = make();
    const [a, b] = await Promise.all([create(g), create(g)]);
    expect(a.ok && b.ok).toBe(true);
    await g.fetchCharge(a.ok ? a.value.reference : '');
    expect(tokenCalls()).toBe(1);
  });

  it('renews the token shortly before it expires, by its own clock', async () => {
    reset();
    const g = make();
    await create(g);
    clock = NOW + 28_800 - 61;
    await create(g);
    expect(tokenCalls()).toBe(1);
    clock = NOW + 28_800 - 59;
    await create(g);
    expect(tokenCalls()).toBe(2);
  });

  it('on a 401 with a cached token, obtains a new one once and retries with the same RequestId', async () => {
    reset();
    const g = make();
    await create(g);
    fake.advance(28_801); // the fake's tokens expire; the adapter's clock says the cached one is still good
    const order = sampleOrder();
    const res = await create(g, order, 'after-expiry');
    expect(res.ok).toBe(true);
    expect(tokenCalls()).toBe(2);
    const posts = fake.requests.filter((r) => r.target === '/api/v1/orders/').slice(-2);
    expect(posts.map((r) => r.headers.requestid)).toEqual([requestIdFor('after-expiry'), requestIdFor('after-expiry')]);
    expect([...fake.orders.values()].filter((o) => o.externalId === order.id)).toHaveLength(1);
  });

  it('retries only once: a second 401 is an auth error', async () => {
    reset();
    const g = make();
    await create(g);
    fake.refuseBearer(true);
    const before = createCalls();
    const res = await create(g);
    expect(res).toMatchObject({ ok: false, error: { kind: 'auth', httpStatus: 401 } });
    expect(createCalls() - before).toBe(2);
    expect(tokenCalls()).toBe(2);
  });

  it('does not retry a 401 on a token it has just obtained', async () => {
    reset();
    fake.refuseBearer(true);
    const res = await create(make());
    expect(res).toMatchObject({ ok: false, error: { kind: 'auth' } });
    expect(tokenCalls()).toBe(1);
    expect(createCalls()).toBe(1);
  });

  it('maps the fake\'s documented refusals', async () => {
    reset();
    const g = make();
    await create(g); // warm the token
    fake.failNext('orders', 503, text('error-503.txt'));
    expect(await create(g)).toMatchObject({ ok: false, error: { kind: 'unavailable', message: 'iumiCash create failed: HTTP 503' } });
    fake.failNext('orders', 400, text('error-400-balance-low.json'), 'application/json');
    expect(await create(g)).toMatchObject({ ok: false, error: { kind: 'declined' } });
    const eur = await create(g, sampleOrder(undefined, '5', 'EUR'));
    expect(eur).toMatchObject({ ok: false, error: { kind: 'invalid', httpStatus: 400 } });
    expect(!eur.ok && eur.error.message).toContain('items[0].amount.currency_code');
    const order = sampleOrder();
    await create(g, order, 'first');
    // A duplicate external_id: an order exists that a new RequestId cannot reach, so the charge must stay unresolved.
    expect(await create(g, order, 'second')).toMatchObject({ ok: false, error: { kind: 'conflict', message: expect.stringContaining('no lookup by external_id') } });
    fake.failNext('token', 500, 'Internal Server Error');
    expect(await create(make())).toMatchObject({ ok: false, error: { kind: 'unavailable' } });
  });

  it('follows approved and captured as pending, completed as paid with the amount', async () => {
    reset();
    const g = make();
    const created = await create(g, sampleOrder(undefined, '12.50', 'NZD'));
    const ref = created.ok ? created.value.reference : '';
    for (const native of ['approved', 'captured']) {
      fake.setNative(ref, native);
      expect(await g.fetchCharge(ref)).toMatchObject({ ok: true, value: { status: 'pending', gatewayStatus: native } });
    }
    fake.setNative(ref, 'completed');
    expect(await g.fetchCharge(ref)).toMatchObject({ ok: true, value: { status: 'paid', paidAmount: '12.50', paymentUrl: `${fake.baseUrl}/checkout/${ref}/` } });
    fake.setNative(ref, 'refunded');
    expect(await g.fetchCharge(ref)).toMatchObject({ ok: false, error: { kind: 'protocol' } });
    expect(await g.fetchCharge('../../oauth/token')).toMatchObject({ ok: false, error: { kind: 'not_found' } });
    expect(() => fake.settle(ref, 'expired')).toThrow(/no status/);
  });

  it('enforces its auth and trailing slashes like the real API', async () => {
    const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
    const post = (path: string, headers: Record<string, string>, body = '{"grant_type":"client_credentials"}') =>
      fetch(`${fake.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, redirect: 'manual' });
    const wrong = await post('/api/v1/oauth/token/', { authorization: basic(fake.clientId, 'nope-nope') });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual(json('token-401.json'));
    expect((await post('/api/v1/oauth/token/', {})).status).toBe(401);
    const good = await post('/api/v1/oauth/token/', { authorization: basic(fake.clientId, fake.env.OC_IUMICASH_CLIENT_SECRET!) });
    expect(good.headers.get('cache-control')).toBe('no-store');
    const issued = (await good.json()) as { refresh_token: string };
    const refreshed = await post('/api/v1/oauth/token/', { authorization: basic(fake.clientId, fake.env.OC_IUMICASH_CLIENT_SECRET!) }, JSON.stringify({ grant_type: 'refresh_token', refresh_token: issued.refresh_token }));
    expect(refreshed.status).toBe(200);
    expect((await post('/api/v1/oauth/token/', { authorization: basic(fake.clientId, fake.env.OC_IUMICASH_CLIENT_SECRET!) }, '{"grant_type":"password"}')).status).toBe(400);
    expect((await post('/api/v1/oauth/token', {})).status).toBe(301);
    expect((await post('/api/v1/orders/', { authorization: 'Bearer made-up' }, '{}')).status).toBe(401);
    expect((await post('/api/v1/orders/', {}, '{}')).status).toBe(401);
    const bearer = { authorization: `Bearer ${((await refreshed.json()) as { access_token: string }).access_token}` };
    const slashless = await fetch(`${fake.baseUrl}/api/v1/orders/abc`, { headers: bearer, redirect: 'manual' });
    expect(slashless.status).toBe(301);
    expect(slashless.headers.get('location')).toBe('/api/v1/orders/abc/');
    const invalid = await post('/api/v1/orders/', bearer, '{"external_id":"","items":[{"name":"x","amount":{"value":1.005,"currency_code":"USD"},"count":0}]}');
    expect(invalid.status).toBe(400);
    const problems = ((await invalid.json()) as { field_errors: Array<{ field: string }> }).field_errors.map((f) => f.field);
    expect(problems).toEqual(['external_id', 'items[0].count', 'items[0].amount.value', 'application_context']);
    expect((await fetch(`${fake.baseUrl}/api/v1/orders/`, { headers: bearer })).status).toBe(405);
  });

  it('answers a get by GET and by POST (the docs disagree, §4.4), and forgets a RequestId after its TTL', async () => {
    reset();
    const g = make();
    const order = sampleOrder();
    const created = await create(g, order, 'ttl-key');
    const ref = created.ok ? created.value.reference : '';
    const auth = { authorization: fake.requests.find((r) => r.target === '/api/v1/orders/')!.headers.authorization! };
    for (const method of ['GET', 'POST']) {
      const res = await fetch(`${fake.baseUrl}/api/v1/orders/${ref}/`, { method, headers: auth });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { id: string }).id).toBe(ref);
    }
    fake.advance(86_401);
    // The replay window is over: the same external_id is now a duplicate the gateway refuses (the order exists).
    expect(await create(g, order, 'ttl-key')).toMatchObject({ ok: false, error: { kind: 'conflict', httpStatus: 400 } });
  });

  it('delivers a signed callback that the adapter accepts and answers with OK (§4.6)', async () => {
    reset();
    const g = make();
    const received: CallbackRequest[] = [];
    const { port, close } = await serveFetch(async (req) => {
      const url = new URL(req.url);
      const cb: CallbackRequest = { method: req.method, target: url.pathname + url.search, headers: headersOf(req.headers), body: await req.text() };
      received.push(cb);
      const verdict = g.parseCallback(cb);
      if (!verdict.ok) return new Response(verdict.reason, { status: 400 });
      const reply = g.callbackReply();
      return new Response(reply.body, { status: reply.status, headers: { 'content-type': reply.contentType } });
    });
    try {
      const created = await g.createCharge({ order: sampleOrder(), callbackUrl: `http://127.0.0.1:${port}/opencharge/callbacks/iumicash?x=1`, callbackToken: 't', idempotencyKey: 'cb-e2e' });
      if (!created.ok) throw new Error(created.error.message);
      fake.settle(created.value.reference, 'paid');
      const res = await fake.sendCallback(created.value.reference);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('OK');
      expect(received[0]!.target).toBe('/opencharge/callbacks/iumicash?x=1');
      expect(g.parseCallback(received[0]!)).toMatchObject({ ok: true, callback: { reference: created.value.reference, claimedStatus: 'completed' } });
      expect(fake.orders.get(created.value.reference)!.notified).toBe(true);
    } finally {
      await close();
    }
  });
});

describe('iumiCash callback verification (every rejection path)', () => {
  const vector = json('callback-signature-vector.json') as { clientSecret: string; body: string; signature: string };
  const g = createIumiCash(config(vector.clientSecret), contractDeps());
  const signed = (body: string, secret = vector.clientSecret): CallbackRequest => ({
    method: 'POST', target: '/opencharge/callbacks/iumicash', headers: { 'content-type': 'application/json', 'iumicash-signature': iumiCashSignature(secret, body) }, body,
  });
  const reason = (req: CallbackRequest) => {
    const v = g.parseCallback(req);
    return v.ok ? 'accepted' : v.reason;
  };

  it('computes the known-answer vector', () => {
    expect(iumiCashSignature(vector.clientSecret, vector.body)).toBe(vector.signature);
    expect(createHmac('sha256', vector.clientSecret).update(vector.body).digest('hex')).toBe(vector.signature);
  });

  it('accepts the vector and the documented callback body, naming the order', () => {
    const v = g.parseCallback({ method: 'POST', target: '/cb', headers: { 'iumicash-signature': vector.signature }, body: vector.body });
    expect(v).toEqual({ ok: true, callback: { reference: '542c2b97bac0595474108b48', claimedStatus: 'completed' } });
    expect(g.parseCallback(signed(text('callback.doc.json')))).toEqual({ ok: true, callback: { reference: '542c2b97bac0595474108b48', claimedStatus: 'created' } });
  });

  it('accepts upper-case hex (the same signature)', () => {
    expect(reason({ method: 'POST', target: '/cb', headers: { 'iumicash-signature': vector.signature.toUpperCase() }, body: vector.body })).toBe('accepted');
  });

  it('rejects a signature made with another secret', () => {
    expect(reason(signed(vector.body, 'someone-elses-secret'))).toBe('iumicash-signature does not match the body');
  });

  it('rejects a body that differs from the signed bytes, even when it parses to the same JSON', () => {
    const pretty = JSON.stringify(JSON.parse(vector.body), null, 2);
    expect(reason({ method: 'POST', target: '/cb', headers: { 'iumicash-signature': vector.signature }, body: pretty })).toBe('iumicash-signature does not match the body');
    const tampered = vector.body.replace('completed', 'cancelled');
    expect(reason({ method: 'POST', target: '/cb', headers: { 'iumicash-signature': vector.signature }, body: tampered })).toBe('iumicash-signature does not match the body');
  });

  it('rejects a missing or malformed signature header (including the docs placeholder)', () => {
    expect(reason({ method: 'POST', target: '/cb', headers: {}, body: vector.body })).toBe('callback has no iumicash-signature header');
    expect(reason({ method: 'POST', target: '/cb', headers: { 'iumicash-signature': ' ' }, body: vector.body })).toBe('callback has no iumicash-signature header');
    for (const bad of ['<some-calculated-order-specific-signature>', vector.signature.slice(1), `${vector.signature}00`, 'z'.repeat(64), `sha256=${vector.signature}`]) {
      expect(reason({ method: 'POST', target: '/cb', headers: { 'iumicash-signature': bad }, body: vector.body })).toBe('iumicash-signature is not a hex HMAC-SHA256');
    }
  });

  it('rejects signed bodies with missing or unusable fields', () => {
    expect(reason(signed('{"external_id":"123456","status":"completed"}'))).toBe('callback order has no id');
    expect(reason(signed('{"id":"","status":"completed"}'))).toBe('callback order has no id');
    expect(reason(signed('{"id":12345,"status":"completed"}'))).toBe('callback order id is not an iumiCash id');
    expect(reason(signed('{"id":"../../admin","status":"completed"}'))).toBe('callback order id is not an iumiCash id');
  });

  it('rejects an unknown shape', () => {
    expect(reason(signed('[{"id":"542c2b97bac0595474108b48"}]'))).toBe('callback body is not an order object');
    expect(reason(signed('"542c2b97bac0595474108b48"'))).toBe('callback body is not an order object');
    expect(reason(signed('not json{'))).toBe('callback body is not valid JSON');
    expect(reason(signed('x'.repeat(70_000)))).toBe('callback body too large');
  });

  it('rejects any method but POST', () => {
    for (const method of ['GET', 'PUT', 'HEAD']) expect(reason({ ...signed(vector.body), method })).toBe('iumiCash callbacks are POST');
  });

  it('never throws on odd input', () => {
    const odd = { method: 'POST', target: '', headers: { 'iumicash-signature': vector.signature }, body: '\ud800' } as CallbackRequest;
    expect(g.parseCallback(odd).ok).toBe(false);
  });

  it('answers 200 OK', () => {
    expect(g.callbackReply()).toEqual({ status: 200, contentType: 'text/plain; charset=utf-8', body: 'OK' });
  });
});

describe('iumiCash redaction', () => {
  it('keeps client secret and tokens out of logs, errors and JSON', async () => {
    const fake = await startIumiCashFake();
    try {
      const log = createMemoryLogger();
      const deps = { ...contractDeps(log), now: () => NOW };
      const cfg = iumiCashConfigFromEnv(fake.env)!;
      const g = createIumiCash(cfg, deps);
      const ok = await g.createCharge({ order: sampleOrder(), callbackUrl: CALLBACK_URL, callbackToken: 'cb-token-1234567', idempotencyKey: 'r1' });
      expect(ok.ok).toBe(true);
      const errors: string[] = [];
      const bad = createIumiCash(iumiCashConfigFromEnv(fake.badEnv)!, deps);
      const refused = await bad.createCharge({ order: sampleOrder(), callbackUrl: CALLBACK_URL, callbackToken: 'cb-token-1234567', idempotencyKey: 'r2' });
      expect(!refused.ok && refused.error.kind).toBe('auth');
      if (!refused.ok) errors.push(refused.error.message);
      // A gateway that echoes credentials in its error text still cannot make us repeat them.
      const secret = fake.env.OC_IUMICASH_CLIENT_SECRET!;
      fake.failNext('token', 401, JSON.stringify({ error: 'INVALID_AUTHZ', description: `bad secret ${secret} for ${fake.clientId}` }), 'application/json');
      const echoed = await createIumiCash(cfg, deps).createCharge({ order: sampleOrder(), callbackUrl: CALLBACK_URL, callbackToken: 't', idempotencyKey: 'r3' });
      expect(!echoed.ok && echoed.error.message).toContain('[redacted]');
      if (!echoed.ok) errors.push(echoed.error.message);
      const forged = g.parseCallback({ method: 'POST', target: '/cb', headers: { 'iumicash-signature': '0'.repeat(64) }, body: '{"id":"542c2b97bac0595474108b48"}' });
      expect(forged.ok).toBe(false);
      if (!forged.ok) errors.push(forged.reason);
      const shown = [...log.lines, ...errors, JSON.stringify(g), JSON.stringify(bad), JSON.stringify(cfg), String(cfg.clientSecret), inspect(cfg, { depth: 5 }), inspect(g, { depth: 5 })].join('\n');
      const secrets = [...fake.secrets, fake.badEnv.OC_IUMICASH_CLIENT_SECRET!];
      expect(secrets.length).toBeGreaterThan(2);
      for (const s of secrets) expect(shown).not.toContain(s);
      for (const e of errors) expect(e).not.toContain(fake.clientId);
    } finally {
      await fake.close();
    }
  });
});

describe('iumiCash settings (fromEnv)', () => {
  const ok = { OC_IUMICASH_CLIENT_ID: 'vendor-client', OC_IUMICASH_CLIENT_SECRET: 'S3cr3t-value-xyz' };
  const thrown = (env: Record<string, string>) => {
    try {
      iumicash.fromEnv(env);
    } catch (e) {
      return (e as Error).message;
    }
    return 'did not throw';
  };

  it('declares its settings', () => {
    expect(iumicash.id).toBe('iumicash');
    expect(iumicash.settings).toEqual(['OC_IUMICASH_CLIENT_ID', 'OC_IUMICASH_CLIENT_SECRET', 'OC_IUMICASH_BASE_URL']);
  });

  it('is disabled when its credentials are absent or blank', () => {
    expect(iumicash.fromEnv({})).toBeUndefined();
    expect(iumicash.fromEnv({ OC_IUMICASH_CLIENT_ID: ' ', OC_IUMICASH_CLIENT_SECRET: '' })).toBeUndefined();
    expect(iumicash.fromEnv({ OC_IUMICASH_BASE_URL: 'https://sandbox-api.iumi.cash' })).toBeUndefined();
  });

  it('throws naming the missing half of the credentials', () => {
    expect(thrown({ OC_IUMICASH_CLIENT_ID: 'vendor-client' })).toMatch(/^OC_IUMICASH_CLIENT_SECRET /);
    expect(thrown({ OC_IUMICASH_CLIENT_SECRET: 'S3cr3t-value-xyz' })).toMatch(/^OC_IUMICASH_CLIENT_ID /);
  });

  it('throws naming the invalid setting, without quoting a secret', () => {
    const msg = thrown({ ...ok, OC_IUMICASH_CLIENT_SECRET: 'has space inside' });
    expect(msg).toMatch(/^OC_IUMICASH_CLIENT_SECRET /);
    expect(msg).not.toContain('has space inside');
    expect(thrown({ ...ok, OC_IUMICASH_CLIENT_SECRET: 'short' })).toMatch(/^OC_IUMICASH_CLIENT_SECRET /);
    expect(thrown({ ...ok, OC_IUMICASH_CLIENT_ID: 'has:colon' })).toMatch(/^OC_IUMICASH_CLIENT_ID /);
    for (const url of ['ftp://api.iumi.cash', 'not a url', 'https://user:pw@api.iumi.cash', 'https://api.iumi.cash/?x=1']) {
      expect(thrown({ ...ok, OC_IUMICASH_BASE_URL: url })).toMatch(/^OC_IUMICASH_BASE_URL /);
    }
  });

  it('uses the production base URL by default, and the override when given', async () => {
    expect(iumicash.fromEnv(ok)!.baseUrl).toBe('https://api.iumi.cash');
    expect(iumicash.fromEnv({ ...ok, OC_IUMICASH_BASE_URL: 'https://sandbox-api.iumi.cash/' })!.baseUrl).toBe('https://sandbox-api.iumi.cash');
    for (const [env, expected] of [
      [ok, 'https://api.iumi.cash/api/v1/oauth/token/'],
      [{ ...ok, OC_IUMICASH_BASE_URL: 'https://sandbox-api.iumi.cash' }, 'https://sandbox-api.iumi.cash/api/v1/oauth/token/'],
    ] as const) {
      const urls: string[] = [];
      const deps = { ...contractDeps(), fetch: (async (url: string) => (urls.push(String(url)), new Response('{"error":"INVALID_AUTHZ"}', { status: 401 }))) as typeof fetch };
      const res = await iumicash.create(iumicash.fromEnv(env)!, deps).createCharge(input());
      expect(!res.ok && res.error.kind).toBe('auth');
      expect(urls).toEqual([expected]);
    }
  });
});

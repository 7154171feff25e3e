// CoinGate adapter: the shared contract, its status table, request fixtures, callback rejections, settings, redaction.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { Hono } from 'hono';
import { coingate } from '../../src/gateways/coingate/index.ts';
import { coinGateConfigFromEnv, type CoinGateConfig } from '../../src/gateways/coingate/settings.ts';
import { STATUS_MAP, commonStatus } from '../../src/gateways/coingate/status.ts';
import { fromCreateResponse, fromFetchResponse, toCreateRequest } from '../../src/gateways/coingate/wire.ts';
import { LOOKUP_MAX_PAGES, fromLookupResponse } from '../../src/gateways/coingate/lookup.ts';
import type { CallbackRequest, ChargeOrder, CreateChargeInput, Gateway } from '../../src/gateways/types.ts';
import { createMemoryLogger } from '../../src/log.ts';
import { NOW, contractDeps, gatewayContract, sampleOrder } from '../contract/gateway.contract.ts';
import { serveFetch } from '../helpers/http-server.ts';
import { startCoinGateFake, type CoinGateFake } from '../fakes/coingate.ts';

const FIXTURES = new URL('../fixtures/gateways/coingate/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES), 'utf8');
const FIXTURE_TOKEN = 'PsPXSa46uohMtMWqfzTrnwy3p3sNmQ';
const CALLBACK_URL = 'https://merchant.example/opencharge/callbacks/coingate?v=1';

gatewayContract({
  definition: coingate,
  startFake: startCoinGateFake,
  outcomes: ['paid', 'expired', 'cancelled', 'underpaid', 'overpaid'],
});

function config(env: Record<string, string>): CoinGateConfig {
  const c = coinGateConfigFromEnv(env);
  if (!c) throw new Error('expected an enabled config');
  return c;
}

function input(order: ChargeOrder = sampleOrder(), token = 'cbtok-3f9a1c0e5b7d4a2f'): CreateChargeInput {
  return { order, callbackUrl: CALLBACK_URL, callbackToken: token, idempotencyKey: order.id };
}

/** A create answer read against the order it answers (its id is the charge's key, §2.8). */
const created = (status: number, body: string, order: ChargeOrder) => fromCreateResponse(status, body, order, order.id);

/** A fetch that answers once with a canned response and remembers what it was asked. */
function cannedFetch(status: number, body: string, seen: Array<{ url: string; init?: RequestInit }> = []): typeof fetch {
  return (async (url: string | URL | Request, init?: RequestInit) => {
    seen.push({ url: String(url), init });
    return new Response(body, { status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
}

function gatewayWith(fetchImpl: typeof fetch, env: Record<string, string> = { OC_COINGATE_TOKEN: 'tok_live_0123456789' }) {
  const deps = { ...contractDeps(), fetch: fetchImpl };
  return { gateway: coingate.create(config(env), deps), log: deps.log };
}

const post = (body: string, contentType?: string): CallbackRequest => ({
  method: 'POST',
  target: '/opencharge/callbacks/coingate?v=1',
  headers: contentType ? { 'content-type': contentType } : {},
  body,
});

describe('coingate status table (docs/gateways.md §2.5 → §5)', () => {
  const rows: Array<[string, string | undefined, string | undefined, string]> = [
    ['new', '0', '0', 'pending'],
    ['pending', '0', '0', 'pending'],
    ['confirming', '0', '0', 'pending'],
    ['paid', '0', '0', 'paid'],
    ['paid', undefined, undefined, 'paid'],
    ['paid', '0', '0.00012', 'overpaid'],
    ['paid', '0.5', '0', 'underpaid'],
    ['pending', '0.00012', '0', 'underpaid'],
    ['confirming', '0.00012', '', 'underpaid'],
    ['expired', '0.00012', '0', 'underpaid'],
    ['invalid', '0', '0', 'failed'],
    ['expired', '0', '0', 'expired'],
    ['expired', '', '', 'expired'],
    ['canceled', '0', '0', 'cancelled'],
    ['canceled', '0.1', '0', 'cancelled'],
    ['refunded', '0', '0', 'refunded'],
    ['refunded', '0', '1', 'refunded'],
    ['partially_refunded', '0', '0', 'refunded'],
  ];
  it.each(rows)('%s (underpaid %s, overpaid %s) → %s', (native, under, over, expected) => {
    expect(commonStatus(native, under, over)).toBe(expected);
  });

  it('covers exactly the documented v2 statuses', () => {
    expect(Object.keys(STATUS_MAP).sort()).toEqual(
      ['canceled', 'confirming', 'expired', 'invalid', 'new', 'paid', 'partially_refunded', 'pending', 'refunded'].sort(),
    );
  });

  it('refuses an unknown status instead of guessing (no common status, protocol error on fetch)', () => {
    expect(commonStatus('mystery')).toBeUndefined();
    expect(commonStatus('toString')).toBeUndefined();
    expect(commonStatus(undefined)).toBeUndefined();
    const body = JSON.parse(fixture('get-order-paid-response.json'));
    const res = fromFetchResponse(200, JSON.stringify({ ...body, status: 'mystery' }), '538');
    expect(!res.ok && res.error).toMatchObject({ kind: 'protocol', message: expect.stringContaining("'mystery'") });
  });
});

describe('coingate create request (fixtures)', () => {
  const order = sampleOrder('ord_fixture01', '12.50', 'USD');

  it('builds exactly the documented form body: decimal major units, callback URL, token, return URLs', () => {
    const req = toCreateRequest('https://api.coingate.com/v2', 'tok_live_0123456789', input(order));
    if (!req.ok) throw new Error(req.error.message);
    expect(req.value.method).toBe('POST');
    expect(req.value.url).toBe('https://api.coingate.com/v2/orders');
    expect(req.value.headers).toEqual({
      authorization: 'Token tok_live_0123456789',
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    });
    expect(req.value.body).toBe(fixture('create-request.form.txt'));
    const fields = new URLSearchParams(req.value.body);
    expect(fields.get('price_amount')).toBe('12.50');
    expect(fields.get('callback_url')).toBe(CALLBACK_URL);
    expect(fields.get('token')).toBe('cbtok-3f9a1c0e5b7d4a2f');
    expect(fields.get('success_url')).toBe(order.urls.completed);
    expect(fields.get('cancel_url')).toBe(order.urls.cancelled);
    expect(fields.get('order_id')).toBe('ord_fixture01');
  });

  it('keeps crypto precision exactly and clips title/description to CoinGate limits', () => {
    const tiny = { ...sampleOrder('ord_x', '0.000000000000000001', 'btc'), reference: 'r'.repeat(400), memo: 'm'.repeat(900) };
    const req = toCreateRequest('https://x/v2', 'tok_live_0123456789', input(tiny));
    if (!req.ok) throw new Error(req.error.message);
    const f = new URLSearchParams(req.value.body);
    expect(f.get('price_amount')).toBe('0.000000000000000001');
    expect(f.get('price_currency')).toBe('BTC');
    expect(f.get('title')).toHaveLength(150);
    expect(f.get('description')).toHaveLength(500);
    const short = toCreateRequest('https://x/v2', 't'.repeat(10), input({ ...sampleOrder('ord_y'), memo: 'ab' }));
    expect(short.ok && new URLSearchParams(short.value.body).get('description')).toBe('Opencharge order ord_y');
  });

  it.each(['0', '0.00', '-1', '1e3', '12.5.0', '', ' 1', '1,00'])('refuses amount %j before sending anything', async (amount) => {
    const seen: Array<{ url: string }> = [];
    const { gateway } = gatewayWith(cannedFetch(200, '{}', seen));
    const res = await gateway.createCharge(input({ ...sampleOrder(), amount }));
    expect(!res.ok && res.error.kind).toBe('invalid');
    expect(seen).toHaveLength(0);
  });

  it('refuses a currency that is not a code', () => {
    const res = toCreateRequest('https://x/v2', 'tok_live_0123456789', input({ ...sampleOrder(), currency: 'US D' }));
    expect(!res.ok && res.error.kind).toBe('invalid');
  });

  it('parses the documented create response', () => {
    const res = created(200, fixture('create-order-response.json'), sampleOrder('111', '10.00', 'EUR'));
    expect(res).toEqual({
      ok: true,
      value: {
        reference: '538',
        paymentUrl: 'https://pay.coingate.com/invoice/a275c4a1-6b4c-4a7e-9d3a-3f0b8e1c2d45',
        status: 'pending',
        gatewayStatus: 'new',
        token: FIXTURE_TOKEN,
      },
    });
  });

  it('refuses a create answer that does not echo the signed order (amount, currency, order id)', () => {
    const body = fixture('create-order-response.json');
    expect(created(200, body, sampleOrder('111', '10.01', 'EUR')).ok).toBe(false);
    expect(created(200, body, sampleOrder('111', '10.00', 'USD')).ok).toBe(false);
    expect(created(200, body, sampleOrder('112', '10.00', 'EUR')).ok).toBe(false);
  });

  it('refuses the v1 (seed) create shape: its price cannot be checked', () => {
    const res = created(200, fixture('v1-create-order-response.json'), sampleOrder('ORDER-1415620115', '1050', 'USD'));
    expect(!res.ok && res.error.kind).toBe('protocol');
  });

  it('parses the GET shape: paid with paidAmount in the price currency', () => {
    const res = fromFetchResponse(200, fixture('get-order-paid-response.json'), '538');
    expect(res).toEqual({
      ok: true,
      value: { reference: '538', paymentUrl: expect.stringMatching(/^https:/), status: 'paid', gatewayStatus: 'paid', paidAmount: '10.0' },
    });
    expect(!fromFetchResponse(200, fixture('get-order-paid-response.json'), '539').ok).toBe(true);
  });

  const errors: Array<[string, number, string, 'create' | 'fetch', string]> = [
    ['create-order-422.json', 422, 'invalid', 'create', "Price can't be blank"],
    ['v1-create-order-422.json', 422, 'invalid', 'create', 'OrderIsNotValid'],
    ['bad-credentials-401.json', 401, 'auth', 'create', 'BadCredentials'],
    ['bad-credentials-401.json', 403, 'auth', 'fetch', 'HTTP 403'],
    ['order-not-found-404.json', 404, 'not_found', 'fetch', 'OrderNotFound'],
    ['order-not-found-404.json', 404, 'invalid', 'create', 'HTTP 404'],
    ['rate-limit-429.json', 429, 'unavailable', 'create', 'RateLimitExceeded'],
  ];
  it.each(errors)('%s as HTTP %i → %s on %s', (file, status, kind, op, text) => {
    const body = fixture(file);
    const res = op === 'create' ? created(status, body, sampleOrder()) : fromFetchResponse(status, body, '538');
    expect(!res.ok && res.error).toMatchObject({ kind, httpStatus: status, message: expect.stringContaining(text) });
  });

  it.each([
    [500, '<html>oops</html>', 'unavailable'],
    [504, '', 'unavailable'],
    [400, '{}', 'invalid'],
    [402, '{"reason":"PaymentRequired"}', 'declined'],
    [302, '', 'protocol'],
    [201, '{}', 'protocol'],
    [200, '<html>', 'protocol'],
    [200, '[]', 'protocol'],
    [200, '{"id":"abc","status":"new","payment_url":"https://x"}', 'protocol'],
    [200, '{"id":1,"status":"new","payment_url":"javascript:alert(1)"}', 'protocol'],
  ])('HTTP %i %j → %s', (status, body, kind) => {
    const res = fromFetchResponse(status, body, '1');
    expect(!res.ok && res.error.kind).toBe(kind);
  });
});

describe('coingate against its fake', () => {
  let fake: CoinGateFake;
  let gateway: Gateway;
  beforeAll(async () => {
    fake = await startCoinGateFake();
    gateway = coingate.create(config(fake.env), contractDeps());
  });
  afterAll(() => fake.close());

  it('sends the order to /v2/orders with Token auth and the fields CoinGate reads', async () => {
    const order = sampleOrder();
    const res = await gateway.createCharge(input(order, 'cb-token-123456'));
    if (!res.ok) throw new Error(res.error.message);
    const sent = fake.requests.at(-1)!;
    expect(sent.method).toBe('POST');
    expect(sent.target).toBe('/v2/orders');
    expect(sent.headers.authorization).toBe(`Token ${fake.env.OC_COINGATE_TOKEN}`);
    expect(sent.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const f = new URLSearchParams(sent.body);
    expect(Object.fromEntries(f)).toMatchObject({
      order_id: order.id, price_amount: '12.50', price_currency: 'USD', callback_url: CALLBACK_URL, token: 'cb-token-123456',
      success_url: 'https://shop.example/ok', cancel_url: 'https://shop.example/cancel',
    });
    expect(fake.orders.get(Number(res.value.reference))?.priceAmount).toBe('12.5'); // BigDecimal style echo still matches
  });

  it('reports an unknown numeric id as not_found (the fake answers 404 OrderNotFound)', async () => {
    const res = await gateway.fetchCharge('999999');
    expect(!res.ok && res.error).toMatchObject({ kind: 'not_found', httpStatus: 404 });
  });

  it('never puts a non-numeric reference into a URL', async () => {
    const before = fake.requests.length;
    for (const ref of ['../auth/test', '1/../../x', '', '01', '1?x=1']) {
      expect((await gateway.fetchCharge(ref)).ok).toBe(false);
    }
    expect(fake.requests.length).toBe(before);
  });

  it('follows confirming (pending) and partially_refunded (refunded), and refuses an undocumented status', async () => {
    const res = await gateway.createCharge(input());
    if (!res.ok) throw new Error(res.error.message);
    fake.setNative(res.value.reference, 'confirming');
    const c = await gateway.fetchCharge(res.value.reference);
    expect(c.ok && [c.value.status, c.value.gatewayStatus]).toEqual(['pending', 'confirming']);
    fake.setNative(res.value.reference, 'partially_refunded');
    const r = await gateway.fetchCharge(res.value.reference);
    expect(r.ok && r.value.status).toBe('refunded');
    fake.setNative(res.value.reference, 'on_hold');
    const u = await gateway.fetchCharge(res.value.reference);
    expect(!u.ok && u.error.kind).toBe('protocol');
  });

  it('the fake enforces the documented contract: Bearer also accepted, bad auth 401, invalid order 422, JSON bodies', async () => {
    const base = fake.baseUrl;
    const token = fake.env.OC_COINGATE_TOKEN;
    expect((await fetch(`${base}/auth/test`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await fetch(`${base.replace('/v2', '/api/v2')}/auth/test`, { headers: { authorization: `Token ${token}` } })).status).toBe(200);
    const noAuth = await fetch(`${base}/orders/1`);
    expect(noAuth.status).toBe(401);
    expect(await noAuth.json()).toEqual(JSON.parse(fixture('bad-credentials-401.json')));
    const bad = await fetch(`${base}/orders`, {
      method: 'POST',
      headers: { authorization: `Token ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'price_currency=USD&title=Order+1&description=Some+order',
    });
    expect(bad.status).toBe(422);
    expect(await bad.json()).toEqual(JSON.parse(fixture('create-order-422.json')));
    const noTitle = await fetch(`${base}/orders`, {
      method: 'POST',
      headers: { authorization: `Token ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ price_amount: 10, price_currency: 'EUR' }),
    });
    expect((await noTitle.json()).errors).toContain("Title can't be blank");
    const json = await fetch(`${base}/orders`, {
      method: 'POST',
      headers: { authorization: `Token ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ price_amount: 10, price_currency: 'EUR', title: 'Order #111', description: 'Some order' }),
    });
    const created = await json.json();
    expect(created).toMatchObject({ status: 'new', price_amount: '10.0', token: expect.stringMatching(/^[\w-]{30}$/) });
  });

  it('warns (without either token) when CoinGate keeps its own callback token', async () => {
    const { gateway: g, log } = gatewayWith(cannedFetch(200, fixture('create-order-response.json')));
    const res = await g.createCharge(input(sampleOrder('111', '10', 'EUR'), 'our-token-abcdef'));
    expect(res.ok).toBe(true);
    expect(res.ok && 'token' in res.value).toBe(false);
    const text = log.lines.join('\n');
    expect(text).toContain('kept its own callback token');
    expect(text).not.toContain(FIXTURE_TOKEN);
    expect(text).not.toContain('our-token-abcdef');
  });

  it('maps a timeout to unavailable', async () => {
    const slow = (async () => {
      throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    }) as typeof fetch;
    const res = await gatewayWith(slow).gateway.fetchCharge('5');
    expect(!res.ok && res.error).toEqual({ kind: 'unavailable', message: 'CoinGate did not answer within 15000 ms' });
  });
});

describe('coingate after a lost create answer (§2.8: no idempotency key, list and filter on order_id)', () => {
  let fake: CoinGateFake;
  let gateway: Gateway;
  beforeAll(async () => {
    fake = await startCoinGateFake();
    gateway = coingate.create(config(fake.env), contractDeps());
  });
  afterAll(() => fake.close());
  const retry = (order: ChargeOrder): CreateChargeInput => ({ ...input(order), retry: { since: NOW } });

  it('looks the order up by order_id among the orders since the day before, newest first, and adopts it', async () => {
    const order = sampleOrder();
    fake.loseNextCreate('status-503');
    expect(await gateway.createCharge(input(order))).toMatchObject({ ok: false, error: { kind: 'unavailable', httpStatus: 503 } });
    const before = fake.requests.length;
    const res = await gateway.createCharge(retry(order));
    if (!res.ok) throw new Error(res.error.message);
    expect(fake.ordersFor(order.id)).toEqual([res.value.reference]);
    const sent = fake.requests.slice(before);
    expect(sent.map((r) => r.method)).toEqual(['GET']); // found: nothing created
    const query = new URL(sent[0]!.target, fake.baseUrl).searchParams;
    expect(Object.fromEntries(query)).toEqual({ per_page: '100', page: '1', sort: 'created_at_desc', 'created_at[from]': '2030-03-16' });
  });

  it('creates the order when the lookup shows the lost attempt never reached CoinGate', async () => {
    const order = sampleOrder();
    const before = fake.requests.length;
    const res = await gateway.createCharge(retry(order));
    expect(res.ok).toBe(true);
    expect(fake.requests.slice(before).map((r) => r.method)).toEqual(['GET', 'POST']);
    expect(fake.ordersFor(order.id)).toHaveLength(1);
  });

  it('creates nothing while the lookup cannot answer: unavailable, so the charge stays unknown', async () => {
    const seen: Array<{ url: string; init?: RequestInit }> = [];
    const { gateway: g } = gatewayWith(cannedFetch(500, '{"message":"boom","reason":"InternalServerError"}', seen));
    const res = await g.createCharge(retry(sampleOrder()));
    expect(res).toMatchObject({ ok: false, error: { kind: 'unavailable', message: expect.stringContaining('CoinGate order lookup failed') } });
    expect(seen.map((c) => c.init?.method)).toEqual(['GET']);
    const refused = gatewayWith(cannedFetch(401, '{"message":"Auth Token is not valid","reason":"BadAuthToken"}')).gateway;
    expect(await refused.createCharge(retry(sampleOrder()))).toMatchObject({ ok: false, error: { kind: 'unavailable', message: expect.stringContaining('(auth)') } });
  });

  it(`gives up after ${LOOKUP_MAX_PAGES} full pages of newer orders without ours (unavailable, nothing created)`, async () => {
    const seen: Array<{ url: string; init?: RequestInit }> = [];
    const other = JSON.parse(fixture('create-order-response.json')) as Record<string, unknown>;
    const page = JSON.stringify({ current_page: 1, per_page: 100, total_orders: 900, total_pages: 9, orders: Array.from({ length: 100 }, (_, i) => ({ ...other, id: i + 1, order_id: `else-${i}`, created_at: '2030-03-17T17:46:40+00:00' })) });
    const { gateway: g } = gatewayWith(cannedFetch(200, page, seen));
    expect(await g.createCharge(retry(sampleOrder()))).toMatchObject({ ok: false, error: { kind: 'unavailable' } });
    expect(seen.map((c) => new URL(c.url).searchParams.get('page'))).toEqual(['1', '2', '3', '4', '5']);
  });
});

describe('coingate order lookup parsing (pure)', () => {
  const order = sampleOrder('111', '10.00', 'EUR');
  const doc = JSON.parse(fixture('create-order-response.json')) as Record<string, unknown>;
  const list = (orders: unknown[], more: Record<string, unknown> = {}) => JSON.stringify({ current_page: 1, per_page: 100, total_orders: orders.length, total_pages: 1, orders, ...more });
  const parse = (status: number, body: string) => fromLookupResponse(status, body, { order, key: '111', since: NOW });

  it('finds the newest order carrying our order_id', () => {
    const res = parse(200, list([{ ...doc, id: 540, order_id: 'else' }, doc]));
    expect(res.ok && res.value.found?.reference).toBe('538');
  });
  it('stops at a page that reaches back before the lost attempt, or at the last page', () => {
    const older = Array.from({ length: 100 }, (_, i) => ({ ...doc, id: i + 1, order_id: 'else', created_at: '2030-03-16T10:00:00+00:00' }));
    expect(parse(200, list(older, { total_pages: 4 }))).toEqual({ ok: true, value: { more: false } });
    const newer = older.map((o) => ({ ...o, created_at: '2030-03-17T18:00:00+00:00' }));
    expect(parse(200, list(newer, { total_pages: 4 }))).toEqual({ ok: true, value: { more: true } });
    expect(parse(200, list(newer.slice(0, 3)))).toEqual({ ok: true, value: { more: false } });
  });
  it('refuses an order under our key that disagrees with the signed order, and an unreadable list', () => {
    expect(parse(200, list([{ ...doc, price_amount: '10.01' }]))).toMatchObject({ ok: false, error: { kind: 'protocol' } });
    expect(parse(200, '{"orders":"no"}')).toMatchObject({ ok: false, error: { kind: 'protocol' } });
    expect(parse(200, list(['x']))).toMatchObject({ ok: false, error: { kind: 'protocol' } });
    expect(parse(404, '{"message":"Page not found","reason":"PageNotFound"}')).toMatchObject({ ok: false, error: { kind: 'invalid', httpStatus: 404 } });
  });
});

describe('coingate callbacks', () => {
  const gateway = coingate.create(config({ OC_COINGATE_TOKEN: 'tok_live_0123456789' }), contractDeps());
  const expected = { reference: '343', token: FIXTURE_TOKEN, claimedStatus: 'paid' };

  it('parses the form-encoded callback (the historical default)', () => {
    expect(gateway.parseCallback(post(fixture('callback-paid.form.txt'), 'application/x-www-form-urlencoded'))).toEqual({ ok: true, callback: expected });
  });

  it('parses the JSON callback', () => {
    expect(gateway.parseCallback(post(fixture('callback-paid.json'), 'application/json; charset=utf-8'))).toEqual({ ok: true, callback: expected });
  });

  it('sniffs the format when no content type came', () => {
    expect(gateway.parseCallback(post(fixture('callback-paid.json')))).toEqual({ ok: true, callback: expected });
    expect(gateway.parseCallback(post(fixture('callback-paid.form.txt')))).toEqual({ ok: true, callback: expected });
  });

  it('strips whitespace around the token, as the reference plugin does', () => {
    const v = gateway.parseCallback(post('id=7&token=%20abc123%0A', 'application/x-www-form-urlencoded'));
    expect(v.ok && v.callback.token).toBe('abc123');
  });

  it('exposes a wrong token so the caller refuses it', () => {
    const forged = fixture('callback-paid.form.txt').replace(FIXTURE_TOKEN, 'AttackerChosenToken000000000000');
    const v = gateway.parseCallback(post(forged, 'application/x-www-form-urlencoded'));
    expect(v.ok && v.callback.token).toBe('AttackerChosenToken000000000000');
    expect(v.ok && v.callback.token === FIXTURE_TOKEN).toBe(false);
  });

  const rejections: Array<[string, CallbackRequest, RegExp]> = [
    ['wrong method (GET)', { ...post(''), method: 'GET', target: `/cb?id=343&token=${FIXTURE_TOKEN}` }, /POST/],
    ['wrong method (PUT)', { ...post(fixture('callback-paid.json'), 'application/json'), method: 'PUT' }, /POST/],
    ['missing token (the docs sample)', post(fixture('callback-docs-sample.form.txt'), 'application/x-www-form-urlencoded'), /no token/],
    ['blank token', post('id=343&token=%20%20', 'application/x-www-form-urlencoded'), /no token/],
    ['missing id', post(`status=paid&token=${FIXTURE_TOKEN}`, 'application/x-www-form-urlencoded'), /no id/],
    ['non-numeric id', post(`id=abc&token=${FIXTURE_TOKEN}`, 'application/x-www-form-urlencoded'), /not a CoinGate order id/],
    ['zero-padded id', post(`id=0343&token=${FIXTURE_TOKEN}`, 'application/x-www-form-urlencoded'), /not a CoinGate order id/],
    ['repeated token', post(`id=343&token=a1234567&token=b1234567`, 'application/x-www-form-urlencoded'), /repeated/],
    ['repeated id', post(`id=343&id=344&token=${FIXTURE_TOKEN}`, 'application/x-www-form-urlencoded'), /repeated/],
    ['JSON token of the wrong type', post('{"id":343,"token":{"$ne":1}}', 'application/json'), /wrong type/],
    ['JSON fractional id', post(`{"id":343.5,"token":"${FIXTURE_TOKEN}"}`, 'application/json'), /wrong type/],
    ['JSON array', post('[{"id":343}]', 'application/json'), /not a JSON object/],
    ['JSON string', post('"id=343"', 'application/json'), /not a JSON object/],
    ['broken JSON', post('{"id":343,', 'application/json'), /not valid JSON/],
    ['unknown content type', post(fixture('callback-paid.json'), 'text/plain'), /neither form nor JSON/],
    ['multipart', post('--x\r\n', 'multipart/form-data; boundary=x'), /neither form nor JSON/],
    ['oversized body', post(`id=343&token=${FIXTURE_TOKEN}&pad=${'x'.repeat(70_000)}`, 'application/x-www-form-urlencoded'), /too large/],
    ['oversized token', post(`id=343&token=${'t'.repeat(600)}`, 'application/x-www-form-urlencoded'), /too long/],
    ['not JSON, no content type', post('not json{'), /no id/],
  ];
  it.each(rejections)('rejects: %s', (_name, req, reason) => {
    const v = gateway.parseCallback(req);
    expect(v.ok).toBe(false);
    expect(!v.ok && v.reason).toMatch(reason);
    expect(!v.ok && v.reason).not.toContain(FIXTURE_TOKEN);
  });

  it('never throws on odd input', () => {
    const odd = ['', '{', '}', '%', '%zz=1', '=&=&', 'id', '\u0000', '{"__proto__":{"id":1}}', 'id[]=1&token[]=2'];
    for (const body of odd) for (const ct of [undefined, 'application/json', 'application/x-www-form-urlencoded']) {
      expect(() => gateway.parseCallback(post(body, ct))).not.toThrow();
    }
  });

  it('replies 200 as CoinGate expects', () => {
    expect(gateway.callbackReply()).toEqual({ status: 200, contentType: 'text/plain; charset=utf-8', body: 'OK' });
  });

  it('handles JSON-format API Apps end to end: the fake sends, a receiver parses and replies', async () => {
    const received: CallbackRequest[] = [];
    const app = new Hono().post('/opencharge/callbacks/coingate', async (c) => {
      const url = new URL(c.req.url);
      const req: CallbackRequest = { method: c.req.method, target: url.pathname + url.search, headers: { 'content-type': c.req.header('content-type') ?? '' }, body: await c.req.text() };
      received.push(req);
      const verdict = gateway.parseCallback(req);
      const reply = gateway.callbackReply();
      return verdict.ok ? c.body(reply.body, reply.status as 200, { 'content-type': reply.contentType }) : c.text(verdict.reason, 400);
    });
    const receiver = await serveFetch(app.fetch);
    const fake = await startCoinGateFake({ callbackFormat: 'json' });
    try {
      const g = coingate.create(config(fake.env), contractDeps());
      const url = `http://127.0.0.1:${receiver.port}/opencharge/callbacks/coingate?v=1`;
      const res = await g.createCharge({ ...input(), callbackUrl: url, callbackToken: 'json-cb-token-42' });
      if (!res.ok) throw new Error(res.error.message);
      fake.settle(res.value.reference, 'overpaid');
      const reply = await fake.sendCallback(res.value.reference);
      expect(reply.status).toBe(200);
      expect(await reply.text()).toBe('OK');
      expect(received[0]!.headers['content-type']).toBe('application/json');
      expect(received[0]!.target).toBe('/opencharge/callbacks/coingate?v=1');
      const verdict = g.parseCallback(received[0]!);
      expect(verdict).toEqual({ ok: true, callback: { reference: res.value.reference, token: 'json-cb-token-42', claimedStatus: 'paid' } });
      const fetched = await g.fetchCharge(res.value.reference);
      expect(fetched.ok && fetched.value.status).toBe('overpaid');
    } finally {
      await fake.close();
      await receiver.close();
    }
  });
});

describe('coingate settings (fromEnv)', () => {
  it('is disabled when the token is absent or blank', () => {
    expect(coingate.fromEnv({})).toBeUndefined();
    expect(coingate.fromEnv({ OC_COINGATE_TOKEN: '' })).toBeUndefined();
    expect(coingate.fromEnv({ OC_COINGATE_TOKEN: '   ', OC_COINGATE_ENV: 'sandbox' })).toBeUndefined();
  });

  it('lists every setting it reads', () => {
    expect([...coingate.settings]).toEqual(['OC_COINGATE_TOKEN', 'OC_COINGATE_ENV', 'OC_COINGATE_BASE_URL']);
  });

  it('defaults to the production base URL', () => {
    expect(config({ OC_COINGATE_TOKEN: 'tok_live_0123456789' })).toMatchObject({ environment: 'live', baseUrl: 'https://api.coingate.com/v2' });
    expect(config({ OC_COINGATE_TOKEN: 'tok_live_0123456789', OC_COINGATE_ENV: '' }).baseUrl).toBe('https://api.coingate.com/v2');
  });

  it('picks the sandbox base URL for OC_COINGATE_ENV=sandbox', () => {
    expect(config({ OC_COINGATE_TOKEN: 'tok_sbx_0123456789', OC_COINGATE_ENV: 'sandbox' }).baseUrl).toBe('https://api-sandbox.coingate.com/v2');
  });

  it('sends requests to the production URL by default', async () => {
    const seen: Array<{ url: string; init?: RequestInit }> = [];
    const { gateway } = gatewayWith(cannedFetch(404, fixture('order-not-found-404.json'), seen));
    await gateway.fetchCharge('538');
    expect(seen[0]!.url).toBe('https://api.coingate.com/v2/orders/538');
    expect((seen[0]!.init!.headers as Record<string, string>).authorization).toBe('Token tok_live_0123456789');
  });

  it('honours OC_COINGATE_BASE_URL (trailing slash dropped; the /api/v2 prefix works too)', async () => {
    const fake = await startCoinGateFake();
    try {
      const env = { ...fake.env, OC_COINGATE_BASE_URL: fake.baseUrl.replace('/v2', '/api/v2/') };
      expect(config(env).baseUrl).toBe(fake.baseUrl.replace('/v2', '/api/v2'));
      const res = await coingate.create(config(env), contractDeps()).createCharge(input());
      expect(res.ok).toBe(true);
      expect(fake.requests.at(-1)!.target).toBe('/api/v2/orders');
    } finally {
      await fake.close();
    }
  });

  const invalid: Array<[string, Record<string, string>]> = [
    ['OC_COINGATE_TOKEN', { OC_COINGATE_TOKEN: 'has spaces in it' }],
    ['OC_COINGATE_TOKEN', { OC_COINGATE_TOKEN: 'short' }],
    ['OC_COINGATE_TOKEN', { OC_COINGATE_TOKEN: 'line1\r\nX-Injected: yes' }],
    ['OC_COINGATE_ENV', { OC_COINGATE_TOKEN: 'tok_live_0123456789', OC_COINGATE_ENV: 'staging' }],
    ['OC_COINGATE_BASE_URL', { OC_COINGATE_TOKEN: 'tok_live_0123456789', OC_COINGATE_BASE_URL: 'not a url' }],
    ['OC_COINGATE_BASE_URL', { OC_COINGATE_TOKEN: 'tok_live_0123456789', OC_COINGATE_BASE_URL: 'ftp://api.coingate.com/v2' }],
    ['OC_COINGATE_BASE_URL', { OC_COINGATE_TOKEN: 'tok_live_0123456789', OC_COINGATE_BASE_URL: 'https://user:pw@api.coingate.com/v2' }],
  ];
  it.each(invalid)('throws naming %s, without echoing the value', (name, env) => {
    let message = '';
    try {
      coingate.fromEnv(env);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain(name);
    for (const value of Object.values(env)) if (value.length >= 6) expect(message).not.toContain(value);
  });
});

describe('coingate redaction', () => {
  it('keeps the API token and callback tokens out of logs, errors and JSON', async () => {
    const fake = await startCoinGateFake();
    try {
      const log = createMemoryLogger('debug');
      const deps = { ...contractDeps(log) };
      const cfg = config(fake.env);
      const gateway = coingate.create(cfg, deps);
      const callbackToken = 'cb-secret-token-7f3e9a';
      const created = await gateway.createCharge(input(sampleOrder(), callbackToken));
      expect(created.ok).toBe(true);
      if (!created.ok) return;
      await gateway.fetchCharge(created.value.reference);

      const bad = coingate.create(config(fake.badEnv), deps);
      const refused = await bad.createCharge(input(sampleOrder(), callbackToken));
      expect(!refused.ok && refused.error.kind).toBe('auth');

      // A gateway that echoes our secrets in its error text gets them scrubbed.
      const echo = JSON.stringify({ message: `bad token ${fake.env.OC_COINGATE_TOKEN}`, reason: 'OrderIsNotValid', errors: [`token ${callbackToken} taken`] });
      const echoing = coingate.create(cfg, { ...deps, fetch: cannedFetch(422, echo) });
      const scrubbed = await echoing.createCharge(input(sampleOrder(), callbackToken));
      expect(!scrubbed.ok && scrubbed.error.message).toContain('[redacted]');

      const rejected = gateway.parseCallback({ method: 'GET', target: `/cb?token=${callbackToken}`, headers: {}, body: '' });
      expect(rejected.ok).toBe(false);

      const secrets = [fake.env.OC_COINGATE_TOKEN!, fake.badEnv.OC_COINGATE_TOKEN!, callbackToken];
      const surfaces = [
        log.lines.join('\n'),
        JSON.stringify(refused),
        JSON.stringify(scrubbed),
        JSON.stringify(created),
        JSON.stringify(rejected),
        JSON.stringify(gateway),
        JSON.stringify(bad),
        JSON.stringify(cfg),
        String(cfg.apiToken),
        inspect(cfg, { depth: 5 }),
        inspect(gateway, { depth: 5 }),
      ];
      expect(log.lines.length).toBeGreaterThan(2);
      for (const surface of surfaces) for (const secret of secrets) expect(surface).not.toContain(secret);
    } finally {
      await fake.close();
    }
  });
});

// MugglePay adapter: contract suite, status table, request building, response parsing, callbacks, settings, redaction.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { Hono } from 'hono';
import { contractDeps, gatewayContract, sampleOrder } from '../contract/gateway.contract.ts';
import { serveFetch } from '../helpers/http-server.ts';
import { headersOf, startMugglePayFake, type MugglePayFake } from '../fakes/mugglepay.ts';
import { mugglepay } from '../../src/gateways/mugglepay/index.ts';
import { PRODUCTION_BASE_URL, type MugglePayConfig } from '../../src/gateways/mugglepay/settings.ts';
import { chargeStatus, isKnownStatus, STATUS_MAP } from '../../src/gateways/mugglepay/status.ts';
import { checkOrder, fromCreateResponse, fromFetchResponse, priceLiteral, toCreateRequest, toFetchRequest } from '../../src/gateways/mugglepay/wire.ts';
import type { CallbackRequest, ChargeOrder, CreateChargeInput, Gateway } from '../../src/gateways/types.ts';
import { createMemoryLogger } from '../../src/log.ts';

gatewayContract({ definition: mugglepay, startFake: startMugglePayFake, outcomes: ['paid', 'expired', 'cancelled', 'underpaid', 'overpaid'] });

const fixtureText = (name: string) => readFileSync(new URL(`../fixtures/gateways/mugglepay/${name}`, import.meta.url), 'utf8');
const fixture = (name: string) => JSON.parse(fixtureText(name)) as Record<string, any>;
const TARGET = { baseUrl: 'https://api.example/v1', apiToken: 'api-token-0123456789' };
const CB = 'https://shop.example/opencharge/callbacks/mugglepay';

/** The seed's example order, as a signed order would carry it. */
function seedOrder(over: Partial<ChargeOrder> = {}): ChargeOrder {
  return { ...sampleOrder('order_12345', '29.99', 'USD'), urls: { order: [], completed: 'https://yoursite.com/success', cancelled: 'https://yoursite.com/cart' }, ...over };
}
function build(order: ChargeOrder, token = 'custom_webhook_token_123') {
  return toCreateRequest(TARGET, { order, callbackUrl: 'https://yoursite.com/webhooks/payment', callbackToken: token, idempotencyKey: order.id });
}
/** A create as the server sends it: MugglePay's key is the order id (merchant_order_id, §3.7). */
const charge = (g: Gateway, input: Omit<CreateChargeInput, 'idempotencyKey'>) => g.createCharge({ ...input, idempotencyKey: input.order.id });
function gatewayFor(fake: MugglePayFake, log = createMemoryLogger(), over: Partial<MugglePayConfig> & { timeoutMs?: number } = {}, fetchImpl?: typeof fetch) {
  const { timeoutMs, ...rest } = over;
  const deps = { ...contractDeps(log), ...(fetchImpl ? { fetch: fetchImpl } : {}), ...(timeoutMs ? { timeoutMs } : {}) };
  const config = { ...(mugglepay.fromEnv(fake.env) as MugglePayConfig), ...rest };
  return { gateway: mugglepay.create(config, deps), log, config };
}
const post = (body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }): CallbackRequest => ({
  method: 'POST', target: '/opencharge/callbacks/mugglepay', headers, body: typeof body === 'string' ? body : JSON.stringify(body),
});

describe('mugglepay status table (docs/gateways.md §3.4, §5)', () => {
  const documented: Array<[string, string]> = [
    ['NEW', 'pending'], ['PENDING', 'pending'], ['PAID', 'paid'], ['UNRESOLVED', 'underpaid'], ['RESOLVED', 'paid'],
    ['EXPIRED', 'expired'], ['CANCELED', 'cancelled'], ['REFUND_PENDING', 'refunded'], ['REFUNDED', 'refunded'],
  ];
  it('covers exactly the documented statuses', () => {
    expect(Object.keys(STATUS_MAP).sort()).toEqual(documented.map(([n]) => n).sort());
  });
  it.each(documented)('%s → %s', (native, common) => {
    expect(chargeStatus(native)).toBe(common);
  });
  it('UNRESOLVED compares paid with due: under, over, equal/unknown stay underpaid (never paid)', () => {
    expect(chargeStatus('UNRESOLVED', '10.00', '9.99')).toBe('underpaid');
    expect(chargeStatus('UNRESOLVED', '10.00', '10.000001')).toBe('overpaid');
    expect(chargeStatus('UNRESOLVED', '10.00', '10')).toBe('underpaid');
    expect(chargeStatus('UNRESOLVED', '10.00', undefined)).toBe('underpaid');
    expect(chargeStatus('UNRESOLVED', undefined, '12')).toBe('underpaid');
  });
  it.each(['UNPAID', 'paid', '', '__proto__', 'constructor', 'toString'])('unknown status %j → pending, flagged unknown', (native) => {
    expect(isKnownStatus(native)).toBe(false);
    expect(chargeStatus(native)).toBe('pending');
  });

  describe('through GetOrder on the fake', () => {
    let fake: MugglePayFake;
    beforeAll(async () => void (fake = await startMugglePayFake()));
    afterAll(async () => fake.close());
    const cases: Array<[string, string | undefined, string, string | undefined]> = [
      ...documented.filter(([n]) => n !== 'UNRESOLVED').map(([n, c]): [string, undefined, string, undefined] => [n, undefined, c, undefined]),
      ['PAID', '12.50', 'paid', '12.5'],
      ['UNRESOLVED', '12.49', 'underpaid', '12.49'],
      ['UNRESOLVED', '13.5', 'overpaid', '13.5'],
      ['UNRESOLVED', '12.50', 'underpaid', '12.5'],
    ];
    it.each(cases)('%s (paid %s) → %s', async (native, paid, common, paidAmount) => {
      const { gateway } = gatewayFor(fake);
      const created = await charge(gateway, { order: sampleOrder(), callbackUrl: CB, callbackToken: 'tok-123456' });
      if (!created.ok) throw new Error(created.error.message);
      fake.setStatus(created.value.reference, native, paid);
      const got = await gateway.fetchCharge(created.value.reference);
      expect(got.ok && got.value.status).toBe(common);
      expect(got.ok && got.value.gatewayStatus).toBe(native);
      expect(got.ok && got.value.paidAmount).toBe(['PAID', 'UNRESOLVED', 'RESOLVED'].includes(native) ? (paidAmount ?? '12.5') : undefined);
    });
    it('an undocumented status (UNPAID) is reported as pending, with a warning', async () => {
      const { gateway, log } = gatewayFor(fake);
      const created = await charge(gateway, { order: sampleOrder(), callbackUrl: CB, callbackToken: 'tok-123456' });
      if (!created.ok) throw new Error(created.error.message);
      fake.setStatus(created.value.reference, 'UNPAID');
      const got = await gateway.fetchCharge(created.value.reference);
      expect(got.ok && got.value).toMatchObject({ status: 'pending', gatewayStatus: 'UNPAID' });
      expect(log.lines.some((l) => l.includes('"level":40') && l.includes('undocumented status'))).toBe(true);
    });
  });
});

describe('mugglepay request building (fixtures: CreateOrder seed)', () => {
  it('puts the signed order where MugglePay reads it, matching the seed request body', () => {
    const seed = fixture('create-request.seed.json');
    const req = build(seedOrder());
    const body = JSON.parse(req.body!);
    for (const k of ['merchant_order_id', 'price_amount', 'price_currency', 'callback_url', 'success_url', 'cancel_url', 'token']) {
      expect(body[k], k).toEqual(seed[k]);
    }
    expect(body.merchant_token).toBe(seed.token); // the 2025 name, sent alongside
    expect(req.body).toContain('"price_amount":29.99'); // a JSON number, as the docs' "double"
    expect(req).toMatchObject({ method: 'POST', url: 'https://api.example/v1/orders' });
    expect(req.headers).toEqual({ 'content-type': 'application/json', accept: 'application/json', token: TARGET.apiToken });
  });
  it('writes price_amount from the decimal string exactly (major units, no float)', () => {
    expect(build(seedOrder({ amount: '10.00' })).body).toContain('"price_amount":10.00,');
    expect(build(seedOrder({ amount: '0012.5' })).body).toContain('"price_amount":12.5,');
    expect(build(seedOrder({ amount: '0.00000001' })).body).toContain('"price_amount":0.00000001,');
    expect(priceLiteral('123456789012345')).toBe('123456789012345');
    expect(priceLiteral('0.1')).toBe('0.1');
  });
  it.each(['0', '0.00', '1234567890123456', '0.1234567890123456', '-1', '1e3', ''])('refuses amount %j before any request', (amount) => {
    expect(checkOrder(seedOrder({ amount }))?.kind).toBe('invalid');
  });
  it('titles with the reference, clips title (200) and memo (800), omits absent URLs and memo', () => {
    const long = seedOrder({ reference: 'r'.repeat(300), memo: '😀'.repeat(900), urls: { order: [] } });
    const body = JSON.parse(build(long).body!);
    expect(Array.from(body.title as string)).toHaveLength(200);
    expect(Array.from(body.description as string)).toEqual(Array(800).fill('😀'));
    expect(body).not.toHaveProperty('success_url');
    expect(body).not.toHaveProperty('cancel_url');
    const plain = JSON.parse(build(seedOrder({ memo: undefined, reference: 'shop-42' })).body!);
    expect(plain.title).toBe('Order shop-42');
    expect(plain).not.toHaveProperty('description');
  });
  it('fetches GET {base}/orders/:order_id with the token header', () => {
    expect(toFetchRequest(TARGET, '94be2b2a-2905-4857-b701-b04e57e84593')).toEqual({
      method: 'GET', url: 'https://api.example/v1/orders/94be2b2a-2905-4857-b701-b04e57e84593', headers: { accept: 'application/json', token: TARGET.apiToken },
    });
  });
  it('what the fake receives: token header, callback URL and merchant token in the body', async () => {
    const fake = await startMugglePayFake();
    try {
      const { gateway } = gatewayFor(fake);
      const order = sampleOrder();
      const res = await charge(gateway, { order, callbackUrl: `${CB}?x=1`, callbackToken: 'cb-token-abcdef' });
      expect(res.ok).toBe(true);
      const [req] = fake.requests;
      expect(req).toMatchObject({ method: 'POST', target: '/v1/orders' });
      expect(req!.headers.token).toBe(fake.env.OC_MUGGLEPAY_TOKEN);
      expect(req!.headers.authorization).toBeUndefined();
      expect(JSON.parse(req!.body)).toMatchObject({
        merchant_order_id: order.id, price_amount: 12.5, price_currency: 'USD', callback_url: `${CB}?x=1`,
        success_url: 'https://shop.example/ok', cancel_url: 'https://shop.example/cancel', token: 'cb-token-abcdef', merchant_token: 'cb-token-abcdef',
      });
      const before = fake.requests.length;
      const bad = await charge(gateway, { order: sampleOrder(undefined, '0.00'), callbackUrl: CB, callbackToken: 't' });
      expect(!bad.ok && bad.error.kind).toBe('invalid');
      expect(fake.requests).toHaveLength(before);
    } finally {
      await fake.close();
    }
  });
});

describe('mugglepay response parsing (fixtures)', () => {
  const ctx = { secrets: [TARGET.apiToken], order: seedOrder() };
  it.each([200, 201])('create success (body status 201) with HTTP %i', (http) => {
    expect(fromCreateResponse(http, fixtureText('create-response.seed.json'), ctx)).toEqual({
      ok: true,
      value: { reference: '94be2b2a-2905-4857-b701-b04e57e84593', paymentUrl: 'https://invoice.mugglepay.com/invoices?id=94be2b2a-2905-4857-b701-b04e57e84593', status: 'pending', gatewayStatus: 'NEW' },
    });
  });
  it('accepts body status as a string, and status 200', () => {
    const body = fixture('create-response.seed.json');
    expect(fromCreateResponse(200, JSON.stringify({ ...body, status: '201' }), ctx).ok).toBe(true);
    expect(fromCreateResponse(200, JSON.stringify({ ...body, status: 200 }), ctx).ok).toBe(true);
  });
  it('refuses an answer that changed our order (amount, currency, merchant_order_id)', () => {
    const body = fixture('create-response.seed.json');
    for (const change of [{ price_amount: 30 }, { price_currency: 'CNY' }, { merchant_order_id: 'other' }]) {
      const res = fromCreateResponse(200, JSON.stringify({ ...body, order: { ...body.order, ...change } }), ctx);
      expect(!res.ok && res.error.kind).toBe('protocol');
    }
  });
  const errors: Array<[string, number, string, string]> = [
    ['create-error.seed.json', 400, 'invalid', 'PARAMETERS_MISSING'],
    ['auth-error.doc.json', 400, 'auth', 'AUTHENTICATION_FAILED'],
    ['unauthorized-401.doc.json', 401, 'auth', 'UNAUTHORIZED'],
    ['rate-limit.doc.json', 400, 'unavailable', 'API_LIMIT_EXCEEDED'],
    ['get-order-not-found.doc.json', 400, 'invalid', 'ORDER_NOT_VALID'], // on create, "not found" means a bad request
  ];
  it.each(errors)('create error %s (HTTP %i) → %s', (name, http, kind, code) => {
    const res = fromCreateResponse(http, fixtureText(name), ctx);
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.error).toMatchObject({ kind, httpStatus: http });
    expect(res.error.message).toContain(code);
  });
  it.each([
    [421, '', 'unavailable'], [502, '<html>Bad gateway</html>', 'unavailable'], [401, 'Unauthorized', 'auth'],
    [200, 'not json', 'protocol'], [200, '{}', 'protocol'], [200, '[]', 'protocol'], [302, '', 'protocol'],
    [400, '{"status":400,"error_code":"SOMETHING_NEW","error":"?"}', 'invalid'], [400, '{"status":400,"error_code":"ORDER_NOT_NEW"}', 'declined'],
    [200, '{"status":201,"order":{"order_id":"../x","status":"NEW"}}', 'protocol'], [200, '{"status":201,"order":{"order_id":"abc","status":"NEW"},"payment_url":"javascript:x"}', 'protocol'],
  ])('HTTP %i %j → %s', (http, text, kind) => {
    const res = fromCreateResponse(http, text, ctx);
    expect(!res.ok && res.error.kind).toBe(kind);
  });
  it('a repeated merchant_order_id carrying the existing order is reused (WooCommerce, §3.7); without it, a conflict', () => {
    const res = fromCreateResponse(400, fixtureText('merchantid-exist.inferred.json'), ctx);
    expect(res.ok && res.value.reference).toBe('94be2b2a-2905-4857-b701-b04e57e84593');
    const { order: _o, payment_url: _p, ...bare } = fixture('merchantid-exist.inferred.json');
    const refused = fromCreateResponse(400, JSON.stringify(bare), ctx);
    // The key is taken and nothing can be adopted: the charge must stay unresolved, never start a second order.
    expect(!refused.ok && refused.error.kind).toBe('conflict');
  });
  it('GetOrder doc example → pending charge on the invoice page; wrong order → protocol', () => {
    const ref = 'd84cc10f-9e88-4783-9fb0-3a7b9aea8de4';
    expect(fromFetchResponse(200, fixtureText('get-order.doc.json'), { secrets: [], reference: ref })).toEqual({
      ok: true, value: { reference: ref, paymentUrl: `https://invoice.mugglepay.com/invoices?id=${ref}`, status: 'pending', gatewayStatus: 'NEW' },
    });
    const other = fromFetchResponse(200, fixtureText('get-order.doc.json'), { secrets: [], reference: 'another-id' });
    expect(!other.ok && other.error.kind).toBe('protocol');
  });
  it('GetOrder "eror" not-found example → not_found', () => {
    const res = fromFetchResponse(400, fixtureText('get-order-not-found.doc.json'), { secrets: [], reference: 'x' });
    expect(!res.ok && res.error).toMatchObject({ kind: 'not_found', message: 'MugglePay get order failed: ORDER_NOT_VALID (Order not found)' });
  });
  it('scrubs secrets from gateway text copied into an error', () => {
    const res = fromCreateResponse(400, JSON.stringify({ status: 400, error_code: 'AUTHENTICATION_FAILED', error: `token ${TARGET.apiToken} expired\u0000` }), ctx);
    expect(!res.ok && res.error.message).toBe('MugglePay create order failed: AUTHENTICATION_FAILED (token [redacted] expired)');
  });
});

describe('mugglepay callbacks (§3.5)', () => {
  let gateway: Gateway;
  beforeAll(() => {
    gateway = mugglepay.create(mugglepay.fromEnv({ OC_MUGGLEPAY_TOKEN: TARGET.apiToken })!, contractDeps());
  });
  it.each(['callback.doc.json', 'callback-numbers.go-sdk.json'])('parses the documented payload %s', (name) => {
    expect(gateway.parseCallback(post(fixtureText(name)))).toEqual({
      ok: true, callback: { reference: '94be2b2a-2905-4857-b701-b04e57e84593', token: 'your_custom_token_123', claimedStatus: 'PAID' },
    });
  });
  it('reads the 2025 name merchant_token, and both names when they agree', () => {
    const { token, ...rest } = fixture('callback.doc.json');
    expect(gateway.parseCallback(post({ ...rest, merchant_token: token })).ok && true).toBe(true);
    const both = gateway.parseCallback(post({ ...rest, token, merchant_token: token }));
    expect(both.ok && both.callback.token).toBe(token);
  });
  it('exposes a wrong token for the caller to refuse', () => {
    const verdict = gateway.parseCallback(post({ ...fixture('callback.doc.json'), token: 'guessed' }));
    expect(verdict.ok && verdict.callback.token).toBe('guessed');
  });
  it('answers HTTP 200 {"status":200}', () => {
    const reply = gateway.callbackReply();
    expect(reply).toEqual({ status: 200, contentType: 'application/json', body: '{"status":200}' });
  });
  const doc = () => fixture('callback.doc.json');
  const without = (k: string) => Object.fromEntries(Object.entries(doc()).filter(([key]) => key !== k));
  const rejections: Array<[string, CallbackRequest, RegExp]> = [
    ['wrong method (GET)', { ...post(doc()), method: 'GET', body: '' }, /POST/],
    ['not JSON', post('order_id=1&token=x'), /not JSON/],
    ['form content type', post(doc(), { 'content-type': 'application/x-www-form-urlencoded' }), /declared as JSON/],
    ['a JSON array', post([doc()]), /not a JSON object/],
    ['JSON null', post('null'), /not a JSON object/],
    ['missing order_id', post(without('order_id')), /order_id/],
    ['an order_id that is a path', post({ ...doc(), order_id: '../../admin' }), /order_id/],
    ['missing status', post(without('status')), /status/],
    ['a status that is not a word', post({ ...doc(), status: { s: 'PAID' } }), /status/],
    ['missing token (unknown shape)', post(without('token')), /no merchant token/],
    ['a token that is not a string', post({ ...doc(), token: 123 }), /malformed/],
    ['an empty token', post({ ...doc(), token: '' }), /malformed/],
    ['two different tokens', post({ ...doc(), merchant_token: 'other' }), /two different/],
    ['merchant_order_id not a string', post({ ...doc(), merchant_order_id: 5 }), /merchant_order_id/],
    ['an amount that is an object', post({ ...doc(), pay_amount: { v: 1 } }), /pay_amount/],
    ['an oversized body', post({ ...doc(), pad: 'x'.repeat(70_000) }), /too large/],
  ];
  it.each(rejections)('rejects %s', (_name, request, reason) => {
    const verdict = gateway.parseCallback(request);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) {
      expect(verdict.reason).toMatch(reason);
      expect(verdict.reason).not.toContain('your_custom_token_123');
    }
  });

  it.each([
    [{}, 'token'],
    [{ callbackTokenField: 'merchant_token' as const, callbackAmounts: 'number' as const }, 'merchant_token'],
  ])('end to end: the fake POSTs the callback, our handler parses it and replies as MugglePay expects (%j)', async (options, field) => {
    const fake = await startMugglePayFake(options);
    const seen: Array<{ verdict: ReturnType<Gateway['parseCallback']>; body: string }> = [];
    const { gateway: gw } = gatewayFor(fake);
    const app = new Hono().all('*', async (c) => {
      const url = new URL(c.req.url);
      const body = await c.req.text();
      const verdict = gw.parseCallback({ method: c.req.method, target: url.pathname + url.search, headers: headersOf(c.req.raw.headers), body });
      seen.push({ verdict, body });
      const reply = gw.callbackReply();
      return c.body(reply.body, reply.status as 200, { 'content-type': reply.contentType });
    });
    const { port, close } = await serveFetch(app.fetch);
    try {
      const created = await charge(gw, { order: sampleOrder(), callbackUrl: `http://127.0.0.1:${port}/opencharge/callbacks/mugglepay`, callbackToken: 'cb-secret-777' });
      if (!created.ok) throw new Error(created.error.message);
      fake.settle(created.value.reference, 'paid');
      const res = await fake.sendCallback(created.value.reference);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 200 });
      expect(seen[0]!.verdict).toEqual({ ok: true, callback: { reference: created.value.reference, token: 'cb-secret-777', claimedStatus: 'PAID' } });
      expect(JSON.parse(seen[0]!.body)).toHaveProperty(field, 'cb-secret-777');
    } finally {
      await close();
      await fake.close();
    }
  });
});

describe('mugglepay settings (fromEnv)', () => {
  const TOKEN = '3f1c2a9e-5b7d-4c8e-9a0b-1c2d3e4f5a6b';
  it('is disabled when the token is absent or blank, whatever else is set', () => {
    expect(mugglepay.fromEnv({})).toBeUndefined();
    expect(mugglepay.fromEnv({ OC_MUGGLEPAY_TOKEN: '  ' })).toBeUndefined();
    expect(mugglepay.fromEnv({ OC_MUGGLEPAY_BASE_URL: 'https://proxy.example/v1' })).toBeUndefined();
  });
  it('uses the production API root by default', () => {
    const config = mugglepay.fromEnv({ OC_MUGGLEPAY_TOKEN: TOKEN })!;
    expect(config.baseUrl).toBe(PRODUCTION_BASE_URL);
    expect(PRODUCTION_BASE_URL).toBe('https://api.mugglepay.com/v1');
    expect(config.apiToken.reveal()).toBe(TOKEN);
  });
  it.each([
    ['http://127.0.0.1:4000/v1/', 'http://127.0.0.1:4000/v1'],
    ['https://proxy.example', 'https://proxy.example/v1'],
    ['https://proxy.example/mugglepay/v1', 'https://proxy.example/mugglepay/v1'],
  ])('base URL override %s → %s', (value, expected) => {
    expect(mugglepay.fromEnv({ OC_MUGGLEPAY_TOKEN: ` ${TOKEN}\n`, OC_MUGGLEPAY_BASE_URL: value })!.baseUrl).toBe(expected);
  });
  it.each(['short', 'has a space inside it', 'x'.repeat(513), 'tøken-with-non-ascii'])('throws naming OC_MUGGLEPAY_TOKEN for token %j, without echoing it', (value) => {
    expect(() => mugglepay.fromEnv({ OC_MUGGLEPAY_TOKEN: value })).toThrowError(/^OC_MUGGLEPAY_TOKEN is invalid/);
    try {
      mugglepay.fromEnv({ OC_MUGGLEPAY_TOKEN: value });
    } catch (e) {
      expect((e as Error).message).not.toContain(value);
    }
  });
  it.each(['ftp://api.mugglepay.com/v1', 'not a url', 'https://user:pw@api.example/v1', 'https://api.example/v1?x=1', 'https://api.example/v1#f'])(
    'throws naming OC_MUGGLEPAY_BASE_URL for %j',
    (value) => {
      expect(() => mugglepay.fromEnv({ OC_MUGGLEPAY_TOKEN: TOKEN, OC_MUGGLEPAY_BASE_URL: value })).toThrowError(/^OC_MUGGLEPAY_BASE_URL is invalid/);
    },
  );
  it('declares its settings', () => {
    expect(mugglepay.settings).toEqual(['OC_MUGGLEPAY_TOKEN', 'OC_MUGGLEPAY_BASE_URL']);
  });
});

describe('mugglepay transport and idempotency', () => {
  let fake: MugglePayFake;
  beforeAll(async () => void (fake = await startMugglePayFake({ createHttpStatus: 201 })));
  afterAll(async () => fake.close());

  it('the same order twice yields the same MugglePay order (merchant_order_id is the key)', async () => {
    const { gateway } = gatewayFor(fake);
    const order = sampleOrder();
    const a = await charge(gateway, { order, callbackUrl: CB, callbackToken: 'tok-aaaaaaa' });
    const b = await charge(gateway, { order, callbackUrl: CB, callbackToken: 'tok-aaaaaaa' });
    expect(a.ok && b.ok && a.value.reference === b.value.reference).toBe(true);
  });
  it('a malformed reference is not_found without a request', async () => {
    const { gateway } = gatewayFor(fake);
    const before = fake.requests.length;
    const res = await gateway.fetchCharge('../orders?x=1');
    expect(!res.ok && res.error.kind).toBe('not_found');
    expect(fake.requests).toHaveLength(before);
  });
  it('a timeout is unavailable', async () => {
    const hang: typeof fetch = (_url, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)));
    const { gateway } = gatewayFor(fake, createMemoryLogger(), { timeoutMs: 50 }, hang);
    const res = await charge(gateway, { order: sampleOrder(), callbackUrl: CB, callbackToken: 't' });
    expect(!res.ok && res.error).toMatchObject({ kind: 'unavailable', message: 'MugglePay did not answer within 50 ms' });
  });
  it('does not follow redirects (the token header would travel with them)', async () => {
    let redirect: RequestRedirect | undefined;
    const redirecting: typeof fetch = async (_url, init) => {
      redirect = init?.redirect;
      return new Response(null, { status: 302, headers: { location: 'https://elsewhere.example/' } });
    };
    const { gateway } = gatewayFor(fake, createMemoryLogger(), {}, redirecting);
    const res = await gateway.fetchCharge('94be2b2a-2905-4857-b701-b04e57e84593');
    expect(redirect).toBe('manual');
    expect(!res.ok && res.error.kind).toBe('protocol');
  });
  it('the 401 flavour of refused credentials is also "auth"', async () => {
    const strict = await startMugglePayFake({ authFailure: 401 });
    try {
      const bad = mugglepay.create(mugglepay.fromEnv(strict.badEnv)!, contractDeps());
      const res = await bad.fetchCharge('94be2b2a-2905-4857-b701-b04e57e84593');
      expect(!res.ok && res.error).toMatchObject({ kind: 'auth', httpStatus: 401 });
    } finally {
      await strict.close();
    }
  });
});

describe('mugglepay redaction', () => {
  it('no secret in logs, error messages, callback verdicts or the serialised gateway', async () => {
    const fake = await startMugglePayFake();
    try {
      const log = createMemoryLogger();
      const { gateway, config } = gatewayFor(fake, log);
      const badConfig = mugglepay.fromEnv(fake.badEnv)!;
      const bad = mugglepay.create(badConfig, contractDeps(log));
      const callbackToken = 'cb-token-never-logged-42';
      const ok = await charge(gateway, { order: sampleOrder(), callbackUrl: CB, callbackToken });
      expect(ok.ok).toBe(true);
      const refused = await charge(bad, { order: sampleOrder(), callbackUrl: CB, callbackToken });
      expect(!refused.ok && refused.error.kind).toBe('auth');
      const forged = gateway.parseCallback(post({ order_id: 'abc', status: 'PAID', token: callbackToken, merchant_token: 'x' }));
      expect(forged.ok).toBe(false);
      const secrets = [fake.env.OC_MUGGLEPAY_TOKEN!, fake.badEnv.OC_MUGGLEPAY_TOKEN!, callbackToken];
      const surfaces = [
        ...log.lines,
        !refused.ok ? refused.error.message : '',
        !forged.ok ? forged.reason : '',
        JSON.stringify(gateway),
        JSON.stringify(bad),
        JSON.stringify(config),
        JSON.stringify(badConfig),
        `${config.apiToken}`,
        inspect(config, { depth: 5, showHidden: true }),
        inspect(gateway, { depth: 5 }),
      ];
      expect(log.lines.length).toBeGreaterThan(1);
      for (const surface of surfaces) for (const secret of secrets) expect(surface).not.toContain(secret);
      expect(JSON.parse(JSON.stringify(gateway))).toEqual({ id: 'mugglepay', baseUrl: fake.baseUrl, callbackAuth: 'token' });
    } finally {
      await fake.close();
    }
  });
});

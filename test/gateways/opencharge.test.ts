// Opencharge Merchant Gateway adapter: contract vs the fake MG, tables, redaction, request building, callbacks, settings.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { Hono } from 'hono';
import { gatewayContract, contractDeps, sampleOrder, NOW } from '../contract/gateway.contract.ts';
import { serveFetch } from '../helpers/http-server.ts';
import { startOpenchargeFake, OPENCHARGE_FAKE_PUBLIC_KEY, CONTRACT_MERCHANT, ERRORS, type OpenchargeFake, type TransferProof } from '../fakes/opencharge.ts';
import { openchargeGateway } from '../../src/gateways/opencharge/index.ts';
import type { OpenchargeGatewayConfig } from '../../src/gateways/opencharge/settings.ts';
import { STATUS_MAP, commonStatus } from '../../src/gateways/opencharge/status.ts';
import { checkOrder, toCreateRequest, fromCreateResponse } from '../../src/gateways/opencharge/wire.ts';
import { NO_CALLBACKS } from '../../src/gateways/opencharge/callback.ts';
import type { ChargeOrder, CreateChargeInput, Gateway, GatewayDeps } from '../../src/gateways/types.ts';
import { createSigner, type RequestSigner } from '../../src/client/signer.ts';
import { createMemoryLogger } from '../../src/log.ts';
import { nobleBackend } from '../../src/protocol/noble.ts';
import { parsePrivateKey, parsePublicKey } from '../../src/protocol/keys.ts';
import { canonicalOrder, canonicalProof, canonicalRequest, canonicalResponse } from '../../src/protocol/canonical.ts';
import { verifyCanonical } from '../../src/protocol/signature.ts';
import { parseAuthHeaders } from '../../src/protocol/headers.ts';
import { MERCHANT, T0, makeHarness, type Harness } from '../helpers/harness.ts';

gatewayContract({
  definition: openchargeGateway,
  startFake: startOpenchargeFake,
  // The MG has no status lookup or callback of its own: the fetch/callback cases are skipped (noFetch) and the
  // outcomes it can report, all through transfer proofs, are exercised below against the fake's proofs.
  noFetch: true,
  outcomes: ['paid', 'underpaid', 'overpaid', 'expired', 'cancelled'],
});

const FIXTURES = new URL('../fixtures/gateways/opencharge/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES), 'utf8');
const json = <T = Record<string, unknown>>(name: string) => JSON.parse(fixture(name)) as T;

const privateKey = (hex: string) => (parsePrivateKey(hex) as { ok: true; key: Uint8Array }).key;
const publicKey = (hex: string) => (parsePublicKey(hex) as { ok: true; key: Uint8Array }).key;
const MERCHANT_KEY_HEX = '22'.repeat(32);
const MERCHANT_PUB = publicKey(CONTRACT_MERCHANT.publicKey);
const MG_PUB = publicKey(OPENCHARGE_FAKE_PUBLIC_KEY);
const MG = { ocid: 100, endpoint: 'https://mg.example/opencharge' };

type SignerOptions = { now?: number; ocid?: number; key?: string };
const signerWith = (o: SignerOptions, randomBytes: (n: number) => Uint8Array): RequestSigner =>
  createSigner({ ocid: o.ocid ?? 500, privateKey: privateKey(o.key ?? MERCHANT_KEY_HEX), backend: nobleBackend, now: () => o.now ?? NOW, randomBytes });
/** Nonce bytes 00 01 02 …: with RFC 6979 the whole request is reproducible (fixtures; never sent twice to a fake). */
const fixedSigner = (o: SignerOptions = {}) => signerWith(o, (n) => Uint8Array.from({ length: n }, (_, i) => i));
/** Fresh random nonces, for requests that really reach the fake. */
const liveSigner = (o: SignerOptions = {}) => signerWith(o, (n) => new Uint8Array(randomBytes(n)));

/** A seed example order (OpenAPI one by default), signed by the contract merchant (500, key 22…22). */
function seedOrder(file = 'seed-openapi-response.json'): ChargeOrder {
  const seed = json<{ order: Record<string, unknown>; urls: ChargeOrder['urls'] }>(file);
  const o = seed.order;
  return {
    id: o.id as string,
    amount: o.amount as string,
    currency: o.currency as string,
    reference: o.reference as string,
    memo: o.memo as string,
    createdAt: o.createdAt as number,
    expiresAt: o.expiresAt as number,
    signed: o,
    signature: fixedSigner().signCanonical(canonicalOrder(o)),
    urls: seed.urls,
  };
}

/** A contract-style order with signed fields overridden (and re-signed by `key`). */
function orderWith(patch: Record<string, unknown>, o: { key?: string; urlBase?: string } = {}): ChargeOrder {
  const base = sampleOrder();
  const signed = { ...base.signed, ...patch };
  const signer = fixedSigner({ key: o.key });
  const urls = o.urlBase ? { ...base.urls, order: [`${o.urlBase}/opencharge/orders/${String(signed.id)}`] } : base.urls;
  return { ...base, id: String(signed.id), expiresAt: signed.expiresAt as number, signed, signature: signer.signCanonical(canonicalOrder(signed)), urls };
}

const input = (order: ChargeOrder): CreateChargeInput => ({
  order,
  callbackUrl: 'https://pay.shop.example/opencharge/callbacks/opencharge',
  callbackToken: 'cbtok_0123456789abcdef0123456789abcdef',
  idempotencyKey: `idem-${order.id}`,
});

/** Settings that must parse (the tests of invalid ones call fromEnv directly). */
function configOf(env: Record<string, string>): OpenchargeGatewayConfig {
  const config = openchargeGateway.fromEnv(env);
  if (!config) throw new Error('expected the gateway to be enabled');
  return config;
}

function gatewayFor(env: Record<string, string>, deps: Partial<GatewayDeps> = {}): Gateway {
  return openchargeGateway.create(configOf(env), { ...contractDeps(), ...deps });
}

describe('opencharge STATUS_MAP (every native status an MG names → common status)', () => {
  const expected = {
    checkout_created: 'pending',
    pending: 'pending',
    pending_settlement: 'pending',
    completed: 'paid',
    paid: 'paid',
    expired: 'expired',
    cancelled: 'cancelled',
    failed: 'failed',
  } as const;

  it('is exactly the documented table', () => {
    expect(STATUS_MAP).toEqual(expected);
  });

  it.each(Object.entries(expected))('%s → %s', (native, common) => {
    expect(commonStatus(native)).toBe(common);
  });

  it('maps an unknown status to undefined explicitly (never guessed, never an inherited key)', () => {
    for (const unknown of ['refunded', 'PAID', 'Completed', '', 'toString', '__proto__', 'constructor', undefined, null, 7, {}]) {
      expect(commonStatus(unknown)).toBeUndefined();
    }
  });
});

describe('opencharge checkout request (fixtures)', () => {
  it('builds exactly the recorded request: verbatim {order, signature, urls}, X-OC-* headers', () => {
    const req = toCreateRequest(MG, input(seedOrder()), fixedSigner());
    const recorded = json<{ method: string; url: string; headers: Record<string, string> }>('checkout-request.json');
    expect({ method: req.method, url: req.url, headers: req.headers }).toEqual(recorded);
    expect(req.body).toBe(fixture('checkout-request.body.json'));
  });

  it('sends the signed order verbatim: same keys, same order, decimal amount as signed (no unit conversion)', () => {
    const order = seedOrder();
    const body = JSON.parse(toCreateRequest(MG, input(order), fixedSigner()).body!) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['order', 'signature', 'urls']);
    expect(JSON.stringify(body.order)).toBe(JSON.stringify(order.signed));
    expect((body.order as Record<string, unknown>).amount).toBe('15.00');
    expect(body.signature).toBe(order.signature);
    expect(verifyCanonical(nobleBackend, MERCHANT_PUB, canonicalOrder(body.order as Record<string, unknown>), body.signature).valid).toBe(true);
  });

  it('sends the short seed example verbatim too (absent optional fields stay absent)', () => {
    const order = seedOrder('seed-example-response.json');
    const body = toCreateRequest(MG, input(order), fixedSigner()).body!;
    expect(body.startsWith('{"order":{"id":"ord_abc123","ocid":500,"amount":"15.00","currency":"USD","createdAt":1706313600,"expiresAt":1706400000,"accepts":[100,101,102]},"signature":"')).toBe(true);
    expect(body).not.toContain('reference');
  });

  it('puts the return URLs where the MG reads them (urls.completed / urls.cancelled) and no callback URL or token anywhere', () => {
    const req = toCreateRequest(MG, input(seedOrder()), fixedSigner());
    const body = JSON.parse(req.body!) as { urls: Record<string, unknown> };
    expect(body.urls).toEqual({
      order: ['https://merchant.example/orders/ord_abc123'],
      completed: 'https://merchant.example/checkout/success',
      cancelled: 'https://merchant.example/checkout/cancelled',
    });
    // The MG delivers proofs to our metadata endpoint's /transfer/webhook: the per-charge token must not travel.
    const everything = JSON.stringify(req);
    expect(everything).not.toContain('cbtok_');
    expect(everything).not.toContain('/callbacks/');
  });

  it('signs the path as sent, base path included, over the exact body string', () => {
    const req = toCreateRequest(MG, input(seedOrder()), fixedSigner());
    const h = parseAuthHeaders((n) => Object.entries(req.headers).find(([k]) => k.toLowerCase() === n)?.[1]);
    if (!h.ok) throw new Error(h.reason);
    const verify = (path: string, body: string) =>
      verifyCanonical(nobleBackend, MERCHANT_PUB, canonicalRequest({ ...h.headers, method: 'POST', path, body }), h.headers.signature).valid;
    expect(h.headers.ocid).toBe('500');
    expect(h.headers.timestamp).toBe(String(NOW));
    expect(verify('/opencharge/orders/checkout', req.body!)).toBe(true);
    expect(verify('/orders/checkout', req.body!)).toBe(false);
    expect(verify('/opencharge/orders/checkout', req.body! + ' ')).toBe(false);
  });

  it('follows the endpoint exactly: no base path, a deeper one, a trailing slash in the setting', () => {
    const path = (endpoint: string) => new URL(toCreateRequest(configOf({ OC_MG_OCID: '100', OC_MG_ENDPOINT: endpoint }), input(seedOrder()), fixedSigner()).url).pathname;
    expect(path('https://mg.example')).toBe('/orders/checkout');
    expect(path('https://mg.example/')).toBe('/orders/checkout');
    expect(path('https://mg.example/api/opencharge/')).toBe('/api/opencharge/orders/checkout');
  });

  it('declines up front an order whose accepts lacks the MG OCID, and refuses orders not signed for us', () => {
    const ok = seedOrder();
    expect(checkOrder(MG, ok, 500)).toBeUndefined();
    expect(checkOrder({ ...MG, ocid: 103 }, ok, 500)?.kind).toBe('declined');
    expect(checkOrder(MG, { ...ok, signed: { ...ok.signed, accepts: undefined } }, 500)?.kind).toBe('declined');
    expect(checkOrder(MG, { ...ok, signed: { ...ok.signed, accepts: '100' } }, 500)?.kind).toBe('declined');
    expect(checkOrder(MG, ok, 501)?.kind).toBe('invalid');
    expect(checkOrder(MG, { ...ok, id: 'ord_other' }, 500)?.kind).toBe('invalid');
    expect(checkOrder(MG, { ...ok, signature: '' }, 500)?.kind).toBe('invalid');
  });
});

describe('opencharge checkout answers (fixtures)', () => {
  const order = seedOrder();

  it('maps {redirect_url} to a pending charge referenced by the order id', () => {
    const res = fromCreateResponse(200, fixture('checkout-response.json'), order);
    expect(res).toEqual({
      ok: true,
      value: { reference: 'ord_abc123', paymentUrl: 'https://pay.yourgateway.com/checkout/cs_9f2c4e1a7b3d5c60', status: 'pending', gatewayStatus: 'checkout_created' },
    });
  });

  it.each([
    ['merchant-not-registered-401.json', 401, 'auth'],
    ['invalid-signature-401.json', 401, 'auth'],
    ['timestamp-expired-401.json', 401, 'auth'],
    ['nonce-reused-401.json', 401, 'auth'],
    ['invalid-signature-400.json', 400, 'invalid'],
    ['order-expired-400.json', 400, 'declined'],
    ['settlement-not-supported-400.json', 400, 'declined'],
  ] as const)('%s → %s', (file, status, kind) => {
    const body = fixture(file);
    const res = fromCreateResponse(status, body, order);
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.error).toEqual({ kind, httpStatus: status, message: expect.stringContaining((JSON.parse(body) as { error: { code: string } }).error.code) });
  });

  it.each([
    [400, '{"error":{"code":"MERCHANT_NOT_REGISTERED","message":"x"}}', 'auth'],
    [402, '{"error":{"code":"INSUFFICIENT_FUNDS","message":"x"}}', 'declined'],
    [403, '', 'auth'],
    [404, '<html>not found</html>', 'invalid'],
    [429, '{"error":{"code":"RATE_LIMITED","message":"slow down"}}', 'unavailable'],
    [500, 'oops', 'unavailable'],
    [502, '{"error":{"code":"METADATA_UNAVAILABLE","message":"x"}}', 'unavailable'],
    [302, '', 'protocol'],
    [200, 'not json{', 'protocol'],
    [200, '[]', 'protocol'],
    [200, '{}', 'protocol'],
    [200, '{"redirect_url":"javascript:alert(1)"}', 'protocol'],
    [200, '{"redirect_url":"/checkout/relative"}', 'protocol'],
  ] as const)('HTTP %i %s → %s', (status, body, kind) => {
    const res = fromCreateResponse(status, body, order);
    expect(!res.ok && res.error.kind).toBe(kind);
  });

  it('keeps signatures an MG echoes out of the message, and keeps it printable and short', () => {
    const sig = 'ab'.repeat(65);
    const body = JSON.stringify({ error: { code: 'INVALID_SIGNATURE', message: `bad signature ${sig} / ${'CD'.repeat(40)}\n${'x'.repeat(500)}` } });
    const res = fromCreateResponse(401, body, order, [sig]);
    if (res.ok) throw new Error('expected a failure');
    expect(res.error.message).not.toContain(sig.slice(0, 64));
    expect(res.error.message).not.toContain('CDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCD');
    expect(res.error.message).not.toMatch(/[\n\r]/);
    expect(res.error.message.length).toBeLessThan(300);
  });
});

describe('opencharge adapter against the fake MG', () => {
  let fake: OpenchargeFake;
  let otherMg: OpenchargeFake;
  let receiver: { url: string; hits: Array<{ target: string; headers: Record<string, string>; body: string }>; close(): Promise<void> };

  beforeAll(async () => {
    fake = await startOpenchargeFake();
    otherMg = await startOpenchargeFake({ mgOcid: 101 });
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await fake.close();
    await otherMg.close();
    await receiver.close();
  });

  it('answers errors with exactly the fixture bodies and statuses', () => {
    const files: Record<keyof typeof ERRORS, [string, string]> = {
      MERCHANT_NOT_REGISTERED: ['merchant-not-registered-401.json', 'MERCHANT_NOT_REGISTERED'],
      REQUEST_SIGNATURE: ['invalid-signature-401.json', 'INVALID_SIGNATURE'],
      TIMESTAMP_EXPIRED: ['timestamp-expired-401.json', 'TIMESTAMP_EXPIRED'],
      NONCE_REUSED: ['nonce-reused-401.json', 'NONCE_REUSED'],
      ORDER_SIGNATURE: ['invalid-signature-400.json', 'INVALID_SIGNATURE'],
      ORDER_EXPIRED: ['order-expired-400.json', 'ORDER_EXPIRED'],
      SETTLEMENT_NOT_SUPPORTED: ['settlement-not-supported-400.json', 'SETTLEMENT_NOT_SUPPORTED'],
    };
    for (const [which, [status, message]] of Object.entries(ERRORS) as Array<[keyof typeof ERRORS, readonly [number, string]]>) {
      const [file, code] = files[which];
      expect(file).toContain(`-${status}.json`);
      expect(json(file)).toEqual({ error: { code, message } });
    }
  });

  it('creates a checkout, answers with the hosted page, and signs its answer (§3.7)', async () => {
    const gw = gatewayFor(fake.env);
    const order = orderWith({});
    const res = await gw.createCharge(input(order));
    if (!res.ok) throw new Error(res.error.message);
    expect(res.value).toMatchObject({ reference: order.id, status: 'pending', gatewayStatus: 'checkout_created' });
    expect(res.value.paymentUrl).toMatch(new RegExp(`^${fake.baseUrl}/checkout/cs_[0-9a-f]{24}$`));
    expect((await fetch(res.value.paymentUrl)).status).toBe(200);
    const last = fake.requests.filter((r) => r.method === 'POST').at(-1)!;
    expect(last.target).toBe('/opencharge/orders/checkout');
    expect(JSON.parse(last.body)).toEqual({ order: order.signed, signature: order.signature, urls: order.urls });

    // Replaying those exact bytes is refused: the fake tracks nonces.
    const replay = await fetch(fake.baseUrl + '/orders/checkout', { method: 'POST', headers: last.headers, body: last.body });
    expect(replay.status).toBe(401);
    const replayBody = await replay.text();
    expect(JSON.parse(replayBody)).toEqual(json('nonce-reused-401.json'));
    const rh = { ocid: replay.headers.get('x-oc-id')!, timestamp: replay.headers.get('x-oc-timestamp')!, status: 401, body: replayBody };
    expect(verifyCanonical(nobleBackend, MG_PUB, canonicalResponse(rh), replay.headers.get('x-oc-signature')).valid).toBe(true);
  });

  it('returns the same checkout when the same signed order is retried', async () => {
    const gw = gatewayFor(fake.env);
    const order = orderWith({});
    const a = await gw.createCharge(input(order));
    const b = await gw.createCharge(input(order));
    expect(a.ok && b.ok && a.value.paymentUrl === b.value.paymentUrl).toBe(true);
  });

  it('declines without sending anything when the order does not accept this MG', async () => {
    const before = fake.requests.length;
    const res = await gatewayFor(fake.env).createCharge(input(orderWith({ accepts: [101, 102] })));
    expect(!res.ok && res.error.kind).toBe('declined');
    expect(fake.requests.length).toBe(before);
  });

  it.each([
    ['an expired order', () => orderWith({ expiresAt: NOW - 1 }), {}, 'declined', 'ORDER_EXPIRED', 400],
    ['a forged order signature', () => ({ ...orderWith({}), signature: orderWith({}).signature }), {}, 'invalid', 'INVALID_SIGNATURE', 400],
    ['an order signed by another key', () => orderWith({}, { key: '44'.repeat(32) }), {}, 'invalid', 'INVALID_SIGNATURE', 400],
    ['a stale request timestamp', () => orderWith({}), { signer: liveSigner({ now: NOW - 301 }) }, 'auth', 'TIMESTAMP_EXPIRED', 401],
    ['a request signed by another key', () => orderWith({}), { signer: liveSigner({ key: '44'.repeat(32) }) }, 'auth', 'INVALID_SIGNATURE', 401],
    ['an unregistered merchant', () => orderWith({ ocid: 501 }), { signer: liveSigner({ ocid: 501 }) }, 'auth', 'MERCHANT_NOT_REGISTERED', 401],
  ] as const)('maps the fake MG refusing %s', async (_label, makeOrder, deps, kind, code, status) => {
    const res = await gatewayFor(fake.env, deps).createCharge(input(makeOrder()));
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.error).toMatchObject({ kind, httpStatus: status });
    expect(res.error.message).toContain(code);
  });

  it('maps SETTLEMENT_NOT_SUPPORTED from an MG whose real OCID is not in accepts', async () => {
    // Configured as 100 (so the order passes our own check), the server is really OCID 101.
    const res = await gatewayFor({ OC_MG_OCID: '100', OC_MG_ENDPOINT: otherMg.baseUrl }).createCharge(input(orderWith({})));
    expect(!res.ok && res.error).toMatchObject({ kind: 'declined', httpStatus: 400 });
    expect(!res.ok && res.error.message).toContain('SETTLEMENT_NOT_SUPPORTED');
  });

  it('refuses unsigned and unreadable requests the documented way', async () => {
    const unsigned = await fetch(fake.baseUrl + '/orders/checkout', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(unsigned.status).toBe(401);
    expect(await unsigned.json()).toEqual(json('invalid-signature-401.json'));
    const body = 'not json{';
    const bad = await fetch(fake.baseUrl + '/orders/checkout', { method: 'POST', headers: { ...liveSigner().sign('POST', '/opencharge/orders/checkout', body) }, body });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('INVALID_REQUEST');
    const noAmount = orderWith({});
    delete noAmount.signed.amount;
    const raw = JSON.stringify({ order: noAmount.signed, signature: noAmount.signature, urls: noAmount.urls });
    const missing = await fetch(fake.baseUrl + '/orders/checkout', { method: 'POST', headers: { ...liveSigner().sign('POST', '/opencharge/orders/checkout', raw) }, body: raw });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toContain('order.amount');
  });

  it('has no status lookup: fetchCharge is not_found and sends nothing', async () => {
    const before = fake.requests.length;
    const res = await gatewayFor(fake.env).fetchCharge('ord_anything');
    expect(!res.ok && res.error.kind).toBe('not_found');
    expect(!res.ok && res.error.message).toMatch(/transfer proofs/);
    expect(fake.requests.length).toBe(before);
  });

  it.each([
    ['paid', '12.50'],
    ['overpaid', '12.51'],
    ['underpaid', '12.49'],
  ] as const)('pays %s through a signed proof POSTed to the order URL’s /transfer/webhook', async (outcome, amount) => {
    const gw = gatewayFor(fake.env);
    const order = orderWith({}, { urlBase: receiver.url });
    const created = await gw.createCharge(input(order));
    if (!created.ok) throw new Error(created.error.message);
    fake.settle(order.id, outcome);
    expect(fake.webhookUrlFor(order.id)).toBe(`${receiver.url}/opencharge/transfer/webhook`);
    const res = await fake.sendCallback(order.id);
    expect(res.status).toBe(200);
    const hit = receiver.hits.at(-1)!;
    expect(hit.target).toBe('/opencharge/transfer/webhook');
    const h = parseAuthHeaders((n) => hit.headers[n]);
    if (!h.ok) throw new Error(h.reason);
    expect(h.headers.ocid).toBe('100');
    const canonical = canonicalRequest({ ...h.headers, method: 'POST', path: hit.target, body: hit.body });
    expect(verifyCanonical(nobleBackend, MG_PUB, canonical, h.headers.signature).valid).toBe(true);
    const { proof, signature } = JSON.parse(hit.body) as { proof: TransferProof; signature: string };
    expect(proof).toMatchObject({ issuer: 100, to: { ocid: 500, reference: order.id }, amount, currency: 'USD', timestamp: NOW });
    const raw = proof as unknown as Record<string, unknown>;
    expect(verifyCanonical(nobleBackend, MG_PUB, canonicalProof(raw, 'A'), signature).valid).toBe(true);
    // The proof is for /transfer/webhook; the gateway's own callback route refuses it.
    expect(gw.parseCallback(fake.callback(order.id))).toEqual({ ok: false, reason: NO_CALLBACKS });
  });

  it('has no proof to send for an unpaid, expired or cancelled checkout', async () => {
    const order = orderWith({});
    expect((await gatewayFor(fake.env).createCharge(input(order))).ok).toBe(true);
    expect(() => fake.callback(order.id)).toThrow(/pending/);
    fake.settle(order.id, 'expired');
    expect(() => fake.callback(order.id)).toThrow(/expired/);
    fake.settle(order.id, 'cancelled');
    expect(() => fake.callback(order.id)).toThrow(/cancelled/);
  });
});

describe('opencharge callbacks (the MG has none: every path is refused)', () => {
  let fake: OpenchargeFake;
  let gw: Gateway;
  let real: ReturnType<OpenchargeFake['callback']>;
  beforeAll(async () => {
    fake = await startOpenchargeFake();
    gw = gatewayFor(fake.env);
    const order = orderWith({});
    expect((await gw.createCharge(input(order))).ok).toBe(true);
    fake.settle(order.id, 'paid');
    real = fake.callback(order.id);
  });
  afterAll(async () => fake.close());

  const refused = (req: Parameters<Gateway['parseCallback']>[0]) => expect(gw.parseCallback(req)).toEqual({ ok: false, reason: NO_CALLBACKS });

  it('declares no callback auth and names /transfer/webhook as where payments arrive', () => {
    expect(gw.callbackAuth).toBe('none');
    expect(NO_CALLBACKS).toContain('/transfer/webhook');
  });
  it('refuses a genuine MG proof (it belongs on /transfer/webhook)', () => refused(real));
  it('refuses a bad signature', () => refused({ ...real, headers: { ...real.headers, 'x-oc-signature': '00'.repeat(65) } }));
  it('refuses missing fields', () => refused({ ...real, body: '{}' }));
  it('refuses an unknown shape', () => {
    refused({ method: 'POST', target: '/x', headers: {}, body: 'not json{' });
    refused({ method: 'POST', target: '/x', headers: {}, body: '[1,2]' });
  });
  it('refuses the documented ITN body (§2.6) sent to the wrong route', () =>
    refused({ method: 'POST', target: '/opencharge/callbacks/opencharge', headers: { 'content-type': 'application/json' }, body: fixture('transfer-webhook-doc.json') }));
  it('refuses a wrong method', () => refused({ ...real, method: 'GET', body: '' }));
  it('never throws on odd input', () => {
    refused({ method: '', target: '', headers: {}, body: '' });
    refused(undefined as never);
  });
  it('replies what a proof sender expects (§2.6)', () => {
    expect(gw.callbackReply()).toEqual({ status: 200, contentType: 'application/json', body: '{"status":"accepted"}' });
  });
});

describe('opencharge redaction', () => {
  it('no key or signature reaches a log line, an error message or the serialised gateway', async () => {
    const fake = await startOpenchargeFake();
    try {
      const log = createMemoryLogger('debug');
      const deps = { ...contractDeps(log) };
      const good = openchargeGateway.create(configOf(fake.env), deps);
      const bad = openchargeGateway.create(configOf(fake.badEnv), deps);
      // An MG that echoes our request signature in its error message.
      let echoed = '';
      const echo = openchargeGateway.create(configOf(fake.env), {
        ...deps,
        fetch: async (_url, init) => {
          echoed = new Headers(init?.headers).get('x-oc-signature') ?? '';
          return new Response(JSON.stringify({ error: { code: 'INVALID_SIGNATURE', message: `signature ${echoed} does not verify` } }), { status: 401 });
        },
      });

      const order = orderWith({});
      const created = await good.createCharge(input(order));
      expect(created.ok).toBe(true);
      const refused = await bad.createCharge(input(orderWith({})));
      expect(!refused.ok && refused.error.kind).toBe('auth');
      const echoedRes = await echo.createCharge(input(orderWith({})));
      expect(!echoedRes.ok && echoedRes.error.kind).toBe('auth');
      fake.settle(order.id, 'paid');
      const verdict = good.parseCallback(fake.callback(order.id));
      expect(verdict.ok).toBe(false);

      const secrets = [...fake.secrets, echoed, order.signature, MERCHANT_KEY_HEX];
      expect(secrets.length).toBeGreaterThan(4);
      const texts = [
        ...log.lines,
        !refused.ok ? refused.error.message : '',
        !echoedRes.ok ? echoedRes.error.message : '',
        !verdict.ok ? verdict.reason : '',
        JSON.stringify(good),
        JSON.stringify(bad),
        inspect(openchargeGateway.fromEnv(fake.env)),
        JSON.stringify(openchargeGateway.fromEnv(fake.env)),
      ];
      expect(log.lines.some((l) => l.includes('checkout created'))).toBe(true);
      expect(log.lines.some((l) => l.includes('MERCHANT_NOT_REGISTERED'))).toBe(true);
      for (const text of texts) for (const secret of secrets) expect(text).not.toContain(secret);
      expect(JSON.parse(JSON.stringify(good))).toEqual({ id: 'opencharge', mgOcid: 100, endpoint: fake.baseUrl, callbackAuth: 'none' });
    } finally {
      await fake.close();
    }
  });
});

describe('opencharge fromEnv', () => {
  const from = openchargeGateway.fromEnv;

  it('lists its settings', () => {
    expect(openchargeGateway.settings).toEqual(['OC_MG_OCID', 'OC_MG_ENDPOINT']);
  });

  it('is disabled when both settings are absent or blank', () => {
    expect(from({})).toBeUndefined();
    expect(from({ OC_MG_OCID: '', OC_MG_ENDPOINT: '  ' })).toBeUndefined();
  });

  it('uses OC_MG_ENDPOINT as the base URL (trailing slash dropped, base path kept)', () => {
    expect(from({ OC_MG_OCID: '100', OC_MG_ENDPOINT: 'https://mg.example/opencharge/' })).toEqual({ ocid: 100, endpoint: 'https://mg.example/opencharge' });
    expect(from({ OC_MG_OCID: ' 7 ', OC_MG_ENDPOINT: 'http://127.0.0.1:4100/oc' })).toEqual({ ocid: 7, endpoint: 'http://127.0.0.1:4100/oc' });
    expect(from({ OC_MG_OCID: '7', OC_MG_ENDPOINT: 'http://localhost:4100' })).toEqual({ ocid: 7, endpoint: 'http://localhost:4100' });
  });

  it('has no default endpoint: every MG has its own, so OC_MG_OCID alone is a start-up error naming OC_MG_ENDPOINT', () => {
    expect(() => from({ OC_MG_OCID: '100' })).toThrow(/^OC_MG_ENDPOINT /);
  });

  it('requires OC_MG_OCID with OC_MG_ENDPOINT', () => {
    expect(() => from({ OC_MG_ENDPOINT: 'https://mg.example/opencharge' })).toThrow(/^OC_MG_OCID /);
  });

  it.each(['abc', '0', '-5', '1.5', '1e3', '0x10', '99999999999999999'])('OC_MG_OCID=%s throws naming OC_MG_OCID', (value) => {
    expect(() => from({ OC_MG_OCID: value, OC_MG_ENDPOINT: 'https://mg.example/opencharge' })).toThrow(/^OC_MG_OCID /);
  });

  it.each([
    'not a url',
    'ftp://mg.example/opencharge',
    'http://mg.example/opencharge',
    'https://user:hunter2secret@mg.example/opencharge',
    'https://mg.example/opencharge?tenant=1',
    'https://mg.example/opencharge#x',
  ])('OC_MG_ENDPOINT=%s throws naming OC_MG_ENDPOINT without echoing it', (value) => {
    let message = '';
    try {
      from({ OC_MG_OCID: '100', OC_MG_ENDPOINT: value });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^OC_MG_ENDPOINT /);
    expect(message).not.toContain('hunter2secret');
  });
});

describe('opencharge end to end with the merchant server', () => {
  let h: Harness;
  let fake: OpenchargeFake;
  beforeAll(async () => {
    h = await makeHarness();
    fake = await startOpenchargeFake({ now: () => h.clock.now, merchants: [{ ocid: 500, publicKey: MERCHANT.pub }] });
  });
  afterAll(async () => {
    await fake.close();
    await h.close();
  });

  it('our signed order is accepted by the MG, and its proof marks the order paid on /transfer/webhook', async () => {
    const created = await h.signed('POST', '/opencharge/orders/create', JSON.stringify({ amount: '15.00', currency: 'USD' }));
    expect(created.status).toBe(200);
    const { order, signature, urls } = (await created.json()) as { order: Record<string, unknown>; signature: string; urls: ChargeOrder['urls'] };
    const chargeOrder: ChargeOrder = {
      id: String(order.id), amount: String(order.amount), currency: String(order.currency),
      createdAt: Number(order.createdAt), expiresAt: Number(order.expiresAt), signed: order, signature, urls,
    };
    const signer = createSigner({ ocid: 500, privateKey: MERCHANT.priv, backend: nobleBackend, now: () => h.clock.now, randomBytes: (n) => new Uint8Array(randomBytes(n)) });
    const gw = openchargeGateway.create(configOf(fake.env), { ...contractDeps(), now: () => h.clock.now, signer });
    const charge = await gw.createCharge(input(chargeOrder));
    if (!charge.ok) throw new Error(charge.error.message);
    expect(charge.value.reference).toBe(order.id);

    fake.settle(charge.value.reference, 'paid');
    const cb = fake.callback(charge.value.reference);
    expect(cb.target).toBe('/opencharge/transfer/webhook');
    const res = await h.app.request(cb.target, { method: cb.method, headers: cb.headers, body: cb.body });
    const answer = (await res.json()) as { status: string; txid: string };
    expect(res.status).toBe(200);
    expect(answer.status).toBe('accepted');
    expect((await h.store.getOrder(String(order.id)))?.status).toBe('paid');
    expect(h.clock.now).toBe(T0);
  });
});

/** A tiny HTTP receiver standing in for the merchant's /transfer/webhook. */
async function startReceiver() {
  const hits: Array<{ target: string; headers: Record<string, string>; body: string }> = [];
  const app = new Hono();
  app.post('*', async (c) => {
    const headers: Record<string, string> = {};
    c.req.raw.headers.forEach((v, k) => (headers[k] = v));
    const url = new URL(c.req.url);
    const body = await c.req.text();
    hits.push({ target: url.pathname + url.search, headers, body });
    const proof = (JSON.parse(body) as { proof: { txid: string } }).proof;
    return c.json({ status: 'accepted', txid: proof.txid });
  });
  const { origin, close } = await serveFetch(app.fetch);
  return { url: origin, hits, close };
}

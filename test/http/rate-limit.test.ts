// Issue 11 finding 3 / PROFILE §7: per-caller and per-address limits answer 429 RATE_LIMITED with Retry-After;
// wrong admin tokens and console logins are held to 10 failures/min per address.
import { afterEach, describe, expect, it } from 'vitest';
import { CALLER_OCID, ISSUER, ISSUER_OCID, MERCHANT, STRANGER, makeHarness, type Harness, type HarnessOptions } from '../helpers/harness.ts';
import { verifyResponseSignature } from '../../src/client/verify-response.ts';
import { parsePublicKey } from '../../src/protocol/keys.ts';
import { nobleBackend } from '../../src/protocol/noble.ts';

const CAPS = '/opencharge/capabilities';
const CREATE = '/opencharge/orders/create';
const TOKEN = 'admin-token-0123456789abcdef';
const merchantKey = (parsePublicKey(MERCHANT.pub) as { ok: true; key: Uint8Array }).key;
/** 1/s with a burst of 20: a 20 s window, so a slow machine cannot refill the bucket in the middle of a test. */
const SLOW = '1/20';
const BURST = 20;

let open: Harness[] = [];
afterEach(async () => {
  await Promise.all(open.map((h) => h.close()));
  open = [];
});

/** The peer address comes from a test header: app.request() has no socket. */
const fromHeader = (req: Request) => req.headers.get('x-test-peer') ?? undefined;

async function harness(env: Record<string, string>, o: HarnessOptions = {}) {
  const h = await makeHarness({ env, socketAddress: fromHeader, ...o });
  open.push(h);
  return h;
}

const peer = (address: string, init: RequestInit = {}): RequestInit => ({ ...init, headers: { ...(init.headers as Record<string, string>), 'x-test-peer': address } });

async function expectLimited(res: Response) {
  const text = await res.text();
  expect(res.status, text).toBe(429);
  const retryAfter = res.headers.get('retry-after');
  expect(retryAfter).toMatch(/^[1-9]\d*$/);
  const body = JSON.parse(text) as { error: { code: string; message: string; details: { retryAfter: number } } };
  expect(body.error.code).toBe('RATE_LIMITED');
  expect(body.error.details.retryAfter).toBe(Number(retryAfter));
  expect(body.error.message).toMatch(new RegExp(`retry in ${retryAfter} s$`));
  return { text, body };
}

describe('per caller OCID (OC_RATE_LIMIT), after authentication', () => {
  it('the request over the burst answers 429 RATE_LIMITED with Retry-After, signed like every answer of a signed endpoint', async () => {
    const h = await harness({ OC_RATE_LIMIT: SLOW, OC_RATE_LIMIT_IP: '0' });
    for (let i = 0; i < BURST; i++) expect((await h.signed('GET', CAPS)).status).toBe(200);
    const res = await h.signed('GET', CAPS);
    const { text, body } = await expectLimited(res);
    expect(body.error.message).toMatch(/^too many requests from OCID 200: retry in \d+ s$/);
    expect(verifyResponseSignature(nobleBackend, merchantKey, res.status, res.headers, text)).toEqual({ valid: true });
    // Every signed endpoint shares the caller's budget.
    await expectLimited(await h.signed('POST', CREATE, JSON.stringify({ amount: '1.00', currency: 'USD' })));
  });

  it('another caller keeps its own budget', async () => {
    const h = await harness({ OC_RATE_LIMIT: SLOW, OC_RATE_LIMIT_IP: '0' });
    for (let i = 0; i < BURST; i++) expect((await h.signed('GET', CAPS)).status).toBe(200);
    await expectLimited(await h.signed('GET', CAPS));
    expect((await h.signed('GET', CAPS, '', { ocid: ISSUER_OCID, key: ISSUER.priv })).status).toBe(200);
  });

  it('forged requests in a caller’s name do not spend its budget (401, counted nowhere)', async () => {
    const h = await harness({ OC_RATE_LIMIT: '1/2', OC_RATE_LIMIT_IP: '0' });
    for (let i = 0; i < 5; i++) expect((await h.signed('GET', CAPS, '', { ocid: ISSUER_OCID, key: STRANGER.priv })).status).toBe(401);
    expect((await h.signed('GET', CAPS, '', { ocid: ISSUER_OCID, key: ISSUER.priv })).status).toBe(200);
  });

  it('a limited request leaves its nonce unused, so it may be retried as it is', async () => {
    const h = await harness({ OC_RATE_LIMIT: SLOW, OC_RATE_LIMIT_IP: '0' });
    for (let i = 0; i < BURST; i++) expect((await h.signed('GET', CAPS)).status).toBe(200);
    await expectLimited(await h.signed('GET', CAPS, '', { nonce: 'retry-me' }));
    expect(await h.store.insertNonce({ ocid: CALLER_OCID, nonce: 'retry-me', expiresAt: h.clock.now + 600 })).toBe(true);
  });
});

describe('per client address (OC_RATE_LIMIT_IP), before anything else', () => {
  it('public routes: the request over the burst answers 429 in the envelope with Retry-After; other addresses are not affected', async () => {
    const h = await harness({ OC_RATE_LIMIT: '0', OC_RATE_LIMIT_IP: SLOW });
    for (let i = 0; i < BURST; i++) expect((await h.app.request('/opencharge/metadata.json', peer('203.0.113.7'))).status).toBe(200);
    const { body } = await expectLimited(await h.app.request('/opencharge/orders/x/status', peer('203.0.113.7')));
    expect(body.error.message).toMatch(/^too many requests from this address/);
    expect((await h.app.request('/opencharge/metadata.json', peer('203.0.113.8'))).status).toBe(200);
  });

  it('signed routes: the 429 comes before the signature check and is signed', async () => {
    const h = await harness({ OC_RATE_LIMIT: '0', OC_RATE_LIMIT_IP: SLOW });
    for (let i = 0; i < BURST; i++) expect((await h.app.request(CAPS, peer('203.0.113.7'))).status).toBe(401);
    const res = await h.app.request(CAPS, peer('203.0.113.7'));
    const { text } = await expectLimited(res);
    expect(verifyResponseSignature(nobleBackend, merchantKey, res.status, res.headers, text)).toEqual({ valid: true });
  });

  it('an IPv6 /64 is one address; an IPv4-mapped peer is its IPv4 address', async () => {
    const h = await harness({ OC_RATE_LIMIT: '0', OC_RATE_LIMIT_IP: SLOW });
    const meta = (address: string) => h.app.request('/opencharge/metadata.json', peer(address));
    for (let i = 0; i < BURST; i++) expect((await meta(`2001:db8:1:2::${(i + 1).toString(16)}`)).status).toBe(200);
    await expectLimited(await meta('2001:db8:1:2:ffff::42'));
    expect((await meta('2001:db8:1:3::1')).status).toBe(200);
    for (let i = 0; i < BURST; i++) expect((await meta(i % 2 ? '198.51.100.1' : '::ffff:198.51.100.1')).status).toBe(200);
    await expectLimited(await meta('198.51.100.1'));
  });

  it('X-Forwarded-For is ignored unless the peer is in OC_TRUSTED_PROXIES', async () => {
    const h = await harness({ OC_RATE_LIMIT: '0', OC_RATE_LIMIT_IP: SLOW, OC_TRUSTED_PROXIES: '10.0.0.0/8' });
    const meta = (p: string, xff: string) => h.app.request('/opencharge/metadata.json', peer(p, { headers: { 'x-forwarded-for': xff } }));
    // A direct client cannot pick a fresh bucket by writing the header.
    for (let i = 0; i < BURST; i++) expect((await meta('203.0.113.7', `1.1.1.${i}`)).status).toBe(200);
    await expectLimited(await meta('203.0.113.7', '2.2.2.2'));
    // Behind a trusted proxy, the client named by the proxy is counted, whichever proxy relays it.
    for (let i = 0; i < BURST; i++) expect((await meta(`10.0.0.${i + 1}`, '198.51.100.20')).status).toBe(200);
    await expectLimited(await meta('10.9.9.9', '198.51.100.20'));
    expect((await meta('10.0.0.1', '198.51.100.21')).status).toBe(200);
  });

  it('health probes are not limited', async () => {
    const h = await harness({ OC_RATE_LIMIT: '0', OC_RATE_LIMIT_IP: '1/1' });
    for (let i = 0; i < 5; i++) expect((await h.app.request('/healthz', peer('203.0.113.7'))).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await h.app.request('/readyz', peer('203.0.113.7'))).status).toBe(200);
  });
});

describe('0 turns a limit off', () => {
  it('OC_RATE_LIMIT_IP=0: more than the default burst (1,000) from one address all pass', async () => {
    const h = await harness({ OC_RATE_LIMIT: '0', OC_RATE_LIMIT_IP: '0' });
    const statuses = new Set<number>();
    for (let i = 0; i < 1100; i++) statuses.add((await h.app.request('/opencharge/metadata.json', peer('203.0.113.7'))).status);
    expect([...statuses]).toEqual([200]);
  });

  it('OC_RATE_LIMIT=0 means no limit, not "no requests": 20 signed requests where 1/1 would refuse the second', async () => {
    const h = await harness({ OC_RATE_LIMIT: '0', OC_RATE_LIMIT_IP: '0' });
    const statuses = new Set<number>();
    for (let i = 0; i < 20; i++) statuses.add((await h.signed('GET', CAPS)).status);
    expect([...statuses]).toEqual([200]);
  });

  it('with the defaults the same traffic is limited (the comparison that makes the test above mean something)', async () => {
    const h = await harness({});
    const statuses: number[] = [];
    for (let i = 0; i < 1100; i++) statuses.push((await h.app.request('/opencharge/metadata.json', peer('203.0.113.7'))).status);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1000);
    expect(statuses).toContain(429);
  });
});

describe('failed admin logins: 10 per minute per address', () => {
  const admin = (h: Harness, address: string, token: string) => h.app.request('/admin/orders', peer(address, { headers: { authorization: `Bearer ${token}` } }));
  const login = (h: Harness, address: string, token: string, accept = 'text/html') =>
    h.app.request('/console/login', peer(address, { method: 'POST', body: new URLSearchParams({ token }), headers: { accept, 'content-type': 'application/x-www-form-urlencoded' } }));

  it('admin API: after 10 wrong tokens even the right one answers 429 RATE_LIMITED with Retry-After; other addresses still get in', async () => {
    const h = await harness({ OC_ADMIN_TOKEN: TOKEN });
    for (let i = 0; i < 10; i++) expect((await admin(h, '203.0.113.7', `wrong-token-${i}-0123456789`)).status).toBe(401);
    const { body } = await expectLimited(await admin(h, '203.0.113.7', TOKEN));
    expect(body.error.message).toMatch(/^too many failed admin logins from this address: retry in (59|60) s$/);
    expect((await admin(h, '203.0.113.8', TOKEN)).status).toBe(200);
  });

  it('a flood of 200 wrong tokens gets 10 comparisons and 190 × 429', async () => {
    const h = await harness({ OC_ADMIN_TOKEN: TOKEN });
    const statuses: number[] = [];
    for (let i = 0; i < 200; i++) statuses.push((await admin(h, '203.0.113.7', `guess-${i}-0123456789abcdef`)).status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(190);
  });

  it('a request without a token guesses nothing and is not counted', async () => {
    const h = await harness({ OC_ADMIN_TOKEN: TOKEN });
    for (let i = 0; i < 15; i++) expect((await h.app.request('/admin/orders', peer('203.0.113.7'))).status).toBe(401);
    expect((await admin(h, '203.0.113.7', TOKEN)).status).toBe(200);
  });

  it('console login: after 10 wrong tokens the right one is refused with 429, Retry-After and a page saying why', async () => {
    const h = await harness({ OC_ADMIN_TOKEN: TOKEN });
    for (let i = 0; i < 10; i++) expect((await login(h, '203.0.113.7', `wrong-${i}`)).status).toBe(401);
    const res = await login(h, '203.0.113.7', TOKEN);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toMatch(/^(59|60)$/);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(await res.text()).toMatch(/Too many failed logins from this address: try again in (59|60) seconds\./);
    await expectLimited(await login(h, '203.0.113.7', TOKEN, 'application/json'));
    expect((await login(h, '203.0.113.8', TOKEN)).status).toBe(303);
  });

  it('the admin API and the console login share one count per address', async () => {
    const h = await harness({ OC_ADMIN_TOKEN: TOKEN });
    for (let i = 0; i < 5; i++) expect((await admin(h, '203.0.113.7', `wrong-token-${i}-0123456789`)).status).toBe(401);
    for (let i = 0; i < 5; i++) expect((await login(h, '203.0.113.7', `wrong-${i}`)).status).toBe(401);
    await expectLimited(await admin(h, '203.0.113.7', TOKEN));
    expect((await login(h, '203.0.113.7', TOKEN)).status).toBe(429);
  });
});

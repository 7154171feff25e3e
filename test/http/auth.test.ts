// PROFILE §2: every authentication rejection path, in check order, with its own test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MERCHANT, STRANGER, makeHarness, type Harness } from '../helpers/harness.ts';
import { expectError } from '../helpers/expect-error.ts';
import { canonicalRequest, canonicalRequestView, canonicalResponse } from '../../src/protocol/canonical.ts';
import { sha256Hex } from '../../src/protocol/hex.ts';
import { serveFetch } from '../helpers/http-server.ts';
import { verifyCanonical } from '../../src/protocol/signature.ts';
import { parsePublicKey } from '../../src/protocol/keys.ts';
import { nobleBackend } from '../../src/protocol/noble.ts';

let h: Harness;
beforeAll(async () => {
  h = await makeHarness();
});
afterAll(async () => h.close());

const CAPS = '/opencharge/capabilities';

function without(headers: Record<string, string>, name: string) {
  const copy = { ...headers };
  delete copy[name];
  return copy;
}

describe('signed request authentication (PROFILE §2)', () => {
  it('accepts a correctly signed GET /capabilities and signs the response', async () => {
    const res = await h.signed('GET', CAPS);
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(JSON.parse(body)).toMatchObject({ ocid: 500, capabilities: expect.arrayContaining(['orders.create']) });
    const canonical = canonicalResponse({ ocid: res.headers.get('x-oc-id')!, timestamp: res.headers.get('x-oc-timestamp')!, status: 200, body });
    const key = parsePublicKey(MERCHANT.pub);
    expect(key.ok && verifyCanonical(nobleBackend, key.key, canonical, res.headers.get('x-oc-signature')).valid).toBe(true);
  });

  for (const header of ['X-OC-ID', 'X-OC-Timestamp', 'X-OC-Nonce', 'X-OC-Signature']) {
    it(`rejects a request missing ${header} with INVALID_SIGNATURE naming the header`, async () => {
      const headers = without(h.headersFor('GET', CAPS, ''), header);
      const err = await expectError(await h.app.request(CAPS, { headers }), 401, 'INVALID_SIGNATURE');
      expect(String(err.details?.reason)).toContain(header);
    });
  }

  it('rejects a non-numeric X-OC-ID', async () => {
    const headers = { ...h.headersFor('GET', CAPS, ''), 'X-OC-ID': 'abc' };
    const err = await expectError(await h.app.request(CAPS, { headers }), 401, 'INVALID_SIGNATURE');
    expect(String(err.details?.reason)).toContain('X-OC-ID');
  });

  it('rejects a zero X-OC-ID', async () => {
    const headers = { ...h.headersFor('GET', CAPS, ''), 'X-OC-ID': '0' };
    await expectError(await h.app.request(CAPS, { headers }), 401, 'INVALID_SIGNATURE');
  });

  it('rejects a timestamp that is not digits', async () => {
    const headers = { ...h.headersFor('GET', CAPS, ''), 'X-OC-Timestamp': '17e8' };
    const err = await expectError(await h.app.request(CAPS, { headers }), 401, 'INVALID_SIGNATURE');
    expect(String(err.details?.reason)).toContain('X-OC-Timestamp');
  });

  it('rejects a nonce with whitespace', async () => {
    const headers = { ...h.headersFor('GET', CAPS, ''), 'X-OC-Nonce': 'a b' };
    const err = await expectError(await h.app.request(CAPS, { headers }), 401, 'INVALID_SIGNATURE');
    expect(String(err.details?.reason)).toContain('X-OC-Nonce');
  });

  it('rejects a nonce longer than 128 characters', async () => {
    const headers = h.headersFor('GET', CAPS, '', { nonce: 'n'.repeat(129) });
    await expectError(await h.app.request(CAPS, { headers }), 401, 'INVALID_SIGNATURE');
  });

  it('rejects a signature of the wrong length', async () => {
    const headers = { ...h.headersFor('GET', CAPS, ''), 'X-OC-Signature': 'ab'.repeat(40) };
    const err = await expectError(await h.app.request(CAPS, { headers }), 401, 'INVALID_SIGNATURE');
    expect(String(err.details?.reason)).toContain('X-OC-Signature');
  });

  it('rejects a stale timestamp with TIMESTAMP_EXPIRED', async () => {
    await expectError(await h.signed('GET', CAPS, '', { timestamp: h.clock.now - 301 }), 401, 'TIMESTAMP_EXPIRED');
  });

  it('rejects a future timestamp with TIMESTAMP_EXPIRED', async () => {
    await expectError(await h.signed('GET', CAPS, '', { timestamp: h.clock.now + 301 }), 401, 'TIMESTAMP_EXPIRED');
  });

  it('accepts a timestamp exactly at the window edge', async () => {
    expect((await h.signed('GET', CAPS, '', { timestamp: h.clock.now - 300 })).status).toBe(200);
  });

  it('rejects an unknown OCID with UNKNOWN_OCID', async () => {
    await expectError(await h.signed('GET', CAPS, '', { ocid: 999, key: STRANGER.priv }), 401, 'UNKNOWN_OCID');
  });

  it('rejects a signature made with the wrong key', async () => {
    await expectError(await h.signed('GET', CAPS, '', { key: STRANGER.priv }), 401, 'INVALID_SIGNATURE');
  });

  it('rejects a body changed by one byte after signing', async () => {
    const path = '/opencharge/orders/create';
    const body = '{"amount":"10.00","currency":"USD"}';
    const headers = h.headersFor('POST', path, body);
    const res = await h.app.request(path, { method: 'POST', headers, body: body.replace('10.00', '11.00') });
    await expectError(res, 401, 'INVALID_SIGNATURE');
  });

  it('rejects a signature over a different path (query string is covered)', async () => {
    const headers = h.headersFor('GET', CAPS, '');
    await expectError(await h.app.request(CAPS + '?x=1', { headers }), 401, 'INVALID_SIGNATURE');
  });

  it('accepts a query string that was signed verbatim', async () => {
    const path = CAPS + '?b=2&a=1';
    expect((await h.app.request(path, { headers: h.headersFor('GET', path, '') })).status).toBe(200);
  });

  it('rejects the high-S twin of a valid signature', async () => {
    const headers = h.headersFor('GET', CAPS, '');
    const sig = headers['X-OC-Signature']!;
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const s = BigInt('0x' + sig.slice(64, 128));
    const twin = sig.slice(0, 64) + (n - s).toString(16).padStart(64, '0') + (sig.slice(128) === '1b' ? '1c' : '1b');
    const err = await expectError(await h.app.request(CAPS, { headers: { ...headers, 'X-OC-Signature': twin } }), 401, 'INVALID_SIGNATURE');
    expect(String(err.details?.reason)).toMatch(/high-S/);
  });

  it('rejects a replayed nonce with NONCE_REUSED', async () => {
    const headers = h.headersFor('GET', CAPS, '');
    expect((await h.app.request(CAPS, { headers })).status).toBe(200);
    await expectError(await h.app.request(CAPS, { headers }), 401, 'NONCE_REUSED');
  });

  it('keeps nonces per caller: the same nonce from the same caller twice is a replay even after signature checks', async () => {
    const nonce = 'shared-nonce-1';
    expect((await h.signed('GET', CAPS, '', { nonce })).status).toBe(200);
    await expectError(await h.signed('GET', CAPS, '', { nonce }), 401, 'NONCE_REUSED');
  });

  it('does not burn a nonce for a request whose signature fails', async () => {
    const nonce = 'not-burned-1';
    await expectError(await h.signed('GET', CAPS, '', { nonce, key: STRANGER.priv }), 401, 'INVALID_SIGNATURE');
    expect((await h.signed('GET', CAPS, '', { nonce })).status).toBe(200);
  });

  it('signs error responses of signed endpoints too', async () => {
    const res = await h.signed('GET', CAPS, '', { key: STRANGER.priv });
    expect(res.status).toBe(401);
    expect(res.headers.get('x-oc-signature')).toMatch(/^[0-9a-f]{130}$/);
    const body = await res.text();
    const key = parsePublicKey(MERCHANT.pub);
    const canonical = canonicalResponse({ ocid: '500', timestamp: res.headers.get('x-oc-timestamp')!, status: 401, body });
    expect(key.ok && verifyCanonical(nobleBackend, key.key, canonical, res.headers.get('x-oc-signature')).valid).toBe(true);
  });

  it('answers 50 parallel requests with one nonce with exactly one 200', async () => {
    const headers = h.headersFor('GET', CAPS, '', { nonce: 'race-nonce-1' });
    const results = await Promise.all(Array.from({ length: 50 }, () => h.app.request(CAPS, { headers })));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 401)).toHaveLength(49);
  });
});

/** PROFILE §2 step 4, finding 7: a signature mismatch answers with the canonical request the server built. */
describe('INVALID_SIGNATURE explains itself', () => {
  const CREATE = '/opencharge/orders/create';
  const BODY = '{"amount":"10.00","currency":"USD"}';

  /** Sends `sent` (path, body) signed over `signed` (path, body); returns the error and the canonical the client signed. */
  async function mismatch(signed: { path: string; body: string }, sent: { path: string; body: string }, method = 'POST') {
    const headers = h.headersFor(method, signed.path, signed.body);
    const res = await h.app.request(sent.path, { method, headers, body: method === 'GET' ? undefined : sent.body });
    const err = await expectError(res, 401, 'INVALID_SIGNATURE');
    const ours = { ocid: headers['X-OC-ID']!, timestamp: headers['X-OC-Timestamp']!, nonce: headers['X-OC-Nonce']!, method, ...signed };
    return { err, ours, received: { ...ours, ...sent } };
  }

  /** The details hold exactly the server's build of the received request, and nothing else. */
  function expectDetails(err: { details?: Record<string, unknown> }, received: Parameters<typeof canonicalRequest>[0]) {
    expect(Object.keys(err.details!).sort()).toEqual(['canonical', 'canonicalRequest', 'reason']);
    expect(err.details!.canonical).toBe(canonicalRequest(received));
    expect(err.details!.canonicalRequest).toEqual(canonicalRequestView(received));
    expect(err.details!.reason).toBe('signature does not match the key and message');
  }

  it('signing without the base path: details.canonicalRequest.path is the path as received, base path included', async () => {
    const { err, received } = await mismatch({ path: '/orders/create', body: BODY }, { path: CREATE, body: BODY });
    expectDetails(err, received);
    expect((err.details!.canonicalRequest as { path: string }).path).toBe(CREATE);
  });

  it('an unsigned query string: the received path keeps the query', async () => {
    const { err, received } = await mismatch({ path: CREATE, body: BODY }, { path: `${CREATE}?coupon=x`, body: BODY });
    expectDetails(err, received);
    expect((err.details!.canonicalRequest as { path: string }).path).toBe(`${CREATE}?coupon=x`);
  });

  it('%7e signed, %7E sent: the received escape is reported verbatim (over a real socket, raw request-target)', async () => {
    const server = await serveFetch((req, env) => h.app.fetch(req, env));
    try {
      const path = '/opencharge/capabilities?ref=a%7Eb';
      const headers = h.headersFor('GET', '/opencharge/capabilities?ref=a%7eb', '');
      const res = await fetch(server.origin + path, { headers });
      const err = await expectError(res, 401, 'INVALID_SIGNATURE');
      expect((err.details!.canonicalRequest as { path: string }).path).toBe(path);
      expect(err.details!.canonical).toContain('\nGET\n/opencharge/capabilities?ref=a%7Eb\n');
    } finally {
      await server.close();
    }
  });

  it('a trailing newline in the body: bodySha256 and bodyBytes are those of the bytes received', async () => {
    const { err, received } = await mismatch({ path: CREATE, body: BODY }, { path: CREATE, body: `${BODY}\n` });
    expectDetails(err, received);
    expect(err.details!.canonicalRequest).toMatchObject({ bodySha256: sha256Hex(`${BODY}\n`), bodyBytes: BODY.length + 1 });
  });

  it('the wrong key: the canonical request is exactly the one the client signed', async () => {
    const headers = h.headersFor('GET', CAPS, '', { key: STRANGER.priv });
    const err = await expectError(await h.app.request(CAPS, { headers }), 401, 'INVALID_SIGNATURE');
    const ours = { ocid: headers['X-OC-ID']!, timestamp: headers['X-OC-Timestamp']!, nonce: headers['X-OC-Nonce']!, method: 'GET', path: CAPS, body: '' };
    expectDetails(err, ours);
  });

  it('holds nothing the client did not send: no server key, no expected signature', async () => {
    const { err } = await mismatch({ path: '/orders/create', body: BODY }, { path: CREATE, body: BODY });
    const text = JSON.stringify(err);
    expect(text).not.toContain(MERCHANT.pub);
    expect(text.toLowerCase()).not.toMatch(/[0-9a-f]{128}/);
  });
});

// auth.*: every way a signed request can be wrong, each answered 401 with the right code (docs/profile.md §2).
import { expect, expectError, expectJson, isObject, skip } from '../assert.ts';
import { check, recommended, type Check } from '../check.ts';
import type { Kit } from '../context.ts';
import { highSTwin } from '../high-s.ts';

const CAPS = '/capabilities';
const HEADERS = ['X-OC-ID', 'X-OC-Timestamp', 'X-OC-Nonce', 'X-OC-Signature'] as const;
const FAR = 7200; // beyond any window PROFILE allows (OC_TIMESTAMP_WINDOW ≤ 3600)

const without = (h: Record<string, string>, name: string) => Object.fromEntries(Object.entries(h).filter(([k]) => k !== name));

/** A header replaced by `value`, everything else signed over the replaced value where that is possible. */
async function malformed(kit: Kit, header: (typeof HEADERS)[number], value: string) {
  const o = header === 'X-OC-ID' ? { ocid: value } : header === 'X-OC-Timestamp' ? { timestamp: value } : header === 'X-OC-Nonce' ? { nonce: value } : {};
  const headers = kit.signHeaders('GET', CAPS, '', o);
  if (header === 'X-OC-Signature') headers[header] = value;
  const err = expectError(await kit.client.send('GET', CAPS, { headers }), 401, 'INVALID_SIGNATURE');
  return err;
}

const missing = HEADERS.map((name) =>
  check(`auth.missing-header.${name.toLowerCase()}`, `a request without ${name} → 401 INVALID_SIGNATURE`, 'docs/profile.md §2 step 1; docs/opencharge.md §3.6', async (kit) => {
    expectError(await kit.client.send('GET', CAPS, { headers: without(kit.signHeaders('GET', CAPS, ''), name) }), 401, 'INVALID_SIGNATURE');
  }),
);

export const authChecks: Check[] = [
  check('auth.valid', 'a correctly signed GET /capabilities → 200', 'docs/profile.md §2; docs/opencharge.md §3.1-3.3', async (kit) => {
    expectJson(await kit.signed('GET', CAPS), 200);
  }),
  check('auth.query-signed', 'the query string is part of the signed path: a signed GET /capabilities?… → 200', 'docs/profile.md §2; docs/opencharge.md §3.2', async (kit) => {
    expectJson(await kit.signed('GET', `${CAPS}?conformance=${kit.hex(4)}`), 200);
  }),
  ...missing,
  recommended('auth.missing-header.reason', 'details.reason names the missing header', 'docs/profile.md §2 step 1', async (kit) => {
    for (const name of HEADERS) {
      const e = await kit.client.send('GET', CAPS, { headers: without(kit.signHeaders('GET', CAPS, ''), name) });
      const err = expectError(e, 401, 'INVALID_SIGNATURE');
      const reason = isObject(err.details) ? err.details.reason : undefined;
      expect(typeof reason === 'string' && reason.toLowerCase().includes(name.toLowerCase()), `details.reason should name ${name}, got ${JSON.stringify(reason)}`, e);
    }
  }),
  check('auth.unsigned.orders-create', 'POST /orders/create without X-OC-* headers → 401 INVALID_SIGNATURE', 'docs/profile.md §2 (signed endpoints)', async (kit) => {
    expectError(await kit.plain('POST', '/orders/create', JSON.stringify(await kit.facts.orderBody())), 401, 'INVALID_SIGNATURE');
  }),
  check('auth.unsigned.transfer-webhook', 'POST /transfer/webhook without X-OC-* headers → 401 INVALID_SIGNATURE', 'docs/profile.md §2 (signed endpoints); docs/opencharge.md §5.3 step 1', async (kit) => {
    expectError(await kit.plain('POST', '/transfer/webhook', '{"proof":{},"signature":""}'), 401, 'INVALID_SIGNATURE');
  }),
  check('auth.malformed.ocid', 'X-OC-ID that is not a positive integer ("abc", "0", "-5") → 401 INVALID_SIGNATURE', 'docs/profile.md §2 step 1', async (kit) => {
    for (const v of ['abc', '0', '-5']) await malformed(kit, 'X-OC-ID', v);
  }),
  check('auth.malformed.timestamp', 'X-OC-Timestamp that is not digits (seconds with a fraction, ISO date) → 401 INVALID_SIGNATURE', 'docs/profile.md §2 step 1', async (kit) => {
    const now = kit.now();
    for (const v of [`${now}.5`, new Date(now * 1000).toISOString()]) await malformed(kit, 'X-OC-Timestamp', v);
  }),
  check('auth.malformed.nonce', 'X-OC-Nonce with whitespace or longer than 128 characters → 401 INVALID_SIGNATURE', 'docs/profile.md §2 step 1; docs/opencharge.md §3.5', async (kit) => {
    for (const v of [`req ${kit.hex(8)}`, `req_${'n'.repeat(125)}`]) await malformed(kit, 'X-OC-Nonce', v);
  }),
  check('auth.malformed.signature', 'X-OC-Signature of the wrong length or not hex → 401 INVALID_SIGNATURE', 'docs/profile.md §1, §2 step 1', async (kit) => {
    for (const v of ['ab'.repeat(40), 'zz'.repeat(65), 'ab'.repeat(66)]) await malformed(kit, 'X-OC-Signature', v);
  }),
  check('auth.stale-timestamp', `a timestamp ${FAR} s in the past → 401 TIMESTAMP_EXPIRED`, 'docs/profile.md §2 step 2; docs/opencharge.md §3.5', async (kit) => {
    expectError(await kit.signed('GET', CAPS, '', { timestamp: kit.now() - FAR }), 401, 'TIMESTAMP_EXPIRED');
  }),
  check('auth.future-timestamp', `a timestamp ${FAR} s in the future → 401 TIMESTAMP_EXPIRED`, 'docs/profile.md §2 step 2; docs/opencharge.md §3.5', async (kit) => {
    expectError(await kit.signed('GET', CAPS, '', { timestamp: kit.now() + FAR }), 401, 'TIMESTAMP_EXPIRED');
  }),
  check('auth.unknown-ocid', 'a random unregistered OCID with a fresh key → 401 UNKNOWN_OCID', 'docs/profile.md §2 step 3; docs/opencharge.md §3.4', async (kit) => {
    const ocid = kit.randomOcid([kit.caller.ocid, ...(kit.issuer ? [kit.issuer.ocid] : [])]);
    expectError(await kit.signed('GET', CAPS, '', { ocid, key: kit.freshKey() }), 401, 'UNKNOWN_OCID');
  }),
  check('auth.wrong-key', 'the caller OCID signed with another key → 401 INVALID_SIGNATURE', 'docs/profile.md §2 step 4', async (kit) => {
    expectError(await kit.signed('GET', CAPS, '', { key: kit.freshKey() }), 401, 'INVALID_SIGNATURE');
  }),
  check('auth.body-changed', 'POST /orders/create whose body differs from the signed one by one byte → 401 INVALID_SIGNATURE', 'docs/profile.md §2 step 4; docs/opencharge.md §3.2', async (kit) => {
    const body = JSON.stringify(await kit.facts.orderBody({ memo: 'tamper-probe-A' }));
    const headers = kit.signHeaders('POST', '/orders/create', body);
    const sent = body.replace('tamper-probe-A', 'tamper-probe-B');
    expectError(await kit.client.send('POST', '/orders/create', { headers, body: sent }), 401, 'INVALID_SIGNATURE');
  }),
  check('auth.path-changed', 'a signature over /capabilities sent to /capabilities?… → 401 INVALID_SIGNATURE', 'docs/profile.md §2; docs/opencharge.md §3.2', async (kit) => {
    const headers = kit.signHeaders('GET', CAPS, '');
    expectError(await kit.client.send('GET', `${CAPS}?conformance=tampered`, { headers }), 401, 'INVALID_SIGNATURE');
  }),
  check('auth.high-s', 'the high-S twin of a valid signature → 401 INVALID_SIGNATURE', 'docs/profile.md §1, §2 step 4', async (kit) => {
    const headers = kit.signHeaders('GET', CAPS, '');
    headers['X-OC-Signature'] = highSTwin(headers['X-OC-Signature']!);
    expectError(await kit.client.send('GET', CAPS, { headers }), 401, 'INVALID_SIGNATURE');
  }),
  check('auth.replayed-nonce', 'the same signed GET /capabilities twice → 200, then 401 NONCE_REUSED', 'docs/profile.md §2 step 5; docs/opencharge.md §3.5', async (kit) => {
    const headers = kit.signHeaders('GET', CAPS, '');
    expectJson(await kit.client.send('GET', CAPS, { headers }), 200);
    expectError(await kit.client.send('GET', CAPS, { headers }), 401, 'NONCE_REUSED');
  }),
  check('auth.replayed-nonce.orders-create', 'the same signed POST /orders/create twice → 200, then 401 NONCE_REUSED (not an idempotent 200)', 'docs/profile.md §2 step 5, §3', async (kit) => {
    const body = JSON.stringify(await kit.facts.orderBody());
    const headers = kit.signHeaders('POST', '/orders/create', body);
    expectJson(await kit.client.send('POST', '/orders/create', { headers, body }), 200);
    expectError(await kit.client.send('POST', '/orders/create', { headers, body }), 401, 'NONCE_REUSED');
  }),
  check('auth.replayed-nonce.transfer-webhook', 'the same signed POST /transfer/webhook twice → 400 INVALID_PROOF, then 401 NONCE_REUSED', 'docs/profile.md §2 step 5; docs/opencharge.md §5.3 step 1', async (kit) => {
    const body = '{"proof":{"conformance":true},"signature":""}';
    const headers = kit.signHeaders('POST', '/transfer/webhook', body);
    expectError(await kit.client.send('POST', '/transfer/webhook', { headers, body }), 400, 'INVALID_PROOF');
    expectError(await kit.client.send('POST', '/transfer/webhook', { headers, body }), 401, 'NONCE_REUSED');
  }),
  check('auth.replayed-nonce.concurrent', 'one signed request sent 8 times at once → exactly one 200, the rest 401 NONCE_REUSED', 'docs/profile.md §2 step 5', async (kit) => {
    const headers = kit.signHeaders('GET', CAPS, '');
    const all = await Promise.all(Array.from({ length: 8 }, () => kit.client.send('GET', CAPS, { headers })));
    const passed = all.filter((e) => e.status === 200);
    expect(passed.length === 1, `${passed.length} of 8 concurrent copies were accepted (exactly one may pass)`, passed[1] ?? all[0]);
    for (const e of all) if (e.status !== 200) expectError(e, 401, 'NONCE_REUSED');
  }),
  check('auth.nonce-per-ocid', 'nonces are scoped per OCID: the caller and the issuer may each use one nonce once → 200, 200', 'docs/profile.md §2 step 5; docs/opencharge.md §3.5', async (kit) => {
    if (!kit.issuer) skip('needs a second identity the target trusts: give --issuer-ocid/--issuer-key');
    const nonce = `req_${kit.hex(16)}`;
    expectJson(await kit.signed('GET', CAPS, '', { nonce }), 200);
    expectJson(await kit.signed('GET', CAPS, '', { nonce, as: kit.issuer }), 200);
  }),
  check('auth.nonce-after-signature', 'a nonce sent with a bad signature is not consumed: the same nonce, properly signed, → 200', 'docs/profile.md §2 steps 4-5; docs/opencharge.md §3.6', async (kit) => {
    const nonce = `req_${kit.hex(16)}`;
    expectError(await kit.signed('GET', CAPS, '', { nonce, key: kit.freshKey() }), 401, 'INVALID_SIGNATURE');
    expectJson(await kit.signed('GET', CAPS, '', { nonce }), 200);
  }),
];

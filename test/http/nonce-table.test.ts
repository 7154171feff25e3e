// PROFILE §2 step 5, through the real app on a real HTTP server: which answers of a signed endpoint consume the nonce.
// Every answer after authentication consumes it (its replay is NONCE_REUSED); an unauthenticated or refused request does not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLER_OCID, STRANGER, makeHarness, type Harness, type SignOptions } from '../helpers/harness.ts';
import { expectError } from '../helpers/expect-error.ts';
import { serveFetch, type Served } from '../helpers/http-server.ts';

const CAPS = '/opencharge/capabilities';
const CREATE = '/opencharge/orders/create';
const WEBHOOK = '/opencharge/transfer/webhook';

let h: Harness;
let server: Served;
beforeAll(async () => {
  h = await makeHarness();
  server = await serveFetch((req, env) => h.app.fetch(req, env));
  // The order the idempotency rows meet again (its own nonce).
  const res = await send('POST', CREATE, JSON.stringify(EXISTING), `setup-${process.pid}`);
  expect(res.status, await res.text()).toBe(200);
});
afterAll(async () => {
  await server.close();
  await h.close();
});

const EXISTING = { id: 'nonce-table-existing', amount: '5.00', currency: 'USD' };

/** Signs as the caller with this nonce (unless `sign` says otherwise) and sends it over HTTP; the body is sent as it is. */
function send(method: string, path: string, body: string, nonce: string, sign: SignOptions = {}, extra: Record<string, string> = {}) {
  const signed = h.headersFor(method, path, body, { ...sign, nonce });
  return fetch(server.origin + path, { method, headers: { ...signed, ...extra }, body: method === 'GET' ? undefined : body });
}

/** True when the nonce was still free (this insert took it), false when the request had consumed it. */
const free = (nonce: string) => h.store.insertNonce({ ocid: CALLER_OCID, nonce, expiresAt: h.clock.now + 600 });

interface Row {
  name: string;
  method?: 'GET' | 'POST';
  path: string;
  body?: string;
  sign?: SignOptions;
  /** Headers replacing the signed ones (a broken signature). */
  extra?: Record<string, string>;
  status: number;
  code?: string;
  consumed: boolean;
}

const order = (o: Record<string, unknown>) => JSON.stringify(o);
const ROWS: Row[] = [
  // POST /orders/create: every answer of an authenticated request
  { name: 'create: a new order', path: CREATE, body: order({ amount: '1.00', currency: 'USD' }), status: 200, consumed: true },
  { name: 'create: a body that is not JSON', path: CREATE, body: '{"amount":', status: 400, code: 'INVALID_REQUEST', consumed: true },
  { name: 'create: a JSON body that is not an object', path: CREATE, body: '[1]', status: 400, code: 'INVALID_REQUEST', consumed: true },
  { name: 'create: an unknown field', path: CREATE, body: order({ amount: '1.00', currency: 'USD', tip: '1' }), status: 400, code: 'INVALID_REQUEST', consumed: true },
  { name: 'create: another merchant’s OCID', path: CREATE, body: order({ ocid: 501, amount: '1.00', currency: 'USD' }), status: 400, code: 'INVALID_REQUEST', consumed: true },
  { name: 'create: no amount', path: CREATE, body: order({ currency: 'USD' }), status: 400, code: 'INVALID_REQUEST', consumed: true },
  { name: 'create: a zero amount', path: CREATE, body: order({ amount: '0.00', currency: 'USD' }), status: 400, code: 'INVALID_REQUEST', consumed: true },
  { name: 'create: a currency not settled', path: CREATE, body: order({ amount: '1.00', currency: 'GBP' }), status: 400, code: 'CURRENCY_MISMATCH', consumed: true },
  { name: 'create: expiresAt in the past', path: CREATE, body: order({ amount: '1.00', currency: 'USD', expiresAt: 1 }), status: 400, code: 'INVALID_REQUEST', consumed: true },
  { name: 'create: expiresAt beyond the maximum TTL', path: CREATE, body: order({ amount: '1.00', currency: 'USD', expiresAt: 4_000_000_000 }), status: 400, code: 'INVALID_REQUEST', consumed: true },
  { name: 'create: the same request for an existing id (idempotent replay)', path: CREATE, body: order(EXISTING), status: 200, consumed: true },
  { name: 'create: another request for an existing id', path: CREATE, body: order({ ...EXISTING, amount: '6.00' }), status: 409, code: 'ORDER_CONFLICT', consumed: true },
  // GET /capabilities and POST /transfer/webhook consume it before their handler runs
  { name: 'capabilities', method: 'GET', path: CAPS, status: 200, consumed: true },
  { name: 'webhook: a body that is not JSON', path: WEBHOOK, body: 'nope', status: 400, code: 'INVALID_PROOF', consumed: true },
  { name: 'webhook: a proof of the wrong shape', path: WEBHOOK, body: '{"proof":1}', status: 400, code: 'INVALID_PROOF', consumed: true },
  // Refused before authentication: nothing consumed, the caller may send the request again
  { name: 'create: signed with another key', path: CREATE, body: order({ amount: '1.00', currency: 'USD' }), sign: { key: STRANGER.priv }, status: 401, code: 'INVALID_SIGNATURE', consumed: false },
  { name: 'create: a stale timestamp', path: CREATE, body: order({ amount: '1.00', currency: 'USD' }), sign: { timestamp: 1_799_990_000 }, status: 401, code: 'TIMESTAMP_EXPIRED', consumed: false },
  { name: 'create: a signature header that is not hex', path: CREATE, body: order({ amount: '1.00', currency: 'USD' }), extra: { 'X-OC-Signature': 'zz' }, status: 401, code: 'INVALID_SIGNATURE', consumed: false },
  { name: 'create: a body over 64 KiB', path: CREATE, body: order({ amount: '1.00', currency: 'USD', memo: 'x'.repeat(70_000) }), status: 413, code: 'PAYLOAD_TOO_LARGE', consumed: false },
  { name: 'capabilities: signed with another key', method: 'GET', path: CAPS, sign: { key: STRANGER.priv }, status: 401, code: 'INVALID_SIGNATURE', consumed: false },
  { name: 'webhook: signed with another key', path: WEBHOOK, body: '{}', sign: { key: STRANGER.priv }, status: 401, code: 'INVALID_SIGNATURE', consumed: false },
];

describe.each(ROWS.map((r, i) => ({ ...r, nonce: `table-${i}-${process.pid}` })))('$name', (row) => {
  const method = row.method ?? 'POST';
  const body = row.body ?? '';
  it(row.consumed ? 'answers, consumes the nonce, and its replay is NONCE_REUSED' : 'answers and leaves the nonce unused', async () => {
    const res = await send(method, row.path, body, row.nonce, row.sign, row.extra);
    if (row.code) await expectError(res, row.status, row.code);
    else expect(res.status, await res.text()).toBe(row.status);
    if (row.consumed) await expectError(await send(method, row.path, body, row.nonce, row.sign, row.extra), 401, 'NONCE_REUSED');
    expect(await free(row.nonce)).toBe(!row.consumed);
  });
});

// PROFILE §7 through HTTP: signed and admin bodies are I-JSON; duplicates, lone surrogates and deep nesting → 400, never 500.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ISSUER, ISSUER_OCID, makeHarness, type Harness } from '../helpers/harness.ts';
import { makeProof } from '../helpers/proofs.ts';
import { expectError } from '../helpers/expect-error.ts';

const CREATE = '/opencharge/orders/create';
const HOOK = '/opencharge/transfer/webhook';
const TOKEN = 'admin-token-0123456789abcdef';
let h: Harness;
beforeAll(async () => {
  h = await makeHarness({ env: { OC_ADMIN_TOKEN: TOKEN } });
});
afterAll(async () => h.close());

/** A 400 for a body that is not I-JSON: its code, the reason in details, the message naming RFC 7493. */
async function expectNotIJson(res: Response, code: string, reason: RegExp) {
  const error = await expectError(res, 400, code);
  expect(error.details?.reason).toMatch(reason);
  expect(error.message).toMatch(/^body must be I-JSON \(RFC 7493\): /);
  return res;
}

const asIssuer = { ocid: ISSUER_OCID, key: ISSUER.priv };
const listAll = async () => (await h.store.listOrders({ limit: 100 })).map((o) => o.id);

describe('POST /orders/create', () => {
  it('refuses duplicate member names (the last one used to win: a 2.00 order) and creates nothing', async () => {
    const before = await listAll();
    const res = await h.signed('POST', CREATE, '{"id":"ord_dup","amount":"1.00","currency":"USD","amount":"2.00"}');
    await expectNotIJson(res, 'INVALID_REQUEST', /duplicate member name "amount" at \$/);
    expect(res.headers.get('x-oc-signature')).toMatch(/^[0-9a-f]{130}$/);
    expect(await h.store.getOrder('ord_dup')).toBeUndefined();
    expect(await listAll()).toEqual(before);
  });

  it('refuses escaped-equal duplicates ("amount" and "\\u0061mount")', async () => {
    await expectNotIJson(await h.signed('POST', CREATE, '{"amount":"1.00","currency":"USD","\\u0061mount":"2.00"}'), 'INVALID_REQUEST', /duplicate member name "amount"/);
  });

  it('refuses a lone surrogate escape', async () => {
    await expectNotIJson(await h.signed('POST', CREATE, '{"amount":"1.00","currency":"USD","memo":"\\ud800"}'), 'INVALID_REQUEST', /lone high surrogate/);
  });

  it('refuses nesting deeper than 32 levels', async () => {
    const deep = '{"amount":"1.00","currency":"USD","memo":' + '['.repeat(40) + ']'.repeat(40) + '}';
    await expectNotIJson(await h.signed('POST', CREATE, deep), 'INVALID_REQUEST', /nesting deeper than 32 levels/);
  });

  it('consumes the nonce of a refused body (a replay answers NONCE_REUSED)', async () => {
    const body = '{"amount":"1.00","amount":"1.00","currency":"USD"}';
    const headers = h.headersFor('POST', CREATE, body);
    expect((await h.app.request(CREATE, { method: 'POST', headers, body })).status).toBe(400);
    const again = await h.app.request(CREATE, { method: 'POST', headers, body });
    expect(again.status).toBe(401);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('NONCE_REUSED');
  });
});

describe('POST /transfer/webhook', () => {
  it('an unknown proof field nested 5,000 deep answers 400 INVALID_PROOF, not 500', async () => {
    const p = makeProof('ord_deep', { txid: 'tx_deep' });
    const body = JSON.stringify({ ...p, proof: { ...p.proof, extra: 0 } }).replace('"extra":0', '"extra":' + '['.repeat(5000) + ']'.repeat(5000));
    const res = await h.signed('POST', HOOK, body, asIssuer);
    await expectNotIJson(res, 'INVALID_PROOF', /nesting deeper than 32 levels at \$\["proof"\]\["extra"\]/);
    expect(res.headers.get('x-oc-signature')).toMatch(/^[0-9a-f]{130}$/);
    expect(h.log.lines.filter((l) => l.includes('"level":50'))).toEqual([]);
  });

  it('a proof with two "to" members is refused', async () => {
    const p = makeProof('ord_x', { txid: 'tx_dup_to' });
    const body = JSON.stringify(p).replace('"to":', '"to":{"ocid":777},"to":');
    await expectNotIJson(await h.signed('POST', HOOK, body, asIssuer), 'INVALID_PROOF', /duplicate member name "to" at \$\["proof"\]/);
  });

  it('a lone low surrogate in the proof is refused', async () => {
    const body = JSON.stringify(makeProof('ord_x', { txid: 'tx_lone', memo: 'MEMO' })).replace('MEMO', '\\udc00');
    await expectNotIJson(await h.signed('POST', HOOK, body, asIssuer), 'INVALID_PROOF', /lone low surrogate/);
  });
});

describe('admin JSON bodies', () => {
  const admin = (path: string, body: string) =>
    h.app.request(path, { method: 'POST', body, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' } });

  it('POST /admin/orders refuses duplicate member names', async () => {
    await expectNotIJson(await admin('/admin/orders', '{"amount":"1.00","currency":"USD","amount":"2.00"}'), 'INVALID_REQUEST', /duplicate member name "amount"/);
  });

  it('POST /admin/orders refuses deep nesting and lone surrogates', async () => {
    await expectNotIJson(await admin('/admin/orders', '['.repeat(5000)), 'INVALID_REQUEST', /nesting deeper than 32/);
    await expectNotIJson(await admin('/admin/orders', '{"amount":"1.00","currency":"USD","memo":"\\udfff"}'), 'INVALID_REQUEST', /lone low surrogate/);
  });

  it('POST /admin/orders/:id/pay refuses duplicate member names', async () => {
    await expectNotIJson(await admin('/admin/orders/ord_x/pay', '{"gateway":"a","gateway":"b"}'), 'INVALID_REQUEST', /duplicate member name "gateway"/);
  });
});

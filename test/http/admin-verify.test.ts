// POST /admin/orders/{id}/verify (issue 17): a missed webhook recovered by asking the issuer, settled like the
// webhook (same verdicts, notifications, idempotency on (issuer, txid)); every other answer is a clear error.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ISSUER, ISSUER_OCID, MERCHANT_OCID, makeHarness, type Harness } from '../helpers/harness.ts';
import { makeProof } from '../helpers/proofs.ts';
import { startFakeIssuer, type FakeIssuer } from '../fakes/issuer.ts';
import { closeServers } from '../helpers/http-server.ts';

const TOKEN = 'admin-token-0123456789abcdef';
const TIMEOUT_MS = 300;
let h: Harness;
let fake: FakeIssuer;
beforeAll(async () => {
  fake = await startFakeIssuer();
  h = await makeHarness({
    env: { OC_ADMIN_TOKEN: TOKEN, OC_WEBHOOK_URL: 'http://127.0.0.1:9/hook', OC_WEBHOOK_SECRET: 'whsec_' + Buffer.from('an admin verify test webhook secret').toString('base64') },
    peers: [fake.peer],
    verifyTimeoutMs: TIMEOUT_MS,
  });
});
afterAll(async () => {
  await h.close();
  await closeServers();
});
beforeEach(() => {
  fake.mode = 'completed';
  fake.capabilities = ['verify.txid'];
  fake.verifyCalls.length = 0;
});

const verify = (id: string, body: unknown, token = TOKEN) =>
  h.app.request(`/admin/orders/${encodeURIComponent(id)}/verify`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string; details?: Record<string, unknown> } }).error;
const eventsOf = async (id: string) => (await h.store.listEvents(id)).map((e) => e.type);
const deliveriesOf = async (id: string) => (await h.store.listDeliveries({ orderId: id, limit: 50 })).map((d) => d.event.type);

async function newOrder(amount = '9.99'): Promise<string> {
  const res = await h.app.request('/admin/orders', { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: JSON.stringify({ amount, currency: 'USD' }) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { order: { id: string } }).order.id;
}
const transfer = (id: string, txid: string, o: { amount?: string; reference?: string } = {}) => {
  const p = makeProof(id, { txid, amount: o.amount ?? '9.99', ...(o.reference ? { to: { ocid: MERCHANT_OCID, reference: o.reference } } : {}) }, 'A');
  fake.record(p);
  return p;
};

describe('recovering a missed webhook', () => {
  it('the issuer confirms a form-A payment: the order is paid, order.paid is sent once, a second verify changes nothing', async () => {
    const id = await newOrder();
    transfer(id, 'tx_missed');
    const res = await verify(id, { issuer: ISSUER_OCID, txid: 'tx_missed' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ issuer: ISSUER_OCID, txid: 'tx_missed', verdict: 'accepted', repeat: false, order: { id, status: 'paid', txid: 'tx_missed' } });
    expect(await h.store.listProofs(id)).toMatchObject([{ senderOcid: 0, form: 'A', voucher: 'issuer_confirmed', verdict: 'accepted' }]);
    expect(fake.verifyCalls).toEqual([{ target: '/opencharge/verify/tx_missed', ocid: String(MERCHANT_OCID), signedByMerchant: true }]);

    const again = await verify(id, { issuer: ISSUER_OCID, txid: 'tx_missed' });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ verdict: 'accepted', repeat: true, order: { status: 'paid' } });
    expect((await eventsOf(id)).filter((t) => t === 'order.paid')).toHaveLength(1);
    expect((await deliveriesOf(id)).filter((t) => t === 'order.paid')).toHaveLength(1);
  });

  it('after the webhook did arrive, a verify is the same proof again: repeat, no second order.paid', async () => {
    const id = await newOrder();
    const p = transfer(id, 'tx_both');
    expect((await h.signed('POST', '/opencharge/transfer/webhook', JSON.stringify(p), { ocid: ISSUER_OCID, key: ISSUER.priv })).status).toBe(200);
    const res = await verify(id, { issuer: ISSUER_OCID, txid: 'tx_both' });
    expect(await res.json()).toMatchObject({ verdict: 'accepted', repeat: true });
    expect((await eventsOf(id)).filter((t) => t === 'order.paid')).toHaveLength(1);
  });

  it('a confirmed payment of the wrong amount is recorded with its verdict, flagged and notified as a webhook would be', async () => {
    const id = await newOrder();
    transfer(id, 'tx_short', { amount: '5.00' });
    const res = await verify(id, { issuer: ISSUER_OCID, txid: 'tx_short' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ verdict: 'amount_mismatch', order: { status: 'pending', flags: { paymentMismatch: true } } });
    expect(await eventsOf(id)).toContain('order.payment_mismatch');
  });

  it("the issuer's proof pays another order: 409 INVALID_STATE, nothing recorded", async () => {
    const [id, other] = [await newOrder(), await newOrder()];
    transfer(other, 'tx_for_other');
    const res = await verify(id, { issuer: ISSUER_OCID, txid: 'tx_for_other' });
    expect(res.status).toBe(409);
    expect(await errorOf(res)).toMatchObject({ code: 'INVALID_STATE', details: { orderId: id, reference: other } });
    expect(await h.store.listProofs(id)).toEqual([]);
    expect(await h.store.listProofs(other)).toEqual([]);
  });
});

describe('answers other than completed', () => {
  it('pending → 409 INVALID_STATE with the issuer facts', async () => {
    fake.mode = 'pending';
    const res = await verify(await newOrder(), { issuer: ISSUER_OCID, txid: 'tx_wait' });
    expect(res.status).toBe(409);
    expect(await errorOf(res)).toMatchObject({ code: 'INVALID_STATE', details: { issuer: ISSUER_OCID, txid: 'tx_wait', issuerStatus: 'pending', amount: '9.99', currency: 'USD' } });
  });

  it('expired → 410 TRANSACTION_EXPIRED', async () => {
    fake.mode = 'expired';
    const res = await verify(await newOrder(), { issuer: ISSUER_OCID, txid: 'tx_old' });
    expect(res.status).toBe(410);
    expect(await errorOf(res)).toMatchObject({ code: 'TRANSACTION_EXPIRED', details: { issuerStatus: 'expired' } });
  });

  it('unknown txid → 404 TXID_NOT_FOUND', async () => {
    const res = await verify(await newOrder(), { issuer: ISSUER_OCID, txid: 'tx_unknown' });
    expect(res.status).toBe(404);
    expect(await errorOf(res)).toMatchObject({ code: 'TXID_NOT_FOUND', message: 'the issuer does not know txid tx_unknown (TXID_NOT_FOUND)' });
  });

  for (const [mode, reason] of [
    ['unsigned', "the issuer's answer is not signed (no X-OC-ID/X-OC-Signature)"],
    ['wrong-signature', "the issuer's answer signature does not verify"],
    ['hang', `no answer from issuer ${ISSUER_OCID} within ${TIMEOUT_MS} ms`],
  ] as const) {
    it(`${mode} → 502 GATEWAY_ERROR with the reason; the order is unchanged`, async () => {
      const id = await newOrder();
      transfer(id, `tx_admin_${mode}`);
      fake.mode = mode;
      const res = await verify(id, { issuer: ISSUER_OCID, txid: `tx_admin_${mode}` });
      expect(res.status).toBe(502);
      expect(await errorOf(res)).toMatchObject({ code: 'GATEWAY_ERROR', details: { reason } });
      expect(await h.store.getOrder(id)).toMatchObject({ status: 'pending' });
      expect(await h.store.listProofs(id)).toEqual([]);
    });
  }

  it('an issuer without verify.txid → 400 CAPABILITY_NOT_SUPPORTED, never asked', async () => {
    fake.capabilities = [];
    const res = await verify(await newOrder(), { issuer: ISSUER_OCID, txid: 'tx_x' });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe('CAPABILITY_NOT_SUPPORTED');
    expect(fake.verifyCalls).toEqual([]);
  });
});

describe('bad requests', () => {
  it('an issuer not in the order accepts → 400 ISSUER_NOT_ACCEPTED, never asked', async () => {
    const res = await verify(await newOrder(), { issuer: 999, txid: 'tx_x' });
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatchObject({ code: 'ISSUER_NOT_ACCEPTED', details: { issuer: 999, accepts: [ISSUER_OCID] } });
    expect(fake.verifyCalls).toEqual([]);
  });

  it('an unknown order → 404 ORDER_NOT_FOUND', async () => {
    const res = await verify('ord_nope', { issuer: ISSUER_OCID, txid: 'tx_x' });
    expect(res.status).toBe(404);
    expect((await errorOf(res)).code).toBe('ORDER_NOT_FOUND');
  });

  it('a body that is not JSON → 400 INVALID_REQUEST', async () => {
    const res = await verify('ord_x', '{"issuer":');
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe('INVALID_REQUEST');
  });

  for (const [what, body, path] of [
    ['txid missing', { issuer: ISSUER_OCID }, 'txid'],
    ['issuer as a string', { issuer: '100', txid: 'tx' }, 'issuer'],
    ['issuer zero', { issuer: 0, txid: 'tx' }, 'issuer'],
    ['empty txid', { issuer: ISSUER_OCID, txid: '' }, 'txid'],
    ['txid over 256 characters', { issuer: ISSUER_OCID, txid: 'x'.repeat(257) }, 'txid'],
    ['txid with NUL', { issuer: ISSUER_OCID, txid: 'a\u0000b' }, 'txid'],
    ['an unknown field', { issuer: ISSUER_OCID, txid: 'tx', order: 'x' }, ''],
  ] as const) {
    it(`${what} → 400 INVALID_REQUEST naming the field`, async () => {
      const res = await verify('ord_x', body);
      expect(res.status).toBe(400);
      const err = await errorOf(res);
      expect(err.code).toBe('INVALID_REQUEST');
      expect((err.details?.issues as Array<{ path: string }>)[0]!.path).toBe(path);
    });
  }

  it('without the admin token → 401', async () => {
    const res = await verify('ord_x', { issuer: ISSUER_OCID, txid: 'tx' }, 'wrong-token-0123456789');
    expect(res.status).toBe(401);
  });
});

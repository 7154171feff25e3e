// PROFILE §4 / opencharge.md §5.3: POST /transfer/webhook — every rejection path, replays, races, late payments.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLER, ISSUER, ISSUER_OCID, STRANGER, T0, makeHarness, type Harness } from '../helpers/harness.ts';
import { expectError } from '../helpers/expect-error.ts';
import { makeProof } from '../helpers/proofs.ts';

const HOOK = '/opencharge/transfer/webhook';
let h: Harness;
beforeAll(async () => {
  h = await makeHarness({ peers: [{ ocid: 200, publicKey: CALLER.pub }, { ocid: ISSUER_OCID, publicKey: ISSUER.pub }, { ocid: 101, publicKey: STRANGER.pub }] });
});
afterAll(async () => h.close());

async function newOrder(body: Record<string, unknown> = {}): Promise<string> {
  const res = await h.signed('POST', '/opencharge/orders/create', JSON.stringify({ amount: '15.00', currency: 'USD', ...body }));
  expect(res.status).toBe(200);
  return ((await res.json()) as { order: { id: string } }).order.id;
}

const send = (payload: unknown, as: 'caller' | 'issuer' = 'issuer') =>
  h.signed('POST', HOOK, typeof payload === 'string' ? payload : JSON.stringify(payload), as === 'issuer' ? { ocid: ISSUER_OCID, key: ISSUER.priv } : undefined);

const status = async (id: string) => (await (await h.app.request(`/opencharge/orders/${id}/status`)).json()) as Record<string, unknown>;

describe('POST /transfer/webhook', () => {
  it('accepts a proof signed in form A, marks the order paid and records the form', async () => {
    const id = await newOrder();
    const p = makeProof(id, { txid: 'tx_a1' }, 'A');
    const res = await send(p);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'accepted', txid: 'tx_a1' });
    expect(res.headers.get('x-oc-signature')).toMatch(/^[0-9a-f]{130}$/);
    expect(await status(id)).toEqual({ orderId: id, status: 'paid', paidAt: T0 + 60, txid: 'tx_a1' });
    const proofs = await h.store.listProofs(id);
    expect(proofs).toHaveLength(1);
    expect(proofs[0]).toMatchObject({ form: 'A', verdict: 'accepted', signature: p.signature, senderOcid: ISSUER_OCID });
    expect(JSON.parse(proofs[0]!.proofJson)).toEqual(p.proof);
    expect((await h.store.listEvents(id)).map((e) => e.type)).toEqual(['order.created', 'order.paid']);
  });

  it('accepts a proof signed in form B and records the form', async () => {
    const id = await newOrder();
    expect((await send(makeProof(id, { txid: 'tx_b1' }, 'B'))).status).toBe(200);
    expect((await h.store.listProofs(id))[0]?.form).toBe('B');
  });

  it('accepts a form-B proof relayed by another sender than the issuer (form A: test/http/proof-delivery.test.ts)', async () => {
    const id = await newOrder();
    expect((await send(makeProof(id, { txid: 'tx_relay' }, 'B'), 'caller')).status).toBe(200);
    expect((await h.store.listProofs(id))[0]?.senderOcid).toBe(200);
  });

  it('matches the order by its reference when to.reference is not an order id', async () => {
    const id = await newOrder({ reference: 'shop-ref-77' });
    expect((await send(makeProof('shop-ref-77', { txid: 'tx_ref' }))).status).toBe(200);
    expect((await status(id)).status).toBe('paid');
  });

  it('compares amounts by value', async () => {
    const id = await newOrder();
    expect((await send(makeProof(id, { txid: 'tx_val', amount: '15.0' }))).status).toBe(200);
    expect((await status(id)).status).toBe('paid');
  });

  it('answers the same proof again with 200 and no second effect', async () => {
    const id = await newOrder();
    const p = makeProof(id, { txid: 'tx_dup' });
    expect((await send(p)).status).toBe(200);
    const again = await send(p);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ status: 'accepted', txid: 'tx_dup' });
    expect(await h.store.listProofs(id)).toHaveLength(1);
    expect((await h.store.listEvents(id)).filter((e) => e.type === 'order.paid')).toHaveLength(1);
  });

  it('rejects a different proof under a used (issuer, txid) with INVALID_PROOF', async () => {
    const id = await newOrder();
    const other = await newOrder();
    expect((await send(makeProof(id, { txid: 'tx_reuse' }))).status).toBe(200);
    await expectError(await send(makeProof(other, { txid: 'tx_reuse' })), 400, 'INVALID_PROOF');
    expect((await status(other)).status).toBe('pending');
  });

  it('lets exactly one of several racing proofs for one order win', async () => {
    const id = await newOrder();
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => send(makeProof(id, { txid: `tx_race_${i}` }))));
    expect(results.every((r) => r.status === 200)).toBe(true);
    const proofs = await h.store.listProofs(id);
    expect(proofs.filter((p) => p.verdict === 'accepted')).toHaveLength(1);
    expect(proofs.filter((p) => p.verdict === 'duplicate_order')).toHaveLength(9);
    const order = await h.store.getOrder(id);
    expect(order?.txid).toBe(proofs.find((p) => p.verdict === 'accepted')!.txid);
    expect((await h.store.listEvents(id)).filter((e) => e.type === 'order.paid')).toHaveLength(1);
  });

  it('stores a late proof for an expired order, keeps it expired, flags paidLate and answers 200', async () => {
    const id = await newOrder({ expiresAt: T0 + 10 });
    h.clock.now = T0 + 11;
    try {
      expect((await send(makeProof(id, { txid: 'tx_late', timestamp: T0 + 11 }), 'issuer')).status).toBe(200);
    } finally {
      h.clock.now = T0;
    }
    const order = await h.store.getOrder(id);
    expect(order).toMatchObject({ status: 'expired', paidLate: true, txid: null });
    expect((await h.store.listProofs(id))[0]?.verdict).toBe('late');
    expect((await h.store.listEvents(id)).map((e) => e.type)).toEqual(['order.created', 'order.expired', 'order.paid_late']);
  });

  it('stores a late proof for a cancelled order and flags it', async () => {
    const id = await newOrder();
    await h.store.changeOrder(id, { from: 'pending', to: 'cancelled' }, []);
    expect((await send(makeProof(id, { txid: 'tx_cancelled' }))).status).toBe(200);
    expect(await h.store.getOrder(id)).toMatchObject({ status: 'cancelled', paidLate: true });
  });

  it('answers an unknown reference with 200 accepted and keeps the proof', async () => {
    expect((await send(makeProof('ord_unknown', { txid: 'tx_unknown' }))).status).toBe(200);
  });

  describe('rejections', () => {
    it('rejects a body that is not JSON with INVALID_PROOF', async () => {
      await expectError(await send('not json'), 400, 'INVALID_PROOF');
    });

    it('rejects a missing proof with INVALID_PROOF', async () => {
      await expectError(await send({ signature: 'ab' }), 400, 'INVALID_PROOF');
    });

    it('rejects a missing signature with INVALID_PROOF', async () => {
      const { proof } = makeProof('x');
      await expectError(await send({ proof }), 400, 'INVALID_PROOF');
    });

    for (const field of ['txid', 'issuer', 'from', 'to', 'amount', 'currency', 'timestamp']) {
      it(`rejects a proof without ${field} with INVALID_PROOF`, async () => {
        const p = makeProof('x');
        delete (p.proof as Record<string, unknown>)[field];
        await expectError(await send(p), 400, 'INVALID_PROOF');
      });
    }

    it('rejects a NUL character in txid with INVALID_PROOF', async () => {
      await expectError(await send(makeProof('x', { txid: 'tx\u0000nul' })), 400, 'INVALID_PROOF');
    });

    it('rejects a numeric amount with INVALID_PROOF', async () => {
      const p = makeProof('x');
      (p.proof as Record<string, unknown>).amount = 15;
      await expectError(await send(p), 400, 'INVALID_PROOF');
    });

    it('rejects an issuer the order does not accept with ISSUER_NOT_ACCEPTED', async () => {
      const id = await newOrder();
      await expectError(await send(makeProof(id, { issuer: 101 }, 'A', STRANGER.priv)), 400, 'ISSUER_NOT_ACCEPTED');
    });

    it('rejects a proof whose signature was made by another key with PROOF_SIGNATURE_INVALID', async () => {
      const id = await newOrder();
      await expectError(await send(makeProof(id, {}, 'A', STRANGER.priv)), 400, 'PROOF_SIGNATURE_INVALID');
      expect((await status(id)).status).toBe('pending');
    });

    it('rejects a proof changed after signing (form B covers to.reference)', async () => {
      const id = await newOrder();
      const other = await newOrder();
      const p = makeProof(id, { txid: 'tx_tamper' }, 'B');
      (p.proof as { to: { reference: string } }).to.reference = other;
      await expectError(await send(p), 400, 'PROOF_SIGNATURE_INVALID');
    });

    it('rejects a malformed proof signature with PROOF_SIGNATURE_INVALID', async () => {
      const id = await newOrder();
      const p = makeProof(id);
      await expectError(await send({ ...p, signature: 'zz' }), 400, 'PROOF_SIGNATURE_INVALID');
    });

    it('rejects a proof for another recipient with INVALID_PROOF', async () => {
      const id = await newOrder();
      await expectError(await send(makeProof(id, { to: { ocid: 501, reference: id } })), 400, 'INVALID_PROOF');
    });

    it('rejects a wrong amount with AMOUNT_MISMATCH, stores the proof and flags the order', async () => {
      const id = await newOrder();
      await expectError(await send(makeProof(id, { txid: 'tx_amt', amount: '14.99' })), 400, 'AMOUNT_MISMATCH');
      expect(await h.store.getOrder(id)).toMatchObject({ status: 'pending', paymentMismatch: true });
      expect((await h.store.listProofs(id))[0]?.verdict).toBe('amount_mismatch');
      expect((await h.store.listEvents(id)).map((e) => e.type)).toContain('order.payment_mismatch');
      // The same mismatched proof again: same answer, nothing doubled.
      const again = makeProof(id, { txid: 'tx_amt', amount: '14.99', timestamp: T0 + 60 });
      await expectError(await send(again), 400, 'AMOUNT_MISMATCH');
      expect(await h.store.listProofs(id)).toHaveLength(1);
      expect((await h.store.listEvents(id)).filter((e) => e.type === 'order.payment_mismatch')).toHaveLength(1);
    });

    it('rejects a wrong currency with CURRENCY_MISMATCH and stores the proof', async () => {
      const id = await newOrder();
      await expectError(await send(makeProof(id, { txid: 'tx_cur', currency: 'EUR' })), 400, 'CURRENCY_MISMATCH');
      expect((await h.store.listProofs(id))[0]?.verdict).toBe('currency_mismatch');
    });

    it('rejects an unauthenticated webhook call with INVALID_SIGNATURE', async () => {
      const res = await h.app.request(HOOK, { method: 'POST', body: JSON.stringify(makeProof('x')) });
      await expectError(res, 401, 'INVALID_SIGNATURE');
    });
  });
});

// PROFILE §4 attacks on POST /transfer/webhook: re-addressed form-A proofs, relays, timestamp bounds,
// ambiguous references and other signature encodings of one proof.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLER, CALLER_OCID, ISSUER, ISSUER_OCID, MERCHANT_OCID, T0, makeHarness, type Harness } from '../helpers/harness.ts';
import { makeProof } from '../helpers/proofs.ts';
import { canonicalProof } from '../../src/protocol/canonical.ts';
import { signCanonical } from '../../src/protocol/signature.ts';
import { nobleBackend } from '../../src/protocol/noble.ts';

const HOOK = '/opencharge/transfer/webhook';
const FORM_A_REASON = 'a form-A proof must be delivered by its issuer';
let h: Harness;
let window: number;
beforeAll(async () => {
  h = await makeHarness();
  window = h.deps.config.timestampWindow;
});
afterAll(async () => h.close());

type Payload = { proof: Record<string, unknown>; signature: string };

async function newOrder(body: Record<string, unknown> = {}): Promise<string> {
  const res = await h.signed('POST', '/opencharge/orders/create', JSON.stringify({ amount: '9.99', currency: 'USD', ...body }));
  expect(res.status).toBe(200);
  return ((await res.json()) as { order: { id: string } }).order.id;
}

/** Delivers as the issuer itself, or relayed by the caller 200 (a known peer that is not the issuer). */
const send = (payload: Payload, by: 'issuer' | 'relay') =>
  h.signed('POST', HOOK, JSON.stringify(payload), by === 'issuer' ? { ocid: ISSUER_OCID, key: ISSUER.priv } : { ocid: CALLER_OCID, key: CALLER.priv });

const readdress = (p: Payload, to: Record<string, unknown>): Payload => ({ proof: { ...p.proof, to }, signature: p.signature });
const ours = (reference: string) => ({ ocid: MERCHANT_OCID, reference });
const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string; details?: Record<string, unknown> } }).error;
const order = async (id: string) => (await h.store.getOrder(id))!;
const eventTypes = async (id: string) => (await h.store.listEvents(id)).map((e) => e.type);

async function expectRefusedRelay(res: Response, id: string) {
  expect(res.status).toBe(400);
  const err = await errorOf(res);
  expect(err.code).toBe('INVALID_PROOF');
  // The issuer of these tests (a static key, no metadata) cannot be asked to confirm the relay.
  expect(err.details?.reason).toBe(`${FORM_A_REASON}; the issuer did not confirm it: the metadata of issuer ${ISSUER_OCID} is unavailable`);
  expect(await order(id)).toMatchObject({ status: 'pending', paidAt: null, txid: null, paymentMismatch: false });
  expect(await eventTypes(id)).not.toContain('order.paid');
}

describe('form-A proofs re-addressed to our orders', () => {
  it('a self-transfer (issuer 100 signed form A to OCID 777) rewritten to our pending order and relayed by a non-issuer → 400, stored for review, order pending', async () => {
    const id = await newOrder();
    const original = makeProof('wallet_777', { txid: 'tx_self_777', to: { ocid: 777, reference: 'wallet_777' }, amount: '9.99' }, 'A');
    const forged = readdress(original, ours(id));
    await expectRefusedRelay(await send(forged, 'relay'), id);
    const [stored] = await h.store.listProofs(id);
    expect(stored).toMatchObject({ verdict: 'form_a_not_from_issuer', senderOcid: CALLER_OCID, form: 'A', txid: 'tx_self_777' });
    expect(JSON.parse(stored!.proofJson).to).toEqual(ours(id));
    // Sent again: the same refusal, nothing stored twice.
    await expectRefusedRelay(await send(forged, 'relay'), id);
    expect(await h.store.listProofs(id)).toHaveLength(1);
  });

  it('the same rewritten self-transfer sent by the issuer itself pays: its request signature covers the body, to included', async () => {
    const id = await newOrder();
    const original = makeProof('wallet_777', { txid: 'tx_self_777_issuer', to: { ocid: 777, reference: 'wallet_777' }, amount: '9.99' }, 'A');
    const res = await send(readdress(original, ours(id)), 'issuer');
    expect(res.status).toBe(200);
    expect(await order(id)).toMatchObject({ status: 'paid', txid: 'tx_self_777_issuer' });
  });

  it("X's proof moved to Y by a non-issuer relay is refused, and X's genuine delivery by the issuer still pays X", async () => {
    const [x, y] = [await newOrder(), await newOrder()];
    const forX = makeProof(x, { txid: 'tx_moved_relay', amount: '9.99' }, 'A');
    await expectRefusedRelay(await send(readdress(forX, ours(y)), 'relay'), y);
    const res = await send(forX, 'issuer');
    expect(res.status).toBe(200);
    expect(await order(x)).toMatchObject({ status: 'paid', txid: 'tx_moved_relay' });
    expect((await h.store.listProofs(y)).map((p) => p.verdict)).toEqual(['form_a_not_from_issuer']);
  });

  it("X's proof moved to Y and sent by the issuer itself pays Y (the issuer vouches for to); X's copy is then a conflict", async () => {
    const [x, y] = [await newOrder(), await newOrder()];
    const forX = makeProof(x, { txid: 'tx_moved_issuer', amount: '9.99' }, 'A');
    expect((await send(readdress(forX, ours(y)), 'issuer')).status).toBe(200);
    expect((await order(y)).status).toBe('paid');
    const res = await send(forX, 'issuer');
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe('INVALID_PROOF');
    expect((await order(x)).status).toBe('pending');
  });

  it("the genuine proof first, then the moved copy relayed: X stays paid, Y stays pending, the copy is kept under Y", async () => {
    const [x, y] = [await newOrder(), await newOrder()];
    const forX = makeProof(x, { txid: 'tx_genuine_first', amount: '9.99' }, 'A');
    expect((await send(forX, 'issuer')).status).toBe(200);
    await expectRefusedRelay(await send(readdress(forX, ours(y)), 'relay'), y);
    expect((await order(x)).status).toBe('paid');
    expect((await h.store.listProofs(y)).map((p) => p.verdict)).toEqual(['form_a_not_from_issuer']);
  });

  it('a refused relay of the genuine bytes first, then the issuer delivers the same bytes: paid (the refusal holds no slot)', async () => {
    const id = await newOrder();
    const p = makeProof(id, { txid: 'tx_relay_then_issuer', amount: '9.99' }, 'A');
    await expectRefusedRelay(await send(p, 'relay'), id);
    const res = await send(p, 'issuer');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'accepted', txid: 'tx_relay_then_issuer' });
    expect(await order(id)).toMatchObject({ status: 'paid', txid: 'tx_relay_then_issuer' });
    expect((await h.store.listProofs(id)).map((x) => [x.verdict, x.senderOcid])).toEqual([['form_a_not_from_issuer', CALLER_OCID], ['accepted', ISSUER_OCID]]);
    // Relayed again after the issuer delivered it: the very proof already accepted → 200, no second effect.
    expect((await send(p, 'relay')).status).toBe(200);
    expect(await h.store.listProofs(id)).toHaveLength(2);
    expect((await eventTypes(id)).filter((t) => t === 'order.paid')).toHaveLength(1);
  });

  it('a form-B proof relayed by a non-issuer peer pays: its signature covers to', async () => {
    const id = await newOrder();
    expect((await send(makeProof(id, { txid: 'tx_b_relayed', amount: '9.99' }, 'B'), 'relay')).status).toBe(200);
    expect(await order(id)).toMatchObject({ status: 'paid', txid: 'tx_b_relayed' });
    expect((await h.store.listProofs(id))[0]).toMatchObject({ form: 'B', verdict: 'accepted', senderOcid: CALLER_OCID });
  });

  it('a signature valid under both forms is form B (form A then covers to as well): relayed, it pays', async () => {
    const id = await newOrder();
    // Top-level `ocid` and `reference` keys put to.ocid/to.reference into form A's allowlist: A and B coincide.
    const proof = { ...makeProof(id, { txid: 'tx_both_forms', amount: '9.99' }).proof, ocid: MERCHANT_OCID, reference: 'x' };
    expect(canonicalProof(proof, 'A')).toBe(canonicalProof(proof, 'B'));
    const signature = signCanonical(nobleBackend, ISSUER.priv, canonicalProof(proof, 'A'));
    expect((await send({ proof, signature }, 'relay')).status).toBe(200);
    expect((await h.store.listProofs(id))[0]).toMatchObject({ form: 'B', verdict: 'accepted' });
  });
});

describe('proof timestamps are bounded (PROFILE §4)', () => {
  async function expectOutOfRange(id: string, timestamp: number, txid: string) {
    const res = await send(makeProof(id, { txid, amount: '9.99', timestamp }, 'A'), 'issuer');
    expect(res.status).toBe(400);
    const err = await errorOf(res);
    expect(err.code).toBe('INVALID_PROOF');
    expect(err.details).toMatchObject({ reason: 'proof timestamp is outside the accepted range', timestamp });
    expect(await order(id)).toMatchObject({ status: 'pending', paidAt: null, txid: null, paymentMismatch: true });
    expect((await h.store.listProofs(id)).map((p) => p.verdict)).toEqual(['timestamp_out_of_range']);
    const mismatch = (await h.store.listEvents(id)).find((e) => e.type === 'order.payment_mismatch');
    expect(JSON.parse(mismatch!.data)).toMatchObject({ orderId: id, txid, reason: 'timestamp_out_of_range', expected: { timestamp } });
    expect(await eventTypes(id)).not.toContain('order.paid');
  }

  it('9007199254740991 (far future) never becomes paidAt: kept, flagged, notified, answered 400', async () => {
    await expectOutOfRange(await newOrder(), 9007199254740991, 'tx_far_future');
  });

  it('more than the window in the future → refused; exactly the window ahead → paid', async () => {
    await expectOutOfRange(await newOrder(), T0 + window + 1, 'tx_future_1');
    const id = await newOrder();
    expect((await send(makeProof(id, { txid: 'tx_future_edge', amount: '9.99', timestamp: T0 + window }, 'A'), 'issuer')).status).toBe(200);
    expect(await order(id)).toMatchObject({ status: 'paid', paidAt: T0 + window });
  });

  it("earlier than the order's createdAt minus the window → refused; exactly createdAt − window → paid", async () => {
    await expectOutOfRange(await newOrder(), T0 - window - 1, 'tx_before_order');
    const id = await newOrder();
    expect((await send(makeProof(id, { txid: 'tx_before_edge', amount: '9.99', timestamp: T0 - window }, 'A'), 'issuer')).status).toBe(200);
    expect((await order(id)).status).toBe('paid');
  });

  it('the same out-of-range proof again: the same answer, nothing doubled', async () => {
    const id = await newOrder();
    const p = makeProof(id, { txid: 'tx_future_again', amount: '9.99', timestamp: T0 + 10 * window }, 'B');
    expect((await send(p, 'relay')).status).toBe(400);
    expect((await send(p, 'relay')).status).toBe(400);
    expect(await h.store.listProofs(id)).toHaveLength(1);
    expect((await eventTypes(id)).filter((t) => t === 'order.payment_mismatch')).toHaveLength(1);
  });

  it('a future proof that matches no order is refused too (kept, nothing to notify)', async () => {
    const res = await send(makeProof('ord_nowhere', { txid: 'tx_future_unmatched', timestamp: T0 + 2 * window }, 'B'), 'relay');
    expect(res.status).toBe(400);
    expect((await errorOf(res)).details?.reason).toBe('proof timestamp is outside the accepted range');
  });
});

describe('ambiguous references (PROFILE §4)', () => {
  const storedProof = (txid: string) => {
    const db = new Database(join(h.dir, 'test.db'), { readonly: true });
    try {
      return db.prepare('select order_id as orderId, verdict from proofs where txid = ?').all(txid);
    } finally {
      db.close();
    }
  };

  it('a reference two orders carry settles nothing: 200, stored unmatched as ambiguous_reference, each order notified', async () => {
    const shop = await newOrder({ reference: 'inv-shared-1' });
    // A peer's order with the same reference (the capture attempt: newest used to win).
    const peer = await newOrder({ reference: 'inv-shared-1' });
    const res = await send(makeProof('inv-shared-1', { txid: 'tx_ambiguous', amount: '9.99' }, 'B'), 'issuer');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'accepted', txid: 'tx_ambiguous' });
    for (const id of [shop, peer]) {
      expect(await order(id)).toMatchObject({ status: 'pending', txid: null });
      const ev = (await h.store.listEvents(id)).find((e) => e.type === 'order.payment_mismatch');
      expect(JSON.parse(ev!.data)).toMatchObject({ orderId: id, txid: 'tx_ambiguous', reason: 'ambiguous_reference', candidates: [peer, shop] });
    }
    expect(storedProof('tx_ambiguous')).toEqual([{ orderId: null, verdict: 'ambiguous_reference' }]);
    // The same proof again: 200, no second notification.
    expect((await send(makeProof('inv-shared-1', { txid: 'tx_ambiguous', amount: '9.99' }, 'B'), 'issuer')).status).toBe(200);
    for (const id of [shop, peer]) expect((await eventTypes(id)).filter((t) => t === 'order.payment_mismatch')).toHaveLength(1);
  });

  it('an order id wins over another order carrying it as reference; a reference one order carries matches it', async () => {
    const byId = await newOrder({ id: 'ord_named_ref' });
    const other = await newOrder({ reference: 'ord_named_ref' });
    expect((await send(makeProof('ord_named_ref', { txid: 'tx_id_first', amount: '9.99' }, 'B'), 'issuer')).status).toBe(200);
    expect((await order(byId)).status).toBe('paid');
    expect((await order(other)).status).toBe('pending');
    const single = await newOrder({ reference: 'inv-single-1' });
    expect((await send(makeProof('inv-single-1', { txid: 'tx_single_ref', amount: '9.99' }, 'B'), 'issuer')).status).toBe(200);
    expect((await order(single)).status).toBe('paid');
  });
});

describe('the same proof in another signature encoding is the same proof (PROFILE §4)', () => {
  it('130 hex with v 1b/1c, 128 hex, v 00/01, upper case: 200 each, one proof stored, one order.paid', async () => {
    const id = await newOrder();
    const p = makeProof(id, { txid: 'tx_encodings', amount: '9.99' }, 'A');
    const rs = p.signature.slice(0, 128);
    const v = parseInt(p.signature.slice(128), 16) - 27;
    for (const signature of [p.signature, rs, `${rs}0${v}`, p.signature.toUpperCase(), rs.toUpperCase()]) {
      const res = await send({ proof: p.proof, signature }, 'issuer');
      expect(res.status, signature).toBe(200);
      expect(await res.json()).toEqual({ status: 'accepted', txid: 'tx_encodings' });
    }
    expect(await h.store.listProofs(id)).toHaveLength(1);
    expect((await eventTypes(id)).filter((t) => t === 'order.paid')).toHaveLength(1);
  });

  it('a relayed form-B proof in 128 hex, then in 130: the same proof', async () => {
    const id = await newOrder();
    const p = makeProof(id, { txid: 'tx_encodings_b', amount: '9.99' }, 'B');
    expect((await send({ proof: p.proof, signature: p.signature.slice(0, 128) }, 'relay')).status).toBe(200);
    expect((await send(p, 'relay')).status).toBe(200);
    expect(await h.store.listProofs(id)).toHaveLength(1);
  });
});

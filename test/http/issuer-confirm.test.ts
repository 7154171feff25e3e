// Relayed form-A proofs (issue 17): settled only once the issuer's signed /verify answer returns the very same
// proof; refused otherwise, with the reason; concurrent identical relays cost one /verify call.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CALLER, CALLER_OCID, ISSUER, ISSUER_OCID, MERCHANT_OCID, makeHarness, type Harness } from '../helpers/harness.ts';
import { makeProof } from '../helpers/proofs.ts';
import { startFakeIssuer, type FakeIssuer, type IssuerMode } from '../fakes/issuer.ts';
import { closeServers } from '../helpers/http-server.ts';

const HOOK = '/opencharge/transfer/webhook';
const FORM_A_REASON = 'a form-A proof must be delivered by its issuer';
const TIMEOUT_MS = 300;
let h: Harness;
let fake: FakeIssuer;
beforeAll(async () => {
  fake = await startFakeIssuer();
  h = await makeHarness({ peers: [{ ocid: CALLER_OCID, publicKey: CALLER.pub }, fake.peer], verifyTimeoutMs: TIMEOUT_MS });
});
afterAll(async () => {
  await h.close();
  await closeServers();
});
beforeEach(() => {
  fake.mode = 'completed';
  fake.capabilities = ['payment.settle', 'verify.txid'];
  fake.verifyCalls.length = 0;
});

type Payload = { proof: Record<string, unknown>; signature: string };
const relay = (p: Payload) => h.signed('POST', HOOK, JSON.stringify(p), { ocid: CALLER_OCID, key: CALLER.priv });
const byIssuer = (p: Payload) => h.signed('POST', HOOK, JSON.stringify(p), { ocid: ISSUER_OCID, key: ISSUER.priv });
const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; details?: Record<string, unknown> } }).error;
const paidEvents = async (id: string) => (await h.store.listEvents(id)).filter((e) => e.type === 'order.paid').length;

async function newOrder(): Promise<string> {
  const res = await h.signed('POST', '/opencharge/orders/create', JSON.stringify({ amount: '9.99', currency: 'USD' }));
  expect(res.status).toBe(200);
  return ((await res.json()) as { order: { id: string } }).order.id;
}

/** A form-A proof of a 9.99 USD transfer to the order, as the issuer recorded it. */
function transfer(id: string, txid: string): Payload {
  const p = makeProof(id, { txid, amount: '9.99' }, 'A');
  fake.record(p);
  return p;
}

async function expectRefused(res: Response, id: string, why: string) {
  expect(res.status).toBe(400);
  const err = await errorOf(res);
  expect(err.code).toBe('INVALID_PROOF');
  expect(err.details?.reason).toBe(`${FORM_A_REASON}; the issuer did not confirm it: ${why}`);
  expect(await h.store.getOrder(id)).toMatchObject({ status: 'pending', paidAt: null, txid: null });
  expect(await paidEvents(id)).toBe(0);
  const proofs = await h.store.listProofs(id);
  expect(proofs.at(-1)).toMatchObject({ verdict: 'form_a_not_from_issuer', voucher: null, senderOcid: CALLER_OCID });
}

describe('a form-A proof relayed by a gateway', () => {
  it('settles after the issuer confirms it: the same proof, signed answer; voucher issuer_confirmed; order.paid once', async () => {
    const id = await newOrder();
    const p = transfer(id, 'tx_confirmed');
    const res = await relay(p);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'accepted', txid: 'tx_confirmed' });
    expect(await h.store.getOrder(id)).toMatchObject({ status: 'paid', txid: 'tx_confirmed' });
    expect(await h.store.listProofs(id)).toMatchObject([{ form: 'A', senderOcid: CALLER_OCID, verdict: 'accepted', voucher: 'issuer_confirmed' }]);
    expect(fake.verifyCalls).toEqual([{ target: '/opencharge/verify/tx_confirmed', ocid: String(MERCHANT_OCID), signedByMerchant: true }]);
    // The issuer's own delivery afterwards is the same proof: no second effect.
    expect((await byIssuer(p)).status).toBe(200);
    expect(await paidEvents(id)).toBe(1);
    expect(await h.store.listProofs(id)).toHaveLength(1);
  });

  it('is refused when the issuer answers with a different proof of that txid (another to)', async () => {
    const id = await newOrder();
    const p = transfer(id, 'tx_other_to');
    fake.mode = 'completed-other';
    await expectRefused(await relay(p), id, "the issuer's proof of txid tx_other_to differs from the relayed one");
  });

  it("X's proof moved to Y by a relay is refused: the issuer's record names X; X is still paid by the issuer's delivery", async () => {
    const [x, y] = [await newOrder(), await newOrder()];
    const forX = transfer(x, 'tx_moved');
    const moved = { proof: { ...forX.proof, to: { ocid: MERCHANT_OCID, reference: y } }, signature: forX.signature };
    await expectRefused(await relay(moved), y, "the issuer's proof of txid tx_moved differs from the relayed one");
    expect((await byIssuer(forX)).status).toBe(200);
    expect(await h.store.getOrder(x)).toMatchObject({ status: 'paid', txid: 'tx_moved' });
  });

  const refusals: Array<[IssuerMode, (txid: string) => string]> = [
    ['unsigned', () => "the issuer's answer is not signed (no X-OC-ID/X-OC-Signature)"],
    ['wrong-signature', () => "the issuer's answer signature does not verify"],
    ['hang', () => `no answer from issuer ${ISSUER_OCID} within ${TIMEOUT_MS} ms`],
    ['pending', (txid) => `the issuer reports txid ${txid} as pending`],
    ['expired', (txid) => `the issuer reports txid ${txid} as expired`],
    ['not-found', (txid) => `the issuer does not know txid ${txid} (TXID_NOT_FOUND)`],
  ];
  for (const [mode, why] of refusals) {
    it(`is refused when the issuer's answer is ${mode}`, async () => {
      const id = await newOrder();
      const txid = `tx_answer_${mode}`;
      const p = transfer(id, txid);
      fake.mode = mode;
      await expectRefused(await relay(p), id, why(txid));
      expect(fake.verifyCalls).toHaveLength(1);
    });
  }

  it('is refused without a /verify call when the issuer does not list verify.txid', async () => {
    const id = await newOrder();
    const p = transfer(id, 'tx_no_capability');
    fake.capabilities = ['payment.settle'];
    await expectRefused(await relay(p), id, `issuer ${ISSUER_OCID} does not list verify.txid in its metadata capabilities`);
    expect(fake.verifyCalls).toEqual([]);
  });

  it('refused while the issuer hung, the same relay settles once it answers (the refusal holds no slot)', async () => {
    const id = await newOrder();
    const p = transfer(id, 'tx_retry');
    fake.mode = 'hang';
    expect((await relay(p)).status).toBe(400);
    fake.mode = 'completed';
    expect((await relay(p)).status).toBe(200);
    expect((await h.store.listProofs(id)).map((x) => [x.verdict, x.voucher])).toEqual([
      ['form_a_not_from_issuer', null],
      ['accepted', 'issuer_confirmed'],
    ]);
    expect(await paidEvents(id)).toBe(1);
  });

  it('three concurrent identical relays cause one /verify call and one settlement', async () => {
    const id = await newOrder();
    const p = transfer(id, 'tx_concurrent');
    fake.hold();
    const joined = () => h.log.lines.filter((l) => l.includes('issuer verify joined a call in flight') && l.includes('tx_concurrent')).length;
    const sent = [relay(p), relay(p), relay(p)];
    // Released only once all three wait on the one call in flight.
    await vi.waitFor(() => expect([fake.verifyCalls.length, joined()]).toEqual([1, 2]));
    fake.release();
    expect((await Promise.all(sent)).map((r) => r.status)).toEqual([200, 200, 200]);
    expect(fake.verifyCalls).toHaveLength(1);
    expect(await h.store.listProofs(id)).toHaveLength(1);
    expect(await paidEvents(id)).toBe(1);
  });
});

describe('no /verify call when nothing needs confirming', () => {
  it('a form-A proof from the issuer itself, and a form-B relay', async () => {
    const [a, b] = [await newOrder(), await newOrder()];
    expect((await byIssuer(makeProof(a, { txid: 'tx_direct', amount: '9.99' }, 'A'))).status).toBe(200);
    expect((await relay(makeProof(b, { txid: 'tx_form_b', amount: '9.99' }, 'B'))).status).toBe(200);
    expect(fake.verifyCalls).toEqual([]);
    expect((await h.store.listProofs(a))[0]!.voucher).toBe('issuer_request');
    expect((await h.store.listProofs(b))[0]!.voucher).toBe('proof_signature');
  });
});

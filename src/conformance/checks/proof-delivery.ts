// proofs.* (delivery): who may deliver a form-A proof, relayed form B, timestamp bounds, ambiguous references and
// other signature encodings of one proof (docs/profile.md §4).
import { envelopeProblem, expect, expectError, type Json } from '../assert.ts';
import { check, recommended, type Check } from '../check.ts';
import { kitReference } from '../marker.ts';
import type { Exchange } from '../client.ts';
import { deliver, expectAccepted, expectStatus, payable, proofFor, sign, statusOf } from './proof-support.ts';

/** PROFILE is silent on the answer (only on the effect): any refusal must still use the envelope. */
function answered(e: Exchange): void {
  const problem = e.status === 200 ? undefined : envelopeProblem(e);
  expect(problem === undefined, `error envelope: ${problem}`, e);
}

export const proofDeliveryChecks: Check[] = [
  check('proofs.form-a-relayed', 'a form-A proof delivered by a peer that is not its issuer → 400 INVALID_PROOF, order pending; the issuer delivering it afterwards still pays', 'docs/profile.md §4 (who may deliver a proof)', async (kit) => {
    const p = await payable(kit);
    const proof = proofFor(kit, p);
    const payload = { proof, signature: sign(p.issuer, proof, 'A') };
    expectError(await deliver(kit, payload, kit.caller), 400, 'INVALID_PROOF');
    await expectStatus(kit, p.created.id, 'pending', 'a form-A proof relayed by a non-issuer');
    // The refused relay must not occupy (issuer, txid): the genuine delivery is neither a duplicate nor a conflict.
    expectAccepted(await deliver(kit, payload), proof.txid);
    const s = await expectStatus(kit, p.created.id, 'paid', 'the issuer delivering the proof a relay was refused for');
    expect(s.txid === proof.txid, `status.txid is ${JSON.stringify(s.txid)}`);
  }),
  recommended('proofs.form-b-relayed', 'a form-B proof (its signature covers to) relayed by a known peer that is not the issuer → 200 accepted, paid', 'docs/profile.md §4 (who may deliver a proof)', async (kit) => {
    const p = await payable(kit);
    const proof = proofFor(kit, p);
    expectAccepted(await deliver(kit, { proof, signature: sign(p.issuer, proof, 'B') }, kit.caller), proof.txid);
    await expectStatus(kit, p.created.id, 'paid', 'a relayed form-B proof');
  }),
  recommended('proofs.other-encoding', 'the same proof with its signature as 128-hex r‖s, then with v 00/01 → 200 accepted each, no second effect', 'docs/profile.md §1, §4', async (kit) => {
    const p = await payable(kit);
    const proof = proofFor(kit, p);
    const signature = sign(p.issuer, proof, 'A');
    expectAccepted(await deliver(kit, { proof, signature }), proof.txid);
    const first = (await statusOf(kit, p.created.id)).body;
    const rs = signature.slice(0, 128);
    const v = (parseInt(signature.slice(128), 16) - 27).toString(16).padStart(2, '0');
    for (const other of [rs, rs + v]) {
      expectAccepted(await deliver(kit, { proof, signature: other }), proof.txid);
      const { e, body } = await statusOf(kit, p.created.id);
      expect(JSON.stringify(body) === JSON.stringify(first), `status changed on the re-encoded proof: ${JSON.stringify(first)} → ${JSON.stringify(body)}`, e);
    }
  }),
  recommended('proofs.timestamp-future', 'a proof dated a day ahead never becomes paidAt (kept and flagged, not trusted)', 'docs/profile.md §4 (proof timestamps)', async (kit) => {
    const p = await payable(kit);
    const timestamp = kit.now() + 86_400;
    const proof = proofFor(kit, p, { timestamp });
    answered(await deliver(kit, { proof, signature: sign(p.issuer, proof, 'B') }));
    const { e, body } = await statusOf(kit, p.created.id);
    expect(body.paidAt !== timestamp, `status.paidAt is the proof's future timestamp ${timestamp}`, e);
  }),
  recommended('proofs.ambiguous-reference', 'a valid proof whose to.reference two orders carry (and no order id) pays neither', 'docs/profile.md §4 (references)', async (kit) => {
    const reference = kitReference('shared', kit.hex(8));
    const a = await payable(kit, { reference });
    const b = await payable(kit, { reference });
    const proof: Json = proofFor(kit, b, { to: { ocid: b.order.ocid, reference } });
    answered(await deliver(kit, { proof, signature: sign(b.issuer, proof, 'B') }));
    for (const o of [a, b]) await expectStatus(kit, o.created.id, 'pending', 'a proof naming a reference two orders carry');
  }),
];

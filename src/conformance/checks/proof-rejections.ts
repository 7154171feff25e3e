// proofs.* (rejections): proofs a merchant must refuse, each leaving the order pending (docs/profile.md §4; docs/opencharge.md §5.3).
import { canonicalProof } from '../../protocol/canonical.ts';
import { check, type Check } from '../check.ts';
import { highSTwin } from '../high-s.ts';
import { bump, deliver, expectAccepted, payable, proofFor, rejected, sign } from './proof-support.ts';
import { foreignCurrency } from './shared.ts';

export const proofRejectionChecks: Check[] = [
  check('proofs.txid-conflict', 'a different proof under a used (issuer, txid) → 400 INVALID_PROOF', 'docs/profile.md §4; docs/opencharge.md §5.3 step 8', async (kit) => {
    const p1 = await payable(kit);
    const first = proofFor(kit, p1);
    expectAccepted(await deliver(kit, { proof: first, signature: sign(p1.issuer, first, 'A') }), first.txid);
    const p2 = await payable(kit);
    const other = proofFor(kit, p2, { txid: first.txid });
    await rejected(kit, p2, { proof: other, signature: sign(p2.issuer, other, 'B') }, 400, 'INVALID_PROOF');
  }),
  check('proofs.issuer-not-accepted', 'a proof from an issuer the order does not accept (random OCID, fresh key) → 400 ISSUER_NOT_ACCEPTED', 'docs/profile.md §4; docs/opencharge.md §5.3 step 3', async (kit) => {
    const p = await payable(kit);
    const stranger = kit.randomOcid([...(p.order.accepts as number[]), kit.caller.ocid]);
    const proof = proofFor(kit, p, { issuer: stranger });
    const signature = kit.signerFor(kit.freshKey(), stranger).signCanonical(canonicalProof(proof, 'A'));
    // Sent by the caller: the stranger cannot authenticate to the target.
    await rejected(kit, p, { proof, signature }, 400, 'ISSUER_NOT_ACCEPTED', kit.caller);
  }),
  check('proofs.bad-signature', 'a proof changed after signing (txid) → 400 PROOF_SIGNATURE_INVALID', 'docs/profile.md §4; docs/opencharge.md §5.3 step 5', async (kit) => {
    const p = await payable(kit);
    const proof = proofFor(kit, p);
    const signature = sign(p.issuer, proof, 'A');
    await rejected(kit, p, { proof: { ...proof, txid: `${proof.txid as string}x` }, signature }, 400, 'PROOF_SIGNATURE_INVALID');
  }),
  check('proofs.wrong-key', 'a proof naming the accepted issuer but signed with another key → 400 PROOF_SIGNATURE_INVALID', 'docs/profile.md §4; docs/opencharge.md §5.3 step 5', async (kit) => {
    const p = await payable(kit);
    const proof = proofFor(kit, p);
    await rejected(kit, p, { proof, signature: kit.signerFor(kit.freshKey()).signCanonical(canonicalProof(proof, 'B')) }, 400, 'PROOF_SIGNATURE_INVALID');
  }),
  check('proofs.high-s', 'the high-S twin of a valid proof signature → 400 PROOF_SIGNATURE_INVALID', 'docs/profile.md §1, §4', async (kit) => {
    const p = await payable(kit);
    const proof = proofFor(kit, p);
    await rejected(kit, p, { proof, signature: highSTwin(sign(p.issuer, proof, 'A')) }, 400, 'PROOF_SIGNATURE_INVALID');
  }),
  check('proofs.wrong-recipient', 'a valid proof (form B) paying another OCID → 400 INVALID_PROOF', 'docs/profile.md §4; docs/opencharge.md §5.3 step 6', async (kit) => {
    const p = await payable(kit);
    const proof = proofFor(kit, p, { to: { ocid: (p.order.ocid as number) + 1, reference: p.created.id } });
    await rejected(kit, p, { proof, signature: sign(p.issuer, proof, 'B') }, 400, 'INVALID_PROOF');
  }),
  check('proofs.amount-mismatch', 'a valid proof for another amount → 400 AMOUNT_MISMATCH, order stays pending', 'docs/profile.md §4; docs/opencharge.md §5.3 step 7', async (kit) => {
    const p = await payable(kit);
    const proof = proofFor(kit, p, { amount: bump(String(p.order.amount)) });
    await rejected(kit, p, { proof, signature: sign(p.issuer, proof, 'A') }, 400, 'AMOUNT_MISMATCH');
  }),
  check('proofs.currency-mismatch', 'a valid proof in another currency → 400 CURRENCY_MISMATCH, order stays pending', 'docs/profile.md §4; docs/opencharge.md §5.3 step 7', async (kit) => {
    const p = await payable(kit);
    const proof = proofFor(kit, p, { currency: await foreignCurrency(kit) });
    await rejected(kit, p, { proof, signature: sign(p.issuer, proof, 'A') }, 400, 'CURRENCY_MISMATCH');
  }),
];

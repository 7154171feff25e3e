// proofs.*: valid transfer proofs on POST /transfer/webhook — accepted, replayed, late (docs/profile.md §4; docs/opencharge.md §5).
import { envelopeProblem, expect, expectError, skip, type Json } from '../assert.ts';
import { check, recommended, type Check } from '../check.ts';
import { kitReference } from '../marker.ts';
import { deliver, expectAccepted, expectStatus, needIssuer, paidWith, payable, proofFor, sign, statusOf, HOOK } from './proof-support.ts';
import { waitPast } from './shared.ts';

export const proofChecks: Check[] = [
  check('proofs.malformed', 'a webhook body without a well-formed proof → 400 INVALID_PROOF', 'docs/opencharge.md §5.1, §5.3 step 2', async (kit) => {
    expectError(await kit.signed('POST', HOOK, JSON.stringify({ proof: { txid: 42, issuer: 'x' }, signature: 'ab' })), 400, 'INVALID_PROOF');
  }),
  check('proofs.accepted-form-a', 'a proof signed in form A (top-level key list) → 200 accepted, order paid with its txid', 'docs/profile.md §4; docs/opencharge.md §5.2 (A), §5.3', (kit) => paidWith(kit, 'A')),
  check('proofs.accepted-form-b', 'a proof signed in form B (keys sorted at all levels) → 200 accepted, order paid', 'docs/profile.md §4; docs/opencharge.md §5.2 (B), §5.3', (kit) => paidWith(kit, 'B')),
  check('proofs.replayed', 'the same proof again → 200 accepted, no second effect (status, txid, paidAt and the order unchanged)', 'docs/profile.md §4; docs/opencharge.md §5.3 step 8', async (kit) => {
    const p = await payable(kit);
    const proof = proofFor(kit, p);
    const payload = { proof, signature: sign(p.issuer, proof, 'A') };
    const orderPath = `/orders/${encodeURIComponent(p.created.id)}`;
    expectAccepted(await deliver(kit, payload), proof.txid);
    const first = (await statusOf(kit, p.created.id)).body;
    const before = await kit.plain('GET', orderPath);
    expectAccepted(await deliver(kit, payload), proof.txid);
    const { e, body: second } = await statusOf(kit, p.created.id);
    expect(JSON.stringify(second) === JSON.stringify(first) && second.status === 'paid', `status changed on the replay: ${JSON.stringify(first)} → ${JSON.stringify(second)}`, e);
    const after = await kit.plain('GET', orderPath);
    expect(after.status === before.status && after.text === before.text, 'GET /orders/{id} changed after a replayed proof', after);
  }),
  check('proofs.concurrent-replay', 'one proof delivered 5 times at once → all 200 accepted, the order paid once with its txid', 'docs/profile.md §4; docs/opencharge.md §5.3 step 8', async (kit) => {
    const p = await payable(kit);
    const proof = proofFor(kit, p);
    const payload = { proof, signature: sign(p.issuer, proof, 'B') };
    const all = await Promise.all(Array.from({ length: 5 }, () => deliver(kit, payload)));
    for (const e of all) expectAccepted(e, proof.txid);
    const s = await expectStatus(kit, p.created.id, 'paid', 'concurrent deliveries of one proof');
    expect(s.txid === proof.txid, `status.txid is ${JSON.stringify(s.txid)}`);
  }),
  check('proofs.paid-stays-paid', 'a second valid proof (new txid) for a paid order leaves it paid with the first txid', 'docs/profile.md §4 (nothing leaves paid)', async (kit) => {
    const p = await payable(kit);
    const first = proofFor(kit, p);
    expectAccepted(await deliver(kit, { proof: first, signature: sign(p.issuer, first, 'A') }), first.txid);
    const second = proofFor(kit, p);
    const e = await deliver(kit, { proof: second, signature: sign(p.issuer, second, 'A') });
    // The answer is the target's choice (PROFILE is silent); a refusal must still use the envelope.
    const problem = e.status === 200 ? undefined : envelopeProblem(e);
    expect(problem === undefined, `error envelope: ${problem}`, e);
    const s = await expectStatus(kit, p.created.id, 'paid', 'a second payment');
    expect(s.txid === first.txid, `status.txid moved from ${JSON.stringify(first.txid)} to ${JSON.stringify(s.txid)}`);
  }),
  check('proofs.amount-by-value', 'a proof amount equal by value but written differently ("12.000" for "12.00") → 200 accepted, paid', 'docs/profile.md §1 (amounts compared by value), §4', async (kit) => {
    const p = await payable(kit);
    const a = String(p.order.amount);
    const proof = proofFor(kit, p, { amount: a.includes('.') ? `${a}0` : `${a}.0` });
    expectAccepted(await deliver(kit, { proof, signature: sign(p.issuer, proof, 'A') }), proof.txid);
    await expectStatus(kit, p.created.id, 'paid', 'a proof with an equal amount');
  }),
  recommended('proofs.match-by-reference', "a proof whose to.reference is the order's reference (not its id) pays that order", 'docs/profile.md §4; docs/opencharge.md §5.3 step 7, §9.18', async (kit) => {
    const reference = kitReference('ref', kit.hex(8));
    const p = await payable(kit, { reference });
    const proof = proofFor(kit, p, { to: { ocid: p.order.ocid, reference } });
    expectAccepted(await deliver(kit, { proof, signature: sign(p.issuer, proof, 'B') }), proof.txid);
    await expectStatus(kit, p.created.id, 'paid', 'a proof naming the order reference');
  }),
  recommended('proofs.unknown-reference', 'a valid proof whose to.reference matches no order → 200 accepted (kept for reconciliation)', 'docs/profile.md §4; docs/opencharge.md §5.3 step 7, §9.13', async (kit) => {
    const issuer = needIssuer(kit);
    const m = await kit.facts.metadata();
    if (!m.ok) skip(`needs settlement.accepts from metadata: ${m.reason}`);
    if (!m.accepts.includes(issuer.ocid)) skip(`issuer ${issuer.ocid} is not in metadata settlement.accepts, which governs proofs without an order`);
    const ocid = await kit.facts.merchantOcid();
    if (ocid === undefined) skip('the merchant OCID is unknown (give --merchant-ocid)');
    const currency = await kit.facts.currency();
    const proof: Json = {
      txid: `conf_tx_${kit.hex(10)}`,
      issuer: issuer.ocid,
      from: { ocid: kit.caller.ocid },
      to: { ocid, reference: `conf_unknown_${kit.hex(8)}` },
      amount: '1.00',
      currency,
      timestamp: kit.now(),
    };
    expectAccepted(await deliver(kit, { proof, signature: sign(issuer, proof, 'A') }), proof.txid);
  }),
  recommended('proofs.late', 'a valid proof for an expired order → 200 accepted, the order stays expired', 'docs/profile.md §4; docs/opencharge.md §9.15', async (kit) => {
    needIssuer(kit);
    const expiresAt = kit.now() + 2;
    const p = await payable(kit, { expiresAt });
    await waitPast(kit, expiresAt);
    await expectStatus(kit, p.created.id, 'expired', 'its expiresAt passed');
    const proof = proofFor(kit, p);
    expectAccepted(await deliver(kit, { proof, signature: sign(p.issuer, proof, 'A') }), proof.txid);
    await expectStatus(kit, p.created.id, 'expired', 'a late proof');
  }),
];

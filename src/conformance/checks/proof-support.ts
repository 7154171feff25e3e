// What the proof checks share: an order the kit's issuer may pay, proofs for it, delivery and the status afterwards.
import { canonicalProof, type ProofForm } from '../../protocol/canonical.ts';
import { formatAmount, fractionDigits, parseAmount } from '../../protocol/amount.ts';
import { expect, expectError, expectJson, skip, type Json } from '../assert.ts';
import type { Exchange } from '../client.ts';
import type { Identity, Kit } from '../context.ts';
import type { CreatedOrder } from '../target.ts';

export const HOOK = '/transfer/webhook';

export interface Payable {
  issuer: Identity;
  created: CreatedOrder;
  order: Json;
}

export function needIssuer(kit: Kit): Identity {
  if (!kit.issuer) skip('no issuer key given (--issuer-ocid N --issuer-key HEX): proofs cannot be signed');
  return kit.issuer;
}

/** A fresh pending order whose `accepts` names the kit's issuer. */
export async function payable(kit: Kit, over: Json = {}): Promise<Payable> {
  const issuer = needIssuer(kit);
  const created = await kit.facts.createOrder(over);
  const accepts = created.order.accepts;
  if (!Array.isArray(accepts) || !accepts.includes(issuer.ocid))
    skip(`the target does not accept issuer ${issuer.ocid} (order.accepts = ${JSON.stringify(accepts)}): add it to settlement.accepts (OC_ACCEPTS)`);
  return { issuer, created, order: created.order };
}

export function proofFor(kit: Kit, p: Payable, over: Json = {}): Json {
  const proof: Json = {
    txid: `conf_tx_${kit.hex(10)}`,
    issuer: p.issuer.ocid,
    from: { ocid: kit.caller.ocid, reference: `conf_wallet_${kit.hex(4)}` },
    to: { ocid: p.order.ocid, reference: p.created.id },
    amount: p.order.amount,
    currency: p.order.currency,
    timestamp: kit.now(),
    memo: 'Opencharge conformance kit',
  };
  return { ...proof, ...over };
}

export const sign = (who: Identity, proof: Json, form: ProofForm) => who.signer.signCanonical(canonicalProof(proof, form));

/** Sends `{proof, signature}`, signed as the issuer (the party that notifies in every documented flow) unless `as` says otherwise. */
export const deliver = (kit: Kit, payload: Json, as?: Identity) => kit.signed('POST', HOOK, JSON.stringify(payload), { as: as ?? kit.issuer });

export function expectAccepted(e: Exchange, txid: unknown): void {
  const body = expectJson(e, 200);
  expect(body.status === 'accepted' && body.txid === txid, `expected {"status":"accepted","txid":${JSON.stringify(txid)}}`, e);
}

export async function statusOf(kit: Kit, id: string): Promise<{ e: Exchange; body: Json }> {
  const e = await kit.plain('GET', `/orders/${encodeURIComponent(id)}/status`);
  return { e, body: expectJson(e, 200) };
}

export async function expectStatus(kit: Kit, id: string, status: string, why: string): Promise<Json> {
  const { e, body } = await statusOf(kit, id);
  expect(body.status === status, `after ${why} the order should be ${status}, status says ${JSON.stringify(body.status)}`, e);
  return body;
}

export async function paidWith(kit: Kit, form: ProofForm): Promise<void> {
  const p = await payable(kit);
  const proof = proofFor(kit, p);
  expectAccepted(await deliver(kit, { proof, signature: sign(p.issuer, proof, form) }), proof.txid);
  const s = await expectStatus(kit, p.created.id, 'paid', `an accepted proof (form ${form})`);
  expect(s.txid === proof.txid, `status.txid is ${JSON.stringify(s.txid)}, expected ${JSON.stringify(proof.txid)}`);
  expect(Number.isSafeInteger(s.paidAt), 'status.paidAt must be Unix seconds once paid');
}

/** A rejected proof leaves the order pending. */
export async function rejected(kit: Kit, p: Payable, payload: Json, status: number, code: string, as?: Identity): Promise<void> {
  expectError(await deliver(kit, payload, as), status, code);
  await expectStatus(kit, p.created.id, 'pending', `a rejected proof (${code})`);
}

export const bump = (amount: string) => formatAmount(parseAmount(amount)! + parseAmount('1')!, fractionDigits(amount));

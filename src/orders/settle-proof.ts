// opencharge.md §5.3 steps 3-9 for one well-formed proof, whoever brought it: the issuer's own webhook, a
// relaying peer (form A: confirmed with the issuer first), or the merchant recovering a missed payment.
import { canonicalProof, canonicalSorted, type ProofForm } from '../protocol/canonical.ts';
import { sha256Hex } from '../protocol/hex.ts';
import { normalizedSignature, verifyCanonical } from '../protocol/signature.ts';
import type { OrderRecord } from '../store/types.ts';
import type { ProofVerdict } from './types.ts';
import { confirmByIssuer } from './confirm-relay.ts';
import type { OrderDeps } from './deps.ts';
import type { ProofCarrier } from './proof-shape.ts';
import { decide, voucherFor } from './proof-policy.ts';
import { fail, ok, type Result } from './result.ts';

export interface ProofDelivery extends ProofCarrier {
  /** Who brought it: the signed request's X-OC-ID, or 0 for the merchant's own recovery. */
  senderOcid: number;
  /** The proof came in the issuer's own signed /verify answer (payment recovery). */
  confirmedByIssuer?: boolean;
  /** Recovery for one order: a proof naming another order (or none) is refused before anything is stored. */
  orderId?: string;
}

export interface Settled {
  verdict: ProofVerdict;
  /** The same proof was already stored: nothing happened this time. */
  repeat: boolean;
  form: ProofForm;
  /** When the proof was recorded (Unix seconds): the timestamp bounds were judged against it. */
  now: number;
  /** The matched order, after the settlement. */
  order?: OrderRecord;
  /** For a refused form-A relay: why its issuer did not confirm it. */
  notConfirmed?: string;
}

/** The issuers an order accepts, from its signed JSON; total: stored JSON of another shape accepts none. */
export function acceptsOf(order: OrderRecord | undefined, deps: OrderDeps): number[] {
  if (!order) return deps.merchant.accepts;
  let signed: unknown;
  try {
    signed = JSON.parse(order.orderJson);
  } catch {
    return [];
  }
  const accepts = typeof signed === 'object' && signed !== null ? (signed as { accepts?: unknown }).accepts : undefined;
  return Array.isArray(accepts) ? accepts.filter((a): a is number => Number.isSafeInteger(a) && a > 0) : [];
}

/** How many orders sharing one `reference` are named in an ambiguity notification (two already settle nothing). */
const AMBIGUOUS_LIMIT = 10;

/** 7. `to.reference` is an order id first; else an order `reference`, only when exactly one order carries it (PROFILE §4). */
async function matchOrder(deps: OrderDeps, ref: string | undefined): Promise<{ order?: OrderRecord; ambiguous: OrderRecord[] }> {
  if (!ref) return { ambiguous: [] };
  const byId = await deps.store.getOrder(ref);
  if (byId) return { order: byId, ambiguous: [] };
  const byRef = await deps.store.findOrdersByReference(ref, AMBIGUOUS_LIMIT);
  return byRef.length === 1 ? { order: byRef[0], ambiguous: [] } : { ambiguous: byRef };
}

export async function settleProof(deps: OrderDeps, input: ProofDelivery): Promise<Result<Settled>> {
  const { proof, signature } = input;
  // 7 (looked up early: the order's `accepts` governs the issuer check, PROFILE §4).
  const { order, ambiguous } = await matchOrder(deps, proof.to.reference);
  if (input.orderId !== undefined && order?.id !== input.orderId)
    return fail('INVALID_STATE', `the issuer's proof of txid ${proof.txid} is not for order ${input.orderId} (its to.reference is ${JSON.stringify(proof.to.reference ?? null)}): nothing recorded`, {
      orderId: input.orderId,
      reference: proof.to.reference ?? null,
    });
  // 3. issuer accepted
  if (!acceptsOf(order, deps).includes(proof.issuer))
    return fail('ISSUER_NOT_ACCEPTED', `Proof issuer OCID ${proof.issuer} is not in accepted settlement sources`, { issuer: proof.issuer });
  // 4. issuer key
  let key = await deps.resolver.resolve(proof.issuer);
  if (!key.ok) return fail('METADATA_UNAVAILABLE', `cannot resolve the key of issuer ${proof.issuer}: ${key.reason}`, { issuer: proof.issuer });
  // 5. proof signature under both documented canonicalisations (§5.2 A and B); B first: it also covers `to`.
  const raw = proof as Record<string, unknown>;
  const matchForm = (k: Uint8Array): ProofForm | undefined =>
    (['B', 'A'] as const).find((f) => verifyCanonical(deps.backend, k, canonicalProof(raw, f), signature).valid);
  let form = matchForm(key.key);
  if (!form && key.cached) {
    const fresh = await deps.resolver.resolve(proof.issuer, { refresh: true });
    if (fresh.ok) form = matchForm((key = fresh).key);
  }
  if (!form) return fail('PROOF_SIGNATURE_INVALID', 'proof signature does not verify under either canonicalisation', { issuer: proof.issuer });
  // 6. recipient (for a form-A proof, authentic only when the issuer vouches for it: see the voucher)
  if (proof.to.ocid !== deps.merchant.ocid) return fail('INVALID_PROOF', 'Wrong recipient', { to: proof.to.ocid });
  let voucher = voucherFor(form, input.senderOcid, proof.issuer, input.confirmedByIssuer);
  let notConfirmed: string | undefined;
  if (!voucher) {
    // A form-A relay: only the issuer's signed answer about this txid can vouch for its `to`.
    const asked = await confirmByIssuer(deps, proof);
    if (asked.confirmed) voucher = voucherFor(form, input.senderOcid, proof.issuer, true);
    else notConfirmed = asked.why;
  }
  // 8-9. idempotency, settlement and storage in one transaction
  const now = deps.now();
  const outcome = await deps.store.recordProof(
    {
      issuer: proof.issuer,
      txid: proof.txid,
      senderOcid: input.senderOcid,
      orderId: order?.id ?? null,
      proofJson: JSON.stringify(proof),
      signature,
      // The signature's r‖s, not its encoding: the same proof with 128 or 130 hex, any v or case is one proof.
      proofHash: sha256Hex(canonicalSorted({ proof, signature: normalizedSignature(signature) })),
      form,
      voucher: voucher ?? null,
      receivedAt: now,
    },
    decide(deps, { proof, voucher, ambiguous, now }),
  );
  if (outcome.kind === 'conflict') return fail('INVALID_PROOF', `txid ${proof.txid} of issuer ${proof.issuer} was already used by a different proof`);
  const verdict = outcome.kind === 'stored' ? outcome.decision.verdict : outcome.proof.verdict;
  const repeat = outcome.kind === 'duplicate';
  deps.metrics.proofs.inc({ verdict: repeat ? 'repeat' : verdict });
  if (outcome.kind === 'stored' && outcome.decision.change?.to === 'paid') deps.metrics.ordersPaid.inc({ via: 'proof' });
  deps.log.info('transfer proof', { issuer: proof.issuer, txid: proof.txid, orderId: order?.id, sender: input.senderOcid, form, voucher, verdict, repeat });
  const after = outcome.kind === 'stored' ? (outcome.order ?? order) : order;
  const settled: Settled = { verdict, repeat, form, now };
  if (after) settled.order = after;
  if (notConfirmed !== undefined) settled.notConfirmed = notConfirmed;
  return ok(settled);
}

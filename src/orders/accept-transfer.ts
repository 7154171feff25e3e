// POST /transfer/webhook (PROFILE §4; opencharge.md §5.3): verify a transfer proof and settle the order.
import { z } from 'zod';
import { AMOUNT_RE } from '../protocol/amount.ts';
import { canonicalProof, canonicalSorted, type ProofForm } from '../protocol/canonical.ts';
import { sha256Hex } from '../protocol/hex.ts';
import { normalizedSignature, verifyCanonical } from '../protocol/signature.ts';
import type { OrderRecord } from '../store/types.ts';
import { fail, ok, type Result } from './result.ts';
import type { OrderDeps } from './deps.ts';
import { FORM_A_REASON, TIMESTAMP_REASON, decide, timestampBounds, voucherFor } from './proof-policy.ts';

// No NUL in stored text: PostgreSQL text cannot hold it.
const NO_NUL = /^[^\u0000]*$/;
const party = z.object({ ocid: z.number().int().positive(), reference: z.string().max(256).regex(NO_NUL, 'must not contain NUL').optional() }).loose();
export const proofSchema = z
  .object({
    txid: z.string().min(1).max(256).regex(NO_NUL, 'must not contain NUL'),
    issuer: z.number().int().positive(),
    from: party,
    to: party,
    amount: z.string().regex(AMOUNT_RE, 'must be a decimal string'),
    currency: z.string().regex(/^[A-Z0-9]{3,5}$/),
    timestamp: z.number().int().positive(),
    memo: z.string().max(1000).optional(),
  })
  .loose();
export const webhookBody = z.object({ proof: proofSchema, signature: z.string() }).loose();

export interface TransferAccepted {
  body: { status: 'accepted'; txid: string };
}

function accepts(order: OrderRecord | undefined, deps: OrderDeps): number[] {
  if (!order) return deps.merchant.accepts;
  const signed = JSON.parse(order.orderJson) as { accepts?: number[] };
  return signed.accepts ?? [];
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

export async function acceptTransfer(deps: OrderDeps, input: { senderOcid: number; body: unknown }): Promise<Result<TransferAccepted>> {
  // 2. structure
  const parsed = webhookBody.safeParse(input.body);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    return fail('INVALID_PROOF', `proof structure is malformed: ${issues[0]!.path || 'body'}: ${issues[0]!.message}`, { issues });
  }
  const { proof, signature } = parsed.data;
  // 7 (looked up early: the order's `accepts` governs the issuer check, PROFILE §4).
  const { order, ambiguous } = await matchOrder(deps, proof.to.reference);
  // 3. issuer accepted
  if (!accepts(order, deps).includes(proof.issuer))
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
  // 6. recipient (for a form-A proof, authentic only when the issuer itself delivers it: see the voucher)
  if (proof.to.ocid !== deps.merchant.ocid) return fail('INVALID_PROOF', 'Wrong recipient', { to: proof.to.ocid });
  const voucher = voucherFor(form, input.senderOcid, proof.issuer);
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
      receivedAt: now,
    },
    decide(deps, { proof, voucher, ambiguous, now }),
  );
  if (outcome.kind === 'conflict') return fail('INVALID_PROOF', `txid ${proof.txid} of issuer ${proof.issuer} was already used by a different proof`);
  const verdict = outcome.kind === 'stored' ? outcome.decision.verdict : outcome.proof.verdict;
  deps.metrics.proofs.inc({ verdict: outcome.kind === 'stored' ? verdict : 'repeat' });
  if (outcome.kind === 'stored' && outcome.decision.change?.to === 'paid') deps.metrics.ordersPaid.inc({ via: 'proof' });
  deps.log.info('transfer proof', { issuer: proof.issuer, txid: proof.txid, orderId: order?.id, sender: input.senderOcid, form, verdict, repeat: outcome.kind === 'duplicate' });
  if (verdict === 'form_a_not_from_issuer')
    return fail('INVALID_PROOF', `the proof signature covers form A only, which does not sign from/to: it settles an order only when issuer ${proof.issuer} sends it itself (sent by ${input.senderOcid})`, {
      reason: FORM_A_REASON,
      issuer: proof.issuer,
      sender: input.senderOcid,
    });
  if (verdict === 'timestamp_out_of_range') {
    const bounds = timestampBounds(deps.config.timestampWindow, now, order);
    return fail('INVALID_PROOF', `proof timestamp ${proof.timestamp} is outside the accepted range (order creation − window to now + window)`, { reason: TIMESTAMP_REASON, timestamp: proof.timestamp, ...bounds });
  }
  if (verdict === 'currency_mismatch')
    return fail('CURRENCY_MISMATCH', `proof currency ${proof.currency} does not match the order`, { expected: order?.currency });
  if (verdict === 'amount_mismatch')
    return fail('AMOUNT_MISMATCH', `proof amount ${proof.amount} does not match the order`, { expected: order?.amount });
  return ok({ body: { status: 'accepted', txid: proof.txid } });
}

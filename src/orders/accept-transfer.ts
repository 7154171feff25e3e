// POST /transfer/webhook (PROFILE §4; opencharge.md §5.3): verify a transfer proof and settle the order.
import { z } from 'zod';
import { AMOUNT_RE, sameAmount } from '../protocol/amount.ts';
import { canonicalProof, canonicalSorted, type ProofForm } from '../protocol/canonical.ts';
import { sha256Hex } from '../protocol/hex.ts';
import { verifyCanonical } from '../protocol/signature.ts';
import type { OrderRecord, ProofDecision } from '../store/types.ts';
import { fail, ok, type Result } from './result.ts';
import { outboxFor, type OrderDeps } from './deps.ts';
import { effectiveStatus } from './get-order.ts';

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
const webhookBody = z.object({ proof: proofSchema, signature: z.string() }).loose();

export interface TransferAccepted {
  body: { status: 'accepted'; txid: string };
}

function accepts(order: OrderRecord | undefined, deps: OrderDeps): number[] {
  if (!order) return deps.merchant.accepts;
  const signed = JSON.parse(order.orderJson) as { accepts?: number[] };
  return signed.accepts ?? [];
}

/** The pure settlement policy, run inside the store's transaction against the order's current state. */
function decide(deps: OrderDeps, proof: z.infer<typeof proofSchema>, now: number) {
  return (order: OrderRecord | undefined): ProofDecision => {
    if (!order) return { verdict: 'unmatched', outbox: [] };
    const base = { orderId: order.id, txid: proof.txid, issuer: proof.issuer, amount: proof.amount, currency: proof.currency };
    if (proof.currency !== order.currency || !sameAmount(proof.amount, order.amount)) {
      const verdict = proof.currency !== order.currency ? 'currency_mismatch' : 'amount_mismatch';
      const data = { ...base, reason: verdict, expected: { amount: order.amount, currency: order.currency } };
      return { verdict, change: { from: order.status, paymentMismatch: true }, outbox: [outboxFor(deps, order.id, 'order.payment_mismatch', data)] };
    }
    const status = effectiveStatus(order, now);
    if (status === 'pending') {
      const change = { from: 'pending' as const, to: 'paid' as const, paidAt: proof.timestamp, txid: proof.txid };
      return { verdict: 'accepted', change, outbox: [outboxFor(deps, order.id, 'order.paid', { ...base, status: 'paid', paidAt: proof.timestamp })] };
    }
    if (status === 'paid') {
      // A second payment for a paid order: the money moved, the merchant must see it.
      const data = { ...base, reason: 'already_paid', paidTxid: order.txid };
      return { verdict: 'duplicate_order', change: { from: 'paid', paymentMismatch: true }, outbox: [outboxFor(deps, order.id, 'order.payment_mismatch', data)] };
    }
    // Expired or cancelled: store it, keep the status, flag paidLate (PROFILE §4).
    const outbox = [outboxFor(deps, order.id, 'order.paid_late', { ...base, status })];
    if (order.status === 'pending') outbox.unshift(outboxFor(deps, order.id, 'order.expired', { orderId: order.id, status: 'expired' }));
    return { verdict: 'late', change: { from: order.status, to: status, paidLate: true }, outbox };
  };
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
  const ref = proof.to.reference;
  const order = ref ? ((await deps.store.getOrder(ref)) ?? (await deps.store.findOrderByReference(ref))) : undefined;
  // 3. issuer accepted
  if (!accepts(order, deps).includes(proof.issuer))
    return fail('ISSUER_NOT_ACCEPTED', `Proof issuer OCID ${proof.issuer} is not in accepted settlement sources`, { issuer: proof.issuer });
  // 4. issuer key
  let key = await deps.resolver.resolve(proof.issuer);
  if (!key.ok) return fail('METADATA_UNAVAILABLE', `cannot resolve the key of issuer ${proof.issuer}: ${key.reason}`, { issuer: proof.issuer });
  // 5. proof signature under both documented canonicalisations (§5.2 A and B)
  const raw = proof as Record<string, unknown>;
  const matchForm = (k: Uint8Array): ProofForm | undefined =>
    (['A', 'B'] as const).find((f) => verifyCanonical(deps.backend, k, canonicalProof(raw, f), signature).valid);
  let form = matchForm(key.key);
  if (!form && key.cached) {
    const fresh = await deps.resolver.resolve(proof.issuer, { refresh: true });
    if (fresh.ok) form = matchForm((key = fresh).key);
  }
  if (!form) return fail('PROOF_SIGNATURE_INVALID', 'proof signature does not verify under either canonicalisation', { issuer: proof.issuer });
  // 6. recipient
  if (proof.to.ocid !== deps.merchant.ocid) return fail('INVALID_PROOF', 'Wrong recipient', { to: proof.to.ocid });
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
      proofHash: sha256Hex(canonicalSorted({ proof, signature: signature.toLowerCase() })),
      form,
      receivedAt: now,
    },
    decide(deps, proof, now),
  );
  if (outcome.kind === 'conflict') return fail('INVALID_PROOF', `txid ${proof.txid} of issuer ${proof.issuer} was already used by a different proof`);
  const verdict = outcome.kind === 'stored' ? outcome.decision.verdict : outcome.proof.verdict;
  deps.log.info('transfer proof', { issuer: proof.issuer, txid: proof.txid, orderId: order?.id, form, verdict, repeat: outcome.kind === 'duplicate' });
  if (verdict === 'currency_mismatch')
    return fail('CURRENCY_MISMATCH', `proof currency ${proof.currency} does not match the order`, { expected: order?.currency });
  if (verdict === 'amount_mismatch')
    return fail('AMOUNT_MISMATCH', `proof amount ${proof.amount} does not match the order`, { expected: order?.amount });
  return ok({ body: { status: 'accepted', txid: proof.txid } });
}

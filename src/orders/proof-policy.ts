// The pure settlement policy for a verified transfer proof (PROFILE §4): who vouches for `to`, the timestamp
// bound, ambiguous references and mismatches; paid, late and second payments by decidePayment. Run inside the store's transaction.
import { sameAmount } from '../protocol/amount.ts';
import type { ProofForm } from '../protocol/canonical.ts';
import type { OrderRecord, ProofDecision } from '../store/types.ts';
import type { ProofVerdict, ProofVoucher } from './types.ts';
import { outboxFor, type OrderDeps } from './deps.ts';
import { decidePayment, type PaymentOutcome } from './decide-payment.ts';

/** `details.reason` of a refused form-A relay (a public contract: exact text, then why the issuer did not confirm it). */
export const FORM_A_REASON = 'a form-A proof must be delivered by its issuer';
export const TIMESTAMP_REASON = 'proof timestamp is outside the accepted range';

export const notConfirmedReason = (why: string) => `${FORM_A_REASON}; the issuer did not confirm it: ${why}`;

/**
 * What authenticates the proof's `to` (recipient and reference): form B's own signature covers it; a
 * form-A-only signature covers `{}` there, so only the issuer's own request signature over the raw body does,
 * or the issuer's signed answer to GET /verify/{txid} returning this very proof (`confirmedByIssuer`).
 * Undefined: nothing does, and the proof settles nothing.
 */
export type ToVoucher = ProofVoucher;

export function voucherFor(form: ProofForm, senderOcid: number, issuer: number, confirmedByIssuer = false): ToVoucher | undefined {
  if (form === 'B') return 'proof_signature';
  if (senderOcid === issuer) return 'issuer_request';
  return confirmedByIssuer ? 'issuer_confirmed' : undefined;
}

export interface PolicyProof {
  txid: string;
  issuer: number;
  amount: string;
  currency: string;
  timestamp: number;
}

export interface PolicyInput {
  proof: PolicyProof;
  voucher: ToVoucher | undefined;
  /** Orders that carry `to.reference` when it named no order id and more than one does (nothing settles). */
  ambiguous: readonly OrderRecord[];
  now: number;
}

/** The accepted proof timestamps for an order (PROFILE §4): [createdAt − window, now + window]. */
export function timestampBounds(window: number, now: number, order?: Pick<OrderRecord, 'createdAt'>): { notBefore?: number; notAfter: number } {
  return order ? { notBefore: order.createdAt - window, notAfter: now + window } : { notAfter: now + window };
}

/** A proof that matches its order: the verdict of each settlement outcome. */
const VERDICT = { paid: 'accepted', already_paid: 'duplicate_order', late: 'late' } as const satisfies Record<Exclude<PaymentOutcome, 'mismatch'>, ProofVerdict>;

export function decide(deps: OrderDeps, input: PolicyInput) {
  const { proof, now } = input;
  const base = { txid: proof.txid, issuer: proof.issuer, amount: proof.amount, currency: proof.currency };
  return (order: OrderRecord | undefined): ProofDecision => {
    // A refused delivery is kept for review and touches nothing else.
    if (!input.voucher) return { verdict: 'form_a_not_from_issuer', outbox: [] };
    if (input.ambiguous.length > 1) {
      const candidates = input.ambiguous.map((o) => o.id);
      const data = (orderId: string) => ({ orderId, ...base, reason: 'ambiguous_reference', candidates });
      return { verdict: 'ambiguous_reference', outbox: candidates.map((id) => outboxFor(deps, id, 'order.payment_mismatch', data(id))) };
    }
    const bounds = timestampBounds(deps.config.timestampWindow, now, order);
    const outOfRange = proof.timestamp > bounds.notAfter || (bounds.notBefore !== undefined && proof.timestamp < bounds.notBefore);
    if (!order) return { verdict: outOfRange ? 'timestamp_out_of_range' : 'unmatched', outbox: [] };
    // Never used as paidAt unchecked: a proof dated before the order existed, or in the future, pays nothing.
    const wrong: ProofVerdict | undefined = outOfRange
      ? 'timestamp_out_of_range'
      : proof.currency !== order.currency ? 'currency_mismatch' : !sameAmount(proof.amount, order.amount) ? 'amount_mismatch' : undefined;
    const expected = outOfRange ? { ...bounds, timestamp: proof.timestamp } : { amount: order.amount, currency: order.currency };
    const mismatch = wrong && { reason: wrong, expected };
    const d = decidePayment(order, { txid: proof.txid, paidAt: proof.timestamp, facts: { orderId: order.id, ...base }, mismatch }, now);
    const verdict = d.outcome === 'mismatch' ? wrong! : VERDICT[d.outcome];
    return { verdict, change: d.change, outbox: d.events.map((e) => outboxFor(deps, order.id, e.type, e.data)) };
  };
}

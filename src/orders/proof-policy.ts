// The pure settlement policy for a verified transfer proof (PROFILE §4): who vouches for `to`, the timestamp
// bound, ambiguous references, mismatches, late and second payments. Run inside the store's transaction.
import { sameAmount } from '../protocol/amount.ts';
import type { ProofForm } from '../protocol/canonical.ts';
import type { OrderRecord, ProofDecision, ProofVoucher } from '../store/types.ts';
import { outboxFor, type OrderDeps } from './deps.ts';
import { effectiveStatus } from './get-order.ts';

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
    const mismatch = (reason: string, expected: unknown): ProofDecision['outbox'] => [
      outboxFor(deps, order.id, 'order.payment_mismatch', { orderId: order.id, ...base, reason, expected }),
    ];
    // Never used as paidAt unchecked: a proof dated before the order existed, or in the future, pays nothing.
    if (outOfRange)
      return { verdict: 'timestamp_out_of_range', change: { from: order.status, paymentMismatch: true }, outbox: mismatch('timestamp_out_of_range', { ...bounds, timestamp: proof.timestamp }) };
    if (proof.currency !== order.currency || !sameAmount(proof.amount, order.amount)) {
      const verdict = proof.currency !== order.currency ? 'currency_mismatch' : 'amount_mismatch';
      return { verdict, change: { from: order.status, paymentMismatch: true }, outbox: mismatch(verdict, { amount: order.amount, currency: order.currency }) };
    }
    const status = effectiveStatus(order, now);
    const paidBase = { orderId: order.id, ...base };
    if (status === 'pending') {
      const change = { from: 'pending' as const, to: 'paid' as const, paidAt: proof.timestamp, txid: proof.txid };
      return { verdict: 'accepted', change, outbox: [outboxFor(deps, order.id, 'order.paid', { ...paidBase, status: 'paid', paidAt: proof.timestamp })] };
    }
    if (status === 'paid') {
      // A second payment for a paid order: the money moved, the merchant must see it.
      const data = { ...paidBase, reason: 'already_paid', paidTxid: order.txid };
      return { verdict: 'duplicate_order', change: { from: 'paid', paymentMismatch: true }, outbox: [outboxFor(deps, order.id, 'order.payment_mismatch', data)] };
    }
    // Expired or cancelled: store it, keep the status, flag paidLate (PROFILE §4).
    const outbox = [outboxFor(deps, order.id, 'order.paid_late', { ...paidBase, status })];
    if (order.status === 'pending') outbox.unshift(outboxFor(deps, order.id, 'order.expired', { orderId: order.id, status: 'expired' }));
    return { verdict: 'late', change: { from: order.status, to: status, paidLate: true }, outbox };
  };
}

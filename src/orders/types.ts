// The domain's closed vocabularies: order statuses, event types, proof verdicts and vouchers, delivery statuses.
// It imports nothing, so the store can name them without depending on the use cases.

export type OrderStatus = 'pending' | 'paid' | 'expired' | 'cancelled';

export type EventType =
  | 'order.created'
  | 'order.paid'
  | 'order.paid_late'
  | 'order.payment_mismatch'
  | 'order.expired'
  | 'order.cancelled';

/** Payment outcomes: claimed for delivery ahead of every other event, so a flood of `order.created` cannot delay them. */
export const PAYMENT_OUTCOME_EVENTS: readonly EventType[] = ['order.paid', 'order.paid_late', 'order.payment_mismatch'];

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

export type ProofVerdict =
  | 'accepted'
  | 'late'
  | 'amount_mismatch'
  | 'currency_mismatch'
  | 'unmatched'
  | 'duplicate_order'
  /** `to.reference` names no order id and more than one order carries it as `reference`: nothing settled. */
  | 'ambiguous_reference'
  /** The proof timestamp lies beyond now + window, or before the order's createdAt − window. */
  | 'timestamp_out_of_range'
  /** Refused delivery: the signature covers form A only and the request was not signed by the issuer. */
  | 'form_a_not_from_issuer';

/**
 * Verdicts of refused deliveries: kept for review, but they never occupy the proof's (issuer, txid) slot,
 * so a relay that arrives first cannot turn the issuer's genuine delivery into a duplicate or a conflict.
 * The partial unique index `proofs_issuer_txid_idx` (store/schema/sqlite.ts, store/schema/pg.ts) excludes exactly these.
 */
export const REFUSED_DELIVERIES: readonly ProofVerdict[] = ['form_a_not_from_issuer'];
export const isRefusedDelivery = (verdict: string): boolean => (REFUSED_DELIVERIES as readonly string[]).includes(verdict);

/**
 * What authenticates a proof's `to` (PROFILE §4): form B's own signature, the issuer's own request signature
 * over the raw body, or the issuer's signed GET /verify/{txid} answer carrying this very proof.
 */
export type ProofVoucher = 'proof_signature' | 'issuer_request' | 'issuer_confirmed';

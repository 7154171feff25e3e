// The one settlement rule for money that reached an order, whether a transfer proof or a gateway charge brought it
// (PROFILE §4, docs/gateways.md §5): pending → paid, a second payment → flagged, late → flagged (order.expired first). Pure.
import type { OrderChange, OrderRecord } from '../store/types.ts';
import type { EventType } from './types.ts';
import { effectiveStatus } from './get-order.ts';

/** One payment for one order, as its source (proof policy, charge settlement) has already read it. */
export interface Payment {
  /** What the order records as its txid when this payment pays it. */
  txid: string;
  /** The order's paidAt when this payment pays it. */
  paidAt: number;
  /** What every event about this payment carries, `orderId` first (the event data starts with these, in this order). */
  facts: Record<string, unknown>;
  /** The money does not match the order (`reason` and what the merchant needs to see): it pays nothing, the order is flagged. */
  mismatch?: Record<string, unknown> & { reason: string };
  /** It pays, but not exactly (`reason` etc.): a pending order is paid and flagged, with a payment_mismatch after order.paid. */
  excess?: Record<string, unknown> & { reason: string };
}

/** `mismatch`: refused as not matching; `paid`: it paid the order; `already_paid`: a second payment; `late`: after expiry or cancel. */
export type PaymentOutcome = 'mismatch' | 'paid' | 'already_paid' | 'late';

export interface PaymentEvent {
  type: EventType;
  data: Record<string, unknown>;
}

export interface PaymentDecision {
  outcome: PaymentOutcome;
  /** The conditional update: `from` the stored status, `to` the new one (absent: kept), and the flags it sets. */
  change: OrderChange;
  /** The events to emit, in this order. */
  events: PaymentEvent[];
}

export function decidePayment(order: Pick<OrderRecord, 'id' | 'status' | 'expiresAt' | 'txid'>, payment: Payment, now: number): PaymentDecision {
  const { facts } = payment;
  if (payment.mismatch)
    return {
      outcome: 'mismatch',
      change: { from: order.status, paymentMismatch: true },
      events: [{ type: 'order.payment_mismatch', data: { ...facts, ...payment.mismatch } }],
    };
  const status = effectiveStatus(order, now);
  if (status === 'pending') {
    const change: OrderChange = { from: 'pending', to: 'paid', paidAt: payment.paidAt, txid: payment.txid };
    const events: PaymentEvent[] = [{ type: 'order.paid', data: { ...facts, status: 'paid', paidAt: payment.paidAt } }];
    if (payment.excess) {
      change.paymentMismatch = true;
      events.push({ type: 'order.payment_mismatch', data: { ...facts, ...payment.excess } });
    }
    return { outcome: 'paid', change, events };
  }
  if (status === 'paid')
    // A second payment for a paid order: the money moved, the merchant must see it.
    return {
      outcome: 'already_paid',
      change: { from: 'paid', paymentMismatch: true },
      events: [{ type: 'order.payment_mismatch', data: { ...facts, reason: 'already_paid', paidTxid: order.txid } }],
    };
  // Expired or cancelled: keep the status (persisting a derived expiry), flag paidLate (PROFILE §4).
  const events: PaymentEvent[] = [{ type: 'order.paid_late', data: { ...facts, status } }];
  if (order.status === 'pending') events.unshift({ type: 'order.expired', data: { orderId: order.id, status: 'expired' } });
  return { outcome: 'late', change: { from: order.status, to: status, paidLate: true }, events };
}

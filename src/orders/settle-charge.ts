// Applies a gateway charge's re-fetched state to its order (gateways.md §5): paid, under/overpaid, late.
import type { Charge } from '../gateways/types.ts';
import type { ChargeRecord, OrderRecord, Outbox, OrderChange } from '../store/types.ts';
import { outboxFor, type OrderDeps } from './deps.ts';
import { effectiveStatus } from './get-order.ts';

export type SettleOutcome = 'unchanged' | 'updated';

/** The pure policy: what a charge that just reached `status` means for its order, given the order's state. */
function decide(deps: OrderDeps, charge: ChargeRecord, fetched: Charge, now: number) {
  return (order: OrderRecord | undefined): { change?: OrderChange; outbox: Outbox[] } => {
    if (!order) return { outbox: [] };
    const txid = `${charge.gateway}:${charge.reference}`;
    const base = { orderId: order.id, gateway: charge.gateway, reference: charge.reference, txid, gatewayStatus: fetched.gatewayStatus };
    const received = fetched.status === 'paid' || fetched.status === 'overpaid';
    if (fetched.status === 'underpaid') {
      return {
        change: { from: order.status, paymentMismatch: true },
        outbox: [outboxFor(deps, order.id, 'order.payment_mismatch', { ...base, reason: 'underpaid', paidAmount: fetched.paidAmount })],
      };
    }
    if (!received) return { outbox: [] };
    const status = effectiveStatus(order, now);
    if (status === 'pending') {
      const outbox = [outboxFor(deps, order.id, 'order.paid', { ...base, status: 'paid', paidAt: now })];
      if (fetched.status === 'overpaid') outbox.push(outboxFor(deps, order.id, 'order.payment_mismatch', { ...base, reason: 'overpaid', paidAmount: fetched.paidAmount }));
      return { change: { from: 'pending', to: 'paid', paidAt: now, txid, paymentMismatch: fetched.status === 'overpaid' || undefined }, outbox };
    }
    if (status === 'paid') {
      return {
        change: { from: 'paid', paymentMismatch: true },
        outbox: [outboxFor(deps, order.id, 'order.payment_mismatch', { ...base, reason: 'already_paid', paidTxid: order.txid })],
      };
    }
    const outbox = [outboxFor(deps, order.id, 'order.paid_late', { ...base, status })];
    if (order.status === 'pending') outbox.unshift(outboxFor(deps, order.id, 'order.expired', { orderId: order.id, status: 'expired' }));
    return { change: { from: order.status, to: status, paidLate: true }, outbox };
  };
}

/** Race-safe and idempotent: only the caller that moves the charge's status acts on the order. */
export async function settleCharge(deps: OrderDeps, charge: ChargeRecord, fetched: Charge): Promise<SettleOutcome> {
  if (fetched.status === charge.status && fetched.gatewayStatus === charge.gatewayStatus) return 'unchanged';
  const now = deps.now();
  const policy = decide(deps, charge, fetched, now);
  let paid = false; // what the policy chose inside the store's transaction, counted once it committed
  const res = await deps.store.settleCharge(charge.id, charge.status, { status: fetched.status, gatewayStatus: fetched.gatewayStatus, updatedAt: now }, (order) => {
    const d = policy(order);
    paid = d.change?.to === 'paid';
    return d;
  });
  if (res && paid) deps.metrics.ordersPaid.inc({ via: 'gateway' });
  if (res) deps.log.info('gateway charge updated', { gateway: charge.gateway, orderId: charge.orderId, from: charge.status, to: fetched.status });
  return res ? 'updated' : 'unchanged';
}

// Applies a gateway charge's re-fetched state to its order (docs/gateways.md §5): paid, under/overpaid, late.
import type { Charge } from '../gateways/types.ts';
import type { ChargeRecord, OrderRecord, Outbox, OrderChange } from '../store/types.ts';
import { outboxFor, type OrderDeps } from './deps.ts';
import { decidePayment } from './decide-payment.ts';

export type SettleOutcome = 'unchanged' | 'updated';

/** What a charge that just reached `status` means for its order: the shared settlement rule (decide-payment.ts). */
function decide(deps: OrderDeps, charge: ChargeRecord, fetched: Charge, now: number) {
  return (order: OrderRecord | undefined): { change?: OrderChange; outbox: Outbox[] } => {
    if (!order) return { outbox: [] };
    const txid = `${charge.gateway}:${charge.reference}`;
    const facts = { orderId: order.id, gateway: charge.gateway, reference: charge.reference, txid, gatewayStatus: fetched.gatewayStatus };
    const underpaid = fetched.status === 'underpaid';
    if (!underpaid && fetched.status !== 'paid' && fetched.status !== 'overpaid') return { outbox: [] };
    const d = decidePayment(
      order,
      {
        txid,
        paidAt: now,
        facts,
        mismatch: underpaid ? { reason: 'underpaid', paidAmount: fetched.paidAmount } : undefined,
        excess: fetched.status === 'overpaid' ? { reason: 'overpaid', paidAmount: fetched.paidAmount } : undefined,
      },
      now,
    );
    return { change: d.change, outbox: d.events.map((e) => outboxFor(deps, order.id, e.type, e.data)) };
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

// The reconciliation sweep: resolve creates whose answer was lost, then re-fetch open charges (not every state calls back).
import type { GatewayId } from '../gateways/types.ts';
import type { ChargeRecord } from '../store/types.ts';
import type { OrderDeps } from './deps.ts';
import { effectiveStatus } from './get-order.ts';
import { STALE_CREATING_SECONDS, resolveCharge } from './charge-attempt.ts';
import { settleCharge } from './settle-charge.ts';

/** Rate-bounded: at most `limit` of each kind per run, `pauseMs` apart. Returns how many charges moved. */
export async function reconcileCharges(deps: OrderDeps, opts: { limit?: number; pauseMs?: number } = {}): Promise<number> {
  const limit = opts.limit ?? 20;
  const pause = () => (opts.pauseMs ? new Promise((r) => setTimeout(r, opts.pauseMs)) : undefined);
  let updated = 0;
  for (const charge of await deps.store.listUnresolvedCharges(limit)) {
    if (await resolveLost(deps, charge)) updated++;
    await pause();
  }
  for (const charge of await deps.store.listOpenCharges(limit)) {
    const gateway = deps.gateways.get(charge.gateway as GatewayId);
    if (!gateway || gateway.callbackAuth === 'none') continue;
    const res = await gateway.fetchCharge(charge.reference);
    if (res.ok && (await settleCharge(deps, charge, res.value)) === 'updated') updated++;
    else if (!res.ok) deps.log.warn('reconciliation fetch failed', { gateway: charge.gateway, kind: res.error.kind, message: res.error.message });
    await pause();
  }
  return updated;
}

/**
 * A create with no known outcome, resolved through its key (the same path as the next pay) while its order can
 * still be paid. Once it cannot, nothing more is sent: nobody was ever shown a payment link for it, so the charge
 * is closed as `failed` (gateway status `unresolved`) rather than retried for ever.
 */
async function resolveLost(deps: OrderDeps, charge: ChargeRecord): Promise<boolean> {
  const gateway = deps.gateways.get(charge.gateway as GatewayId);
  const order = gateway ? await deps.store.getOrder(charge.orderId) : undefined;
  if (!gateway || !order) return false;
  const now = deps.now();
  if (charge.status === 'creating' && now - charge.updatedAt < STALE_CREATING_SECONDS) return false; // in flight
  if (effectiveStatus(order, now) !== 'pending') {
    const closed = await deps.store.settleCharge(charge.id, charge.status, { status: 'failed', gatewayStatus: 'unresolved', updatedAt: now }, () => ({ outbox: [] }));
    if (closed) deps.log.warn('gave up on a gateway create whose answer was lost: its order can no longer be paid', { gateway: charge.gateway, orderId: order.id, chargeId: charge.id });
    return false;
  }
  return (await resolveCharge(deps, gateway, order, charge)).ok;
}

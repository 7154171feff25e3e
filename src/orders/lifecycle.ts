// Order lifecycle moves made by the merchant or the clock: cancel (admin) and the expiry sweep (PROFILE §4).
import { fail, ok, type Result } from './result.ts';
import { outboxFor, type OrderDeps } from './deps.ts';
import { effectiveStatus } from './get-order.ts';
import type { OrderRecord } from '../store/types.ts';

export async function cancelOrder(deps: OrderDeps, id: string): Promise<Result<OrderRecord>> {
  const order = await deps.store.getOrder(id);
  if (!order) return fail('ORDER_NOT_FOUND', 'Order not found');
  const status = effectiveStatus(order, deps.now());
  if (status !== 'pending') return fail('INVALID_STATE', `only a pending order can be cancelled; this one is ${status}`, { status });
  const changed = await deps.store.changeOrder(id, { from: 'pending', to: 'cancelled' }, [
    outboxFor(deps, id, 'order.cancelled', { orderId: id, status: 'cancelled' }),
  ]);
  if (!changed) {
    const now = await deps.store.getOrder(id);
    return fail('INVALID_STATE', `only a pending order can be cancelled; this one is ${now?.status}`, { status: now?.status });
  }
  return ok(changed);
}

/** Persists derived expiry and emits order.expired; safe to run on several instances at once. */
export async function sweepExpired(deps: OrderDeps, batch = 200): Promise<number> {
  let total = 0;
  for (;;) {
    const due = await deps.store.listExpirable(deps.now(), batch);
    for (const o of due) {
      const changed = await deps.store.changeOrder(o.id, { from: 'pending', to: 'expired' }, [
        outboxFor(deps, o.id, 'order.expired', { orderId: o.id, status: 'expired', expiresAt: o.expiresAt }),
      ]);
      if (changed) total++;
    }
    if (due.length < batch) return total;
  }
}

// In-process hooks for createMerchant: the store, wrapped so that each committed order event also calls the shop's callback.
import type { Logger } from '../log.ts';
import type { EventType } from '../orders/types.ts';
import type { OrderRecord, Outbox, Store } from '../store/types.ts';

export interface MerchantHooks {
  /** An order became paid (the event `order.paid` was committed): called once, after the transaction. */
  onOrderPaid?: (order: OrderRecord) => void | Promise<void>;
  /** Any order event committed (`order.created`, `order.paid`, `order.expired`, …), with the order as stored then. */
  onOrderEvent?: (type: EventType, order: OrderRecord) => void | Promise<void>;
}

/**
 * The store with the hooks called after each commit that wrote an outbox. A hook runs after the answer's transaction,
 * in this process, at most once; its errors are logged, never thrown into the request. (Webhooks, OC_WEBHOOK_URL, are
 * the durable, retried channel; the hooks are the convenient one.)
 */
export function storeWithHooks(store: Store, hooks: MerchantHooks, log: Logger): Store {
  if (!hooks.onOrderPaid && !hooks.onOrderEvent) return store;
  const fire = (outbox: readonly Outbox[], order: OrderRecord | undefined) => {
    if (!order) return;
    for (const { event } of outbox) {
      if (event.orderId !== order.id) continue;
      const calls: Array<() => void | Promise<void>> = [];
      if (hooks.onOrderEvent) calls.push(() => hooks.onOrderEvent!(event.type, order));
      if (event.type === 'order.paid' && hooks.onOrderPaid) calls.push(() => hooks.onOrderPaid!(order));
      for (const call of calls)
        void Promise.resolve()
          .then(call)
          .catch((err: unknown) => log.error('order hook failed', { orderId: order.id, event: event.type, error: err instanceof Error ? err.message : String(err) }));
    }
  };
  const wrapped: Partial<Store> = {
    async createOrder(order, outbox, nonce) {
      const r = await store.createOrder(order, outbox, nonce);
      if (r.kind === 'created') fire([outbox], r.order);
      return r;
    },
    async changeOrder(id, change, outbox) {
      const r = await store.changeOrder(id, change, outbox);
      fire(outbox, r);
      return r;
    },
    async recordProof(proof, decide) {
      const r = await store.recordProof(proof, decide);
      if (r.kind === 'stored') fire(r.decision.outbox, r.order);
      return r;
    },
    async settleCharge(chargeId, fromStatus, patch, decide) {
      let decided: Outbox[] = [];
      const r = await store.settleCharge(chargeId, fromStatus, patch, (order) => {
        const d = decide(order);
        decided = d.outbox;
        return d;
      });
      if (r) fire(decided, r.order);
      return r;
    },
  };
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (Object.hasOwn(wrapped, prop)) return wrapped[prop as keyof Store];
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

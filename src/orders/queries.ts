// The reads the merchant API and the console share (and redeliver): one order with its history, cursor pages,
// search, deliveries, the status lists. Routes call these, never the store.
import type { ChargeRecord, DeliveryRecord, EventRecord, OrderRecord, ProofRecord } from '../store/types.ts';
import type { DeliveryStatus, OrderStatus } from './types.ts';
import { isMarked } from '../store/test-mark.ts';
import { KIT_MARK } from '../conformance/marker.ts';
import type { OrderDeps } from './deps.ts';

export const ORDER_STATUSES: readonly OrderStatus[] = ['pending', 'paid', 'expired', 'cancelled'];
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'succeeded', 'failed'];

export const isOrderStatus = (s: string | undefined): s is OrderStatus => ORDER_STATUSES.includes(s as OrderStatus);
export const isDeliveryStatus = (s: string | undefined): s is DeliveryStatus => DELIVERY_STATUSES.includes(s as DeliveryStatus);

/** How many deliveries one listing shows (an order's, or the admin list). */
const DELIVERY_LIMIT = 200;

/** The list cursor (admin API and console): the last row's seq, base64url. */
export const encodeCursor = (seq: number) => Buffer.from(String(seq)).toString('base64url');
export function decodeCursor(cursor: string): number | undefined {
  const n = Number(Buffer.from(cursor, 'base64url').toString());
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

export const getOrder = (deps: OrderDeps, id: string): Promise<OrderRecord | undefined> => deps.store.getOrder(id);

/** An order created by the conformance kit (the console hides these unless asked). */
export const isTestOrder = (o: Pick<OrderRecord, 'reference' | 'orderJson'>): boolean => isMarked(o, KIT_MARK);

/** A delivery and the event it carries. */
export type DeliveryWithEvent = DeliveryRecord & { event: EventRecord };

export interface OrderHistory {
  proofs: ProofRecord[];
  events: EventRecord[];
  deliveries: DeliveryWithEvent[];
  charges: ChargeRecord[];
}

export interface OrderDetail extends OrderHistory {
  order: OrderRecord;
}

/** Everything recorded about one order already read: proofs, events, its latest deliveries, gateway charges. */
export async function orderHistory(deps: OrderDeps, order: Pick<OrderRecord, 'id'>): Promise<OrderHistory> {
  const [proofs, events, deliveries, charges] = await Promise.all([
    deps.store.listProofs(order.id),
    deps.store.listEvents(order.id),
    deps.store.listDeliveries({ orderId: order.id, limit: DELIVERY_LIMIT }),
    deps.store.listCharges(order.id),
  ]);
  return { proofs, events, deliveries, charges };
}

/** One order and its history; undefined when there is no such order. */
export async function getOrderDetail(deps: OrderDeps, id: string): Promise<OrderDetail | undefined> {
  const order = await getOrder(deps, id);
  return order && { order, ...(await orderHistory(deps, order)) };
}

export const listCharges = (deps: OrderDeps, orderId: string): Promise<ChargeRecord[]> => deps.store.listCharges(orderId);

export interface OrdersQuery {
  status?: OrderStatus;
  /** Search by order id or reference (best match first, no cursor) instead of listing newest first. */
  text?: string;
  /** Listing only: the page after this cursor's row. */
  beforeSeq?: number;
  /** Leave out the conformance kit's test orders. */
  hideTests?: boolean;
  limit: number;
}

export interface OrdersPage {
  orders: OrderRecord[];
  /** More rows match than `limit`. */
  more: boolean;
  /** The next listing page, when there is one (never for a search). */
  nextCursor: string | null;
}

/** One page of orders: newest first from `beforeSeq`, or a search; one more row is read to know whether more follow. */
export async function listOrdersPage(deps: OrderDeps, q: OrdersQuery): Promise<OrdersPage> {
  const hide = q.hideTests ? KIT_MARK : undefined;
  const rows = q.text
    ? await deps.store.searchOrders({ text: q.text, status: q.status, hide, limit: q.limit + 1 })
    : await deps.store.listOrders({ status: q.status, beforeSeq: q.beforeSeq, hide, limit: q.limit + 1 });
  const orders = rows.slice(0, q.limit);
  const more = rows.length > q.limit;
  return { orders, more, nextCursor: more && !q.text ? encodeCursor(orders.at(-1)!.seq) : null };
}

/** The latest deliveries, all orders, optionally in one status. */
export const listDeliveries = (deps: OrderDeps, status?: DeliveryStatus): Promise<DeliveryWithEvent[]> =>
  deps.store.listDeliveries({ status, limit: DELIVERY_LIMIT });

/** Queues one delivery again, now; undefined when there is no such delivery. */
export const redeliver = (deps: OrderDeps, deliveryId: string): Promise<DeliveryRecord | undefined> => deps.store.redeliver(deliveryId, deps.now());

/** GET /readyz: the store answers. */
export const storeReady = (deps: OrderDeps): Promise<boolean> => deps.store.ping();

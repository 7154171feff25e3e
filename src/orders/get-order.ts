// GET /orders/{id} and /orders/{id}/status (PROFILE §4): expiry is derived on read.
import type { OrderRecord } from '../store/types.ts';
import type { OrderStatus } from './types.ts';

/** The status a reader sees: a pending order past its expiry is expired even before the sweep persists it. */
export function effectiveStatus(o: Pick<OrderRecord, 'status' | 'expiresAt'>, now: number): OrderStatus {
  return o.status === 'pending' && now > o.expiresAt ? 'expired' : o.status;
}

export function statusBody(o: OrderRecord, now: number): string {
  const body: Record<string, unknown> = { orderId: o.id, status: effectiveStatus(o, now) };
  if (o.status === 'paid') {
    body.paidAt = o.paidAt;
    body.txid = o.txid;
  }
  return JSON.stringify(body);
}

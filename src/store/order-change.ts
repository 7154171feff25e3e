// The columns an OrderChange sets: one pure helper for every dialect's conditional update.
import type { OrderChange, OrderRecord } from './types.ts';

export type OrderSet = Partial<Pick<OrderRecord, 'status' | 'paidAt' | 'txid' | 'paidLate' | 'paymentMismatch'>>;

/** Only the fields the change names; empty when it only asserts the current status. */
export function orderSet(c: OrderChange): OrderSet {
  const set: OrderSet = {};
  if (c.to) set.status = c.to;
  if (c.paidAt !== undefined) set.paidAt = c.paidAt;
  if (c.txid !== undefined) set.txid = c.txid;
  if (c.paidLate !== undefined) set.paidLate = c.paidLate;
  if (c.paymentMismatch !== undefined) set.paymentMismatch = c.paymentMismatch;
  return set;
}

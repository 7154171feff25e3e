// The signed order as a gateway sees it: the stored order is the source of truth for amount and URLs.
import type { ChargeOrder } from '../gateways/types.ts';
import type { OrderRecord } from '../store/types.ts';

export function chargeOrderOf(o: OrderRecord): ChargeOrder {
  const signed = JSON.parse(o.orderJson) as Record<string, unknown>;
  const { urls } = JSON.parse(o.responseBody) as { urls: ChargeOrder['urls'] };
  const out: ChargeOrder = {
    id: o.id,
    amount: o.amount,
    currency: o.currency,
    createdAt: o.createdAt,
    expiresAt: o.expiresAt,
    signed,
    signature: o.signature,
    urls,
  };
  if (o.reference !== null) out.reference = o.reference;
  if (typeof signed.memo === 'string') out.memo = signed.memo;
  return out;
}

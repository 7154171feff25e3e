// POST /admin/orders/{id}/pay: create (once) the charge for an order at an outbound gateway.
import { createHash } from 'node:crypto';
import { bytesToHex } from '../protocol/hex.ts';
import type { GatewayId } from '../gateways/types.ts';
import { isGatewayId } from '../gateways/registry.ts';
import type { ChargeRecord } from '../store/types.ts';
import { fail, ok, type Result } from './result.ts';
import { newId } from './ids.ts';
import type { OrderDeps } from './deps.ts';
import { effectiveStatus } from './get-order.ts';
import { chargeOrderOf } from './charge-order.ts';

/** A charge left in `creating` this long (a crash mid-create) may be replaced by a new attempt. */
export const STALE_CREATING_SECONDS = 120;

export interface PaymentLink {
  gateway: GatewayId;
  reference: string;
  paymentUrl: string;
  status: string;
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

const linkOf = (c: ChargeRecord): PaymentLink => ({ gateway: c.gateway as GatewayId, reference: c.reference, paymentUrl: c.paymentUrl, status: c.status });

export async function payOrder(deps: OrderDeps, orderId: string, gatewayId: unknown): Promise<Result<PaymentLink>> {
  if (!isGatewayId(gatewayId)) return fail('INVALID_REQUEST', 'gateway must be one of coingate, mugglepay, mycelium-gear, iumicash, opencharge', { field: 'gateway' });
  const gateway = deps.gateways.get(gatewayId);
  if (!gateway) return fail('GATEWAY_NOT_ENABLED', `gateway '${gatewayId}' is not enabled (its credentials are not configured)`, { gateway: gatewayId });
  const order = await deps.store.getOrder(orderId);
  if (!order) return fail('ORDER_NOT_FOUND', 'Order not found');
  const now = deps.now();

  const existing = await deps.store.getChargeForOrder(order.id, gatewayId);
  if (existing && existing.status !== 'creating') return ok(linkOf(existing));
  if (existing && now - existing.updatedAt < STALE_CREATING_SECONDS)
    return fail('INVALID_STATE', 'a charge for this order is being created at this gateway; retry shortly', { gateway: gatewayId });
  if (existing) await deps.store.deleteCharge(existing.id);

  const status = effectiveStatus(order, now);
  if (status !== 'pending') return fail('INVALID_STATE', `only a pending order can be paid; this one is ${status}`, { status });

  // Reserve the (order, gateway) slot first, so concurrent pays create one charge at the gateway.
  const token = bytesToHex(deps.randomBytes(32));
  const slot: ChargeRecord = {
    id: newId('chg', now * 1000, deps.randomBytes),
    orderId: order.id,
    gateway: gatewayId,
    reference: '',
    paymentUrl: '',
    status: 'creating',
    gatewayStatus: '',
    tokenHash: hashToken(token),
    createdAt: now,
    updatedAt: now,
  };
  const reserved = await deps.store.insertCharge(slot);
  if (reserved.kind === 'exists')
    return reserved.charge.status === 'creating'
      ? fail('INVALID_STATE', 'a charge for this order is being created at this gateway; retry shortly', { gateway: gatewayId })
      : ok(linkOf(reserved.charge));

  const res = await gateway.createCharge({
    order: chargeOrderOf(order),
    callbackUrl: `${deps.config.publicBaseUrl}/callbacks/${gatewayId}`,
    callbackToken: token,
    idempotencyKey: slot.id,
  });
  if (!res.ok) {
    await deps.store.deleteCharge(slot.id);
    deps.log.warn('gateway charge failed', { gateway: gatewayId, orderId: order.id, kind: res.error.kind, message: res.error.message });
    return fail('GATEWAY_ERROR', `${gatewayId}: ${res.error.message}`, { gateway: gatewayId, kind: res.error.kind });
  }
  const c = res.value;
  await deps.store.updateCharge(slot.id, { reference: c.reference, paymentUrl: c.paymentUrl, status: c.status, gatewayStatus: c.gatewayStatus, updatedAt: deps.now() });
  return ok({ gateway: gatewayId, reference: c.reference, paymentUrl: c.paymentUrl, status: c.status });
}

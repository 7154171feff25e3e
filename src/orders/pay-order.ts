// POST /admin/orders/{id}/pay: create (once) the charge for an order at an outbound gateway, or resolve a lost one.
import { isGatewayId } from '../gateways/registry.ts';
import type { ChargeRecord } from '../store/types.ts';
import { fail, ok, type Result } from './result.ts';
import { newId } from './ids.ts';
import type { OrderDeps } from './deps.ts';
import { effectiveStatus } from './get-order.ts';
import { chargeOrderOf } from './charge-order.ts';
import { attemptCharge, busy, callbackTokenFor, hashToken, isUnresolved, linkOf, resolveCharge, type PaymentLink } from './charge-attempt.ts';

export type { PaymentLink };

export async function payOrder(deps: OrderDeps, orderId: string, gatewayId: unknown): Promise<Result<PaymentLink>> {
  if (!isGatewayId(gatewayId)) return fail('INVALID_REQUEST', 'gateway must be one of coingate, mugglepay, mycelium-gear, iumicash, opencharge', { field: 'gateway' });
  const gateway = deps.gateways.get(gatewayId);
  if (!gateway) return fail('GATEWAY_NOT_ENABLED', `gateway '${gatewayId}' is not enabled (its credentials are not configured)`, { gateway: gatewayId });
  const order = await deps.store.getOrder(orderId);
  if (!order) return fail('ORDER_NOT_FOUND', 'Order not found');

  const existing = await deps.store.getChargeForOrder(order.id, gatewayId);
  if (existing && existing.reference !== '' && !isUnresolved(existing)) return ok(linkOf(existing));
  const status = effectiveStatus(order, deps.now());
  if (status !== 'pending') return fail('INVALID_STATE', `only a pending order can be paid; this one is ${status}`, { status });
  // A create whose answer was lost is resolved through its stored key before anything new is created.
  if (existing && isUnresolved(existing)) return resolveCharge(deps, gateway, order, existing);
  if (existing) await deps.store.deleteCharge(existing.id); // given up on by the sweep without ever getting a reference

  // The gateway fixes the key first (RequestId, keychain_id…); the slot is reserved with it, so concurrent pays
  // create one charge and every retry of this (order, gateway) sends the same key.
  const key = await gateway.newIdempotencyKey(chargeOrderOf(order));
  if (!key.ok) {
    deps.log.warn('gateway charge failed', { gateway: gatewayId, orderId: order.id, kind: key.error.kind, message: key.error.message });
    return fail('GATEWAY_ERROR', `${gatewayId}: ${key.error.message}`, { gateway: gatewayId, kind: key.error.kind });
  }
  const now = deps.now();
  const id = newId('chg', now * 1000, deps.randomBytes);
  const slot: ChargeRecord = {
    id,
    orderId: order.id,
    gateway: gatewayId,
    reference: '',
    paymentUrl: '',
    status: 'creating',
    gatewayStatus: '',
    tokenHash: hashToken(callbackTokenFor(deps, id)),
    idempotencyKey: key.value,
    createdAt: now,
    updatedAt: now,
  };
  const reserved = await deps.store.insertCharge(slot);
  if (reserved.kind === 'exists') return isUnresolved(reserved.charge) || reserved.charge.reference === '' ? busy(gatewayId) : ok(linkOf(reserved.charge));
  return attemptCharge(deps, gateway, order, slot, false);
}

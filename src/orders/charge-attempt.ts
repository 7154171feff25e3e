// One create attempt for a reserved charge slot, and what its outcome does to the slot: adopted, unknown, or gone.
import { createHash, createHmac } from 'node:crypto';
import { UNSETTLED_KINDS, type Gateway, type GatewayId } from '../gateways/types.ts';
import type { ChargeRecord, OrderRecord } from '../store/types.ts';
import { fail, ok, type Result } from './result.ts';
import type { OrderDeps } from './deps.ts';
import { chargeOrderOf } from './charge-order.ts';
import { settleCharge } from './settle-charge.ts';

/** A slot left in `creating` this long (a crash mid-create) is treated like a lost answer and resolved through its key. */
export const STALE_CREATING_SECONDS = 120;

export interface PaymentLink {
  gateway: GatewayId;
  reference: string;
  paymentUrl: string;
  status: string;
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * The per-charge callback token, derived from the charge id under the merchant key: every attempt of a charge
 * sends the same token (a lost answer may have left the gateway's order holding it), and only its hash is stored.
 */
export function callbackTokenFor(deps: OrderDeps, chargeId: string): string {
  return createHmac('sha256', deps.merchant.privateKey).update(`opencharge-merchant gateway callback token\n${chargeId}`, 'utf8').digest('hex');
}

export const linkOf = (c: ChargeRecord): PaymentLink => ({ gateway: c.gateway as GatewayId, reference: c.reference, paymentUrl: c.paymentUrl, status: c.status });

/** A charge whose create has no known outcome: `unknown` (its answer was lost) or `creating` (in flight, or a crash). */
export const isUnresolved = (c: ChargeRecord) => c.status === 'unknown' || c.status === 'creating';

const BUSY = 'a charge for this order is being created at this gateway; retry shortly';

export function busy(gateway: GatewayId): Result<never> {
  return fail('INVALID_STATE', BUSY, { gateway });
}

/**
 * Sends one create for a slot this caller holds (status `creating`). Adopted: the charge takes the gateway's
 * reference and state. A kind after which the create may have happened: `unknown`, kept with its key for the next
 * pay or the sweep. A definite refusal: the slot is removed, so a later pay starts a new attempt.
 */
export async function attemptCharge(deps: OrderDeps, gateway: Gateway, order: OrderRecord, slot: ChargeRecord, retry: boolean): Promise<Result<PaymentLink>> {
  const res = await gateway.createCharge({
    order: chargeOrderOf(order),
    callbackUrl: `${deps.config.publicBaseUrl}/callbacks/${gateway.id}`,
    callbackToken: callbackTokenFor(deps, slot.id),
    idempotencyKey: slot.idempotencyKey,
    ...(retry ? { retry: { since: slot.createdAt } } : {}),
  });
  const about = { gateway: gateway.id, orderId: order.id, chargeId: slot.id };
  if (res.ok) {
    const c = res.value;
    await deps.store.updateCharge(slot.id, { reference: c.reference, paymentUrl: c.paymentUrl, updatedAt: deps.now() });
    // Through settlement, so an adopted charge that has already moved on (paid, cancelled) acts on its order.
    await settleCharge(deps, { ...slot, reference: c.reference, paymentUrl: c.paymentUrl }, c);
    if (retry) deps.log.info('gateway charge resolved after a lost answer', { ...about, reference: c.reference, status: c.status });
    return ok({ gateway: gateway.id, reference: c.reference, paymentUrl: c.paymentUrl, status: c.status });
  }
  const { kind, message } = res.error;
  if (UNSETTLED_KINDS.has(kind)) {
    await deps.store.updateCharge(slot.id, { status: 'unknown', updatedAt: deps.now() });
    deps.log.warn('gateway charge outcome unknown; kept for reconciliation', { ...about, kind, message });
    return fail(
      'GATEWAY_ERROR',
      `${gateway.id}: ${message}; the charge may exist at the gateway, so it is being reconciled through its idempotency key: retry the pay shortly`,
      { gateway: gateway.id, kind, chargeStatus: 'unknown' },
    );
  }
  await deps.store.deleteCharge(slot.id);
  deps.log.warn('gateway charge failed', { ...about, kind, message });
  return fail('GATEWAY_ERROR', `${gateway.id}: ${message}`, { gateway: gateway.id, kind });
}

/** Resolves a charge with no known outcome through its key: takes it (one caller wins), then retries the create. */
export async function resolveCharge(deps: OrderDeps, gateway: Gateway, order: OrderRecord, charge: ChargeRecord): Promise<Result<PaymentLink>> {
  const now = deps.now();
  if (charge.status === 'creating' && now - charge.updatedAt < STALE_CREATING_SECONDS) return busy(gateway.id);
  const claimed = await deps.store.claimCharge(charge.id, charge, now);
  if (!claimed) return busy(gateway.id);
  return attemptCharge(deps, gateway, order, claimed, true);
}

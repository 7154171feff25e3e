// Handles /callbacks/{gateway}: authenticate, find the charge, never trust it alone — re-fetch, then settle.
import type { CallbackReply, CallbackRequest, GatewayId } from '../gateways/types.ts';
import { fail, ok, type Result } from './result.ts';
import type { OrderDeps } from './deps.ts';
import { hashToken } from './charge-attempt.ts';
import { settleCharge } from './settle-charge.ts';
import { sameSecret } from '../crypto/same-secret.ts';

export async function handleGatewayCallback(deps: OrderDeps, gatewayId: string, request: CallbackRequest): Promise<Result<CallbackReply>> {
  const gateway = deps.gateways.get(gatewayId as GatewayId);
  if (!gateway) return fail('NOT_FOUND', `no enabled gateway '${gatewayId}'`);
  const verdict = gateway.parseCallback(request);
  if (!verdict.ok) {
    deps.log.warn('gateway callback rejected', { gateway: gatewayId, reason: verdict.reason });
    return fail('INVALID_REQUEST', `callback rejected: ${verdict.reason}`);
  }
  const charge = await deps.store.getCharge(gatewayId, verdict.callback.reference);
  if (!charge) {
    deps.log.warn('gateway callback for an unknown charge', { gateway: gatewayId });
    return fail('NOT_FOUND', 'unknown charge');
  }
  if (gateway.callbackAuth === 'token') {
    const token = verdict.callback.token;
    if (!token || !sameSecret(hashToken(token), charge.tokenHash)) {
      deps.log.warn('gateway callback with a wrong token', { gateway: gatewayId, orderId: charge.orderId });
      return fail('UNAUTHORIZED', 'callback token does not match');
    }
  }
  // Never trusted alone: the gateway's own answer decides (a forged "paid" changes nothing).
  const fetched = await gateway.fetchCharge(charge.reference);
  if (!fetched.ok) return fail('GATEWAY_ERROR', `could not re-fetch the charge: ${fetched.error.message}`);
  await settleCharge(deps, charge, fetched.value);
  return ok(gateway.callbackReply());
}

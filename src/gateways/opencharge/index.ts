// Opencharge Merchant Gateway (MG) checkout: the one impure `send` and the Gateway object over settings, wire and callback (opencharge.md §1.4, §1.5, §2.8).
import { defineGateway } from '../definition.ts';
import { fail, identity, logFailure, orderIdKey, parseExchange, sendHttp } from '../kit.ts';
import type { Charge, CreateChargeInput, Gateway, GatewayDeps, GatewayError, GatewayResult, HttpRequest } from '../types.ts';
import { SETTINGS, openchargeConfigFromEnv, type OpenchargeGatewayConfig } from './settings.ts';
import { checkOrder, wire } from './wire.ts';
import { openchargeCallbackReply, parseOpenchargeCallback } from './callback.ts';

export function createOpenchargeGateway(config: OpenchargeGatewayConfig, deps: GatewayDeps): Gateway {
  const send = (req: HttpRequest) => sendHttp(deps, req, 'Opencharge MG');

  function failed(orderId: string, error: GatewayError): GatewayResult<Charge> {
    logFailure(deps.log, 'opencharge', 'checkout', error, { mgOcid: config.ocid, orderId });
    return { ok: false, error };
  }

  const gateway = {
    ...identity('opencharge', 'none', { mgOcid: config.ocid, endpoint: config.endpoint }),

    /** The signed order id: a retry sends the same signed order (fresh request nonce), and the MG keys its checkout by it. */
    newIdempotencyKey: orderIdKey,

    async createCharge(input: CreateChargeInput): Promise<GatewayResult<Charge>> {
      const { order } = input;
      const refused = checkOrder(config, order, deps.signer.ocid);
      if (refused) return failed(order.id, refused);
      const req = wire.toCreateRequest(config, input, deps.signer);
      // An MG may echo what we sent: neither signature comes back inside a message (wire.ts scrubs them before clipping).
      const echoable = [req.headers['X-OC-Signature'] ?? '', order.signature];
      const parsed = parseExchange(await send(req), (status, body) => wire.fromCreateResponse(status, body, order, echoable));
      if (!parsed.ok) return failed(order.id, parsed.error);
      deps.log.info('opencharge checkout created', { gateway: 'opencharge', mgOcid: config.ocid, orderId: order.id, reference: parsed.value.reference, status: parsed.value.gatewayStatus });
      return parsed;
    },

    async fetchCharge(_reference: string): Promise<GatewayResult<Charge>> {
      // §1.4/§2.8: the MG documents no order lookup; the missed-proof path is /verify/{txid}, keyed by a txid we only learn from a proof.
      return fail('not_found', 'the Opencharge MG has no charge lookup: its payment status arrives as signed transfer proofs on /transfer/webhook');
    },

    parseCallback: parseOpenchargeCallback,
    callbackReply: openchargeCallbackReply,
  };
  return gateway satisfies Gateway;
}

export const openchargeGateway = defineGateway({
  id: 'opencharge', name: 'Opencharge Merchant Gateway', settings: SETTINGS, fromEnv: openchargeConfigFromEnv, create: createOpenchargeGateway,
});

// MugglePay outbound gateway: the one impure `send` and the Gateway object over settings, wire and callback (docs/gateways.md §3).
import { defineGateway } from '../definition.ts';
import { fail, identity, logCreate, logFetch, orderIdKey, parseExchange, sendHttp } from '../kit.ts';
import type { Charge, CreateChargeInput, Gateway, GatewayDeps, GatewayResult, HttpRequest } from '../types.ts';
import { SETTINGS, mugglePayConfigFromEnv, type MugglePayConfig } from './settings.ts';
import { REFERENCE_RE, checkOrder, wire } from './wire.ts';
import { isKnownStatus } from './status.ts';
import { mugglePayCallbackReply, parseMugglePayCallback } from './callback.ts';

export function createMugglePay(config: MugglePayConfig, deps: GatewayDeps): Gateway {
  const target = () => ({ baseUrl: config.baseUrl, apiToken: config.apiToken.reveal() });
  // MugglePay's parsers scrub them from gateway text before it is clipped (wire.ts `safeText`).
  const secrets = () => [config.apiToken.reveal()];

  const send = (req: HttpRequest) => sendHttp(deps, req, 'MugglePay');

  /** An undocumented status is kept as pending (status.ts) and worth a warning: MugglePay may have added one. */
  function checked(res: GatewayResult<Charge>): GatewayResult<Charge> {
    if (res.ok && !isKnownStatus(res.value.gatewayStatus)) {
      deps.log.warn('mugglepay returned an undocumented status; treated as pending', { gateway: 'mugglepay', reference: res.value.reference, gatewayStatus: res.value.gatewayStatus });
    }
    return res;
  }

  const gateway = {
    // What JSON.stringify and loggers see: never the token.
    ...identity('mugglepay', 'token', { baseUrl: config.baseUrl }),

    /** §3.7: merchant_order_id is MugglePay's only key; a repeat answers ORDER_MERCHANTID_EXIST with the order, which we adopt. */
    newIdempotencyKey: orderIdKey,

    async createCharge(input: CreateChargeInput): Promise<GatewayResult<Charge>> {
      const bad = checkOrder(input.order);
      if (bad) return logCreate(deps.log, 'mugglepay', input.order.id, { ok: false, error: bad });
      const sent = await send(wire.toCreateRequest(target(), input));
      const ctx = { secrets: secrets(), order: input.order, merchantOrderId: input.idempotencyKey };
      return logCreate(deps.log, 'mugglepay', input.order.id, checked(parseExchange(sent, (status, body) => wire.fromCreateResponse(status, body, ctx))));
    },

    async fetchCharge(reference: string): Promise<GatewayResult<Charge>> {
      if (!REFERENCE_RE.test(reference)) return fail('not_found', 'not a MugglePay order id');
      const sent = await send(wire.toFetchRequest(target(), reference));
      return logFetch(deps.log, 'mugglepay', reference, checked(parseExchange(sent, (status, body) => wire.fromFetchResponse(status, body, { secrets: secrets(), reference }))));
    },

    parseCallback: parseMugglePayCallback,
    callbackReply: mugglePayCallbackReply,
  };
  return gateway satisfies Gateway;
}

export const mugglepay = defineGateway({ id: 'mugglepay', name: 'MugglePay', settings: SETTINGS, fromEnv: mugglePayConfigFromEnv, create: createMugglePay });

// CoinGate (API v2) outbound gateway: the one impure `send` and the Gateway object over settings, wire and callback (docs/gateways.md §2).
import { defineGateway } from '../definition.ts';
import { fail, identity, logCreate, logFailure, logFetch, orderIdKey, parseExchange, sendHttp } from '../kit.ts';
import type { Charge, CreateChargeInput, Gateway, GatewayDeps, GatewayResult, HttpRequest } from '../types.ts';
import { sameSecret } from '../../crypto/same-secret.ts';
import { SETTINGS, coinGateConfigFromEnv, type CoinGateConfig } from './settings.ts';
import { ORDER_ID_RE, wire } from './wire.ts';
import { LOOKUP_MAX_PAGES, fromLookupResponse, toLookupRequest } from './lookup.ts';
import { coinGateCallbackReply, parseCoinGateCallback } from './callback.ts';

export function createCoinGate(config: CoinGateConfig, deps: GatewayDeps): Gateway {
  const apiToken = config.apiToken.reveal();

  const send = (req: HttpRequest) => sendHttp(deps, req, 'CoinGate');

  /**
   * The order an earlier, lost create made under this key, if CoinGate has it (§2.8: list and filter on
   * order_id). Anything short of a clear answer is 'unavailable', so the charge stays unknown.
   */
  async function lookup(input: CreateChargeInput, since: number): Promise<GatewayResult<Charge | undefined>> {
    for (let page = 1; page <= LOOKUP_MAX_PAGES; page++) {
      const sent = await send(toLookupRequest(config.baseUrl, apiToken, since, page));
      const res = parseExchange(sent, (status, body) => fromLookupResponse(status, body, { order: input.order, key: input.idempotencyKey, since }), [apiToken]);
      if (!res.ok) return fail('unavailable', `CoinGate order lookup failed (${res.error.kind}): ${res.error.message}`, res.error.httpStatus);
      if (res.value.found) return { ok: true, value: res.value.found };
      if (!res.value.more) return { ok: true, value: undefined };
    }
    return fail('unavailable', `CoinGate order lookup found no answer in ${LOOKUP_MAX_PAGES} pages of recent orders`);
  }

  const gateway = {
    ...identity('coingate', 'token', { environment: config.environment, baseUrl: config.baseUrl }),

    /** CoinGate has no idempotency key; order_id (our order id) is what a lookup after a lost answer finds. */
    newIdempotencyKey: orderIdKey,

    async createCharge(input: CreateChargeInput): Promise<GatewayResult<Charge>> {
      if (input.retry) {
        const earlier = await lookup(input, input.retry.since);
        if (!earlier.ok) {
          logFailure(deps.log, 'coingate', 'lookup', earlier.error);
          return earlier;
        }
        if (earlier.value) {
          deps.log.info('coingate charge found after a lost answer', { gateway: 'coingate', reference: earlier.value.reference, orderId: input.order.id });
          return { ok: true, value: earlier.value };
        }
      }
      const req = wire.toCreateRequest(config.baseUrl, apiToken, input);
      if (!req.ok) return req;
      const sent = await send(req.value);
      const parsed = parseExchange(sent, (status, body) => wire.fromCreateResponse(status, body, input.order, input.idempotencyKey), [apiToken, input.callbackToken]);
      if (!parsed.ok) return logCreate(deps.log, 'coingate', input.order.id, parsed);
      const { token, ...charge } = parsed.value;
      if (token !== undefined && !sameSecret(token, input.callbackToken)) {
        // Its callbacks would then carry a token we never stored: they will be refused; polling still works.
        deps.log.warn('coingate kept its own callback token instead of ours', { gateway: 'coingate', reference: charge.reference });
      }
      return logCreate(deps.log, 'coingate', input.order.id, { ok: true, value: charge });
    },

    async fetchCharge(reference: string): Promise<GatewayResult<Charge>> {
      // CoinGate ids are integers: anything else cannot exist there, and never reaches the URL path.
      if (!ORDER_ID_RE.test(reference)) return fail('not_found', 'no such CoinGate order');
      const sent = await send(wire.toFetchRequest(config.baseUrl, apiToken, reference));
      return logFetch(deps.log, 'coingate', reference, parseExchange(sent, (status, body) => wire.fromFetchResponse(status, body, reference), [apiToken]));
    },

    parseCallback: parseCoinGateCallback,
    callbackReply: coinGateCallbackReply,
  };
  return gateway satisfies Gateway;
}

export const coingate = defineGateway({ id: 'coingate', name: 'CoinGate', settings: SETTINGS, fromEnv: coinGateConfigFromEnv, create: createCoinGate });

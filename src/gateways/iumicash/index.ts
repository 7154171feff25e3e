// iumiCash outbound gateway: the one impure `send`, the token-authorised exchanges and the Gateway object over settings, wire and callback (docs/gateways.md §4).
import { defineGateway } from '../definition.ts';
import { fail, identity, logCreate, logFetch, parseExchange, sendHttp, type Exchange } from '../kit.ts';
import type { Charge, CreateChargeInput, Gateway, GatewayDeps, GatewayResult, HttpRequest } from '../types.ts';
import { SETTINGS, iumiCashConfigFromEnv, type IumiCashConfig } from './settings.ts';
import { ORDER_ID_RE, createOrderPayload, wire } from './wire.ts';
import { createTokenCache, fromTokenResponse, toTokenRequest } from './token.ts';
import { uuidV4 } from './request-id.ts';
import { iumiCashCallbackReply, parseIumiCashCallback } from './callback.ts';

type Sent = GatewayResult<Exchange>;

export function createIumiCash(config: IumiCashConfig, deps: GatewayDeps): Gateway {
  const { clientId, baseUrl } = config;
  const clientSecret = config.clientSecret.reveal();
  /** Gateway-supplied text is shown to people: none of our credentials (nor the access tokens used) may ride along in it. */
  const credentials = [clientSecret, clientId];

  const send = (req: HttpRequest) => sendHttp(deps, req, 'iumiCash');

  const tokens = createTokenCache(async () => {
    const sent = await send(toTokenRequest(baseUrl, clientId, clientSecret));
    const res = parseExchange(sent, fromTokenResponse, credentials);
    if (res.ok) deps.log.debug('iumicash access token obtained', { gateway: 'iumicash', expiresIn: res.value.expiresIn });
    return res;
  }, deps.now);

  /** Sends with a Bearer token; a 401 on a cached token earns exactly one refresh and retry (§4.2). */
  async function authorized(build: (accessToken: string) => HttpRequest): Promise<{ sent: Sent; used: string[] }> {
    const first = await tokens.get();
    if (!first.ok) return { sent: first, used: [] };
    const used = [first.value.token];
    let sent = await send(build(first.value.token));
    if (sent.ok && sent.value.status === 401 && !first.value.fresh) {
      deps.log.info('iumicash refused a cached access token; obtaining a new one', { gateway: 'iumicash' });
      tokens.invalidate(first.value.token);
      const second = await tokens.get();
      if (!second.ok) return { sent: second, used };
      used.push(second.value.token);
      sent = await send(build(second.value.token));
    }
    return { sent, used };
  }

  const gateway = {
    ...identity('iumicash', 'signature', { baseUrl }),

    /** §4.8: a fresh RequestId per charge slot; every retry sends it again and gets the same order back. */
    async newIdempotencyKey(): Promise<GatewayResult<string>> {
      return { ok: true, value: uuidV4(deps.randomBytes(16)) };
    },

    async createCharge(input: CreateChargeInput): Promise<GatewayResult<Charge>> {
      const payload = createOrderPayload(input);
      if (!payload.ok) return logCreate(deps.log, 'iumicash', input.order.id, payload);
      const { sent, used } = await authorized((token) => wire.toCreateRequest(baseUrl, token, payload.value));
      return logCreate(deps.log, 'iumicash', input.order.id, parseExchange(sent, (status, body) => wire.fromCreateResponse(status, body, input.order, baseUrl), [...credentials, ...used]));
    },

    async fetchCharge(reference: string): Promise<GatewayResult<Charge>> {
      // Anything but an iumiCash id cannot exist there, and never reaches the URL path.
      if (!ORDER_ID_RE.test(reference)) return fail('not_found', 'no such iumiCash order');
      const { sent, used } = await authorized((token) => wire.toFetchRequest(baseUrl, token, reference));
      return logFetch(deps.log, 'iumicash', reference, parseExchange(sent, (status, body) => wire.fromFetchResponse(status, body, reference, baseUrl), [...credentials, ...used]));
    },

    parseCallback: (request: Parameters<Gateway['parseCallback']>[0]) => parseIumiCashCallback(clientSecret, request),
    callbackReply: iumiCashCallbackReply,
  };
  return gateway satisfies Gateway;
}

export const iumicash = defineGateway({ id: 'iumicash', name: 'iumiCash', settings: SETTINGS, fromEnv: iumiCashConfigFromEnv, create: createIumiCash });

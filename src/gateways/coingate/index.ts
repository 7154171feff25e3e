// CoinGate (API v2) outbound gateway: settings, the one impure `send`, and the Gateway object (gateways.md §2).
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { defineGateway, type Env } from '../definition.ts';
import { Secret, sendHttp, setting } from '../kit.ts';
import type { Charge, ChargeOrder, Gateway, GatewayDeps, GatewayError, GatewayResult, HttpRequest } from '../types.ts';
import { COINGATE_BASE_URLS, ORDER_ID_RE, fail, fromCreateResponse, fromFetchResponse, toCreateRequest, toFetchRequest } from './wire.ts';
import { coinGateCallbackReply, parseCoinGateCallback } from './callback.ts';
import { LOOKUP_MAX_PAGES, fromLookupResponse, toLookupRequest } from './lookup.ts';

export { STATUS_MAP, commonStatus } from './status.ts';

/** CoinGate waits 20 s for our callback replies; we give its API a little less before calling it unavailable. */
const TIMEOUT_MS = 15_000;


export interface CoinGateConfig {
  apiToken: Secret;
  environment: 'live' | 'sandbox';
  /** API base including `/v2`, no trailing slash. */
  baseUrl: string;
}

const SETTINGS = ['OC_COINGATE_TOKEN', 'OC_COINGATE_ENV', 'OC_COINGATE_BASE_URL'] as const;

const schema = z.object({
  // The token goes into an Authorization header: RFC 7235 token68 characters only (no spaces, no newlines).
  OC_COINGATE_TOKEN: z.string().regex(/^[A-Za-z0-9._~+/-]{8,256}=*$/, 'must be a CoinGate API auth token (8–256 letters, digits or -._~+/)'),
  OC_COINGATE_ENV: z.enum(['live', 'sandbox'], { error: "must be 'live' or 'sandbox'" }).default('live'),
  OC_COINGATE_BASE_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://api.coingate.com/v2' })
    .refine((u) => !/^[a-z]+:\/\/[^/]*@/i.test(u), 'must not carry credentials (the token goes in OC_COINGATE_TOKEN)')
    .optional(),
});


export function coinGateConfigFromEnv(env: Env): CoinGateConfig | undefined {
  const token = setting(env, 'OC_COINGATE_TOKEN');
  if (token === undefined) return undefined;
  const parsed = schema.safeParse({
    OC_COINGATE_TOKEN: token,
    OC_COINGATE_ENV: setting(env, 'OC_COINGATE_ENV')?.toLowerCase(),
    OC_COINGATE_BASE_URL: setting(env, 'OC_COINGATE_BASE_URL'),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    // Zod's messages here never quote the input, so the token cannot leak through this error.
    throw new Error(`${String(issue.path[0])} ${issue.message}`);
  }
  const s = parsed.data;
  const baseUrl = (s.OC_COINGATE_BASE_URL ?? COINGATE_BASE_URLS[s.OC_COINGATE_ENV]).replace(/\/+$/, '');
  return Object.freeze({ apiToken: new Secret(s.OC_COINGATE_TOKEN), environment: s.OC_COINGATE_ENV, baseUrl });
}

export function createCoinGate(config: CoinGateConfig, deps: GatewayDeps): Gateway {
  const apiToken = config.apiToken.reveal();

  const send = (req: HttpRequest) => sendHttp(deps.fetch, req, { label: 'CoinGate', timeoutMs: deps.timeoutMs ?? TIMEOUT_MS });

  /** Gateway-supplied text is shown to people: make sure none of our secrets can ride along in it. */
  function scrubbed<T>(result: GatewayResult<T>, secrets: string[]): GatewayResult<T> {
    if (result.ok) return result;
    let message = result.error.message;
    for (const s of secrets) if (s.length >= 4) message = message.split(s).join('[redacted]');
    return { ok: false, error: { ...result.error, message } };
  }

  function logFailure(op: string, error: GatewayError): void {
    deps.log.warn(`coingate ${op} failed`, { gateway: 'coingate', kind: error.kind, httpStatus: error.httpStatus, message: error.message });
  }

  /**
   * The order an earlier, lost create made under this key, if CoinGate has it (§2.8: list and filter on
   * order_id). Anything short of a clear answer is 'unavailable', so the charge stays unknown.
   */
  async function lookup(input: Parameters<Gateway['createCharge']>[0], since: number): Promise<GatewayResult<Charge | undefined>> {
    for (let page = 1; page <= LOOKUP_MAX_PAGES; page++) {
      const sent = await send(toLookupRequest(config.baseUrl, apiToken, since, page));
      const res = scrubbed(sent.ok ? fromLookupResponse(sent.value.status, sent.value.body, { order: input.order, key: input.idempotencyKey, since }) : sent, [apiToken]);
      if (!res.ok) return fail('unavailable', `CoinGate order lookup failed (${res.error.kind}): ${res.error.message}`, res.error.httpStatus);
      if (res.value.found) return { ok: true, value: res.value.found };
      if (!res.value.more) return { ok: true, value: undefined };
    }
    return fail('unavailable', `CoinGate order lookup found no answer in ${LOOKUP_MAX_PAGES} pages of recent orders`);
  }

  const gateway = {
    id: 'coingate' as const,
    callbackAuth: 'token' as const,

    /** CoinGate has no idempotency key; order_id (our order id) is what a lookup after a lost answer finds. */
    async newIdempotencyKey(order: ChargeOrder): Promise<GatewayResult<string>> {
      return { ok: true, value: order.id };
    },

    async createCharge(input: Parameters<Gateway['createCharge']>[0]): Promise<GatewayResult<Charge>> {
      if (input.retry) {
        const earlier = await lookup(input, input.retry.since);
        if (!earlier.ok) {
          logFailure('lookup', earlier.error);
          return earlier;
        }
        if (earlier.value) {
          deps.log.info('coingate charge found after a lost answer', { gateway: 'coingate', reference: earlier.value.reference, orderId: input.order.id });
          return { ok: true, value: earlier.value };
        }
      }
      const secrets = [apiToken, input.callbackToken];
      const req = toCreateRequest(config.baseUrl, apiToken, input);
      if (!req.ok) return req;
      const sent = await send(req.value);
      const parsed = scrubbed(sent.ok ? fromCreateResponse(sent.value.status, sent.value.body, input.order, input.idempotencyKey) : sent, secrets);
      if (!parsed.ok) {
        logFailure('create', parsed.error);
        return parsed;
      }
      const { token, ...charge } = parsed.value;
      if (token !== undefined && !sameSecret(token, input.callbackToken)) {
        // Its callbacks would then carry a token we never stored: they will be refused; polling still works.
        deps.log.warn('coingate kept its own callback token instead of ours', { gateway: 'coingate', reference: charge.reference });
      }
      deps.log.info('coingate charge created', { gateway: 'coingate', reference: charge.reference, orderId: input.order.id, status: charge.gatewayStatus });
      return { ok: true, value: charge };
    },

    async fetchCharge(reference: string): Promise<GatewayResult<Charge>> {
      // CoinGate ids are integers: anything else cannot exist there, and never reaches the URL path.
      if (!ORDER_ID_RE.test(reference)) return fail('not_found', 'no such CoinGate order');
      const sent = await send(toFetchRequest(config.baseUrl, apiToken, reference));
      const parsed = scrubbed(sent.ok ? fromFetchResponse(sent.value.status, sent.value.body, reference) : sent, [apiToken]);
      if (!parsed.ok) logFailure('fetch', parsed.error);
      else deps.log.debug('coingate charge fetched', { gateway: 'coingate', reference, status: parsed.value.gatewayStatus });
      return parsed;
    },

    parseCallback: parseCoinGateCallback,
    callbackReply: coinGateCallbackReply,

    toJSON(): Record<string, string> {
      return { id: 'coingate', environment: config.environment, baseUrl: config.baseUrl, callbackAuth: 'token' };
    },
  };
  return gateway satisfies Gateway;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

export const coingate = defineGateway<CoinGateConfig>({
  id: 'coingate',
  name: 'CoinGate',
  settings: SETTINGS,
  fromEnv: coinGateConfigFromEnv,
  create: createCoinGate,
});

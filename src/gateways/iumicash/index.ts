// iumiCash outbound gateway: settings, the one impure `send`, the token-authorised exchanges and the Gateway object (gateways.md §4).
import { z } from 'zod';
import { Secret, sendHttp, setting } from '../kit.ts';
import { defineGateway, type Env } from '../definition.ts';
import type { Charge, CreateChargeInput, Gateway, GatewayDeps, GatewayError, GatewayResult, HttpRequest } from '../types.ts';
import {
  IUMICASH_BASE_URL, ORDER_ID_RE, createOrderPayload, fail, fromCreateResponse, fromFetchResponse, fromTokenResponse,
  toCreateRequest, toFetchRequest, toTokenRequest, uuidV4,
} from './wire.ts';
import { iumiCashCallbackReply, parseIumiCashCallback } from './callback.ts';
import { createTokenCache } from './token.ts';

export { STATUS_MAP, commonStatus } from './wire.ts';

/** Retrying on a timeout is safe (§4.8 RequestId), so a stalled API is given up on after this long. */
const TIMEOUT_MS = 15_000;


export interface IumiCashConfig {
  clientId: string;
  clientSecret: Secret;
  /** API host, no trailing slash; paths (`/api/v1/…/`) are appended. */
  baseUrl: string;
}

const SETTINGS = ['OC_IUMICASH_CLIENT_ID', 'OC_IUMICASH_CLIENT_SECRET', 'OC_IUMICASH_BASE_URL'] as const;

const schema = z.object({
  // Both go into `Basic base64(id:secret)` (§4.2): visible ASCII only, and RFC 7617 forbids a colon in the id.
  OC_IUMICASH_CLIENT_ID: z.string().regex(/^[\x21-\x39\x3b-\x7e]{1,256}$/, 'must be the iumiCash client_id (1–256 visible ASCII characters, no colon)'),
  OC_IUMICASH_CLIENT_SECRET: z.string().regex(/^[\x21-\x7e]{8,512}$/, 'must be the iumiCash client_secret (8–512 visible ASCII characters)'),
  OC_IUMICASH_BASE_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://api.iumi.cash' })
    .refine((u) => !/^[a-z]+:\/\/[^/]*@/i.test(u), 'must not carry credentials (they go in OC_IUMICASH_CLIENT_ID/_SECRET)')
    .refine((u) => !/[?#]/.test(u), 'must not have a query or fragment')
    .optional(),
});


export function iumiCashConfigFromEnv(env: Env): IumiCashConfig | undefined {
  const clientId = setting(env, 'OC_IUMICASH_CLIENT_ID');
  const clientSecret = setting(env, 'OC_IUMICASH_CLIENT_SECRET');
  if (clientId === undefined && clientSecret === undefined) return undefined;
  if (clientId === undefined) throw new Error('OC_IUMICASH_CLIENT_ID is required when OC_IUMICASH_CLIENT_SECRET is set');
  if (clientSecret === undefined) throw new Error('OC_IUMICASH_CLIENT_SECRET is required when OC_IUMICASH_CLIENT_ID is set');
  const parsed = schema.safeParse({
    OC_IUMICASH_CLIENT_ID: clientId,
    OC_IUMICASH_CLIENT_SECRET: clientSecret,
    OC_IUMICASH_BASE_URL: setting(env, 'OC_IUMICASH_BASE_URL'),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    // Our messages never quote the input, so the secret cannot leak through this error.
    throw new Error(`${String(issue.path[0])} ${issue.message}`);
  }
  const s = parsed.data;
  const baseUrl = (s.OC_IUMICASH_BASE_URL ?? IUMICASH_BASE_URL).replace(/\/+$/, '');
  return Object.freeze({ clientId: s.OC_IUMICASH_CLIENT_ID, clientSecret: new Secret(s.OC_IUMICASH_CLIENT_SECRET), baseUrl });
}

type Sent = GatewayResult<{ status: number; body: string }>;

export function createIumiCash(config: IumiCashConfig, deps: GatewayDeps): Gateway {
  const { clientId, baseUrl } = config;
  const clientSecret = config.clientSecret.reveal();

  const send = (req: HttpRequest) => sendHttp(deps.fetch, req, { label: 'iumiCash', timeoutMs: deps.timeoutMs ?? TIMEOUT_MS });

  const tokens = createTokenCache(async () => {
    const sent = await send(toTokenRequest(baseUrl, clientId, clientSecret));
    const res = scrubbed(sent.ok ? fromTokenResponse(sent.value.status, sent.value.body) : sent, []);
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

  /** Gateway-supplied text is shown to people: none of our credentials may ride along in it. */
  function scrubbed<T>(result: GatewayResult<T>, more: string[]): GatewayResult<T> {
    if (result.ok) return result;
    let message = result.error.message;
    for (const s of [clientSecret, clientId, ...more]) if (s.length >= 4) message = message.split(s).join('[redacted]');
    return { ok: false, error: { ...result.error, message } };
  }

  function logFailure(op: string, error: GatewayError): void {
    deps.log.warn(`iumicash ${op} failed`, { gateway: 'iumicash', kind: error.kind, httpStatus: error.httpStatus, message: error.message });
  }

  const gateway = {
    id: 'iumicash' as const,
    callbackAuth: 'signature' as const,

    /** §4.8: a fresh RequestId per charge slot; every retry sends it again and gets the same order back. */
    async newIdempotencyKey(): Promise<GatewayResult<string>> {
      return { ok: true, value: uuidV4(deps.randomBytes(16)) };
    },

    async createCharge(input: CreateChargeInput): Promise<GatewayResult<Charge>> {
      const payload = createOrderPayload(input);
      if (!payload.ok) {
        logFailure('create', payload.error);
        return payload;
      }
      const { sent, used } = await authorized((token) => toCreateRequest(baseUrl, token, payload.value));
      const parsed = scrubbed(sent.ok ? fromCreateResponse(sent.value.status, sent.value.body, input.order, baseUrl) : sent, used);
      if (!parsed.ok) logFailure('create', parsed.error);
      else deps.log.info('iumicash charge created', { gateway: 'iumicash', reference: parsed.value.reference, orderId: input.order.id, status: parsed.value.gatewayStatus });
      return parsed;
    },

    async fetchCharge(reference: string): Promise<GatewayResult<Charge>> {
      // Anything but an iumiCash id cannot exist there, and never reaches the URL path.
      if (!ORDER_ID_RE.test(reference)) return fail('not_found', 'no such iumiCash order');
      const { sent, used } = await authorized((token) => toFetchRequest(baseUrl, token, reference));
      const parsed = scrubbed(sent.ok ? fromFetchResponse(sent.value.status, sent.value.body, reference, baseUrl) : sent, used);
      if (!parsed.ok) logFailure('fetch', parsed.error);
      else deps.log.debug('iumicash charge fetched', { gateway: 'iumicash', reference, status: parsed.value.gatewayStatus });
      return parsed;
    },

    parseCallback: (request: Parameters<Gateway['parseCallback']>[0]) => parseIumiCashCallback(clientSecret, request),
    callbackReply: iumiCashCallbackReply,

    toJSON(): Record<string, string> {
      return { id: 'iumicash', baseUrl, callbackAuth: 'signature' };
    },
  };
  return gateway satisfies Gateway;
}

export const iumicash = defineGateway<IumiCashConfig>({
  id: 'iumicash',
  name: 'iumiCash',
  settings: SETTINGS,
  fromEnv: iumiCashConfigFromEnv,
  create: createIumiCash,
});

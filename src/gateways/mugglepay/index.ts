// MugglePay outbound gateway: settings, the one impure `send`, and the Gateway object (gateways.md §3).
import { z } from 'zod';
import { Secret, sendHttp } from '../kit.ts';
import { defineGateway, type Env } from '../definition.ts';
import type { Charge, Gateway, GatewayDeps, GatewayResult, HttpRequest } from '../types.ts';
import { checkOrder, fromCreateResponse, fromFetchResponse, PRODUCTION_BASE_URL, REFERENCE_RE, toCreateRequest, toFetchRequest } from './wire.ts';
import { isKnownStatus } from './status.ts';
import { mugglePayCallbackReply, parseMugglePayCallback } from './callback.ts';

export { PRODUCTION_BASE_URL };
export const DEFAULT_TIMEOUT_MS = 15_000;


export interface MugglePayConfig {
  /** API root including the version, e.g. https://api.mugglepay.com/v1. */
  baseUrl: string;
  /** The `token` header value from merchants.mugglepay.com. */
  apiToken: Secret;
}

/** Accepts the API root with or without `/v1` (a bare host gets `/v1`, as the SDKs' base URL has it). */
export function normaliseBaseUrl(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (url.username || url.password || url.search || url.hash || value.includes('?') || value.includes('#')) return undefined;
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.origin}${path === '' ? '/v1' : path}`;
}

const Settings = z.object({
  OC_MUGGLEPAY_TOKEN: z.string().regex(/^[\x21-\x7e]{8,512}$/, 'must be the API token from merchants.mugglepay.com (8-512 visible ASCII characters, no spaces)'),
  OC_MUGGLEPAY_BASE_URL: z
    .string()
    .refine((v) => normaliseBaseUrl(v) !== undefined, 'must be an http(s) URL without credentials, query or fragment')
    .transform((v) => normaliseBaseUrl(v) as string)
    .default(PRODUCTION_BASE_URL),
});

const blank = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());

function fromEnv(env: Env): MugglePayConfig | undefined {
  const token = blank(env.OC_MUGGLEPAY_TOKEN);
  if (token === undefined) return undefined;
  const parsed = Settings.safeParse({ OC_MUGGLEPAY_TOKEN: token, OC_MUGGLEPAY_BASE_URL: blank(env.OC_MUGGLEPAY_BASE_URL) });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    // Names the setting and the rule, never the value (it may be the token).
    throw new Error(`${String(issue?.path[0] ?? 'OC_MUGGLEPAY_TOKEN')} is invalid: ${issue?.message ?? 'unreadable'}`);
  }
  return { baseUrl: parsed.data.OC_MUGGLEPAY_BASE_URL, apiToken: new Secret(parsed.data.OC_MUGGLEPAY_TOKEN) };
}

function createMugglePay(config: MugglePayConfig, deps: GatewayDeps): Gateway {
  const target = () => ({ baseUrl: config.baseUrl, apiToken: config.apiToken.reveal() });
  const secrets = () => [config.apiToken.reveal()];

  const send = (req: HttpRequest) => sendHttp(deps.fetch, req, { label: 'MugglePay', timeoutMs: deps.timeoutMs ?? DEFAULT_TIMEOUT_MS });

  function report(op: string, id: string, res: GatewayResult<Charge>): GatewayResult<Charge> {
    if (!res.ok) {
      deps.log.warn(`mugglepay ${op} failed`, { id, kind: res.error.kind, httpStatus: res.error.httpStatus, message: res.error.message });
      return res;
    }
    const c = res.value;
    if (!isKnownStatus(c.gatewayStatus)) deps.log.warn('mugglepay returned an undocumented status; treated as pending', { id, gatewayStatus: c.gatewayStatus });
    deps.log.info(`mugglepay ${op}`, { id, reference: c.reference, status: c.status, gatewayStatus: c.gatewayStatus });
    return res;
  }

  const gateway: Gateway & { toJSON(): unknown } = {
    id: 'mugglepay',
    callbackAuth: 'token',

    /** §3.7: merchant_order_id is MugglePay's only key; a repeat answers ORDER_MERCHANTID_EXIST with the order, which we adopt. */
    async newIdempotencyKey(order) {
      return { ok: true, value: order.id };
    },

    async createCharge(input) {
      const bad = checkOrder(input.order);
      if (bad) return report('create', input.order.id, { ok: false, error: bad });
      const sent = await send(toCreateRequest(target(), input));
      if (!sent.ok) return report('create', input.order.id, sent);
      const ctx = { secrets: secrets(), order: input.order, merchantOrderId: input.idempotencyKey };
      return report('create', input.order.id, fromCreateResponse(sent.value.status, sent.value.body, ctx));
    },

    async fetchCharge(reference) {
      if (!REFERENCE_RE.test(reference)) return { ok: false, error: { kind: 'not_found', message: 'not a MugglePay order id' } };
      const sent = await send(toFetchRequest(target(), reference));
      if (!sent.ok) return report('fetch', reference, sent);
      return report('fetch', reference, fromFetchResponse(sent.value.status, sent.value.body, { secrets: secrets(), reference }));
    },

    parseCallback: parseMugglePayCallback,
    callbackReply: mugglePayCallbackReply,

    // What JSON.stringify and loggers see: never the token.
    toJSON: () => ({ id: 'mugglepay', baseUrl: config.baseUrl, callbackAuth: 'token' }),
  };
  return gateway;
}

export const mugglepay = defineGateway<MugglePayConfig>({
  id: 'mugglepay',
  name: 'MugglePay',
  settings: ['OC_MUGGLEPAY_TOKEN', 'OC_MUGGLEPAY_BASE_URL'],
  fromEnv,
  create: createMugglePay,
});

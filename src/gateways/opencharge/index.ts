// Opencharge Merchant Gateway (MG) checkout: settings, the one impure `send`, and the Gateway object (opencharge.md §1.4, §1.5, §2.8).
import { z } from 'zod';
import { defineGateway, type Env } from '../definition.ts';
import { sendHttp, setting } from '../kit.ts';
import type { CallbackReply, CallbackVerdict, Charge, ChargeOrder, Gateway, GatewayDeps, GatewayError, GatewayResult, HttpRequest } from '../types.ts';
import { checkOrder, fail, fromCreateResponse, toCreateRequest, type MgTarget } from './wire.ts';

export { STATUS_MAP, ERROR_KINDS, commonStatus, toCreateRequest, fromCreateResponse, checkOrder } from './wire.ts';

/** A checkout is one round trip; past this the MG is treated as unavailable. */
const TIMEOUT_MS = 15_000;

/** No secret lives here: the merchant's key stays inside `deps.signer`. */
export type OpenchargeGatewayConfig = Readonly<MgTarget>;

const SETTINGS = ['OC_MG_OCID', 'OC_MG_ENDPOINT'] as const;

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * The MG's base URL with its base path, no trailing slash. https only, except on loopback (a local MG
 * or a test fake): over plain http anyone on the path could swap the redirect_url our customers follow.
 */
export function normaliseEndpoint(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.test(url.hostname))) return undefined;
  if (url.username || url.password || url.search || url.hash || value.includes('?') || value.includes('#')) return undefined;
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

const schema = z.object({
  OC_MG_OCID: z
    .string()
    .regex(/^[1-9][0-9]{0,15}$/, 'must be the Merchant Gateway OCID, a positive integer')
    .transform(Number)
    .refine(Number.isSafeInteger, 'must be a safe integer'),
  OC_MG_ENDPOINT: z
    .string({ error: 'is required with OC_MG_OCID: the MG API base URL from its metadata config.endpoint, e.g. https://mg.example/opencharge' })
    .refine((v) => normaliseEndpoint(v) !== undefined, 'must be an https URL (http only on loopback) without credentials, query or fragment, e.g. https://mg.example/opencharge')
    .transform((v) => normaliseEndpoint(v) as string),
});


export function openchargeConfigFromEnv(env: Env): OpenchargeGatewayConfig | undefined {
  const raw = { OC_MG_OCID: setting(env, 'OC_MG_OCID'), OC_MG_ENDPOINT: setting(env, 'OC_MG_ENDPOINT') };
  if (raw.OC_MG_OCID === undefined && raw.OC_MG_ENDPOINT === undefined) return undefined;
  if (raw.OC_MG_OCID === undefined) throw new Error('OC_MG_OCID is required with OC_MG_ENDPOINT: the Merchant Gateway OCID, a positive integer');
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${String(issue.path[0])} ${issue.message}`);
  }
  return Object.freeze({ ocid: parsed.data.OC_MG_OCID, endpoint: parsed.data.OC_MG_ENDPOINT });
}

/** Why nothing is ever accepted at /callbacks/opencharge: the MG pays through proofs on our /transfer/webhook. */
export const NO_CALLBACKS =
  'the Opencharge Merchant Gateway sends no gateway callbacks: its payments arrive as signed transfer proofs on /transfer/webhook';

export function createOpenchargeGateway(config: OpenchargeGatewayConfig, deps: GatewayDeps): Gateway {
  const log = (level: 'info' | 'warn', msg: string, fields: Record<string, unknown>) =>
    deps.log[level](msg, { gateway: 'opencharge', mgOcid: config.ocid, ...fields });

  const send = (req: HttpRequest) => sendHttp(deps.fetch, req, { label: 'Opencharge MG', timeoutMs: deps.timeoutMs ?? TIMEOUT_MS });

  function failed(orderId: string, error: GatewayError): GatewayResult<Charge> {
    log('warn', 'opencharge checkout failed', { orderId, kind: error.kind, httpStatus: error.httpStatus, message: error.message });
    return { ok: false, error };
  }

  const gateway = {
    id: 'opencharge' as const,
    callbackAuth: 'none' as const,

    /** The signed order id: a retry sends the same signed order (fresh request nonce), and the MG keys its checkout by it. */
    async newIdempotencyKey(order: ChargeOrder): Promise<GatewayResult<string>> {
      return { ok: true, value: order.id };
    },

    async createCharge(input: Parameters<Gateway['createCharge']>[0]): Promise<GatewayResult<Charge>> {
      const { order } = input;
      const refused = checkOrder(config, order, deps.signer.ocid);
      if (refused) return failed(order.id, refused);
      const req = toCreateRequest(config, input, deps.signer);
      const sent = await send(req);
      if (!sent.ok) return failed(order.id, sent.error);
      const echoable = [req.headers['X-OC-Signature'] ?? '', order.signature];
      const parsed = fromCreateResponse(sent.value.status, sent.value.body, order, echoable);
      if (!parsed.ok) return failed(order.id, parsed.error);
      log('info', 'opencharge checkout created', { orderId: order.id, reference: parsed.value.reference, status: parsed.value.gatewayStatus });
      return parsed;
    },

    async fetchCharge(_reference: string): Promise<GatewayResult<Charge>> {
      // §1.4/§2.8: the MG documents no order lookup; the missed-proof path is /verify/{txid}, keyed by a txid we only learn from a proof.
      return fail('not_found', 'the Opencharge MG has no charge lookup: its payment status arrives as signed transfer proofs on /transfer/webhook');
    },

    parseCallback(_request: Parameters<Gateway['parseCallback']>[0]): CallbackVerdict {
      return { ok: false, reason: NO_CALLBACKS };
    },

    /** What the MG expects from a receiver of its proofs (§2.6): 200 `{"status":"accepted"}`. */
    callbackReply(): CallbackReply {
      return { status: 200, contentType: 'application/json', body: '{"status":"accepted"}' };
    },

    toJSON(): Record<string, unknown> {
      return { id: 'opencharge', mgOcid: config.ocid, endpoint: config.endpoint, callbackAuth: 'none' };
    },
  };
  return gateway satisfies Gateway;
}

export const openchargeGateway = defineGateway<OpenchargeGatewayConfig>({
  id: 'opencharge',
  name: 'Opencharge Merchant Gateway',
  settings: SETTINGS,
  fromEnv: openchargeConfigFromEnv,
  create: createOpenchargeGateway,
});

// Mycelium Gear (straight-server) outbound gateway: settings, the one impure `send`, the Gateway object (gateways.md §1).
import { z } from 'zod';
import { Secret, sendHttp, setting } from '../kit.ts';
import { defineGateway, type Env } from '../definition.ts';
import type { Charge, CreateChargeInput, Gateway, GatewayDeps, GatewayError, GatewayResult, HttpRequest } from '../types.ts';
import { GEAR_DEFAULT_BASE_URL, REFERENCE_RE, fail, keychainOf, toCreateRequest, toFetchRequest, toLastKeychainRequest, toSatoshis } from './wire.ts';
import { fromCreateResponse, fromFetchResponse, fromLastKeychainResponse, isNonceRefusal, parseGearOrder } from './response.ts';
import { gearCallbackReply, parseGearCallback } from './callback.ts';

export { STATUS_MAP, commonStatus, gearSignature } from './wire.ts';

const TIMEOUT_MS = 15_000;


export interface GearConfig {
  /** The 64-hex API gateway id (§1.1), lower case. */
  gatewayId: string;
  secret: Secret;
  /** No trailing slash. */
  baseUrl: string;
  toJSON?: () => Record<string, string>;
}

const SETTINGS = ['OC_GEAR_GATEWAY_ID', 'OC_GEAR_SECRET', 'OC_GEAR_BASE_URL'] as const;

const schema = z.object({
  OC_GEAR_GATEWAY_ID: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, "must be the gateway's 64-hex-character API id from the Gear admin panel (not its number)"),
  // HMAC key: any printable ASCII without spaces; Gear generates 64 letters and digits.
  OC_GEAR_SECRET: z.string().regex(/^[\x21-\x7e]{8,256}$/, 'must be the gateway secret (8–256 printable characters, no spaces)'),
  OC_GEAR_BASE_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://gateway.gear.mycelium.com' })
    .refine((u) => !/^[a-z]+:\/\/[^/]*@/i.test(u), 'must not carry credentials')
    .refine((u) => !/[?#]/.test(u), 'must not have a query or fragment')
    .optional(),
});


export function gearConfigFromEnv(env: Env): GearConfig | undefined {
  const gatewayId = setting(env, 'OC_GEAR_GATEWAY_ID');
  const secret = setting(env, 'OC_GEAR_SECRET');
  if (gatewayId === undefined && secret === undefined) return undefined;
  if (gatewayId === undefined) throw new Error('OC_GEAR_GATEWAY_ID is required when OC_GEAR_SECRET is set');
  if (secret === undefined) throw new Error('OC_GEAR_SECRET is required when OC_GEAR_GATEWAY_ID is set');
  const parsed = schema.safeParse({ OC_GEAR_GATEWAY_ID: gatewayId, OC_GEAR_SECRET: secret, OC_GEAR_BASE_URL: setting(env, 'OC_GEAR_BASE_URL') });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    // Zod's messages here never quote the input, so the secret cannot leak through this error.
    throw new Error(`${String(issue.path[0])} ${issue.message}`);
  }
  const s = parsed.data;
  const apiId = s.OC_GEAR_GATEWAY_ID.toLowerCase();
  const baseUrl = (s.OC_GEAR_BASE_URL ?? GEAR_DEFAULT_BASE_URL).replace(/\/+$/, '');
  return Object.freeze({
    gatewayId: apiId,
    secret: new Secret(s.OC_GEAR_SECRET),
    baseUrl,
    // The API id is not a secret, but with signing off it is all an order needs: show only its start.
    toJSON: () => ({ gatewayId: `${apiId.slice(0, 6)}…`, secret: '[redacted]', baseUrl }),
  });
}

export function createMyceliumGear(config: GearConfig, deps: GatewayDeps): Gateway {
  const secret = config.secret.reveal();
  const ep = { baseUrl: config.baseUrl, gatewayId: config.gatewayId };
  let lastNonce = 0n;
  /** The highest keychain_id seen in an answer or handed out: a new key never goes below it (§1.10). */
  let highestKeychain = 0;

  function noteKeychains(body: string): void {
    const o = parseGearOrder(body);
    highestKeychain = Math.max(highestKeychain, o?.keychainId ?? 0, o?.lastKeychainId ?? 0);
  }

  /** §1.2: X-Nonce must go up with every request; milliseconds as the docs suggest, +1 within the same tick. */
  function nextNonce(): string {
    const t = BigInt(Math.floor(deps.now())) * 1000n;
    lastNonce = t > lastNonce ? t : lastNonce + 1n;
    return lastNonce.toString();
  }

  const send = (req: HttpRequest) => sendHttp(deps.fetch, req, { label: 'Mycelium Gear', timeoutMs: deps.timeoutMs ?? TIMEOUT_MS });

  /** Signs and sends; one retry with a fresh nonce on `409 X-Nonce is invalid` (two requests raced, §1.2). */
  async function exchange(build: (nonce: string) => GatewayResult<HttpRequest>): Promise<GatewayResult<{ status: number; body: string }>> {
    const req = build(nextNonce());
    if (!req.ok) return req;
    const first = await send(req.value);
    if (!first.ok || !isNonceRefusal(first.value.status, first.value.body)) return first;
    deps.log.info('mycelium-gear nonce refused, retrying once', { gateway: 'mycelium-gear' });
    const again = build(nextNonce());
    return again.ok ? send(again.value) : again;
  }

  /** Belt and braces: no message leaves with the secret or the gateway id in it. */
  function scrubbed<T>(result: GatewayResult<T>): GatewayResult<T> {
    if (result.ok) return result;
    const message = result.error.message.split(secret).join('[redacted]').split(config.gatewayId).join('[gateway id]');
    return { ok: false, error: { ...result.error, message } };
  }

  function logFailure(op: string, error: GatewayError): void {
    deps.log.warn(`mycelium-gear ${op} failed`, { gateway: 'mycelium-gear', kind: error.kind, httpStatus: error.httpStatus, message: error.message });
  }

  const gateway = {
    id: 'mycelium-gear' as const,
    callbackAuth: 'signature' as const,

    /**
     * §1.10: the key is the keychain_id, reserved as last_keychain_id + 1 (never below one we saw or handed out),
     * so every retry of the charge asks for the same address and none is skipped.
     */
    async newIdempotencyKey(): Promise<GatewayResult<string>> {
      const sent = await send(toLastKeychainRequest(ep));
      const last = scrubbed(sent.ok ? fromLastKeychainResponse(sent.value.status, sent.value.body) : sent);
      if (!last.ok) {
        logFailure('last_keychain_id', last.error);
        return last;
      }
      highestKeychain = Math.max(highestKeychain, last.value) + 1;
      return { ok: true, value: String(highestKeychain) };
    },

    async createCharge(input: CreateChargeInput): Promise<GatewayResult<Charge>> {
      const sent = await exchange((nonce) => toCreateRequest(ep, secret, input, nonce));
      if (sent.ok) noteKeychains(sent.value.body);
      const currency = input.order.currency.toUpperCase();
      const keychainId = keychainOf(input.idempotencyKey);
      const ctx = { baseUrl: config.baseUrl, currency, ...(keychainId === undefined ? {} : { keychainId }), ...(currency === 'BTC' ? { satoshis: toSatoshis(input.order.amount) } : {}) };
      let parsed = scrubbed(sent.ok ? fromCreateResponse(sent.value.status, sent.value.body, ctx) : sent);
      if (!parsed.ok && parsed.error.kind === 'conflict' && !input.retry) {
        // A first attempt: no order of this charge can hold the address, another open order does. That is a plain
        // refusal; the next key moves past it. On a retry it stays a conflict: it may be our own lost order.
        highestKeychain = Math.max(highestKeychain, keychainId ?? 0);
        parsed = { ok: false, error: { ...parsed.error, kind: 'declined' } };
      }
      if (!parsed.ok) {
        logFailure('create', parsed.error);
        return parsed;
      }
      deps.log.info('mycelium-gear charge created', { gateway: 'mycelium-gear', reference: parsed.value.reference, orderId: input.order.id, status: parsed.value.gatewayStatus });
      return parsed;
    },

    async fetchCharge(reference: string): Promise<GatewayResult<Charge>> {
      // Only an id or a payment_id can exist there; anything else never reaches the URL path.
      if (typeof reference !== 'string' || !REFERENCE_RE.test(reference)) return fail('not_found', 'no such Mycelium Gear order');
      const sent = await exchange((nonce) => ({ ok: true, value: toFetchRequest(ep, secret, reference, nonce) }));
      if (sent.ok) noteKeychains(sent.value.body);
      const parsed = scrubbed(sent.ok ? fromFetchResponse(sent.value.status, sent.value.body, { baseUrl: config.baseUrl }) : sent);
      if (!parsed.ok) logFailure('fetch', parsed.error);
      else deps.log.debug('mycelium-gear charge fetched', { gateway: 'mycelium-gear', reference, status: parsed.value.gatewayStatus });
      return parsed;
    },

    parseCallback: (request: Parameters<Gateway['parseCallback']>[0]) => parseGearCallback(secret, request),
    callbackReply: gearCallbackReply,

    toJSON(): Record<string, string> {
      return { id: 'mycelium-gear', baseUrl: config.baseUrl, callbackAuth: 'signature' };
    },
  };
  return gateway satisfies Gateway;
}

export const myceliumGear = defineGateway<GearConfig>({
  id: 'mycelium-gear',
  name: 'Mycelium Gear',
  settings: SETTINGS,
  fromEnv: gearConfigFromEnv,
  create: createMyceliumGear,
});

// Mycelium Gear (straight-server) outbound gateway: the one impure `send` and the Gateway object over settings, wire and callback (docs/gateways.md §1).
import { defineGateway } from '../definition.ts';
import { fail, identity, logCreate, logFailure, logFetch, parseExchange, scrubbed, sendHttp, type Exchange } from '../kit.ts';
import type { Charge, CreateChargeInput, Gateway, GatewayDeps, GatewayResult, HttpRequest } from '../types.ts';
import { SETTINGS, gearConfigFromEnv, type GearConfig } from './settings.ts';
import { REFERENCE_RE, fromLastKeychainResponse, keychainOf, parseGearOrder, toLastKeychainRequest, toSatoshis, wire } from './wire.ts';
import { isNonceRefusal } from './status.ts';
import { gearCallbackReply, parseGearCallback } from './callback.ts';

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

  const send = (req: HttpRequest) => sendHttp(deps, req, 'Mycelium Gear');

  /** Signs and sends; one retry with a fresh nonce on `409 X-Nonce is invalid` (two requests raced, §1.2). */
  async function exchange(build: (nonce: string) => GatewayResult<HttpRequest>): Promise<GatewayResult<Exchange>> {
    const req = build(nextNonce());
    if (!req.ok) return req;
    const first = await send(req.value);
    if (!first.ok || !isNonceRefusal(first.value.status, first.value.body)) return first;
    deps.log.info('mycelium-gear nonce refused, retrying once', { gateway: 'mycelium-gear' });
    const again = build(nextNonce());
    return again.ok ? send(again.value) : again;
  }

  /** Belt and braces: no message leaves with the secret or the gateway id in it. */
  function parse<T>(sent: GatewayResult<Exchange>, parser: (status: number, body: string) => GatewayResult<T>): GatewayResult<T> {
    return scrubbed(parseExchange(sent, parser, [secret]), [config.gatewayId], '[gateway id]');
  }

  const gateway = {
    ...identity('mycelium-gear', 'signature', { baseUrl: config.baseUrl }),

    /**
     * §1.10: the key is the keychain_id, reserved as last_keychain_id + 1 (never below one we saw or handed out),
     * so every retry of the charge asks for the same address and none is skipped.
     */
    async newIdempotencyKey(): Promise<GatewayResult<string>> {
      const sent = await send(toLastKeychainRequest(ep));
      const last = parse(sent, fromLastKeychainResponse);
      if (!last.ok) {
        logFailure(deps.log, 'mycelium-gear', 'last_keychain_id', last.error);
        return last;
      }
      highestKeychain = Math.max(highestKeychain, last.value) + 1;
      return { ok: true, value: String(highestKeychain) };
    },

    async createCharge(input: CreateChargeInput): Promise<GatewayResult<Charge>> {
      const sent = await exchange((nonce) => wire.toCreateRequest(ep, secret, input, nonce));
      if (sent.ok) noteKeychains(sent.value.body);
      const currency = input.order.currency.toUpperCase();
      const keychainId = keychainOf(input.idempotencyKey);
      const ctx = { baseUrl: config.baseUrl, currency, ...(keychainId === undefined ? {} : { keychainId }), ...(currency === 'BTC' ? { satoshis: toSatoshis(input.order.amount) } : {}) };
      let parsed = parse(sent, (status, body) => wire.fromCreateResponse(status, body, ctx));
      if (!parsed.ok && parsed.error.kind === 'conflict' && !input.retry) {
        // A first attempt: no order of this charge can hold the address, another open order does. That is a plain
        // refusal; the next key moves past it. On a retry it stays a conflict: it may be our own lost order.
        highestKeychain = Math.max(highestKeychain, keychainId ?? 0);
        parsed = { ok: false, error: { ...parsed.error, kind: 'declined' } };
      }
      return logCreate(deps.log, 'mycelium-gear', input.order.id, parsed);
    },

    async fetchCharge(reference: string): Promise<GatewayResult<Charge>> {
      // Only an id or a payment_id can exist there; anything else never reaches the URL path.
      if (typeof reference !== 'string' || !REFERENCE_RE.test(reference)) return fail('not_found', 'no such Mycelium Gear order');
      const sent = await exchange((nonce) => ({ ok: true, value: wire.toFetchRequest(ep, secret, reference, nonce) }));
      if (sent.ok) noteKeychains(sent.value.body);
      return logFetch(deps.log, 'mycelium-gear', reference, parse(sent, (status, body) => wire.fromFetchResponse(status, body, { baseUrl: config.baseUrl })));
    },

    parseCallback: (request: Parameters<Gateway['parseCallback']>[0]) => parseGearCallback(secret, request),
    callbackReply: gearCallbackReply,
  };
  return gateway satisfies Gateway;
}

export const myceliumGear = defineGateway({ id: 'mycelium-gear', name: 'Mycelium Gear', settings: SETTINGS, fromEnv: gearConfigFromEnv, create: createMyceliumGear });

// The one interface every outbound gateway implements (docs/architecture.md rules 3-4; docs/gateways.md).
import type { Logger } from '../log.ts';
import type { RequestSigner } from '../client/signer.ts';

export type { Logger };

export type GatewayId = 'coingate' | 'mugglepay' | 'mycelium-gear' | 'iumicash' | 'opencharge';

/** Our common charge lifecycle (docs/gateways.md §5); each adapter maps its native statuses with a literal table. */
export type ChargeStatus =
  | 'pending'
  | 'paid'
  | 'underpaid'
  | 'overpaid'
  | 'expired'
  | 'cancelled'
  | 'refunded'
  | 'failed';

/** What a gateway may use of the signed order: the signed order is the source of truth. */
export interface ChargeOrder {
  id: string;
  amount: string; // decimal string, major units
  currency: string;
  reference?: string;
  memo?: string;
  createdAt: number;
  expiresAt: number;
  /** The signed order object exactly as signed, its signature and urls (used by the Opencharge gateway). */
  signed: Record<string, unknown>;
  signature: string;
  urls: { order: string[]; completed?: string; cancelled?: string };
}

export interface CreateChargeInput {
  order: ChargeOrder;
  /** `{public base URL}/callbacks/{gateway id}`, possibly with a query the adapter may extend. */
  callbackUrl: string;
  /** A random per-charge secret: token-authenticated gateways echo it back in the callback. */
  callbackToken: string;
  /**
   * The handle from `newIdempotencyKey`, stored with the charge slot: every attempt for this (order, gateway)
   * sends the same one, so a retry lands on what an earlier attempt created.
   */
  idempotencyKey: string;
  /**
   * Set when an earlier attempt with this key may have reached the gateway (its answer was lost): resolve
   * through the key before creating anything new. `since`: Unix seconds when the slot was reserved.
   */
  retry?: { since: number };
}

export interface Charge {
  /** The gateway's own id for the charge (used in fetch and matched against callbacks). */
  reference: string;
  /** Where the customer pays (hosted page, invoice URL, redirect_url). */
  paymentUrl: string;
  status: ChargeStatus;
  /** The gateway's native status text, as received. */
  gatewayStatus: string;
  /** Amount the gateway says was paid, in the order's currency, when it tells us. */
  paidAmount?: string;
}

export type GatewayErrorKind =
  | 'auth' // our credentials were refused
  | 'invalid' // the gateway rejected the request as malformed
  | 'declined' // a business refusal (balance low, currency unsupported…)
  | 'not_found' // unknown charge
  | 'unavailable' // network error, timeout, 5xx
  | 'protocol' // an answer we cannot parse
  | 'conflict'; // the gateway already holds something under this idempotency key that we could not adopt

/**
 * Kinds after which a create may still have happened at the gateway: the charge stays `unknown` and is
 * resolved through its key. Any other kind is a definite refusal: nothing was created.
 */
export const UNSETTLED_KINDS: ReadonlySet<GatewayErrorKind> = new Set(['unavailable', 'protocol', 'conflict']);

export interface GatewayError {
  kind: GatewayErrorKind;
  /** Safe to log and return: never contains a token, secret or signature. */
  message: string;
  httpStatus?: number;
}

export type GatewayResult<T> = { ok: true; value: T } | { ok: false; error: GatewayError };

/** A callback as our server received it. */
export interface CallbackRequest {
  method: string;
  /** Request-target as received: path + `?query`. */
  target: string;
  /** Lowercased header names. */
  headers: Record<string, string>;
  /** Raw body text (empty for GET). */
  body: string;
}

export interface ParsedCallback {
  /** The charge reference the callback is about (must match a charge we created). */
  reference: string;
  /** For token-authenticated gateways: the token found in the callback, compared by the caller. */
  token?: string;
  /** What the callback claims; never trusted: the caller re-fetches the charge. */
  claimedStatus?: string;
}

export type CallbackVerdict = { ok: true; callback: ParsedCallback } | { ok: false; reason: string };

export interface CallbackReply {
  status: number;
  contentType: string;
  body: string;
}

export interface Gateway {
  readonly id: GatewayId;
  /** How callbacks are authenticated: a signature the adapter checks, or a per-charge token we check. */
  readonly callbackAuth: 'signature' | 'token' | 'none';
  /** The idempotency handle for a new charge of this order, fixed before its first create (see each adapter). */
  newIdempotencyKey(order: ChargeOrder): Promise<GatewayResult<string>>;
  createCharge(input: CreateChargeInput): Promise<GatewayResult<Charge>>;
  fetchCharge(reference: string): Promise<GatewayResult<Charge>>;
  /** Authenticates (signature gateways) and parses a callback; pure, never throws on attacker input. */
  parseCallback(request: CallbackRequest): CallbackVerdict;
  /** What the gateway expects back once a callback is handled (MugglePay `{"status":200}`, iumiCash `OK`…). */
  callbackReply(): CallbackReply;
}

/** The effects every part of the server is given (docs/architecture.md rule 5): no module-level fetch, clock or randomness. */
export interface CoreEffects {
  fetch: typeof fetch;
  /** Unix seconds. */
  now: () => number;
  randomBytes: (n: number) => Uint8Array;
  log: Logger;
}

/** Effects a gateway is given. */
export interface GatewayDeps extends CoreEffects {
  /** Signs outbound Opencharge requests as this merchant (used by the Opencharge gateway). */
  signer: RequestSigner;
  /** How long one HTTP exchange may take before it counts as lost (default 15 s; tests shorten it). */
  timeoutMs?: number;
}

/** A plain HTTP request description: the "build" half of build → send → parse (rule 4). */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body?: string;
}

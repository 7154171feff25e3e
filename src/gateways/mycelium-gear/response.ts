// Mycelium Gear answers, pure: the order JSON → Charge, the text/plain errors → GatewayError (gateways.md §1.4, §1.9).
import type { Charge, GatewayError, GatewayErrorKind, GatewayResult } from '../types.ts';
import { clip, commonStatus, fail, payUrl } from './wire.ts';

/** The order JSON of §1.4 (create and GET answer the same shape). */
export interface GearOrder {
  id: number;
  status: number;
  paymentId: string;
  amountSatoshis: number;
  amountPaidInBtc?: string;
  keychainId?: number;
  /** The gateway's counter when the answer was made (test-mode aware, unlike the last_keychain_id endpoint). */
  lastKeychainId?: number;
}

const BTC_TEXT_RE = /^(\d{1,10})\.?(\d{0,8})$/;

/** Gear writes BTC as Ruby floats print them ("0.0", "0.", "0.0039874"); returns a plain decimal string. */
export function btcText(value: unknown): string | undefined {
  const m = typeof value === 'string' ? BTC_TEXT_RE.exec(value) : null;
  if (!m) return undefined;
  const frac = m[2]!.replace(/0+$/, '');
  return frac ? `${BigInt(m[1]!)}.${frac}` : String(BigInt(m[1]!));
}

export function parseGearOrder(body: string): GearOrder | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) return undefined;
  const o = json as Record<string, unknown>;
  const { id, status, payment_id: paymentId, amount } = o;
  if (!Number.isSafeInteger(id) || (id as number) <= 0) return undefined;
  if (!Number.isSafeInteger(status)) return undefined;
  if (typeof paymentId !== 'string' || !/^[0-9a-f]{64}$/.test(paymentId)) return undefined;
  if (!Number.isSafeInteger(amount) || (amount as number) < 0) return undefined;
  const out: GearOrder = { id: id as number, status: status as number, paymentId, amountSatoshis: amount as number };
  const paid = btcText(o.amount_paid_in_btc);
  if (paid !== undefined) out.amountPaidInBtc = paid;
  if (isCounter(o.keychain_id)) out.keychainId = o.keychain_id;
  if (isCounter(o.last_keychain_id)) out.lastKeychainId = o.last_keychain_id;
  return out;
}

const isCounter = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** Parse half of `GET …/last_keychain_id` (§1.3): `{"gateway_id": …, "last_keychain_id": N}`. */
export function fromLastKeychainResponse(status: number, body: string): GatewayResult<number> {
  // Read as a create's errors: a 404 here names the gateway, not an order.
  if (status !== 200) return { ok: false, error: errorFor(status, body, 'create') };
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  const last = json && typeof json === 'object' ? (json as Record<string, unknown>).last_keychain_id : undefined;
  return isCounter(last) ? { ok: true, value: last } : fail('protocol', 'Mycelium Gear answered last_keychain_id with something we cannot read', status);
}

/** What we know about the order a response answers: the base URL and, on create, what we asked for. */
export interface ParseContext {
  baseUrl: string;
  /** Order currency, when known: `paidAmount` is only reported in the order's currency, i.e. for BTC orders. */
  currency?: string;
  /** Satoshis we asked for (BTC orders at create): Gear must echo them. */
  satoshis?: bigint;
  /** The keychain_id we asked for (at create): Gear must have used it. */
  keychainId?: number;
}

export function toCharge(order: GearOrder, ctx: ParseContext): GatewayResult<Charge> {
  const status = commonStatus(order.status);
  if (status === undefined) return fail('protocol', `Mycelium Gear reported an unknown order status (${order.status})`);
  if (ctx.satoshis !== undefined && BigInt(order.amountSatoshis) !== ctx.satoshis) {
    return fail('protocol', 'Mycelium Gear created the order for a different amount');
  }
  if (ctx.keychainId !== undefined && order.keychainId !== undefined && order.keychainId !== ctx.keychainId) {
    return fail('protocol', 'Mycelium Gear created the order at another keychain_id than the one asked for');
  }
  const charge: Charge = {
    reference: String(order.id), // callbacks name the order by this id (§1.8 `order_id`)
    paymentUrl: payUrl(ctx.baseUrl, order.paymentId),
    status,
    gatewayStatus: String(order.status),
  };
  if (ctx.currency?.toUpperCase() === 'BTC' && order.amountPaidInBtc !== undefined) charge.paidAmount = order.amountPaidInBtc;
  return { ok: true, value: charge };
}

/** Parse half of create and fetch: 200 + order JSON, else the text/plain errors of §1.9. */
export function fromOrderResponse(status: number, body: string, op: 'create' | 'fetch', ctx: ParseContext): GatewayResult<Charge> {
  if (status !== 200) return { ok: false, error: errorFor(status, body, op) };
  const order = parseGearOrder(body);
  if (!order) return fail('protocol', 'Mycelium Gear answered with an order we cannot read', 200);
  return toCharge(order, ctx);
}

export function fromCreateResponse(status: number, body: string, ctx: ParseContext): GatewayResult<Charge> {
  return fromOrderResponse(status, body, 'create', ctx);
}

export function fromFetchResponse(status: number, body: string, ctx: ParseContext): GatewayResult<Charge> {
  return fromOrderResponse(status, body, 'fetch', ctx);
}

/** True for the 409 a racing or stale nonce gets (§1.2): the one answer worth a retry with a fresh nonce. */
export function isNonceRefusal(status: number, body: string): boolean {
  return status === 409 && body.startsWith('X-Nonce is invalid');
}

/** A validation message safe to show: printable ASCII only, short. */
function detail(text: string): string {
  return clip(text.replace(/[^\x20-\x7e]/g, '').trim(), 160);
}

/**
 * §1.9 errors → our kinds. Bodies that echo what we sent (`X-Signature is invalid: "<sig>"`, 404 paths carrying
 * the gateway id) never reach the message; only the Sequel validation text of `Invalid order:` does.
 */
export function errorFor(status: number, body: string, op: 'create' | 'fetch'): GatewayError {
  const err = (kind: GatewayErrorKind, message: string): GatewayError => ({ kind, message, httpStatus: status });
  const text = body.trim();
  if (status === 401 || status === 403) return err('auth', 'Mycelium Gear refused our credentials');
  if (status === 404) {
    return op === 'fetch'
      ? err('not_found', 'no such Mycelium Gear order')
      : err('auth', 'Mycelium Gear does not know this gateway (check OC_GEAR_GATEWAY_ID and OC_GEAR_BASE_URL)');
  }
  if (status === 409) {
    if (/^(X-Signature is invalid|Invalid signature)/.test(text)) return err('auth', 'Mycelium Gear refused our request signature (check OC_GEAR_SECRET)');
    if (text.startsWith('X-Nonce is invalid')) return err('auth', 'Mycelium Gear refused our request nonce');
    if (text.startsWith('Invalid order:')) {
      const why = detail(text.slice('Invalid order:'.length));
      // §1.10: an open order holds this keychain_id's address (maybe the one a lost answer made: we cannot look it up).
      return err(/already in use/i.test(why) ? 'conflict' : 'invalid', `Mycelium Gear refused the order: ${why}`);
    }
    if (text.startsWith('Order is not cancelable')) return err('declined', 'the Mycelium Gear order is not cancelable');
    return err('invalid', 'Mycelium Gear rejected the request');
  }
  if (status === 429) return err('unavailable', 'Mycelium Gear is throttling our requests');
  if (status === 503 && /gateway is inactive/i.test(text)) return err('declined', 'the Mycelium Gear gateway is inactive');
  if (status >= 500) return err('unavailable', `Mycelium Gear failed (${status})`);
  if (status >= 400) return err('invalid', `Mycelium Gear rejected the request (${status})`);
  return err('protocol', `Mycelium Gear answered with an unexpected status (${status})`);
}

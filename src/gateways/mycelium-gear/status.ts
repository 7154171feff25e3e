// Mycelium Gear literal tables: native status code → common status (docs/gateways.md §1.6, §5), its text/plain errors → error kind (§1.9).
import type { ChargeStatus, GatewayError, GatewayErrorKind } from '../types.ts';
import { lookupStatus, printable } from '../kit.ts';

/**
 * Native status code → common status (docs/gateways.md §1.6 and §5). Keys are the codes as text, the way callbacks
 * carry them; -3 (partially_paid) only shows up in GET/WebSocket answers and is still mutable, hence pending.
 */
export const STATUS_MAP = {
  '-3': 'pending', // partially_paid: becomes 2/4 on a further payment, or 3 at expiry
  '0': 'pending', // new: no transaction seen
  '1': 'pending', // unconfirmed: enough money seen, not enough confirmations
  '2': 'paid',
  '3': 'underpaid', // final: less than due received by expiry
  '4': 'overpaid', // final: more than due received
  '5': 'expired',
  '6': 'cancelled', // Gear spells it "canceled"
} as const satisfies Record<string, ChargeStatus>;

/** The common status for a native code (number or digit text); undefined for a code Gear never documented. */
export function commonStatus(native: unknown): ChargeStatus | undefined {
  return lookupStatus(STATUS_MAP, typeof native === 'number' && Number.isInteger(native) ? String(native) : native);
}

/** True for the 409 a racing or stale nonce gets (§1.2): the one answer worth a retry with a fresh nonce. */
export function isNonceRefusal(status: number, body: string): boolean {
  return status === 409 && body.startsWith('X-Nonce is invalid');
}

/** A validation message safe to show: printable ASCII only, short. */
function detail(text: string): string {
  return printable(text.replace(/[^\x20-\x7e]/g, ''), 160);
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

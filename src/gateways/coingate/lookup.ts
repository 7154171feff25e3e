// CoinGate has no idempotency key (docs/gateways.md §2.8): after a lost create answer, list recent orders for ours. Pure.
import type { Charge, ChargeOrder, GatewayResult, HttpRequest } from '../types.ts';
import { echoMismatch, errorFromResponse, toCharge } from './wire.ts';
import { fail, isRecord, parseJson } from '../kit.ts';

/** §2.4: `per_page` is at most 100. */
export const LOOKUP_PAGE_SIZE = 100;
/** §2.2 allows 500 order creations an hour: five pages cover an hour of a busy account. */
export const LOOKUP_MAX_PAGES = 5;
/** Clock skew allowed between us and CoinGate when deciding that a page is older than the lost attempt. */
const SKEW_SECONDS = 600;

/**
 * `GET {base}/orders`, newest first, from the day before the slot was reserved (`created_at[from]` takes a date,
 * §2.4; a day early so no time zone can hide the order).
 */
export function toLookupRequest(baseUrl: string, apiToken: string, since: number, page: number): HttpRequest {
  const from = new Date((since - 86_400) * 1000).toISOString().slice(0, 10);
  const query = new URLSearchParams({ per_page: String(LOOKUP_PAGE_SIZE), page: String(page), sort: 'created_at_desc', 'created_at[from]': from });
  return { method: 'GET', url: `${baseUrl}/orders?${query}`, headers: { authorization: `Token ${apiToken}`, accept: 'application/json' } };
}

/** One page's verdict: the order made under our key, or whether an older page could still hold it. */
export type LookupPage = { found: Charge } | { found?: undefined; more: boolean };

/**
 * Parse half of the lookup: `{current_page, total_pages, orders: […]}`. The newest order carrying our key is
 * ours (it must also match the signed order's price); a page reaching back before the slot ends the search.
 */
export function fromLookupResponse(status: number, body: string, o: { order: ChargeOrder; key: string; since: number }): GatewayResult<LookupPage> {
  const json = parseJson(body);
  if (status !== 200) return { ok: false, error: errorFromResponse(status, json, 'lookup') };
  if (!isRecord(json) || !Array.isArray(json.orders)) return fail('protocol', 'CoinGate order list answer has no orders');
  let oldest = Infinity;
  for (const raw of json.orders) {
    if (!isRecord(raw)) return fail('protocol', 'CoinGate order list holds something that is not an order');
    const created = typeof raw.created_at === 'string' ? Date.parse(raw.created_at) / 1000 : NaN;
    if (Number.isFinite(created)) oldest = Math.min(oldest, created);
    if (raw.order_id === undefined || raw.order_id === null || String(raw.order_id) !== o.key) continue;
    const mismatch = echoMismatch(raw, o.order, o.key);
    if (mismatch) return fail('protocol', mismatch);
    const charge = toCharge(raw);
    return charge.ok ? { ok: true, value: { found: charge.value } } : charge;
  }
  const page = typeof json.current_page === 'number' ? json.current_page : undefined;
  const pages = typeof json.total_pages === 'number' ? json.total_pages : undefined;
  const lastPage = json.orders.length < LOOKUP_PAGE_SIZE || (page !== undefined && pages !== undefined && page >= pages);
  return { ok: true, value: { more: !lastPage && oldest >= o.since - SKEW_SECONDS } };
}

// An offline MugglePay API on 127.0.0.1 (docs/gateways.md §3): `token` header auth, create/get orders, token-echo callbacks.
import { Hono, type Context } from 'hono';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { CallbackRequest, ChargeStatus } from '../../src/gateways/types.ts';
import type { FakeGatewayServer, RecordedRequest } from './types.ts';
import { lostAnswers } from './lost-answer.ts';
import { serveFetch } from '../helpers/http-server.ts';
import { formatAmount, parseAmount } from '../../src/protocol/amount.ts';

export interface MugglePayFakeOptions {
  /** HTTP status of a successful create; the body says 201 either way (§3.2 leaves the status line open). */
  createHttpStatus?: 200 | 201;
  /** Refused credentials: ErrorCodes.md's 400 AUTHENTICATION_FAILED (default) or its 401 row. */
  authFailure?: 400 | 401;
  /** Key that echoes the merchant token in callbacks: `token` (every SDK) or `merchant_token` (2025 docs). */
  callbackTokenField?: 'token' | 'merchant_token';
  /** Callback amounts as strings (current docs) or numbers (older docs, Go SDK). */
  callbackAmounts?: 'string' | 'number';
}

export interface MugglePayFake extends FakeGatewayServer {
  /** Sets any native status (documented or not) and, optionally, the paid amount in the price currency. */
  setStatus(reference: string, native: string, payAmount?: string): void;
}

type Json = Record<string, unknown>;
interface FakeOrder {
  order: Json;
  token?: string;
  invoice?: Json;
  paymentUrl: string;
}

const fixture = (name: string): Json => JSON.parse(readFileSync(new URL(`../fixtures/gateways/mugglepay/${name}`, import.meta.url), 'utf8')) as Json;
const INVOICE_URL = 'https://invoice.mugglepay.com/invoices?id=';
const NATIVE: Partial<Record<ChargeStatus, string>> = {
  pending: 'PENDING', paid: 'PAID', underpaid: 'UNRESOLVED', overpaid: 'UNRESOLVED', expired: 'EXPIRED', cancelled: 'CANCELED', refunded: 'REFUNDED',
};
const AMOUNT = /^\d+(\.\d+)?$/;
/** Lowercased header map (lib has no DOM.Iterable, so no Object.fromEntries(headers)). */
export function headersOf(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, key) => void (out[key] = value));
  return out;
}
const trim = (v: bigint) => formatAmount(v, 18).replace(/\.?0+$/, '');

/** A positive decimal string from a JSON number or numeric string (the WooCommerce plugin sends strings). */
function priceOf(v: unknown): string | undefined {
  const text = typeof v === 'number' && Number.isFinite(v) ? String(v) : typeof v === 'string' ? v : undefined;
  return text !== undefined && AMOUNT.test(text) && parseAmount(text) !== undefined && parseAmount(text)! > 0n ? text : undefined;
}

export async function startMugglePayFake(options: MugglePayFakeOptions = {}): Promise<MugglePayFake> {
  const apiToken = randomUUID();
  const requests: RecordedRequest[] = [];
  const orders = new Map<string, FakeOrder>();
  const byMerchantId = new Map<string, string>();
  const lost = lostAnswers();
  const err = (c: Context, http: number, body: Json) => c.json(body, http as 400);

  const app = new Hono();
  app.use('*', async (c, next) => {
    const url = new URL(c.req.url);
    requests.push({ method: c.req.method, target: url.pathname + url.search, headers: headersOf(c.req.raw.headers), body: await c.req.text() });
    await next();
  });
  app.use('/v1/*', async (c, next) => {
    if (c.req.header('token') === apiToken) return next();
    return options.authFailure === 401 ? err(c, 401, fixture('unauthorized-401.doc.json')) : err(c, 400, fixture('auth-error.doc.json'));
  });

  app.post('/v1/orders', (c) => lost.around(c, () => createOrder(c)));

  async function createOrder(c: Context): Promise<Response> {
    const missing = (what: string) => err(c, 400, { ...fixture('create-error.seed.json'), error: what });
    if (!/^application\/json\b/i.test(c.req.header('content-type') ?? '')) return missing('Missing parameters.');
    let body: Json;
    try {
      body = JSON.parse(await c.req.text()) as Json;
      if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new Error('not an object');
    } catch {
      return missing('Missing parameters.');
    }
    const absent = ['price_amount', 'price_currency'].filter((k) => body[k] === undefined || body[k] === '');
    if (absent.length) return missing(`Missing required parameters: ${absent.join(', ')}`);
    const price = priceOf(body.price_amount);
    if (price === undefined || typeof body.price_currency !== 'string' || !/^[A-Z0-9_]{2,16}$/.test(body.price_currency)) {
      return err(c, 400, { status: 400, error_code: 'PAY_PRICE_ERROR', error: 'Price amount or currency is not set correctly.' });
    }
    for (const k of ['merchant_order_id', 'title', 'description', 'callback_url', 'cancel_url', 'success_url', 'token', 'merchant_token', 'pay_currency', 'email']) {
      if (body[k] !== undefined && typeof body[k] !== 'string') return missing(`Parameter ${k} must be a string`);
    }
    if (String(body.title ?? '').length > 200 || String(body.description ?? '').length > 800) return missing('title or description is too long');
    for (const k of ['callback_url', 'cancel_url', 'success_url']) {
      if (body[k] && !/^https?:\/\/\S+$/.test(String(body[k]))) return missing(`Parameter ${k} must be a URL`);
    }
    const merchantId = body.merchant_order_id as string | undefined;
    const existing = merchantId === undefined ? undefined : orders.get(byMerchantId.get(merchantId) ?? '');
    if (existing) return err(c, 400, { ...fixture('merchantid-exist.inferred.json'), order: existing.order, payment_url: existing.paymentUrl });

    const id = randomUUID();
    const now = new Date().toISOString();
    const order: Json = {
      user_id: 32014,
      merchant_order_id: merchantId,
      title: body.title,
      description: body.description,
      callback_url: body.callback_url ?? '',
      cancel_url: body.cancel_url ?? '',
      success_url: body.success_url ?? '',
      price_amount: Number(price),
      price_currency: body.price_currency,
      pay_amount: Number(price),
      pay_currency: body.price_currency,
      order_id: id,
      status: 'NEW',
      created_at: now,
      updated_at: now,
    };
    const token = (body.token ?? body.merchant_token) as string | undefined;
    orders.set(id, { order, token, paymentUrl: `${INVOICE_URL}${id}` });
    if (merchantId !== undefined) byMerchantId.set(merchantId, id);
    return c.json({ status: 201, order, payment_url: `${INVOICE_URL}${id}` }, options.createHttpStatus ?? 200);
  }

  app.get('/v1/orders/:id', (c) => {
    const o = orders.get(c.req.param('id'));
    if (!o) return err(c, 400, fixture('get-order-not-found.doc.json'));
    const order = { ...o.order, notified: o.order.status, paid_at: o.order.paid_at ?? null, is_self: false, salt: 704327 };
    return c.json({ status: 200, merchant: {}, order, ...(o.invoice ? { invoice: o.invoice } : {}), permission: '' });
  });

  function find(reference: string): FakeOrder {
    const o = orders.get(reference);
    if (!o) throw new Error(`MugglePay fake: unknown order ${reference}`);
    return o;
  }

  function setStatus(reference: string, native: string, payAmount?: string): void {
    const o = find(reference);
    const now = new Date().toISOString();
    o.order.status = native;
    o.order.updated_at = now;
    if (payAmount !== undefined) o.order.pay_amount = Number(payAmount);
    if (native === 'PAID' || native === 'UNRESOLVED') o.order.paid_at = now;
    o.invoice ??= {
      invoice_id: randomUUID(), order_id: reference, pay_amount: o.order.price_amount, pay_currency: 'USDT_ARB', status: native,
      created_at: now, created_at_t: Date.now(), expired_at: new Date(Date.now() + 3_600_000).toISOString(), expired_at_t: Date.now() + 3_600_000,
      merchant_order_id: o.order.merchant_order_id, receive_amount: o.order.price_amount, receive_currency: o.order.price_currency,
      qrcode: '0x0000000000000000000000000000000000000000', address: '0x0000000000000000000000000000000000000000', memo: '',
    };
    o.invoice.status = native;
  }

  function settle(reference: string, outcome: ChargeStatus): void {
    const native = NATIVE[outcome];
    if (native === undefined) throw new Error(`MugglePay has no status for "${outcome}"`);
    const price = parseAmount(priceOf(find(reference).order.price_amount))!;
    const cent = 10n ** 16n;
    const paid = outcome === 'underpaid' ? (price > cent ? price - cent : price / 2n) : outcome === 'overpaid' ? price + 10n ** 18n : price;
    setStatus(reference, native, ['paid', 'underpaid', 'overpaid'].includes(outcome) ? trim(paid) : undefined);
  }

  function callbackBody(reference: string): { url: string; body: string } {
    const { order, token } = find(reference);
    if (typeof order.callback_url !== 'string' || order.callback_url === '') throw new Error('MugglePay fake: order has no callback_url');
    const amount = (v: unknown) => (options.callbackAmounts === 'number' ? v : String(v));
    const created = String(order.created_at);
    const body: Json = {
      merchant_order_id: order.merchant_order_id,
      order_id: order.order_id,
      status: order.status,
      price_amount: amount(order.price_amount),
      price_currency: order.price_currency,
      pay_amount: amount(order.pay_amount),
      pay_currency: order.pay_currency,
      created_at: created,
      created_at_t: Date.parse(created),
      ...(token === undefined ? {} : { [options.callbackTokenField ?? 'token']: token }), // omitted when none was given (§3.5)
      meta: { payment: 'USDT_ARB', transaction_hash: `0x${randomBytes(32).toString('hex')}`, network: 'Arbitrum' },
    };
    return { url: order.callback_url, body: JSON.stringify(body) };
  }

  function callback(reference: string): CallbackRequest {
    const { url, body } = callbackBody(reference);
    const u = new URL(url);
    return { method: 'POST', target: u.pathname + u.search, headers: { 'content-type': 'application/json' }, body };
  }

  async function sendCallback(reference: string): Promise<Response> {
    const { url, body } = callbackBody(reference);
    return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  }

  const { port, close } = await serveFetch(app.fetch);
  const baseUrl = `http://127.0.0.1:${port}/v1`;

  return {
    baseUrl,
    env: { OC_MUGGLEPAY_TOKEN: apiToken, OC_MUGGLEPAY_BASE_URL: baseUrl },
    badEnv: { OC_MUGGLEPAY_TOKEN: randomUUID(), OC_MUGGLEPAY_BASE_URL: baseUrl },
    secrets: [apiToken],
    settle,
    setStatus,
    callback,
    sendCallback,
    requests,
    ordersFor: (orderId) => [...orders.values()].filter((o) => o.order.merchant_order_id === orderId).map((o) => o.order.order_id as string),
    loseNextCreate: lost.loseNext,
    close: () => {
      lost.release();
      return close();
    },
  };
}

// Fake CoinGate API v2 (docs/gateways.md §2): token auth, form/JSON order creation, order lookup, callbacks.
import { Hono, type Context } from 'hono';
import { randomBytes, randomUUID } from 'node:crypto';
import type { CallbackRequest, ChargeStatus } from '../../src/gateways/types.ts';
import type { FakeGatewayServer, RecordedRequest } from './types.ts';
import { lostAnswers } from './lost-answer.ts';
import { serveFetch } from '../helpers/http-server.ts';

export interface CoinGateFakeOptions {
  /** The API App's callback format (§2.6); form is the historical default. */
  callbackFormat?: 'form' | 'json';
}

export interface FakeCoinGateOrder {
  id: number;
  status: string;
  orderId: string | null;
  priceAmount: string;
  priceCurrency: string;
  receiveCurrency: string;
  receiveAmount: string;
  payAmount: string | null;
  payCurrency: string | null;
  underpaidAmount: string;
  overpaidAmount: string;
  title: string;
  description: string;
  callbackUrl: string | null;
  cancelUrl: string | null;
  successUrl: string | null;
  token: string;
  uuid: string;
  createdAt: string;
  paidAt: string | null;
}

export interface CoinGateFake extends FakeGatewayServer {
  orders: Map<number, FakeCoinGateOrder>;
  /** Sets a native status (and optionally amounts) directly, for statuses settle() does not reach. */
  setNative(reference: string, status: string, patch?: Partial<FakeCoinGateOrder>): void;
}

const CREATED_AT = '2030-03-17T17:46:40+00:00';
const NOT_FOUND = { message: 'Order not found', reason: 'OrderNotFound' };
const PAGE_NOT_FOUND = { message: 'Page not found', reason: 'PageNotFound' };
// [INFERRED] exact v2 wording; the reason names are documented (§2.7).
const BAD_TOKEN = { message: 'Auth Token is not valid', reason: 'BadAuthToken' };
const NO_CREDENTIALS = { message: 'Not found App by Access-Key', reason: 'BadCredentials' };

/** Common outcome → what CoinGate would show (§5 read backwards). */
const NONE = { underpaidAmount: '0', overpaidAmount: '0' };
const SETTLE: Record<ChargeStatus, Partial<FakeCoinGateOrder> & { status: string }> = {
  pending: { ...NONE, status: 'pending' },
  paid: { ...NONE, status: 'paid' },
  overpaid: { ...NONE, status: 'paid', overpaidAmount: '0.00012' },
  underpaid: { ...NONE, status: 'expired', underpaidAmount: '0.00012' },
  expired: { ...NONE, status: 'expired' },
  cancelled: { ...NONE, status: 'canceled' },
  refunded: { ...NONE, status: 'refunded' },
  failed: { ...NONE, status: 'invalid' },
};

export async function startCoinGateFake(options: CoinGateFakeOptions = {}): Promise<CoinGateFake> {
  const apiToken = randomBytes(30).toString('base64url');
  const orders = new Map<number, FakeCoinGateOrder>();
  const requests: RecordedRequest[] = [];
  const lost = lostAnswers();
  let nextId = 538;

  const api = new Hono();
  api.get('/ping', (c) => c.json({ ping: 'pong', time: CREATED_AT }));
  api.use('*', async (c, next) => {
    // §2.2: docs say `Token`, both SDKs send `Bearer`; both are accepted.
    const m = /^(Token|Bearer) (\S+)$/.exec(c.req.header('authorization') ?? '');
    if (!m) return c.json(NO_CREDENTIALS, 401);
    if (m[2] !== apiToken) return c.json(BAD_TOKEN, 401);
    await next();
  });
  api.get('/auth/test', (c) => c.text('OK'));
  api.post('/orders', (c) => lost.around(c, () => createOrder(c)));
  api.get('/orders', (c) => listOrders(c));
  api.get('/orders/:id', (c) => {
    const order = lookup(c.req.param('id'));
    return order ? c.json(getShape(order)) : c.json(NOT_FOUND, 404);
  });
  api.notFound((c) => c.json(PAGE_NOT_FOUND, 404));

  async function createOrder(c: Context) {
    const text = await c.req.text();
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    let params: Record<string, unknown> = {};
    if (type === 'application/json') {
      try {
        const json: unknown = JSON.parse(text);
        if (typeof json !== 'object' || json === null || Array.isArray(json)) return c.json({}, 400);
        params = json as Record<string, unknown>;
      } catch {
        return c.json({}, 400); // §2.7: the spec's 400 example body is {}
      }
    } else if (type === 'application/x-www-form-urlencoded') {
      params = Object.fromEntries(new URLSearchParams(text));
    }
    const { errors, order } = validate(params);
    if (errors.length || !order) return c.json({ message: 'Order is not valid', reason: 'OrderIsNotValid', errors }, 422);
    orders.set(order.id, order);
    return c.json(createShape(order));
  }

  /**
   * §2.4 list: `per_page` (≤ 100, default 100), `page`, `sort` (created_at_desc|created_at_asc), `status`,
   * `created_at[from]`/`[to]` (dates); `{current_page, per_page, total_orders, total_pages, orders}`.
   */
  function listOrders(c: Context) {
    const q = new URL(c.req.url).searchParams;
    const perPage = Math.min(Math.max(Number(q.get('per_page') ?? 100) || 100, 1), 100);
    const page = Math.max(Number(q.get('page') ?? 1) || 1, 1);
    const day = (v: string | null) => (v && /^\d{4}-\d{2}-\d{2}/.test(v) ? Date.parse(v.slice(0, 10)) : undefined);
    const from = day(q.get('created_at[from]'));
    const to = day(q.get('created_at[to]'));
    const status = q.get('status');
    const picked = [...orders.values()]
      .filter((o) => (from === undefined || Date.parse(o.createdAt) >= from) && (to === undefined || Date.parse(o.createdAt) < to + 86_400_000))
      .filter((o) => !status || o.status === status)
      .sort((a, b) => (q.get('sort') === 'created_at_asc' ? a.id - b.id : b.id - a.id)); // ids grow with creation time
    const total = picked.length;
    return c.json({
      current_page: page, per_page: perPage, total_orders: total, total_pages: Math.max(Math.ceil(total / perPage), 1),
      orders: picked.slice((page - 1) * perPage, page * perPage).map(getShape),
    });
  }

  function validate(p: Record<string, unknown>): { errors: string[]; order?: FakeCoinGateOrder } {
    const errors: string[] = [];
    const str = (k: string) => (typeof p[k] === 'string' ? (p[k] as string) : typeof p[k] === 'number' ? String(p[k]) : undefined);
    const price = str('price_amount');
    if (price === undefined || price === '') errors.push("Price can't be blank", 'Price is not a number');
    else if (!/^\d+(\.\d+)?$/.test(price)) errors.push('Price is not a number');
    else if (!/[1-9]/.test(price)) errors.push('Price must be greater than 0');
    const currency = str('price_currency');
    if (!currency) errors.push("Price currency can't be blank");
    else if (!/^[A-Z0-9]{2,10}$/.test(currency)) errors.push('Price currency is not supported');
    const receive = str('receive_currency');
    if (receive !== undefined && !/^([A-Z0-9]{2,10}|DO_NOT_CONVERT)$/.test(receive)) errors.push('Receive currency is not supported');
    for (const [k, label, max] of [['title', 'Title', 150], ['description', 'Description', 500]] as const) {
      const v = str(k); // current spec: both required, 3..max characters
      if (!v) errors.push(`${label} can't be blank`);
      else if (Array.from(v).length < 3) errors.push(`${label} is too short (minimum is 3 characters)`);
      else if (Array.from(v).length > max) errors.push(`${label} is too long (maximum is ${max} characters)`);
    }
    for (const [k, label] of [['callback_url', 'Callback url'], ['cancel_url', 'Cancel url'], ['success_url', 'Success url']] as const) {
      const v = str(k);
      if (v !== undefined && !/^https?:\/\/[^\s]+$/.test(v)) errors.push(`${label} is not a valid URL`);
    }
    const token = str('token');
    if (errors.length) return { errors };
    return {
      errors,
      order: {
        id: nextId++,
        status: 'new',
        orderId: str('order_id') ?? null,
        priceAmount: bigDecimal(price!),
        priceCurrency: currency!,
        receiveCurrency: receive ?? currency!,
        receiveAmount: '0',
        payAmount: null,
        payCurrency: null,
        underpaidAmount: '0',
        overpaidAmount: '0',
        title: str('title')!,
        description: str('description')!,
        callbackUrl: str('callback_url') ?? null,
        cancelUrl: str('cancel_url') ?? null,
        successUrl: str('success_url') ?? null,
        // §2.3: if omitted, CoinGate generates one (about 30 URL-safe characters).
        token: token || randomBytes(22).toString('base64url').slice(0, 30),
        uuid: randomUUID(),
        createdAt: CREATED_AT,
        paidAt: null,
      },
    };
  }

  function lookup(reference: string): FakeCoinGateOrder | undefined {
    return /^\d+$/.test(reference) ? orders.get(Number(reference)) : undefined;
  }

  /** The create response shape (§2.3 example). */
  function createShape(o: FakeCoinGateOrder) {
    return {
      id: o.id, status: o.status, title: o.title, do_not_convert: o.receiveCurrency === 'DO_NOT_CONVERT',
      orderable_type: 'ApiApp', orderable_id: 3, price_currency: o.priceCurrency, price_amount: o.priceAmount,
      lightning_network: false, receive_currency: o.receiveCurrency, receive_amount: o.receiveAmount,
      created_at: o.createdAt, order_id: o.orderId, payment_url: `https://pay-sandbox.coingate.com/invoice/${o.uuid}`,
      underpaid_amount: o.underpaidAmount, overpaid_amount: o.overpaidAmount, is_refundable: o.status === 'paid',
      refunds: [], voids: [], fees: fees(o), token: o.token, blockchain_transactions: [],
    };
  }

  /** GET adds the payment details (§2.4); whether `token` appears is undocumented, so the fake leaves it out. */
  function getShape(o: FakeCoinGateOrder) {
    const { token: _token, ...base } = createShape(o);
    return {
      ...base, pay_currency: o.payCurrency, pay_amount: o.payAmount,
      expire_at: o.payCurrency ? '2030-03-17T18:06:40+00:00' : null, paid_at: o.paidAt,
      payment_address: o.payCurrency ? 'tb1qfakecoingateaddress0000000000000000000' : null, payment_gateway: 'coingate',
      payment_request_uri: o.payCurrency ? `bitcoin:tb1qfakecoingateaddress0000000000000000000?amount=${o.payAmount}` : null,
      conversion_rate: null, ledger_transactions: [],
    };
  }

  function fees(o: FakeCoinGateOrder) {
    if (!['paid', 'refunded', 'partially_refunded'].includes(o.status)) return [];
    return [{ type: 'processing_fee', amount: '0.1', currency: { id: 1, symbol: o.receiveCurrency } }];
  }

  function mustFind(reference: string): FakeCoinGateOrder {
    const order = lookup(reference);
    if (!order) throw new Error(`fake CoinGate has no order ${reference}`);
    return order;
  }

  function setNative(reference: string, status: string, patch: Partial<FakeCoinGateOrder> = {}): void {
    const order = mustFind(reference);
    Object.assign(order, { payCurrency: 'BTC', payAmount: '0.00031337' }, patch, { status });
    if (status === 'paid') Object.assign(order, { paidAt: CREATED_AT, receiveAmount: order.priceAmount });
  }

  /** The callback CoinGate would POST now (§2.6 field list), in the API App's format. */
  function callback(reference: string): CallbackRequest {
    const o = mustFind(reference);
    if (!o.callbackUrl) throw new Error(`fake CoinGate order ${reference} has no callback_url`);
    const url = new URL(o.callbackUrl);
    const fields: Record<string, string> = {
      id: String(o.id), order_id: o.orderId ?? '', status: o.status,
      price_amount: o.priceAmount, price_currency: o.priceCurrency, receive_currency: o.receiveCurrency,
      receive_amount: o.receiveAmount, pay_amount: o.payAmount ?? '', pay_currency: o.payCurrency ?? '',
      underpaid_amount: o.underpaidAmount, overpaid_amount: o.overpaidAmount,
      is_refundable: String(o.status === 'paid'), created_at: o.createdAt, token: o.token,
    };
    const feeList = fees(o);
    let body: string;
    let contentType: string;
    if (options.callbackFormat === 'json') {
      contentType = 'application/json';
      body = JSON.stringify({ ...fields, id: o.id, ...(feeList.length ? { fees: feeList } : {}) });
    } else {
      contentType = 'application/x-www-form-urlencoded';
      const form = new URLSearchParams(fields);
      feeList.forEach((f, i) => {
        form.append(`fees[${i}][type]`, f.type);
        form.append(`fees[${i}][amount]`, f.amount);
        form.append(`fees[${i}][currency][id]`, String(f.currency.id));
        form.append(`fees[${i}][currency][symbol]`, f.currency.symbol);
      });
      body = form.toString();
    }
    return { method: 'POST', target: url.pathname + url.search, headers: { 'content-type': contentType, 'user-agent': 'CoinGate' }, body };
  }

  const app = new Hono();
  app.use('*', async (c, next) => {
    const url = new URL(c.req.url);
    const headers: Record<string, string> = {};
    c.req.raw.headers.forEach((value, name) => (headers[name] = value));
    requests.push({ method: c.req.method, target: url.pathname + url.search, headers, body: await c.req.text() });
    await next();
  });
  // §2.1: the SDKs and docs use /v2, the OpenAPI servers entry /api/v2.
  app.route('/v2', api);
  app.route('/api/v2', api);
  app.notFound((c) => c.json(PAGE_NOT_FOUND, 404));

  const { port, close } = await serveFetch(app.fetch);
  const baseUrl = `http://127.0.0.1:${port}/v2`;

  return {
    baseUrl,
    env: { OC_COINGATE_TOKEN: apiToken, OC_COINGATE_ENV: 'sandbox', OC_COINGATE_BASE_URL: baseUrl },
    badEnv: { OC_COINGATE_TOKEN: randomBytes(30).toString('base64url'), OC_COINGATE_ENV: 'sandbox', OC_COINGATE_BASE_URL: baseUrl },
    get secrets() {
      return [apiToken, ...[...orders.values()].map((o) => o.token)];
    },
    orders,
    requests,
    ordersFor: (orderId) => [...orders.values()].filter((o) => o.orderId === orderId).map((o) => String(o.id)),
    loseNextCreate: lost.loseNext,
    settle(reference, outcome) {
      const { status, ...patch } = SETTLE[outcome];
      setNative(reference, status, patch);
    },
    setNative,
    callback,
    async sendCallback(reference) {
      const cb = callback(reference);
      const url = new URL(cb.target, mustFind(reference).callbackUrl!);
      return fetch(url, { method: 'POST', headers: cb.headers, body: cb.body, redirect: 'manual' });
    },
    close: () => {
      lost.release();
      return close();
    },
  };
}

/** Ruby BigDecimal#to_s('F') style, as in the documented `"price_amount":"10.0"`. */
function bigDecimal(text: string): string {
  const [whole, frac = ''] = text.split('.');
  const trimmed = frac.replace(/0+$/, '');
  return `${BigInt(whole!).toString()}.${trimmed || '0'}`;
}

// Fake Mycelium Gear (straight-server, docs/gateways.md §1): signed order API, text/plain errors, signed GET callbacks.
import { Hono, type Context } from 'hono';
import type { HttpBindings } from '@hono/node-server';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { CallbackRequest, ChargeStatus } from '../../src/gateways/types.ts';
import type { FakeGatewayServer, RecordedRequest } from './types.ts';
import { lostAnswers } from './lost-answer.ts';
import { serveFetch } from '../helpers/http-server.ts';

// The fake signs and verifies on its own (not through the adapter's code), so a shared mistake cannot pass unseen.
const sha512 = (text: string) => createHash('sha512').update(text, 'utf8').digest();
/** §1.2 Form A (Base64) and Form B (hex); the server accepts either on requests. */
export function formA(secret: string, method: string, uri: string, nonce: string, body: string): string {
  return createHmac('sha512', secret).update(Buffer.concat([Buffer.from(method + uri, 'utf8'), sha512(nonce + body)])).digest('base64');
}
export function formB(secret: string, method: string, uri: string, nonce: string, body: string): string {
  return createHmac('sha512', secret).update(method + uri + sha512(nonce + body).toString('hex'), 'utf8').digest('hex');
}

export interface GearFakeOptions {
  gatewayId?: string;
  secret?: string;
  /** §1.2: hosted API gateways are assumed to check signatures [INFERRED]; off = unsigned requests pass. */
  checkSignature?: boolean;
  /** §1.2: the pre-2016 server refused any nonce not strictly greater than the last one. */
  enforceNonce?: boolean;
  /** The gateway's default currency, used when an order names none. */
  gatewayCurrency?: string;
  /** Satoshis per unit of each fiat currency (1 USD = 438481 sat in the §1.4 sample). */
  rates?: Record<string, bigint>;
  /** The gateway-level callback URL (the admin-panel field). */
  callbackUrl?: string;
  /** Whether a per-order `callback_url` wins (docs: yes; open-source controller: no; §1.4). */
  honourOrderCallbackUrl?: boolean;
  testMode?: boolean;
  /** §1.10 documented (but disabled-in-source) reuse of the 20th expired order's keychain_id. */
  reuseAddresses?: boolean;
}

export interface FakeGearOrder {
  id: number;
  paymentId: string;
  status: number;
  amount: bigint; // satoshis due
  amountPaid: bigint;
  address: string;
  tid: string | null;
  transactionIds: string[];
  keychainId: number;
  reused: number;
  currency: string;
  callbackData?: string;
  data?: unknown;
  description?: string;
  afterPaymentRedirectTo?: string;
  autoRedirect?: string;
  callbackUrl?: string;
}

export interface MyceliumGearFake extends FakeGatewayServer {
  gatewayId: string;
  secret: string;
  orders: Map<number, FakeGearOrder>;
  /** Sets a native status code directly (1, -3, or an undocumented one), with optional field changes. */
  setNative(reference: string, status: number, patch?: Partial<FakeGearOrder>): void;
  setActive(active: boolean): void;
  /** Pretends another client already used this nonce (turns nonce checking on; undefined turns it back off). */
  setLastNonce(nonce: bigint | undefined): void;
}

const SETTLE: Partial<Record<ChargeStatus, number>> = { pending: 0, paid: 2, underpaid: 3, overpaid: 4, expired: 5, cancelled: 6 };
const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const AMOUNT_RE = /^(\d+)(?:\.(\d*))?(?:[eE]([-+]?\d{1,3}))?$/;

/** Ruby float-ish BTC text as Gear prints it: trailing zeros trimmed, "0.0" for zero. */
export function btcString(sat: bigint): string {
  const frac = (sat % 100_000_000n).toString().padStart(8, '0').replace(/0+$/, '');
  return `${sat / 100_000_000n}.${frac || '0'}`;
}
/** Ruby CGI.escape: unreserved stay, space becomes '+', the rest %XX. */
export function cgiEscape(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, '+');
}
/** Exact value of a Ruby-numeric amount as (integer, power of ten); undefined when not a plain non-negative number. */
function exact(value: unknown): { n: bigint; exp: number } | undefined {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  const m = typeof text === 'string' ? AMOUNT_RE.exec(text.trim()) : null;
  if (!m) return undefined;
  const frac = m[2] ?? '';
  return { n: BigInt(m[1]! + frac), exp: Number(m[3] ?? 0) - frac.length };
}
/** value × factor, floored to an integer; `whole` when there is no remainder. */
function scale(v: { n: bigint; exp: number }, factor: bigint): { value: bigint; whole: boolean } {
  if (v.exp >= 0) return { value: v.n * factor * 10n ** BigInt(v.exp), whole: true };
  const d = 10n ** BigInt(-v.exp);
  return { value: (v.n * factor) / d, whole: (v.n * factor) % d === 0n };
}

export async function startMyceliumGearFake(options: GearFakeOptions = {}): Promise<MyceliumGearFake> {
  const gatewayId = options.gatewayId ?? randomBytes(32).toString('hex');
  const secret = options.secret ?? Array.from(randomBytes(64), (b) => BASE58[b % 58]).join('');
  const serverSecret = randomBytes(32);
  const rates: Record<string, bigint> = { USD: 438_481n, EUR: 480_000n, ...options.rates };
  const gatewayCurrency = options.gatewayCurrency ?? 'BTC';
  const orders = new Map<number, FakeGearOrder>();
  const requests: RecordedRequest[] = [];
  const testMode = options.testMode ?? true;
  let active = true;
  let lastNonce: bigint | undefined;
  let lastKeychainId = 0;
  let nextId = 128_690;
  const lost = lostAnswers();

  const app = new Hono<{ Bindings: HttpBindings }>();
  app.use('*', async (c, next) => {
    const headers: Record<string, string> = {};
    c.req.raw.headers.forEach((v, k) => (headers[k] = v));
    requests.push({ method: c.req.method, target: c.env.incoming.url ?? '/', headers, body: await c.req.text() });
    await next();
  });
  app.onError((_e, c) => c.text(`${c.req.method} ${new URL(c.req.url).pathname} Server Error`, 500));
  app.all('*', async (c) => dispatch(c));

  const text = (c: Context, status: number, body: string) => c.body(body, status as 200, { 'Content-Type': 'text/plain' });
  const notFound = (c: Context) => text(c, 404, `${c.req.method} ${new URL(c.req.url).pathname} Not found`);

  async function dispatch(c: Context<{ Bindings: HttpBindings }>): Promise<Response> {
    const path = new URL(c.req.url).pathname;
    const parts = path.split('/').filter(Boolean);
    if (parts[0] !== 'gateways' || parts[1] !== gatewayId) return notFound(c);
    const route = `${c.req.method} ${parts.slice(2).map((p, i) => (i === 1 ? ':id' : p)).join('/')}`;
    const signed = ['POST orders', 'GET orders/:id', 'POST orders/:id/cancel'].includes(route);
    if (signed && options.checkSignature !== false) {
      const refusal = checkAuth(c, await c.req.text());
      if (refusal) return refusal;
    }
    switch (route) {
      case 'POST orders':
        return lost.around(c, () => createOrder(c));
      case 'GET orders/:id': {
        const order = find(parts[3]!);
        return order ? c.json(view(order)) : notFound(c);
      }
      case 'POST orders/:id/cancel': {
        const order = find(parts[3]!);
        if (!order) return notFound(c);
        if (order.status !== 0) return text(c, 409, 'Order is not cancelable');
        order.status = 6;
        return c.body(' ', 204 as 200, { 'Content-Type': 'text/html' });
      }
      case 'GET last_keychain_id':
        return c.json({ gateway_id: 7, last_keychain_id: lastKeychainId });
      default:
        return notFound(c);
    }
  }

  /** §1.2: signature over the raw request-target and body; nonce strictly increasing when enforced. */
  function checkAuth(c: Context<{ Bindings: HttpBindings }>, body: string): Response | undefined {
    const sig = c.req.header('x-signature')?.trim();
    const nonce = c.req.header('x-nonce');
    const uri = c.env.incoming.url ?? '/';
    const ok = !!sig && (sig === formA(secret, c.req.method, uri, nonce ?? '', body) || sig === formB(secret, c.req.method, uri, nonce ?? '', body));
    if (!ok) return text(c, 409, `X-Signature is invalid: ${sig === undefined ? 'nil' : JSON.stringify(sig)}`);
    if (options.enforceNonce || lastNonce !== undefined) {
      if (!nonce || !/^\d{1,40}$/.test(nonce) || (lastNonce !== undefined && BigInt(nonce) <= lastNonce)) {
        return text(c, 409, `X-Nonce is invalid: ${nonce === undefined ? 'nil' : JSON.stringify(nonce)}`);
      }
      lastNonce = BigInt(nonce);
    }
    return undefined;
  }

  /** Goliath's Params: query string and JSON body merged. */
  async function params(c: Context): Promise<Record<string, unknown> | undefined> {
    const out: Record<string, unknown> = Object.fromEntries(new URL(c.req.url).searchParams);
    const raw = await c.req.text();
    if (raw && /json/i.test(c.req.header('content-type') ?? '')) {
      try {
        const body = JSON.parse(raw) as unknown;
        if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
        Object.assign(out, body);
      } catch {
        return undefined;
      }
    }
    return out;
  }

  async function createOrder(c: Context): Promise<Response> {
    const p = await params(c);
    if (!p) return text(c, 400, 'Bad request'); // [fake-only] the real server's JSON parser error page is undocumented
    if (p.order_id !== undefined) return text(c, 409, 'Error: order_id is no longer a valid param. Use keychain_id instead and consult the documentation.');
    if (!active) return text(c, 503, 'The gateway is inactive, you cannot create order with it');
    const currency = String(p.currency ?? gatewayCurrency).toUpperCase();
    const amount = exact(p.amount);
    // [stricter than Gear] Ruby's to_f reads garbage as 0 ("any amount"); the fake refuses it.
    if (!amount) return text(c, 409, 'Invalid order: amount cannot be nil or less than 0');
    let sats: { value: bigint; whole: boolean };
    if (currency === 'BTC') {
      const denomination = String(p.btc_denomination ?? 'satoshi');
      if (denomination !== 'satoshi' && denomination !== 'btc') return text(c, 409, 'Invalid order: unknown btc_denomination'); // [fake-only]
      sats = scale(amount, denomination === 'btc' ? 100_000_000n : 1n);
      if (!sats.whole) return text(c, 409, 'Invalid order: amount is not a whole number of satoshis'); // [fake-only]
    } else {
      const rate = rates[currency];
      if (rate === undefined) return text(c, 409, `Invalid order: currency ${currency} is not supported`); // [fake-only]
      sats = scale(amount, rate);
    }
    const description = p.description === undefined || p.description === null ? undefined : String(p.description);
    if (description !== undefined && Array.from(description).length > 255) return text(c, 409, 'Invalid order: description should be shorter than 256 characters');
    let keychainId = lastKeychainId + 1;
    if (p.keychain_id !== undefined && p.keychain_id !== null && p.keychain_id !== '') {
      const k = Number(p.keychain_id);
      if (!Number.isSafeInteger(k) || k <= 0) return text(c, 409, 'Invalid order: keychain_id is invalid'); // [fake-only] wording
      keychainId = k;
    }
    const reusable = options.reuseAddresses && p.keychain_id === undefined ? reusableOrder() : undefined;
    if (reusable) keychainId = reusable.keychainId;
    if ([...orders.values()].some((o) => o.keychainId === keychainId && o.status < 2)) {
      return text(c, 409, 'Invalid order: address is already in use'); // wording [INFERRED] (§1.4)
    }
    const id = nextId++;
    const order: FakeGearOrder = {
      id,
      paymentId: createHmac('sha256', serverSecret).update(`${keychainId}${sats.value}${id}`).digest('hex'),
      status: 0,
      amount: sats.value,
      amountPaid: 0n,
      address: address(keychainId),
      tid: null,
      transactionIds: [],
      keychainId,
      reused: reusable ? reusable.reused + 1 : 0,
      currency,
    };
    if (typeof p.callback_data === 'string') order.callbackData = p.callback_data;
    if (p.data !== undefined) order.data = p.data;
    if (description !== undefined) order.description = description;
    if (typeof p.after_payment_redirect_to === 'string') order.afterPaymentRedirectTo = p.after_payment_redirect_to;
    if (p.auto_redirect !== undefined) order.autoRedirect = String(p.auto_redirect);
    if (typeof p.callback_url === 'string' && options.honourOrderCallbackUrl !== false) order.callbackUrl = p.callback_url;
    orders.set(id, order);
    if (!order.reused) lastKeychainId = keychainId;
    const json: Record<string, unknown> = view(order);
    if (typeof p.data === 'string' && p.callback_data === undefined) json.WARNING = 'Maybe you meant to use callback_data? The API has changed now. Consult the documentation.';
    return c.json(json, 200);
  }

  /** §1.10 as documented: the 20th of 20 expired orders in a row gives its keychain_id to the next order. */
  function reusableOrder(): FakeGearOrder | undefined {
    const recent = [...orders.values()].sort((a, b) => b.id - a.id).slice(0, 20);
    return recent.length === 20 && recent.every((o) => o.status === 5) ? recent[19] : undefined;
  }

  function address(keychainId: number): string {
    const h = createHash('sha256').update(`${gatewayId}/${keychainId}`).digest();
    return (testMode ? 'mu' : '1') + Array.from(h.subarray(0, 32), (b) => BASE58[b % 58]).join('').slice(0, 32);
  }

  function find(idOrPaymentId: string): FakeGearOrder | undefined {
    if (/^\d+$/.test(idOrPaymentId)) return orders.get(Number(idOrPaymentId));
    return [...orders.values()].find((o) => o.paymentId === idOrPaymentId);
  }

  /** The order JSON of §1.4, keys in the recorded order. */
  function view(o: FakeGearOrder): Record<string, unknown> {
    const due = o.amount > o.amountPaid ? o.amount - o.amountPaid : 0n;
    return {
      status: o.status,
      amount: Number(o.amount),
      address: o.address,
      tid: o.tid,
      transaction_ids: o.transactionIds,
      id: o.id,
      payment_id: o.paymentId,
      amount_in_btc: btcString(o.amount),
      amount_paid_in_btc: btcString(o.amountPaid),
      amount_to_pay_in_btc: btcString(due),
      keychain_id: o.keychainId,
      last_keychain_id: lastKeychainId,
    };
  }

  function mustFind(reference: string): FakeGearOrder {
    const o = find(reference);
    if (!o) throw new Error(`fake Mycelium Gear has no order ${reference}`);
    return o;
  }

  function settle(reference: string, outcome: ChargeStatus): void {
    const o = mustFind(reference);
    const status = SETTLE[outcome];
    if (status === undefined) throw new Error(`Mycelium Gear has no ${outcome} status (non-custodial, §5)`);
    o.status = status;
    o.amountPaid = status === 2 ? o.amount : status === 3 ? o.amount / 2n : status === 4 ? o.amount + 10_000n : 0n;
    o.transactionIds = o.amountPaid > 0n ? [createHash('sha256').update(`tx${o.id}`).digest('hex')] : [];
    o.tid = o.transactionIds.join(',') || null;
  }

  /** §1.8: the request-target Gear would send (Ruby `URI#request_uri`) and its Form A signature. */
  function callbackParts(reference: string): { url: URL; target: string; signature: string } {
    const o = mustFind(reference);
    if (o.status < 0) throw new Error('Gear sends no callback for a status below 0');
    const base = o.callbackUrl ?? options.callbackUrl;
    if (!base) throw new Error('no callback URL: neither the order nor the gateway has one');
    let query =
      `order_id=${o.id}&amount=${o.amount}&amount_in_btc=${btcString(o.amount)}&amount_paid_in_btc=${btcString(o.amountPaid)}` +
      `&status=${o.status}&address=${o.address}&tid=${o.tid ?? ''}&transaction_ids=${rubyArray(o.transactionIds)}` +
      `&keychain_id=${o.keychainId}&last_keychain_id=${lastKeychainId}` +
      `&after_payment_redirect_to=${cgiEscape(o.afterPaymentRedirectTo ?? '')}&auto_redirect=${o.autoRedirect ?? ''}`;
    if (o.data && typeof o.data === 'object') {
      for (const [k, v] of Object.entries(o.data)) query += `&data[${k}]=${cgiEscape(String(v))}`;
    }
    if (o.callbackData !== undefined) query += `&callback_data=${cgiEscape(o.callbackData)}`;
    const full = `${base}${base.includes('?') ? '&' : '?'}${query}`;
    const rest = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*(.*)$/i.exec(full)?.[1] ?? '';
    const target = rest.startsWith('/') ? rest : `/${rest}`;
    return { url: new URL(base), target, signature: formA(secret, 'GET', target, '', '') };
  }

  function callback(reference: string): CallbackRequest {
    const { url, target, signature } = callbackParts(reference);
    return {
      method: 'GET',
      target,
      headers: { 'accept-encoding': 'gzip;q=1.0,deflate;q=0.6,identity;q=0.3', accept: '*/*', 'user-agent': 'Ruby', host: url.host, 'x-signature': signature },
      body: '',
    };
  }

  /** Sends the raw request-target as Ruby's Net::HTTP does (fetch would re-encode `"` and break the signature). */
  function sendCallback(reference: string): Promise<Response> {
    const { url, target, signature } = callbackParts(reference);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send({ host: url.hostname, port: url.port || undefined, method: 'GET', path: target, headers: { Accept: '*/*', 'User-Agent': 'Ruby', 'X-Signature': signature } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(new Response(res.statusCode === 204 ? null : Buffer.concat(chunks), { status: res.statusCode ?? 500 })));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  }

  const { port, close } = await serveFetch(app.fetch);
  const baseUrl = `http://127.0.0.1:${port}`;
  const wrongSecret = Array.from(randomBytes(64), (b) => BASE58[b % 58]).join('');

  return {
    baseUrl,
    gatewayId,
    secret,
    env: { OC_GEAR_GATEWAY_ID: gatewayId, OC_GEAR_SECRET: secret, OC_GEAR_BASE_URL: baseUrl },
    badEnv: { OC_GEAR_GATEWAY_ID: gatewayId, OC_GEAR_SECRET: wrongSecret, OC_GEAR_BASE_URL: baseUrl },
    secrets: [secret, wrongSecret],
    orders,
    requests,
    ordersFor: (orderId) => [...orders.values()].filter((o) => o.callbackData === orderId).map((o) => String(o.id)),
    loseNextCreate: lost.loseNext,
    settle,
    setNative(reference, status, patch = {}) {
      Object.assign(mustFind(reference), patch, { status });
    },
    setActive(value) {
      active = value;
    },
    setLastNonce(nonce) {
      lastNonce = nonce;
    },
    callback,
    sendCallback,
    close: () => {
      lost.release();
      return close();
    },
  };
}

function rubyArray(items: string[]): string {
  return `[${items.map((s) => JSON.stringify(s)).join(', ')}]`;
}

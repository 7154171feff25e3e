// An offline iumiCash vendor API on 127.0.0.1 (docs/gateways.md §4): OAuth token endpoint, Bearer orders API, RequestId replay, signed callbacks.
import { Hono, type Context } from 'hono';
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { CallbackRequest, ChargeStatus } from '../../src/gateways/types.ts';
import type { FakeGatewayServer, RecordedRequest } from './types.ts';
import { lostAnswers } from './lost-answer.ts';
import { serveFetch } from '../helpers/http-server.ts';

export interface IumiCashFakeOptions {
  /** `expires_in` of issued access tokens, seconds (the docs' example: 8 h). */
  tokenLifetime?: number;
  /** How long a RequestId is remembered ("for a period of time", §4.8 [INFERRED] 24 h). */
  requestIdTtl?: number;
  /** Order ids: 24-hex ObjectId (later docs, default) or UUID (early docs). */
  idStyle?: 'objectid' | 'uuid';
  /** Currencies the vendor may charge in (§4.3, later docs). */
  currencies?: string[];
  /** HTTP status of a RequestId replay (§4.8 [INFERRED]). */
  replayStatus?: 200 | 201;
}

type Json = Record<string, unknown>;

export interface FakeIumiCashOrder {
  id: string;
  clientId: string;
  externalId: string;
  status: string;
  items: Json[];
  applicationContext?: Json;
  createdAt: string;
  updatedAt: string;
  /** Set by `capture` or a callback answered `200 OK`: iumiCash stops notifying (§4.4, §4.6). */
  notified: boolean;
}

export interface IumiCashFake extends FakeGatewayServer {
  clientId: string;
  orders: Map<string, FakeIumiCashOrder>;
  /** Moves the fake's clock (token expiry, RequestId TTL) forward. */
  advance(seconds: number): void;
  /** Forgets every issued access token (the next API call with one gets 401). */
  revokeTokens(): void;
  /** While on, every Bearer token is refused with 401, fresh ones included. */
  refuseBearer(on: boolean): void;
  /** Answers the next request to the token endpoint or the orders API with this status and body, unprocessed. */
  failNext(target: 'token' | 'orders', status: number, body: string, contentType?: string): void;
  /** Sets any native status, documented or not. */
  setNative(reference: string, status: string): void;
}

const fixture = (name: string): Json => JSON.parse(readFileSync(new URL(`../fixtures/gateways/iumicash/${name}`, import.meta.url), 'utf8')) as Json;
const NATIVE: Partial<Record<ChargeStatus, string>> = { pending: 'created', paid: 'completed', cancelled: 'cancelled' };
const URL_RE = /^https?:\/\/[^\s]+$/;
const DECIMAL_RE = /^\d{1,15}(\.\d{1,2})?$/;

export async function startIumiCashFake(options: IumiCashFakeOptions = {}): Promise<IumiCashFake> {
  const clientId = `oc-fake-${randomBytes(6).toString('hex')}`;
  const clientSecret = randomBytes(32).toString('base64url');
  const lifetime = options.tokenLifetime ?? 28_800;
  const requestIdTtl = options.requestIdTtl ?? 86_400;
  const currencies = options.currencies ?? ['NZD', 'SBD', 'USD'];
  const requests: RecordedRequest[] = [];
  const orders = new Map<string, FakeIumiCashOrder>();
  const accessTokens = new Map<string, { clientId: string; expiresAt: number }>();
  const refreshTokens = new Map<string, { clientId: string; expiresAt: number }>();
  const requestIds = new Map<string, { orderId: string; expiresAt: number }>();
  const failures: Record<'token' | 'orders', Array<{ status: number; body: string; contentType: string }>> = { token: [], orders: [] };
  const lost = lostAnswers();
  let offset = 0;
  let refusing = false;
  let baseUrl = '';
  const now = () => Math.floor(Date.now() / 1000) + offset;
  const iso = () => new Date(now() * 1000).toISOString().replace('Z', '000'); // microseconds, no zone (§4.3)
  const err = (c: Context, status: number, body: Json) => c.json(body, status as 400);
  const bad = (c: Context, description: string, fieldErrors: Json[] = []) =>
    err(c, 400, { error: 'bad_request', description, field_errors: fieldErrors });

  const app = new Hono();
  app.use('*', async (c, next) => {
    const url = new URL(c.req.url);
    requests.push({ method: c.req.method, target: url.pathname + url.search, headers: headersOf(c.req.raw.headers), body: await c.req.text() });
    await next();
  });
  const injected = (target: 'token' | 'orders') => async (c: Context, next: () => Promise<void>) => {
    const f = failures[target].shift();
    if (!f) return next();
    return c.body(f.body, f.status as 500, { 'content-type': f.contentType });
  };

  // §4.2 token endpoint: Basic client credentials, JSON body, `Cache-Control: no-store`.
  app.use('/api/v1/oauth/token/', injected('token'));
  app.post('/api/v1/oauth/token/', async (c) => {
    const m = /^Basic ([A-Za-z0-9+/]+=*)$/.exec(c.req.header('authorization') ?? '');
    if (!m) return err(c, 401, { ...fixture('token-401.json'), description: 'Authorization header is not present' });
    const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0 || decoded.slice(0, colon) !== clientId || !same(decoded.slice(colon + 1), clientSecret)) return err(c, 401, fixture('token-401.json'));
    if (!/^application\/json\b/i.test(c.req.header('content-type') ?? '')) return bad(c, 'Content-Type must be application/json');
    const body = parseObject(await c.req.text());
    if (!body) return bad(c, 'The API cannot convert the payload data');
    if (body.grant_type === 'client_credentials') return issue(c);
    if (body.grant_type === 'refresh_token') {
      const r = typeof body.refresh_token === 'string' ? refreshTokens.get(body.refresh_token) : undefined;
      if (!r || r.clientId !== clientId || r.expiresAt <= now()) return err(c, 401, { ...fixture('token-401.json'), description: 'Invalid refresh_token' });
      return issue(c);
    }
    if (body.grant_type === 'authorization_code') {
      if (typeof body.code !== 'string') return err(c, 400, fixture('token-400.json'));
      return err(c, 401, { ...fixture('token-401.json'), description: 'Invalid authorization code' }); // the fake has no end users
    }
    return err(c, 400, fixture('token-400.json'));
  });

  function issue(c: Context) {
    const access = randomBytes(48).toString('base64url');
    const refresh = randomBytes(48).toString('base64url');
    accessTokens.set(access, { clientId, expiresAt: now() + lifetime });
    refreshTokens.set(refresh, { clientId, expiresAt: now() + 86_400 });
    c.header('Cache-Control', 'no-store');
    return c.json({ ...fixture('token-response.doc.json'), access_token: access, expires_in: lifetime, refresh_token: refresh, nonce: `${iso()}${randomBytes(16).toString('hex')}` });
  }

  // Every orders call needs a live Bearer token (§4.3).
  app.use('/api/v1/orders/*', injected('orders'));
  app.use('/api/v1/orders/*', async (c, next) => {
    const m = /^Bearer (\S+)$/.exec(c.req.header('authorization') ?? '');
    if (!m) return err(c, 401, { ...fixture('bearer-401.json'), description: 'Authorization header is not present' });
    const t = accessTokens.get(m[1]!);
    if (refusing || !t || t.expiresAt <= now()) return err(c, 401, fixture('bearer-401.json'));
    await next();
  });

  app.post('/api/v1/orders/', (c) => lost.around(c, () => createOrder(c)));

  async function createOrder(c: Context): Promise<Response> {
    const requestId = c.req.header('requestid');
    if (requestId !== undefined && (requestId.length === 0 || requestId.length > 255)) return bad(c, 'RequestId is not valid', [{ field: 'RequestId', message: 'Must be 1–255 characters.' }]);
    if (requestId !== undefined) {
      const seen = requestIds.get(`${clientId}\n${requestId}`);
      // §4.8: a repeated RequestId returns the latest state of the earlier request's order, nothing new is created.
      if (seen && seen.expiresAt > now()) return c.json(createShape(orders.get(seen.orderId)!), options.replayStatus ?? 201);
    }
    if (!/^application\/json\b/i.test(c.req.header('content-type') ?? '')) return bad(c, 'Content-Type must be application/json');
    const body = parseObject(await c.req.text());
    if (!body) return bad(c, 'The API cannot convert the payload data');
    const problems = validate(body);
    if (problems.length) return bad(c, 'Validation error', problems);
    const order: FakeIumiCashOrder = {
      id: options.idStyle === 'uuid' ? randomUUID() : objectId(),
      clientId,
      externalId: body.external_id as string,
      status: 'created',
      items: body.items as Json[],
      applicationContext: body.application_context as Json,
      createdAt: iso(),
      updatedAt: iso(),
      notified: false,
    };
    orders.set(order.id, order);
    if (requestId !== undefined) requestIds.set(`${clientId}\n${requestId}`, { orderId: order.id, expiresAt: now() + requestIdTtl });
    return c.json(createShape(order), 201);
  }

  // §4.4: the docs say POST, the `self` link says GET; both answer 200 with the order.
  const getOrder = (c: Context) => {
    const order = find(c.req.param('id') ?? '');
    return order ? c.json(getShape(order), 200) : err(c, 404, fixture('error-404.json'));
  };
  app.get('/api/v1/orders/:id/', getOrder);
  app.post('/api/v1/orders/:id/', getOrder);
  app.post('/api/v1/orders/:id/capture/', (c) => {
    const order = find(c.req.param('id') ?? '');
    if (!order) return err(c, 404, fixture('error-404.json'));
    order.notified = true; // "marks this order as notified and stops trying to reach callback_url"
    return c.json(createShape(order), 200);
  });
  app.post('/api/v1/orders/:id/cancel/', (c) => {
    const order = find(c.req.param('id') ?? '');
    if (!order) return err(c, 404, fixture('error-404.json'));
    if (order.status !== 'created' && order.status !== 'approved') {
      return err(c, 422, { error: 'UNPROCESSIBLE_ENTITY', description: `Order in status ${order.status} cannot be cancelled`, field_errors: [] });
    }
    setNative(order.id, 'cancelled');
    return c.json(createShape(order), 200);
  });
  app.all('/api/v1/*', (c, next) => (c.req.path.endsWith('/') ? err(c, 405, fixture('error-405.json')) : next()));

  // The payer's checkout page (a browser redirect, not an API call).
  app.get('/checkout/:id/', (c) => (orders.has(c.req.param('id')) ? c.html('<!doctype html><title>iumiCash checkout</title><p>Log in to approve the payment.</p>') : c.text('Not found', 404)));

  // §4.1 Django style: a path without its trailing slash is redirected, never served.
  app.notFound((c) => {
    const url = new URL(c.req.url);
    if (!url.pathname.endsWith('/')) return c.redirect(`${url.pathname}/${url.search}`, 301);
    return err(c, 404, fixture('error-404.json'));
  });

  function validate(b: Json): Json[] {
    const out: Json[] = [];
    const add = (field: string, message: string) => out.push({ field, message });
    if (typeof b.external_id !== 'string' || b.external_id.trim() === '') add('external_id', 'This field is required.');
    else if (b.external_id.length > 255) add('external_id', 'Ensure this field has no more than 255 characters.');
    else if ([...orders.values()].some((o) => o.clientId === clientId && o.externalId === b.external_id)) {
      add('external_id', 'order with this external id already exists.'); // "unique" (§4.3) [INFERRED wording]
    }
    if (!Array.isArray(b.items) || b.items.length === 0) add('items', 'This field is required.');
    else {
      const codes = new Set<unknown>();
      b.items.forEach((item: unknown, i) => {
        const it = isObject(item) ? item : {};
        if (typeof it.name !== 'string' || it.name === '') add(`items[${i}].name`, 'This field is required.');
        if (it.description !== undefined && typeof it.description !== 'string') add(`items[${i}].description`, 'Not a valid string.');
        if (typeof it.count !== 'number' || !Number.isSafeInteger(it.count) || it.count < 1) add(`items[${i}].count`, 'A valid integer is required.');
        const amount = isObject(it.amount) ? it.amount : undefined;
        const text = typeof amount?.value === 'number' ? String(amount.value) : amount?.value;
        if (typeof text !== 'string' || !/^\d+(\.\d+)?$/.test(text)) add(`items[${i}].amount.value`, 'A valid number is required.');
        else if (!DECIMAL_RE.test(text)) add(`items[${i}].amount.value`, 'Ensure that there are no more than 2 decimal places.');
        else if (!/[1-9]/.test(text)) add(`items[${i}].amount.value`, 'Ensure this value is greater than 0.');
        if (!currencies.includes(amount?.currency_code as string)) add(`items[${i}].amount.currency_code`, `"${String(amount?.currency_code)}" is not a valid choice.`);
        codes.add(amount?.currency_code);
      });
      if (codes.size > 1) add('items', 'All items must have the same currency.');
    }
    const ctx = b.application_context;
    if (!isObject(ctx)) add('application_context', 'This field is required.'); // early docs: required
    else {
      if (typeof ctx.callback_url !== 'string' || !URL_RE.test(ctx.callback_url)) add('application_context.callback_url', 'Enter a valid URL.');
      for (const k of ['success_url', 'error_url']) if (ctx[k] !== undefined && (typeof ctx[k] !== 'string' || !URL_RE.test(ctx[k] as string))) add(`application_context.${k}`, 'Enter a valid URL.');
    }
    return out;
  }

  const link = (rel: string, path: string, method: string) => ({ link: `${baseUrl}${path}`, rel, method });
  /** Create / replay / callback shape: the early docs' full object (§4.3 example, `client_id` from the idempotency example). */
  function createShape(o: FakeIumiCashOrder): Json {
    return {
      id: o.id, external_id: o.externalId, created_at: o.createdAt, updated_at: o.updatedAt, status: o.status, client_id: o.clientId,
      items: o.items, application_context: o.applicationContext,
      links: [
        link('self', `/api/v1/orders/${o.id}/`, 'get'), link('approve', `/checkout/${o.id}/`, 'get'),
        link('capture', `/api/v1/orders/${o.id}/capture/`, 'post'), link('cancel', `/api/v1/orders/${o.id}/cancel/`, 'post'),
      ],
    };
  }
  /** Get shape (get.md): no application_context, only the `self` link. */
  function getShape(o: FakeIumiCashOrder): Json {
    return { id: o.id, external_id: o.externalId, created_at: o.createdAt, updated_at: o.updatedAt, status: o.status, items: o.items, links: [link('self', `/api/v1/orders/${o.id}/`, 'get')] };
  }

  function find(id: string): FakeIumiCashOrder | undefined {
    const o = orders.get(id);
    return o && o.clientId === clientId ? o : undefined;
  }
  function mustFind(id: string): FakeIumiCashOrder {
    const o = orders.get(id);
    if (!o) throw new Error(`fake iumiCash has no order ${id}`);
    return o;
  }
  function setNative(reference: string, status: string): void {
    const o = mustFind(reference);
    o.status = status;
    o.updatedAt = iso();
  }

  /** §4.6: POST JSON order object to callback_url, `iumicash-signature` = hex HMAC-SHA256(client_secret, body). */
  function callback(reference: string): CallbackRequest {
    const o = mustFind(reference);
    const target = o.applicationContext?.callback_url;
    if (typeof target !== 'string') throw new Error(`fake iumiCash order ${reference} has no callback_url`);
    const { client_id: _omitted, ...shape } = createShape(o);
    const body = JSON.stringify(shape);
    const signature = createHmac('sha256', Buffer.from(clientSecret, 'utf8')).update(Buffer.from(body, 'utf8')).digest('hex');
    const url = new URL(target);
    return { method: 'POST', target: url.pathname + url.search, headers: { 'content-type': 'application/json', 'iumicash-signature': signature }, body };
  }

  const { port, close } = await serveFetch(app.fetch);
  baseUrl = `http://127.0.0.1:${port}`;

  return {
    baseUrl,
    clientId,
    env: { OC_IUMICASH_CLIENT_ID: clientId, OC_IUMICASH_CLIENT_SECRET: clientSecret, OC_IUMICASH_BASE_URL: baseUrl },
    badEnv: { OC_IUMICASH_CLIENT_ID: clientId, OC_IUMICASH_CLIENT_SECRET: randomBytes(32).toString('base64url'), OC_IUMICASH_BASE_URL: baseUrl },
    get secrets() {
      return [clientSecret, ...accessTokens.keys(), ...refreshTokens.keys()];
    },
    orders,
    requests,
    ordersFor: (orderId) => [...orders.values()].filter((o) => o.externalId === orderId).map((o) => o.id),
    loseNextCreate: lost.loseNext,
    settle(reference, outcome) {
      const native = NATIVE[outcome];
      if (!native) throw new Error(`iumiCash has no status for '${outcome}' (docs/gateways.md §5)`);
      setNative(reference, native);
    },
    setNative,
    callback,
    async sendCallback(reference) {
      const cb = callback(reference);
      const res = await fetch(String(mustFind(reference).applicationContext!.callback_url), { method: 'POST', headers: cb.headers, body: cb.body, redirect: 'manual' });
      // §4.6: only `200` with body `OK` stops the retries.
      if (res.status === 200 && (await res.clone().text()) === 'OK') mustFind(reference).notified = true;
      return res;
    },
    advance(seconds) {
      offset += seconds;
    },
    revokeTokens() {
      accessTokens.clear();
    },
    refuseBearer(on) {
      refusing = on;
    },
    failNext(target, status, body, contentType = 'text/plain') {
      failures[target].push({ status, body, contentType });
    },
    close: () => {
      lost.release();
      return close();
    },
  };
}

function headersOf(h: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  h.forEach((value, name) => {
    out[name] = value;
  });
  return out;
}

function parseObject(text: string): Json | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return isObject(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A MongoDB-style ObjectId: 4-byte timestamp + 8 random bytes, 24 hex (types.md). */
function objectId(): string {
  return Math.floor(Date.now() / 1000).toString(16).padStart(8, '0') + randomBytes(8).toString('hex');
}

// Fake Opencharge Merchant Gateway (opencharge.md §1.5, §3, §4, §5): signed /orders/checkout, sessions, signed transfer proofs.
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import type { HttpBindings } from '@hono/node-server';
import { randomBytes } from 'node:crypto';
import type { CallbackRequest, ChargeStatus } from '../../src/gateways/types.ts';
import type { FakeGatewayServer, RecordedRequest } from './types.ts';
import { lostAnswers } from './lost-answer.ts';
import { serveFetch } from '../helpers/http-server.ts';
import { NOW } from '../contract/gateway.contract.ts';
import { AMOUNT_RE, formatAmount, fractionDigits, parseAmount } from '../../src/protocol/amount.ts';
import { canonicalOrder, canonicalProof, canonicalRequest, canonicalResponse, type ProofForm } from '../../src/protocol/canonical.ts';
import { isFresh, parseAuthHeaders } from '../../src/protocol/headers.ts';
import { parsePrivateKey, parsePublicKey, publicKeyHex } from '../../src/protocol/keys.ts';
import { nobleBackend } from '../../src/protocol/noble.ts';
import { signCanonical, verifyCanonical } from '../../src/protocol/signature.ts';

function privateKey(hex: string): Uint8Array {
  const k = parsePrivateKey(hex);
  if (!k.ok) throw new Error(k.reason);
  return k.key;
}

/** The fake MG's identity: OCID 100 is the contract's sample order `accepts`; key 33…33 is a fixed test key. */
export const OPENCHARGE_FAKE_OCID = 100;
const MG_PRIVATE_HEX = '33'.repeat(32);
const MG_KEY = privateKey(MG_PRIVATE_HEX);
/** 128-hex public key (docs format), for a peers file entry `{ ocid: 100, publicKey }`. */
export const OPENCHARGE_FAKE_PUBLIC_KEY = publicKeyHex(nobleBackend.publicKey(MG_KEY));

/** The contract's merchant (contractDeps: OCID 500, key 22…22): the one merchant registered by default. */
const CONTRACT_MERCHANT_PRIVATE_HEX = '22'.repeat(32);
export const CONTRACT_MERCHANT = { ocid: 500, publicKey: publicKeyHex(nobleBackend.publicKey(privateKey(CONTRACT_MERCHANT_PRIVATE_HEX))) };

const WINDOW = 300; // §3.5: ±300 s

/**
 * Error bodies. Codes and HTTP statuses are the documented ones (§1.5 [EX], §3.6, §7.2); the docs show
 * no message texts for the checkout codes, so these are composed, and INVALID_REQUEST (a body the MG
 * cannot read) is this project's extension code (PROFILE §8): no MG document names one.
 * test/fixtures/gateways/opencharge/*.json hold the same bodies.
 */
export const ERRORS = {
  MERCHANT_NOT_REGISTERED: [401, 'Merchant is not registered with this gateway'],
  REQUEST_SIGNATURE: [401, 'Request signature verification failed'],
  TIMESTAMP_EXPIRED: [401, 'Timestamp outside ±5 minute window'],
  NONCE_REUSED: [401, 'Nonce already seen (replay attempt)'],
  ORDER_SIGNATURE: [400, 'Order signature verification failed'],
  ORDER_EXPIRED: [400, 'Order has expired'],
  SETTLEMENT_NOT_SUPPORTED: [400, "This gateway is not in the order's accepted settlement providers"],
} as const;
const CODE_OF = { REQUEST_SIGNATURE: 'INVALID_SIGNATURE', ORDER_SIGNATURE: 'INVALID_SIGNATURE' } as Record<string, string>;

export interface OpenchargeFakeOptions {
  /** The MG's clock, Unix seconds (default: the contract's fixed NOW). */
  now?: () => number;
  /** The MG's OCID (default 100). */
  mgOcid?: number;
  /** Onboarded merchants (default: the contract's merchant 500 with key 22…22). */
  merchants?: Array<{ ocid: number; publicKey: string }>;
  /** Where proofs are POSTed (default: urls.order[0] with `/orders/<id>` replaced by `/transfer/webhook`). */
  webhookUrl?: string;
  /** Proof canonicalisation (§5.2): A, the code samples' form, by default. */
  proofForm?: ProofForm;
}

export interface TransferProof {
  txid: string;
  issuer: number;
  from: { ocid: number; reference: string };
  to: { ocid: number; reference: string };
  amount: string;
  currency: string;
  timestamp: number;
  memo: string;
}

export type FakeMgStatus = 'pending' | 'completed' | 'expired' | 'cancelled' | 'failed';

export interface FakeCheckout {
  session: string;
  merchantOcid: number;
  order: Record<string, unknown>;
  signature: string;
  urls: Record<string, unknown>;
  status: FakeMgStatus;
  proof?: { proof: TransferProof; signature: string };
}

export interface OpenchargeFake extends FakeGatewayServer {
  mgOcid: number;
  publicKey: string;
  /** Checkouts by order id (the adapter's Charge.reference). */
  checkouts: Map<string, FakeCheckout>;
  /** Where the proof for this checkout is sent. */
  webhookUrlFor(reference: string): string;
}

export async function startOpenchargeFake(options: OpenchargeFakeOptions = {}): Promise<OpenchargeFake> {
  const now = options.now ?? (() => NOW);
  const mgOcid = options.mgOcid ?? OPENCHARGE_FAKE_OCID;
  const registered = new Map<number, Uint8Array>();
  for (const m of options.merchants ?? [CONTRACT_MERCHANT]) {
    const key = parsePublicKey(m.publicKey);
    if (!key.ok) throw new Error(`fake MG: merchant ${m.ocid}: ${key.reason}`);
    registered.set(m.ocid, key.key);
  }
  const checkouts = new Map<string, FakeCheckout>();
  const requests: RecordedRequest[] = [];
  const seenNonces = new Set<string>();
  const sentSignatures = new Set<string>();
  const lost = lostAnswers();
  let origin = '';

  const error = (c: Context, which: keyof typeof ERRORS) => {
    const [status, message] = ERRORS[which];
    return c.json({ error: { code: CODE_OF[which] ?? which, message } }, status);
  };
  const invalid = (c: Context, message: string) => c.json({ error: { code: 'INVALID_REQUEST', message } }, 400);

  /** §3.7: the MG signs its responses (SHOULD), errors included. */
  const signResponses: MiddlewareHandler = async (c, next) => {
    await next();
    const body = new Uint8Array(await c.res.arrayBuffer());
    const timestamp = String(now());
    const ocid = String(mgOcid);
    const headers = new Headers(c.res.headers);
    headers.set('X-OC-ID', ocid);
    headers.set('X-OC-Timestamp', timestamp);
    headers.set('X-OC-Signature', signCanonical(nobleBackend, MG_KEY, canonicalResponse({ ocid, timestamp, status: c.res.status, body })));
    c.res = new Response(body, { status: c.res.status, headers });
  };

  /** One MG tenant. `merchants` is who it has onboarded (the `/closed` tenant has none). */
  function mgApi(merchants: Map<number, Uint8Array>, prefix: string) {
    const api = new Hono<{ Bindings: HttpBindings }>();
    api.use('/orders/*', signResponses);
    api.post('/orders/checkout', (c) => lost.around(c, () => checkout(c)));
    async function checkout(c: Context<{ Bindings: HttpBindings }>): Promise<Response> {
      // §3.6 step 1: the four headers, well-formed.
      const auth = parseAuthHeaders((name) => c.req.header(name));
      if (!auth.ok) return error(c, 'REQUEST_SIGNATURE');
      sentSignatures.add(auth.headers.signature);
      // Step 2: freshness against the MG's own clock.
      if (!isFresh(auth.headers.timestamp, now(), WINDOW)) return error(c, 'TIMESTAMP_EXPIRED');
      // §1.5: the MG knows its onboarded merchants' keys; anyone else is not registered.
      const merchantKey = merchants.get(auth.headers.ocidNumber);
      if (!merchantKey) return error(c, 'MERCHANT_NOT_REGISTERED');
      // Step 4: the signature over the request-target exactly as received and the raw body bytes.
      const raw = new Uint8Array(await c.req.arrayBuffer());
      const target = c.env?.incoming?.url ?? new URL(c.req.url).pathname + new URL(c.req.url).search;
      const canonical = canonicalRequest({ ...auth.headers, method: c.req.method, path: target, body: raw });
      if (!verifyCanonical(nobleBackend, merchantKey, canonical, auth.headers.signature).valid) return error(c, 'REQUEST_SIGNATURE');
      // Step 5: the nonce, once per (ocid, nonce).
      const nonceKey = `${auth.headers.ocid}:${auth.headers.nonce}`;
      if (seenNonces.has(nonceKey)) return error(c, 'NONCE_REUSED');
      seenNonces.add(nonceKey);

      let body: unknown;
      try {
        body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
      } catch {
        return invalid(c, 'body must be UTF-8 JSON');
      }
      const problem = checkBody(body);
      if (problem) return invalid(c, problem);
      const { order, signature, urls = {} } = body as { order: Record<string, unknown>; signature: string; urls?: Record<string, unknown> };
      sentSignatures.add(signature);
      if (order.ocid !== auth.headers.ocidNumber) return invalid(c, 'order.ocid is not the requesting merchant (X-OC-ID)');
      // §1.5 + §4: the order signature, documented canonicalisation, the merchant's key → 400 INVALID_SIGNATURE.
      if (!verifyCanonical(nobleBackend, merchantKey, canonicalOrder(order), signature).valid) return error(c, 'ORDER_SIGNATURE');
      // §1.5: expiresAt < now → ORDER_EXPIRED; own OCID must be in accepts → SETTLEMENT_NOT_SUPPORTED.
      if (typeof order.expiresAt === 'number' && order.expiresAt < now()) return error(c, 'ORDER_EXPIRED');
      if (!Array.isArray(order.accepts) || !order.accepts.includes(mgOcid)) return error(c, 'SETTLEMENT_NOT_SUPPORTED');

      const id = order.id as string;
      const existing = checkouts.get(id);
      // [INFERRED] Retrying the same signed order returns its session; another order under a used id is refused.
      if (existing && (existing.merchantOcid !== auth.headers.ocidNumber || existing.signature.toLowerCase() !== signature.toLowerCase())) {
        return invalid(c, 'order id already has a checkout for a different signed order');
      }
      const checkout = existing ?? { session: `cs_${randomBytes(12).toString('hex')}`, merchantOcid: auth.headers.ocidNumber, order, signature, urls, status: 'pending' as const };
      checkouts.set(id, checkout);
      return c.json({ redirect_url: `${origin}${prefix}/checkout/${checkout.session}` });
    }
    // The hosted page the customer is redirected to (public, no auth).
    api.get('/checkout/:session', (c) => {
      const found = [...checkouts.values()].find((k) => k.session === c.req.param('session'));
      if (!found) return c.json({ error: { code: 'SESSION_NOT_FOUND', message: 'Checkout session not found' } }, 404);
      return c.html(`<!doctype html><title>Fake MG checkout</title><p>Pay ${String(found.order.amount)} ${String(found.order.currency)} for order ${String(found.order.id)}</p>`);
    });
    api.notFound((c) => c.json({ error: { code: 'NOT_FOUND', message: 'Not found' } }, 404));
    return api;
  }

  const app = new Hono<{ Bindings: HttpBindings }>();
  app.use('*', async (c, next) => {
    const headers: Record<string, string> = {};
    c.req.raw.headers.forEach((value, name) => (headers[name] = value));
    // Read as bytes first: Hono caches them, so the signature check later hashes exactly what arrived.
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    const target = c.env?.incoming?.url ?? new URL(c.req.url).pathname + new URL(c.req.url).search;
    requests.push({ method: c.req.method, target, headers, body: new TextDecoder().decode(bytes) });
    await next();
  });
  app.route('/opencharge', mgApi(registered, '/opencharge'));
  // A second tenant that has onboarded no merchant: `badEnv` points here, so every merchant is refused with 401.
  app.route('/closed', mgApi(new Map(), '/closed'));
  app.notFound((c) => c.json({ error: { code: 'NOT_FOUND', message: 'Not found' } }, 404));

  const { port, close } = await serveFetch(app.fetch);
  origin = `http://127.0.0.1:${port}`;
  const baseUrl = `${origin}/opencharge`;

  function mustFind(reference: string): FakeCheckout {
    const checkout = checkouts.get(reference);
    if (!checkout) throw new Error(`fake MG has no checkout for order ${reference}`);
    return checkout;
  }

  function webhookUrlFor(reference: string): string {
    if (options.webhookUrl) return options.webhookUrl;
    const first = mustFind(reference).urls.order;
    const orderUrl = Array.isArray(first) && typeof first[0] === 'string' ? new URL(first[0]) : undefined;
    if (!orderUrl || !/\/orders\/[^/]+\/?$/.test(orderUrl.pathname)) throw new Error(`fake MG: cannot derive a webhook URL for ${reference}; pass webhookUrl`);
    orderUrl.pathname = orderUrl.pathname.replace(/\/orders\/[^/]+\/?$/, '/transfer/webhook');
    orderUrl.search = '';
    return orderUrl.href;
  }

  /** §5.1 proof for what the customer paid, signed by the MG key in the configured form (§5.2). */
  function issueProof(checkout: FakeCheckout, amount: string): void {
    const orderId = String(checkout.order.id);
    const proof: TransferProof = {
      txid: `mgtx_${randomBytes(8).toString('hex')}`,
      issuer: mgOcid,
      from: { ocid: mgOcid, reference: checkout.session },
      to: { ocid: checkout.merchantOcid, reference: orderId },
      amount,
      currency: String(checkout.order.currency),
      timestamp: now(),
      memo: `Payment for ${orderId}`,
    };
    const signature = signCanonical(nobleBackend, MG_KEY, canonicalProof(proof as unknown as Record<string, unknown>, options.proofForm ?? 'A'));
    checkout.proof = { proof, signature };
    sentSignatures.add(signature);
  }

  function settle(reference: string, outcome: ChargeStatus): void {
    const checkout = mustFind(reference);
    const amount = String(checkout.order.amount);
    const value = parseAmount(amount)!;
    const digits = fractionDigits(amount);
    const unit = 10n ** BigInt(18 - digits);
    delete checkout.proof;
    switch (outcome) {
      case 'pending':
        checkout.status = 'pending';
        return;
      case 'paid':
      case 'overpaid':
      case 'underpaid': {
        const paid = outcome === 'paid' ? value : outcome === 'overpaid' ? value + unit : value - unit;
        if (paid <= 0n) throw new Error(`fake MG: cannot underpay ${amount}`);
        checkout.status = 'completed';
        issueProof(checkout, formatAmount(paid, digits));
        return;
      }
      case 'expired':
      case 'cancelled':
      case 'failed':
        checkout.status = outcome;
        return;
      case 'refunded':
        throw new Error('fake MG: the Opencharge protocol documents no refunds');
    }
  }

  /** The ITN the MG sends (§2.6): `{proof, signature}` with X-OC-* headers signed by the MG key over the webhook path. */
  function callback(reference: string): CallbackRequest {
    const checkout = mustFind(reference);
    if (!checkout.proof) throw new Error(`fake MG: checkout ${reference} is ${checkout.status}; only a completed payment produces a proof`);
    const url = new URL(webhookUrlFor(reference));
    const target = url.pathname + url.search;
    const body = JSON.stringify(checkout.proof);
    const ocid = String(mgOcid);
    const timestamp = String(now());
    const nonce = `req_${randomBytes(16).toString('hex')}`;
    const signature = signCanonical(nobleBackend, MG_KEY, canonicalRequest({ ocid, timestamp, nonce, method: 'POST', path: target, body }));
    sentSignatures.add(signature);
    return {
      method: 'POST',
      target,
      headers: { 'content-type': 'application/json', 'x-oc-id': ocid, 'x-oc-timestamp': timestamp, 'x-oc-nonce': nonce, 'x-oc-signature': signature },
      body,
    };
  }

  return {
    baseUrl,
    mgOcid,
    publicKey: OPENCHARGE_FAKE_PUBLIC_KEY,
    env: { OC_MG_OCID: String(mgOcid), OC_MG_ENDPOINT: baseUrl },
    badEnv: { OC_MG_OCID: String(mgOcid), OC_MG_ENDPOINT: `${origin}/closed` },
    get secrets() {
      // Private keys, and every signature seen or made: none may reach a log line or an error message.
      return [MG_PRIVATE_HEX, CONTRACT_MERCHANT_PRIVATE_HEX, ...sentSignatures];
    },
    checkouts,
    requests,
    ordersFor: (orderId) => (checkouts.has(orderId) ? [orderId] : []),
    loseNextCreate: lost.loseNext,
    settle,
    callback,
    webhookUrlFor,
    async sendCallback(reference) {
      const cb = callback(reference);
      return fetch(new URL(cb.target, webhookUrlFor(reference)), { method: 'POST', headers: cb.headers, body: cb.body, redirect: 'manual' });
    },
    close: () => {
      lost.release();
      return close();
    },
  };
}

/** Body validation (§2.8 body `{order, signature, urls}`; required order fields from the seed's Order schema). */
function checkBody(body: unknown): string | undefined {
  if (!isRecord(body)) return 'body must be a JSON object';
  const { order, signature, urls } = body;
  if (!isRecord(order)) return 'order is required and must be an object';
  if (typeof signature !== 'string' || signature === '') return 'signature is required';
  if (urls !== undefined && !isRecord(urls)) return 'urls must be an object';
  if (typeof order.id !== 'string' || order.id === '') return 'order.id is required';
  if (!Number.isSafeInteger(order.ocid) || (order.ocid as number) <= 0) return 'order.ocid must be a positive integer';
  if (typeof order.amount !== 'string' || !AMOUNT_RE.test(order.amount)) return 'order.amount must be a decimal string';
  if (parseAmount(order.amount)! <= 0n) return 'order.amount must be greater than zero';
  if (typeof order.currency !== 'string' || !/^[A-Z0-9]{3,5}$/.test(order.currency)) return 'order.currency must be a currency code';
  if (!Number.isSafeInteger(order.createdAt)) return 'order.createdAt must be Unix seconds';
  if (order.expiresAt !== undefined && !Number.isSafeInteger(order.expiresAt)) return 'order.expiresAt must be Unix seconds';
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

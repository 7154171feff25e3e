// createMerchant mounted in a shop's Hono app, behind node:http, and listening itself; createClient against it, for real:
// signed orders verified, proofs sent, the onOrderPaid hook, error envelopes as OpenchargeError, tampered answers refused.
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMerchant, type Merchant, type OrderRecord } from '../../src/index.ts';
import { createClient, OpenchargeError, type OpenchargeClient, type TransferProof } from '../../src/client/index.ts';
import { closeServer, freePort, serveFetch, type Served } from '../helpers/http-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'oc-library-'));
let merchant: Merchant;
let shop: Served;
let base: string;
let demo: OpenchargeClient;
let issuer: OpenchargeClient;
const paid: OrderRecord[] = [];
let onPaid: ((o: OrderRecord) => void) | undefined;

const identity = (name: string) => (JSON.parse(readFileSync(join(dir, 'data/dev-identities.json'), 'utf8')) as Array<{ name: string; ocid: number; privateKey: string }>).find((i) => i.name === name)!;

beforeAll(async () => {
  const port = await freePort();
  merchant = await createMerchant({
    cwd: dir,
    env: {},
    settings: { OC_PUBLIC_URL: `http://127.0.0.1:${port}`, OC_LOG_LEVEL: 'silent', OC_CURRENCIES: 'USD,EUR' },
    onOrderPaid: (order) => {
      paid.push(order);
      onPaid?.(order);
    },
  });
  const app = new Hono();
  app.get('/', (c) => c.text('the shop'));
  app.route('/opencharge', merchant.app);
  shop = await serveFetch(app.fetch, port);
  base = `${shop.origin}/opencharge`;
  const d = identity('demo');
  const i = identity('issuer');
  demo = createClient({ ocid: d.ocid, privateKey: d.privateKey, baseUrl: base });
  issuer = createClient({ ocid: i.ocid, privateKey: i.privateKey, baseUrl: base });
});
afterAll(async () => {
  await shop?.close();
  await merchant?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const proofFor = (order: { id: string; ocid: number; amount: string; currency: string }, txid: string): TransferProof => ({
  txid,
  issuer: issuer.ocid,
  from: { ocid: demo.ocid, reference: 'library test' },
  to: { ocid: order.ocid, reference: order.id },
  amount: order.amount,
  currency: order.currency,
  timestamp: Math.floor(Date.now() / 1000),
});

describe('createMerchant mounted under a shop (shop.route("/opencharge", merchant.app))', () => {
  it('the shop keeps its own routes; the merchant answers under /opencharge with the mounted public URL', async () => {
    expect(await (await fetch(shop.origin + '/')).text()).toBe('the shop');
    const meta = await demo.metadata();
    expect(meta.config.endpoint).toBe(base);
    expect(meta.config.publicKey).toBe(merchant.publicKey);
    expect(meta.ocid).toBe(merchant.ocid);
  });

  it('a signed order is created, verified, read back and its status served', async () => {
    const created = await demo.createOrder({ amount: '15.00', currency: 'EUR', reference: 'cart-1' });
    expect(created.order).toMatchObject({ amount: '15.00', currency: 'EUR', ocid: merchant.ocid });
    expect(created.urls.order).toEqual([`${base}/orders/${created.order.id}`]);
    expect(await demo.getOrder(created.order.id)).toEqual(created);
    expect(await demo.getStatus(created.order.id)).toMatchObject({ orderId: created.order.id, status: 'pending' });
    const caps = await demo.capabilities();
    expect(caps.ocid).toBe(merchant.ocid);
    expect(caps.capabilities).toContain('orders.create');
  });

  it('a proof sent by the issuer pays the order and calls onOrderPaid once with the paid order', async () => {
    const { order } = await demo.createOrder({ amount: '7.50', currency: 'USD' });
    const hook = new Promise<OrderRecord>((resolve) => (onPaid = (o) => o.id === order.id && resolve(o)));
    const proof = proofFor(order, `tx_lib_${order.id}`);
    const signed = issuer.signProof(proof);
    expect(await issuer.sendProof(signed)).toMatchObject({ status: 'accepted' });
    const hooked = await hook;
    expect(hooked).toMatchObject({ id: order.id, status: 'paid', txid: proof.txid });
    expect(await demo.getStatus(order.id)).toMatchObject({ status: 'paid', txid: proof.txid });
    // The same signed proof again: accepted, no second effect, no second hook call.
    expect(await issuer.sendProof(signed)).toMatchObject({ status: 'accepted' });
    const again = await demo.createOrder({ amount: '1.00', currency: 'USD' }); // a later commit: the hook queue has moved on
    expect(again.order.id).not.toBe(order.id);
    expect(paid.filter((o) => o.id === order.id)).toHaveLength(1);
  });

  it('error envelopes throw OpenchargeError with code, status and details', async () => {
    const notFound = await demo.getOrder('ord_missing').catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(OpenchargeError);
    expect(notFound).toMatchObject({ code: 'ORDER_NOT_FOUND', status: 404 });
    const currency = await demo.createOrder({ amount: '1.00', currency: 'XTS' }).catch((e: unknown) => e);
    expect(currency).toMatchObject({ name: 'OpenchargeError', code: 'CURRENCY_MISMATCH', status: 400, details: { accepted: ['USD', 'EUR'] } });
    const stranger = createClient({ ocid: 987_654, privateKey: '11'.repeat(32), baseUrl: base });
    await expect(stranger.capabilities()).rejects.toMatchObject({ code: 'UNKNOWN_OCID', status: 401 });
  });

  it('a tampered answer is refused (response or order signature), after fetching the metadata once more', async () => {
    let metadataFetches = 0;
    const d = identity('demo');
    const tamper = (mode: 'response' | 'order'): typeof fetch => async (input, init) => {
      const url = String(input);
      if (url.endsWith('/metadata.json')) metadataFetches++;
      const res = await fetch(input, init);
      if (!url.includes('/orders/')) return res;
      const text = (await res.text()).replace('"amount":"3.00"', '"amount":"0.03"');
      const headers = new Headers(res.headers);
      if (mode === 'order') headers.delete('x-oc-signature');
      return new Response(text, { status: res.status, headers });
    };
    const client = createClient({ ocid: d.ocid, privateKey: d.privateKey, baseUrl: base, fetch: tamper('response') });
    const err = await client.createOrder({ amount: '3.00', currency: 'USD' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'OpenchargeError', code: 'RESPONSE_SIGNATURE_INVALID', status: 200 });
    expect(metadataFetches).toBe(2); // fetched once, refetched once on the mismatch
    const { order } = await demo.createOrder({ amount: '3.00', currency: 'USD' });
    metadataFetches = 0;
    const reader = createClient({ ocid: d.ocid, privateKey: d.privateKey, baseUrl: base, fetch: tamper('order') });
    await expect(reader.getOrder(order.id)).rejects.toMatchObject({ code: 'ORDER_SIGNATURE_INVALID' });
    expect(metadataFetches).toBe(2);
  });

  it('a target that does not answer is a NETWORK_ERROR with status 0', async () => {
    const gone = createClient({ ocid: 200, privateKey: '11'.repeat(32), baseUrl: `http://127.0.0.1:${await freePort()}/opencharge` });
    await expect(gone.getStatus('x')).rejects.toMatchObject({ code: 'NETWORK_ERROR', status: 0 });
  });
});

describe('createMerchant behind node:http and on its own', () => {
  it('merchant.fetch serves the whole app through @hono/node-server request listener', async () => {
    const server: Server = createServer(getRequestListener(merchant.fetch));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      expect(await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()).toEqual({ status: 'ok' });
      const meta = (await (await fetch(`http://127.0.0.1:${port}/opencharge/metadata.json`)).json()) as { ocid: number };
      expect(meta.ocid).toBe(merchant.ocid);
    } finally {
      await closeServer(server);
    }
  });

  it('start() listens on OC_PORT=0 with the bound port in its public URL; stop() closes it', async () => {
    const own = await createMerchant({ cwd: dir, env: {}, databaseUrl: `file:${join(dir, 'own.db')}`, settings: { OC_PORT: 0, OC_LOG_LEVEL: 'silent' } });
    const { url, port } = await own.start();
    expect(port).toBeGreaterThan(0);
    expect(own.config.publicBaseUrl).toBe(`${url}/opencharge`);
    const meta = (await (await fetch(`${url}/opencharge/metadata.json`)).json()) as { config: { endpoint: string } };
    expect(meta.config.endpoint).toBe(`${url}/opencharge`);
    await own.stop();
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  it('bad settings are refused at creation with the setting named', async () => {
    await expect(createMerchant({ cwd: dir, env: {}, settings: { OC_PORT: 'x' as `${number}` } })).rejects.toThrow(/OC_PORT/);
  });
});

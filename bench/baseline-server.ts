// The bare baseline for `npm run bench`: only the essential work of /orders/create, no framework extras.
// Verify the caller's signature, insert nonce + order durably in one transaction, sign the order.
import { randomBytes } from 'node:crypto';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import Database from 'better-sqlite3';
import { selectBackend } from '../src/crypto/select.ts';
import { canonicalOrder, canonicalRequest } from '../src/protocol/canonical.ts';
import { parsePrivateKey, parsePublicKey } from '../src/protocol/keys.ts';
import { signCanonical, verifyCanonical } from '../src/protocol/signature.ts';

const { backend } = selectBackend((process.env.OC_CRYPTO as 'noble' | 'native') ?? 'auto');
const merchantKey = (parsePrivateKey(process.env.OC_PRIVATE_KEY!) as { ok: true; key: Uint8Array }).key;
const callerKey = (parsePublicKey(process.env.BENCH_CALLER_PUBLIC_KEY!) as { ok: true; key: Uint8Array }).key;
const db = new Database(process.env.BENCH_DB!);
for (const p of ['journal_mode = WAL', 'synchronous = FULL', 'busy_timeout = 5000']) db.pragma(p);
db.exec('create table if not exists nonces (ocid integer, nonce text, primary key (ocid, nonce))');
db.exec('create table if not exists orders (id text primary key, body text not null)');
const insertNonce = db.prepare('insert or ignore into nonces (ocid, nonce) values (?, ?)');
const insertOrder = db.prepare('insert into orders (id, body) values (?, ?)');
const tx = db.transaction((ocid: number, nonce: string, id: string, body: string) => {
  if (insertNonce.run(ocid, nonce).changes !== 1) return false;
  insertOrder.run(id, body);
  return true;
});

const app = new Hono();
app.post('/opencharge/orders/create', async (c) => {
  const raw = new Uint8Array(await c.req.arrayBuffer());
  const ocid = c.req.header('x-oc-id')!;
  const timestamp = c.req.header('x-oc-timestamp')!;
  const nonce = c.req.header('x-oc-nonce')!;
  const canonical = canonicalRequest({ ocid, timestamp, nonce, method: 'POST', path: '/opencharge/orders/create', body: raw });
  if (!verifyCanonical(backend, callerKey, canonical, c.req.header('x-oc-signature')).valid) return c.json({ error: 'sig' }, 401);
  const req = JSON.parse(new TextDecoder().decode(raw)) as { amount: string; currency: string };
  const now = Math.floor(Date.now() / 1000);
  const order = { id: `ord_${randomBytes(16).toString('hex')}`, ocid: 500, amount: req.amount, currency: req.currency, createdAt: now, expiresAt: now + 3600, accepts: [100] };
  const signature = signCanonical(backend, merchantKey, canonicalOrder(order));
  const body = JSON.stringify({ order, signature, urls: { order: [`http://localhost/opencharge/orders/${order.id}`] } });
  if (!tx(Number(ocid), nonce, order.id, body)) return c.json({ error: 'nonce' }, 401);
  return c.body(body, 200, { 'content-type': 'application/json' });
});

const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => console.log(`baseline listening on ${info.port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));

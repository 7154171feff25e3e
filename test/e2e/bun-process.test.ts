// The server under a real Bun binary (`bun src/runtime/bun.ts`): signed order, proof → paid, loopback metadata peers, 413 keep-alive, per-address limit, SIGTERM → exit 0.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CALLER, CALLER_OCID, ISSUER, ISSUER_OCID, MERCHANT, STRANGER } from '../helpers/harness.ts';
import { makeProof } from '../helpers/proofs.ts';
import { startServer } from '../helpers/http-server.ts';
import { BUN, ROOT, serveProcess, startServerProcess, type Running } from '../helpers/serve-process.ts';
import { canonicalRequest } from '../../src/protocol/canonical.ts';
import { signCanonical } from '../../src/protocol/signature.ts';
import { parsePublicKey } from '../../src/protocol/keys.ts';
import { nobleBackend } from '../../src/protocol/noble.ts';
import { verifyOrderSignature, verifyResponseSignature } from '../../src/client/verify-response.ts';

const BASE = '/opencharge';
const merchantKey = (parsePublicKey(MERCHANT.pub) as { ok: true; key: Uint8Array }).key;
const dir = mkdtempSync(join(tmpdir(), 'oc-bun-e2e-'));


/** Peers whose key the server must fetch from their metadata (OC_ALLOW_HTTP_PEERS=1): by IP literal and by name. */
const LITERAL_PEER = 300;
const NAMED_PEER = 301;
const metadataPaths: string[] = [];
let metadata: Awaited<ReturnType<typeof startServer>>;

function startBunServer(metadataPort: number, extra: Record<string, string> = {}, db = 'bun.db'): Promise<Running> {
  if (!existsSync(BUN)) {
    throw new Error(`Bun binary not found at ${BUN}: it is the 'bun' devDependency, installed by \`npm ci\` (its platform package @oven/bun-* must be installed too)`);
  }
  const peers = join(dir, 'peers.json');
  writeFileSync(peers, JSON.stringify([
    { ocid: CALLER_OCID, publicKey: CALLER.pub },
    { ocid: ISSUER_OCID, publicKey: ISSUER.pub },
    { ocid: LITERAL_PEER, metadataUrl: `http://127.0.0.1:${metadataPort}/literal/metadata.json` },
    { ocid: NAMED_PEER, endpoint: `http://localhost:${metadataPort}/named` },
  ]));
  const env = {
    OC_PORT: '0',
    OC_DATABASE_URL: `file:${join(dir, db)}`,
    OC_OCID: '500',
    OC_PRIVATE_KEY: '1'.repeat(64),
    OC_ENV: 'production',
    OC_PUBLIC_URL: 'https://pay.shop.example',
    OC_ACCEPTS: String(ISSUER_OCID),
    OC_PEERS_FILE: peers,
    OC_LOG_LEVEL: 'info',
    OC_ALLOW_HTTP_PEERS: '1',
    ...extra,
  };
  return startServerProcess({ runtime: 'bun', env, cwd: ROOT, timeoutMs: 20_000 });
}

let server: Running;
beforeAll(async () => {
  metadata = await startServer((req, res) => {
    metadataPaths.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ opencharge: '0.1', config: { publicKey: STRANGER.pub } }));
  });
  server = await startBunServer(metadata.port);
});
afterAll(async () => {
  if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
  await metadata?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A request signed as `key` with the real clock (the server checks freshness against Date.now()). */
function signedPost(path: string, body: string, ocid = CALLER_OCID, key = CALLER.priv): Promise<Response> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = `req_${randomBytes(12).toString('hex')}`;
  const canonical = canonicalRequest({ ocid: String(ocid), timestamp, nonce, method: 'POST', path: BASE + path, body });
  return fetch(`http://127.0.0.1:${server.port}${BASE}${path}`, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'X-OC-ID': String(ocid),
      'X-OC-Timestamp': timestamp,
      'X-OC-Nonce': nonce,
      'X-OC-Signature': signCanonical(nobleBackend, key, canonical),
    },
  });
}

const getStatus = async (id: string) => (await (await fetch(`http://127.0.0.1:${server.port}${BASE}/orders/${id}/status`)).json()) as Record<string, unknown>;

describe('bun src/runtime/bun.ts', () => {
  let orderId: string;

  it('prints the banner: production key, bun:sqlite file, a crypto backend', () => {
    const out = server.output();
    expect(out).toMatch(/OCID\s+500/);
    expect(out).toContain(`public key       ${MERCHANT.pub}`);
    expect(out).toMatch(/crypto backend\s+(native|noble)/);
    expect(out).toMatch(/database\s+sqlite file:/);
    expect(out).not.toMatch(/DEVELOPMENT KEY/);
    expect(existsSync(join(dir, 'bun.db'))).toBe(true);
  });

  it('creates a signed order for a signed request, and signs the response', async () => {
    const res = await signedPost('/orders/create', JSON.stringify({ amount: '15.00', currency: 'USD', reference: 'bun-e2e' }));
    const text = await res.text();
    expect(res.status, text).toBe(200);
    expect(verifyResponseSignature(nobleBackend, merchantKey, res.status, res.headers, text)).toEqual({ valid: true });
    const body = JSON.parse(text) as { order: { id: string; ocid: number; amount: string; accepts: number[] } };
    expect(verifyOrderSignature(nobleBackend, merchantKey, body)).toEqual({ valid: true });
    expect(body.order).toMatchObject({ ocid: 500, amount: '15.00', accepts: [ISSUER_OCID] });
    orderId = body.order.id;
    expect(await getStatus(orderId)).toMatchObject({ orderId, status: 'pending' });
  });

  it('rejects a request whose signature does not match', async () => {
    const res = await signedPost('/orders/create', JSON.stringify({ amount: '15.00', currency: 'USD' }), CALLER_OCID, ISSUER.priv);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('INVALID_SIGNATURE');
  });

  it('a 413 says Connection: close and the same keep-alive client gets its next 5 requests answered (PROFILE §7)', async () => {
    const big = 'x'.repeat(1024 * 1024);
    for (const path of [`${BASE}/orders/create`, `${BASE}/no-such-route`]) {
      const res = await fetch(`http://127.0.0.1:${server.port}${path}`, { method: 'POST', body: big, headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(413);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
      const after: Array<number | string> = [];
      for (let i = 0; i < 5; i++) {
        try {
          const r = await fetch(`http://127.0.0.1:${server.port}${BASE}/metadata.json`);
          await r.arrayBuffer();
          after.push(r.status);
        } catch (err) {
          after.push(String((err as { cause?: Error }).cause?.message ?? err));
        }
      }
      expect({ connection: res.headers.get('connection'), after }).toEqual({ connection: 'close', after: [200, 200, 200, 200, 200] });
    }
  });

  it('accepts a signed transfer proof and reports the order paid', async () => {
    const paidAt = Math.floor(Date.now() / 1000);
    const proof = makeProof(orderId, { txid: 'tx_bun_e2e', timestamp: paidAt });
    const res = await signedPost('/transfer/webhook', JSON.stringify(proof), ISSUER_OCID, ISSUER.priv);
    const text = await res.text();
    expect(res.status, text).toBe(200);
    expect(JSON.parse(text)).toEqual({ status: 'accepted', txid: 'tx_bun_e2e' });
    expect(await getStatus(orderId)).toEqual({ orderId, status: 'paid', paidAt, txid: 'tx_bun_e2e' });
  });

  it.each([
    ['an IP literal metadataUrl', LITERAL_PEER, '/literal/metadata.json'],
    ['a localhost endpoint (DNS through the checked lookup)', NAMED_PEER, '/named/metadata.json'],
  ])('resolves a loopback peer by %s with OC_ALLOW_HTTP_PEERS=1', async (_name, ocid, path) => {
    const res = await signedPost('/orders/create', JSON.stringify({ amount: '1.00', currency: 'USD', reference: `bun-peer-${ocid}` }), ocid, STRANGER.priv);
    const text = await res.text();
    expect(res.status, text).toBe(200);
    expect(metadataPaths).toContain(path);
  });

  it('stops cleanly on SIGTERM: exit 0 after "stopped"', async () => {
    server.child.kill('SIGTERM');
    const code = await Promise.race([server.exited, new Promise((r) => setTimeout(() => r('still running 10 s after SIGTERM'), 10_000))]);
    expect(code, server.output()).toBe(0);
    expect(server.output()).toMatch(/received SIGTERM/);
    expect(server.output()).toMatch(/stopped\n?$/);
  });

  it('logged pino lines on stderr, the proof line and its access line sharing a reqId (pino under Bun)', async () => {
    await server.closed;
    const lines = server.stderr().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const l of lines) expect(l).toMatchObject({ level: expect.any(Number), time: expect.any(Number), pid: server.child.pid, hostname: expect.any(String), msg: expect.any(String) });
    const proof = lines.find((l) => l.msg === 'transfer proof' && l.txid === 'tx_bun_e2e');
    expect(proof?.reqId).toEqual(expect.any(String));
    expect(lines.find((l) => l.msg === 'request' && l.reqId === proof!.reqId)).toMatchObject({ method: 'POST', path: '/opencharge/transfer/webhook', status: 200 });
    expect(lines.filter((l) => l.msg === 'request' && l.status === 401)).toHaveLength(1);
  });
});

/** GET from a chosen local address (any 127.x.x.x is loopback on Linux), so the server sees another peer. */
function getFrom(port: number, localAddress: string): Promise<{ status: number; retryAfter?: string }> {
  return new Promise((resolveGet, reject) => {
    const req = request({ host: '127.0.0.1', port, path: `${BASE}/metadata.json`, localAddress, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolveGet({ status: res.statusCode!, retryAfter: res.headers['retry-after'] as string | undefined }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('bun: the per-address limit keys on the socket peer (server.requestIP)', () => {
  let limited: Running;
  beforeAll(async () => {
    // A 20 s window: a slow machine cannot refill the bucket in the middle of the test.
    limited = await startBunServer(metadata.port, { OC_RATE_LIMIT_IP: '1/20' }, 'bun-limited.db');
  });
  afterAll(() => {
    if (limited && limited.child.exitCode === null) limited.child.kill('SIGKILL');
  });

  it('127.0.0.1 gets 429 with Retry-After after its burst of 20; 127.0.0.2 is still served', async () => {
    for (let i = 0; i < 20; i++) expect((await getFrom(limited.port, '127.0.0.1')).status).toBe(200);
    const res = await getFrom(limited.port, '127.0.0.1');
    expect(res.status).toBe(429);
    expect(res.retryAfter).toMatch(/^[1-9]\d*$/);
    expect((await getFrom(limited.port, '127.0.0.2')).status).toBe(200);
  });
});

describe('bun start-up errors', () => {
  it('refuses to start in production without a key: exit 1, naming the setting', async () => {
    const env = { OC_ENV: 'production', OC_OCID: '500', OC_PORT: '0', OC_DATABASE_URL: `file:${join(dir, 'nokey.db')}` };
    const { code, stdout, stderr } = await serveProcess({ runtime: 'bun', env, cwd: ROOT });
    const out = stdout + stderr;
    expect(code, out).toBe(1);
    expect(out).toMatch(/OC_PRIVATE_KEY/);
  });
});

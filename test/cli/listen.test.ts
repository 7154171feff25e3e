// `listen`: a real 127.0.0.1 receiver verifying Standard Webhooks deliveries with the official library; each rejection
// path, forwarding, and where the secret comes from.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index.ts';
import type { CliIO } from '../../src/cli/io.ts';
import { startListener, webhookSecrets } from '../../src/cli/listen.ts';
import { closeServers, freePort, startServer } from '../helpers/http-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'oc-listen-'));
const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const OTHER = `whsec_${randomBytes(32).toString('base64')}`;
const BODY = '{"id":"evt_1","type":"order.paid","createdAt":1800000000,"data":{"orderId":"ord_1","status":"paid"}}';

function capture(env: Record<string, string> = {}, cwd = dir) {
  const lines: string[] = [];
  const io: CliIO = { out: (t) => lines.push(t), err: (t) => lines.push(`ERR ${t}`), env, cwd };
  return { io, text: () => lines.join('\n') };
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
  await closeServers();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function listener(secrets: string[], forwardTo?: string) {
  const c = capture();
  const l = await startListener({ host: '127.0.0.1', port: 0, secrets: secrets.map((s) => new Webhook(s)), forwardTo, io: c.io });
  closers.push(l.close);
  return { ...l, text: c.text };
}

const now = () => Math.floor(Date.now() / 1000);
/** Headers signed by the official library (the server's own deliveries are verified in pay.test.ts and the README test). */
const signed = (secret: string, body = BODY, timestamp = now()) => ({
  'content-type': 'application/json',
  'webhook-id': 'evt_1',
  'webhook-timestamp': String(timestamp),
  'webhook-signature': new Webhook(secret).sign('evt_1', new Date(timestamp * 1000), body),
});
const post = (url: string, headers: Record<string, string>, body = BODY) => fetch(url, { method: 'POST', headers, body });

describe('listen verifies each delivery', () => {
  it('a delivery signed with the secret: 200, prints type, id, "verified" and the data', async () => {
    const l = await listener([SECRET]);
    const res = await post(l.url, signed(SECRET));
    expect(res.status).toBe(200);
    expect(l.text()).toMatch(/^\S+Z {2}order\.paid +evt_1 {2}verified$/m);
    expect(l.text()).toContain('  data {"orderId":"ord_1","status":"paid"}');
  });

  it('another secret: 400, INVALID with the library\'s reason', async () => {
    const l = await listener([SECRET]);
    const res = await post(l.url, signed(OTHER));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('INVALID_SIGNATURE');
    expect(l.text()).toMatch(/order\.paid +evt_1 {2}INVALID \(No matching signature found\)$/m);
  });

  it('a body changed after signing: 400', async () => {
    const l = await listener([SECRET]);
    const res = await post(l.url, signed(SECRET), BODY.replace('ord_1', 'ord_2'));
    expect(res.status).toBe(400);
    expect(l.text()).toMatch(/INVALID \(No matching signature found\)/);
  });

  it('a stale timestamp: 400, "Message timestamp too old"', async () => {
    const l = await listener([SECRET]);
    const res = await post(l.url, signed(SECRET, BODY, now() - 600));
    expect(res.status).toBe(400);
    expect(l.text()).toMatch(/INVALID \(Message timestamp too old\)/);
  });

  it('no webhook-* headers: 400, "Missing required headers"', async () => {
    const l = await listener([SECRET]);
    const res = await post(l.url, { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    expect(l.text()).toMatch(/order\.paid +\(no webhook-id\) {2}INVALID \(Missing required headers\)/);
  });

  it('during a rotation any of the secrets verifies', async () => {
    const l = await listener([OTHER, SECRET]);
    expect((await post(l.url, signed(SECRET))).status).toBe(200);
  });

  it('not a POST: 405', async () => {
    const l = await listener([SECRET]);
    expect((await fetch(l.url)).status).toBe(405);
  });

  it('a body over 1 MiB: 413', async () => {
    const l = await listener([SECRET]);
    const big = 'x'.repeat(1024 * 1024 + 1);
    expect((await post(l.url, signed(SECRET, big), big)).status).toBe(413);
  });
});

describe('listen --forward-to', () => {
  it('passes a verified delivery on with the same body and webhook-* headers, and relays the answer', async () => {
    const got: Array<{ headers: Record<string, unknown>; body: string }> = [];
    const shop = await startServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        got.push({ headers: req.headers, body });
        res.writeHead(202, { 'content-type': 'text/plain' }).end('queued');
      });
    });
    const l = await listener([SECRET], `${shop.base}/hooks`);
    const headers = signed(SECRET);
    const res = await post(l.url, headers);
    expect(res.status).toBe(202);
    expect(await res.text()).toBe('queued');
    expect(got).toHaveLength(1);
    expect(got[0]!.body).toBe(BODY);
    for (const h of ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const) expect(got[0]!.headers[h]).toBe(headers[h]);
    // The shop's own check passes on what was forwarded.
    expect(new Webhook(SECRET).verify(got[0]!.body, got[0]!.headers as Record<string, string>)).toMatchObject({ id: 'evt_1' });
    expect(l.text()).toContain(`  → ${shop.base}/hooks: 202`);
  });

  it('never forwards a delivery that does not verify', async () => {
    const shop = await startServer((_req, res) => res.writeHead(200).end());
    const l = await listener([SECRET], shop.base);
    expect((await post(l.url, signed(OTHER))).status).toBe(400);
    expect(shop.paths).toEqual([]);
  });

  it('an unreachable --forward-to: 502 and "cannot reach <url> (connection refused)"', async () => {
    const port = await freePort();
    const l = await listener([SECRET], `http://127.0.0.1:${port}/hooks`);
    const res = await post(l.url, signed(SECRET));
    expect(res.status).toBe(502);
    expect(l.text()).toContain(`  → cannot reach http://127.0.0.1:${port}/hooks (connection refused)`);
  });
});

describe('the secret', () => {
  it('--secret wins over OC_WEBHOOK_SECRET, which wins over ./.env', () => {
    const cwd = mkdtempSync(join(dir, 'env-'));
    writeFileSync(join(cwd, '.env'), `OC_PRIVATE_KEY=${'11'.repeat(32)}\nOC_WEBHOOK_SECRET=${OTHER}\n`);
    expect(webhookSecrets(SECRET, capture({ OC_WEBHOOK_SECRET: OTHER }, cwd).io).source).toBe('--secret');
    expect(webhookSecrets(undefined, capture({ OC_WEBHOOK_SECRET: SECRET }, cwd).io).source).toBe('OC_WEBHOOK_SECRET');
    expect(webhookSecrets(undefined, capture({}, cwd).io).source).toBe(`OC_WEBHOOK_SECRET in ${join(cwd, '.env')}`);
  });

  it('comma-separated secrets are all used', () => {
    expect(webhookSecrets(`${SECRET}, ${OTHER}`, capture().io).secrets).toHaveLength(2);
  });

  it('no secret anywhere: exit 2 naming the three places and keygen --webhook-secret', async () => {
    const c = capture({}, mkdtempSync(join(dir, 'none-')));
    expect(await main(['listen'], c.io)).toBe(2);
    expect(c.text()).toMatch(/no secret: give --secret whsec_…, or set OC_WEBHOOK_SECRET in the environment or \.\/\.env \(make one with `opencharge-merchant keygen --webhook-secret`\)/);
  });

  it('a secret without whsec_: exit 2 (the official library would read it as base64, the shop as text)', async () => {
    const c = capture({ OC_WEBHOOK_SECRET: 'my-shop-secret' });
    expect(await main(['listen'], c.io)).toBe(2);
    expect(c.text()).toMatch(/OC_WEBHOOK_SECRET: a Standard Webhooks secret starts with whsec_/);
  });

  it('whsec_ with no key bytes: exit 2', async () => {
    const c = capture();
    expect(await main(['listen', '--secret', 'whsec_'], c.io)).toBe(2);
    expect(c.text()).toMatch(/--secret: not whsec_<base64>/);
  });

  it('a port in use: exit 1 naming the port and --port', async () => {
    const busy = await startServer((_req, res) => res.end());
    const port = new URL(busy.base).port;
    const c = capture({ OC_WEBHOOK_SECRET: SECRET });
    expect(await main(['listen', '--port', port], c.io)).toBe(1);
    expect(c.text()).toContain(`listen: port ${port} on 127.0.0.1 is in use: pick another with --port`);
  });
});

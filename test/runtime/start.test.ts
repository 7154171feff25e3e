// startNode in-process: the app is built for the port actually bound, the banner says where things are, dev keys stay in ./data.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startNode, type RunningServer } from '../../src/runtime/node.ts';
import { CALLER, CALLER_OCID } from '../helpers/harness.ts';
import { canonicalRequest } from '../../src/protocol/canonical.ts';
import { signCanonical } from '../../src/protocol/signature.ts';
import { nobleBackend } from '../../src/protocol/noble.ts';
import { startWebhookReceiver } from '../helpers/webhook-receiver.ts';

const root = mkdtempSync(join(tmpdir(), 'oc-start-'));
const servers: RunningServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  rmSync(root, { recursive: true, force: true });
});
let n = 0;
const fresh = () => {
  const dir = join(root, `case-${++n}`);
  mkdirSync(dir);
  return dir;
};

async function start(env: Record<string, string>, cwd = fresh()) {
  const lines: string[] = [];
  const server = await startNode({ env: { OC_LOG_LEVEL: 'silent', OC_PORT: '0', ...env }, cwd, print: (l) => lines.push(l) });
  servers.push(server);
  return { server, banner: lines.join('\n'), cwd };
}

function configured(cwd: string): Record<string, string> {
  const peers = join(cwd, 'peers.json');
  writeFileSync(peers, JSON.stringify([{ ocid: CALLER_OCID, publicKey: CALLER.pub }]));
  return { OC_ENV: 'test', OC_OCID: '500', OC_PRIVATE_KEY: '11'.repeat(32), OC_PEERS_FILE: peers, OC_ACCEPTS: '100', OC_DATABASE_URL: `file:${join(cwd, 'x.db')}` };
}

function signedCreate(base: string, body: string): Promise<Response> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = `req_${randomBytes(12).toString('hex')}`;
  const canonical = canonicalRequest({ ocid: String(CALLER_OCID), timestamp, nonce, method: 'POST', path: '/opencharge/orders/create', body });
  return fetch(`${base}/opencharge/orders/create`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', 'X-OC-ID': String(CALLER_OCID), 'X-OC-Timestamp': timestamp, 'X-OC-Nonce': nonce, 'X-OC-Signature': signCanonical(nobleBackend, CALLER.priv, canonical) },
  });
}

describe('the public URL is the address bound (finding 2)', () => {
  it('OC_PORT=0: metadata.json endpoint and urls.order use the port picked', async () => {
    const cwd = fresh();
    const { server, banner } = await start(configured(cwd), cwd);
    const base = `http://127.0.0.1:${server.port}`;
    const meta = (await (await fetch(`${base}/opencharge/metadata.json`)).json()) as { config: { endpoint: string } };
    expect(meta.config.endpoint).toBe(`${base}/opencharge`);
    const res = await signedCreate(base, JSON.stringify({ amount: '5.00', currency: 'USD' }));
    const body = (await res.json()) as { order: { id: string }; urls: { order: string[] } };
    expect(res.status).toBe(200);
    expect(body.urls.order).toEqual([`${base}/opencharge/orders/${body.order.id}`]);
    expect(banner).toContain(`public base URL  ${base}/opencharge (the address bound; set OC_PUBLIC_URL if clients use another)`);
    expect(server.deps.config.port).toBe(server.port);
  });

  it('an explicit OC_PUBLIC_URL is used as it is', async () => {
    const cwd = fresh();
    const { server } = await start({ ...configured(cwd), OC_PUBLIC_URL: 'https://pay.shop.example' }, cwd);
    const meta = (await (await fetch(`http://127.0.0.1:${server.port}/opencharge/metadata.json`)).json()) as { config: { endpoint: string } };
    expect(meta.config.endpoint).toBe('https://pay.shop.example/opencharge');
  });
});

describe('the banner', () => {
  it('says the console is off without OC_ADMIN_TOKEN, and that there is no .env', async () => {
    const cwd = fresh();
    const { banner } = await start(configured(cwd), cwd);
    expect(banner).toContain('  console off: set OC_ADMIN_TOKEN');
    expect(banner).toContain('  .env             no .env in the working directory');
  });

  it('prints the console URL with OC_ADMIN_TOKEN, and the .env file read', async () => {
    const cwd = fresh();
    writeFileSync(join(cwd, '.env'), 'OC_ADMIN_TOKEN=0123456789abcdef-console\n');
    const { server, banner } = await start(configured(cwd), cwd);
    expect(banner).toContain(`  console          http://127.0.0.1:${server.port}/console`);
    expect(banner).toContain(`  .env             ${join(cwd, '.env')} (the environment wins over it)`);
    expect((await fetch(`http://127.0.0.1:${server.port}/console/login`)).status).toBe(200);
  });
});

describe('database folder and development keys (finding 6)', () => {
  it('creates the default ./data folder', async () => {
    const { cwd } = await start({});
    expect(readdirSync(join(cwd, 'data')).sort()).toEqual(expect.arrayContaining(['dev-identities.json', 'dev-peers.json', 'opencharge.db']));
  });

  it('keeps development keys in ./data, not beside a database elsewhere', async () => {
    const cwd = fresh();
    const elsewhere = join(cwd, 'db-folder');
    mkdirSync(elsewhere);
    const { banner } = await start({ OC_DATABASE_URL: `file:${join(elsewhere, 'shop.db')}` }, cwd);
    expect(readdirSync(elsewhere).filter((f) => f.startsWith('dev-'))).toEqual([]);
    expect(existsSync(join(cwd, 'data/dev-identities.json'))).toBe(true);
    expect(banner).toContain(`created development keys in ${join(cwd, 'data/dev-identities.json')}`);
  });

  it('refuses a file: database in a missing folder without creating it', async () => {
    const cwd = fresh();
    const missing = join(cwd, 'no/such/dir');
    await expect(start({ OC_DATABASE_URL: `file:${missing}/x.db` }, cwd)).rejects.toThrow(`OC_DATABASE_URL: the folder ${missing} does not exist (from file:${missing}/x.db): create it, or fix the path`);
    expect(existsSync(join(cwd, 'no'))).toBe(false);
    expect(existsSync(join(cwd, 'data'))).toBe(false);
  });
});

describe('the background tasks run in the served process (one scheduler, started by startRuntime)', () => {
  it('an order created over HTTP reaches the shop webhook with no hand-run task', async () => {
    const shop = await startWebhookReceiver({ status: 200, body: 'ok' });
    try {
      const cwd = fresh();
      const secret = 'whsec_' + Buffer.from('a shop secret for the start test').toString('base64');
      const { server } = await start({ ...configured(cwd), OC_WEBHOOK_URL: shop.url, OC_WEBHOOK_SECRET: secret });
      const res = await signedCreate(server.url, JSON.stringify({ amount: '2.00', currency: 'USD' }));
      expect(res.status).toBe(200);
      const { order } = (await res.json()) as { order: { id: string } };
      // The delivery task looks every 2 s and records the shop's answer; the test's own timeout bounds the wait.
      const succeeded = () => server.deps.store.listDeliveries({ status: 'succeeded', limit: 5 });
      while ((await succeeded()).length === 0) await new Promise((r) => setTimeout(r, 50));
      expect(await succeeded()).toEqual([expect.objectContaining({ attempts: 1, url: shop.url, event: expect.objectContaining({ orderId: order.id }) })]);
      expect(shop.received.map((d) => JSON.parse(d.body) as unknown)).toEqual([expect.objectContaining({ type: 'order.created', data: expect.objectContaining({ orderId: order.id }) })]);
    } finally {
      await shop.close();
    }
  });
});

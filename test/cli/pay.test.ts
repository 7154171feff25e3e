// `pay` against the real development server (first-run identities in a temp folder) with `listen` as the shop:
// each outcome's verdict, status and the notification listen verifies.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/index.ts';
import type { CliIO } from '../../src/cli/io.ts';
import { startListener } from '../../src/cli/listen.ts';
import type { DevIdentity } from '../../src/identity.ts';
import { startNode, type RunningServer } from '../../src/runtime/node.ts';
import { freePort } from '../helpers/http-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'oc-pay-'));
const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const TOKEN = randomBytes(16).toString('hex');
const shop: string[] = [];
let server: RunningServer;
let closeShop: () => Promise<void>;

beforeAll(async () => {
  const io: CliIO = { out: (t) => shop.push(t), err: (t) => shop.push(`ERR ${t}`), env: {}, cwd: dir };
  const l = await startListener({ host: '127.0.0.1', port: 0, secrets: [new Webhook(SECRET)], io });
  closeShop = l.close;
  const env = { OC_ENV: 'development', OC_PORT: '0', OC_LOG_LEVEL: 'silent', OC_CURRENCIES: 'USD,EUR', OC_WEBHOOK_URL: l.url, OC_WEBHOOK_SECRET: SECRET, OC_ADMIN_TOKEN: TOKEN };
  server = await startNode({ env, cwd: dir, print: () => undefined });
});
afterAll(async () => {
  await server?.close();
  await closeShop?.();
  rmSync(dir, { recursive: true, force: true });
});

/** The CLI as a developer runs it beside the server: same folder, OC_PORT pointing at it. */
async function cli(args: string[], env: Record<string, string> = {}, cwd = dir) {
  const lines: string[] = [];
  const io: CliIO = { out: (t) => lines.push(t), err: (t) => lines.push(`ERR ${t}`), env: { OC_PORT: String(server.port), ...env }, cwd };
  const code = await main(args, io);
  return { code, text: lines.join('\n') };
}

async function newOrder(amount = '15.00', currency = 'USD'): Promise<string> {
  const r = await cli(['request', 'POST', '/orders/create', '--as', 'demo', '--body', JSON.stringify({ amount, currency })]);
  expect(r.code, r.text).toBe(0);
  return /"id": "(ord_[0-9a-f]+)"/.exec(r.text)![1]!;
}

/** Waits (no timing assertion) until listen has printed a verified `type` delivery for the order. */
const notified = (type: string, orderId: string) =>
  vi.waitFor(() => expect(shop.join('\n')).toMatch(new RegExp(`${type.replace('.', '\\.')} +evt_\\S+ {2}verified\\n {2}data \\{"orderId":"${orderId}"`)), { timeout: 20_000, interval: 200 });

const admin = async (id: string) =>
  (await (await fetch(`${server.url}/admin/orders/${id}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as {
    status: string;
    flags: { paidLate: boolean; paymentMismatch: boolean };
    proofs: Array<{ form: string; issuer: number; senderOcid: number; verdict: string; proof: { amount: string; to: { reference: string } } }>;
  };

describe('pay <order-id>', () => {
  it('pays a pending order as the development issuer (form B): accepted, paid, and listen verifies order.paid', async () => {
    const id = await newOrder();
    const r = await cli(['pay', id]);
    expect(r.code, r.text).toBe(0);
    expect(r.text).toContain(`order ${id}: 15.00 USD, pending, merchant OCID 500`);
    expect(r.text).toContain('proof (form B) signed by issuer (OCID 100):');
    expect(r.text).toMatch(/^verdict: +accepted$/m);
    expect(r.text).toMatch(/^order status: paid \(txid cli_[0-9a-f]{24}\)$/m);
    expect(r.text).toMatch(/^notification: order\.paid /m);
    const o = await admin(id);
    expect(o.status).toBe('paid');
    expect(o.proofs).toMatchObject([{ form: 'B', issuer: 100, senderOcid: 100, verdict: 'accepted', proof: { amount: '15.00', to: { reference: id } } }]);
    await notified('order.paid', id);
  });

  it('--form A signs the top-level form, which the server matches and stores', async () => {
    const id = await newOrder();
    expect((await cli(['pay', id, '--form', 'A'])).code).toBe(0);
    expect((await admin(id)).proofs[0]!.form).toBe('A');
  });

  it('--amount: 400 AMOUNT_MISMATCH, exit 1, order still pending, order.payment_mismatch', async () => {
    const id = await newOrder();
    const r = await cli(['pay', id, '--amount', '1.00']);
    expect(r.code).toBe(1);
    expect(r.text).toMatch(/^verdict: +AMOUNT_MISMATCH \(proof amount 1\.00 does not match the order\)$/m);
    expect(r.text).toMatch(/^order status: pending$/m);
    expect(r.text).toMatch(/^notification: order\.payment_mismatch /m);
    expect((await admin(id)).flags.paymentMismatch).toBe(true);
    await notified('order.payment_mismatch', id);
  });

  it('--currency: 400 CURRENCY_MISMATCH, order.payment_mismatch', async () => {
    const id = await newOrder();
    const r = await cli(['pay', id, '--currency', 'EUR']);
    expect(r.code).toBe(1);
    expect(r.text).toMatch(/^verdict: +CURRENCY_MISMATCH /m);
    await notified('order.payment_mismatch', id);
  });

  it('--late on a pending order: cancelled first through the admin API, then paid late (200, status kept, order.paid_late)', async () => {
    const id = await newOrder();
    const r = await cli(['pay', id, '--late'], { OC_ADMIN_TOKEN: TOKEN });
    expect(r.code, r.text).toBe(0);
    expect(r.text).toContain(`order ${id} was pending: cancelled it first (POST /admin/orders/${id}/cancel) so this payment arrives late`);
    expect(r.text).toMatch(/^verdict: +accepted$/m);
    expect(r.text).toMatch(/^order status: cancelled$/m);
    expect(r.text).toMatch(/^notification: order\.paid_late /m);
    expect((await admin(id)).flags.paidLate).toBe(true);
    await notified('order.cancelled', id);
    await notified('order.paid_late', id);
  });

  it('--late on a pending order without OC_ADMIN_TOKEN: exit 2 naming the setting, order untouched', async () => {
    const id = await newOrder();
    const r = await cli(['pay', id, '--late']);
    expect(r.code).toBe(2);
    expect(r.text).toMatch(/--late: order \S+ is still pending; .*needs the server's OC_ADMIN_TOKEN/);
    expect((await admin(id)).status).toBe('pending');
  });

  it('--late on a paid order: exit 2', async () => {
    const id = await newOrder();
    await cli(['pay', id]);
    const r = await cli(['pay', id, '--late'], { OC_ADMIN_TOKEN: TOKEN });
    expect(r.code).toBe(2);
    expect(r.text).toMatch(/--late: order \S+ is already paid/);
  });

  it('paying twice: the second payment is accepted, flagged, and sent as order.payment_mismatch', async () => {
    const id = await newOrder();
    await cli(['pay', id]);
    const r = await cli(['pay', id]);
    expect(r.code).toBe(0);
    expect(r.text).toMatch(/^notification: order\.payment_mismatch /m);
    expect((await admin(id)).flags.paymentMismatch).toBe(true);
  });

  it('--ocid with --key-file signs as any issuer (here the development one, from a .env-style file)', async () => {
    const ids = JSON.parse(readFileSync(join(dir, 'data/dev-identities.json'), 'utf8')) as DevIdentity[];
    writeFileSync(join(dir, 'issuer.env'), `OC_PRIVATE_KEY=${ids.find((i) => i.name === 'issuer')!.privateKey}\n`);
    const id = await newOrder();
    const r = await cli(['pay', id, '--ocid', '100', '--key-file', 'issuer.env']);
    expect(r.code, r.text).toBe(0);
    expect(r.text).toContain('proof (form B) signed by OCID 100:');
  });

  it('a key that is not the issuer\'s: the server answers INVALID_SIGNATURE, exit 1, order still pending', async () => {
    const id = await newOrder();
    const r = await cli(['pay', id, '--ocid', '100', '--key', '77'.repeat(32)]);
    expect(r.code).toBe(1);
    expect(r.text).toMatch(/^verdict: +INVALID_SIGNATURE /m);
    expect(r.text).toMatch(/^order status: pending$/m);
  });

  it('an unknown order: exit 1 with the 404 answer', async () => {
    const r = await cli(['pay', 'ord_nope']);
    expect(r.code).toBe(1);
    expect(r.text).toContain(`ERR pay: order ord_nope: GET http://127.0.0.1:${server.port}/opencharge/orders/ord_nope answered 404`);
  });

  it('no server there: "cannot reach <url> (connection refused)"', async () => {
    const port = await freePort();
    const r = await cli(['pay', 'ord_x'], { OC_PORT: String(port) });
    expect(r.code).toBe(1);
    expect(r.text).toBe(`ERR pay: cannot reach http://127.0.0.1:${port}/opencharge/orders/ord_x (connection refused)`);
  });

  it('no development identities (the server never ran here) and no --ocid: exit 2 saying how to get them', async () => {
    const r = await cli(['pay', 'ord_x'], {}, mkdtempSync(join(dir, 'empty-')));
    expect(r.code).toBe(2);
    expect(r.text).toMatch(/--as: no development identities at \S+dev-identities\.json \(start the server once in development mode, or give --ocid with --key-file\)/);
  });
});

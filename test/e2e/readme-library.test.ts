// The README's "Use as a library" and "Use the kit in your test suite" examples, as written, in a fresh folder where
// `opencharge-merchant` is installed (a link to this checkout's built package): the shop mounting the merchant, node:http,
// Bun.serve, the client paying an order, the protocol calls, and the kit under vitest and node:test. Only ports change.
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUN, runToExit, startServerProcess } from '../helpers/serve-process.ts';
import { freePort } from '../helpers/http-server.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'oc-readme-lib-'));
const children: ChildProcess[] = [];

function section(title: string): string {
  const at = README.indexOf(`\n## ${title}\n`);
  expect(at, title).toBeGreaterThan(0);
  return README.slice(at, README.indexOf('\n## ', at + 1));
}
const blocks = (text: string) => [...text.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);
const library = blocks(section('Use as a library'));
const suite = blocks(section('Use the kit in your test suite'));

let shopPort = 0;
let httpPort = 0;
const withPorts = (code: string) => code.replace(/\b3000\b/g, String(shopPort)).replace(/\b3001\b/g, String(httpPort));
const write = (name: string, code: string) => writeFileSync(join(dir, name), withPorts(code));
const env = () => {
  const e: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('OC_') && !k.startsWith('VITEST') && k !== 'NODE_OPTIONS') e[k] = v;
  return e;
};
const node = (file: string, ...args: string[]) => ({ argv: [process.execPath, ...args, join(dir, file)], env: env(), cwd: dir });

beforeAll(async () => {
  shopPort = await freePort();
  httpPort = await freePort();
  // The folder as `npm install opencharge-merchant hono @hono/node-server vitest` leaves it (links to this checkout).
  mkdirSync(join(dir, 'node_modules/@hono'), { recursive: true });
  symlinkSync(ROOT, join(dir, 'node_modules/opencharge-merchant'), 'dir');
  for (const pkg of ['hono', '@hono/node-server', 'vitest']) symlinkSync(join(ROOT, 'node_modules', pkg), join(dir, 'node_modules', pkg), 'dir');
  writeFileSync(join(dir, 'package.json'), '{ "name": "my-shop", "private": true, "type": "module" }\n');
});
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('README: Use as a library', () => {
  it('has the examples this test runs', () => {
    expect(library).toHaveLength(4);
    expect(suite).toHaveLength(2);
    for (const entry of ["from 'opencharge-merchant'", "from 'opencharge-merchant/client'", "from 'opencharge-merchant/protocol'"]) expect(library.join('\n')).toContain(entry);
    expect(suite.join('\n')).toContain("from 'opencharge-merchant/conformance'");
  });

  it('the shop mounts the merchant; the client creates, verifies and pays an order; onOrderPaid fires', { timeout: 120_000 }, async () => {
    write('shop.mjs', library[0]!);
    const shop = await startServerProcess({ ...node('shop.mjs'), ready: /shop listening on http:\/\/127\.0\.0\.1:(\d+)/ });
    children.push(shop.child);
    expect(await (await fetch(`http://127.0.0.1:${shopPort}/`)).text()).toBe('my shop');

    write('client.mjs', library[2]!);
    const client = await runToExit(node('client.mjs'));
    expect(client.code, client.output).toBe(0);
    const id = /^order (ord_\w+) for 15\.00 EUR, signed and verified: (\S+)$/m.exec(client.stdout);
    expect(id, client.output).not.toBeNull();
    expect(id![2]).toBe(`http://127.0.0.1:${shopPort}/opencharge/orders/${id![1]}`);
    expect(client.stdout).toMatch(/^status: paid$/m);
    expect(client.stdout).toMatch(/^refused: 400 CURRENCY_MISMATCH \{"accepted":\["USD","EUR"\]\}$/m);
    await expect.poll(() => shop.stdout()).toContain(`paid: ${id![1]} 15.00 EUR`);
  });

  it('the kit runs inside vitest and node:test against that shop', { timeout: 180_000 }, async () => {
    write('conformance.node-test.mjs', suite[1]!);
    const nodeTest = await runToExit(node('conformance.node-test.mjs', '--test', '--test-reporter=tap'));
    expect(nodeTest.code, nodeTest.output).toBe(0);
    expect(nodeTest.stdout).toMatch(/^ok \d+ - orders\.create — /m);
    expect(nodeTest.stdout).toMatch(/^# fail 0$/m);
    expect(Number(/^# pass (\d+)$/m.exec(nodeTest.stdout)?.[1])).toBeGreaterThanOrEqual(8);

    write('conformance.test.mjs', suite[0]!);
    const vitest = await runToExit({ ...node('conformance.test.mjs'), env: { ...env(), NO_COLOR: '1', FORCE_COLOR: '0' }, argv: [process.execPath, join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--root', dir, '--reporter=verbose', 'conformance.test.mjs'] });
    expect(vitest.code, vitest.output).toBe(0);
    expect(vitest.output).toMatch(/✓ conformance\.test\.mjs > orders\.create — /);
    expect(vitest.output).toMatch(/Tests +\d+ passed/);
  });

  it('merchant.fetch behind node:http answers /healthz and the metadata', { timeout: 60_000 }, async () => {
    write('http.mjs', library[1]!);
    const server = await startServerProcess({ ...node('http.mjs'), ready: /node:http listening on (\d+)/ });
    children.push(server.child);
    expect(await (await fetch(`http://127.0.0.1:${httpPort}/healthz`)).json()).toEqual({ status: 'ok' });
    const meta = (await (await fetch(`http://127.0.0.1:${httpPort}/opencharge/metadata.json`)).json()) as { config: { endpoint: string } };
    expect(meta.config.endpoint).toBe(`http://127.0.0.1:${httpPort}/opencharge`);
    server.child.kill('SIGTERM');
  });

  it.skipIf(!existsSync(BUN))('Bun.serve({ fetch: merchant.fetch }) serves it on Bun', { timeout: 60_000 }, async () => {
    const line = /`Bun\.serve\(\{ port: 3000, fetch: merchant\.fetch \}\)`/.exec(section('Use as a library'));
    expect(line).not.toBeNull();
    const port = await freePort();
    writeFileSync(
      join(dir, 'bun.mjs'),
      "import { createMerchant } from 'opencharge-merchant';\n" +
        `const merchant = await createMerchant({ settings: { OC_PUBLIC_URL: 'http://127.0.0.1:${port}', OC_DATABASE_URL: 'file:./data/bun.db', OC_LOG_LEVEL: 'warn' } });\n` +
        `Bun.serve({ port: ${port}, hostname: '127.0.0.1', fetch: merchant.fetch });\nconsole.log('bun listening on ${port}');\n`,
    );
    const bun = await startServerProcess({ argv: [BUN, join(dir, 'bun.mjs')], env: env(), cwd: dir, ready: /bun listening on (\d+)/ });
    children.push(bun.child);
    expect(await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()).toEqual({ status: 'ok' });
    bun.child.kill('SIGTERM');
  });

  it('the protocol example signs and verifies a canonical request', async () => {
    write('protocol.mjs', library[3]!);
    const r = await runToExit(node('protocol.mjs'));
    expect(r.code, r.output).toBe(0);
    expect(r.stdout.trim()).toBe(`${JSON.stringify('200\n1706500000\nreq_0123\nGET\n/opencharge/capabilities\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')} 130 true`);
  });
});

// The server as a user runs it: first run with no configuration, the `request` command, kill -9, restart, SIGTERM.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/index.ts';
import { serveProcess, startServerProcess, type Running } from '../helpers/serve-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'oc-e2e-'));
const env = { ...process.env, OC_PORT: '0', OC_LOG_LEVEL: 'warn', OC_ENV: 'development' } as Record<string, string>;
for (const k of Object.keys(env)) if (k.startsWith('OC_') && !['OC_PORT', 'OC_LOG_LEVEL', 'OC_ENV'].includes(k)) delete env[k];

const startServer = () => startServerProcess({ env: { OC_ENV: 'development' }, cwd: dir, timeoutMs: 20_000 });

function capture() {
  const lines: string[] = [];
  return { lines, io: { out: (t: string) => lines.push(t), err: (t: string) => lines.push(`ERR ${t}`), env, cwd: dir } };
}

let server: Running;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => {
  server?.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('first run, request command, durability', () => {
  let orderId: string;
  let orderBody: string;

  it('starts with no configuration: creates ./data, a development key and reports it loudly', () => {
    const out = server.output();
    expect(out).toMatch(/DEVELOPMENT KEY/);
    expect(out).toMatch(/OCID\s+500/);
    expect(out).toMatch(/public key\s+[0-9a-f]{128}/);
    expect(out).toMatch(/crypto backend\s+(native|noble)/);
    expect(out).toMatch(/database\s+sqlite file:\.\/data\/opencharge\.db/);
    expect(existsSync(join(dir, 'data/opencharge.db'))).toBe(true);
    expect(existsSync(join(dir, 'data/dev-peers.json'))).toBe(true);
  });

  it('the request command creates a real signed order and verifies both signatures', async () => {
    const c = capture();
    const code = await main(
      ['request', 'POST', '/orders/create', '--as', 'demo', '--body', '{"amount":"15.00","currency":"USD"}', '--url', `http://127.0.0.1:${server.port}`],
      c.io,
    );
    const text = c.lines.join('\n');
    expect(code, text).toBe(0);
    expect(text).toContain('< 200');
    expect(text).toContain('response signature: valid');
    expect(text).toContain('order signature:    valid');
    orderId = /"id": "(ord_[0-9a-f]+)"/.exec(text)![1]!;
    orderBody = await (await fetch(`http://127.0.0.1:${server.port}/opencharge/orders/${orderId}`)).text();
    expect(JSON.parse(orderBody).order.id).toBe(orderId);
  });

  it('the request command reports a bad identity clearly', async () => {
    const c = capture();
    expect(await main(['request', 'GET', '/capabilities', '--as', 'nobody', '--url', `http://127.0.0.1:${server.port}`], c.io)).toBe(2);
    expect(c.lines.join('\n')).toMatch(/unknown identity 'nobody'/);
  });

  it('keeps orders across a killed process and reuses the development key', async () => {
    const keyBefore = /public key\s+([0-9a-f]{128})/.exec(server.output())![1];
    server.child.kill('SIGKILL');
    await new Promise((r) => server.child.once('exit', r));
    server = await startServer();
    expect(/public key\s+([0-9a-f]{128})/.exec(server.output())![1]).toBe(keyBefore);
    const again = await (await fetch(`http://127.0.0.1:${server.port}/opencharge/orders/${orderId}`)).text();
    expect(again).toBe(orderBody);
    expect(JSON.parse(readFileSync(join(dir, 'data/dev-identities.json'), 'utf8'))).toHaveLength(3);
  });

  it('stops cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((r) => server.child.once('exit', (code) => r(code)));
    server.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(server.output()).toMatch(/received SIGTERM/);
    expect(server.output()).toMatch(/stopped/);
  });
});

describe('production safety', () => {
  it('refuses to start in production without a key, naming the setting', async () => {
    const { code, stdout, stderr } = await serveProcess({ env: { OC_ENV: 'production', OC_OCID: '500' }, cwd: dir });
    const out = stdout + stderr;
    expect(code).toBe(1);
    expect(out).toMatch(/OC_PRIVATE_KEY/);
  });
});

// Logs of the real server process: pino JSON lines on stderr (banner on stdout), or pino-pretty with OC_LOG_FORMAT=pretty.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = resolve(__dirname, '../../bin/opencharge-merchant.mjs');
const dir = mkdtempSync(join(tmpdir(), 'oc-logs-e2e-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL'); // a test that failed half-way
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `serve` with `extra`, makes two requests, stops it with SIGTERM; returns what it wrote where. */
async function serveOnce(extra: Record<string, string>): Promise<{ stdout: string; stderr: string; code: number | null }> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('OC_')) env[k] = v;
  Object.assign(env, { OC_PORT: '0', OC_ENV: 'development', OC_LOG_LEVEL: 'info', OC_ADMIN_TOKEN: 'admin-token-for-the-log-test', ...extra });
  const child = spawn(process.execPath, [BIN, 'serve'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const closed = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
  const port = await new Promise<number>((resolvePort, reject) => {
    child.stdout.on('data', (d) => {
      stdout += d;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout);
      if (m && stdout.includes('gateways')) resolvePort(Number(m[1]));
    });
    void closed.then((code) => reject(new Error(`server exited with ${code}:\n${stdout}\n${stderr}`)));
  });
  expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  const admin = await fetch(`http://127.0.0.1:${port}/admin/orders`, { headers: { authorization: 'Bearer admin-token-for-the-log-test', cookie: 'oc_console=abc' } });
  expect(admin.status).toBe(200);
  child.kill('SIGTERM');
  const code = await closed; // 'close': every byte of both pipes has been read
  return { stdout, stderr, code };
}

describe('serve: where logs go and what they look like', () => {
  it('json (default): only pino lines on stderr, one access line per request with its reqId; the banner stays on stdout', async () => {
    const { stdout, stderr, code } = await serveOnce({});
    expect(code).toBe(0);
    expect(stdout).toMatch(/opencharge-merchant listening on/);
    expect(stdout).toMatch(/received SIGTERM[\s\S]*stopped/);
    expect(stdout).not.toContain('"level"');
    const lines = stderr.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const l of lines) expect(l).toMatchObject({ level: expect.any(Number), time: expect.any(Number), pid: expect.any(Number), hostname: expect.any(String), msg: expect.any(String) });
    const access = lines.filter((l) => l.msg === 'request');
    expect(access.map((l) => [l.method, l.path, l.status])).toEqual([
      ['GET', '/healthz', 200],
      ['GET', '/admin/orders', 200],
    ]);
    expect(new Set(access.map((l) => l.reqId)).size).toBe(2);
    expect(stderr).not.toContain('admin-token-for-the-log-test');
  });

  it('pretty: pino-pretty lines for a developer, not JSON', async () => {
    const { stderr, code } = await serveOnce({ OC_LOG_FORMAT: 'pretty' });
    expect(code).toBe(0);
    expect(stderr).toMatch(/INFO.*: request/);
    expect(stderr).toMatch(/path: "\/healthz"/);
    expect(stderr).toMatch(/reqId: "[0-9a-f]{8}-\w+"/);
    expect(stderr.split('\n').some((l) => l.startsWith('{'))).toBe(false);
  });

  it('refuses an unknown OC_LOG_FORMAT, naming the setting', async () => {
    const child = spawn(process.execPath, [BIN, 'serve'], { cwd: dir, env: { ...process.env, OC_PORT: '0', OC_LOG_FORMAT: 'xml' }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    expect(await new Promise((r) => child.once('close', r))).not.toBe(0);
    expect(out).toMatch(/OC_LOG_FORMAT/);
  });
});

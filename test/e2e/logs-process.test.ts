// Logs of the real server process: pino JSON lines on stderr (banner on stdout), or pino-pretty with OC_LOG_FORMAT=pretty.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serveProcess, startServerProcess } from '../helpers/serve-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'oc-logs-e2e-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL'); // a test that failed half-way
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `serve` with `extra`, makes two requests, stops it with SIGTERM; returns what it wrote where. */
async function serveOnce(extra: Record<string, string>): Promise<{ stdout: string; stderr: string; code: number | null }> {
  const server = await startServerProcess({ env: { OC_ENV: 'development', OC_LOG_LEVEL: 'info', OC_ADMIN_TOKEN: 'admin-token-for-the-log-test', ...extra }, cwd: dir });
  const { child, port } = server;
  children.push(child);
  expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  const admin = await fetch(`http://127.0.0.1:${port}/admin/orders`, { headers: { authorization: 'Bearer admin-token-for-the-log-test', cookie: 'oc_console=abc' } });
  expect(admin.status).toBe(200);
  child.kill('SIGTERM');
  return server.closed; // 'close': every byte of both pipes has been read
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
    const { code, stdout, stderr } = await serveProcess({ env: { OC_LOG_FORMAT: 'xml' }, cwd: dir });
    const out = stdout + stderr;
    expect(code).not.toBe(0);
    expect(out).toMatch(/OC_LOG_FORMAT/);
  });
});

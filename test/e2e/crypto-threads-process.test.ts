// The compiled server (`serve` from dist/, as a user runs it) with its signing and verifying on crypto threads: the
// banner says how many, the built thread entry (dist/crypto/pool-worker.js) loads, and orders come out signed;
// SIGTERM still ends the process cleanly with the threads running.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/index.ts';
import { startServerProcess, type Running } from '../helpers/serve-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'oc-threads-'));
let server: Running;
beforeAll(async () => {
  server = await startServerProcess({ env: { OC_ENV: 'development', OC_CRYPTO: 'noble', OC_CRYPTO_THREADS: '2', OC_LOG_LEVEL: 'warn' }, cwd: dir, timeoutMs: 20_000 });
});
afterAll(() => {
  server?.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

it('names its crypto threads in the banner', () => {
  expect(server.output()).toMatch(/crypto backend\s+noble \(OC_CRYPTO=noble\); 2 crypto threads \(OC_CRYPTO_THREADS=2\)/);
});

it('creates orders whose answer and order signatures verify, with no thread falling back', async () => {
  for (let i = 0; i < 3; i++) {
    const lines: string[] = [];
    const io = { out: (t: string) => lines.push(t), err: (t: string) => lines.push(`ERR ${t}`), env: {}, cwd: dir };
    const code = await main(['request', 'POST', '/orders/create', '--as', 'demo', '--body', `{"amount":"${i + 1}.00","currency":"USD"}`, '--url', server.base], io);
    const text = lines.join('\n');
    expect(code, text).toBe(0);
    expect(text).toContain('response signature: valid');
    expect(text).toContain('order signature:    valid');
  }
  expect(server.output()).not.toMatch(/crypto thread (could not start|stopped)/);
});

it('stops cleanly on SIGTERM', async () => {
  const exited = new Promise<number | null>((r) => server.child.once('exit', (code) => r(code)));
  server.child.kill('SIGTERM');
  expect(await exited).toBe(0);
});

// The Bun entry under real Bun: serves on port 0, picks its crypto backend, and never loads better-sqlite3.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadNativeBackend } from '../../src/crypto/native.ts';
import { listenBun } from '../../src/runtime/bun.ts';

function nativeLoads(): boolean {
  try {
    loadNativeBackend();
    return true;
  } catch {
    return false;
  }
}

it('starts the whole server on bun:sqlite + Bun.serve without loading better-sqlite3 or @hono/node-server', () => {
  // A fresh process: this test file's own imports must not mask what the runtime path loads.
  const run = spawnSync(process.execPath, [join(import.meta.dirname, 'bun-path-probe.ts')], { encoding: 'utf8', timeout: 20_000 });
  expect(run.status, run.stderr).toBe(0);
  const report = JSON.parse(run.stdout.trim().split('\n').pop()!) as {
    status: number;
    port: number;
    dialect: string;
    backend: string;
    banner: string[];
    loaded: string[];
  };
  expect(report.loaded).toEqual([]);
  expect(report.dialect).toBe('sqlite');
  expect(report.status).toBe(404);
  expect(report.port).toBeGreaterThan(0);
  expect(report.banner).toContain(`opencharge-merchant listening on http://127.0.0.1:${report.port}/opencharge`);
  // OC_CRYPTO=auto: the secp256k1 N-API addon works in Bun, so auto must pick it whenever it loads here.
  expect(report.backend).toBe(nativeLoads() ? 'native' : 'noble');
  expect(report.banner.join('\n')).toMatch(report.backend === 'native' ? /crypto backend\s+native libsecp256k1 \(OC_CRYPTO=auto\)/ : /crypto backend\s+noble/);
});

it('close() stops accepting but lets an in-flight request finish', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let entered!: () => void;
  const inside = new Promise<void>((r) => (entered = r));
  const listener = await listenBun(
    async () => {
      entered();
      await gate;
      return new Response('done');
    },
    '127.0.0.1',
    0,
  );
  const url = `http://127.0.0.1:${listener.port}/`;
  const inflight = fetch(url).then(async (r) => [r.status, await r.text()] as const);
  await inside;
  let closed = false;
  const closing = listener.close().then(() => (closed = true));
  await new Promise((r) => setTimeout(r, 50));
  expect(closed).toBe(false);
  await expect(fetch(url)).rejects.toThrow();
  release();
  expect(await inflight).toEqual([200, 'done']);
  await closing;
  expect(closed).toBe(true);
});

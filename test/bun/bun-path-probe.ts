// Run by runtime.bun-test.ts in a fresh Bun process: starts the Bun entry, answers one request, reports what loaded.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBun } from '../../src/runtime/bun.ts';

const dir = mkdtempSync(join(tmpdir(), 'oc-bun-probe-'));
const lines: string[] = [];
const server = await startBun({
  cwd: dir,
  print: (l) => lines.push(l),
  env: {
    OC_PORT: '0',
    OC_ENV: 'production',
    OC_OCID: '500',
    OC_PRIVATE_KEY: '1'.repeat(64),
    OC_PUBLIC_URL: 'https://pay.shop.example',
    OC_ACCEPTS: '100',
    OC_REGISTRY_URL: 'https://registry.example/{ocid}.json',
    OC_DATABASE_URL: 'file:./data/probe.db',
    OC_LOG_LEVEL: 'warn',
  },
});
const res = await fetch(`${server.url}/opencharge/orders/ord_missing/status`);
const report = {
  status: res.status,
  port: server.port,
  dialect: server.deps.store.dialect,
  backend: server.deps.backend.name,
  banner: lines,
  // require.cache lists every module Bun loaded, ESM included.
  loaded: Object.keys(require.cache).filter((k) => /better-sqlite3|@hono[\\/]node-server/.test(k)),
};
await server.close();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(JSON.stringify(report) + '\n');

// The app assembled the way `serve` assembles it (config → store → buildDeps → createApp with every route group), on a temp SQLite file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config.ts';
import { openStore } from '../../src/store/open.ts';
import { buildDeps } from '../../src/deps.ts';
import { createApp } from '../../src/http/app.ts';
import { extraRouteGroups, extraTasks } from '../../src/runtime/extensions.ts';
import { createMemoryLogger } from '../../src/log.ts';
import { canonicalRequest } from '../../src/protocol/canonical.ts';
import { signCanonical } from '../../src/protocol/signature.ts';
import { nobleBackend } from '../../src/protocol/noble.ts';
import { CALLER, CALLER_OCID, ISSUER, ISSUER_OCID, MERCHANT_OCID, T0 } from './harness.ts';
import type { PeerEntry } from '../../src/peers/index.ts';

export const ADMIN_TOKEN = 'admin-token-0123456789abcdef';

/** The peers file lists the caller 200 and the issuer 100 with their static keys unless `peers` says otherwise. */
export async function productionApp(env: Record<string, string> = {}, peers?: PeerEntry[]) {
  const dir = mkdtempSync(join(tmpdir(), 'oc-prod-'));
  const peersFile = join(dir, 'peers.json');
  writeFileSync(peersFile, JSON.stringify(peers ?? [{ ocid: CALLER_OCID, publicKey: CALLER.pub }, { ocid: ISSUER_OCID, publicKey: ISSUER.pub }]));
  const config = loadConfig({
    OC_ENV: 'test',
    OC_OCID: String(MERCHANT_OCID),
    OC_PRIVATE_KEY: '11'.repeat(32),
    OC_DATABASE_URL: `file:${join(dir, 'app.db')}`,
    OC_ACCEPTS: String(ISSUER_OCID),
    OC_PUBLIC_URL: 'https://pay.shop.example',
    OC_PEERS_FILE: peersFile,
    ...env,
  });
  const store = await openStore(config.databaseUrl, { cwd: dir });
  const clock = { now: T0 };
  const log = createMemoryLogger();
  const { deps } = buildDeps(config, store, { fetch: globalThis.fetch, now: () => clock.now, randomBytes: (n) => new Uint8Array(randomBytes(n)), log, cwd: dir });
  const app = createApp(deps, extraRouteGroups(deps));
  let nonces = 0;
  /** A signed request (default: as the caller 200), through app.request. */
  const signed = (method: string, path: string, body = '', as: { ocid: number; key: Uint8Array } = { ocid: CALLER_OCID, key: CALLER.priv }) => {
    const nonce = `n_${process.pid}_${++nonces}_${randomBytes(4).toString('hex')}`;
    const parts = { ocid: String(as.ocid), timestamp: String(clock.now), nonce, method, path, body };
    const headers = { 'X-OC-ID': parts.ocid, 'X-OC-Timestamp': parts.timestamp, 'X-OC-Nonce': nonce, 'X-OC-Signature': signCanonical(nobleBackend, as.key, canonicalRequest(parts)), 'content-type': 'application/json' };
    return app.request(path, { method, headers, body: method === 'GET' ? undefined : body });
  };
  const admin = (path: string, body?: unknown) =>
    app.request(path, { method: body === undefined ? 'GET' : 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return {
    app,
    deps,
    config,
    clock,
    log,
    signed,
    admin,
    /** The background tasks `serve` would run, to run by hand. */
    task: (name: string) => extraTasks(deps).find((t) => t.name === name)!,
    async close() {
      await deps.limits.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

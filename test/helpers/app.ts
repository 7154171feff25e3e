// The one way tests build the server: the production assembly (assembleServer) with test effects injected, on a temp SQLite file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadConfig, type Config } from '../../src/config.ts';
import { openStore } from '../../src/store/open.ts';
import { assembleServer, type Server, type ServerDeps } from '../../src/assemble.ts';
import type { AppOptions } from '../../src/http/app.ts';
import type { RateLimits } from '../../src/rate-limit/limits.ts';
import type { PeerEntry } from '../../src/peers/index.ts';
import type { Store } from '../../src/store/types.ts';
import { createMemoryLogger } from '../../src/log.ts';

export const T0 = 1_800_000_000;

export interface TestServerOptions extends AppOptions {
  /** OC_* settings (OC_DATABASE_URL defaults to a file in `dir`). */
  env: Record<string, string>;
  /** Written to a peers file named by OC_PEERS_FILE. */
  peers?: PeerEntry[];
  /** Written to a file named by OC_INVENTORY_FILE. */
  inventory?: unknown;
  /** The folder of the database and those files (default: a fresh temp folder, removed by close()). */
  dir?: string;
  /** Limits in a shared store (default: in memory, from the config). */
  limits?: (config: Config) => RateLimits;
  /** What the server sends with (gateways, issuers' /verify is the resolver's, webhook delivery): globalThis.fetch by default. */
  fetch?: typeof globalThis.fetch;
  /** The remaining test seams of the production deps (a backend, resolver settings, the /verify bound). */
  seams?: Pick<ServerDeps, 'backend' | 'resolver' | 'verifyTimeoutMs'>;
}

export interface TestServer extends Server {
  config: Config;
  store: Store;
  dir: string;
  /** The server's clock (Unix seconds): tests move it. */
  clock: { now: number };
  log: ReturnType<typeof createMemoryLogger>;
  /** A background task of the scheduler, by name, to run by hand (the scheduler itself is not started). */
  task(name: string): Server['scheduler']['tasks'][number];
  close(): Promise<void>;
}

export async function buildTestServer(o: TestServerOptions): Promise<TestServer> {
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'oc-test-'));
  const files: Record<string, string> = {};
  if (o.peers) {
    files.OC_PEERS_FILE = join(dir, 'peers.json');
    writeFileSync(files.OC_PEERS_FILE, JSON.stringify(o.peers));
  }
  if (o.inventory !== undefined) {
    files.OC_INVENTORY_FILE = join(dir, 'inventory.json');
    writeFileSync(files.OC_INVENTORY_FILE, JSON.stringify(o.inventory));
  }
  const config = loadConfig({ OC_DATABASE_URL: `file:${join(dir, 'test.db')}`, ...o.env, ...files });
  const store = await openStore(config.databaseUrl, { cwd: dir });
  const clock = { now: T0 };
  const log = createMemoryLogger();
  let server: Server;
  try {
    server = assembleServer(
      config,
      {
        store,
        fetch: o.fetch ?? globalThis.fetch,
        now: () => clock.now,
        randomBytes: (n) => new Uint8Array(randomBytes(n)),
        log,
        cwd: dir,
        limits: o.limits?.(config),
        ...o.seams,
      },
      { socketAddress: o.socketAddress, probes: o.probes },
    );
  } catch (err) {
    await store.close();
    throw err;
  }
  return {
    ...server,
    config,
    store,
    dir,
    clock,
    log,
    task: (name) => {
      const t = server.scheduler.tasks.find((x) => x.name === name);
      if (!t) throw new Error(`no background task named ${name}: ${server.scheduler.tasks.map((x) => x.name).join(', ')}`);
      return t;
    },
    async close() {
      await server.scheduler.stop();
      await server.deps.cryptoPool.close();
      await server.deps.limits.close();
      await store.close();
      if (!o.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

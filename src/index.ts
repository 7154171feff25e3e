// `opencharge-merchant`: createMerchant(options), the production server as a library. The same assembly as
// `opencharge-merchant serve` (config → store → assembleServer: deps, app, scheduler; src/assemble.ts), to mount in
// a shop's own Hono app, behind node:http / Express, in Bun.serve, or listening on its own.
import { Hono } from 'hono';
import { assembleServer, type Server } from './assemble.ts';
import { boundConfig, type Config, type RawSettings } from './config.ts';
import { createLogger, type Logger } from './log.ts';
import { loadConfigFromEnv } from './runtime/config-file.ts';
import { openLimits, type FetchHandler, type Listener } from './runtime/start.ts';
import { checkListenHost, listenError } from './runtime/listen-errors.ts';
import { pooledRandomBytes } from './runtime/random.ts';
import { storeWithHooks, type MerchantHooks } from './library/hooks.ts';
import type { AppEnv } from './http/context.ts';
import type { RateLimits } from './rate-limit/limits.ts';
import type { Store } from './store/types.ts';

export type { MerchantHooks } from './library/hooks.ts';
export type { Config } from './config.ts';
export type { Logger } from './log.ts';
export type { OrderRecord, Store } from './store/types.ts';
export type { EventType, OrderStatus } from './orders/types.ts';

type SettingValue<T> = T extends number ? number | `${number}` : T extends '0' | '1' | 'true' | 'false' ? boolean | T : T;

/** The OC_* settings (README, Configuration), typed: `{ OC_PORT: 0, OC_ALLOW_HTTP_PEERS: true, OC_CURRENCIES: 'USD,EUR' }`. */
export type MerchantSettings = { [K in keyof RawSettings]?: SettingValue<RawSettings[K]> };

export interface MerchantOptions extends MerchantHooks {
  /** OC_* settings; they win over `env`. */
  settings?: MerchantSettings;
  /**
   * Where settings not in `settings` come from, read like the server reads its environment (gateway settings
   * such as OC_COINGATE_TOKEN too). Default: process.env. Pass `{}` to use only `settings` (and a `.env` in `cwd`).
   */
  env?: Record<string, string | undefined>;
  /** A store you opened (you close it); else `databaseUrl`, else OC_DATABASE_URL is opened (and closed by stop()). */
  store?: Store;
  /** Shorthand for settings.OC_DATABASE_URL: `file:./data/shop.db`, `postgres://…`. */
  databaseUrl?: string;
  /** Relative paths (SQLite file, key file, peers file) resolve against it; its `.env` is read. Default process.cwd(). */
  cwd?: string;
  /** Default: a pino logger at OC_LOG_LEVEL in OC_LOG_FORMAT on stderr. */
  log?: Logger;
  /** Run the background tasks (expiry sweep, reconciliation, notification delivery). Default true. */
  background?: boolean;
}

export interface Merchant {
  /** The merchant's routes as a Hono app: `shop.route('/opencharge', merchant.app)`, at its OC_BASE_PATH (default /opencharge). */
  app: Hono<AppEnv>;
  /** The whole server (/healthz, /readyz, the base path, /admin, /console, /metrics) as a fetch handler. */
  fetch: FetchHandler;
  /** The settings in force (secrets redacted in JSON). */
  readonly config: Config;
  readonly ocid: number;
  readonly publicKey: string;
  /** Listens on OC_HOST:OC_PORT (Bun.serve on Bun, @hono/node-server on Node); resolves with the address. */
  start(): Promise<{ url: string; port: number }>;
  /** Stops listening (if started), finishes in-flight requests, stops the background tasks, closes the store it opened. */
  stop(): Promise<void>;
}

function settingsEnv(settings: MerchantSettings = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(settings)) if (v !== undefined) env[k] = typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
  return env;
}

const isBun = () => typeof (globalThis as { Bun?: unknown }).Bun !== 'undefined';

async function openRuntimeStore(url: string, opts: { cwd: string; poolSize: number }): Promise<Store> {
  // Loaded on demand: Bun uses bun:sqlite, Node better-sqlite3 (a PostgreSQL URL loads postgres.js on either).
  if (isBun()) return (await import('./store/open-bun.ts')).openStoreBun(url, opts);
  return (await import('./store/open.ts')).openStore(url, opts);
}

async function listenRuntime(fetch: FetchHandler, host: string, port: number): Promise<Listener> {
  if (isBun()) return (await import('./runtime/bun.ts')).listenBun(fetch, host, port);
  return (await import('./runtime/node.ts')).listenNode(fetch, host, port);
}

export async function createMerchant(options: MerchantOptions = {}): Promise<Merchant> {
  const cwd = options.cwd ?? process.cwd();
  const env = { ...(options.env ?? process.env), ...settingsEnv(options.settings), ...(options.databaseUrl ? { OC_DATABASE_URL: options.databaseUrl } : {}) };
  const loaded = loadConfigFromEnv(env, cwd);
  const log = options.log ?? createLogger({ level: loaded.logLevel, format: loaded.logFormat });
  const ownStore = !options.store;
  const store = options.store ?? (await openRuntimeStore(loaded.databaseUrl, { cwd, poolSize: loaded.databasePoolSize }));
  let limits: RateLimits | undefined;
  try {
    limits = await openLimits(loaded, store);
  } catch (err) {
    if (ownStore) await store.close();
    throw err;
  }
  const hooked = storeWithHooks(store, options, log);
  const randomBytes = pooledRandomBytes();

  // Built for the configured port; start() on OC_PORT=0 without OC_PUBLIC_URL rebuilds them for the port bound.
  const build = (config: Config) =>
    assembleServer(config, { store: hooked, fetch: globalThis.fetch, now: () => Math.floor(Date.now() / 1000), randomBytes, log, cwd, limits });
  let current: Server;
  try {
    current = build(boundConfig(loaded, loaded.port));
  } catch (err) {
    await limits?.close();
    if (ownStore) await store.close();
    throw err;
  }
  const startTasks = () => {
    if (options.background !== false) current.scheduler.start();
  };
  startTasks();
  let listener: Listener | undefined;
  let stopping: Promise<void> | undefined;

  const fetch: FetchHandler = (request, env) => current.app.fetch(request, env);
  // Mounted with shop.route(prefix, app): the request keeps its full path (the signed request-target includes the
  // base path), so the prefix must be the merchant's OC_BASE_PATH; the whole app answers it.
  const app = new Hono<AppEnv>();
  app.all('*', (c) => current.app.fetch(c.req.raw, c.env));

  return {
    app,
    fetch,
    get config() {
      return current.deps.config;
    },
    get ocid() {
      return current.deps.merchant.ocid;
    },
    get publicKey() {
      return current.deps.merchant.publicKeyHex;
    },
    async start() {
      if (listener) throw new Error('createMerchant: start() was called twice');
      const { host, port } = current.deps.config;
      await checkListenHost(host);
      listener = await listenRuntime(fetch, host, port).catch((err: unknown) => {
        throw listenError(err, host, port);
      });
      if (listener.port !== port && loaded.publicUrlSource !== 'OC_PUBLIC_URL') {
        await current.scheduler.stop();
        await current.deps.cryptoPool.close();
        current = build(boundConfig(loaded, listener.port));
        startTasks();
      }
      const url = `http://${host.includes(':') ? `[${host}]` : host}:${listener.port}`;
      log.info('opencharge-merchant listening', { url: url + current.deps.config.basePath, ocid: current.deps.merchant.ocid });
      return { url, port: listener.port };
    },
    stop() {
      stopping ??= (async () => {
        await listener?.close();
        await current.scheduler.stop();
        await current.deps.cryptoPool.close();
        await current.deps.limits.close();
        if (ownStore) await store.close();
      })();
      return stopping;
    },
  };
}

// What every runtime entry shares: config → store → listen → assembleServer (deps, app, scheduler), the banner, clean close.
import { assembleServer, type Server } from '../assemble.ts';
import { createLogger, type Logger } from '../log.ts';
import { loadConfigFromEnv } from './config-file.ts';
import { checkListenHost, listenError } from './listen-errors.ts';
import { boundConfig, type Config } from '../config.ts';
import type { OrderDeps } from '../orders/deps.ts';
import type { OpenOptions } from '../store/open.ts';
import type { Store } from '../store/types.ts';
import { maskDbUrl } from '../store/db-url.ts';
import { pooledRandomBytes } from './random.ts';
import type { RateLimits } from '../rate-limit/limits.ts';

/** On PostgreSQL the limits live in the database, so they hold across instances; on SQLite, in memory. */
export async function openLimits(config: Config, store: Store): Promise<RateLimits | undefined> {
  if (store.dialect !== 'postgres') return undefined;
  // Loaded on demand, like the store: a SQLite deployment never loads the PostgreSQL driver.
  const { openPgRateLimits } = await import('../rate-limit/pg.ts');
  return openPgRateLimits(config);
}

function describeLimits(config: Config, dialect: Store['dialect']): string {
  const one = (r: Config['rateLimit']) => (r ? `${r.rate}/s (burst ${r.burst})` : 'off');
  const where = dialect === 'postgres' ? 'shared in PostgreSQL' : 'in memory, this instance';
  return `per caller ${one(config.rateLimit)}, per address ${one(config.rateLimitIp)}, ${where}`;
}

export interface RunningServer {
  url: string;
  port: number;
  deps: OrderDeps;
  close(): Promise<void>;
}

export interface StartOptions {
  env: Record<string, string | undefined>;
  cwd: string;
  log?: Logger;
  /** Printed banner lines (stdout by default). */
  print?: (line: string) => void;
}

export type FetchHandler = (request: Request, env?: unknown) => Response | Promise<Response>;

/** A bound HTTP server: its real port (OC_PORT=0 picks one) and a close that lets in-flight requests finish. */
export interface Listener {
  port: number;
  close(): Promise<void>;
}

/** The two things that differ per runtime. */
export interface RuntimeParts {
  openStore: (url: string, opts: OpenOptions) => Promise<Store>;
  listen: (fetch: FetchHandler, hostname: string, port: number) => Promise<Listener>;
}

export async function startRuntime(o: StartOptions & RuntimeParts): Promise<RunningServer> {
  const loaded = loadConfigFromEnv(o.env, o.cwd);
  const log = o.log ?? createLogger({ level: loaded.logLevel, format: loaded.logFormat });
  const print = o.print ?? ((l: string) => process.stdout.write(l + '\n'));
  await checkListenHost(loaded.host);
  const store = await o.openStore(loaded.databaseUrl, { cwd: o.cwd, poolSize: loaded.databasePoolSize });
  let limits: RateLimits | undefined;
  try {
    limits = await openLimits(loaded, store);
  } catch (err) {
    await store.close();
    throw err;
  }
  // The app is built once the port is bound: OC_PORT=0 and the default public URL (signed into metadata.json and
  // every order) need the real one. Only synchronous steps separate the two, so nothing is served half-built.
  let handle: FetchHandler = () => new Response('starting', { status: 503 });
  let listener: Listener;
  try {
    listener = await o.listen((request, env) => handle(request, env), loaded.host, loaded.port).catch((err: unknown) => {
      throw listenError(err, loaded.host, loaded.port);
    });
  } catch (err) {
    await limits?.close();
    await store.close();
    throw err;
  }
  const config = boundConfig(loaded, listener.port);
  let built: Server;
  try {
    built = assembleServer(config, {
      store,
      fetch: globalThis.fetch,
      now: () => Math.floor(Date.now() / 1000),
      randomBytes: pooledRandomBytes(),
      log,
      cwd: o.cwd,
      limits,
    });
  } catch (err) {
    await listener.close();
    await limits?.close();
    await store.close();
    throw err;
  }
  const { deps, identity, backendNote, app, scheduler } = built;
  handle = app.fetch;
  const { port } = listener;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  scheduler.start();

  for (const note of identity.devNotes) print(`!! ${note}`);
  print(`opencharge-merchant listening on ${url}${config.basePath}`);
  for (const line of bannerLines(config)) print(line);
  print(`  OCID             ${identity.ocid}`);
  print(`  public key       ${identity.publicKeyHex}`);
  print(`  crypto backend   ${backendNote}; ${threadsNote(config, deps.cryptoPool.threads)}`);
  print(`  database         ${store.dialect} ${maskDbUrl(config.databaseUrl)}`);
  print(`  rate limits      ${describeLimits(config, store.dialect)}`);
  print(`  gateways         ${[...deps.gateways.keys()].join(', ') || 'none enabled'}`);

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    deps,
    close() {
      // Stop accepting, let in-flight requests finish, then stop workers and close the database.
      closing ??= (async () => {
        await listener.close();
        await scheduler.stop();
        await deps.cryptoPool.close();
        await deps.limits.close();
        await store.close();
      })();
      return closing;
    },
  };
}

/** Where the public URL, the settings and the console are: what a new user needs to check first. */
function bannerLines(config: Config): string[] {
  const { envFile, envFileIgnored, configFile } = config.sources;
  const ignored = envFileIgnored.length > 0 ? `; ignored, not OC_* settings: ${envFileIgnored.join(', ')}` : '';
  return [
    `  public base URL  ${config.publicBaseUrl}${config.publicUrlSource === 'bound address' ? ' (the address bound; set OC_PUBLIC_URL if clients use another)' : ''}`,
    `  .env             ${envFile ? `${envFile} (the environment wins over it${ignored})` : 'no .env in the working directory'}`,
    ...(configFile ? [`  OC_CONFIG        ${configFile}`] : []),
    config.adminToken ? `  console          ${config.publicUrl}/console` : '  console off: set OC_ADMIN_TOKEN (16+ characters) to open the shop console at /console',
  ];
}

/** Resolves with the first of SIGTERM/SIGINT after announcing it (what `serve` and the Bun entry print). */
export function waitForStopSignal(print: (line: string) => void): Promise<string> {
  return new Promise((resolve) => {
    const on = (signal: string) => () => {
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      print(`received ${signal}: finishing in-flight requests and closing the database`);
      resolve(signal);
    };
    const onTerm = on('SIGTERM');
    const onInt = on('SIGINT');
    process.once('SIGTERM', onTerm);
    process.once('SIGINT', onInt);
  });
}

/** How many crypto threads sign and verify for the hot path, and which setting said so. */
function threadsNote(config: Config, threads: number): string {
  const where = threads === 0 ? 'signing on the event loop' : `${threads} crypto thread${threads === 1 ? '' : 's'}`;
  return `${where} (OC_CRYPTO_THREADS=${config.cryptoThreads})`;
}

// The Node entry: config → store (better-sqlite3) → deps → app → HTTP server, with a clean shutdown.
import { randomBytes } from 'node:crypto';
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from '../http/app.ts';
import { buildDeps } from '../deps.ts';
import { createLogger, type Logger } from '../log.ts';
import { openStore } from '../store/open.ts';
import { loadConfigFromEnv } from './config-file.ts';
import { startBackground, coreTasks } from './background.ts';
import { extraRouteGroups, extraTasks } from './extensions.ts';
import type { OrderDeps } from '../orders/deps.ts';

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

export async function startNode(o: StartOptions): Promise<RunningServer> {
  const config = loadConfigFromEnv(o.env, o.cwd);
  const log = o.log ?? createLogger(config.logLevel);
  const print = o.print ?? ((l: string) => process.stdout.write(l + '\n'));
  const store = await openStore(config.databaseUrl, { cwd: o.cwd });
  let built;
  try {
    built = buildDeps(config, store, {
      fetch: globalThis.fetch,
      now: () => Math.floor(Date.now() / 1000),
      randomBytes: (n) => new Uint8Array(randomBytes(n)),
      log,
      cwd: o.cwd,
    });
  } catch (err) {
    await store.close();
    throw err;
  }
  const { deps, identity, backendNote } = built;
  const app = createApp(deps, extraRouteGroups(deps));
  const server: ServerType = await new Promise((resolveServer, reject) => {
    const s = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, () => resolveServer(s));
    s.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  const background = startBackground(deps, [...coreTasks(deps), ...extraTasks(deps)]);

  for (const note of identity.devNotes) print(`!! ${note}`);
  print(`opencharge-merchant listening on ${url}${config.basePath}`);
  print(`  public base URL  ${config.publicBaseUrl}`);
  print(`  OCID             ${identity.ocid}`);
  print(`  public key       ${identity.publicKeyHex}`);
  print(`  crypto backend   ${backendNote}`);
  print(`  database         ${store.dialect} ${config.databaseUrl.replace(/\/\/[^@]*@/, '//***@')}`);
  print(`  gateways         ${[...deps.gateways.keys()].join(', ') || 'none enabled'}`);

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    deps,
    close() {
      // Stop accepting, let in-flight requests finish, then stop workers and close the database.
      closing ??= (async () => {
        await new Promise<void>((r) => server.close(() => r()));
        await background.stop();
        await store.close();
      })();
      return closing;
    },
  };
}

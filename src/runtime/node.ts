// The Node entry: better-sqlite3 store and @hono/node-server; everything else is shared in start.ts.
import { serve, type ServerType } from '@hono/node-server';
import { openStore } from '../store/open.ts';
import { startRuntime, type FetchHandler, type Listener, type RunningServer, type StartOptions } from './start.ts';

export type { RunningServer, StartOptions } from './start.ts';

/** Binds @hono/node-server; close() stops accepting and waits for in-flight requests. */
export async function listenNode(fetch: FetchHandler, hostname: string, port: number): Promise<Listener> {
  const server: ServerType = await new Promise((resolveServer, reject) => {
    const s = serve({ fetch, hostname, port }, () => resolveServer(s));
    s.once('error', reject);
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export function startNode(o: StartOptions): Promise<RunningServer> {
  return startRuntime({ ...o, openStore, listen: listenNode });
}

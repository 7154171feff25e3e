// Real 127.0.0.1 HTTP servers for the peers tests; each records the paths it was asked for.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Closers of the servers still open; tests close them after each case. */
export const open: Array<() => Promise<void>> = [];

export async function startServer(handler: Handler) {
  const paths: string[] = [];
  const server = createServer((req, res) => {
    paths.push(req.url ?? '');
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  open.push(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));
  return { base, paths, server };
}

export const closeServers = () => Promise.all(open.splice(0).map((c) => c()));

// Real 127.0.0.1 HTTP servers for the peers tests; each records the paths it was asked for and counts its connections.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Closers of the servers still open; tests close them after each case. */
export const open: Array<() => Promise<void>> = [];

export async function startServer(handler: Handler) {
  const paths: string[] = [];
  // TCP connections, TLS attempts included: proof that a refused fetch never reached the server.
  const seen = { connections: 0 };
  const server = createServer((req, res) => {
    paths.push(req.url ?? '');
    handler(req, res);
  });
  server.on('connection', () => seen.connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;
  open.push(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));
  return { base, port, paths, server, connections: () => seen.connections };
}

export const closeServers = () => Promise.all(open.splice(0).map((c) => c()));

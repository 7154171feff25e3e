// Real HTTP servers on 127.0.0.1 at a free port for tests: a node:http handler, a fetch handler (a Hono app), or a free port.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Closers of the `startServer` servers still open; tests close them after each case. */
export const open: Array<() => Promise<void>> = [];

/** Drops kept-alive connections, then closes: a test never waits for a client's idle socket. */
export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.closeAllConnections();
    server.close((err) => (err ? reject(err) : resolve()));
  });
}

/** A node:http handler on a free port; it records the paths it was asked for and counts its connections. */
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
  const closer = () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); });
  open.push(closer);
  /** Closes this one now (a test that does not use `closeServers`). */
  const close = () => {
    open.splice(open.indexOf(closer) >>> 0, 1);
    return closer();
  };
  return { base, port, paths, server, close, connections: () => seen.connections };
}

export const closeServers = () => Promise.all(open.splice(0).map((c) => c()));

export interface Served {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  port: number;
  close(): Promise<void>;
}

/** A fetch handler (a Hono app's `fetch`) on 127.0.0.1, at `port` or a free one. */
export function serveFetch(handler: Parameters<typeof serve>[0]['fetch'], port = 0): Promise<Served> {
  return new Promise((resolve) => {
    const s = serve({ fetch: handler, port, hostname: '127.0.0.1' }, (info) =>
      resolve({ origin: `http://127.0.0.1:${info.port}`, port: info.port, close: () => closeServer(s as Server) }),
    );
  });
}

/** A port nothing listens on (it was free a moment ago): for "connection refused" cases and servers started on a fixed port. */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** A request's whole body as text. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => resolve(body));
  });
}

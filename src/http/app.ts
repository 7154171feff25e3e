// createApp(deps): the whole HTTP surface (every route group), runtime-neutral (Node, Bun and tests use the same app).
import { Hono } from 'hono';
import { limitBody } from './middleware/body-limit.ts';
import { closeUnreadBodies } from './middleware/connection-close.ts';
import { limitAddress } from './middleware/rate-limit.ts';
import { createClientAddress, runtimeSocketAddress, type SocketAddress } from './client-address.ts';
import { countRequests } from './middleware/request-metrics.ts';
import type { AppEnv } from './context.ts';
import type { OrderDeps } from '../orders/deps.ts';
import { storeReady } from '../orders/queries.ts';
import { bytesToHex } from '../protocol/hex.ts';
import { jsonText, notFound, onError } from './errors.ts';
import { publicRoutes } from './routes/public.ts';
import { signedRoutes, SIGNED_PATHS } from './routes/signed.ts';
import { adminRoutes } from './routes/admin.ts';
import { callbackRoutes } from './routes/callbacks.ts';
import { consoleRoutes } from './routes/console/index.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { openapiRoutes } from './routes/openapi.ts';

/** A path longer than this is cut in the access line (a client controls it). */
const MAX_LOGGED_PATH = 256;

/** A route group mounted under the base path (OC_BASE_PATH) or at the root. */
export type RouteGroup = { path: 'base' | 'root'; app: Hono<AppEnv> };

export interface AppOptions {
  /** Where the socket peer's address comes from: the runtime's env by default; tests may inject one. */
  socketAddress?: SocketAddress;
  /** Tests only: probe routes mounted after every real one, behind the same middleware. Production passes none. */
  probes?: (deps: OrderDeps) => RouteGroup[];
}

/** Every route group of the server, in mounting order: the protocol routes are mounted before these. */
function routeGroups(deps: OrderDeps): RouteGroup[] {
  return [
    { path: 'root', app: adminRoutes(deps) },
    { path: 'base', app: callbackRoutes(deps) },
    { path: 'root', app: consoleRoutes(deps) },
    { path: 'root', app: metricsRoutes(deps) },
    { path: 'base', app: openapiRoutes(deps) },
  ];
}

/** Probes of an orchestrator, outside the per-address limit. */
const OPS_PATHS = new Set(['/healthz', '/readyz']);

export function createApp(deps: OrderDeps, opts: AppOptions = {}): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('*', countRequests(deps.metrics)); // first: it times and counts every answer, 413s and 404s included
  // Request ids correlate an INTERNAL answer with its log lines: a random per-process prefix and a counter.
  const idPrefix = bytesToHex(deps.randomBytes(4));
  let requests = 0;
  app.use('*', (c, next) => {
    const reqId = `${idPrefix}-${(++requests).toString(36)}`;
    c.set('requestId', reqId);
    const started = performance.now();
    // Every line logged while the request runs carries its reqId; the access line closes it (after onError, if any).
    return deps.log.withFields({ reqId }, async () => {
      await next();
      deps.log.info('request', {
        method: c.req.method,
        path: c.req.path.slice(0, MAX_LOGGED_PATH), // the path only: a query may carry a callback token
        status: c.res.status,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
      });
    });
  });
  app.use('*', closeUnreadBodies);
  const socketAddress = opts.socketAddress ?? runtimeSocketAddress;
  const clientAddress = createClientAddress(deps.config.trustedProxies);
  app.use('*', async (c, next) => {
    c.set('clientAddress', clientAddress(socketAddress(c.req.raw, c.env), c.req.header('x-forwarded-for')));
    await next();
  });
  // Signed routes apply these limits themselves, after their response signer, so that a 413 or 429 is signed too.
  const signedPaths = new Set(SIGNED_PATHS.map((p) => (deps.config.basePath || '') + p));
  const perAddress = limitAddress(deps.limits.address);
  app.use('*', (c, next) => (signedPaths.has(c.req.path) || OPS_PATHS.has(c.req.path) ? next() : perAddress(c, next)));
  app.use('*', (c, next) => (signedPaths.has(c.req.path) ? next() : limitBody(c, next)));

  // Operations, outside the base path. HEAD is answered by the GET handlers.
  app.get('/healthz', () => jsonText('{"status":"ok"}', 200, { 'cache-control': 'no-store' }));
  app.get('/readyz', async () =>
    (await storeReady(deps))
      ? jsonText('{"status":"ready"}', 200, { 'cache-control': 'no-store' })
      : jsonText('{"status":"unavailable"}', 503, { 'cache-control': 'no-store' }),
  );

  const groups = [...routeGroups(deps), ...(opts.probes?.(deps) ?? [])];
  const base = new Hono<AppEnv>();
  base.route('/', publicRoutes(deps));
  base.route('/', signedRoutes(deps));
  for (const g of groups) if (g.path === 'base') base.route('/', g.app);
  app.route(deps.config.basePath || '/', base);
  for (const g of groups) if (g.path === 'root') app.route('/', g.app);

  app.notFound(notFound);
  app.onError(onError(deps.log));
  return app;
}

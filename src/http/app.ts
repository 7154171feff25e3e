// createApp(deps): the whole HTTP surface (every route group), runtime-neutral (Node, Bun and tests use the same app).
import { Hono } from 'hono';
import { limitBody } from './middleware/body-limit.ts';
import { addressLimit } from './middleware/rate-limit.ts';
import { observeRequests } from './middleware/observe.ts';
import { createClientAddress, runtimeSocketAddress, type SocketAddress } from './client-address.ts';
import type { AppEnv } from './context.ts';
import type { OrderDeps } from '../orders/deps.ts';
import { storeReady } from '../orders/queries.ts';
import { jsonText, notFound, onError } from './errors.ts';
import { publicRoutes } from './routes/public.ts';
import { signedRoutes, SIGNED_PATHS } from './routes/signed.ts';
import { adminRoutes } from './routes/admin.ts';
import { callbackRoutes } from './routes/callbacks.ts';
import { consoleRoutes } from './routes/console/index.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { openapiRoutes } from './routes/openapi.ts';

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
  app.use('*', observeRequests(deps)); // first: request id, access line, metrics, Connection: close
  const socketAddress = opts.socketAddress ?? runtimeSocketAddress;
  const clientAddress = createClientAddress(deps.config.trustedProxies);
  // Signed routes apply these limits themselves, after their response signer, so that a 413 or 429 is signed too.
  const signedPaths = new Set(SIGNED_PATHS.map((p) => (deps.config.basePath || '') + p));
  const perAddress = addressLimit(deps.limits.address);
  // One layer before routing: who is calling, then, outside the signed routes, the per-address limit (not for
  // an orchestrator's probes) and the body limit.
  app.use('*', async (c, next) => {
    c.set('clientAddress', clientAddress(socketAddress(c.req.raw, c.env), c.req.header('x-forwarded-for')));
    const path = c.req.path;
    if (signedPaths.has(path)) return next();
    const limited = OPS_PATHS.has(path) ? undefined : await perAddress(c);
    return limited ?? limitBody(c, next);
  });

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

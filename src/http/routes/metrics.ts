// GET /metrics (Prometheus text format): public with OC_METRICS=1, else behind the admin token, else not served (404).
import { Hono } from 'hono';
import type { AppEnv } from '../context.ts';
import type { Config } from '../../config.ts';
import type { OrderDeps } from '../../orders/deps.ts';
import { requireAdmin } from '../middleware/admin-auth.ts';

export type MetricsAccess = 'public' | 'admin' | 'off';

export function metricsAccess(config: Pick<Config, 'publicMetrics' | 'adminToken'>): MetricsAccess {
  return config.publicMetrics ? 'public' : config.adminToken ? 'admin' : 'off';
}

export function metricsRoutes(deps: OrderDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const access = metricsAccess(deps.config);
  if (access === 'off') return app;
  const { registry } = deps.metrics;
  if (access === 'admin') app.use('/metrics', requireAdmin(deps.config.adminToken, deps.limits.login));
  app.get('/metrics', async () => new Response(await registry.metrics(), { headers: { 'content-type': registry.contentType, 'cache-control': 'no-store' } }));
  return app;
}

// Counts and times every request by method, route pattern and status (GET /metrics); first middleware of the app.
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Metrics } from '../../metrics/metrics.ts';

/** Any other method is counted as OTHER: label values stay a short, fixed list whatever clients send. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export function countRequests(m: Metrics): MiddlewareHandler {
  return async (c, next) => {
    const end = m.httpDuration.startTimer();
    await next();
    // The last pattern that matched is the handler's (`/opencharge/orders/:id`), never the raw path: bounded
    // cardinality. Only the app-wide middleware (`/*`) matching means no route did.
    const pattern = routePath(c, -1);
    const route = pattern === '/*' || pattern === '' ? 'unmatched' : pattern;
    const method = METHODS.has(c.req.method) ? c.req.method : 'OTHER';
    m.httpRequests.inc({ method, route, status: String(c.res.status) });
    end({ method, route });
  };
}

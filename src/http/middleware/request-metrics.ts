// Counts and times every request by method, route pattern and status (GET /metrics); called by observe.ts.
import type { Context } from 'hono';
import { routePath } from 'hono/route';
import type { Metrics } from '../../metrics/metrics.ts';

/** Any other method is counted as OTHER: label values stay a short, fixed list whatever clients send. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Records one answered request that took `seconds`. */
export function requestCounter(m: Metrics): (c: Context, seconds: number) => void {
  return (c, seconds) => {
    // The last pattern that matched is the handler's (`/opencharge/orders/:id`), never the raw path: bounded
    // cardinality. Only the app-wide middleware (`/*`) matching means no route did.
    const pattern = routePath(c, -1);
    const route = pattern === '/*' || pattern === '' ? 'unmatched' : pattern;
    const method = METHODS.has(c.req.method) ? c.req.method : 'OTHER';
    m.httpRequests.inc({ method, route, status: String(c.res.status) });
    m.httpDuration.observe({ method, route }, seconds);
  };
}

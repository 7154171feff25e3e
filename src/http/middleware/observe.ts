// Around every answer, in one layer (each hono middleware layer is an async frame per request): the request id
// and its log scope, the access line, the Prometheus count and timing, and `Connection: close` on an unread body.
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.ts';
import type { OrderDeps } from '../../orders/deps.ts';
import { bytesToHex } from '../../protocol/hex.ts';
import { closeUnreadBody } from './connection-close.ts';
import { requestCounter } from './request-metrics.ts';

/** A path longer than this is cut in the access line (a client controls it). */
const MAX_LOGGED_PATH = 256;

/** The app's first middleware: it sees every answer, 404s, 413s and errors turned into 500s included. */
export function observeRequests(deps: Pick<OrderDeps, 'log' | 'metrics' | 'randomBytes'>): MiddlewareHandler<AppEnv> {
  // Request ids correlate an INTERNAL answer with its log lines: a random per-process prefix and a counter.
  const idPrefix = bytesToHex(deps.randomBytes(4));
  let requests = 0;
  const count = requestCounter(deps.metrics);
  return (c, next) => {
    const reqId = `${idPrefix}-${(++requests).toString(36)}`;
    c.set('requestId', reqId);
    const started = performance.now();
    const received = c.req.raw;
    // Every line logged while the request runs carries its reqId; the access line closes it (after onError, if any).
    return deps.log.withFields({ reqId }, async () => {
      await next();
      closeUnreadBody(c, received);
      const ms = performance.now() - started;
      count(c, ms / 1000);
      deps.log.info('request', {
        method: c.req.method,
        path: c.req.path.slice(0, MAX_LOGGED_PATH), // the path only: a query may carry a callback token
        status: c.res.status,
        durationMs: Math.round(ms * 10) / 10,
      });
    });
  };
}

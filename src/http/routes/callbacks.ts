// Public gateway callbacks at {public base}/callbacks/{gateway id}.
import { Hono } from 'hono';
import type { AppEnv } from '../context.ts';
import type { OrderDeps } from '../../orders/deps.ts';
import { handleGatewayCallback } from '../../orders/gateway-callback.ts';
import { requestTarget } from '../middleware/signature.ts';
import { failureResponse } from '../errors.ts';

export function callbackRoutes(deps: OrderDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.on(['GET', 'POST'], '/callbacks/:gateway', async (c) => {
    const headers: Record<string, string> = {};
    c.req.raw.headers.forEach((v, k) => (headers[k.toLowerCase()] = v));
    const res = await handleGatewayCallback(deps, c.req.param('gateway'), {
      method: c.req.method,
      target: requestTarget(c.req.raw, c.env),
      headers,
      body: c.req.method === 'GET' ? '' : await c.req.text(),
    });
    if (!res.ok) return failureResponse(res);
    return new Response(res.value.body, { status: res.value.status, headers: { 'content-type': res.value.contentType } });
  });
  return app;
}

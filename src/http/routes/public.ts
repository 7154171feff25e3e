// Public routes (PROFILE §2): metadata.json, orders and their status, inventory.
import { Hono } from 'hono';
import type { AppEnv } from '../context.ts';
import type { OrderDeps } from '../../orders/deps.ts';
import { buildMetadata } from '../../orders/metadata.ts';
import { statusBody } from '../../orders/get-order.ts';
import { getOrder } from '../../orders/queries.ts';
import { errorResponse, jsonText } from '../errors.ts';

export function publicRoutes(deps: OrderDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const metadata = buildMetadata(deps);
  const inventory = deps.inventory ? JSON.stringify(deps.inventory.document) : undefined;

  app.get('/metadata.json', () => jsonText(metadata, 200, { 'cache-control': 'public, max-age=300' }));
  app.get('/inventory', () =>
    inventory ? jsonText(inventory) : errorResponse('CAPABILITY_NOT_SUPPORTED', 'this merchant publishes no inventory'),
  );
  app.get('/orders/:id/status', async (c) => {
    const order = await getOrder(deps, c.req.param('id'));
    if (!order) return errorResponse('ORDER_NOT_FOUND', 'Order not found');
    return jsonText(statusBody(order, deps.now()), 200, { 'cache-control': 'no-store' });
  });
  app.get('/orders/:id', async (c) => {
    const order = await getOrder(deps, c.req.param('id'));
    if (!order) return errorResponse('ORDER_NOT_FOUND', 'Order not found');
    return jsonText(order.responseBody);
  });
  return app;
}

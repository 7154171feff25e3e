// GET {base}/openapi.json: the OpenAPI 3.1 document of this server, built once from its configuration.
import { Hono } from 'hono';
import type { AppEnv } from '../context.ts';
import type { OrderDeps } from '../../orders/deps.ts';
import { buildOpenApi } from '../openapi/document.ts';
import { jsonText } from '../errors.ts';

export function openapiRoutes(deps: OrderDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const document = JSON.stringify(buildOpenApi(deps));
  app.get('/openapi.json', () => jsonText(document, 200, { 'cache-control': 'public, max-age=300' }));
  return app;
}

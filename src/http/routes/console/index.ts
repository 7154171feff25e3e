// consoleRoutes(deps): the merchant console under /console, behind the admin token (a 404 page saying so without one).
import { Hono } from 'hono';
import type { AppEnv } from '../../context.ts';
import type { OrderDeps } from '../../../orders/deps.ts';
import type { ConsoleEnv } from './env.ts';
import { deriveKeys } from './session.ts';
import { consoleOff, requireCsrf, requireSession, securityHeaders } from './guard.tsx';
import { loginRoutes } from './login.tsx';
import { ordersRoutes } from './orders.tsx';
import { orderDetailRoutes } from './order-detail.tsx';
import { posRoutes } from './pos.tsx';
import { kioskRoutes } from './kiosk.tsx';
import { liveRoutes } from './live.ts';

export function consoleRoutes(deps: OrderDeps): Hono<AppEnv> {
  const outer = new Hono<AppEnv>();
  const token = deps.config.adminToken;
  const app = new Hono<ConsoleEnv>();
  // '/console/*' also matches '/console' itself.
  app.use('/console/*', securityHeaders(deps.randomBytes, deps.config.name));
  if (!token) {
    app.all('/console/*', consoleOff);
    outer.route('/', app);
    return outer;
  }
  const keys = deriveKeys(token);
  app.use('/console/*', requireSession(keys, deps.now));
  app.use('/console/*', requireCsrf);
  app.route('/', loginRoutes(deps, keys, token));
  app.route('/', ordersRoutes(deps));
  app.route('/', orderDetailRoutes(deps));
  app.route('/', posRoutes(deps));
  app.route('/', kioskRoutes(deps));
  app.route('/', liveRoutes(deps));
  outer.route('/', app);
  return outer;
}

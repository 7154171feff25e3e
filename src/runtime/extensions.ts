// Route groups and background tasks added by the payment layers (admin API, expiry sweep, notifications).
import type { RouteGroup } from '../http/app.ts';
import type { Task } from './background.ts';
import type { OrderDeps } from '../orders/deps.ts';
import { adminRoutes } from '../http/routes/admin.ts';
import { sweepExpired } from '../orders/lifecycle.ts';

export function extraRouteGroups(deps: OrderDeps): RouteGroup[] {
  return [{ path: 'root', app: adminRoutes(deps) }];
}

export function extraTasks(deps: OrderDeps): Task[] {
  return [{ name: 'expiry sweep', everySeconds: deps.config.sweepInterval, run: () => sweepExpired(deps) }];
}

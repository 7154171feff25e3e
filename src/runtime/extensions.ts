// Route groups and background tasks added by the payment layers (webhook, admin API, gateways, notifications).
import type { RouteGroup } from '../http/app.ts';
import type { Task } from './background.ts';
import type { OrderDeps } from '../orders/deps.ts';

export function extraRouteGroups(_deps: OrderDeps): RouteGroup[] {
  return [];
}

export function extraTasks(_deps: OrderDeps): Task[] {
  return [];
}

// Route groups and background tasks added by the payment layers (admin API, console, metrics, OpenAPI, expiry sweep, notifications).
import type { RouteGroup } from '../http/app.ts';
import type { Task } from './background.ts';
import type { OrderDeps } from '../orders/deps.ts';
import { adminRoutes } from '../http/routes/admin.ts';
import { callbackRoutes } from '../http/routes/callbacks.ts';
import { consoleRoutes } from '../http/routes/console/index.ts';
import { metricsRoutes } from '../http/routes/metrics.ts';
import { openapiRoutes } from '../http/routes/openapi.ts';
import { reconcileCharges } from '../orders/reconcile-charges.ts';
import { sweepExpired } from '../orders/lifecycle.ts';
import { createDeliveryWorker, unitRandom } from '../notify/index.ts';

export function extraRouteGroups(deps: OrderDeps): RouteGroup[] {
  return [
    { path: 'root', app: adminRoutes(deps) },
    { path: 'base', app: callbackRoutes(deps) },
    { path: 'root', app: consoleRoutes(deps) },
    { path: 'root', app: metricsRoutes(deps) },
    { path: 'base', app: openapiRoutes(deps) },
  ];
}

export function extraTasks(deps: OrderDeps, fetchImpl: typeof fetch = globalThis.fetch): Task[] {
  const tasks: Task[] = [{ name: 'expiry sweep', everySeconds: deps.config.sweepInterval, run: () => sweepExpired(deps) }];
  if (deps.gateways.size > 0) tasks.push({ name: 'charge reconciliation', everySeconds: 60, run: () => reconcileCharges(deps, { limit: 20, pauseMs: 250 }) });
  if (deps.config.webhookUrl && deps.config.webhookSecrets.length > 0) {
    const worker = createDeliveryWorker({
      store: deps.store,
      fetch: fetchImpl,
      now: deps.now,
      random: unitRandom(deps.randomBytes),
      log: deps.log,
      secrets: deps.config.webhookSecrets,
      schedule: deps.config.webhookSchedule,
      concurrency: deps.config.webhookConcurrency,
      onOutcome: (outcome) => deps.metrics.webhookDeliveries.inc({ outcome }),
    });
    // Each run drains everything due; the interval is only how soon an idle worker looks again.
    tasks.push({ name: 'notification delivery', everySeconds: 2, run: () => worker.runOnce(), stop: () => worker.stop() });
  }
  return tasks;
}

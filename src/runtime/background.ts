// Every periodic task the server runs, built from its deps: one list, run by the one scheduler (src/scheduler.ts).
import type { OrderDeps } from '../orders/deps.ts';
import type { Task } from '../scheduler.ts';
import { reconcileCharges } from '../orders/reconcile-charges.ts';
import { sweepExpired } from '../orders/lifecycle.ts';
import { createDeliveryWorker, unitRandom } from '../notify/index.ts';

/** Nonce purge, expiry sweep, charge reconciliation (with a gateway), webhook delivery (with a webhook URL), sending through `fetch`. */
export function backgroundTasks(deps: OrderDeps, fetch: typeof globalThis.fetch): Task[] {
  const tasks: Task[] = [
    { name: 'nonce purge', everySeconds: 60, run: () => deps.store.purgeNonces(deps.now()) },
    { name: 'expiry sweep', everySeconds: deps.config.sweepInterval, run: () => sweepExpired(deps) },
  ];
  if (deps.gateways.size > 0) tasks.push({ name: 'charge reconciliation', everySeconds: 60, run: () => reconcileCharges(deps, { limit: 20, pauseMs: 250 }) });
  if (deps.config.webhookUrl && deps.config.webhookSecrets.length > 0) {
    const worker = createDeliveryWorker({
      store: deps.store,
      fetch,
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

// Periodic work started with the server: nonce purge (and later sweeps); stopped cleanly on shutdown.
import type { OrderDeps } from '../orders/deps.ts';

export interface Task {
  name: string;
  everySeconds: number;
  run: () => Promise<unknown>;
  /** Asks a long run to wrap up (finish what it started, take nothing new) before shutdown waits for it. */
  stop?: () => Promise<void>;
}

export interface Background {
  stop(): Promise<void>;
}

/** Runs each task on its own interval, never overlapping itself; errors are logged, not fatal. */
export function startBackground(deps: OrderDeps, tasks: Task[]): Background {
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<unknown>>();
  let stopped = false;
  for (const task of tasks) {
    let busy = false;
    const tick = () => {
      if (busy || stopped) return;
      busy = true;
      const p = task
        .run()
        .catch((err: unknown) => deps.log.error(`${task.name} failed`, { error: err instanceof Error ? err.message : String(err) }))
        .finally(() => {
          busy = false;
          running.delete(p);
        });
      running.add(p);
    };
    const t = setInterval(tick, task.everySeconds * 1000);
    t.unref();
    timers.push(t);
    queueMicrotask(tick);
  }
  return {
    async stop() {
      stopped = true;
      for (const t of timers) clearInterval(t);
      await Promise.allSettled([...tasks.map((t) => t.stop?.()), ...running]);
    },
  };
}

export function coreTasks(deps: OrderDeps): Task[] {
  return [{ name: 'nonce purge', everySeconds: 60, run: () => deps.store.purgeNonces(deps.now()) }];
}

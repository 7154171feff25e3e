// The one periodic runner: every background task (nonce purge, expiry sweep, reconciliation, webhook delivery) runs here.
import type { Logger } from './log.ts';

export interface Task {
  name: string;
  /** How often the task runs (fractions allowed); a run still going when the next is due is not doubled. */
  everySeconds: number;
  run: () => Promise<unknown>;
  /** Asks a long run to wrap up (finish what it started, take nothing new) before stop() waits for it. */
  stop?: () => Promise<void>;
}

export interface Scheduler {
  /** The tasks it runs, in order (tests run one by hand instead of starting the scheduler). */
  readonly tasks: readonly Task[];
  /** Runs each task at once, then on its interval, never overlapping itself; errors are logged, not fatal. */
  start(): void;
  /** Stops the timers, asks each task to wrap up, then waits for the runs in flight. */
  stop(): Promise<void>;
}

export function createScheduler(tasks: readonly Task[], log: Logger): Scheduler {
  for (const t of tasks) if (!Number.isFinite(t.everySeconds) || t.everySeconds <= 0) throw new Error(`${t.name}: the interval must be positive`);
  const timers: ReturnType<typeof setInterval>[] = [];
  const running = new Set<Promise<unknown>>();
  let state: 'idle' | 'started' | 'stopped' = 'idle';

  function schedule(task: Task): void {
    let busy = false;
    const tick = () => {
      if (busy || state !== 'started') return;
      busy = true;
      const p = task
        .run()
        .catch((err: unknown) => log.error(`${task.name} failed`, { error: err instanceof Error ? err.message : String(err) }))
        .finally(() => {
          busy = false;
          running.delete(p);
        });
      running.add(p);
    };
    const t = setInterval(tick, task.everySeconds * 1000);
    t.unref?.();
    timers.push(t);
    queueMicrotask(tick);
  }

  return {
    tasks,
    start() {
      if (state !== 'idle') throw new Error(state === 'started' ? 'scheduler: already started' : 'scheduler: stopped');
      state = 'started';
      for (const task of tasks) schedule(task);
    },
    async stop() {
      state = 'stopped';
      for (const t of timers) clearInterval(t);
      timers.length = 0;
      await Promise.allSettled([...tasks.map((t) => t.stop?.()), ...running]);
    },
  };
}

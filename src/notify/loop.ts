// Calls a run function every intervalMs without overlap; stop() waits for the run in flight.
import type { Logger } from '../log.ts';

export interface Loop {
  start(intervalMs: number): void;
  stop(): Promise<void>;
}

export function createLoop(name: string, run: () => Promise<unknown>, log: Logger): Loop {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let current: Promise<void> | undefined;
  let active = false;

  const tick = (intervalMs: number) => {
    timer = undefined;
    if (!active) return;
    // The next run is scheduled only after this one settles, so runs never overlap.
    current = run()
      .then(
        () => undefined,
        (err: unknown) => log.error(`${name} failed`, { error: err instanceof Error ? err.message : String(err) }),
      )
      .finally(() => {
        current = undefined;
        if (active) {
          timer = setTimeout(() => tick(intervalMs), intervalMs);
          timer.unref?.();
        }
      });
  };

  return {
    start(intervalMs) {
      if (!Number.isFinite(intervalMs) || intervalMs <= 0) throw new Error(`${name}: intervalMs must be positive`);
      if (active) throw new Error(`${name}: already started`);
      active = true;
      tick(intervalMs);
    },
    async stop() {
      active = false;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await current;
    },
  };
}

// Background tasks: each runs on its interval without overlapping itself; stop() asks long runs to wrap up, then waits.
import { describe, expect, it } from 'vitest';
import { startBackground } from '../../src/runtime/background.ts';
import { createMemoryLogger } from '../../src/log.ts';
import type { OrderDeps } from '../../src/orders/deps.ts';

describe('startBackground', () => {
  it("stop() calls each task's stop hook before waiting for its run (a draining run would otherwise never end)", async () => {
    const deps = { log: createMemoryLogger() } as unknown as OrderDeps;
    let release: () => void = () => undefined;
    let started: () => void = () => undefined;
    const running = new Promise<void>((r) => (started = r));
    const events: string[] = [];
    const bg = startBackground(deps, [
      {
        name: 'drain',
        everySeconds: 60,
        run: () => {
          events.push('run');
          started();
          return new Promise<void>((r) => (release = r)).then(() => void events.push('run ended'));
        },
        stop: async () => {
          events.push('stop asked');
          release();
        },
      },
    ]);
    await running;
    await bg.stop();
    expect(events).toEqual(['run', 'stop asked', 'run ended']);
  });
});

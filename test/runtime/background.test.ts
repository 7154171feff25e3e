// Background tasks: each runs on its interval without overlapping itself; stop() asks long runs to wrap up, then waits.
import { describe, expect, it } from 'vitest';
import { createScheduler } from '../../src/scheduler.ts';
import { createMemoryLogger } from '../../src/log.ts';

describe('the scheduler', () => {
  it("stop() calls each task's stop hook before waiting for its run (a draining run would otherwise never end)", async () => {
    let release: () => void = () => undefined;
    let started: () => void = () => undefined;
    const running = new Promise<void>((r) => (started = r));
    const events: string[] = [];
    const bg = createScheduler([
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
    ], createMemoryLogger());
    bg.start();
    await running;
    await bg.stop();
    expect(events).toEqual(['run', 'stop asked', 'run ended']);
  });
});

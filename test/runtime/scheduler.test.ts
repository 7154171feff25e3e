// The one scheduler: runs each task at once and then on its interval, never overlapping itself; a failure is logged
// and the next run still happens; stop() ends it. A witness task counts ticks, so no assertion depends on timing.
import { afterEach, describe, expect, it } from 'vitest';
import { createScheduler, type Scheduler, type Task } from '../../src/scheduler.ts';
import { createMemoryLogger } from '../../src/log.ts';

const EVERY = 0.005; // 5 ms
const started: Scheduler[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
});

function start(tasks: Task[], log = createMemoryLogger()): Scheduler {
  const s = createScheduler(tasks, log);
  s.start();
  started.push(s);
  return s;
}

/** A task that resolves `reached(n)` once it has run n times. */
function witness(name = 'witness') {
  let runs = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  const task: Task = {
    name,
    everySeconds: EVERY,
    run: async () => {
      runs++;
      for (const w of waiters.filter((x) => x.n <= runs)) w.resolve();
    },
  };
  return { task, runs: () => runs, reached: (n: number) => new Promise<void>((resolve) => (runs >= n ? resolve() : waiters.push({ n, resolve }))) };
}

describe('createScheduler', () => {
  it('a failing run is logged with the task name, and the task runs again', async () => {
    const log = createMemoryLogger();
    let calls = 0;
    let secondRun!: () => void;
    const again = new Promise<void>((r) => (secondRun = r));
    start([{ name: 'flaky', everySeconds: EVERY, run: async () => {
      if (++calls === 1) throw new Error('database away');
      secondRun();
    } }], log);
    await again;
    expect(log.lines.map((l) => JSON.parse(l) as { msg: string; error?: string }).filter((l) => l.msg === 'flaky failed')).toEqual([expect.objectContaining({ error: 'database away' })]);
  });

  it('a run still going is not doubled: the held task started once while the witness ran 10 times', async () => {
    let runs = 0;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const w = witness();
    start([{ name: 'slow', everySeconds: EVERY, run: () => (++runs, held) }, w.task]);
    await w.reached(10);
    expect(runs).toBe(1);
    release();
  });

  it('stop() ends the runs: a stopped task does not run again while a second scheduler ticks on', async () => {
    const stopped = witness('stopped');
    const s = start([stopped.task]);
    await stopped.reached(1);
    await s.stop();
    const after = stopped.runs();
    const w = witness();
    start([w.task]);
    await w.reached(10);
    expect(stopped.runs()).toBe(after);
  });

  it('refuses a second start and an interval that is not positive', () => {
    const s = start([]);
    expect(() => s.start()).toThrow(/already started/);
    for (const everySeconds of [0, -1, Number.NaN]) expect(() => createScheduler([{ name: 'bad', everySeconds, run: async () => undefined }], createMemoryLogger())).toThrow(/bad: the interval must be positive/);
  });
});

// Keeps up to `concurrency` jobs in flight, claiming more as slots free, until nothing more is due or it is told to stop.

export interface DrainOptions<T, R> {
  concurrency: number;
  /** Claims up to n jobs; fewer than n means nothing more is due right now. */
  claim: (n: number) => Promise<T[]>;
  /** Must not reject: a job's failure is its result. */
  run: (job: T) => Promise<R>;
  /** Checked before every claim: jobs in flight still finish. */
  stopped: () => boolean;
}

export async function drain<T, R>(o: DrainOptions<T, R>): Promise<R[]> {
  const results: R[] = [];
  const running = new Set<Promise<void>>();
  // Refill once half the slots are free (or all are): a claim scans the due backlog, so one claim serves
  // several attempts instead of one, and each claimed job starts at once (its lease only has to outlast one POST).
  const refillAt = Math.ceil(o.concurrency / 2);
  let more = true;
  for (;;) {
    const free = o.concurrency - running.size;
    if (more && !o.stopped() && (running.size === 0 || free >= refillAt)) {
      const jobs = await o.claim(free);
      if (jobs.length < free) more = false;
      for (const job of jobs) {
        const p: Promise<void> = o.run(job).then((r) => {
          results.push(r);
          running.delete(p);
        });
        running.add(p);
      }
    }
    if (running.size === 0) return results;
    await Promise.race(running);
  }
}

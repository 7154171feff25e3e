// Group commit: writes that arrive close together share one durable commit; each caller hears its own outcome after it.

/** One item's outcome inside a committed batch: its value, or the error that rolled back only that item. */
export type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

export interface GroupCommitOptions<I, R> {
  /**
   * Commits one batch and answers one outcome per item, in order, only once the batch is durable. It may
   * run synchronously (SQLite) or return a promise (PostgreSQL). A throw or rejection fails every item in it.
   */
  commit: (items: readonly I[]) => Outcome<R>[] | Promise<Outcome<R>[]>;
  /** Batches committing at once (default 1); what arrives meanwhile waits and goes in the next batch. */
  inFlight?: number;
  /** The most items in one batch (default: no limit). */
  maxBatch?: number;
}

/**
 * Returns `submit(item)`. Items submitted in one event-loop turn are committed together on the next turn
 * (`setImmediate`, so I/O already read can join); while `inFlight` batches are committing, new items queue
 * and the next batch takes them all (up to `maxBatch`). Nothing is answered before its batch's commit.
 */
export function createGroupCommit<I, R>(opts: GroupCommitOptions<I, R>): (item: I) => Promise<R> {
  const inFlight = opts.inFlight ?? 1;
  const maxBatch = opts.maxBatch ?? Number.POSITIVE_INFINITY;
  if (!(inFlight >= 1) || !(maxBatch >= 1)) throw new Error('createGroupCommit: inFlight and maxBatch must be at least 1');
  type Job = { item: I; resolve: (v: R) => void; reject: (e: unknown) => void };
  let queue: Job[] = [];
  let running = 0;
  let scheduled = false;

  const settle = (jobs: Job[], outcomes: Outcome<R>[]) => {
    if (outcomes.length !== jobs.length) {
      const err = new Error(`group commit: ${outcomes.length} outcomes for ${jobs.length} items`);
      for (const j of jobs) j.reject(err);
      return;
    }
    jobs.forEach((j, k) => {
      const o = outcomes[k]!;
      if (o.ok) j.resolve(o.value);
      else j.reject(o.error);
    });
  };
  const failAll = (jobs: Job[], err: unknown) => {
    for (const j of jobs) j.reject(err);
  };
  const schedule = () => {
    if (scheduled || queue.length === 0 || running >= inFlight) return;
    scheduled = true;
    setImmediate(flush);
  };
  function flush() {
    scheduled = false;
    while (running < inFlight && queue.length > 0) {
      const jobs = queue.length <= maxBatch ? queue : queue.slice(0, maxBatch);
      queue = queue.length <= maxBatch ? [] : queue.slice(maxBatch);
      let result: Outcome<R>[] | Promise<Outcome<R>[]>;
      try {
        result = opts.commit(jobs.map((j) => j.item));
      } catch (err) {
        failAll(jobs, err);
        continue;
      }
      if (!(result instanceof Promise)) {
        settle(jobs, result);
        continue;
      }
      running++;
      result.then(
        (outcomes) => settle(jobs, outcomes),
        (err: unknown) => failAll(jobs, err),
      ).finally(() => {
        running--;
        schedule();
      });
    }
  }
  return (item: I) =>
    new Promise<R>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      schedule();
    });
}

// The delivery worker: claims due deliveries under a lease, POSTs signed notifications, records each outcome.
import type { Logger } from '../log.ts';
import { createScheduler, type Scheduler } from '../scheduler.ts';
import type { DeliveryRecord, EventRecord, Store } from '../store/types.ts';
import { scrub, webhookBody } from './body.ts';
import { drain } from './drain.ts';
import { postOnce, type PostResult } from './post.ts';
import { nextAttempt } from './schedule.ts';
import { createWebhookSigner } from './sign.ts';

export const WEBHOOK_USER_AGENT = 'opencharge-merchant-webhooks/1';

export interface DeliveryWorkerOptions {
  store: Store;
  fetch: typeof fetch;
  /** Unix seconds. */
  now: () => number;
  /** Uniform in [0, 1): the retry jitter. */
  random: () => number;
  log: Logger;
  /** OC_WEBHOOK_SECRET (several during a rotation): each signs every attempt. */
  secrets: readonly string[];
  /** OC_WEBHOOK_SCHEDULE: seconds before each retry. */
  schedule: readonly number[];
  timeoutMs?: number;
  /** OC_WEBHOOK_CONCURRENCY: at most this many POSTs in flight (default 8). */
  concurrency?: number;
  /** How long a claim keeps other workers off a delivery; must outlast the HTTP timeout. */
  leaseSeconds?: number;
  userAgent?: string;
  /** Told each attempt's outcome as it ends (the metrics). */
  onOutcome?: (outcome: DeliveryOutcome) => void;
}

export interface RunResult {
  attempted: number;
  succeeded: number;
  /** Gave up this run: the delivery is now `failed` (dead letter) until redelivered. */
  failed: number;
  retried: number;
}

export interface DeliveryWorker {
  /** Delivers everything due (payment outcomes first), `concurrency` at a time, until nothing is due or stop(). */
  runOnce(): Promise<RunResult>;
  /** Runs runOnce every intervalMs on its own (the server instead runs runOnce as a task of its one scheduler). */
  start(intervalMs: number): void;
  /** Ends the loop: runs (the one in flight, or later ones) claim nothing more until start(); in-flight attempts are recorded. */
  stop(): Promise<void>;
}

type Claimed = DeliveryRecord & { event: EventRecord };
export type DeliveryOutcome = 'succeeded' | 'failed' | 'retried' | 'unrecorded';
type Outcome = DeliveryOutcome;

function summarize(r: Exclude<PostResult, { kind: 'ok' }>, timeoutMs: number): string {
  if (r.kind === 'timeout') return `timeout after ${timeoutMs} ms`;
  if (r.kind === 'network') return `network error: ${r.error}`;
  return r.snippet ? `HTTP ${r.status}: ${r.snippet}` : `HTTP ${r.status}`;
}

/** The host only: a shop's webhook URL may carry a token in its path or query. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'invalid-url';
  }
}

export function createDeliveryWorker(o: DeliveryWorkerOptions): DeliveryWorker {
  const { store, log, secrets, schedule } = o;
  const timeoutMs = o.timeoutMs ?? 10_000;
  const concurrency = o.concurrency ?? 8;
  const leaseSeconds = o.leaseSeconds ?? 60;
  const userAgent = o.userAgent ?? WEBHOOK_USER_AGENT;
  const sign = createWebhookSigner(secrets); // a missing or malformed secret fails at start-up, not at the first attempt
  for (const d of schedule) if (!Number.isInteger(d) || d < 0) throw new Error('OC_WEBHOOK_SCHEDULE: each wait must be a whole number of seconds ≥ 0');
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error('OC_WEBHOOK_CONCURRENCY: must be a positive integer');
  // Every claimed delivery is attempted at once, so its POST ends (timeout) well before the lease lets another worker in.
  if (leaseSeconds * 1000 < timeoutMs + 5000) throw new Error('delivery worker: leaseSeconds must exceed the timeout by at least 5 s');

  async function attempt(d: Claimed): Promise<Outcome> {
    const startedAt = o.now();
    const attempts = d.attempts + 1;
    const ctx = { deliveryId: d.id, eventId: d.event.id, type: d.event.type, attempt: attempts, host: hostOf(d.url) };
    let result: PostResult;
    try {
      const body = webhookBody(d.event);
      const headers = {
        'content-type': 'application/json',
        'user-agent': userAgent,
        ...sign({ id: d.event.id, timestamp: startedAt, body }),
      };
      result = await postOnce(o.fetch, d.url, headers, body, timeoutMs);
    } catch (err) {
      // Only a corrupt stored event lands here (never a network problem): retrying cannot help, but a
      // redeliver after a fix can, so it is dead-lettered with a plain reason.
      log.error('webhook event cannot be encoded', { ...ctx, error: err instanceof Error ? err.name : 'unknown' });
      await store.finishAttempt(d.id, d.lockedUntil, { status: 'failed', attempts, nextAttemptAt: d.nextAttemptAt, lastAttemptAt: startedAt, lastStatus: null, lastError: 'event data is not valid JSON' });
      return 'failed';
    }
    if (result.kind === 'ok') {
      await store.finishAttempt(d.id, d.lockedUntil, { status: 'succeeded', attempts, nextAttemptAt: d.nextAttemptAt, lastAttemptAt: startedAt, lastStatus: result.status, lastError: null });
      log.info('webhook delivered', { ...ctx, status: result.status });
      return 'succeeded';
    }
    const lastError = scrub(summarize(result, timeoutMs), secrets);
    const lastStatus = result.kind === 'http' ? result.status : null;
    const next = nextAttempt(attempts, o.now(), schedule, o.random);
    const gaveUp = next === 'give_up';
    await store.finishAttempt(d.id, d.lockedUntil, {
      status: gaveUp ? 'failed' : 'pending',
      attempts,
      nextAttemptAt: gaveUp ? d.nextAttemptAt : next.at,
      lastAttemptAt: startedAt,
      lastStatus,
      lastError,
    });
    const fields = { ...ctx, status: lastStatus, error: lastError, ...(gaveUp ? {} : { nextAttemptAt: next.at }) };
    // 410 is not an opt-out here: nothing is ever disabled silently; it is retried like any failure.
    if (lastStatus === 410) log.warn('shop answered 410 Gone; retrying on schedule anyway (nothing is disabled)', fields);
    if (gaveUp) log.error('webhook delivery failed after its last attempt; redeliver it from the admin API', fields);
    else if (lastStatus !== 410) log.warn('webhook attempt failed; will retry', fields);
    return gaveUp ? 'failed' : 'retried';
  }

  let stopping = false;

  async function runOnce(): Promise<RunResult> {
    const outcomes = await drain({
      concurrency,
      stopped: () => stopping,
      claim: (n) => {
        const t = o.now();
        return store.claimDeliveries(t, t + leaseSeconds, n);
      },
      run: (d: Claimed) =>
        attempt(d).catch((err: unknown): Outcome => {
          // The POST may have reached the shop; the lease expires and the same event is sent again (at-least-once).
          log.error('webhook attempt not recorded; it will be retried when the lease expires', {
            deliveryId: d.id,
            eventId: d.event.id,
            error: scrub(err instanceof Error ? err.message : String(err), secrets),
          });
          return 'unrecorded';
        }).then((outcome) => {
          o.onOutcome?.(outcome);
          return outcome;
        }),
    });
    const count = (k: Outcome) => outcomes.filter((x) => x === k).length;
    return { attempted: outcomes.length, succeeded: count('succeeded'), failed: count('failed'), retried: count('retried') };
  }

  let own: Scheduler | undefined;
  return {
    runOnce,
    start(intervalMs) {
      if (own) throw new Error('webhook delivery: already started');
      stopping = false;
      own = createScheduler([{ name: 'webhook delivery', everySeconds: intervalMs / 1000, run: runOnce }], log);
      own.start();
    },
    async stop() {
      stopping = true; // a run in flight claims nothing more; its attempts finish and are recorded
      const running = own;
      own = undefined;
      await running?.stop();
    },
  };
}

// Signing and verifying on the hot path, off the event loop (OC_CRYPTO_THREADS). Each /orders/create costs a
// verification and two signatures (the order's and the answer's): about 150 µs of the event loop's time with
// libsecp256k1, several ms with noble. The pool gathers the operations of one event-loop turn, hands them to the
// crypto threads in small packed batches (src/crypto/pool-batch.ts), and resolves each operation when its thread
// answers; the event loop meanwhile serves other requests. Whether it pays depends on the backend: see autoCryptoThreads.
//
// Results are the same bytes as on the event loop: the same backend runs there (RFC 6979 signatures are deterministic).
// Nothing fails because a thread does: a batch whose thread dies, or that is still out when the pool closes, runs on
// the event loop instead; a thread that dies is replaced at the next batch, and a thread that dies before it ever
// answered (it cannot start here) turns the pool off, with one warning, so the event loop does the work from then on.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { AsyncCryptoBackend, BackendName, CryptoBackend } from '../protocol/backend.ts';
import type { Logger } from '../log.ts';
import { packBatch, runBatch, RESULT, SIGN, VERIFY, type Job } from './pool-batch.ts';

/** The hot path's signing and verification, answered later: by crypto threads, or by the backend in this thread. */
export interface CryptoPool extends AsyncCryptoBackend {
  /** Crypto threads running or to be started (0: the event loop does the work). */
  readonly threads: number;
  /** Stops the threads; what they still hold is done on the event loop, so every pending operation is answered. */
  close(): Promise<void>;
}

/**
 * OC_CRYPTO_THREADS=auto. With noble (verifying takes about 4 ms of pure JS), a thread per core up to 8: on the
 * 2-core bench machine two threads took the server from 196 to 329 orders/s. With libsecp256k1 (about 50 µs an
 * operation), none: there one thread bought 8% (within the noise) for 22% more CPU per request, because the event
 * loop stays busy with everything else and each hand-over adds latency. One core: none.
 */
export function autoCryptoThreads(backend: BackendName, cores = availableParallelism()): number {
  return backend === 'noble' && cores >= 2 ? Math.min(cores, 8) : 0;
}

/** The threads OC_CRYPTO_THREADS asks for with this backend (the server and the bench baselines alike). */
export function cryptoThreadsFor(setting: 'auto' | number, backend: BackendName): number {
  return setting === 'auto' ? autoCryptoThreads(backend) : setting;
}

/** The backend itself, in the calling thread (OC_CRYPTO_THREADS=0, or a backend a test injected). */
export function inThreadPool(backend: CryptoBackend): CryptoPool {
  return {
    threads: 0,
    sign: async (digest, key) => backend.sign(digest, key),
    verify: async (signature, digest, publicKey) => backend.verify(signature, digest, publicKey),
    close: async () => {},
  };
}

type Pending = Job & { resolve(result: Uint8Array): void; reject(err: unknown): void };

interface Thread {
  worker: Worker;
  /** Batches sent and not answered, oldest first (a thread answers in order). */
  out: Pending[][];
  answered: boolean;
}

export interface CryptoPoolOptions {
  /** The backend the threads load by name (native or noble); the same object serves batches the threads cannot. */
  backend: CryptoBackend;
  threads: number;
  log?: Pick<Logger, 'warn'>;
  /** Test seam: the thread's entry module (default: ./pool-worker next to this file). */
  workerUrl?: URL;
}

/**
 * Operations per message. A turn's whole batch in one message made the event loop wait for the last of its ~30
 * operations before any request went on, then the thread wait for the event loop: each was busy about half the
 * time. Small batches come back while the thread works on the next, and the event loop stays busy (measured here:
 * 2,261 req/s with whole batches, 2,863 with 4, 2,834 with 1).
 */
const PER_MESSAGE = 4;

const here = import.meta.url;
const fromSource = here.endsWith('.ts');
const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== 'undefined';

export function createCryptoPool(o: CryptoPoolOptions): CryptoPool {
  if (o.threads <= 0) return inThreadPool(o.backend);
  const entry = o.workerUrl ?? new URL(fromSource ? './pool-worker.ts' : './pool-worker.js', here);
  // From a checkout's src/ under Node (tests, benches), the thread loads its TypeScript through tsx (bin/ts-worker.mjs).
  const viaTsx = entry.pathname.endsWith('.ts') && !isBun;
  const url = viaTsx ? new URL('../../bin/ts-worker.mjs', here) : entry;
  const workerData = { backend: o.backend.name, tsEntry: viaTsx ? entry.href : undefined };
  const threads: (Thread | undefined)[] = new Array(o.threads).fill(undefined);
  let off = false;
  let closed = false;
  let next = 0;
  let queue: Pending[] = [];
  const direct = inThreadPool(o.backend); // once the pool is off or closed

  /** A batch no thread will answer: done here, with the same code the thread runs. */
  const runHere = (jobs: Pending[]) => {
    let out: Uint8Array;
    try {
      out = runBatch(o.backend, packBatch(jobs));
    } catch (err) {
      for (const j of jobs) j.reject(err);
      return;
    }
    answer(jobs, out);
  };

  const answer = (jobs: Pending[], out: Uint8Array) => {
    for (let i = 0; i < jobs.length; i++) jobs[i]!.resolve(out.subarray(i * RESULT, (i + 1) * RESULT));
  };

  const lost = (t: Thread, slot: number, why: string) => {
    if (threads[slot] !== t) return;
    threads[slot] = undefined;
    const held = t.out.splice(0);
    if (!closed) {
      if (!t.answered) {
        off = true;
        o.log?.warn('crypto thread could not start: signing and verifying on the event loop from now on (OC_CRYPTO_THREADS=0 skips the thread)', { err: why });
      } else {
        o.log?.warn('crypto thread stopped: its batches run on the event loop and a new thread starts', { err: why });
      }
    }
    for (const jobs of held) runHere(jobs);
  };

  const start = (slot: number): Thread => {
    const worker = new Worker(url, { workerData });
    const t: Thread = { worker, out: [], answered: false };
    worker.on('message', (result: Uint8Array | { error: string }) => {
      t.answered = true;
      const jobs = t.out.shift();
      if (t.out.length === 0) worker.unref(); // an idle thread never keeps the process alive
      if (!jobs) return;
      // A batch the thread could not run is run here: its error, if it is one, reaches the callers.
      if (result instanceof Uint8Array) answer(jobs, result);
      else runHere(jobs);
    });
    worker.on('error', (err) => lost(t, slot, err.message));
    worker.on('exit', (code) => lost(t, slot, `exit code ${code}`));
    worker.unref();
    threads[slot] = t;
    return t;
  };

  const flush = () => {
    const jobs = queue;
    queue = [];
    if (off || closed) return runHere(jobs); // queued before the pool went off
    // The turn's operations go out in batches of at most PER_MESSAGE, round robin over the threads.
    const per = Math.min(PER_MESSAGE, Math.ceil(jobs.length / threads.length));
    for (let from = 0; from < jobs.length; from += per) {
      const slot = next;
      next = (next + 1) % threads.length;
      const t = threads[slot] ?? start(slot);
      const part = jobs.slice(from, from + per);
      t.out.push(part);
      t.worker.ref(); // an operation awaited here keeps the process alive until its thread answers
      t.worker.postMessage(packBatch(part));
    }
  };

  const push = (job: Pending) => {
    if (queue.push(job) === 1) setImmediate(flush);
  };

  return {
    threads: o.threads,
    sign(digest, key) {
      if (off || closed) return direct.sign(digest, key);
      if (digest.length !== 32 || key.length !== 32)
        return Promise.reject(new Error(`crypto pool: sign takes a 32-byte digest and key, got ${digest.length} and ${key.length} bytes`));
      return new Promise((resolve, reject) =>
        push({ kind: SIGN, digest, key, reject, resolve: (r) => resolve({ signature: r.slice(0, 64), recid: r[64]! }) }),
      );
    },
    verify(signature, digest, publicKey) {
      if (off || closed) return direct.verify(signature, digest, publicKey);
      // Sizes the record cannot hold are no valid signature (as the backends answer them).
      if (signature.length !== 64 || digest.length !== 32 || publicKey.length !== 65) return Promise.resolve(false);
      return new Promise((resolve, reject) => push({ kind: VERIFY, digest, signature, publicKey, reject, resolve: (r) => resolve(r[0] === 1) }));
    },
    async close() {
      closed = true;
      await Promise.all(
        threads.map(async (t, slot) => {
          if (!t) return;
          await t.worker.terminate();
          lost(t, slot, 'closed'); // what it still held is done here (a no-op if its 'exit' came first)
        }),
      );
    },
  };
}

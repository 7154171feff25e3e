// Order creation's batches on a writer thread (sqlite-writer.ts) with a SQLite connection of its own, so that the
// inserts and the durable COMMIT (its WAL writes and fsync) run beside the event loop instead of inside it.
// The store's other reads and writes stay on the main connection; SQLite's WAL lets both work on one file.
import { Worker } from 'node:worker_threads';
import type { Outcome } from './group-commit.ts';
import type { Created, Creation } from './types.ts';
import type { WireError, WriterReply, WriterRequest } from './sqlite-writer.ts';

export interface SqliteWriter {
  /** Commits one batch on the writer thread; resolves after its COMMIT, one outcome per item. */
  batch(items: readonly Creation[]): Promise<Outcome<Created>[]>;
  /** Lets the batches sent finish, then closes the writer's connection and ends the thread. */
  close(): Promise<void>;
  /** Ends the thread at once, as a crash would: its batches fail, the next one starts a new thread (tests). */
  terminate(): Promise<void>;
}

const fromWire = (w: WireError): Error => Object.assign(new Error(w.message), { name: w.name }, w.code ? { code: w.code } : {});

/** A Worker on the writer's entry beside this module: .js from the build, .ts from the sources. */
function spawnWriter(path: string): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(`./sqlite-writer.${fromSource ? 'ts' : 'js'}`, import.meta.url);
  if (!fromSource || typeof Bun !== 'undefined') return new Worker(entry, { workerData: { path } });
  // Node on the TypeScript sources (tests, tsx): the thread registers tsx's loader, then loads the entry.
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(boot, { eval: true, workerData: { path } });
}

export async function startSqliteWriter(path: string): Promise<SqliteWriter> {
  type Pending = { resolve: (o: Outcome<Created>[]) => void; reject: (e: unknown) => void };
  const pending = new Map<number, Pending>();
  let next = 1;
  let closing: Promise<void> | undefined;
  let worker: Worker | undefined;
  let starting: Promise<Worker> | undefined;
  const inFlight = new Set<Promise<unknown>>();

  const failPending = (err: Error) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  const start = () =>
    new Promise<Worker>((resolve, reject) => {
      const w = spawnWriter(path);
      let ready = false;
      w.on('message', (m: WriterReply) => {
        if (m.type === 'ready') {
          ready = true;
          w.unref();
          resolve(w);
        } else if (m.type === 'open-failed') reject(new Error(`the SQLite writer thread could not open ${path}: ${m.error.message}`));
        else {
          const p = pending.get(m.id);
          if (!p) return;
          pending.delete(m.id);
          if (pending.size === 0) w.unref();
          if (m.type === 'failed') p.reject(fromWire(m.error));
          else p.resolve(m.outcomes.map((o) => (o.ok ? (o as Outcome<Created>) : { ok: false, error: fromWire(o.error) })));
        }
      });
      w.on('error', (err) => {
        if (!ready) reject(err);
        // The batches on the thread have an unknown outcome: as with a lost database connection, each fails.
        failPending(new Error(`the SQLite writer thread failed: ${err.message}`));
      });
      w.on('exit', (code) => {
        if (worker === w) worker = undefined;
        if (!ready) reject(new Error(`the SQLite writer thread ended (exit code ${code}) before it opened ${path}`));
        if (pending.size > 0) failPending(new Error(`the SQLite writer thread ended (exit code ${code})`));
      });
    });
  const ensure = async (): Promise<Worker> => {
    if (worker) return worker;
    starting ??= start().then(
      (w) => ((worker = w), (starting = undefined), w),
      (err: unknown) => {
        starting = undefined;
        throw err;
      },
    );
    return starting;
  };
  await ensure();

  return {
    batch(items) {
      if (closing) return Promise.reject(new Error('the store is closed'));
      const sent = (worker ? Promise.resolve(worker) : ensure()).then(
        (w) =>
          new Promise<Outcome<Created>[]>((resolve, reject) => {
            const id = next++;
            pending.set(id, { resolve, reject });
            w.ref();
            w.postMessage({ type: 'batch', id, items: items as Creation[] } satisfies WriterRequest);
          }),
      );
      inFlight.add(sent);
      const forget = () => inFlight.delete(sent);
      sent.then(forget, forget);
      return sent;
    },
    close() {
      closing ??= (async () => {
        // What was sent before close() commits first; the thread then closes its connection and ends.
        await Promise.allSettled([...inFlight]);
        const w = worker ?? (starting ? await starting.catch(() => undefined) : undefined);
        if (!w) return;
        await new Promise<void>((resolve) => {
          w.once('exit', () => resolve());
          w.ref();
          w.postMessage({ type: 'close' } satisfies WriterRequest);
        });
      })();
      return closing;
    },
    async terminate() {
      await worker?.terminate();
    },
  };
}

/** The writer thread for a database file, after migrations ran; none for `:memory:` (no second connection can open it). */
export async function writerFor(path: string, main: { close(): void }): Promise<SqliteWriter | undefined> {
  if (path === ':memory:') return undefined;
  try {
    return await startSqliteWriter(path);
  } catch (err) {
    main.close();
    throw err;
  }
}

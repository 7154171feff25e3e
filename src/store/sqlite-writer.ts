// The SQLite writer thread: order creation's batches on a connection of its own (see sqlite-writer-client.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { commitBatch, creationRun, prepareHotPath, type RawSqlite } from './sqlite-hot.ts';
import type { Creation } from './types.ts';

export type WriterRequest = { type: 'batch'; id: number; items: Creation[] } | { type: 'close' };
/** An error as it crosses the thread: what the caller's error handling reads of it. */
export interface WireError {
  name: string;
  message: string;
  code?: string;
}
export type WriterReply =
  | { type: 'ready' }
  | { type: 'open-failed'; error: WireError }
  | { type: 'done'; id: number; outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: WireError }> }
  | { type: 'failed'; id: number; error: WireError };

const wire = (err: unknown): WireError => {
  const e = err as { name?: unknown; message?: unknown; code?: unknown } | null;
  return {
    name: typeof e?.name === 'string' ? e.name : 'Error',
    message: typeof e?.message === 'string' ? e.message : String(err),
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
  };
};

const port = parentPort!;
const { path } = workerData as { path: string };
const isBun = typeof Bun !== 'undefined';
let conn: { close(): void };
try {
  conn = isBun ? (await import('./open-bun.ts')).openBunSqliteConnection(path) : (await import('./open.ts')).openSqliteConnection(path);
} catch (err) {
  port.postMessage({ type: 'open-failed', error: wire(err) } satisfies WriterReply);
  process.exit(1);
}
const raw = conn as unknown as RawSqlite;
const hot = prepareHotPath(raw);
const batch = commitBatch(raw);
port.on('message', (m: WriterRequest) => {
  if (m.type === 'close') {
    conn.close();
    port.close();
    return;
  }
  let reply: WriterReply;
  try {
    const outcomes = batch(m.items.map((c) => creationRun(hot, c)));
    reply = { type: 'done', id: m.id, outcomes: outcomes.map((o) => (o.ok ? o : { ok: false as const, error: wire(o.error) })) };
  } catch (err) {
    reply = { type: 'failed', id: m.id, error: wire(err) };
  }
  port.postMessage(reply);
});
port.postMessage({ type: 'ready' } satisfies WriterReply);

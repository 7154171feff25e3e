// The SQLite writer thread (src/store/sqlite-writer-client.ts) on real files: what it commits is durable and visible
// to the main connection, a thread that dies fails only the batches it held and is started again, close() lets
// the batches sent finish, and a file it cannot open is named.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { openStore } from '../../src/store/open.ts';
import { startSqliteWriter } from '../../src/store/sqlite-writer-client.ts';
import type { Creation } from '../../src/store/types.ts';

const dir = mkdtempSync(join(tmpdir(), 'oc-writer-'));
let n = 0;
/** A migrated, closed database file. */
async function migratedFile(): Promise<string> {
  const file = join(dir, `w-${n++}.db`);
  await (await openStore(`file:${file}`)).close();
  return file;
}
const creation = (id: string, nonce?: string): Creation => ({
  order: {
    id,
    callerOcid: 7,
    requestHash: 'ab'.repeat(32),
    amount: '1.00',
    currency: 'USD',
    reference: null,
    createdAt: 1_700_000_000,
    expiresAt: 1_700_003_600,
    orderJson: `{"id":"${id}"}`,
    signature: 'cd'.repeat(64),
    responseBody: `{"order":{"id":"${id}"}}`,
  },
  outbox: { event: { id: `evt_${id}`, orderId: id, type: 'order.created', createdAt: 1_700_000_000, data: '{}' } },
  ...(nonce ? { nonce: { ocid: 7, nonce, expiresAt: 1_700_000_600 } } : {}),
});

it('commits a batch on its own thread; the main connection reads it back', async () => {
  const file = await migratedFile();
  const writer = await startSqliteWriter(file);
  const outcomes = await writer.batch([creation('ord_a', 'n1'), creation('ord_b', 'n1'), creation('ord_a')]);
  expect(outcomes.map((o) => (o.ok ? o.value.kind : 'error'))).toEqual(['created', 'nonce_reused', 'exists']);
  await writer.close();
  const store = await openStore(`file:${file}`);
  try {
    expect((await store.getOrder('ord_a'))?.responseBody).toBe('{"order":{"id":"ord_a"}}');
    expect(await store.getOrder('ord_b')).toBeUndefined();
    expect((await store.listEvents('ord_a')).map((e) => e.id)).toEqual(['evt_ord_a']);
  } finally {
    await store.close();
  }
});

it('answers an item that fails with its own error, carrying the SQLite code across the thread', async () => {
  const file = await migratedFile();
  const writer = await startSqliteWriter(file);
  const dup = creation('ord_c');
  dup.outbox.event.id = 'evt_shared';
  const other = creation('ord_d');
  other.outbox.event.id = 'evt_shared'; // the event id is unique: this creation fails, alone
  const [first, second] = await writer.batch([dup, other]);
  await writer.close();
  expect(first).toMatchObject({ ok: true, value: { kind: 'created' } });
  expect(second!.ok).toBe(false);
  const err = (second as { error: Error & { code?: string } }).error;
  expect(err).toBeInstanceOf(Error);
  expect(err.message).toMatch(/UNIQUE constraint failed: events\.id/);
  expect(err.code).toBe('SQLITE_CONSTRAINT_UNIQUE');
});

it('fails the batches of a thread that dies, and starts a new thread for the next batch', async () => {
  const file = await migratedFile();
  const writer = await startSqliteWriter(file);
  expect((await writer.batch([creation('ord_e')]))[0]).toMatchObject({ ok: true });
  const lost = writer.batch([creation('ord_f')]);
  await writer.terminate();
  await expect(lost).rejects.toThrow(/SQLite writer thread ended/);
  expect((await writer.batch([creation('ord_g')]))[0]).toMatchObject({ ok: true, value: { kind: 'created' } });
  await writer.close();
  const store = await openStore(`file:${file}`);
  try {
    expect(await store.getOrder('ord_e')).toBeDefined();
    expect(await store.getOrder('ord_g')).toBeDefined();
  } finally {
    await store.close();
  }
});

it('close() lets the batches already sent commit, and refuses batches after it', async () => {
  const file = await migratedFile();
  const writer = await startSqliteWriter(file);
  const sent = writer.batch([creation('ord_h')]);
  const closed = writer.close();
  expect((await sent)[0]).toMatchObject({ ok: true, value: { kind: 'created' } });
  await closed;
  await expect(writer.batch([creation('ord_i')])).rejects.toThrow(/store is closed/);
  const store = await openStore(`file:${file}`);
  try {
    expect(await store.getOrder('ord_h')).toBeDefined();
  } finally {
    await store.close();
  }
});

it('names the file a writer thread cannot open', async () => {
  const missing = join(dir, 'no-such-folder', 'x.db');
  await expect(startSqliteWriter(missing)).rejects.toThrow(new RegExp(`SQLite writer thread could not open ${missing.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
});

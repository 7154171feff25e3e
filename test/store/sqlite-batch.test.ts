// The SQLite batch of a group commit (commitBatch) on a real file: one transaction, one item's failure rolls back
// only that item (the batch runs again with savepoints), a failed COMMIT fails the whole batch.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type Database from 'better-sqlite3';
import { openSqliteConnection } from '../../src/store/open.ts';
import { commitBatch, type RawSqlite } from '../../src/store/sqlite-hot.ts';

const dir = mkdtempSync(join(tmpdir(), 'oc-batch-'));
let db: Database.Database;
let n = 0;
beforeEach(() => {
  db = openSqliteConnection(join(dir, `batch-${n++}.db`));
  db.exec('CREATE TABLE t (k TEXT PRIMARY KEY)');
  db.exec('CREATE TABLE parent (id TEXT PRIMARY KEY)');
  db.exec('CREATE TABLE child (id TEXT PRIMARY KEY, parent TEXT REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)');
});
afterEach(() => db.close());

const keys = () => (db.prepare('SELECT k FROM t ORDER BY k').all() as Array<{ k: string }>).map((r) => r.k);

it('commits a batch without failures in one transaction, running each item once', () => {
  const batch = commitBatch(db as unknown as RawSqlite);
  const insert = db.prepare('INSERT INTO t (k) VALUES (?)');
  const ran: string[] = [];
  const inTx: boolean[] = [];
  const item = (k: string) => () => {
    ran.push(k);
    inTx.push(db.inTransaction);
    insert.run(k);
    return k.toUpperCase();
  };
  expect(batch([item('a'), item('b'), item('c')])).toEqual([
    { ok: true, value: 'A' },
    { ok: true, value: 'B' },
    { ok: true, value: 'C' },
  ]);
  expect(ran).toEqual(['a', 'b', 'c']);
  expect(inTx).toEqual([true, true, true]);
  expect(db.inTransaction).toBe(false);
  expect(keys()).toEqual(['a', 'b', 'c']);
});

it('rolls back only the item that fails, its own writes included, and commits the others', () => {
  const batch = commitBatch(db as unknown as RawSqlite);
  const insert = db.prepare('INSERT INTO t (k) VALUES (?)');
  const boom = new Error('boom');
  const outcomes = batch([
    () => insert.run('a').changes,
    () => {
      insert.run('b'); // written, then the item fails: 'b' must not survive
      throw boom;
    },
    () => insert.run('a').changes, // UNIQUE: the row of the first item
    () => insert.run('c').changes,
  ]);
  expect(outcomes[0]).toEqual({ ok: true, value: 1 });
  expect(outcomes[1]).toEqual({ ok: false, error: boom });
  expect(outcomes[2]!.ok).toBe(false);
  expect(String((outcomes[2] as { error: unknown }).error)).toMatch(/UNIQUE constraint failed: t\.k/);
  expect(outcomes[3]).toEqual({ ok: true, value: 1 });
  expect(db.inTransaction).toBe(false);
  expect(keys()).toEqual(['a', 'c']);
});

it('fails the whole batch when its COMMIT fails, keeps none of it, and commits the next batch', () => {
  const batch = commitBatch(db as unknown as RawSqlite);
  const insert = db.prepare('INSERT INTO t (k) VALUES (?)');
  const orphan = db.prepare("INSERT INTO child (id, parent) VALUES ('c1', 'missing')");
  // The deferred foreign key is checked at COMMIT only: every item succeeds, the commit does not.
  expect(() => batch([() => insert.run('a'), () => orphan.run()])).toThrow(/FOREIGN KEY constraint failed/);
  expect(db.inTransaction).toBe(false);
  expect(keys()).toEqual([]);
  expect(db.prepare('SELECT count(*) AS n FROM child').get()).toEqual({ n: 0 });
  expect(batch([() => insert.run('b').changes])).toEqual([{ ok: true, value: 1 }]);
  expect(keys()).toEqual(['b']);
});

it('answers an empty batch with no outcomes and leaves no transaction open', () => {
  expect(commitBatch(db as unknown as RawSqlite)([])).toEqual([]);
  expect(db.inTransaction).toBe(false);
});

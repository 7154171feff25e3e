// The SQLite batch of a group commit (commitBatch) on a real file, for better-sqlite3 (test/store/sqlite-batch.test.ts)
// and bun:sqlite (test/bun/store.bun-test.ts): one transaction, one item's failure rolls back only that item (the
// batch runs again with savepoints), a failed COMMIT fails the whole batch.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { commitBatch, type RawSqlite } from '../../src/store/sqlite-hot.ts';

/** What both drivers' connections offer that these tests use. */
export interface BatchConnection {
  prepare(sql: string): { run(...p: unknown[]): { changes: number | bigint }; all(...p: unknown[]): unknown[]; get(...p: unknown[]): unknown };
  exec(sql: string): unknown;
  readonly inTransaction: boolean;
  close(): void;
}

export function batchContract(name: string, open: () => BatchConnection) {
  let db: BatchConnection;
  beforeEach(() => {
    db = open();
    db.exec('CREATE TABLE t (k TEXT PRIMARY KEY)');
    db.exec('CREATE TABLE parent (id TEXT PRIMARY KEY)');
    db.exec('CREATE TABLE child (id TEXT PRIMARY KEY, parent TEXT REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)');
  });
  afterEach(() => db.close());
  const raw = () => db as unknown as RawSqlite;
  const changes = (r: { changes: number | bigint }) => Number(r.changes);

  const keys = () => (db.prepare('SELECT k FROM t ORDER BY k').all() as Array<{ k: string }>).map((r) => r.k);

  it(`${name}: commits a batch without failures in one transaction, running each item once`, () => {
    const batch = commitBatch(raw());
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

  it(`${name}: rolls back only the item that fails, its own writes included, and commits the others`, () => {
    const batch = commitBatch(raw());
    const insert = db.prepare('INSERT INTO t (k) VALUES (?)');
    const boom = new Error('boom');
    const outcomes = batch([
      () => changes(insert.run('a')),
      () => {
        insert.run('b'); // written, then the item fails: 'b' must not survive
        throw boom;
      },
      () => changes(insert.run('a')), // UNIQUE: the row of the first item
      () => changes(insert.run('c')),
    ]);
    expect(outcomes[0]).toEqual({ ok: true, value: 1 });
    expect(outcomes[1]).toEqual({ ok: false, error: boom });
    expect(outcomes[2]!.ok).toBe(false);
    expect(String((outcomes[2] as { error: unknown }).error)).toMatch(/UNIQUE constraint failed: t\.k/);
    expect(outcomes[3]).toEqual({ ok: true, value: 1 });
    expect(db.inTransaction).toBe(false);
    expect(keys()).toEqual(['a', 'c']);
  });

  it(`${name}: fails the whole batch when its COMMIT fails, keeps none of it, and commits the next batch`, () => {
    const batch = commitBatch(raw());
    const insert = db.prepare('INSERT INTO t (k) VALUES (?)');
    const orphan = db.prepare("INSERT INTO child (id, parent) VALUES ('c1', 'missing')");
    // The deferred foreign key is checked at COMMIT only: every item succeeds, the commit does not.
    expect(() => batch([() => insert.run('a'), () => orphan.run()])).toThrow(/FOREIGN KEY constraint failed/);
    expect(db.inTransaction).toBe(false);
    expect(keys()).toEqual([]);
    expect(db.prepare('SELECT count(*) AS n FROM child').get()).toEqual({ n: 0 });
    expect(batch([() => changes(insert.run('b'))])).toEqual([{ ok: true, value: 1 }]);
    expect(keys()).toEqual(['b']);
  });

  it(`${name}: answers an empty batch with no outcomes and leaves no transaction open`, () => {
    expect(commitBatch(raw())([])).toEqual([]);
    expect(db.inTransaction).toBe(false);
  });
}

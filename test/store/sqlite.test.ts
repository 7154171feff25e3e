// The store contract on SQLite (better-sqlite3), on a real file with the committed migrations.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { storeContract } from '../contract/store.contract.ts';
import { openSqliteConnection, openStore } from '../../src/store/open.ts';

const dir = mkdtempSync(join(tmpdir(), 'oc-store-'));
storeContract('sqlite (better-sqlite3)', () => openStore(`file:${join(dir, 'contract.db')}`));

it('opens SQLite with WAL, synchronous=FULL, a busy timeout and foreign keys', () => {
  const db = openSqliteConnection(join(dir, 'pragmas.db'));
  try {
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
  } finally {
    db.close();
  }
});

it('rejects an unsupported database URL naming the setting', async () => {
  await expect(openStore('mysql://localhost/x')).rejects.toThrow(/OC_DATABASE_URL/);
});

// The store contract on bun:sqlite under real Bun (`npm run test:bun`); Bun maps the contract's 'vitest' import to bun:test.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { storeContract } from '../contract/store.contract.ts';
import { batchContract } from '../contract/sqlite-batch.contract.ts';
import { BUN_SQLITE_PRAGMAS, openBunSqliteConnection, openStoreBun } from '../../src/store/open-bun.ts';

const dir = mkdtempSync(join(tmpdir(), 'oc-bun-store-'));
storeContract('sqlite (bun:sqlite)', () => openStoreBun(`file:${join(dir, 'contract.db')}`));
storeContract('sqlite (bun:sqlite, :memory:)', () => openStoreBun('sqlite::memory:'));

it('runs under Bun, not under Node', () => {
  expect(typeof Bun).toBe('object');
});

it('opens bun:sqlite with WAL, synchronous=FULL, a busy timeout and foreign keys', () => {
  const db = openBunSqliteConnection(join(dir, 'pragmas.db'));
  try {
    expect(db.query('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
    expect(db.query('PRAGMA synchronous').get()).toEqual({ synchronous: 2 }); // FULL
    expect(db.query('PRAGMA busy_timeout').get()).toEqual({ timeout: 5000 });
    expect(db.query('PRAGMA foreign_keys').get()).toEqual({ foreign_keys: 1 });
  } finally {
    db.close();
  }
});

it('applies the same pragmas as the better-sqlite3 opener', async () => {
  // Importing open.ts loads better-sqlite3's JS (Bun refuses only to construct it); the runtime path never does.
  const { SQLITE_PRAGMAS } = await import('../../src/store/open.ts');
  expect(BUN_SQLITE_PRAGMAS).toEqual(SQLITE_PRAGMAS);
});

it('rejects an unsupported database URL naming the setting', async () => {
  await expect(openStoreBun('mysql://localhost/x')).rejects.toThrow(/OC_DATABASE_URL/);
});

let batchDb = 0;
batchContract('bun:sqlite', () => openBunSqliteConnection(join(dir, `batch-${batchDb++}.db`)));

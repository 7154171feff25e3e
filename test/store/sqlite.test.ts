// The store contract on SQLite (better-sqlite3), on a real file with the committed migrations.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { storeContract } from '../contract/store.contract.ts';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { MIGRATIONS_DIR, openSqliteConnection, openStore } from '../../src/store/open.ts';

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

it('the idempotency-key migration keeps the key of a slot reserved before it (its charge id, the old RequestId source)', () => {
  // The committed migrations up to the one before the column, then a charge written by that older server.
  const old = join(dir, 'migrations-before-key');
  cpSync(join(MIGRATIONS_DIR, 'sqlite'), old, { recursive: true });
  const journal = JSON.parse(readFileSync(join(old, 'meta/_journal.json'), 'utf8')) as { entries: Array<{ tag: string }> };
  journal.entries = journal.entries.slice(0, journal.entries.findIndex((e) => e.tag === '0002_charge_idempotency_key'));
  writeFileSync(join(old, 'meta/_journal.json'), JSON.stringify(journal));
  const conn = openSqliteConnection(join(dir, 'upgrade.db'));
  try {
    migrate(drizzle(conn), { migrationsFolder: old });
    conn
      .prepare("INSERT INTO charges (id, order_id, gateway, reference, payment_url, status, gateway_status, token_hash, created_at, updated_at) VALUES ('chg_old', 'ord_1', 'iumicash', '', '', 'creating', '', 'ef', 1, 1)")
      .run();
    migrate(drizzle(conn), { migrationsFolder: join(MIGRATIONS_DIR, 'sqlite') });
    expect(conn.prepare("SELECT idempotency_key AS k FROM charges WHERE id = 'chg_old'").get()).toEqual({ k: 'chg_old' });
  } finally {
    conn.close();
  }
});

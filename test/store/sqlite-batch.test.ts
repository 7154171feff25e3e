// The SQLite batch contract (test/contract/sqlite-batch.contract.ts) on better-sqlite3, on real files.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchContract } from '../contract/sqlite-batch.contract.ts';
import { openSqliteConnection } from '../../src/store/open.ts';

const dir = mkdtempSync(join(tmpdir(), 'oc-batch-'));
let n = 0;
batchContract('better-sqlite3', () => openSqliteConnection(join(dir, `batch-${n++}.db`)));

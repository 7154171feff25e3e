// The store contract on PostgreSQL (postgres.js) under real Bun, through openStoreBun, each run in its own schema.
import { afterAll, describe } from 'vitest';
import { storeContract } from '../contract/store.contract.ts';
import { openStoreBun } from '../../src/store/open-bun.ts';
import { dropSchema, freshSchema, pgAvailable } from '../helpers/pg-schema.ts';

// Unreachable: fails on CI (CI set), warns loudly and skips locally (the same rule as test/store/pg.test.ts).
const available = await pgAvailable('test/bun/pg.bun-test.ts');
const schemas: string[] = [];
afterAll(async () => {
  if (available) for (const s of schemas) await dropSchema(s);
});

describe.skipIf(!available)('postgres under Bun', () => {
  storeContract('postgres (postgres.js on Bun)', () => {
    const f = freshSchema('oc_bun');
    schemas.push(f.schema);
    return openStoreBun(f.url);
  });
});

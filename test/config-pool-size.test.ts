// OC_DATABASE_POOL_SIZE: the PostgreSQL pool per instance, a whole number from 1, 10 when unset.
import { expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import { groupCommitsInFlight } from '../src/store/pg-connect.ts';

it('defaults OC_DATABASE_POOL_SIZE to 10 and takes a whole number', () => {
  expect(loadConfig({}).databasePoolSize).toBe(10);
  expect(loadConfig({ OC_DATABASE_POOL_SIZE: '4' }).databasePoolSize).toBe(4);
});

it('refuses a pool size that is not a whole number from 1, naming the setting', () => {
  for (const bad of ['0', '-1', '2.5', 'ten', '1001']) {
    const err = (() => {
      try {
        loadConfig({ OC_DATABASE_POOL_SIZE: bad });
      } catch (e) {
        return e;
      }
    })();
    expect(err, bad).toBeInstanceOf(ConfigError);
    expect((err as Error).message, bad).toMatch(/^OC_DATABASE_POOL_SIZE: /m);
  }
});

it('group-commits order creations on a quarter of the pool, at least one connection', () => {
  expect([1, 3, 4, 10, 16].map(groupCommitsInFlight)).toEqual([1, 1, 1, 2, 4]);
});

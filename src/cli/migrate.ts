// `opencharge-merchant migrate`: apply the committed migrations to OC_DATABASE_URL and exit.
import type { Command } from './io.ts';
import { loadConfigFromEnv } from '../runtime/config-file.ts';
import { openStore } from '../store/open.ts';
import { maskDbUrl } from '../store/db-url.ts';

export const run: Command = async (args, io) => {
  if (args.includes('--help')) {
    io.out('usage: opencharge-merchant migrate\n\nApplies migrations to OC_DATABASE_URL (the server also does this at start).');
    return 0;
  }
  const config = loadConfigFromEnv(io.env, io.cwd);
  const store = await openStore(config.databaseUrl, { cwd: io.cwd, migrate: true });
  const ready = await store.ping();
  await store.close();
  io.out(ready ? `migrated ${store.dialect} database ${maskDbUrl(config.databaseUrl)}` : 'migration ran but the schema is not readable');
  return ready ? 0 : 1;
};

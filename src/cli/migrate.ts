// `opencharge-merchant migrate`: apply the committed migrations to OC_DATABASE_URL and exit.
import { defineCommand } from './args.ts';
import { loadConfigFromEnv } from '../runtime/config-file.ts';
import { openStore } from '../store/open.ts';
import { maskDbUrl } from '../store/db-url.ts';

export const run = defineCommand(
  {
    name: 'migrate',
    summary: 'Applies the committed migrations to OC_DATABASE_URL and exits (the server also does this at start).',
    options: {},
    examples: ['OC_DATABASE_URL=postgres://user:pw@db/opencharge opencharge-merchant migrate'],
  },
  async (_parsed, io) => {
    const config = loadConfigFromEnv(io.env, io.cwd);
    const store = await openStore(config.databaseUrl, { cwd: io.cwd, migrate: true });
    const ready = await store.ping();
    await store.close();
    io.out(ready ? `migrated ${store.dialect} database ${maskDbUrl(config.databaseUrl)}` : 'migration ran but the schema is not readable');
    return ready ? 0 : 1;
  },
);

// `.env` means the same on Node (`serve`) and Bun (`npm run start:bun`): same file, same precedence, same merchant identity.
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { serveProcess, tempFolders, type Runtime } from '../helpers/serve-process.ts';
import { keyOf } from '../helpers/harness.ts';

const { folder, remove } = tempFolders('oc-dotenv-');
afterAll(remove);

const KEY = '33'.repeat(32);
const PUB = keyOf(KEY).pub;

interface Seen {
  code: number | null;
  stdout: string;
  metadata: { ocid: number; name: string; contact?: string; config: { publicKey: string } };
}

async function run(runtime: Runtime, cwd: string, env: Record<string, string>): Promise<Seen> {
  let metadata: Seen['metadata'] | undefined;
  const r = await serveProcess({
    env,
    cwd,
    runtime,
    onBanner: async (port) => {
      metadata = (await (await fetch(`http://127.0.0.1:${port}/opencharge/metadata.json`)).json()) as Seen['metadata'];
    },
  });
  expect(r.code, r.stdout + r.stderr).toBe(0);
  return { code: r.code, stdout: r.stdout, metadata: metadata! };
}

describe.each(['node', 'bun'] as const)('.env under %s', (runtime) => {
  it('uses the key `keygen >> .env` wrote, lets the real environment win, and ignores .env.local', async () => {
    const cwd = folder({
      '.env': `OC_OCID=501\nOC_NAME=from .env\nOC_CONTACT=ops@shop.example\nOC_PRIVATE_KEY=${KEY}\n# public key: ${PUB}\n`,
      '.env.local': 'OC_CONTACT=local@shop.example\n',
      '.env.development': 'OC_CONTACT=development@shop.example\n',
    });
    const seen = await run(runtime, cwd, { OC_NAME: 'from the environment' });
    expect(seen.metadata).toMatchObject({ ocid: 501, name: 'from the environment', contact: 'ops@shop.example', config: { publicKey: PUB } });
    expect(seen.stdout).not.toContain('DEVELOPMENT KEY');
    expect(seen.stdout).toContain(`  .env             ${join(cwd, '.env')} (the environment wins over it)`);
  });

  it('the banner says when there is no .env', async () => {
    const seen = await run(runtime, folder(), {});
    expect(seen.stdout).toContain('  .env             no .env in the working directory');
    expect(seen.stdout).toContain('  console off: set OC_ADMIN_TOKEN');
  });

  it('OC_PRIVATE_KEY_FILE may point at the keygen file', async () => {
    const cwd = folder({ 'merchant.env': `OC_PRIVATE_KEY=${KEY}\n# public key: ${PUB}\n` });
    const seen = await run(runtime, cwd, { OC_OCID: '502', OC_PRIVATE_KEY_FILE: 'merchant.env' });
    expect(seen.metadata).toMatchObject({ ocid: 502, config: { publicKey: PUB } });
  });
});

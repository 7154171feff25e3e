// OC_PEER_NEGATIVE_TTL: parsed by loadConfig, and carried by buildDeps into the resolver the server uses.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeServers, startServer } from '../helpers/http-server.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { buildDeps } from '../../src/deps.ts';
import { createMemoryLogger } from '../../src/log.ts';
import { openStore } from '../../src/store/open.ts';

const dirs: string[] = [];
afterEach(async () => {
  await closeServers();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('OC_PEER_NEGATIVE_TTL', () => {
  it('defaults to 60 seconds', () => {
    expect(loadConfig({}).peerNegativeTtl).toBe(60);
  });

  it('accepts 0 (disabled) and whole seconds', () => {
    expect(loadConfig({ OC_PEER_NEGATIVE_TTL: '0' }).peerNegativeTtl).toBe(0);
    expect(loadConfig({ OC_PEER_NEGATIVE_TTL: '300' }).peerNegativeTtl).toBe(300);
  });

  it.each(['-1', '1.5', 'soon', '86401'])('refuses %s, naming the setting', (value) => {
    expect(() => loadConfig({ OC_PEER_NEGATIVE_TTL: value })).toThrow(ConfigError);
    expect(() => loadConfig({ OC_PEER_NEGATIVE_TTL: value })).toThrow(/^OC_PEER_NEGATIVE_TTL: /);
  });

  it.each([
    ['the default: 3 lookups of an unknown OCID → 1 registry GET', {}, 1],
    ['0: 3 lookups of an unknown OCID → 3 registry GETs', { OC_PEER_NEGATIVE_TTL: '0' }, 3],
  ])('reaches the server\'s resolver through buildDeps (%s)', async (_name, extra, gets) => {
    const registry = await startServer((_req, res) => {
      res.writeHead(404);
      res.end();
    });
    const dir = mkdtempSync(join(tmpdir(), 'oc-negttl-'));
    dirs.push(dir);
    const config = loadConfig({
      OC_ENV: 'test',
      OC_OCID: '500',
      OC_PRIVATE_KEY: '11'.repeat(32),
      OC_DATABASE_URL: 'sqlite::memory:',
      OC_REGISTRY_URL: `${registry.base}/ocid/{ocid}`,
      OC_ALLOW_HTTP_PEERS: '1',
      ...extra,
    });
    const store = await openStore(config.databaseUrl, { cwd: dir });
    try {
      const { deps } = buildDeps(config, store, {
        fetch: globalThis.fetch,
        now: () => 1_800_000_000,
        randomBytes: (n) => new Uint8Array(n),
        log: createMemoryLogger(),
        cwd: dir,
      });
      for (let i = 0; i < 3; i++) expect(await deps.resolver.resolve(9001)).toMatchObject({ ok: false, code: 'UNKNOWN_OCID' });
      expect(registry.paths.length).toBe(gets);
    } finally {
      await store.close();
    }
  });
});

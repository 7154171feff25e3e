// The whole kit against our server running under real Bun (bun:sqlite + Bun.serve), over real HTTP.
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/conformance/runner.ts';
import { summaryLine, formatResult } from '../../src/conformance/report.ts';
import type { CheckResult } from '../../src/conformance/types.ts';
import { KIT_CALLER_OCID, KIT_ISSUER_OCID, freshIdentity, realNow } from './serve.ts';
import { BUN, ROOT, startServerProcess } from '../helpers/serve-process.ts';

describe('the kit against our server under Bun', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oc-kit-bun-'));
  const caller = freshIdentity(KIT_CALLER_OCID);
  const issuer = freshIdentity(KIT_ISSUER_OCID);
  let child: ChildProcess;
  let results: CheckResult[];

  beforeAll(async () => {
    if (!existsSync(BUN)) throw new Error(`Bun binary not found at ${BUN}: it comes with \`npm ci\` (devDependency 'bun')`);
    const peers = join(dir, 'peers.json');
    writeFileSync(peers, JSON.stringify([{ ocid: caller.ocid, publicKey: caller.pub }, { ocid: issuer.ocid, publicKey: issuer.pub }]));
    const env = { OC_ENV: 'production', OC_PUBLIC_URL: 'https://pay.shop.example', OC_OCID: '500', OC_PRIVATE_KEY: '11'.repeat(32), OC_PORT: '0', OC_LOG_LEVEL: 'error', OC_PEERS_FILE: peers, OC_ACCEPTS: String(issuer.ocid), OC_DATABASE_URL: `file:${join(dir, 'kit.db')}` };
    const server = await startServerProcess({ runtime: 'bun', env, cwd: ROOT });
    child = server.child;
    const port = server.port;
    results = await runConformance({
      baseUrl: `http://127.0.0.1:${port}/opencharge`,
      callerOcid: caller.ocid,
      callerKey: caller.key,
      issuerOcid: issuer.ocid,
      issuerKey: issuer.key,
      fetch: globalThis.fetch,
      now: realNow,
      randomBytes: (n) => new Uint8Array(randomBytes(n)),
    });
    console.info(`kit vs our server (Bun): ${summaryLine(results)}`);
  }, 120_000);
  afterAll(() => {
    child?.removeAllListeners('exit');
    child?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails nothing', () => {
    const failed = results.filter((r) => r.status === 'fail');
    expect(failed.map((r) => r.id), failed.map(formatResult).join('\n\n')).toEqual([]);
  });
  it('skips only the inventory checks', () => {
    expect(results.filter((r) => r.status === 'skip').every((r) => r.id.startsWith('inventory.'))).toBe(true);
  });
});

// conformanceTests(results): the kit inside another suite. Here, in vitest (the cases below are registered from a real
// run), and in node:test (a child `node --test` importing opencharge-merchant/conformance), against our real server.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { conformanceTests, runConformance, type CheckResult } from '../../src/conformance/index.ts';
import { ourServer } from '../conformance/serve.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const target = await ourServer();
const dir = mkdtempSync(join(tmpdir(), 'oc-kit-suite-'));
afterAll(async () => {
  await target.close();
  rmSync(dir, { recursive: true, force: true });
});
const kitOptions = { baseUrl: target.baseUrl, callerOcid: target.caller.ocid, callerKey: target.caller.key, issuerOcid: target.issuer.ocid, issuerKey: target.issuer.key };
const results = await runConformance({ ...kitOptions, only: ['metadata', 'status', 'errors'], skip: ['status.expired'] });

describe('the kit as vitest cases (registered from a real run)', () => {
  for (const t of conformanceTests(results)) it.skipIf(!!t.skip)(t.name, t.run);
});

describe('conformanceTests', () => {
  const fake = (status: CheckResult['status'], level: CheckResult['level']): CheckResult => ({ id: `x.${status}.${level}`, title: 't', section: 'docs/profile.md §2', level, status, reason: 'why', ms: 1 });

  it('one case per result; a skipped check carries its reason', () => {
    const cases = conformanceTests(results);
    expect(cases.map((c) => c.id)).toEqual(results.map((r) => r.id));
    expect(cases.find((c) => c.id === 'status.expired')!.skip).toBe('excluded by --skip');
    expect(cases.find((c) => c.id === 'metadata.shape')!.skip).toBe(false);
  });

  it('a failed required check throws with its report; a failed recommended one warns, or throws with strict', () => {
    const warned: string[] = [];
    const [req, rec] = conformanceTests([fake('fail', 'required'), fake('fail', 'recommended')], { warn: (t) => warned.push(t) });
    expect(() => req!.run()).toThrow(/^FAIL {2}x\.fail\.required — t \[docs\/profile\.md §2\]\n {6}reason: why/);
    expect(() => rec!.run()).not.toThrow();
    expect(warned).toEqual([expect.stringMatching(/^WARN {2}x\.fail\.recommended/)]);
    const [strict] = conformanceTests([fake('fail', 'recommended')], { strict: true });
    expect(() => strict!.run()).toThrow(/^WARN/);
    const [pass] = conformanceTests([fake('pass', 'required')]);
    expect(() => pass!.run()).not.toThrow();
  });

  it('node:test: `node --test` runs the kit through opencharge-merchant/conformance and reports each check', async () => {
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(ROOT, join(dir, 'node_modules/opencharge-merchant'), 'dir');
    const file = join(dir, 'kit.test.mjs');
    writeFileSync(
      file,
      [
        "import { test } from 'node:test';",
        "import { conformanceTests, runConformance } from 'opencharge-merchant/conformance';",
        'const results = await runConformance({ ...JSON.parse(process.env.KIT), only: ["metadata", "status.pending", "status.unknown"] });',
        'for (const t of conformanceTests(results)) test(t.name, { skip: t.skip }, t.run);',
      ].join('\n'),
    );
    // Asynchronously: the target answers from this very process.
    const r = await new Promise<{ status: number; stdout: string; stderr: string }>((done) =>
      execFile(process.execPath, ['--test', '--test-reporter=tap', file], { cwd: dir, env: { ...process.env, KIT: JSON.stringify(kitOptions) } }, (err, stdout, stderr) =>
        done({ status: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
      ),
    );
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ok \d+ - metadata\.shape — /m);
    expect(r.stdout).toMatch(/^ok \d+ - status\.unknown — /m);
    expect(r.stdout).toMatch(/^# pass 5$/m);
    expect(r.stdout).toMatch(/^# fail 0$/m);
  });
});

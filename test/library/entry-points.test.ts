// The package's entry points as a user imports them (by name, through package.json's exports, from the built dist/):
// typed files exist, `opencharge-merchant/client` loads neither better-sqlite3 nor hono, each entry exports its API.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, { types: string; default: string } | string>; bin: Record<string, string> };
const dir = mkdtempSync(join(tmpdir(), 'oc-entry-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs an ES module inside the package (so `opencharge-merchant/…` resolves to itself), recording every URL it resolves. */
function run(source: string): { code: number | null; out: string; err: string; loaded: string[] } {
  const trace = join(dir, `trace-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(trace, '');
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(hooks, "import { appendFileSync } from 'node:fs';\nexport async function resolve(s, c, next) { const r = await next(s, c); appendFileSync(process.env.TRACE_FILE, r.url + '\\n'); return r; }\n");
  const register = join(dir, 'register.mjs');
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify('file://' + hooks)});\n`);
  const r = spawnSync(process.execPath, ['--import', register, '--input-type=module', '-e', source], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, TRACE_FILE: trace } });
  return { code: r.status, out: r.stdout, err: r.stderr, loaded: readFileSync(trace, 'utf8').split('\n').filter(Boolean) };
}

describe('package exports', () => {
  it('every entry point has compiled JavaScript and its .d.ts in dist/', () => {
    expect(Object.keys(pkg.exports).sort()).toEqual(['.', './client', './conformance', './package.json', './protocol']);
    for (const [name, target] of Object.entries(pkg.exports)) {
      if (typeof target === 'string') continue;
      expect(existsSync(join(ROOT, target.default)), `${name} → ${target.default}`).toBe(true);
      expect(existsSync(join(ROOT, target.types)), `${name} → ${target.types}`).toBe(true);
      expect(existsSync(join(ROOT, target.default + '.map')), `${name} source map`).toBe(true);
    }
    expect(pkg.bin['opencharge-merchant']).toBe('dist/cli/main.js');
    expect(readFileSync(join(ROOT, pkg.bin['opencharge-merchant']!), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('opencharge-merchant/client loads without better-sqlite3, hono or any server code', () => {
    const r = run("const m = await import('opencharge-merchant/client'); console.log(Object.keys(m).sort().join(','));");
    expect(r.code, r.err).toBe(0);
    expect(r.out.trim().split(',')).toEqual(expect.arrayContaining(['OpenchargeError', 'createClient', 'createSigner', 'verifyOrderSignature', 'verifyResponseSignature']));
    expect(r.loaded.some((u) => u.endsWith('/dist/client/index.js'))).toBe(true);
    expect(r.loaded.some((u) => u.includes('@noble/secp256k1'))).toBe(true); // the trace does see bare packages
    const server = r.loaded.filter((u) => /better-sqlite3|\/hono\/|drizzle|postgres|pino|\/dist\/(http|store|runtime|orders)\//.test(u));
    expect(server).toEqual([]);
  });

  it('opencharge-merchant/protocol and /conformance export their functions; the main entry createMerchant', () => {
    const r = run(
      "const p = await import('opencharge-merchant/protocol'); const c = await import('opencharge-merchant/conformance'); const m = await import('opencharge-merchant');" +
        "console.log(JSON.stringify({ p: typeof p.canonicalRequest + typeof p.signCanonical + typeof p.verifyCanonical + typeof p.parsePublicKey + typeof p.parseSignature, c: typeof c.runConformance + typeof c.conformanceTests + typeof c.formatJunit, m: typeof m.createMerchant }));",
    );
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ p: 'function'.repeat(5), c: 'function'.repeat(3), m: 'function' });
    expect(r.loaded.filter((u) => /better-sqlite3/.test(u))).toEqual([]); // the store loads on demand, when createMerchant opens one
  });
});

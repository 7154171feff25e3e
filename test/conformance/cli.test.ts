// `opencharge-merchant conformance` through the real dispatcher: run, --json, --junit, levels, exit codes, fixtures, keys, list.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index.ts';
import type { CliIO } from '../../src/cli/io.ts';
import { CHECKS } from '../../src/conformance/checks/index.ts';
import { createApp } from '../../src/http/app.ts';
import { parsePeers } from '../../src/peers/peers-file.ts';
import { parsePrivateKey, publicKeyHex } from '../../src/protocol/keys.ts';
import { nobleBackend } from '../../src/protocol/noble.ts';
import { ourServer, type Target } from './serve.ts';
import { freePort } from '../helpers/http-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'oc-conformance-cli-'));
const COMMITTED = resolve(dirname(fileURLToPath(import.meta.url)), '../vectors/conformance');

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: (t) => out.push(t), err: (t) => err.push(t), env: {}, cwd: dir };
  const code = await main(['conformance', ...args], io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

let t: Target;
let broken: Target;
let plain404: Target;
beforeAll(async () => {
  t = await ourServer();
  // A server whose nonce store forgets everything (see broken.test.ts for the whole gallery).
  broken = await ourServer({}, (h) => {
    const store = new Proxy(h.deps.store, { get: (s, p) => (p === 'insertNonce' ? async () => true : (Reflect.get(s, p) as (...a: unknown[]) => unknown).bind(s)) });
    const app = createApp({ ...h.deps, store });
    return (req, env) => app.fetch(req, env);
  });
  // A server whose unknown routes answer a bare text 404 instead of the envelope: a recommended check fails.
  plain404 = await ourServer({}, (h) => (req, env) => (new URL(req.url).pathname.includes('/conformance-no-such-route-') ? new Response('no', { status: 404 }) : h.app.fetch(req, env)));
});
afterAll(async () => {
  await t.close();
  await broken.close();
  await plain404.close();
  rmSync(dir, { recursive: true, force: true });
});

const target = (x: Target, ...more: string[]) => [x.baseUrl, '--caller-ocid', String(x.caller.ocid), '--caller-key', x.caller.key, '--issuer-ocid', String(x.issuer.ocid), '--issuer-key', x.issuer.key, ...more];

describe('conformance <baseUrl>', () => {
  it('prints one line per check and the summary line; exit 0 when nothing fails', async () => {
    const r = await cli(target(t, '--only', 'auth,metadata'));
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    const checkLines = lines.filter((l) => /^(PASS|FAIL|WARN|SKIP) {2}\S+ — .+ \[.+\]$/.test(l));
    expect(checkLines.length).toBe(CHECKS.filter((c) => /^(auth|metadata)\./.test(c.id)).length);
    expect(checkLines[0]).toMatch(/^PASS {2}metadata\.shape — .* \[docs\/profile\.md §6; docs\/opencharge\.md §2\.1, §6\.1\]$/);
    expect(lines.at(-1)).toMatch(/^\d+ passed, 0 failed, 0 warnings, 0 skipped$/);
  });

  it('exit 1 with the failures, their request and response, against a broken server', async () => {
    const r = await cli(target(broken, '--only', 'auth.replayed-nonce,auth.valid', '--skip', 'auth.replayed-nonce.concurrent'));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^FAIL {2}auth\.replayed-nonce — /m);
    expect(r.out).toMatch(/^ {6}reason: expected HTTP 401 NONCE_REUSED, got 200$/m);
    expect(r.out).toMatch(/^ {6}> GET http:\/\/127\.0\.0\.1:\d+\/opencharge\/capabilities$/m);
    expect(r.out).toMatch(/^ {6}< 200$/m);
    expect(r.out).toMatch(/^SKIP {2}auth\.replayed-nonce\.concurrent — [^\n]+\n {6}skipped: excluded by --skip$/m);
    expect(r.out.split('\n').at(-1)).toBe('1 passed, 3 failed, 0 warnings, 1 skipped');
  });

  it('--json prints machine-readable results', async () => {
    const r = await cli(target(t, '--only', 'status', '--json'));
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as { summary: Record<string, number>; results: Array<{ id: string; status: string; section: string }> };
    expect(doc.summary).toEqual({ passed: 3, failed: 0, warnings: 0, skipped: 0 });
    expect(doc.results.map((x) => x.id)).toEqual(['status.pending', 'status.expired', 'status.unknown']);
  });

  it('a failed recommended check is a WARN line and a warning in the summary; the run still exits 0', async () => {
    const r = await cli(target(plain404, '--only', 'errors,status.pending', '--skip', 'errors.unknown-route-post', '--junit', 'warn.xml'));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^WARN {2}errors\.unknown-route — .*\n {6}reason: /m);
    expect(r.out.split('\n').at(-1)).toBe('1 passed, 0 failed, 1 warnings, 1 skipped');
    const xml = readFileSync(join(dir, 'warn.xml'), 'utf8');
    expect(xml).toContain('<testsuite name="opencharge-conformance" tests="3" failures="0" errors="0" skipped="1"');
    expect(xml).toContain('<property name="warnings" value="1"/>');
    expect(xml).toMatch(/<testcase [^>]*name="errors\.unknown-route — [^"]*\(recommended\)"[^>]*>\n {4}<system-out>WARNING \(recommended check failed\): /);
    expect(xml).not.toContain('<failure');
  });

  it('--junit writes a required failure as <failure> with its reason and exchange', async () => {
    const r = await cli(target(broken, '--only', 'auth.replayed-nonce,auth.valid', '--skip', 'auth.replayed-nonce.concurrent', '--junit', 'fail.xml'));
    expect(r.code).toBe(1);
    const xml = readFileSync(join(dir, 'fail.xml'), 'utf8');
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')).toBe(true);
    expect(xml).toContain('tests="5" failures="3" errors="0" skipped="1"');
    expect(xml).toMatch(/<testcase classname="opencharge-conformance\.auth" name="auth\.replayed-nonce — [^"]*"[^>]*>\n {4}<failure message="expected HTTP 401 NONCE_REUSED, got 200" type="required">expected HTTP 401 NONCE_REUSED, got 200\n&#62; GET http:/);
    expect(xml).toMatch(/<testcase [^>]*name="auth\.valid — [^"]*"[^>]*\/>/);
  });

  it('usage errors exit 2; an unknown check id is an error', async () => {
    expect((await cli(['http://127.0.0.1:1/x'])).code).toBe(2);
    expect((await cli(['not-a-url', '--caller-ocid', '1', '--caller-key', '11'.repeat(32)])).code).toBe(2);
    const r = await cli(target(t, '--only', 'nosuch'));
    expect(r.code).toBe(1);
    expect(r.err).toContain("no conformance check matches 'nosuch'");
  });
});

describe('conformance against a target that does not answer', () => {
  it('reports one failure "cannot reach <url> (connection refused)", not one per check', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/opencharge`;
    const r = await cli([url, '--caller-ocid', '1', '--caller-key', '11'.repeat(32)]);
    expect(r.code).toBe(1);
    const lines = r.out.split('\n');
    expect(lines.filter((l) => /^FAIL /.test(l))).toEqual(['FAIL  target.reachable — the target answers HTTP at its base URL [HTTP]']);
    expect(r.out).toContain(`reason: cannot reach ${url} (connection refused)`);
    expect(r.out).not.toContain('fetch failed');
    expect(lines.at(-1)).toBe('0 passed, 1 failed, 0 warnings, 0 skipped');
  });

  it('still refuses an unknown check id first (a typo is not hidden behind the probe)', async () => {
    const r = await cli(['http://127.0.0.1:9/opencharge', '--caller-ocid', '1', '--caller-key', '11'.repeat(32), '--only', 'nosuch']);
    expect(r.code).toBe(1);
    expect(r.err).toContain("no conformance check matches 'nosuch'");
  });
});

describe('conformance fixtures', () => {
  it('writes the committed fixtures byte for byte', async () => {
    const r = await cli(['fixtures', '--out', 'fx']);
    expect(r.code).toBe(0);
    const files = readdirSync(join(dir, 'fx')).sort();
    expect(files).toEqual(readdirSync(COMMITTED).sort());
    for (const f of files) expect(readFileSync(join(dir, 'fx', f), 'utf8'), f).toBe(readFileSync(join(COMMITTED, f), 'utf8'));
  });
  it('needs --out', async () => {
    expect((await cli(['fixtures'])).code).toBe(2);
  });
});

describe('conformance keys', () => {
  it('prints fresh keys, a peers file our server accepts, the OC_ACCEPTS line and the command', async () => {
    const r = await cli(['keys', '--caller-ocid', '7001', '--issuer-ocid', '7002', '--base-url', 'https://pay.example/opencharge']);
    expect(r.code).toBe(0);
    const json = r.out.slice(r.out.indexOf('['), r.out.indexOf(']\n') + 1);
    const peers = parsePeers(JSON.parse(json), 'keys output');
    expect(peers.map((p) => p.ocid)).toEqual([7001, 7002]);
    expect(r.out).toMatch(/^OC_ACCEPTS=7002$/m);
    const cmd = /^opencharge-merchant conformance https:\/\/pay\.example\/opencharge --caller-ocid 7001 --caller-key ([0-9a-f]{64}) --issuer-ocid 7002 --issuer-key ([0-9a-f]{64})$/m.exec(r.out);
    expect(cmd).not.toBeNull();
    const pub = (hex: string) => {
      const k = parsePrivateKey(hex);
      return k.ok ? publicKeyHex(nobleBackend.publicKey(k.key)) : '';
    };
    expect(pub(cmd![1]!)).toBe(peers[0]!.publicKey);
    expect(pub(cmd![2]!)).toBe(peers[1]!.publicKey);
    expect(r.err).toContain('warning');
    const again = await cli(['keys']);
    expect(again.out).not.toContain(cmd![1]!);
  });
});

describe('conformance list', () => {
  it('lists every check with its level and section', async () => {
    const r = await cli(['list']);
    expect(r.out.split('\n')).toHaveLength(CHECKS.length);
    expect(r.out).toMatch(/^auth\.high-s +required +the high-S twin .*\[docs\/profile\.md §1, §2 step 4\]$/m);
    expect(r.out).toMatch(/^orders\.unsupported-currency +recommended +a currency the merchant does not settle/m);
    expect(CHECKS.filter((c) => c.level === 'recommended').length).toBeGreaterThan(0);
  });
});

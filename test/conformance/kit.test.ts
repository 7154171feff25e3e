// The whole kit against our real server over real HTTP: what passes, what is skipped and why, and the server bugs it found.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance, selectChecks } from '../../src/conformance/runner.ts';
import { CHECKS } from '../../src/conformance/checks/index.ts';
import { formatResult, summaryLine } from '../../src/conformance/report.ts';
import type { CheckResult } from '../../src/conformance/types.ts';
import { kitOptions, ourServer, type Target } from './serve.ts';
import { INVENTORY, KNOWN_SERVER_BUGS } from './known-server-bugs.ts';
import { dropSchema, freshSchema, pgAvailable } from '../helpers/pg-schema.ts';

const pg = await pgAvailable('test/conformance/kit.test.ts (kit on PostgreSQL)');

const ids = (rs: CheckResult[], s: CheckResult['status']) => rs.filter((r) => r.status === s).map((r) => r.id).sort();
const explain = (rs: CheckResult[]) => rs.filter((r) => r.status === 'fail' && !(r.id in KNOWN_SERVER_BUGS)).map(formatResult).join('\n\n');

function expectOnlyKnownBugs(results: CheckResult[]) {
  expect(ids(results, 'fail'), explain(results)).toEqual(Object.keys(KNOWN_SERVER_BUGS).sort());
}

describe('the kit against our server without an inventory', () => {
  let t: Target;
  let results: CheckResult[];
  beforeAll(async () => {
    t = await ourServer();
    results = await runConformance(kitOptions(t));
    console.info(`kit vs our server (no inventory): ${summaryLine(results)}\n${results.filter((r) => r.status !== 'pass').map((r) => `  ${r.status.toUpperCase()} ${r.id}: ${r.reason}`).join('\n')}`);
  });
  afterAll(async () => t.close());

  it('runs every check once', () => {
    expect(results.map((r) => r.id)).toEqual(CHECKS.map((c) => c.id));
  });
  it('fails nothing but the known server bugs', () => expectOnlyKnownBugs(results));
  it('skips only the inventory checks, because there is no inventory', () => {
    const skipped = results.filter((r) => r.status === 'skip');
    expect(skipped.map((r) => r.id)).toEqual(['inventory.shape', 'inventory.priced-order', 'inventory.amount-mismatch', 'inventory.currency-mismatch', 'inventory.unknown-item']);
    for (const r of skipped) expect(r.reason).toMatch(/publishes no inventory \(GET \/inventory → 400\)/);
  });
});

describe('the kit against our server with an inventory', () => {
  let t: Target;
  let results: CheckResult[];
  beforeAll(async () => {
    t = await ourServer({ inventory: INVENTORY });
    results = await runConformance(kitOptions(t, { skip: ['status.expired', 'proofs.late'] }));
    console.info(`kit vs our server (inventory): ${summaryLine(results)}`);
  });
  afterAll(async () => t.close());

  it('fails nothing but the known server bugs', () => expectOnlyKnownBugs(results));
  it('runs the inventory checks and skips the amount checks that need a free amount', () => {
    expect(ids(results, 'skip')).toEqual(['inventory.absent', 'orders.invalid-amount', 'proofs.late', 'status.expired']);
    expect(results.find((r) => r.id === 'proofs.late')!.reason).toBe('excluded by --skip');
    for (const id of ['inventory.shape', 'inventory.priced-order', 'inventory.amount-mismatch', 'inventory.currency-mismatch', 'inventory.unknown-item'])
      expect(results.find((r) => r.id === id)!.status, id).toBe('pass');
  });
});

describe('what the kit cannot check, it skips with the reason', () => {
  let t: Target;
  beforeAll(async () => {
    t = await ourServer({ env: { OC_ACCEPTS: '100' } });
  });
  afterAll(async () => t.close());

  it('no issuer key: every proof check that signs a proof is skipped', async () => {
    const results = await runConformance(kitOptions(t, { issuerOcid: undefined, issuerKey: undefined, only: ['proofs', 'auth.nonce-per-ocid'] }));
    expect(ids(results, 'pass')).toEqual(['proofs.malformed']);
    for (const r of results.filter((x) => x.id !== 'proofs.malformed')) expect(r.reason, r.id).toMatch(/issuer|second identity/);
    expect(ids(results, 'fail')).toEqual([]);
  });

  it('an issuer the target does not accept: the proof checks say so', async () => {
    const results = await runConformance(kitOptions(t, { only: ['proofs.accepted-form-a', 'proofs.unknown-reference'] }));
    expect(results.map((r) => [r.id, r.status])).toEqual([['proofs.accepted-form-a', 'skip'], ['proofs.unknown-reference', 'skip']]);
    expect(results[0]!.reason).toContain(`does not accept issuer ${t.issuer.ocid}`);
    expect(results[1]!.reason).toContain('not in metadata settlement.accepts');
  });
});

describe('check selection', () => {
  it('takes ids, dotted prefixes and * prefixes; --skip reports them as skipped', () => {
    const pick = (only: string[], skip: string[] = []) => selectChecks(only, skip).map((s) => `${s.check.id}${s.skipped ? ' (skip)' : ''}`);
    expect(pick(['auth.stale-timestamp'])).toEqual(['auth.stale-timestamp']);
    expect(pick(['auth.missing-header'])).toHaveLength(5);
    expect(pick(['auth.replayed*'])).toEqual(['auth.replayed-nonce', 'auth.replayed-nonce.orders-create', 'auth.replayed-nonce.transfer-webhook', 'auth.replayed-nonce.concurrent']);
    expect(pick(['status'], ['status.unknown'])).toEqual(['status.pending', 'status.expired', 'status.unknown (skip)']);
  });
  it('refuses an entry that matches nothing', () => {
    expect(() => selectChecks(['auth.stale'])).toThrow(/auth\.stale-timestamp/); // a partial word is no prefix
    expect(() => selectChecks(['nosuch'])).toThrow(/no conformance check matches 'nosuch'/);
    expect(() => selectChecks([], ['proof'])).toThrow(/'proof'/);
  });
  it('CONFORMANCE.md has a table row for every check', () => {
    const doc = readFileSync(resolve(dirname(fileURLToPath(import.meta.url)), '../../CONFORMANCE.md'), 'utf8');
    for (const c of CHECKS) expect(doc, c.id).toContain(`| \`${c.id}\` | ${c.title.replace(/\|/g, '\\|')} | ${c.level} | ${c.section} |`);
  });
  it('every check has a unique id, a title and a section', () => {
    expect(new Set(CHECKS.map((c) => c.id)).size).toBe(CHECKS.length);
    for (const c of CHECKS) {
      expect(c.id).toMatch(/^[a-z]+\.[a-z0-9.-]+$/);
      expect(c.section).toMatch(/^docs\/(profile|opencharge)\.md §/);
      expect(['required', 'recommended']).toContain(c.level);
      expect(c.title.length).toBeGreaterThan(10);
    }
  });
});

describe.skipIf(!pg)('the kit against our server on PostgreSQL', () => {
  let t: Target;
  let results: CheckResult[];
  const db = freshSchema('oc_kit');
  beforeAll(async () => {
    t = await ourServer({ env: { OC_DATABASE_URL: db.url } });
    results = await runConformance(kitOptions(t));
    console.info(`kit vs our server (PostgreSQL): ${summaryLine(results)}`);
  });
  afterAll(async () => {
    await t?.close();
    await dropSchema(db.schema);
  });

  it('fails nothing', () => expectOnlyKnownBugs(results));
  it('passes the replay and concurrency checks on the shared database', () => {
    const passed = ids(results, 'pass');
    for (const id of ['auth.replayed-nonce.concurrent', 'orders.concurrent-create', 'proofs.concurrent-replay']) expect(passed, id).toContain(id);
  });
});

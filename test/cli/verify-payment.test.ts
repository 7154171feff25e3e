// `opencharge-merchant verify-payment` as a real process on the server's SQLite file, asking a fake issuer on
// 127.0.0.1: a missed webhook recovered once (order.paid exactly once), and the refusals with their exit codes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOrder } from '../../src/orders/create-order.ts';
import { ISSUER_OCID, MERCHANT_OCID, makeHarness, type Harness } from '../helpers/harness.ts';
import { makeProof } from '../helpers/proofs.ts';
import { startFakeIssuer, type FakeIssuer } from '../fakes/issuer.ts';
import { closeServers } from '../helpers/http-server.ts';
import { runToExit } from '../helpers/serve-process.ts';

const BIN = resolve(__dirname, '../../dist/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'oc-verify-cli-'));
let h: Harness;
let fake: FakeIssuer;
let env: Record<string, string>;
beforeAll(async () => {
  fake = await startFakeIssuer();
  const peersFile = join(dir, 'peers.json');
  writeFileSync(peersFile, JSON.stringify([fake.peer]));
  h = await makeHarness({ dir, peers: [fake.peer] });
  // The CLI runs on the wall clock: orders and proofs here are dated by it too.
  h.clock.now = Math.floor(Date.now() / 1000);
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OC_'))) as Record<string, string>;
  env = {
    ...clean,
    OC_ENV: 'test',
    OC_OCID: String(MERCHANT_OCID),
    OC_PRIVATE_KEY: '11'.repeat(32),
    OC_DATABASE_URL: `file:${join(dir, 'test.db')}`,
    OC_PEERS_FILE: peersFile,
    OC_ALLOW_HTTP_PEERS: '1',
    OC_ACCEPTS: String(ISSUER_OCID),
    OC_CURRENCIES: 'USD',
    OC_LOG_LEVEL: 'warn',
  };
});
afterAll(async () => {
  await h.close();
  await closeServers();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  fake.mode = 'completed';
  fake.verifyCalls.length = 0;
});

/** Runs the command to its end (asynchronously: the fake issuer lives in this process). */
async function cli(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const r = await runToExit({ argv: [process.execPath, BIN, 'verify-payment', ...args], env, cwd: dir });
  return { code: r.code, out: r.stdout, err: r.stderr };
}

async function order(): Promise<string> {
  const res = await createOrder(h.deps, { callerOcid: 0, body: { amount: '15.00', currency: 'USD' } });
  if (!res.ok) throw new Error(res.message);
  return res.value.record.id;
}
const paidEvents = async (id: string) => (await h.store.listEvents(id)).filter((e) => e.type === 'order.paid').length;

describe('verify-payment', () => {
  it('recovers a missed webhook for --order: paid, order.paid once; run again, nothing changes', async () => {
    const id = await order();
    fake.record(makeProof(id, { txid: 'tx_cli_missed', timestamp: h.clock.now }, 'A'));
    const first = await cli(['--issuer', String(ISSUER_OCID), '--txid', 'tx_cli_missed', '--order', id]);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out).toContain('issuer 100 confirmed txid tx_cli_missed: verdict accepted');
    expect(first.out).toContain(`order ${id}: paid (txid tx_cli_missed)`);
    expect(await h.store.getOrder(id)).toMatchObject({ status: 'paid', txid: 'tx_cli_missed' });
    expect(await h.store.listProofs(id)).toMatchObject([{ senderOcid: 0, voucher: 'issuer_confirmed', verdict: 'accepted' }]);
    expect(fake.verifyCalls).toEqual([{ target: '/opencharge/verify/tx_cli_missed', ocid: '500', signedByMerchant: true }]);

    const again = await cli(['--issuer', String(ISSUER_OCID), '--txid', 'tx_cli_missed', '--order', id]);
    expect(again.code).toBe(0);
    expect(again.out).toContain('(already recorded: nothing changed)');
    expect(await paidEvents(id)).toBe(1);
  });

  it('without --order, the proof’s to.reference picks the order, as for a webhook', async () => {
    const id = await order();
    fake.record(makeProof(id, { txid: 'tx_cli_by_reference', timestamp: h.clock.now }, 'A'));
    const r = await cli(['--issuer', String(ISSUER_OCID), '--txid', 'tx_cli_by_reference']);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`order ${id}: paid`);
    expect(await paidEvents(id)).toBe(1);
  });

  it('a pending payment → exit 1 with the code and reason on stderr; nothing recorded', async () => {
    const id = await order();
    fake.mode = 'pending';
    const r = await cli(['--issuer', String(ISSUER_OCID), '--txid', 'tx_cli_wait', '--order', id]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('INVALID_STATE: the issuer reports txid tx_cli_wait as pending');
    expect(await h.store.listProofs(id)).toEqual([]);
  });

  it('an unsigned answer → exit 1, GATEWAY_ERROR', async () => {
    const id = await order();
    fake.record(makeProof(id, { txid: 'tx_cli_unsigned', timestamp: h.clock.now }, 'A'));
    fake.mode = 'unsigned';
    const r = await cli(['--issuer', String(ISSUER_OCID), '--txid', 'tx_cli_unsigned', '--order', id]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("GATEWAY_ERROR: issuer 100 could not confirm txid tx_cli_unsigned: the issuer's answer is not signed");
    expect(await h.store.getOrder(id)).toMatchObject({ status: 'pending' });
  });

  it('bad invocations → exit 2 with the usage, nothing asked', async () => {
    for (const args of [['--issuer', '100'], ['--issuer', 'x', '--txid', 't'], ['--issuer', '100', '--txid', 't', '--oder', 'o']]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(2);
    }
    expect((await cli(['--issuer', '100', '--txid', 't', '--oder', 'o'])).err).toContain('unknown option --oder');
    expect((await cli(['--issuer', 'x', '--txid', 't'])).err).toContain('--issuer:');
    expect(fake.verifyCalls).toEqual([]);
  });
});

// Two real server processes on one PostgreSQL schema: replays, duplicate creates and duplicate proofs have one effect.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalRequest } from '../../src/protocol/canonical.ts';
import { nobleBackend } from '../../src/protocol/noble.ts';
import { signCanonical } from '../../src/protocol/signature.ts';
import { CALLER, CALLER_OCID, ISSUER, ISSUER_OCID } from '../helpers/harness.ts';
import { makeProof } from '../helpers/proofs.ts';
import { dropSchema, freshSchema, pgAvailable, withSchemaSql } from '../helpers/pg-schema.ts';
import { startServerProcess, type Running } from '../helpers/serve-process.ts';

const available = await pgAvailable('test/e2e/multi-instance.test.ts');
const { schema, url } = freshSchema('oc_e2e');
const dir = mkdtempSync(join(tmpdir(), 'oc-multi-'));

const startServer = (env: Record<string, string>) => startServerProcess({ env, cwd: dir, timeoutMs: 30_000 });

async function stop(s: Running | undefined): Promise<void> {
  if (!s || s.child.exitCode !== null) return;
  const exited = new Promise((r) => s.child.once('exit', r));
  s.child.kill('SIGTERM');
  const timer = setTimeout(() => s.child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Headers for one signed request; sending the same headers twice is a replay. */
function signedHeaders(method: string, path: string, body: string, as = { ocid: CALLER_OCID, key: CALLER.priv }) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = `req_${randomBytes(16).toString('hex')}`;
  const canonical = canonicalRequest({ ocid: String(as.ocid), timestamp, nonce, method, path, body });
  return {
    'X-OC-ID': String(as.ocid),
    'X-OC-Timestamp': timestamp,
    'X-OC-Nonce': nonce,
    'X-OC-Signature': signCanonical(nobleBackend, as.key, canonical),
    'content-type': 'application/json',
  };
}

const rows = <T>(q: string, ...params: unknown[]) => withSchemaSql(schema, (sql) => sql.unsafe(q, params as never[]) as unknown as Promise<T[]>);

describe.skipIf(!available)('two instances on one PostgreSQL schema', () => {
  let a: Running;
  let b: Running;
  const both = () => [a, b];
  const post = (s: Running, path: string, body: string, headers: Record<string, string>) =>
    fetch(`${s.base}${path}`, { method: 'POST', headers, body });

  beforeAll(async () => {
    const peers = join(dir, 'peers.json');
    writeFileSync(peers, JSON.stringify([{ ocid: CALLER_OCID, publicKey: CALLER.pub }, { ocid: ISSUER_OCID, publicKey: ISSUER.pub }]));
    const env = {
      OC_PORT: '0',
      OC_DATABASE_URL: url,
      OC_OCID: '500',
      OC_PRIVATE_KEY: '11'.repeat(32),
      OC_ENV: 'production',
      OC_PUBLIC_URL: 'https://pay.shop.example',
      OC_ACCEPTS: String(ISSUER_OCID),
      OC_PEERS_FILE: peers,
      OC_LOG_LEVEL: 'warn',
    };
    // Started together: both apply migrations to the same new schema at once.
    [a, b] = await Promise.all([startServer(env), startServer(env)]);
  });
  afterAll(async () => {
    await Promise.all([stop(a), stop(b)]);
    await dropSchema(schema);
    rmSync(dir, { recursive: true, force: true });
  });

  it('both run on PostgreSQL in the given schema, without printing a password', () => {
    const password = decodeURIComponent(new URL(url).password);
    for (const s of both()) {
      expect(s.output()).toMatch(new RegExp(`database\\s+postgres postgres://\\S+\\?schema=${schema}`));
      if (password) expect(s.output()).not.toContain(password);
    }
  });

  it('answers one signed request sent to both at once exactly once: 200 and 401 NONCE_REUSED', async () => {
    for (let round = 0; round < 5; round++) {
      const path = '/opencharge/orders/create';
      const body = JSON.stringify({ amount: '15.00', currency: 'USD' });
      const headers = signedHeaders('POST', path, body);
      const res = await Promise.all(both().map((s) => post(s, path, body, headers)));
      const answers = await Promise.all(res.map(async (r) => ({ status: r.status, body: (await r.json()) as { order?: { id: string }; error?: { code: string } } })));
      expect(answers.map((x) => x.status).sort(), JSON.stringify(answers)).toEqual([200, 401]);
      expect(answers.find((x) => x.status === 401)!.body.error?.code).toBe('NONCE_REUSED');
      const id = answers.find((x) => x.status === 200)!.body.order!.id;
      expect(await rows(`select id from orders where id = $1`, id)).toHaveLength(1);
    }
  });

  it('creates one order when the same id is created through both at once, with byte-identical answers', async () => {
    for (let round = 0; round < 5; round++) {
      const id = `ord_multi_${round}_${randomBytes(6).toString('hex')}`;
      const path = '/opencharge/orders/create';
      const body = JSON.stringify({ id, amount: '15.00', currency: 'USD' });
      const res = await Promise.all(both().map((s) => post(s, path, body, signedHeaders('POST', path, body))));
      const texts = await Promise.all(res.map((r) => r.text()));
      expect(res.map((r) => r.status), texts.join('\n')).toEqual([200, 200]);
      expect(texts[1]).toBe(texts[0]);
      expect(await rows(`select id from orders where id = $1`, id)).toHaveLength(1);
      expect(await rows(`select type from events where order_id = $1`, id)).toEqual([{ type: 'order.created' }]);
    }
  });

  it('applies one transfer proof delivered to both at once once: one proof row, one order.paid', async () => {
    for (let round = 0; round < 5; round++) {
      const path = '/opencharge/orders/create';
      const create = JSON.stringify({ amount: '15.00', currency: 'USD' });
      const created = await post(a, path, create, signedHeaders('POST', path, create));
      expect(created.status).toBe(200);
      const id = ((await created.json()) as { order: { id: string } }).order.id;
      const proof = makeProof(id, { timestamp: Math.floor(Date.now() / 1000) });
      const hook = '/opencharge/transfer/webhook';
      const body = JSON.stringify(proof);
      const res = await Promise.all(both().map((s) => post(s, hook, body, signedHeaders('POST', hook, body, { ocid: ISSUER_OCID, key: ISSUER.priv }))));
      const answers = await Promise.all(res.map(async (r) => ({ status: r.status, body: await r.json() })));
      for (const x of answers) expect(x, JSON.stringify(answers)).toEqual({ status: 200, body: { status: 'accepted', txid: proof.proof.txid } });
      expect(await rows(`select verdict from proofs where txid = $1`, proof.proof.txid)).toEqual([{ verdict: 'accepted' }]);
      expect(await rows(`select type from events where order_id = $1 order by seq`, id)).toEqual([{ type: 'order.created' }, { type: 'order.paid' }]);
      const status = await (await fetch(`${b.base}/opencharge/orders/${id}/status`)).json();
      expect(status).toMatchObject({ orderId: id, status: 'paid', txid: proof.proof.txid });
    }
  });
});

if (!available) afterAll(() => rmSync(dir, { recursive: true, force: true }));

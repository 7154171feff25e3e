// bench/driver.ts against the real server (startNode in-process, real SQLite): its presigned raw requests are
// accepted, each creates its own order, and replaying them is refused (every request carried its own nonce).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNode, type RunningServer } from '../../src/runtime/node.ts';
import { nobleBackend } from '../../src/protocol/noble.ts';
import { CALLER, CALLER_OCID } from '../helpers/harness.ts';
import { drive, prepareRequests, responseEnd } from '../../bench/driver.ts';

const dir = mkdtempSync(join(tmpdir(), 'oc-bench-driver-'));
const dbFile = join(dir, 'x.db');
let server: RunningServer;

beforeAll(async () => {
  const peers = join(dir, 'peers.json');
  writeFileSync(peers, JSON.stringify([{ ocid: CALLER_OCID, publicKey: CALLER.pub }]));
  server = await startNode({
    env: { OC_LOG_LEVEL: 'silent', OC_PORT: '0', OC_ENV: 'test', OC_OCID: '500', OC_PRIVATE_KEY: '11'.repeat(32), OC_PEERS_FILE: peers, OC_ACCEPTS: '100', OC_DATABASE_URL: `file:${dbFile}`, OC_RATE_LIMIT: '0', OC_RATE_LIMIT_IP: '0' },
    cwd: dir,
    print: () => {},
  });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the bench driver', () => {
  it('sends distinct, correctly signed create-order requests the real server accepts, each once', async () => {
    const requests = prepareRequests({ backend: nobleBackend, callerKey: CALLER.priv, callerOcid: CALLER_OCID, count: 40 });
    const nonces = new Set(requests.map((r) => /x-oc-nonce: (\S+)/.exec(r.toString())![1]));
    expect(nonces.size).toBe(40);
    const r = await drive(server.port, requests, 4);
    expect(r.statuses).toEqual({ 200: 40 });
    expect(r.completed).toBe(40);
    expect(r.errors).toBe(0);
    expect(JSON.parse(r.samples[200]!)).toMatchObject({ order: { amount: '15.00', currency: 'USD', memo: 'bench' } });
    expect(r.p99).toBeGreaterThanOrEqual(r.p50);
    const db = new Database(dbFile, { readonly: true });
    try {
      expect((db.prepare("select count(*) as n from orders where order_json like '%\"memo\":\"bench\"%'").get() as { n: number }).n).toBe(40);
    } finally {
      db.close();
    }
    // The same bytes again: every nonce was consumed, so every one is refused.
    const again = await drive(server.port, requests, 4);
    expect(again.statuses).toEqual({ 401: 40 });
    expect(JSON.parse(again.samples[401]!)).toMatchObject({ error: { code: 'NONCE_REUSED' } });
  });

  it('finds the end of a Content-Length and of a chunked response, and waits for an incomplete one', () => {
    const cl = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1');
    expect(responseEnd(cl)).toEqual({ end: cl.indexOf('HTTP/1.1', 5), status: 200, bodyStart: cl.indexOf('ok') });
    expect(responseEnd(Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nok'))).toBeUndefined();
    const chunked = Buffer.from('HTTP/1.1 401 Unauthorized\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n');
    expect(responseEnd(chunked)).toMatchObject({ end: chunked.length, status: 401 });
    expect(responseEnd(chunked.subarray(0, chunked.length - 3))).toBeUndefined();
  });
});

// The per-address limit over a real Node socket: the key is the TCP peer (127.0.0.1 vs 127.0.0.2), never X-Forwarded-For.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHarness, type Harness } from '../helpers/harness.ts';
import { listenNode } from '../../src/runtime/node.ts';
import type { Listener } from '../../src/runtime/start.ts';

let h: Harness;
let server: Listener;
beforeAll(async () => {
  // No socketAddress injected: the app reads the peer the way it does in production.
  // 1/s with a burst of 20: a 20 s window, so a slow machine cannot refill the bucket in the middle of the test.
  h = await makeHarness({ env: { OC_RATE_LIMIT_IP: '1/20' } });
  server = await listenNode(h.app.fetch, '127.0.0.1', 0);
});
afterAll(async () => {
  await server.close();
  await h.close();
});

/** GET from a chosen local address (any 127.x.x.x is loopback on Linux). */
function getFrom(localAddress: string, headers: Record<string, string> = {}): Promise<{ status: number; retryAfter?: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path: '/opencharge/metadata.json', localAddress, headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'] as string | undefined }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('per-address limit on Node (@hono/node-server socket peer)', () => {
  it('counts per TCP peer: 127.0.0.1 is limited after its burst, 127.0.0.2 is not', async () => {
    for (let i = 0; i < 20; i++) expect((await getFrom('127.0.0.1')).status).toBe(200);
    const limited = await getFrom('127.0.0.1');
    expect(limited.status).toBe(429);
    expect(limited.retryAfter).toMatch(/^[1-9]\d*$/);
    expect((await getFrom('127.0.0.2')).status).toBe(200);
  });

  it('a forged X-Forwarded-For does not move a limited peer to a fresh bucket', async () => {
    expect((await getFrom('127.0.0.1', { 'x-forwarded-for': '198.51.100.99' })).status).toBe(429);
  });
});

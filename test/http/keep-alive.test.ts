// PROFILE §7 over a real Node socket: a 413 (or any answer before the body is read) closes the connection, so the
// keep-alive client's next requests all get answered instead of failing with "other side closed".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHarness, type Harness } from '../helpers/harness.ts';
import { listenNode } from '../../src/runtime/node.ts';
import type { Listener } from '../../src/runtime/start.ts';

const CREATE = '/opencharge/orders/create';
const MIB = 'x'.repeat(1024 * 1024);
let h: Harness;
let server: Listener;
let base: string;
beforeAll(async () => {
  h = await makeHarness();
  server = await listenNode(h.app.fetch, '127.0.0.1', 0);
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
  await server.close();
  await h.close();
});

/** Five plain requests right after, on the same keep-alive agent (Node's global fetch): each status or error. */
async function fiveMore(): Promise<Array<number | string>> {
  const out: Array<number | string> = [];
  for (let i = 0; i < 5; i++) {
    try {
      const res = await fetch(`${base}/opencharge/metadata.json`);
      await res.arrayBuffer();
      out.push(res.status);
    } catch (err) {
      out.push(String((err as { cause?: Error }).cause?.message ?? err));
    }
  }
  return out;
}

const FIVE_OK = [200, 200, 200, 200, 200];

describe('keep-alive after an early answer (Node)', () => {
  it('a 413 for a declared 1 MiB body says Connection: close, and the next 5 requests are answered (3 rounds)', async () => {
    for (let round = 0; round < 3; round++) {
      const res = await fetch(base + CREATE, { method: 'POST', body: MIB, headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(413);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
      expect({ connection: res.headers.get('connection'), after: await fiveMore() }).toEqual({ connection: 'close', after: FIVE_OK });
    }
  });

  it('a 413 outside the signed routes says Connection: close too', async () => {
    const res = await fetch(`${base}/opencharge/no-such-route`, { method: 'POST', body: MIB });
    expect(res.status).toBe(413);
    await res.arrayBuffer();
    expect({ connection: res.headers.get('connection'), after: await fiveMore() }).toEqual({ connection: 'close', after: FIVE_OK });
  });

  it('a 413 for a streamed body without Content-Length says Connection: close', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(16 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(ctl) {
        if (sent++ < 64) ctl.enqueue(chunk);
        else ctl.close();
      },
    });
    const res = await fetch(base + CREATE, { method: 'POST', body, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    await res.arrayBuffer();
    expect({ connection: res.headers.get('connection'), after: await fiveMore() }).toEqual({ connection: 'close', after: FIVE_OK });
  });

  it('a 401 given before the body is read (bad headers) says Connection: close', async () => {
    const body = '{"amount":"1.00","currency":"USD","memo":"' + 'm'.repeat(60 * 1024) + '"}';
    const res = await fetch(base + CREATE, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(401);
    await res.arrayBuffer();
    expect({ connection: res.headers.get('connection'), after: await fiveMore() }).toEqual({ connection: 'close', after: FIVE_OK });
  });

  it('an answer after the body was read keeps the connection alive', async () => {
    const body = JSON.stringify({ amount: '1.00', currency: 'USD' });
    const res = await fetch(base + CREATE, { method: 'POST', body, headers: h.headersFor('POST', CREATE, body) });
    expect(res.status).toBe(200);
    expect(res.headers.get('connection')).toBe('keep-alive');
    await res.arrayBuffer();
  });
});

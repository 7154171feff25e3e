// The delivery worker against a real SQLite store and real HTTP receivers on 127.0.0.1, driven by runOnce and a fixed clock.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.ts';
import { type DeliveryRecord, type NewOrder, type Store } from '../../src/store/types.ts';
import { PAYMENT_OUTCOME_EVENTS, type EventType } from '../../src/orders/types.ts';
import { createMemoryLogger } from '../../src/log.ts';
import { dropSchema, freshSchema, pgAvailable } from '../helpers/pg-schema.ts';
import { createDeliveryWorker, WEBHOOK_USER_AGENT, type DeliveryWorkerOptions } from '../../src/notify/index.ts';
import { verifyAt, type Verified } from '../helpers/webhooks.ts';

const T0 = 1_800_000_000;
const KEY_B64 = Buffer.from('0123456789abcdef0123456789abcdef').toString('base64');
const NEW_SECRET = `whsec_${KEY_B64}`;
const OLD_KEY_B64 = Buffer.from('the previous key, before rotation').toString('base64');
const OLD_SECRET = `whsec_${OLD_KEY_B64}`;
const SECRETS = [NEW_SECRET, OLD_SECRET];
const SCHEDULE = [1, 2, 3];

interface Hit {
  id: string;
  timestamp: string;
  body: string;
  headers: IncomingHttpHeaders;
  verifiedNew: Verified;
  verifiedOld: Verified;
  answered: number | 'hang';
}

type Responder = (hit: Hit, nth: number) => number | 'hang' | Promise<number | 'hang'>;

interface Receiver {
  url: string;
  hits: Hit[];
  respond: Responder;
  close(): Promise<void>;
}

let dir: string;
let clock: { now: number };
const cleanups: Array<() => Promise<void>> = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'oc-notify-'));
  clock = { now: T0 };
});

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

const pg = await pgAvailable('test/notify/worker.test.ts');
const dbUrl = () => 'file:' + join(dir, 'notify.db');

async function open(): Promise<Store> {
  const store = await openStore(dbUrl(), { cwd: dir });
  cleanups.push(() => store.close());
  return store;
}

/** A shop endpoint: verifies each notification with the official library, once per secret, records it, answers per `respond`. */
async function receiver(respond: Responder): Promise<Receiver> {
  const hits: Hit[] = [];
  const rec: Receiver = { url: '', hits, respond, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const h = req.headers;
      const hit: Hit = {
        id: String(h['webhook-id']),
        timestamp: String(h['webhook-timestamp']),
        body,
        headers: h,
        verifiedNew: verifyAt(NEW_SECRET, body, h, clock.now),
        verifiedOld: verifyAt(OLD_SECRET, body, h, clock.now),
        answered: 0,
      };
      hits.push(hit);
      const answer = await rec.respond(hit, hits.length);
      hit.answered = answer;
      if (answer === 'hang') return;
      res.writeHead(answer, { 'content-type': 'text/plain' }).end(answer >= 300 ? 'boom\n\tdetails' : 'ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  rec.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/opencharge`;
  rec.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  cleanups.push(rec.close);
  return rec;
}

async function addEvent(store: Store, url: string, n: number, type: EventType = 'order.created'): Promise<void> {
  const r = await store.createOrder(...orderWithEvent(url, n, type));
  expect(r.kind).toBe('created');
}

function orderWithEvent(url: string, n: number, type: EventType): Parameters<Store['createOrder']> {
  const orderId = `ord_${n}`;
  const order: NewOrder = {
    id: orderId,
    callerOcid: 0,
    requestHash: `hash-${n}`,
    amount: '12.50',
    currency: 'USD',
    reference: `ref-${n}`,
    createdAt: clock.now,
    expiresAt: clock.now + 3600,
    orderJson: JSON.stringify({ id: orderId }),
    signature: '00',
    responseBody: '{}',
  };
  const data = JSON.stringify({ order: { id: orderId, amount: '12.50', currency: 'USD', note: 'naïve ☕' } });
  return [order, { event: { id: `evt_${n}`, orderId, type, createdAt: clock.now, data }, delivery: { id: `dlv_${n}`, url } }];
}

/** `count` order.created events from `from` on, queued together (the SQLite store commits them as one group). */
async function addFlood(store: Store, url: string, from: number, count: number): Promise<void> {
  for (let i = 0; i < count; i += 250) {
    const chunk = Array.from({ length: Math.min(250, count - i) }, (_, k) => store.createOrder(...orderWithEvent(url, from + i + k, 'order.created')));
    expect((await Promise.all(chunk)).every((r) => r.kind === 'created')).toBe(true);
  }
}

/** Holds every answer until `n` requests are waiting (or `total` have arrived), then answers them all 200. */
function gate(n: number, total: number) {
  let held: Array<() => void> = [];
  let arrived = 0;
  let opened: () => void;
  const firstOpen = new Promise<void>((r) => (opened = r));
  const respond: Responder = () =>
    new Promise<number>((resolve) => {
      arrived++;
      held.push(() => resolve(200));
      if (held.length >= n || arrived >= total) {
        const go = held;
        held = [];
        opened();
        for (const g of go) g();
      }
    });
  return { respond, firstOpen };
}

/** The real fetch, counting how many of the worker's requests are open at once. */
function countingFetch() {
  const c = { open: 0, max: 0 };
  const fetchFn: typeof fetch = async (input, init) => {
    c.max = Math.max(c.max, ++c.open);
    try {
      return await globalThis.fetch(input, init);
    } finally {
      c.open--;
    }
  };
  return Object.assign(c, { fetch: fetchFn });
}

function worker(store: Store, extra: Partial<DeliveryWorkerOptions> = {}) {
  const log = createMemoryLogger('debug');
  const w = createDeliveryWorker({ store, fetch: globalThis.fetch, now: () => clock.now, random: () => 1, log, secrets: SECRETS, schedule: SCHEDULE, timeoutMs: 2000, ...extra });
  cleanups.push(() => w.stop());
  return Object.assign(w, { log });
}

async function delivery(store: Store, id: string): Promise<DeliveryRecord> {
  const all = await store.listDeliveries({ limit: 1000 });
  const d = all.find((x) => x.id === id);
  if (!d) throw new Error(`no delivery ${id}`);
  return d;
}

/** Moves the clock to the delivery's next attempt time. */
async function advanceToDue(store: Store, id: string): Promise<void> {
  clock.now = Math.max(clock.now, (await delivery(store, id)).nextAttemptAt);
}

const none = { attempted: 0, succeeded: 0, failed: 0, retried: 0 };

describe('delivery worker: retries until the shop answers 2xx', () => {
  it('fails 3 times (500), then succeeds: 4 signed attempts with one event id and identical bytes', async () => {
    const store = await open();
    const shop = await receiver((_h, n) => (n <= 3 ? 500 : 200));
    await addEvent(store, shop.url, 1);
    const w = worker(store);

    expect(await w.runOnce()).toEqual({ attempted: 1, succeeded: 0, failed: 0, retried: 1 });
    let d = await delivery(store, 'dlv_1');
    expect(d).toMatchObject({ status: 'pending', attempts: 1, lastStatus: 500, lastError: 'HTTP 500: boom details', lastAttemptAt: T0, nextAttemptAt: T0 + 1 });
    expect(await w.runOnce(), 'not due yet').toEqual(none);

    const waits: number[] = [];
    for (const expected of [2, 3]) {
      const before = clock.now;
      await advanceToDue(store, 'dlv_1');
      waits.push(clock.now - before);
      expect(await w.runOnce()).toEqual({ attempted: 1, succeeded: 0, failed: 0, retried: 1 });
      expect((await delivery(store, 'dlv_1')).attempts).toBe(expected);
    }
    await advanceToDue(store, 'dlv_1');
    expect(await w.runOnce()).toEqual({ attempted: 1, succeeded: 1, failed: 0, retried: 0 });
    d = await delivery(store, 'dlv_1');
    expect(d).toMatchObject({ status: 'succeeded', attempts: 4, lastStatus: 200, lastError: null, lastAttemptAt: T0 + 6 });
    expect(waits).toEqual([1, 2]); // random() = 1 → the full configured wait

    clock.now += 86_400;
    expect(await w.runOnce(), 'a delivered event is not sent again').toEqual(none);

    expect(shop.hits).toHaveLength(4);
    for (const hit of shop.hits) {
      expect(hit.verifiedNew).toEqual({ ok: true });
      expect(hit.verifiedOld).toEqual({ ok: true });
      expect(hit.id).toBe('evt_1');
      expect(hit.body).toBe(shop.hits[0]!.body);
      expect(hit.headers['content-type']).toBe('application/json');
      expect(hit.headers['user-agent']).toBe(WEBHOOK_USER_AGENT);
      expect(String(hit.headers['webhook-signature']).split(' ')).toHaveLength(2);
    }
    expect(shop.hits.map((h) => Number(h.timestamp))).toEqual([T0, T0 + 1, T0 + 3, T0 + 6]); // fresh per attempt
    expect(JSON.parse(shop.hits[0]!.body)).toEqual({
      id: 'evt_1',
      type: 'order.created',
      createdAt: T0,
      data: { order: { id: 'ord_1', amount: '12.50', currency: 'USD', note: 'naïve ☕' } },
    });
  });

  it('delivers events written by changeOrder with their own type and id', async () => {
    const store = await open();
    const shop = await receiver(() => 204);
    await addEvent(store, shop.url, 1);
    const changed = await store.changeOrder('ord_1', { from: 'pending', to: 'paid', paidAt: T0, txid: 'tx-1' }, [
      { event: { id: 'evt_paid', orderId: 'ord_1', type: 'order.paid', createdAt: T0, data: '{"txid":"tx-1"}' }, delivery: { id: 'dlv_paid', url: shop.url } },
    ]);
    expect(changed?.status).toBe('paid');
    expect(await worker(store).runOnce()).toEqual({ attempted: 2, succeeded: 2, failed: 0, retried: 0 });
    const paid = shop.hits.find((h) => h.id === 'evt_paid')!;
    expect(JSON.parse(paid.body)).toEqual({ id: 'evt_paid', type: 'order.paid', createdAt: T0, data: { txid: 'tx-1' } });
    expect((await delivery(store, 'dlv_paid')).lastStatus).toBe(204);
  });
});

describe('delivery worker: bounded concurrency', () => {
  it('keeps at most `concurrency` POSTs in flight and more than one, until everything due is delivered', async () => {
    const store = await open();
    const total = 30;
    const g = gate(4, total);
    const shop = await receiver(g.respond);
    let waiting = 0;
    let maxWaiting = 0;
    shop.respond = async (hit, nth) => {
      maxWaiting = Math.max(maxWaiting, ++waiting);
      const answer = await g.respond(hit, nth);
      waiting--;
      return answer;
    };
    for (let n = 1; n <= total; n++) await addEvent(store, shop.url, n);
    const counted = countingFetch();
    const w = worker(store, { concurrency: 4, fetch: counted.fetch });
    const result = await w.runOnce();
    expect(counted.max, 'the worker never had more than 4 open').toBe(4);
    expect(maxWaiting, 'the shop saw 4 requests open at once').toBe(4);
    expect(result, 'one run drains the queue').toEqual({ attempted: total, succeeded: total, failed: 0, retried: 0 });
    expect(new Set(shop.hits.map((h) => h.id)).size).toBe(total);
  });

  it('concurrency 1 sends one at a time', async () => {
    const store = await open();
    const shop = await receiver(() => 200);
    for (let n = 1; n <= 5; n++) await addEvent(store, shop.url, n);
    const counted = countingFetch();
    expect(await worker(store, { concurrency: 1, fetch: counted.fetch }).runOnce()).toMatchObject({ attempted: 5, succeeded: 5 });
    expect(counted.max).toBe(1);
  });

  it('refuses a concurrency that is not a positive integer, naming the setting', async () => {
    const store = await open();
    for (const concurrency of [0, -1, 1.5]) expect(() => worker(store, { concurrency })).toThrow(/OC_WEBHOOK_CONCURRENCY/);
  });
});

/**
 * Thousands of order.created queued first, then one of each payment outcome: the first batch the shop receives
 * (the worker's first `concurrency` requests, held open until all have arrived) holds all three.
 */
async function paymentOutcomesFirst(store: Store): Promise<void> {
  const flood = 2000;
  const g = gate(8, Number.MAX_SAFE_INTEGER);
  const shop = await receiver(g.respond);
  await addFlood(store, shop.url, 1, flood);
  const outcomes = PAYMENT_OUTCOME_EVENTS.map((type, i) => ({ type, n: flood + 1 + i }));
  for (const { type, n } of outcomes) await addEvent(store, shop.url, n, type);
  const w = worker(store, { concurrency: 8 });
  w.start(1000);
  await g.firstOpen;
  const firstBatch = shop.hits.map((h) => h.id);
  await w.stop(); // stop claiming; the batch in flight is answered and recorded
  expect(firstBatch).toHaveLength(8);
  for (const { n } of outcomes) expect(firstBatch, `evt_${n} in the first batch`).toContain(`evt_${n}`);
  expect(firstBatch.filter((id) => Number(id.slice(4)) <= flood), 'then order.created').toHaveLength(5);
  for (const { n } of outcomes) expect(await delivery(store, `dlv_${n}`)).toMatchObject({ status: 'succeeded', attempts: 1 });
}

describe('delivery worker: payment outcomes go out ahead of order.created', () => {
  it('on SQLite: order.paid, order.paid_late and order.payment_mismatch queued behind 2,000 order.created arrive in the first batch', async () => {
    await paymentOutcomesFirst(await open());
  });

  it.skipIf(!pg)('on PostgreSQL: the same', async () => {
    const { schema, url } = freshSchema();
    const store = await openStore(url);
    cleanups.push(async () => {
      await store.close();
      await dropSchema(schema);
    });
    await paymentOutcomesFirst(store);
  });
});

describe('delivery worker: giving up and redelivering', () => {
  it('marks the delivery failed after the last scheduled attempt; redeliver gets it attempted again', async () => {
    const store = await open();
    const shop = await receiver(() => 503);
    await addEvent(store, shop.url, 1);
    const w = worker(store);

    const results = [];
    for (let i = 0; i < 4; i++) {
      await advanceToDue(store, 'dlv_1');
      results.push(await w.runOnce());
    }
    expect(results.map((r) => [r.retried, r.failed])).toEqual([[1, 0], [1, 0], [1, 0], [0, 1]]);
    expect(await delivery(store, 'dlv_1')).toMatchObject({ status: 'failed', attempts: 4, lastStatus: 503 });
    expect((await store.listDeliveries({ status: 'failed', limit: 10 })).map((d) => d.id)).toEqual(['dlv_1']);
    clock.now += 30 * 86_400;
    expect(await w.runOnce(), 'a dead letter stays put').toEqual(none);
    expect(shop.hits).toHaveLength(4);
    expect(w.log.lines.some((l) => l.includes('"level":50') && l.includes('redeliver'))).toBe(true);

    // A manual redeliver while the shop is still down: one more attempt, then failed again (no new schedule).
    expect((await store.redeliver('dlv_1', clock.now))?.status).toBe('pending');
    expect(await w.runOnce()).toEqual({ attempted: 1, succeeded: 0, failed: 1, retried: 0 });
    expect(await delivery(store, 'dlv_1')).toMatchObject({ status: 'failed', attempts: 5 });

    // The shop is fixed: redeliver → delivered.
    shop.respond = () => 200;
    await store.redeliver('dlv_1', clock.now);
    expect(await w.runOnce()).toEqual({ attempted: 1, succeeded: 1, failed: 0, retried: 0 });
    expect(await delivery(store, 'dlv_1')).toMatchObject({ status: 'succeeded', attempts: 6, lastStatus: 200, lastError: null });
    expect(new Set(shop.hits.map((h) => h.body)).size).toBe(1);
    expect(shop.hits.every((h) => h.verifiedNew.ok && h.id === 'evt_1')).toBe(true);
  });

  it('an empty schedule means a single attempt', async () => {
    const store = await open();
    const shop = await receiver(() => 500);
    await addEvent(store, shop.url, 1);
    expect(await worker(store, { schedule: [] }).runOnce()).toEqual({ attempted: 1, succeeded: 0, failed: 1, retried: 0 });
  });
});

describe('delivery worker: failures that are not HTTP errors', () => {
  it('a receiver that hangs past timeoutMs counts as a failure', async () => {
    const store = await open();
    const shop = await receiver(() => 'hang');
    await addEvent(store, shop.url, 1);
    const w = worker(store, { timeoutMs: 300 });
    const started = Date.now();
    expect(await w.runOnce()).toEqual({ attempted: 1, succeeded: 0, failed: 0, retried: 1 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await delivery(store, 'dlv_1')).toMatchObject({ status: 'pending', attempts: 1, lastStatus: null, lastError: 'timeout after 300 ms' });
    expect(shop.hits).toHaveLength(1);
  });

  it('a refused connection counts as a failure with a short code', async () => {
    const store = await open();
    const shop = await receiver(() => 200);
    await shop.close();
    await addEvent(store, shop.url, 1);
    expect(await worker(store).runOnce()).toEqual({ attempted: 1, succeeded: 0, failed: 0, retried: 1 });
    expect(await delivery(store, 'dlv_1')).toMatchObject({ lastStatus: null, lastError: 'network error: ECONNREFUSED' });
  });

  it('a redirect is a failure and is not followed', async () => {
    const store = await open();
    const shop = await receiver(() => 302);
    await addEvent(store, shop.url, 1);
    expect(await worker(store).runOnce()).toMatchObject({ retried: 1 });
    expect(shop.hits).toHaveLength(1);
    expect((await delivery(store, 'dlv_1')).lastStatus).toBe(302);
  });

  it('410 Gone is retried on schedule, logged at warn, and disables nothing', async () => {
    const store = await open();
    const shop = await receiver((_h, n) => (n === 1 ? 410 : 200));
    await addEvent(store, shop.url, 1);
    const w = worker(store);
    expect(await w.runOnce()).toEqual({ attempted: 1, succeeded: 0, failed: 0, retried: 1 });
    expect(await delivery(store, 'dlv_1')).toMatchObject({ status: 'pending', lastStatus: 410, nextAttemptAt: T0 + 1 });
    const warn = w.log.lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.status === 410);
    expect(warn?.level).toBe(40); // pino's warn
    await addEvent(store, shop.url, 2); // a new event to the same URL still goes out
    await advanceToDue(store, 'dlv_1');
    expect(await w.runOnce()).toEqual({ attempted: 2, succeeded: 2, failed: 0, retried: 0 });
    expect(shop.hits.map((h) => h.id).sort()).toEqual(['evt_1', 'evt_1', 'evt_2']);
  });
});

describe('delivery worker: durability', () => {
  it('restart mid-schedule: a new store and worker continue with attempt 3 at the scheduled time', async () => {
    const shop = await receiver((h) => (shop.hits.filter((x) => x.id === h.id).length <= 2 ? 500 : 200));
    const first = await open();
    await addEvent(first, shop.url, 1);
    await addEvent(first, shop.url, 2);
    const w1 = worker(first);
    expect(await w1.runOnce()).toMatchObject({ attempted: 2, retried: 2 });
    await advanceToDue(first, 'dlv_1');
    expect(await w1.runOnce()).toMatchObject({ attempted: 2, retried: 2 });
    const due = (await delivery(first, 'dlv_1')).nextAttemptAt;
    await w1.stop();
    await first.close();

    const second = await open();
    const w2 = worker(second);
    expect(await delivery(second, 'dlv_1')).toMatchObject({ status: 'pending', attempts: 2, nextAttemptAt: due });
    expect(await w2.runOnce(), 'not before the scheduled time').toEqual(none);
    clock.now = due;
    expect(await w2.runOnce()).toEqual({ attempted: 2, succeeded: 2, failed: 0, retried: 0 });
    clock.now += 86_400;
    expect(await w2.runOnce()).toEqual(none);

    for (const id of ['evt_1', 'evt_2']) {
      const mine = shop.hits.filter((h) => h.id === id);
      expect(mine.map((h) => h.answered)).toEqual([500, 500, 200]);
      expect(new Set(mine.map((h) => h.body)).size).toBe(1);
    }
    expect(await delivery(second, 'dlv_2')).toMatchObject({ status: 'succeeded', attempts: 3 });
  });

  it('crash between the POST and its bookkeeping: the same event is sent again after the lease expires', async () => {
    const first = await open();
    const shop = await receiver(async (_h, n) => {
      if (n === 1) await first.close(); // the process "dies" while the shop is answering
      return 200;
    });
    await addEvent(first, shop.url, 1);
    const w1 = worker(first, { leaseSeconds: 60 });
    expect(await w1.runOnce()).toEqual({ attempted: 1, succeeded: 0, failed: 0, retried: 0 });
    expect(w1.log.lines.some((l) => l.includes('not recorded'))).toBe(true);

    const second = await open();
    const w2 = worker(second);
    expect(await w2.runOnce(), 'the lease still holds').toEqual(none);
    clock.now = T0 + 60;
    expect(await w2.runOnce()).toEqual({ attempted: 1, succeeded: 1, failed: 0, retried: 0 });
    expect(shop.hits.map((h) => h.id)).toEqual(['evt_1', 'evt_1']);
    expect(shop.hits[1]!.body).toBe(shop.hits[0]!.body);
    expect(await delivery(second, 'dlv_1')).toMatchObject({ status: 'succeeded', attempts: 1 });
  });

  it('two workers running concurrently never make the same attempt twice (lease)', async () => {
    const shop = await receiver(async () => {
      await new Promise((r) => setTimeout(r, 20)); // keep requests in flight while the other worker claims
      return 500;
    });
    const a = await open();
    const b = await open(); // a second connection to the same file
    for (let n = 1; n <= 8; n++) await addEvent(a, shop.url, n);
    const workers = [worker(a, { concurrency: 3 }), worker(a, { concurrency: 3 }), worker(b, { concurrency: 3 })];
    let attempted = 0;
    for (let round = 0; round < 20; round++) {
      const results = await Promise.all(workers.map((w) => w.runOnce()));
      const n = results.reduce((s, r) => s + r.attempted, 0);
      attempted += n;
      if (n === 0) clock.now += 1;
      if ((await a.listDeliveries({ status: 'failed', limit: 100 })).length === 8) break;
    }
    expect(attempted).toBe(32);
    for (let n = 1; n <= 8; n++) {
      expect(shop.hits.filter((h) => h.id === `evt_${n}`)).toHaveLength(4);
      expect(await delivery(a, `dlv_${n}`)).toMatchObject({ status: 'failed', attempts: 4 });
    }
  });
});

describe('delivery worker: secrets and the loop', () => {
  it('no log line or stored error contains a secret, even when the shop echoes one; the URL token stays out of logs', async () => {
    const store = await open();
    const shop = await receiver(() => 500);
    const url = shop.url + '?token=url-token-123';
    const echo = createServer((_req, res) => res.writeHead(500).end(`config dump: secret=${OLD_SECRET} key=${KEY_B64} old=${OLD_KEY_B64}`));
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => echo.close(() => r())));
    const echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}/x`;
    await addEvent(store, url, 1);
    await addEvent(store, echoUrl, 2);
    const w = worker(store, { schedule: [1] });
    await w.runOnce();
    clock.now += 5;
    await w.runOnce();
    const stored = await delivery(store, 'dlv_2');
    expect(stored.status).toBe('failed');
    expect(stored.lastError).toContain('[redacted]');
    const text = w.log.lines.join('\n') + JSON.stringify(await store.listDeliveries({ limit: 10 }).then((ds) => ds.map((d) => d.lastError)));
    expect(w.log.lines.length).toBeGreaterThan(3);
    for (const s of [NEW_SECRET, KEY_B64, OLD_SECRET, OLD_KEY_B64]) expect(text).not.toContain(s);
    expect(w.log.lines.join('\n')).not.toContain('url-token-123');
  });

  it('refuses to start without a usable secret or with a lease shorter than the timeout', async () => {
    const store = await open();
    expect(() => worker(store, { secrets: [] })).toThrow(/OC_WEBHOOK_SECRET/);
    expect(() => worker(store, { secrets: ['whsec_%%%'] })).toThrow(/OC_WEBHOOK_SECRET/);
    expect(() => worker(store, { schedule: [1, -2] })).toThrow(/OC_WEBHOOK_SCHEDULE/);
    expect(() => worker(store, { timeoutMs: 60_000, leaseSeconds: 60 })).toThrow(/leaseSeconds/);
  });

  it('start() runs periodically without overlap; stop() waits for the run in flight', async () => {
    const store = await open();
    let inFlight = 0;
    let maxInFlight = 0;
    const shop = await receiver(async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 150));
      inFlight--;
      return 200;
    });
    await addEvent(store, shop.url, 1);
    const w = worker(store);
    w.start(10);
    expect(() => w.start(10)).toThrow(/already started/);
    for (let i = 0; i < 200 && shop.hits.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(shop.hits).toHaveLength(1);
    await w.stop(); // the shop is still answering: stop must wait for the attempt to be recorded
    expect(await delivery(store, 'dlv_1')).toMatchObject({ status: 'succeeded', attempts: 1 });
    await addEvent(store, shop.url, 2);
    await new Promise((r) => setTimeout(r, 50));
    expect(shop.hits).toHaveLength(1); // stopped: nothing more goes out
    expect(maxInFlight).toBe(1);
  });
});

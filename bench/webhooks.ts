// Notification throughput: N queued deliveries in a real SQLite store, drained by the real worker into a 127.0.0.1 receiver.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '../src/log.ts';
import { createDeliveryWorker, unitRandom } from '../src/notify/index.ts';
import { openStore } from '../src/store/open.ts';
import type { Store } from '../src/store/types.ts';
import type { EventType } from '../src/orders/types.ts';

const { values: args } = parseArgs({
  options: {
    deliveries: { type: 'string', default: '3000' },
    concurrency: { type: 'string', default: '1,8' },
    latency: { type: 'string', default: '0' },
  },
});
const N = count('--deliveries', args.deliveries);
const LATENCY_MS = Number(args.latency);
if (!Number.isInteger(LATENCY_MS) || LATENCY_MS < 0) throw new Error(`--latency must be whole milliseconds ≥ 0, got '${args.latency}'`);
const LEVELS = args.concurrency.split(',').map((c) => count('--concurrency', c));
const SECRET = 'whsec_' + randomBytes(32).toString('base64');

function count(name: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got '${raw}'`);
  return n;
}

/** A shop that answers 200 after LATENCY_MS and records the arrival order and the most requests in flight at once. */
async function receiver() {
  const arrivals: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server = createServer((req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    arrivals.push(String(req.headers['webhook-id']));
    req.resume();
    req.on('end', () =>
      setTimeout(() => {
        inFlight--;
        res.writeHead(200).end('ok');
      }, LATENCY_MS),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return { url, arrivals, maxInFlight: () => maxInFlight, close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))) };
}

/** N order.created rows, then one order.paid queued last: where the paid one arrives shows the priority. */
async function queue(store: Store, url: string, now: number): Promise<void> {
  const add = (i: number, type: EventType) => {
    const id = `ord_${i}`;
    const order = { id, callerOcid: 200, requestHash: `h${i}`, amount: '9.99', currency: 'USD', reference: `ref-${i}`, createdAt: now, expiresAt: now + 3600, orderJson: JSON.stringify({ id }), signature: '00', responseBody: '{}' };
    return store.createOrder(order, { event: { id: `evt_${i}_${type}`, orderId: id, type, createdAt: now, data: JSON.stringify({ orderId: id }) }, delivery: { id: `dlv_${i}`, url } });
  };
  // Creations started in one turn share one durable commit (the store's group commit).
  for (let i = 0; i < N; i += 500) await Promise.all(Array.from({ length: Math.min(500, N - i) }, (_, k) => add(i + k, 'order.created')));
  await add(N, 'order.paid');
}

async function run(concurrency: number) {
  const dir = mkdtempSync(join(tmpdir(), 'oc-bench-webhooks-'));
  const shop = await receiver();
  const store = await openStore(`file:${join(dir, 'bench.db')}`, { cwd: dir });
  try {
    const now = () => Math.floor(Date.now() / 1000);
    await queue(store, shop.url, now());
    const worker = createDeliveryWorker({
      store,
      fetch: globalThis.fetch,
      now,
      random: unitRandom((n) => new Uint8Array(randomBytes(n))),
      log: createLogger({ level: 'warn' }),
      secrets: [SECRET],
      schedule: [10],
      concurrency,
    });
    const started = performance.now();
    const result = await worker.runOnce();
    const seconds = (performance.now() - started) / 1000;
    if (result.succeeded !== N + 1) throw new Error(`expected ${N + 1} deliveries, got ${JSON.stringify(result)}`);
    const paidAt = shop.arrivals.findIndex((id) => id.endsWith('order.paid')) + 1;
    return { concurrency, perSecond: (N + 1) / seconds, seconds, maxInFlight: shop.maxInFlight(), paidAt };
  } finally {
    await store.close();
    await shop.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`webhooks bench: ${N + 1} deliveries (${N} order.created, then 1 order.paid), receiver latency ${LATENCY_MS} ms, ${cpus().length} CPUs, load ${loadavg()[0]!.toFixed(2)}`);
for (const c of LEVELS) {
  const r = await run(c);
  console.log(
    `OC_WEBHOOK_CONCURRENCY=${String(c).padEnd(3)} ${r.perSecond.toFixed(0).padStart(6)} deliveries/s  (${r.seconds.toFixed(2)} s, at most ${r.maxInFlight} in flight, order.paid arrived #${r.paidAt} of ${N + 1})`,
  );
}

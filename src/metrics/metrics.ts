// The server's Prometheus metrics: one prom-client Registry per app (never the global one), passed through deps.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Logger } from '../log.ts';
import type { Store } from '../store/types.ts';
import type { DeliveryStatus, ProofVerdict } from '../orders/types.ts';

/** Deliveries counted by the queue-depth gauge: both are index range scans (`deliveries_due_idx`), succeeded rows are never counted. */
const QUEUED: readonly DeliveryStatus[] = ['pending', 'failed'];

export interface Metrics {
  readonly registry: Registry;
  /** `route` is the matched route pattern (bounded), never the raw path. */
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route'>;
  /** `source`: `signed` (POST /orders/create) or `admin` (the merchant API and console). */
  readonly ordersCreated: Counter<'source'>;
  /** `via`: `proof` (an accepted transfer proof) or `gateway` (a settled gateway charge). */
  readonly ordersPaid: Counter<'via'>;
  /** Every proof stored, by its verdict; `repeat` for the same proof delivered again. */
  readonly proofs: Counter<'verdict'>;
  /** POST /transfer/webhook answers with an error from the proof checks (refused verdicts included), by error code. */
  readonly proofsRejected: Counter<'code'>;
  /** `outcome`: succeeded, retried, failed (gave up: dead letter), unrecorded (the attempt's result could not be stored). */
  readonly webhookDeliveries: Counter<'outcome'>;
  /** `operation`: create or fetch; `outcome`: ok or the GatewayErrorKind. */
  readonly gatewayCalls: Counter<'gateway' | 'operation' | 'outcome'>;
  /** Peer key lookups that could be answered from the key cache (`hit`) or not (`miss`); static keys are not counted. */
  readonly keyCache: Counter<'result'>;
}

export type ProofLabel = ProofVerdict | 'repeat';

export function createMetrics(store: Pick<Store, 'countDeliveries'>, log: Logger): Metrics {
  const registry = new Registry();
  const registers = [registry];
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) => new Counter<L>({ name, help, labelNames, registers });
  new Gauge({
    name: 'opencharge_webhook_queue_depth',
    help: 'Shop notifications waiting: pending (to be attempted) and failed (dead letters until redelivered), counted at scrape time',
    labelNames: ['status'],
    registers,
    async collect() {
      try {
        const counts = await Promise.all(QUEUED.map((s) => store.countDeliveries(s)));
        QUEUED.forEach((status, i) => this.set({ status }, counts[i]!));
      } catch (err) {
        // A scrape must not fail because the database did: the gauge is left out, /readyz tells the rest.
        this.reset();
        log.warn('metrics: cannot count queued deliveries', { error: err instanceof Error ? err.message : String(err) });
      }
    },
  });
  const m: Metrics = {
    registry,
    httpRequests: counter('opencharge_http_requests_total', 'HTTP requests answered, by method, route pattern and status', ['method', 'route', 'status']),
    httpDuration: new Histogram({
      name: 'opencharge_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by method and route pattern',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    ordersCreated: counter('opencharge_orders_created_total', 'Orders created (idempotent replays not counted), by source', ['source']),
    ordersPaid: counter('opencharge_orders_paid_total', 'Orders moved to paid, by what paid them', ['via']),
    proofs: counter('opencharge_proofs_total', 'Transfer proofs received and stored, by verdict (repeat: the same proof again)', ['verdict']),
    proofsRejected: counter('opencharge_proofs_rejected_total', 'Transfer-proof deliveries answered with an error by the proof checks, by error code', ['code']),
    webhookDeliveries: counter('opencharge_webhook_deliveries_total', 'Shop notification attempts, by outcome', ['outcome']),
    gatewayCalls: counter('opencharge_gateway_calls_total', 'Calls to outbound gateways, by gateway, operation and outcome', ['gateway', 'operation', 'outcome']),
    keyCache: counter('opencharge_key_cache_lookups_total', 'Peer key lookups answered from the key cache (hit) or not (miss)', ['result']),
  };
  // Series with a known, short list of values start at 0, so rate() and alerts see them before the first event.
  for (const source of ['signed', 'admin']) m.ordersCreated.inc({ source }, 0);
  for (const via of ['proof', 'gateway']) m.ordersPaid.inc({ via }, 0);
  for (const outcome of ['succeeded', 'retried', 'failed', 'unrecorded']) m.webhookDeliveries.inc({ outcome }, 0);
  for (const result of ['hit', 'miss']) m.keyCache.inc({ result }, 0);
  return m;
}

// What the order use cases need: injected by deps.ts, faked by nothing (tests build the real ones).
import type { Config } from '../config.ts';
import type { CryptoBackend } from '../protocol/backend.ts';
import type { Store, Outbox } from '../store/types.ts';
import type { EventType } from './types.ts';
import type { Logger } from '../log.ts';
import type { Inventory } from './inventory.ts';
import type { KeyResolver } from '../peers/index.ts';
import type { Gateway, GatewayId } from '../gateways/types.ts';
import type { RateLimits } from '../rate-limit/limits.ts';
import type { IssuerVerifier } from '../client/verify-txid.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { CryptoPool } from '../crypto/pool.ts';
import { newId } from './ids.ts';

export interface Merchant {
  ocid: number;
  privateKey: Uint8Array;
  publicKeyHex: string;
  /** Settlement issuers we accept (OC_ACCEPTS, or the development demo issuer). */
  accepts: number[];
}

export interface OrderDeps {
  config: Config;
  store: Store;
  backend: CryptoBackend;
  /** The hot path's signing and verification (signed requests, new orders, signed answers): crypto threads or `backend`. */
  cryptoPool: CryptoPool;
  merchant: Merchant;
  resolver: KeyResolver;
  /** Asks an issuer about one transfer (GET /verify/{txid}): relayed form-A proofs, missed payments. */
  issuers: IssuerVerifier;
  inventory?: Inventory;
  gateways: Map<GatewayId, Gateway>;
  /** Per caller, per address and failed-login limits (memory, or PostgreSQL shared by all instances). */
  limits: RateLimits;
  /** Unix seconds. */
  now: () => number;
  randomBytes: (n: number) => Uint8Array;
  log: Logger;
  /** This app's Prometheus registry and metrics (GET /metrics). */
  metrics: Metrics;
}

/** One event (and, with a shop webhook configured, its delivery) for the outbox. */
export function outboxFor(deps: OrderDeps, orderId: string, type: EventType, data: unknown): Outbox {
  return outboxForJson(deps, orderId, type, JSON.stringify(data));
}

/** outboxFor with the event's data already serialised (`json` is exactly what JSON.stringify would give). */
export function outboxForJson(deps: OrderDeps, orderId: string, type: EventType, json: string): Outbox {
  const now = deps.now();
  const event = { id: newId('evt', now * 1000, deps.randomBytes), orderId, type, createdAt: now, data: json };
  return deps.config.webhookUrl
    ? { event, delivery: { id: newId('dlv', now * 1000, deps.randomBytes), url: deps.config.webhookUrl } }
    : { event };
}

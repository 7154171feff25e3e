// Builds the real app on a real SQLite file in a temp folder, with a fixed clock and known peer keys.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Hono } from 'hono';
import { loadConfig } from '../../src/config.ts';
import { openStore } from '../../src/store/open.ts';
import { createApp, type RouteGroup } from '../../src/http/app.ts';
import type { SocketAddress } from '../../src/http/client-address.ts';
import { createRateLimits, type RateLimits } from '../../src/rate-limit/limits.ts';
import type { AppEnv } from '../../src/http/context.ts';
import type { OrderDeps } from '../../src/orders/deps.ts';
import { parseInventory } from '../../src/orders/inventory.ts';
import { createPeerResolver, type PeerEntry, type PeerResolverOptions } from '../../src/peers/index.ts';
import { createSigner } from '../../src/client/signer.ts';
import { createIssuerVerifier } from '../../src/client/verify-txid.ts';
import { createMemoryLogger } from '../../src/log.ts';
import { nobleBackend } from '../../src/protocol/noble.ts';
import type { CryptoBackend } from '../../src/protocol/backend.ts';
import { parsePrivateKey, publicKeyHex } from '../../src/protocol/keys.ts';
import { canonicalRequest } from '../../src/protocol/canonical.ts';
import { signCanonical } from '../../src/protocol/signature.ts';
import type { Store } from '../../src/store/types.ts';
import type { Gateway, GatewayId } from '../../src/gateways/types.ts';
import { createMetrics } from '../../src/metrics/metrics.ts';

export const T0 = 1_800_000_000;
export const MERCHANT_OCID = 500;
export const CALLER_OCID = 200;
export const ISSUER_OCID = 100;

export function keyOf(hex: string): { priv: Uint8Array; pub: string } {
  const k = parsePrivateKey(hex);
  if (!k.ok) throw new Error(k.reason);
  return { priv: k.key, pub: publicKeyHex(nobleBackend.publicKey(k.key)) };
}

export const MERCHANT = keyOf('11'.repeat(32));
export const CALLER = keyOf('22'.repeat(32));
export const ISSUER = keyOf('33'.repeat(32));
export const STRANGER = keyOf('44'.repeat(32));

export interface Harness {
  app: Hono<AppEnv>;
  deps: OrderDeps;
  store: Store;
  dir: string;
  clock: { now: number };
  log: ReturnType<typeof createMemoryLogger>;
  /** Signs a request as `as` (default the caller 200) and sends it through app.request. */
  signed(method: string, path: string, body?: string, o?: SignOptions): Promise<Response>;
  headersFor(method: string, path: string, body: string, o?: SignOptions): Record<string, string>;
  close(): Promise<void>;
}

export interface SignOptions {
  ocid?: number;
  key?: Uint8Array;
  timestamp?: number;
  nonce?: string;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  inventory?: unknown;
  peers?: PeerEntry[];
  backend?: CryptoBackend;
  groups?: (deps: OrderDeps) => RouteGroup[];
  gateways?: Map<GatewayId, Gateway>;
  /** Resolver settings on top of the defaults (a registry, a DNS resolver, limits). */
  resolver?: Partial<PeerResolverOptions>;
  /** Bound of an issuer's /verify call (default 5000 ms); a hang test shortens it. */
  verifyTimeoutMs?: number;
  dir?: string;
  /** Limits in a shared store (default: in memory, from the config). */
  limits?: (config: OrderDeps['config']) => RateLimits;
  /** The socket peer's address for app.request() (default: none, as app.request() has no socket). */
  socketAddress?: SocketAddress;
}

export async function makeHarness(o: HarnessOptions = {}): Promise<Harness> {
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'oc-test-'));
  const config = loadConfig({
    OC_OCID: String(MERCHANT_OCID),
    OC_PRIVATE_KEY: '11'.repeat(32),
    OC_DATABASE_URL: `file:${join(dir, 'test.db')}`,
    OC_ACCEPTS: String(ISSUER_OCID),
    OC_CURRENCIES: 'USD,EUR',
    OC_PUBLIC_URL: 'https://pay.shop.example',
    OC_COMPLETED_URL: 'https://shop.example/done',
    OC_CANCELLED_URL: 'https://shop.example/cancelled',
    OC_ENV: 'test',
    ...o.env,
  });
  const store = await openStore(config.databaseUrl, { cwd: dir });
  const clock = { now: T0 };
  const log = createMemoryLogger();
  const backend = o.backend ?? nobleBackend;
  const peers = o.peers ?? [
    { ocid: CALLER_OCID, publicKey: CALLER.pub },
    { ocid: ISSUER_OCID, publicKey: ISSUER.pub },
  ];
  const resolver = createPeerResolver({ peers, now: () => clock.now, log, allowHttp: true, ...o.resolver });
  const signer = createSigner({ ocid: MERCHANT_OCID, privateKey: MERCHANT.priv, backend, now: () => clock.now, randomBytes: (n) => new Uint8Array(randomBytes(n)) });
  const deps: OrderDeps = {
    config,
    store,
    backend,
    merchant: { ocid: MERCHANT_OCID, privateKey: MERCHANT.priv, publicKeyHex: MERCHANT.pub, accepts: config.accepts },
    resolver,
    issuers: createIssuerVerifier({ resolver, signer, backend, log, allowHttp: true, timeoutMs: o.verifyTimeoutMs, resolveHost: o.resolver?.resolveHost }),
    inventory: o.inventory ? parseInventory(o.inventory, MERCHANT_OCID, 'test') : undefined,
    gateways: o.gateways ?? new Map(),
    limits: o.limits?.(config) ?? createRateLimits(config),
    now: () => clock.now,
    randomBytes: (n) => new Uint8Array(randomBytes(n)),
    log,
    metrics: createMetrics(store, log),
  };
  const app = createApp(deps, o.groups?.(deps) ?? [], { socketAddress: o.socketAddress });
  let counter = 0;
  const headersFor = (method: string, path: string, body: string, s: SignOptions = {}) => {
    const ocid = String(s.ocid ?? CALLER_OCID);
    const timestamp = String(s.timestamp ?? clock.now);
    const nonce = s.nonce ?? `req_${process.pid}_${++counter}_${randomBytes(4).toString('hex')}`;
    const canonical = canonicalRequest({ ocid, timestamp, nonce, method, path, body });
    return {
      'X-OC-ID': ocid,
      'X-OC-Timestamp': timestamp,
      'X-OC-Nonce': nonce,
      'X-OC-Signature': signCanonical(backend, s.key ?? CALLER.priv, canonical),
      'content-type': 'application/json',
    };
  };
  return {
    app,
    deps,
    store,
    dir,
    clock,
    log,
    headersFor,
    signed: async (method, path, body = '', s) =>
      app.request(path, { method, headers: headersFor(method, path, body, s), body: method === 'GET' || method === 'HEAD' ? undefined : body }),
    async close() {
      await deps.limits.close();
      await store.close();
      if (!o.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

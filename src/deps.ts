// buildDeps(config, effects): everything the app needs, built once at start-up (docs/architecture.md rule 5).
import { resolve } from 'node:path';
import type { Config } from './config.ts';
import type { OrderDeps } from './orders/deps.ts';
import type { Store } from './store/types.ts';
import { selectBackend } from './crypto/select.ts';
import { useRuntimeSha256 } from './crypto/sha256.ts';
import { createCryptoPool, cryptoThreadsFor, inThreadPool } from './crypto/pool.ts';
import { resolveIdentity, type Identity } from './identity.ts';
import { createPeerResolver, loadPeersFile, type PeerResolverOptions } from './peers/index.ts';
import type { CryptoBackend } from './protocol/backend.ts';
import { loadInventoryFile } from './orders/inventory.ts';
import { enabledGateways } from './gateways/registry.ts';
import type { CoreEffects } from './gateways/types.ts';
import { createSigner } from './client/signer.ts';
import { createRateLimits, type RateLimits } from './rate-limit/limits.ts';
import { createIssuerVerifier } from './client/verify-txid.ts';
import { createMetrics } from './metrics/metrics.ts';
import { countGatewayCalls } from './metrics/gateway-calls.ts';

export interface Effects extends CoreEffects {
  cwd: string;
  /** Limits in a store shared by every instance (PostgreSQL); in memory when absent. */
  limits?: RateLimits;
  /** Test seams (production passes none): a secp256k1 backend instead of OC_CRYPTO's choice, */
  backend?: CryptoBackend;
  /** resolver settings on top of the configured ones (a registry, a DNS resolver), */
  resolver?: Partial<PeerResolverOptions>;
  /** and the bound of an issuer's /verify call (default 5000 ms). */
  verifyTimeoutMs?: number;
}

export interface BuiltDeps {
  deps: OrderDeps;
  identity: Identity;
  backendNote: string;
}

/** Opening the store is the caller's job (it differs per runtime); everything else is built here. */
export function buildDeps(config: Config, store: Store, fx: Effects): BuiltDeps {
  useRuntimeSha256();
  const { backend, note } = fx.backend ? { backend: fx.backend, note: `${fx.backend.name} (injected)` } : selectBackend(config.crypto);
  const identity = resolveIdentity(config, backend, fx.cwd);
  // Relative paths are relative to the working directory the server was started in (like OC_PRIVATE_KEY_FILE).
  const peers = identity.peersFile ? loadPeersFile(resolve(fx.cwd, identity.peersFile)) : [];
  const metrics = createMetrics(store, fx.log);
  const resolver = createPeerResolver({
    peers,
    now: fx.now,
    log: fx.log,
    allowHttp: config.allowHttpPeers,
    registryUrl: config.registryUrl,
    negativeTtlSeconds: config.peerNegativeTtl,
    onKeyCache: (result) => metrics.keyCache.inc({ result }),
    ...fx.resolver,
  });
  const inventory = config.inventoryFile ? loadInventoryFile(resolve(fx.cwd, config.inventoryFile), identity.ocid) : undefined;
  const signer = createSigner({ ocid: identity.ocid, privateKey: identity.privateKey, backend, now: fx.now, randomBytes: fx.randomBytes });
  const gateways = enabledGateways(config.gatewayEnv, { fetch: fx.fetch, now: fx.now, randomBytes: fx.randomBytes, log: fx.log, signer });
  // An injected backend (a test's) cannot be loaded by name in a thread: it runs in this one.
  const cryptoPool = fx.backend
    ? inThreadPool(fx.backend)
    : createCryptoPool({ backend, threads: cryptoThreadsFor(config.cryptoThreads, backend.name), log: fx.log });
  const deps: OrderDeps = {
    config,
    store,
    backend,
    cryptoPool,
    merchant: { ocid: identity.ocid, privateKey: identity.privateKey, publicKeyHex: identity.publicKeyHex, accepts: identity.accepts },
    resolver,
    issuers: createIssuerVerifier({ resolver, signer, backend, log: fx.log, allowHttp: config.allowHttpPeers, timeoutMs: fx.verifyTimeoutMs, resolveHost: fx.resolver?.resolveHost }),
    inventory,
    gateways: countGatewayCalls(gateways, metrics),
    limits: fx.limits ?? createRateLimits(config),
    now: fx.now,
    randomBytes: fx.randomBytes,
    log: fx.log,
    metrics,
  };
  return { deps, identity, backendNote: note };
}

// Who is calling (PROFILE §5, §7): static peers, then their metadata, then the registry; keys and failures cached per OCID.
import type { Logger } from '../log.ts';
import { parsePublicKey } from '../protocol/keys.ts';
import type { HostResolver } from './address-policy.ts';
import { checkFetchLimits, MAX_BODY_BYTES, MAX_TIMEOUT_MS, type FetchPolicy } from './fetch-json.ts';
import { createKeyCache, type CachedKey } from './key-cache.ts';
import { fetchMetadata, type MetadataResult } from './metadata.ts';
import type { PeerEntry } from './peers-file.ts';
import { checkRegistryTemplate, lookupRegistry } from './registry.ts';
import type { KeyResolver, ResolveFailure, ResolveOptions, ResolveResult } from './types.ts';
import { checkFetchUrl, urlForLog } from './url-policy.ts';

export interface PeerResolverOptions {
  peers: readonly PeerEntry[];
  /** Unix seconds. */
  now: () => number;
  log: Logger;
  /** OC_ALLOW_HTTP_PEERS: loopback peers become reachable, over plain HTTP too (local development and tests). */
  allowHttp?: boolean;
  /** Template with `{ocid}`, answering `{metadataUrl}`; consulted only for OCIDs not in `peers`. */
  registryUrl?: string;
  ttlSeconds?: number; // default 600
  /** OC_PEER_NEGATIVE_TTL: a failed lookup is answered from memory this long, without a fetch; 0 disables. */
  negativeTtlSeconds?: number; // default 60
  timeoutMs?: number; // default and maximum 5000
  /** A refresh within this many seconds of the last fetch serves the cached key (bad signatures can't force fetch storms). */
  refreshCooldownSeconds?: number; // default 30
  maxEntries?: number; // default 10 000 (keys, and as many remembered failures)
  /** Distinct OCIDs fetched at once; beyond it METADATA_UNAVAILABLE without a fetch. */
  maxConcurrentFetches?: number; // default 32
  /** Of those, slots only known callers (a cached key, or an entry in `peers`) may take: strangers never hold them all. */
  reservedFetches?: number; // default a quarter (8 of 32)
  /** DNS behind the fetch policy; the system resolver unless a test points names elsewhere. */
  resolveHost?: HostResolver;
  /** Told whether each lookup of a non-static key was answered from the key cache (the metrics). */
  onKeyCache?: (result: 'hit' | 'miss') => void;
}

type Static = { key: Uint8Array; hex: string };
type Failed = { code: ResolveFailure['code']; until: number };

export function createPeerResolver(opts: PeerResolverOptions): KeyResolver {
  const ttl = positive('ttlSeconds', opts.ttlSeconds ?? 600);
  const negativeTtl = nonNegative('negativeTtlSeconds', opts.negativeTtlSeconds ?? 60);
  const cooldown = nonNegative('refreshCooldownSeconds', opts.refreshCooldownSeconds ?? 30);
  const maxConcurrent = positive('maxConcurrentFetches', opts.maxConcurrentFetches ?? 32);
  const reserved = nonNegative('reservedFetches', opts.reservedFetches ?? Math.max(1, Math.floor(maxConcurrent / 4)));
  if (reserved >= maxConcurrent) throw new RangeError(`reservedFetches (${reserved}) must be below maxConcurrentFetches (${maxConcurrent})`);
  const allowHttp = opts.allowHttp ?? false;
  const policy: FetchPolicy = { allowHttp, timeoutMs: opts.timeoutMs ?? MAX_TIMEOUT_MS, maxBytes: MAX_BODY_BYTES };
  if (opts.resolveHost !== undefined) policy.resolveHost = opts.resolveHost;
  checkFetchLimits(policy.timeoutMs!, MAX_BODY_BYTES);
  const { peers, statics } = indexPeers(opts.peers, allowHttp);
  if (opts.registryUrl !== undefined) checkRegistryTemplate(opts.registryUrl, allowHttp);
  const cache = createKeyCache(opts.maxEntries ?? 10_000);
  const failed = createKeyCache<Failed>(opts.maxEntries ?? 10_000);
  const inflight = new Map<number, Promise<ResolveResult>>();
  let strangersInflight = 0;
  const { log, now } = opts;

  /** Where an OCID's metadata lives: its peers entry (metadataUrl, else endpoint), else the registry. */
  async function locate(ocid: number, peer: PeerEntry | undefined): Promise<{ ok: true; url: string; source: CachedKey['source'] } | ResolveFailure> {
    const url = peer?.metadataUrl ?? peer?.endpoint;
    if (url !== undefined) return { ok: true, url, source: 'metadata' };
    // Callers come here only with a registry: a peer without URLs has a static key, a stranger needs the registry.
    const reg = await lookupRegistry(opts.registryUrl!, ocid, policy);
    if (!reg.ok) {
      if (reg.code === 'UNKNOWN_OCID') log.debug('OCID not in registry', { ocid });
      else log.warn('registry lookup failed', { ocid, url: urlForLog(opts.registryUrl!), reason: reg.reason });
      return reg;
    }
    return { ok: true, url: reg.metadataUrl, source: 'registry' };
  }

  /** The detailed reason of a failure goes to the log here; callers only ever see the generic text. */
  async function fetchKey(ocid: number, peer: PeerEntry | undefined): Promise<ResolveResult> {
    const where = await locate(ocid, peer);
    if (!where.ok) return where;
    const { url, source } = where;
    const meta = await fetchMetadata(url, policy);
    if (!meta.ok) {
      log.warn('peer metadata fetch failed', { ocid, source, url: urlForLog(url), reason: meta.reason });
      return meta;
    }
    const previous = cache.get(ocid);
    if (previous !== undefined && previous.hex !== meta.hex) log.info('peer key changed', { ocid, source });
    const t = now();
    cache.set(ocid, { key: meta.key, hex: meta.hex, source, fetchedAt: t, expiresAt: t + ttl });
    return { ok: true, key: meta.key, hex: meta.hex, source, cached: false };
  }

  /**
   * The whole metadata document's reading (endpoint, capabilities), fetched now: not cached, keys are not
   * replaced. As for keys, a fetch failure is logged in detail and answered with the generic text.
   */
  async function metadata(ocid: number): Promise<MetadataResult | ResolveFailure> {
    if (!Number.isSafeInteger(ocid) || ocid <= 0) return { ok: false, code: 'UNKNOWN_OCID', reason: 'OCID must be a positive safe integer' };
    const peer = peers.get(ocid);
    if (peer === undefined && opts.registryUrl === undefined) return generic(ocid, 'UNKNOWN_OCID');
    if (peer?.metadataUrl === undefined && peer?.endpoint === undefined && opts.registryUrl === undefined)
      return { ok: false, code: 'METADATA_UNAVAILABLE', reason: `OCID ${ocid} has no metadataUrl or endpoint in the peers file, and no registry is configured` };
    const unfetched: ResolveFailure = { ok: false, code: 'METADATA_UNAVAILABLE', reason: `the metadata of OCID ${ocid} could not be fetched` };
    const where = await locate(ocid, peer);
    if (!where.ok) return where.code === 'UNKNOWN_OCID' ? generic(ocid, where.code) : unfetched;
    const meta = await fetchMetadata(where.url, policy);
    if (meta.ok) return meta;
    log.warn('peer metadata fetch failed', { ocid, source: where.source, url: urlForLog(where.url), reason: meta.reason });
    return unfetched;
  }

  async function resolve(ocid: number, ropts: ResolveOptions = {}): Promise<ResolveResult> {
    if (!Number.isSafeInteger(ocid) || ocid <= 0) return { ok: false, code: 'UNKNOWN_OCID', reason: 'OCID must be a positive safe integer' };
    const fixed = statics.get(ocid);
    if (fixed !== undefined) return { ok: true, key: fixed.key, hex: fixed.hex, source: 'static', cached: false };
    const peer = peers.get(ocid);
    if (peer === undefined && opts.registryUrl === undefined) return generic(ocid, 'UNKNOWN_OCID');
    const hit = cache.get(ocid);
    const t = now();
    const fromCache = hit !== undefined && t < hit.expiresAt && (ropts.refresh !== true || t - hit.fetchedAt < cooldown);
    opts.onKeyCache?.(fromCache ? 'hit' : 'miss');
    if (fromCache) return { ok: true, key: hit.key, hex: hit.hex, source: hit.source, cached: true };
    // A lookup that failed recently is not repeated: garbage requests for one OCID cost one fetch per negative TTL.
    const recent = failed.get(ocid);
    if (recent !== undefined && t < recent.until) return generic(ocid, recent.code);
    // One fetch per OCID at a time; a refresh joins a fetch already under way (it is just as fresh).
    const pending = inflight.get(ocid);
    if (pending !== undefined) return pending;
    const known = hit !== undefined || peer !== undefined;
    if (inflight.size >= maxConcurrent || (!known && strangersInflight >= maxConcurrent - reserved)) {
      log.warn('key fetch refused: too many in flight', { ocid, inflight: inflight.size, known });
      return generic(ocid, 'METADATA_UNAVAILABLE');
    }
    if (!known) strangersInflight++;
    const task = fetchKey(ocid, peer)
      .catch((err: unknown): ResolveResult => {
        log.error('key resolution failed unexpectedly', { ocid, error: err instanceof Error ? err : String(err) });
        return { ok: false, code: 'METADATA_UNAVAILABLE', reason: 'unexpected error' };
      })
      .then((r): ResolveResult => {
        if (r.ok) return r;
        if (negativeTtl > 0) failed.set(ocid, { code: r.code, until: now() + negativeTtl });
        return generic(ocid, r.code);
      })
      .finally(() => {
        inflight.delete(ocid);
        if (!known) strangersInflight--;
      });
    inflight.set(ocid, task);
    return task;
  }

  return { resolve, metadata };
}

/** Start-up: static keys parsed once; every configured URL must pass the fetch policy, or we refuse to start. */
function indexPeers(list: readonly PeerEntry[], allowHttp: boolean) {
  const peers = new Map<number, PeerEntry>();
  const statics = new Map<number, Static>();
  for (const peer of list) {
    if (peers.has(peer.ocid)) throw new Error(`peers: duplicate ocid ${peer.ocid}`);
    peers.set(peer.ocid, peer);
    if (peer.publicKey !== undefined) {
      const key = parsePublicKey(peer.publicKey);
      if (!key.ok) throw new Error(`peers: ocid ${peer.ocid}: publicKey: ${key.reason}`);
      statics.set(peer.ocid, { key: key.key, hex: key.hex });
    }
    for (const field of ['metadataUrl', 'endpoint'] as const) {
      const url = peer[field];
      if (url === undefined) continue;
      const check = checkFetchUrl(url, allowHttp);
      if (!check.ok) throw new Error(`peers: ocid ${peer.ocid}: ${field}: ${check.reason}`);
    }
    if (!statics.has(peer.ocid) && peer.metadataUrl === undefined && peer.endpoint === undefined)
      throw new Error(`peers: ocid ${peer.ocid}: needs publicKey, metadataUrl or endpoint`);
  }
  return { peers, statics };
}

function positive(name: string, v: number): number {
  if (!Number.isFinite(v) || v <= 0) throw new RangeError(`${name} must be a positive number, got ${v}`);
  return v;
}

function nonNegative(name: string, v: number): number {
  if (!Number.isFinite(v) || v < 0) throw new RangeError(`${name} must be zero or more, got ${v}`);
  return v;
}

/** PROFILE §7: what a caller is told. It names no host, port, status or error: the log has those. */
function generic(ocid: number, code: ResolveFailure['code']): ResolveFailure {
  return code === 'UNKNOWN_OCID'
    ? { ok: false, code, reason: `OCID ${ocid} is not a known peer` }
    : { ok: false, code, reason: `the key of OCID ${ocid} could not be resolved` };
}

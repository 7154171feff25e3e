// Who is calling (PROFILE §5): static peers, then their metadata, then the registry; keys cached per OCID.
import type { Logger } from '../log.ts';
import { parsePublicKey } from '../protocol/keys.ts';
import { checkFetchLimits, MAX_BODY_BYTES, MAX_TIMEOUT_MS, type FetchJsonOptions } from './fetch-json.ts';
import { createKeyCache, type CachedKey } from './key-cache.ts';
import { fetchMetadata } from './metadata.ts';
import type { PeerEntry } from './peers-file.ts';
import { checkRegistryTemplate, lookupRegistry } from './registry.ts';
import type { KeyResolver, ResolveFailure, ResolveOptions, ResolveResult } from './types.ts';
import { checkFetchUrl, urlForLog } from './url-policy.ts';

export interface PeerResolverOptions {
  peers: readonly PeerEntry[];
  fetch: typeof fetch;
  /** Unix seconds. */
  now: () => number;
  log: Logger;
  /** Plain HTTP to loopback hosts only (local development and tests). */
  allowHttp?: boolean;
  /** Template with `{ocid}`, answering `{metadataUrl}`; consulted only for OCIDs not in `peers`. */
  registryUrl?: string;
  ttlSeconds?: number; // default 600
  timeoutMs?: number; // default and maximum 5000
  /** A refresh within this many seconds of the last fetch serves the cached key (bad signatures can't force fetch storms). */
  refreshCooldownSeconds?: number; // default 30
  maxEntries?: number; // default 10 000
  /** Distinct OCIDs fetched at once; beyond it METADATA_UNAVAILABLE without a fetch. */
  maxConcurrentFetches?: number; // default 32
}

type Static = { key: Uint8Array; hex: string };

export function createPeerResolver(opts: PeerResolverOptions): KeyResolver {
  const ttl = positive('ttlSeconds', opts.ttlSeconds ?? 600);
  const cooldown = nonNegative('refreshCooldownSeconds', opts.refreshCooldownSeconds ?? 30);
  const maxConcurrent = positive('maxConcurrentFetches', opts.maxConcurrentFetches ?? 32);
  const allowHttp = opts.allowHttp ?? false;
  const fetchOpts: FetchJsonOptions = { fetch: opts.fetch, timeoutMs: opts.timeoutMs ?? MAX_TIMEOUT_MS, maxBytes: MAX_BODY_BYTES, allowHttp };
  checkFetchLimits(fetchOpts.timeoutMs!, MAX_BODY_BYTES);
  const { peers, statics } = indexPeers(opts.peers, allowHttp);
  if (opts.registryUrl !== undefined) checkRegistryTemplate(opts.registryUrl, allowHttp);
  const cache = createKeyCache(opts.maxEntries ?? 10_000);
  const inflight = new Map<number, Promise<ResolveResult>>();
  const { log, now } = opts;

  async function fetchKey(ocid: number, peer: PeerEntry | undefined): Promise<ResolveResult> {
    let source: CachedKey['source'] = 'metadata';
    let url = peer?.metadataUrl ?? peer?.endpoint;
    if (url === undefined) {
      const reg = await lookupRegistry(opts.registryUrl!, ocid, fetchOpts);
      if (!reg.ok) {
        if (reg.code === 'UNKNOWN_OCID') log.debug('OCID not in registry', { ocid });
        else log.warn('registry lookup failed', { ocid, url: urlForLog(opts.registryUrl!), reason: reg.reason });
        return reg;
      }
      source = 'registry';
      url = reg.metadataUrl;
    }
    const meta = await fetchMetadata(url, fetchOpts);
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

  async function resolve(ocid: number, ropts: ResolveOptions = {}): Promise<ResolveResult> {
    if (!Number.isSafeInteger(ocid) || ocid <= 0) return unknown('OCID must be a positive safe integer');
    const fixed = statics.get(ocid);
    if (fixed !== undefined) return { ok: true, key: fixed.key, hex: fixed.hex, source: 'static', cached: false };
    const peer = peers.get(ocid);
    if (peer === undefined && opts.registryUrl === undefined) return unknown(`OCID ${ocid} is not a known peer`);
    const hit = cache.get(ocid);
    if (hit !== undefined) {
      const t = now();
      const fresh = t < hit.expiresAt;
      if (fresh && (ropts.refresh !== true || t - hit.fetchedAt < cooldown))
        return { ok: true, key: hit.key, hex: hit.hex, source: hit.source, cached: true };
    }
    // One fetch per OCID at a time; a refresh joins a fetch already under way (it is just as fresh).
    const pending = inflight.get(ocid);
    if (pending !== undefined) return pending;
    if (inflight.size >= maxConcurrent) {
      log.warn('key fetch refused: too many in flight', { ocid, inflight: inflight.size });
      return unavailable('too many key fetches in progress');
    }
    const task = fetchKey(ocid, peer)
      .catch((err: unknown): ResolveResult => {
        log.error('key resolution failed unexpectedly', { ocid, error: err instanceof Error ? err : String(err) });
        return unavailable('key resolution failed');
      })
      .finally(() => inflight.delete(ocid));
    inflight.set(ocid, task);
    return task;
  }

  return { resolve };
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
      if (!check.ok) throw new Error(`peers: ocid ${peer.ocid}: ${field}: ${check.reason} (see OC_ALLOW_HTTP_PEERS)`);
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

const unknown = (reason: string): ResolveFailure => ({ ok: false, code: 'UNKNOWN_OCID', reason });
const unavailable = (reason: string): ResolveFailure => ({ ok: false, code: 'METADATA_UNAVAILABLE', reason });

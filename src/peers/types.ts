// The key-resolution contract the HTTP layer depends on (PROFILE §2 step 3, §5).
import type { MetadataResult } from './metadata.ts';

export type KeySource = 'static' | 'metadata' | 'registry';

/** `reason` is safe to show any caller (PROFILE §7): it never says why a lookup failed; the resolver logs that. */
export type ResolveFailure = { ok: false; code: 'UNKNOWN_OCID' | 'METADATA_UNAVAILABLE'; reason: string };

/**
 * `cached: true` means the key came from the cache, so a `refresh` may yield a different one (keys rotate).
 * Static keys and freshly fetched keys report `cached: false`: refreshing them would change nothing.
 */
export type ResolveResult =
  | { ok: true; key: Uint8Array; hex: string; source: KeySource; cached: boolean }
  | ResolveFailure;

export interface ResolveOptions {
  /** Bypass the cache: the caller's "refetch once when a cached key fails to verify". */
  refresh?: boolean;
}

export interface KeyResolver {
  resolve(ocid: number, opts?: ResolveOptions): Promise<ResolveResult>;
  /** A peer's metadata (endpoint, capabilities), found the way its key is: an issuer's /verify needs them. */
  metadata(ocid: number): Promise<MetadataResult | ResolveFailure>;
}

// Per-OCID caches (parsed keys, recent failures) with expiry in injected Unix seconds; bounded, least recently used evicted first.
import type { KeySource } from './types.ts';

export interface CachedKey {
  key: Uint8Array;
  hex: string;
  source: Exclude<KeySource, 'static'>;
  fetchedAt: number;
  expiresAt: number;
}

export interface KeyCache<T = CachedKey> {
  get(ocid: number): T | undefined;
  set(ocid: number, entry: T): void;
  readonly size: number;
}

/** The bound matters: with a registry, any caller can make us resolve arbitrary OCIDs. */
export function createKeyCache<T = CachedKey>(maxEntries: number): KeyCache<T> {
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
  const map = new Map<number, T>();
  return {
    get(ocid) {
      const entry = map.get(ocid);
      if (entry !== undefined) {
        // Map keeps insertion order: re-inserting marks the entry as most recently used.
        map.delete(ocid);
        map.set(ocid, entry);
      }
      return entry;
    },
    set(ocid, entry) {
      map.delete(ocid);
      map.set(ocid, entry);
      for (const oldest of map.keys()) {
        if (map.size <= maxEntries) break;
        map.delete(oldest);
      }
    },
    get size() {
      return map.size;
    },
  };
}

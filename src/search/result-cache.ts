/**
 * Recent answers, keyed by the index's state: any change to the index makes old entries unreachable
 * (and they age out), so a cached answer is never stale.
 */

/** Entries kept per cache. */
export const RESULT_CACHE_SIZE = 500;

export interface ResultCache<V> {
  get(key: string): V | undefined;
  /** Insert as most recent, evicting the least recently used entry when full. */
  set(key: string, value: V): void;
  clear(): void;
}

export function createResultCache<V>(size = RESULT_CACHE_SIZE): ResultCache<V> {
  // A Map keeps insertion order: the first key is the least recently used.
  const cache = new Map<string, V>();
  return {
    get: (key) => cache.get(key),
    set(key, value) {
      cache.delete(key);
      if (cache.size >= size) cache.delete(cache.keys().next().value!);
      cache.set(key, value);
    },
    clear: () => cache.clear(),
  };
}

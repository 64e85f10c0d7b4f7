/**
 * A response cache keyed by the catalog's change sequence. Feeds and ranked lists are pure functions
 * of the catalog (and the day), so a cached value stays valid until any paper changes — on any node,
 * because the sequence lives in the shared database. The sequence is read at most every `freshMs`
 * (concurrent requests share one read), so a change shows within that delay plus HTTP caching.
 * Rendering a 100-item feed costs ~20 ms; a cache hit costs a map lookup.
 */
import type { App } from '../app.ts';

export interface SeqCache {
  /**
   * The cached value for `key` if the catalog has not changed since it was computed, else a fresh one.
   * @example const feed = await cache.get(`daily.rss:${today}`, () => renderDaily())
   */
  get<T>(key: string, compute: () => Promise<T>): Promise<T>;
}

/** `readSeq`: the catalog's change sequence (the catalog service's changeSeq). */
export function createSeqCache(readSeq: () => Promise<number>, opts: { maxEntries?: number; freshMs?: number } = {}): SeqCache {
  const maxEntries = opts.maxEntries ?? 500;
  const freshMs = opts.freshMs ?? 250;
  const entries = new Map<string, { seq: number; value: Promise<unknown> }>();
  let seqRead: { at: number; value: Promise<number> } | undefined;

  const currentSeq = (): Promise<number> => {
    const now = Date.now();
    if (!seqRead || now - seqRead.at > freshMs) {
      const value = readSeq();
      // A failed read must not stick: the next request tries again.
      value.catch(() => (seqRead = undefined));
      seqRead = { at: now, value };
    }
    return seqRead.value;
  };

  return {
    async get<T>(key: string, compute: () => Promise<T>): Promise<T> {
      const seq = await currentSeq();
      const hit = entries.get(key);
      if (hit && hit.seq === seq) {
        // Refresh recency for the LRU order.
        entries.delete(key);
        entries.set(key, hit);
        return hit.value as Promise<T>;
      }
      const value = compute();
      entries.set(key, { seq, value });
      value.catch(() => entries.delete(key));
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
      return value;
    },
  };
}

const caches = new WeakMap<App, SeqCache>();

/** The cache of an app (one per process and database). */
export function seqCache(app: App): SeqCache {
  let c = caches.get(app);
  if (!c) {
    c = createSeqCache(() => app.catalog.changeSeq());
    caches.set(app, c);
  }
  return c;
}

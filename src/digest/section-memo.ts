/**
 * One build's shared answers (SectionMemo in types.ts). A digest's sections are personal only in
 * what is left out (papers already sent) and in which saved searches and follows a subscriber has;
 * the trending ranking of a day and the results of one query over one window are the same for
 * everyone. At 2,000 subscribers with one saved search each the sections took 26.9 ms a digest
 * when every recipient ran them (docs/benchmarks.md, "Digests"); here each runs once per build.
 *
 * Scoped to one build on purpose: the catalog changes between builds (new papers, votes), and a
 * build that lasts a few minutes should show everyone the same snapshot rather than a drifting one.
 * A failed computation is dropped from the memo, so the next recipient tries again.
 */
import type { SectionMemo } from './types.ts';

export function createSectionMemo(): SectionMemo & { readonly size: number } {
  const values = new Map<string, Promise<unknown>>();
  return {
    get<T>(key: string, make: () => Promise<T>): Promise<T> {
      let v = values.get(key) as Promise<T> | undefined;
      if (!v) {
        v = make();
        values.set(key, v);
        v.catch(() => values.delete(key));
      }
      return v;
    },
    get size() {
      return values.size;
    },
  };
}

/**
 * A query as a memo key: surrounding and repeated whitespace do not change what the search finds
 * (the query parser splits on it), so `diffusion  models` and ` diffusion models` share one run.
 * Case is kept: quoted phrases and field values are passed to the search as written.
 */
export function queryKey(q: string): string {
  return q.trim().replace(/\s+/g, ' ');
}

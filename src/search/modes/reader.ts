/**
 * What the search modes read from the keyword index, as promises: in this thread, or (with a query pool)
 * in worker threads each holding its own read-only connection to the same file.
 */
import type { ParsedQuery } from '../query.ts';
import type { KeywordHit, KeywordResult, SearchIndex, SearchOptions } from '../keyword/types.ts';

export interface KeywordReader {
  search(q: ParsedQuery, opts: SearchOptions): Promise<KeywordResult>;
  decorate(q: ParsedQuery, ranked: Array<{ id: number; score: number }>): Promise<KeywordHit[]>;
  filterIds(q: ParsedQuery, ids: number[]): Promise<number[]>;
  textOf(id: number): Promise<{ title: string; abstract: string } | null>;
}

/** The reader over the index this thread holds (`index()` is the current one: a rebuild replaces it). */
export function inProcessReader(index: () => SearchIndex): KeywordReader {
  return {
    search: async (q, opts) => index().search(q, opts),
    decorate: async (q, ranked) => index().decorate(q, ranked),
    filterIds: async (q, ids) => index().filterIds(q, ids),
    textOf: async (id) => index().textOf(id),
  };
}

/**
 * The nearest papers to a vector that pass a query's filters: the vector index's neighbours, filtered by
 * the keyword index, searching deeper (up to MAX_SEMANTIC_DEPTH) while the filters reject too many.
 */
import { hasFilters, type ParsedQuery } from '../query.ts';
import type { VectorSearcher } from '../vectors/vector-index.ts';
import type { KeywordReader } from './reader.ts';

export const MAX_SEMANTIC_DEPTH = 2000;

/**
 * Best first, at most `need`; `exclude` (the paper itself, for similar papers) is never returned.
 * `explore`: how many neighbours an unfiltered search explores for (default twice `need`, at least 50).
 */
export async function nearest(
  reader: KeywordReader, v: VectorSearcher, qv: Float32Array, query: ParsedQuery, need: number, o: { exclude?: number | undefined; explore?: number | undefined } = {},
): Promise<Array<{ id: number; score: number }>> {
  const exclude = o.exclude;
  let depth = Math.max(need * 2, 50);
  // No filter to check: the neighbours as they are, without a round trip to a query thread (hybrid
  // and semantic requests of plain words, i.e. nearly all of them). Explored as deep as below (an HNSW
  // search asked for more neighbours explores more, so a smaller k alone could change the list), but
  // only `need` of them re-ranked: 150 vectors read from the store for hybrid's 100, not 300. Top 100 on
  // the served 80k catalog (`bench/lab/hybrid-vectors.ts`): recall@100 against exact 0.9974 (0.9976),
  // overlap with the deeper call 0.9998, 1.95 ms a call against 2.66. Hybrid explores less (hybrid.ts).
  if (!hasFilters(query)) {
    const k = need + (exclude === undefined ? 0 : 1);
    return (await v.search(qv, k, { depth: o.explore ?? depth })).filter((h) => h.key !== exclude).slice(0, need).map((h) => ({ id: h.key, score: h.score }));
  }
  for (;;) {
    const found = (await v.search(qv, depth)).filter((h) => h.key !== exclude);
    const kept = new Set(await reader.filterIds(query, found.map((h) => h.key)));
    const hits = found.filter((h) => kept.has(h.key)).map((h) => ({ id: h.key, score: h.score }));
    if (hits.length >= need || found.length < depth || depth >= MAX_SEMANTIC_DEPTH) return hits.slice(0, need);
    depth *= 4;
  }
}

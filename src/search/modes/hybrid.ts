/**
 * Hybrid mode: the top of each side (keyword candidates with the query's filters, nearest papers by
 * meaning) combined by a max-normalized weighted sum (or reciprocal-rank fusion), one highlighted page.
 */
import { reciprocalRankFusion, weightedSum } from '../fusion.ts';
import { MAX_RANKED } from '../keyword/ranking.ts';
import type { VectorSearcher } from '../vectors/vector-index.ts';
import type { ModeAnswer, ModeInput } from './keyword.ts';
import { nearest } from './nearest.ts';
import type { KeywordReader } from './reader.ts';

/** Candidates each side contributes to hybrid fusion. */
export const FUSION_DEPTH = 100;

export interface HybridOptions {
  /** Semantic weight of the weighted sum. */
  weight: number;
  fusion?: 'weighted' | 'rrf' | undefined;
}

export async function searchHybrid(reader: KeywordReader, vectors: VectorSearcher, qv: Float32Array, i: ModeInput, o: HybridOptions): Promise<ModeAnswer> {
  const end = Math.min(i.offset + i.limit, MAX_RANKED);
  // Each side is read one deeper than the page, so a later page fuses lists as deep as it needs.
  const depth = Math.max(end + 1, FUSION_DEPTH);
  // The vector side explores only as deep as it is read (semantic mode explores twice as deep): near the
  // 100th neighbour the order barely moves a fusion that weighs meaning at 0.1. On the served 80k catalog
  // (hnsw-i8, LSA-256, the bench's 1,653 queries, `bench/lab/hybrid-vectors.ts`): a short list of 404
  // instead of 808, 1.96 against 2.76 ms a call, recall@100 against exact 0.9914 against 0.9974; the vector
  // thread's CPU a hybrid response 3.5–3.8 → 2.6–2.8 ms under bench:http. Below HNSW's 50k (an exact scan)
  // the results are the same either way. Known-item quality at 75k: docs/search-quality.md, session 13.
  const [kw, sem] = await Promise.all([reader.search(i.query, { limit: depth, plain: true, candidates: true }), nearest(reader, vectors, qv, i.query, depth, { explore: depth })]);
  const kwList = kw.hits.map((h) => ({ key: String(h.id), score: h.score }));
  const semList = sem.map((h) => ({ key: String(h.id), score: h.score }));
  const fused = o.fusion === 'rrf' ? reciprocalRankFusion([kwList, semList]) : weightedSum(kwList, semList, o.weight);
  const page = fused.slice(i.offset, end).map((h) => ({ id: Number(h.key), score: h.score }));
  // No count: the fused list mixes matches with neighbours by meaning (counting every keyword match would
  // cost more than the search and say nothing about the second half). Paged by `more`.
  return { query: i.query, mode: 'hybrid', total: Math.min(fused.length, end), count: 'none', more: fused.length > end && end < MAX_RANKED, notes: [], hits: await reader.decorate(i.query, page) };
}

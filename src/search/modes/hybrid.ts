/**
 * Hybrid mode: the top of each side (keyword candidates with the query's filters, nearest papers by
 * meaning) combined by a max-normalized weighted sum (or reciprocal-rank fusion), one highlighted page.
 */
import { reciprocalRankFusion, weightedSum } from '../fusion.ts';
import type { VectorIndex } from '../vectors/vector-index.ts';
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

export async function searchHybrid(reader: KeywordReader, vectors: VectorIndex, qv: Float32Array, i: ModeInput, o: HybridOptions): Promise<ModeAnswer> {
  const need = Math.min(i.offset + i.limit, 1000);
  const depth = Math.max(need, FUSION_DEPTH);
  const [kw, sem] = await Promise.all([reader.search(i.query, { limit: depth, plain: true, candidates: true }), nearest(reader, vectors, qv, i.query, depth)]);
  const kwList = kw.hits.map((h) => ({ key: String(h.id), score: h.score }));
  const semList = sem.map((h) => ({ key: String(h.id), score: h.score }));
  const fused = o.fusion === 'rrf' ? reciprocalRankFusion([kwList, semList]) : weightedSum(kwList, semList, o.weight);
  const page = fused.slice(i.offset, i.offset + i.limit).map((h) => ({ id: Number(h.key), score: h.score }));
  // The fused candidates are what hybrid can page through (counting every keyword match would cost more than the search).
  return { query: i.query, mode: 'hybrid', total: fused.length, hits: await reader.decorate(i.query, page) };
}

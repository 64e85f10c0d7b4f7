/**
 * Semantic mode: the nearest papers to the query's embedding that pass its filters, highlighted with
 * the query's words.
 */
import { MAX_RANKED } from '../keyword/ranking.ts';
import type { VectorSearcher } from '../vectors/vector-index.ts';
import type { ModeAnswer, ModeInput } from './keyword.ts';
import { nearest } from './nearest.ts';
import type { KeywordReader } from './reader.ts';

export async function searchSemantic(reader: KeywordReader, vectors: VectorSearcher, qv: Float32Array, i: ModeInput): Promise<ModeAnswer> {
  // One more than the page says whether a next page exists. Every paper is somewhere in the order of
  // meaning, so there is no count to show ('none'); the first 1,000 can be paged through.
  const end = Math.min(i.offset + i.limit, MAX_RANKED);
  const ranked = await nearest(reader, vectors, qv, i.query, end + 1);
  const page = ranked.slice(i.offset, end);
  return { query: i.query, mode: 'semantic', total: Math.min(ranked.length, end), count: 'none', more: ranked.length > end && end < MAX_RANKED, notes: [], hits: await reader.decorate(i.query, page) };
}

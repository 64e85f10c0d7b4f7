/**
 * Semantic mode: the nearest papers to the query's embedding that pass its filters, highlighted with
 * the query's words.
 */
import type { VectorIndex } from '../vectors/vector-index.ts';
import type { ModeAnswer, ModeInput } from './keyword.ts';
import { nearest } from './nearest.ts';
import type { KeywordReader } from './reader.ts';

export async function searchSemantic(reader: KeywordReader, vectors: VectorIndex, qv: Float32Array, i: ModeInput): Promise<ModeAnswer> {
  const need = Math.min(i.offset + i.limit, 1000);
  const ranked = await nearest(reader, vectors, qv, i.query, need);
  return { query: i.query, mode: 'semantic', total: ranked.length, hits: await reader.decorate(i.query, ranked.slice(i.offset, i.offset + i.limit)) };
}

/**
 * Similar papers ("more like this"): the paper's nearest neighbours by vector when it has one, else a
 * keyword query of its title's words.
 */
import { parseQuery, words } from '../query.ts';
import { STOP_WORDS } from '../stop-words.ts';
import { TITLE_CAP } from '../keyword/highlight.ts';
import type { KeywordHit } from '../keyword/types.ts';
import type { VectorSearcher } from '../vectors/vector-index.ts';
import { nearest } from './nearest.ts';
import type { KeywordReader } from './reader.ts';

/** Null when the paper is not in the index (it may arrive with the next sync). */
export async function similarPapers(reader: KeywordReader, vectors: { index: VectorSearcher; own: Float32Array | null } | null, id: number, limit: number): Promise<KeywordHit[] | null> {
  const empty = parseQuery('');
  if (vectors?.own && vectors.own.length === vectors.index.dim) {
    return reader.decorate(empty, await nearest(reader, vectors.index, vectors.own, empty, limit, { exclude: id }));
  }
  const text = await reader.textOf(id);
  if (!text) return null;
  // The title's words: they say what the paper is about, and a dozen words keep this cheap on a
  // large catalog (the whole abstract as an OR query scores most of the index: ~0.3 s at 80k).
  const title = text.title.slice(0, TITLE_CAP);
  const titleWords = words(title).filter((w) => !STOP_WORDS.has(w) && w.length > 1);
  const terms = [...new Set(titleWords.length >= 3 ? titleWords : words(`${title} ${text.abstract.slice(0, TITLE_CAP * 4)}`).filter((w) => !STOP_WORDS.has(w)))].slice(0, 12);
  return (await reader.search({ ...empty, terms }, { limit: limit + 1 })).hits.filter((h) => h.id !== id).slice(0, limit);
}

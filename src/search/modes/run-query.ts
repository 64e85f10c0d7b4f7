/**
 * Which mode answers a query: keyword for keyword requests, filter-only listings and date/upvote sorts;
 * semantic and hybrid when the embedder and its vectors are ready (hybrid degrades to keyword, semantic
 * answers 503, while they are not).
 */
import { AppError } from '../../errors.ts';
import type { Embedder } from '../embedders/embedder.ts';
import { hasText, withoutUnclosedPhrase, type ParsedQuery } from '../query.ts';
import { DEFAULT_MODE, type SearchRequest } from '../search-types.ts';
import type { VectorSearcher } from '../vectors/vector-index.ts';
import { searchHybrid, type HybridOptions } from './hybrid.ts';
import { searchKeyword, type ModeAnswer } from './keyword.ts';
import type { KeywordReader } from './reader.ts';
import { searchSemantic } from './semantic.ts';

export interface QueryContext {
  reader: KeywordReader;
  /** The embedder and its vectors, when semantic search can run. */
  semantic(): { e: Embedder; v: VectorSearcher } | null;
  /** Why semantic search cannot run (for the 503). */
  unavailable(): string;
  hybrid: HybridOptions;
}

/**
 * The answer to a parsed query. An unclosed quote (`"graph neural`) is a phrase to the end of the query,
 * as a search box reads it; when that phrase matches nothing, its words are searched as plain words
 * instead. Either way the answer says how the quote was read (`notes`), so an empty page is never silent.
 */
export async function runQuery(c: QueryContext, req: SearchRequest, query: ParsedQuery): Promise<ModeAnswer> {
  const open = query.unclosed;
  const first = await answer(c, req, query);
  if (!open) return first;
  const phrase = `“${open.join(' ')}”`;
  // A later page of the loose reading is asked for with the same query: the phrase still matches nothing (total 0).
  if (first.hits.length > 0 || ((req.offset ?? 0) > 0 && first.total > 0)) return { ...first, notes: [...first.notes, `The quotation mark was not closed: searched for the phrase ${phrase} to the end of the query.`] };
  const loose = await answer(c, req, withoutUnclosedPhrase(query));
  return { ...loose, notes: [...loose.notes, `The quotation mark was not closed and no paper has the phrase ${phrase}: these results have its words anywhere.`] };
}

async function answer(c: QueryContext, req: SearchRequest, query: ParsedQuery): Promise<ModeAnswer> {
  const limit = Math.max(0, Math.min(req.limit ?? 20, 1000));
  const offset = Math.max(0, req.offset ?? 0);
  const requested = req.mode ?? DEFAULT_MODE;
  const sort = req.sort ?? query.sort ?? 'relevance';
  const input = { query, limit, offset, sort: req.sort, bare: req.bare };
  // Meaning ranks text; a filter-only listing or a date/upvote order is the same in every mode.
  if (requested === 'keyword' || !hasText(query) || sort !== 'relevance') return searchKeyword(c.reader, input);
  const ready = c.semantic();
  if (!ready) {
    if (requested === 'hybrid') return searchKeyword(c.reader, input); // degrade to keyword; the response says so
    throw new AppError('INDEX_NOT_READY', `semantic search is not available on this node yet: ${c.unavailable()}; use mode=keyword or mode=hybrid`);
  }
  const text = [...query.terms, ...query.phrases.flat()].join(' ');
  const [qv] = await ready.e.embed([text], 'query');
  // No word the embedder knows (LSA and an unseen word): meaning has nothing to say.
  const known = qv!.some((x) => x !== 0);
  if (!known && requested === 'hybrid') return searchKeyword(c.reader, input);
  if (!known) return { query, mode: 'semantic', total: 0, count: 'none', more: false, notes: [], hits: [] };
  if (requested === 'semantic') return searchSemantic(c.reader, ready.v, qv!, input);
  return searchHybrid(c.reader, ready.v, qv!, input, c.hybrid);
}

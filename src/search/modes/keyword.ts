/**
 * Keyword mode: the keyword index's own ranking (or listing, for filters alone and date/upvote sorts).
 */
import type { ParsedQuery, SortOrder } from '../query.ts';
import type { SearchResponse } from '../search-types.ts';
import type { KeywordReader } from './reader.ts';

export interface ModeInput {
  query: ParsedQuery;
  limit: number;
  offset: number;
  /** The sort the request asked for (absent: the query's own `sort:` or relevance). */
  sort?: SortOrder | undefined;
  bare?: boolean | undefined;
}

export type ModeAnswer = Omit<SearchResponse, 'tookMs' | 'state'>;

export async function searchKeyword(reader: KeywordReader, i: ModeInput): Promise<ModeAnswer> {
  const { hits, total, count, more } = await reader.search(i.query, { limit: i.limit, offset: i.offset, sort: i.sort, plain: i.bare });
  return { query: i.query, mode: 'keyword', total, count, more, notes: [], hits };
}

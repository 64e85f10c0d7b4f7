/**
 * What a search says about how many papers it found: a number only where it means something (every
 * paper matching, or the papers with every word of a short query), otherwise how the list is ordered.
 * One wording for the results page and the CLI.
 */
import type { SearchResponse } from '../../search/index.ts';

const papers = (n: number) => `${n.toLocaleString('en-US')} paper${n === 1 ? '' : 's'}`;

/**
 * @example countText({ total: 12, count: 'every-word', more: true, mode: 'keyword' }) // '12 papers with every word, then papers with some of them'
 */
export function countText(r: Pick<SearchResponse, 'total' | 'count' | 'more' | 'mode' | 'query'>): string {
  const words = r.query.terms.length + r.query.phrases.length > 1;
  if (r.count === 'all') return words ? `${papers(r.total)} with every word` : papers(r.total);
  if (r.count === 'every-word') {
    if (r.total === 0) return 'No paper has every word; these have some of them';
    return r.more ? `${papers(r.total)} with every word, then papers with some of them` : `${papers(r.total)} with every word`;
  }
  if (r.mode === 'semantic') return 'Closest in meaning first';
  if (r.mode === 'hybrid') return 'Best matches by words and meaning first';
  return 'Best matches first (papers with any of the words)';
}

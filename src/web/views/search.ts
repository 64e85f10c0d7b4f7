/**
 * The search results page: the query box with filters and sort, then ranked cards whose titles and
 * snippets carry highlighted matches.
 */
import type { PaperSearchResult } from '../../catalog/paper-search.ts';
import { DEFAULT_MODE, splitMarks } from '../../search/index.ts';
import { escapeHtml, html, raw, type Html } from '../html.ts';
import { layout } from './layout.ts';
import { paperCard } from './paper-card.ts';
import type { Viewer } from './viewer.ts';
import { countText } from './search-count.ts';

/** Longest query shown in the page title and the count line: a pasted abstract is not echoed whole. */
export const SHOWN_QUERY = 60;

/**
 * The query as the page repeats it: at most SHOWN_QUERY characters, cut at a word, with an ellipsis.
 * @example shortQuery('a'.repeat(100)).length // 61
 */
export function shortQuery(q: string): string {
  const flat = q.replace(/\s+/g, ' ').trim();
  if (flat.length <= SHOWN_QUERY) return flat;
  const cut = flat.slice(0, SHOWN_QUERY);
  const space = cut.lastIndexOf(' ');
  return `${(space > SHOWN_QUERY / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** Escape text, then turn the index's private-use markers into <mark>: highlights never carry markup. */
export function marked(text: string): Html {
  return raw(splitMarks(text).map((r) => (r.marked ? `<mark>${escapeHtml(r.text)}</mark>` : escapeHtml(r.text))).join(''));
}

export interface SearchPageInput {
  q: string;
  sort: string;
  cat: string;
  mode: string;
  result: PaperSearchResult | null;
  /** Said above the results, e.g. why another mode answered or a parameter was not understood. */
  notice?: string | undefined;
  page: number;
  pageSize: number;
  head?: Html;
  viewer?: Viewer | undefined;
}

const MODES = [
  ['keyword', 'Keywords'],
  ['hybrid', 'Keywords + meaning'],
  ['semantic', 'Meaning'],
] as const;

const SORTS = [
  ['relevance', 'Most relevant'],
  ['date', 'Newest'],
  ['upvotes', 'Most upvoted'],
] as const;

function href(q: string, sort: string, cat: string, mode: string, page: number): string {
  const p = new URLSearchParams({ q });
  if (sort !== 'relevance') p.set('sort', sort);
  if (mode !== DEFAULT_MODE) p.set('mode', mode);
  if (cat) p.set('cat', cat);
  if (page > 1) p.set('p', String(page));
  return `/search?${p}`;
}

/** At most this many numbered page links (the first 1,000 results are reachable by next links too). */
const MAX_PAGES = 20;

/** Numbered pages for an exact count, then (or only) previous and next links. */
function pager(i: SearchPageInput, pages: number, more: boolean): Html | string {
  if (pages <= 1 && i.page === 1 && !more) return '';
  const link = (n: number, text: string, rel?: string) => html`<a class="page" href="${href(i.q, i.sort, i.cat, i.mode, n)}"${rel ? raw(` rel="${rel}"`) : ''}>${text}</a>`;
  const numbered = pages > 1 && i.page <= pages
    ? Array.from({ length: pages }, (_, k) => k + 1).map((n) => (n === i.page ? html`<span class="page current" aria-current="page">${n}</span>` : link(n, String(n))))
    : [html`<span class="page current" aria-current="page">Page ${i.page}</span>`];
  return html`<nav class="pager" aria-label="Pages">${i.page > 1 ? link(i.page - 1, '← Previous', 'prev') : ''}${numbered}${more ? link(i.page + 1, 'Next →', 'next') : ''}</nav>`;
}

export function searchPage(i: SearchPageInput): Html {
  const r = i.result;
  // Numbered pages where the count is of every match; otherwise previous/next (the count says nothing of how far the list goes).
  const pages = r && r.count === 'all' ? Math.min(MAX_PAGES, Math.ceil(r.total / i.pageSize)) : 0;
  const shown = shortQuery(i.q);
  const form = html`<form class="search-page" action="/search" method="get" role="search">
  <input type="search" name="q" value="${i.q}" placeholder="Words, &quot;a phrase&quot;, -exclude, author:name, cat:cs.CL, year:2024" aria-label="Search query" autofocus>
  <select name="mode" aria-label="Match by">${MODES.map(([v, label]) => html`<option value="${v}"${v === i.mode ? raw(' selected') : ''}>${label}</option>`)}</select>
  <select name="sort" aria-label="Sort">${SORTS.map(([v, label]) => html`<option value="${v}"${v === i.sort ? raw(' selected') : ''}>${label}</option>`)}</select>
  <input type="text" name="cat" value="${i.cat}" placeholder="Category, e.g. cs.CL" aria-label="Category" size="12">
  <button type="submit">Search</button>
</form>`;
  let body: Html;
  if (!r) {
    body = html`${form}<section class="empty"><p>Type a few words, a phrase in quotes, an author (<code>author:hinton</code>), or paste a whole abstract.</p></section>`;
  } else {
    const start = (i.page - 1) * i.pageSize;
    body = html`${form}
${i.notice ? html`<p class="notice" role="status">${i.notice}</p>` : ''}
${r.notes.map((n) => html`<p class="notice" role="status">${n}</p>`)}
<p class="count">${countText(r)}${shown ? html` for “${shown}”` : ''} · ${r.tookMs.toFixed(1)} ms · <a class="digest-offer" href="/subscribe?q=${encodeURIComponent(i.cat ? `${i.q} cat:${i.cat}` : i.q)}">Mail me new matches</a></p>
${r.results.length
  ? html`<div class="cards results">${r.results.map(({ paper, hit }, n) =>
      paperCard(paper, { rank: start + n + 1, snippet: marked(hit.snippetMarked), titleHtml: marked(hit.titleMarked), viewer: i.viewer }),
    )}</div>`
  : html`<section class="empty"><p>No papers match. Try other words, or check the spelling and the filters.</p></section>`}
${pager(i, pages, r.more)}`;
  }
  return layout({ title: i.q ? `Search: ${shortQuery(i.q)}` : 'Search', body, head: i.head, query: i.q, viewer: i.viewer });
}

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
  /** Said above the results, e.g. why another mode answered. */
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

export function searchPage(i: SearchPageInput): Html {
  const r = i.result;
  const pages = r ? Math.min(20, Math.ceil(r.total / i.pageSize)) : 0;
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
<p class="count">${r.total} result${r.total === 1 ? '' : 's'} for “${i.q}” · ${r.tookMs.toFixed(1)} ms · <a class="digest-offer" href="/subscribe?q=${encodeURIComponent(i.cat ? `${i.q} cat:${i.cat}` : i.q)}">Mail me new matches</a></p>
${r.results.length
  ? html`<div class="cards results">${r.results.map(({ paper, hit }, n) =>
      paperCard(paper, { rank: start + n + 1, snippet: marked(hit.snippetMarked), titleHtml: marked(hit.titleMarked), viewer: i.viewer }),
    )}</div>`
  : html`<section class="empty"><p>No papers match. Try other words, or check the spelling and the filters.</p></section>`}
${pages > 1
  ? html`<nav class="pager" aria-label="Pages">${Array.from({ length: pages }, (_, k) => k + 1).map((n) =>
      n === i.page ? html`<span class="page current">${n}</span>` : html`<a class="page" href="${href(i.q, i.sort, i.cat, i.mode, n)}">${n}</a>`,
    )}</nav>`
  : ''}`;
  }
  return layout({ title: i.q ? `Search: ${i.q}` : 'Search', body, head: i.head, query: i.q, viewer: i.viewer });
}

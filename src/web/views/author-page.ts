/**
 * The author page: every paper carrying one author name, newest first, paged, with its feeds and the
 * members of this site verified as that author.
 */
import type { Paper } from '../../catalog/paper.ts';
import { html, type Html } from '../html.ts';
import { authorUrl } from './author-url.ts';
import { FEEDS, feedLinks } from './feed-links.ts';
import { layout } from './layout.ts';
import { paperCard } from './paper-card.ts';
import type { Viewer } from './viewer.ts';

export interface AuthorPageInput {
  name: string;
  papers: Paper[];
  total: number;
  page: number;
  pageSize: number;
  viewer?: Viewer | undefined;
}

const pageHref = (name: string, n: number) => (n === 1 ? authorUrl(name) : `${authorUrl(name)}?p=${n}`);

/** Members verified as this author on any paper shown (their claims name this spelling). */
function accounts(name: string, papers: Paper[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of papers) for (const a of p.authorInfo) if (a.name === name && a.account && !a.hidden) out.set(a.account.handle, a.account.name);
  return out;
}

export function authorPage(i: AuthorPageInput): Html {
  const pages = Math.max(1, Math.ceil(i.total / i.pageSize));
  const start = (i.page - 1) * i.pageSize;
  const feed = FEEDS.author(i.name);
  const members = accounts(i.name, i.papers);
  const pager = pages > 1
    ? html`<nav class="pager" aria-label="Pages">${i.page > 1 ? html`<a class="page" rel="prev" href="${pageHref(i.name, i.page - 1)}">← Newer</a>` : ''}<span class="muted">page ${i.page} of ${pages}</span>${i.page < pages ? html`<a class="page" rel="next" href="${pageHref(i.name, i.page + 1)}">Older →</a>` : ''}</nav>`
    : '';
  const body = html`<section class="author-page">
<h1>${i.name}</h1>
<p class="count">${i.total === 1 ? '1 paper' : `${i.total.toLocaleString('en')} papers`} with this author name${i.total ? ', newest first' : ''}${pages > 1 && i.page <= pages ? ` · page ${i.page} of ${pages}` : ''}
 · <a href="${feed.path}.atom">Atom</a> · <a href="${feed.path}.rss">RSS</a></p>
${members.size ? html`<p class="claimed">On this site: ${[...members].map(([handle, n], k) => html`${k ? ', ' : ''}<a href="/users/${handle}">${n} (@${handle})</a>`)} <span class="muted">(verified by moderators)</span></p>` : ''}
${i.papers.length
  ? html`<div class="cards">${i.papers.map((paper, k) => paperCard(paper, { rank: start + k + 1, viewer: i.viewer }))}</div>`
  : html`<p class="muted">${i.total ? html`There are only ${pages} pages. <a href="${authorUrl(i.name)}">Back to the first →</a>` : 'No papers in this catalog carry this author name. Names are matched exactly as written on the paper.'}</p>`}
${pager}
<p class="api-note muted">As JSON: <a href="/api${pageHref(i.name, i.page)}">/api${authorUrl(i.name)}</a></p>
</section>`;
  return layout({ title: `Papers by ${i.name}`, head: feedLinks(feed), body, viewer: i.viewer });
}

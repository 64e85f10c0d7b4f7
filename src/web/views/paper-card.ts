/**
 * A paper as a card in a list: title, authors, an abstract excerpt (or a highlighted snippet),
 * date, categories and upvotes — the unit of every list page.
 */
import type { Paper } from '../../catalog/paper.ts';
import { html, safeUrl, type Html } from '../html.ts';
import { excerpt, humanDate } from './format.ts';
import { authorLinks } from './authors.ts';
import { categorySearchHref } from './search-links.ts';

export interface CardOptions {
  /** Position in a ranked list (1-based), shown as a rank badge. */
  rank?: number;
  /** A pre-escaped, highlighted snippet that replaces the abstract excerpt (search results). */
  snippet?: Html;
  /** Why this paper is here (search explanation, trending score). */
  note?: string;
  /** A pre-escaped, highlighted title that replaces the plain one (search results). */
  titleHtml?: Html;
}

export function paperCard(p: Paper, o: CardOptions = {}): Html {
  const href = `/papers/${p.arxivId}`;
  const code = safeUrl(p.githubRepo);
  return html`<article class="card" data-id="${p.arxivId}">
  <div class="votes" title="${p.upvotes} upvotes"><span class="arrow" aria-hidden="true">▲</span><span class="count">${p.upvotes}</span></div>
  <div class="body">
    <h3 class="title">${o.rank ? html`<span class="rank">${o.rank}</span>` : ''}<a href="${href}">${o.titleHtml ?? p.title}</a></h3>
    <p class="authors">${authorLinks(p.authors, 3)}</p>
    <p class="abstract">${o.snippet ?? excerpt(p.abstract, 300)}</p>
    <p class="meta">
      ${p.dailyDate ? html`<a class="date" href="/papers?date=${p.dailyDate}">${humanDate(p.dailyDate)}</a>` : html`<span class="date">${humanDate(p.publishedAt)}</span>`}
      ${p.categories.slice(0, 3).map((c) => html` <a class="chip" href="${categorySearchHref(c)}">${c}</a>`)}
      ${code ? html` <a class="chip code" href="${code}" rel="noopener">code</a>` : ''}
      ${p.numComments ? html` <span class="comments">${p.numComments} comment${p.numComments === 1 ? '' : 's'}</span>` : ''}
      ${o.note ? html` <span class="note">${o.note}</span>` : ''}
    </p>
  </div>
</article>`;
}

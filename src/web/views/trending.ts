/**
 * The trending page: the ranking with each paper's "why it is trending" (its score's parts), the
 * formula said once at the top, pages of 30, and the digest offer beside it.
 */
import type { TrendingPaper } from '../../catalog/catalog.service.ts';
import { COMMENT_WEIGHT, explainTrending, HALF_LIFE_DAYS, WINDOW_DAYS } from '../../catalog/trending.ts';
import { html, type Html } from '../html.ts';
import { humanDate } from './format.ts';
import { layout } from './layout.ts';
import { paperCard } from './paper-card.ts';
import type { Viewer } from './viewer.ts';

export interface TrendingPage {
  reference: string | null;
  ranked: TrendingPaper[];
  page: number;
  pageSize: number;
}

/** "Why it is trending" for one paper. */
export function trendingNote(t: TrendingPaper): string {
  return `Why it is trending: ${explainTrending(t.parts)}`;
}

export function trendingPage(d: TrendingPage, head: Html, viewer?: Viewer): Html {
  const start = (d.page - 1) * d.pageSize;
  const slice = d.ranked.slice(start, start + d.pageSize);
  const pages = Math.max(1, Math.ceil(d.ranked.length / d.pageSize));
  const formula = html`<p class="formula">Score = (upvotes + ${COMMENT_WEIGHT} × comments + 1) × 2<sup>−age in days / ${HALF_LIFE_DAYS}</sup>, over the daily papers of the last ${WINDOW_DAYS} days${d.reference ? html` up to ${humanDate(d.reference)}` : ''}. Upvotes and comments count Hugging Face's and this site's. A comment weighs two upvotes; the score halves every ${HALF_LIFE_DAYS} days. <a href="/subscribe">Get these in your inbox</a></p>`;
  const body = slice.length
    ? html`${slice.map((t, i) => paperCard(t.paper, { rank: start + i + 1, note: trendingNote(t), viewer }))}`
    : html`<p class="empty">${d.ranked.length ? html`There are only ${d.ranked.length} trending papers. <a href="/trending">Back to the first page</a>.` : 'No daily papers yet: trending ranks the daily list of the last two weeks.'}</p>`;
  const nav = pages > 1
    ? html`<nav class="pages">${d.page > 1 ? html`<a rel="prev" href="/trending${d.page > 2 ? `?p=${d.page - 1}` : ''}">Previous</a>` : ''} <span>Page ${d.page} of ${pages}</span> ${d.page < pages ? html`<a rel="next" href="/trending?p=${d.page + 1}">Next</a>` : ''}</nav>`
    : '';
  return layout({ title: 'Trending papers', head, viewer, body: html`<section class="listing trending"><h1>Trending papers</h1>${formula}${body}${nav}</section>` });
}

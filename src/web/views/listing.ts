/**
 * The daily / weekly / monthly list page: tabs, the period's title, previous/next, ranked cards, pages.
 */
import { periodOf, type PeriodKind } from '../../catalog/dates.ts';
import type { Listing } from '../../catalog/papers.service.ts';
import { html, type Html } from '../html.ts';
import { humanDate } from './format.ts';
import { layout } from './layout.ts';
import { paperCard } from './paper-card.ts';
import type { Viewer } from './viewer.ts';

const PARAM: Record<PeriodKind, string> = { day: 'date', week: 'week', month: 'month' };
const TAB_LABEL: Record<PeriodKind, string> = { day: 'Daily', week: 'Weekly', month: 'Monthly' };

function periodTitle(l: Listing): string {
  const p = l.period!;
  if (p.kind === 'day') return humanDate(p.from);
  if (p.kind === 'week') return `Week ${Number(p.key.slice(6))}, ${p.key.slice(0, 4)} (${humanDate(p.from)} – ${humanDate(p.to)})`;
  const d = new Date(`${p.from}T00:00:00Z`);
  return d.toLocaleString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });
}

function periodHref(kind: PeriodKind, key: string, page = 1): string {
  return `/papers?${PARAM[kind]}=${encodeURIComponent(key)}${page > 1 ? `&p=${page}` : ''}`;
}

export function listingPage(l: Listing, kind: PeriodKind, head?: Html, viewer?: Viewer): Html {
  if (!l.period) {
    return layout({
      title: 'Daily papers',
      head,
      viewer,
      body: html`<section class="empty"><h1>No papers yet</h1>
<p>The catalog is empty. Import some papers, for example:</p>
<pre>npx paperboy ingest demo
npx paperboy ingest hf-daily path/to/daily-papers/
npx paperboy ingest oai --from 2026-01-01 --set cs</pre></section>`,
    });
  }
  const p = l.period;
  // Tabs link to the day, week or month that holds the end of the current period.
  const anchorDay = p.to;
  const tabs = (['day', 'week', 'month'] as const).map((k) => {
    const href = periodHref(k, periodOf(k, anchorDay).key);
    return html`<a class="tab${k === kind ? ' active' : ''}" href="${href}"${k === kind ? html` aria-current="page"` : ''}>${TAB_LABEL[k]}</a>`;
  });
  const title = periodTitle(l);
  const nav = html`<nav class="period-nav" aria-label="Periods">
  ${l.prev ? html`<a class="prev" rel="prev" href="${periodHref(kind, l.prev.key)}">← Previous</a>` : html`<span class="prev disabled">← Previous</span>`}
  <h1>${title}</h1>
  ${l.next ? html`<a class="next" rel="next" href="${periodHref(kind, l.next.key)}">Next →</a>` : html`<span class="next disabled">Next →</span>`}
</nav>`;
  const pager =
    l.pages > 1
      ? html`<nav class="pager" aria-label="Pages">${Array.from({ length: l.pages }, (_, i) => i + 1).map((n) =>
          n === l.page ? html`<span class="page current">${n}</span>` : html`<a class="page" href="${periodHref(kind, p.key, n)}">${n}</a>`,
        )}</nav>`
      : '';
  const start = (l.page - 1) * l.pageSize;
  const body = html`<div class="tabs" role="navigation" aria-label="List">${tabs}</div>
${nav}
<p class="count">${l.total} paper${l.total === 1 ? '' : 's'}, most upvoted first</p>
${l.papers.length
  ? html`<div class="cards">${l.papers.map((paper, i) => paperCard(paper, { rank: start + i + 1, viewer }))}</div>`
  : html`<section class="empty"><p>No papers ${kind === 'day' ? 'on this day' : `this ${kind}`}.${l.prev || l.next ? ' Try the neighbouring ones.' : ''}</p></section>`}
${pager}`;
  return layout({ title: `${TAB_LABEL[kind]} papers — ${title}`, head, body, viewer });
}

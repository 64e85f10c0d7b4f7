/**
 * The daily / weekly / monthly list page: tabs, the period's title between Previous and Next, a date
 * picker, ranked cards, pages. Every navigation link leads to a period that has papers (period-nav.ts);
 * an empty period or a page past the end says where the papers are.
 */
import type { Viewer } from './viewer.ts';
import type { Period, PeriodKind } from '../../catalog/dates.ts';
import type { PeriodNav, PeriodWithCount } from '../../catalog/period-nav.ts';
import type { Listing } from '../../catalog/papers.service.ts';
import { html, type Html } from '../html.ts';
import { humanDate } from './format.ts';
import { layout } from './layout.ts';
import { paperCard } from './paper-card.ts';

const PARAM: Record<PeriodKind, string> = { day: 'date', week: 'week', month: 'month' };
const TAB_LABEL: Record<PeriodKind, string> = { day: 'Daily', week: 'Weekly', month: 'Monthly' };
const NOUN: Record<PeriodKind, string> = { day: 'day', week: 'week', month: 'month' };

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** "Fri, Aug 21, 2026", "Week 34, 2026 (Aug 17 – Aug 23)", "Week 1, 2026 (Dec 29, 2025 – Jan 4, 2026)", "August 2026". */
export function periodTitle(p: Period): string {
  if (p.kind === 'day') return `${WEEKDAYS[new Date(`${p.from}T00:00:00Z`).getUTCDay()]}, ${humanDate(p.from)}`;
  if (p.kind === 'week') {
    // The year is said once unless the week spans two: "Week 34, 2026 (Aug 17 – Aug 23)".
    const sameYear = p.from.slice(0, 4) === p.to.slice(0, 4);
    const day = (d: string) => (sameYear ? humanDate(d).replace(/, \d{4}$/, '') : humanDate(d));
    return `Week ${Number(p.key.slice(6))}, ${p.key.slice(0, 4)} (${day(p.from)} – ${day(p.to)})`;
  }
  const d = new Date(`${p.from}T00:00:00Z`);
  return d.toLocaleString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });
}

/** The short label of a neighbouring period on Previous / Next. */
function shortTitle(p: Period): string {
  if (p.kind === 'week') return `Week ${Number(p.key.slice(6))}`;
  if (p.kind === 'month') return new Date(`${p.from}T00:00:00Z`).toLocaleString('en-US', { month: 'short', year: 'numeric', timeZone: 'UTC' });
  return humanDate(p.from);
}

/** The page's URL; pages count from 1 here (the API's `p` counts from 0). */
export function periodHref(p: Pick<Period, 'kind' | 'key'>, page = 1): string {
  return `/papers?${PARAM[p.kind]}=${encodeURIComponent(p.key)}${page > 1 ? `&p=${page}` : ''}`;
}

/** The same list in the JSON API, whose `p` counts from 0 as Hugging Face's does. */
export function apiHref(p: Pick<Period, 'kind' | 'key'>, page: number, pageSize: number): string {
  return `/api/daily_papers?${PARAM[p.kind]}=${encodeURIComponent(p.key)}&limit=${pageSize}&p=${page - 1}`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function neighbourLink(n: PeriodWithCount, rel: 'prev' | 'next'): Html {
  return html`<a rel="${rel}" href="${periodHref(n.period)}">${periodTitle(n.period)}</a> (${plural(n.count, 'paper')})`;
}

/** What an empty period says: where the nearest papers are, and where the catalog's papers start and end. */
function emptyPeriod(l: Listing, nav: PeriodNav | null): Html {
  const p = l.period!;
  const what = p.kind === 'day' ? `on ${humanDate(p.from)}` : `in ${periodTitle(p)}`;
  const where: Html[] = [];
  if (nav?.before && nav.after) where.push(html`The nearest are ${neighbourLink(nav.before, 'prev')} and ${neighbourLink(nav.after, 'next')}.`);
  else if (nav?.before) where.push(html`The papers end on ${humanDate(nav.last)}: the latest are ${neighbourLink(nav.before, 'prev')}.`);
  else if (nav?.after) where.push(html`The papers start on ${humanDate(nav.first)}: the first are ${neighbourLink(nav.after, 'next')}.`);
  return html`<section class="empty" role="status"><p>No papers ${what}.</p>${where.length ? html`<p>${where}</p>` : ''}</section>`;
}

/** A page number past the last page: say which pages hold the period's papers. */
function pastTheEnd(l: Listing): Html {
  const p = l.period!;
  const last = periodHref(p, l.pages);
  return html`<section class="empty" role="status"><p>Page ${l.page} is past the end of this ${NOUN[p.kind]}.</p>
<p>Its ${plural(l.total, 'paper')} are on ${l.pages === 1 ? html`<a href="${last}">page 1</a>` : html`pages 1–${l.pages}: <a href="${periodHref(p)}">first page</a> · <a href="${last}">last page (${l.pages})</a>`}.</p></section>`;
}

function datePicker(p: Period, nav: PeriodNav | null): Html {
  return html`<form class="date-picker" action="/papers" method="get">
  <input type="hidden" name="view" value="${p.kind}">
  <label>Go to <input type="date" name="on" value="${p.kind === 'day' ? p.from : (nav?.tabs.day.from ?? p.from)}"${nav?.first ? html` min="${nav.first}"` : ''}${nav?.last ? html` max="${nav.last}"` : ''} required></label>
  <button type="submit">Go</button>
</form>`;
}

function pager(l: Listing): Html | '' {
  const p = l.period!;
  if (l.pages <= 1) return '';
  return html`<nav class="pager" aria-label="Pages"><span class="muted">Page</span>${Array.from({ length: l.pages }, (_, i) => i + 1).map((n) =>
    n === l.page ? html`<span class="page current" aria-current="page">${n}</span>` : html`<a class="page" href="${periodHref(p, n)}">${n}</a>`,
  )}<span class="muted">of ${l.pages}</span></nav>`;
}

export function listingPage(l: Listing, kind: PeriodKind, nav: PeriodNav | null, head?: Html, viewer?: Viewer): Html {
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
  const tabs = (['day', 'week', 'month'] as const).map((k) => {
    const target = nav?.tabs[k] ?? p;
    const href = k === kind ? periodHref(p) : periodHref(target);
    return html`<a class="tab${k === kind ? ' active' : ''}" href="${href}"${k === kind ? html` aria-current="page"` : ''}>${TAB_LABEL[k]}</a>`;
  });
  const title = periodTitle(p);
  const periodNav = html`<nav class="period-nav" aria-label="${TAB_LABEL[kind]} lists">
  ${l.prev ? html`<a class="prev" rel="prev" href="${periodHref(l.prev)}" title="${periodTitle(l.prev)}">← ${shortTitle(l.prev)}</a>` : html`<span class="prev disabled">← Previous</span>`}
  <h1>${title}</h1>
  ${l.next ? html`<a class="next" rel="next" href="${periodHref(l.next)}" title="${periodTitle(l.next)}">${shortTitle(l.next)} →</a>` : html`<span class="next disabled">Next →</span>`}
</nav>`;
  const start = (l.page - 1) * l.pageSize;
  const body = html`<div class="list-head"><div class="tabs" role="navigation" aria-label="List">${tabs}</div>${datePicker(p, nav)}</div>
${periodNav}
<p class="count">${plural(l.total, 'paper')}${l.total ? ', most upvoted first' : ''}${l.pages > 1 && l.page <= l.pages ? ` · page ${l.page} of ${l.pages}` : ''}</p>
${l.papers.length
  ? html`<div class="cards">${l.papers.map((paper, i) => paperCard(paper, { rank: start + i + 1, viewer }))}</div>`
  : l.total > 0
    ? pastTheEnd(l)
    : emptyPeriod(l, nav)}
${pager(l)}
<p class="api-note muted">As JSON: <a href="${apiHref(p, Math.min(l.page, Math.max(1, l.pages)), l.pageSize)}">/api/daily_papers?${PARAM[kind]}=${p.key}&amp;p=${Math.min(l.page, Math.max(1, l.pages)) - 1}</a> — pages here count from 1; the API’s <code>p</code> counts from 0, as on Hugging Face.</p>`;
  return layout({ title: `${TAB_LABEL[kind]} papers — ${title}`, head, body, viewer });
}

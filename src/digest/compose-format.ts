/**
 * The small wording rules both parts of a digest share (HTML and plain text say the same things):
 * the period's name, the abstract's two-line excerpt, the upvote count.
 */
import { displayText } from '../catalog/paper.ts';
import type { Period } from './types.ts';

/**
 * About two lines of a mail client's reading pane (≈ 90–110 characters a line at 600 px), cut at a
 * word so a line never ends mid-word.
 */
export const EXCERPT_CHARS = 220;

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/**
 * The first two lines' worth of an abstract, whitespace collapsed, ending in "…" when cut.
 * @example abstractExcerpt('We study a  b c …', 20)
 */
export function abstractExcerpt(abstract: string | null | undefined, max = EXCERPT_CHARS): string {
  const s = displayText(abstract ?? '');
  if (s.length <= max) return s;
  const cut = s.slice(0, max + 1);
  const space = cut.lastIndexOf(' ');
  // No space in the first 60 %: one very long token (a URL, a formula); cut it hard instead.
  const end = space > max * 0.6 ? space : max;
  return `${cut.slice(0, end).replace(/[\s,.;:]+$/, '')}…`;
}

/**
 * What one paper renders to, kept per Paper object and (why, url): in one build the same trending and
 * search results (shared objects, section-memo.ts) appear in thousands of digests, and their escaping,
 * whitespace collapsing and wrapping were a fifth of composing (bench:digest --cpu-prof). Keyed by the
 * object, so a changed paper (a new object) is rendered afresh and the entry goes with the object.
 */
export function createItemCache<T>(): (paper: object, key: string, render: () => T) => T {
  const byPaper = new WeakMap<object, Map<string, T>>();
  return (paper, key, render) => {
    let m = byPaper.get(paper);
    if (!m) byPaper.set(paper, (m = new Map()));
    let v = m.get(key);
    if (v === undefined) m.set(key, (v = render()));
    return v;
  };
}

/** The Monday (UTC date) of an ISO week `YYYY-Www`. */
function isoWeekMonday(year: number, week: number): Date {
  // 4 January is always in week 1; step back to its Monday, then forward.
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const monday = new Date(jan4.getTime() - ((jan4.getUTCDay() + 6) % 7) * 86_400_000);
  return new Date(monday.getTime() + (week - 1) * 7 * 86_400_000);
}

function longDate(d: Date, withWeekday: boolean): string {
  const day = `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
  return withWeekday ? `${WEEKDAYS[d.getUTCDay()]} ${day}` : day;
}

/**
 * The period as people say it: `Tuesday 1 December 2026` (daily) or `the week of 30 November 2026`
 * (weekly). A key in neither form is shown as it is.
 * @example periodLabel('daily', '2026-12-01') // 'Tuesday 1 December 2026'
 */
export function periodLabel(period: Period, key: string): string {
  const daily = /^(\d{4})-(\d{2})-(\d{2})$/.exec(key);
  if (daily) return longDate(new Date(Date.UTC(Number(daily[1]), Number(daily[2]) - 1, Number(daily[3]))), true);
  const weekly = /^(\d{4})-W(\d{2})$/.exec(key);
  if (weekly) return `the week of ${longDate(isoWeekMonday(Number(weekly[1]), Number(weekly[2])), false)}`;
  return `${period} ${key}`;
}

/** `1 upvote`, `42 upvotes`. */
export function upvoteText(n: number): string {
  return `${n} upvote${n === 1 ? '' : 's'}`;
}

/** `1 paper`, `12 papers`. */
export function paperCount(n: number): string {
  return `${n} paper${n === 1 ? '' : 's'}`;
}

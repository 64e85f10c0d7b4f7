/**
 * Where the list pages' navigation leads: every link goes to a day, week or month that has papers.
 * The tabs switch kind around the latest day with papers inside the period shown (a week's "Daily" tab
 * opens its Friday, not its empty Sunday); an empty period names its nearest neighbours with papers and
 * their counts; the date picker resolves a chosen day to the nearest period with papers.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { periodOf, type Period, type PeriodKind } from './dates.ts';
import { adjacentDailyDate, countDaily, latestDailyDate } from './papers.repo.ts';

export interface PeriodWithCount {
  period: Period;
  count: number;
}

export interface PeriodNav {
  /** The first and last days with daily papers in the catalog (the date picker's bounds). */
  first: string | null;
  last: string | null;
  /** The period each tab opens: the current one for its own kind, else the one around `anchor`. */
  tabs: Record<PeriodKind, Period>;
  /** The nearest periods with papers before and after this one, with their sizes (shown when it is empty). */
  before: PeriodWithCount | null;
  after: PeriodWithCount | null;
}

const KINDS: PeriodKind[] = ['day', 'week', 'month'];

/** The day with papers nearest to `day` (itself if it has papers; the earlier one on a tie), or null. */
export async function nearestDailyDate(db: Kysely<Database>, day: string): Promise<string | null> {
  const [onOrBefore, after] = await Promise.all([latestDailyDate(db, day), adjacentDailyDate(db, day, 1)]);
  if (onOrBefore === day || !after) return onOrBefore;
  if (!onOrBefore) return after;
  const t = Date.parse(day);
  return t - Date.parse(onOrBefore) <= Date.parse(after) - t ? onOrBefore : after;
}

async function withCount(db: Kysely<Database>, p: Period | null): Promise<PeriodWithCount | null> {
  return p ? { period: p, count: await countDaily(db, p.from, p.to) } : null;
}

/**
 * Navigation around a period.
 * @example await periodNavigation(db, parsePeriod('week', '2024-W22'), { prev, next })
 */
export async function periodNavigation(db: Kysely<Database>, period: Period, neighbours: { prev: Period | null; next: Period | null }): Promise<PeriodNav> {
  const [first, last, latestInside] = await Promise.all([
    adjacentDailyDate(db, '0000-01-01', 1),
    latestDailyDate(db),
    latestDailyDate(db, period.to),
  ]);
  // The anchor is the latest day with papers inside the period, else the nearest one to it.
  const inside = latestInside !== null && latestInside >= period.from ? latestInside : null;
  const anchor = inside ?? (await nearestDailyDate(db, period.to));
  const tabs = {} as Record<PeriodKind, Period>;
  for (const k of KINDS) tabs[k] = k === period.kind ? period : periodOf(k, anchor ?? period.to);
  const [before, after] = await Promise.all([withCount(db, neighbours.prev), withCount(db, neighbours.next)]);
  return { first, last, tabs, before, after };
}

/**
 * The period of `kind` a chosen day leads to: the one containing it if that has papers, else the one
 * around the nearest day with papers; null for an empty catalog.
 */
export async function periodForPick(db: Kysely<Database>, kind: PeriodKind, day: string): Promise<Period | null> {
  const own = periodOf(kind, day);
  if ((await countDaily(db, own.from, own.to)) > 0) return own;
  const near = await nearestDailyDate(db, day);
  return near ? periodOf(kind, near) : null;
}

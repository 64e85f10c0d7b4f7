/**
 * Trending: the daily papers people are upvoting now. Explainable on purpose — one formula:
 *
 *   score = (upvotes + 1) × 2^(−age_days / HALF_LIFE_DAYS)
 *
 * where age_days is how many days before the reference day the paper entered the daily list, over a
 * window of WINDOW_DAYS days ending at the reference day. The reference day is the latest daily day on
 * or before today, so a catalog whose daily list stopped (a demo set, a paused harvest) still trends.
 * The +1 keeps unvoted new papers ordered by recency. Ties: more upvotes, then newer, then arXiv id.
 */
import type { Kysely } from 'kysely';
import type { Database, PaperRow } from '../store/schema.ts';
import { latestDailyDate } from './papers.repo.ts';
import { shownUpvotes } from './counts.ts';

export const HALF_LIFE_DAYS = 3;
export const WINDOW_DAYS = 14;
const MS_DAY = 86_400_000;

/**
 * The trending score of one paper.
 * @example trendingScore(10, 0) // 11
 * @example trendingScore(10, 3) // 5.5: three days halve it
 */
export function trendingScore(upvotes: number, ageDays: number, halfLife = HALF_LIFE_DAYS): number {
  return (Math.max(0, upvotes) + 1) * 2 ** (-Math.max(0, ageDays) / halfLife);
}

/** Whole days from `day` to `reference` (both YYYY-MM-DD). */
export function ageInDays(day: string, reference: string): number {
  return Math.round((Date.parse(`${reference}T00:00:00Z`) - Date.parse(`${day}T00:00:00Z`)) / MS_DAY);
}

export interface Ranked {
  row: PaperRow;
  score: number;
}

/** Rank rows of the window by score, with deterministic ties. */
export function rankTrending(rows: PaperRow[], reference: string): Ranked[] {
  return rows
    .filter((r) => r.daily_date !== null)
    .map((row) => ({ row, score: trendingScore(shownUpvotes(row), ageInDays(row.daily_date!, reference)) }))
    .sort(
      (a, b) =>
        b.score - a.score ||
        shownUpvotes(b.row) - shownUpvotes(a.row) ||
        (b.row.daily_date! < a.row.daily_date! ? -1 : b.row.daily_date! > a.row.daily_date! ? 1 : 0) ||
        (b.row.arxiv_id < a.row.arxiv_id ? -1 : b.row.arxiv_id > a.row.arxiv_id ? 1 : 0),
    );
}

export interface TrendingList {
  /** The day ages are counted from, or null when the catalog has no daily papers. */
  reference: string | null;
  ranked: Ranked[];
}

/**
 * The full trending ranking (the window holds a few hundred papers, so ranking in memory is cheap).
 * Pass `reference` to pin a ranking across pages of a cursor.
 * @example const { ranked } = await listTrending(db, { today: '2026-08-21' })
 */
export async function listTrending(
  db: Kysely<Database>,
  opts: { today: string; reference?: string },
): Promise<TrendingList> {
  const reference = opts.reference ?? (await latestDailyDate(db, opts.today));
  if (!reference) return { reference: null, ranked: [] };
  const from = new Date(Date.parse(`${reference}T00:00:00Z`) - (WINDOW_DAYS - 1) * MS_DAY).toISOString().slice(0, 10);
  const rows = await db
    .selectFrom('papers')
    .selectAll()
    .where('daily_date', '>=', from)
    .where('daily_date', '<=', reference)
    .where('hidden_at', 'is', null)
    .execute();
  return { reference, ranked: rankTrending(rows, reference) };
}

/**
 * Trending: the daily papers people are upvoting and discussing now. Explainable on purpose — one
 * formula, used by /trending, /api/trending, `sort=trending`, the trending feeds and the digests:
 *
 *   score = (upvotes + COMMENT_WEIGHT × comments + 1) × 2^(−age_days / HALF_LIFE_DAYS)
 *
 * upvotes and comments are the shown counts (imported from Hugging Face plus this site's own:
 * counts.ts); age_days is how many days before the reference day the paper entered the daily list,
 * over a window of WINDOW_DAYS days ending at the reference day. The reference day is the latest daily
 * day on or before today, so a catalog whose daily list stopped (a demo set, a paused harvest) still
 * trends. A comment weighs two upvotes: writing one costs more than a click, and discussion is what
 * "trending" means beyond popularity. The +1 keeps unvoted new papers ordered by recency.
 * Ties: more upvotes, then newer, then arXiv id. docs/digests.md explains it for readers.
 */
import type { Kysely } from 'kysely';
import type { Database, PaperRow } from '../store/schema.ts';
import { latestDailyDate } from './papers.repo.ts';
import { shownComments, shownUpvotes } from './counts.ts';

export const HALF_LIFE_DAYS = 3;
export const COMMENT_WEIGHT = 2;
export const WINDOW_DAYS = 14;
const MS_DAY = 86_400_000;

/** The formula in words, for API summaries and feed descriptions. */
export const TRENDING_FORMULA = '(upvotes + 2 × comments + 1) × 2^(−age_days / 3), over the daily papers of the last 14 days';

/** A score and the numbers it is made of ("why it is trending"). */
export interface TrendingParts {
  upvotes: number;
  comments: number;
  ageDays: number;
  /** upvotes + COMMENT_WEIGHT × comments + 1 */
  points: number;
  /** 2^(−age_days / HALF_LIFE_DAYS) */
  decay: number;
  score: number;
}

/**
 * The trending score of one paper, with its parts.
 * @example trendingParts(10, 0, 0).score // 11
 * @example trendingParts(10, 1, 3).score // 6.5: (10 + 2 + 1) halved by three days
 */
export function trendingParts(upvotes: number, comments: number, ageDays: number, halfLife = HALF_LIFE_DAYS): TrendingParts {
  const u = Math.max(0, upvotes);
  const c = Math.max(0, comments);
  const age = Math.max(0, ageDays);
  const points = u + COMMENT_WEIGHT * c + 1;
  const decay = 2 ** (-age / halfLife);
  return { upvotes: u, comments: c, ageDays: age, points, decay, score: points * decay };
}

/** The score alone. @example trendingScore(9, 0, 3) // 5 */
export function trendingScore(upvotes: number, comments: number, ageDays: number, halfLife = HALF_LIFE_DAYS): number {
  return trendingParts(upvotes, comments, ageDays, halfLife).score;
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/**
 * The parts in words, for "why it is trending".
 * @example explainTrending(trendingParts(42, 3, 1)) // '42 upvotes + 2 × 3 comments + 1 = 49, 1 day old (× 0.79) → 38.9'
 */
export function explainTrending(p: TrendingParts): string {
  const age = p.ageDays === 0 ? 'new today' : `${plural(p.ageDays, 'day')} old`;
  return `${plural(p.upvotes, 'upvote')} + ${COMMENT_WEIGHT} × ${plural(p.comments, 'comment')} + 1 = ${p.points}, ${age} (× ${round(p.decay, 2)}) → ${round(p.score, 1)}`;
}

function round(n: number, digits: number): string {
  return String(Math.round(n * 10 ** digits) / 10 ** digits);
}

/** Whole days from `day` to `reference` (both YYYY-MM-DD). */
export function ageInDays(day: string, reference: string): number {
  return Math.round((Date.parse(`${reference}T00:00:00Z`) - Date.parse(`${day}T00:00:00Z`)) / MS_DAY);
}

export interface Ranked {
  row: PaperRow;
  score: number;
  parts: TrendingParts;
}

/** Rank rows of the window by score, with deterministic ties. */
export function rankTrending(rows: PaperRow[], reference: string): Ranked[] {
  return rows
    .filter((r) => r.daily_date !== null)
    .map((row) => {
      const parts = trendingParts(shownUpvotes(row), shownComments(row), ageInDays(row.daily_date!, reference));
      return { row, score: parts.score, parts };
    })
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
    .execute();
  return { reference, ranked: rankTrending(rows, reference) };
}

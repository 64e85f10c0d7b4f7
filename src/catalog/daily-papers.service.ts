/**
 * `/api/daily_papers` as Hugging Face answers it: a day, ISO week or month (the latest day by default),
 * optionally one submitter's papers, sorted by the list's order, by `publishedAt` or by trending.
 */
import type { Kysely } from 'kysely';
import { AppError } from '../errors.ts';
import type { Database, PaperRow } from '../store/schema.ts';
import { listDailyEntries, type DailyOrder } from './daily.repo.ts';
import { parsePeriod, periodOf, type Period, type PeriodKind } from './dates.ts';
import type { Paper } from './paper.ts';
import { loadPapers } from './paper-loader.ts';
import { latestDailyDate } from './papers.repo.ts';
import { listTrending, rankTrending } from './trending.ts';

/** The values `sort` takes, as huggingface_hub's `DailyPapersSort_T` spells them. */
export const DAILY_SORTS = ['publishedAt', 'trending'] as const;
export type DailySort = (typeof DAILY_SORTS)[number];

export interface DailyPapersRequest {
  kind: PeriodKind;
  /** The period's key; absent: the latest day, or every day when a submitter or a sort is given. */
  value?: string;
  submitter?: string;
  sort?: string;
  /** 0-based page, as on Hugging Face. */
  page: number;
  limit: number;
  /** Today (YYYY-MM-DD), for the trending window. */
  today: string;
}

/** A `sort` value, or a 400 that lists the allowed ones. */
export function parseDailySort(v: string | undefined): DailySort | undefined {
  if (v === undefined || v === '') return undefined;
  if ((DAILY_SORTS as readonly string[]).includes(v)) return v as DailySort;
  throw new AppError('BAD_REQUEST', `sort must be one of ${DAILY_SORTS.join(', ')} (got ${JSON.stringify(v.slice(0, 40))})`, {
    details: { parameter: 'sort', allowed: [...DAILY_SORTS] },
  });
}

/**
 * One page of daily papers.
 * - No period, no submitter, no sort: the latest day with papers, most upvoted first.
 * - A submitter without a period: every day's papers by that user, newest first.
 * - `sort=publishedAt`: newest first by the entry's `publishedAt`; `sort=trending`: the one trending
 *   score (catalog/trending.ts), over its window when no period is given, else over the period with
 *   ages counted from its last day.
 * @throws AppError INVALID_DATE for a malformed period, BAD_REQUEST for an unknown sort
 */
export async function listDailyPapers(db: Kysely<Database>, req: DailyPapersRequest): Promise<Paper[]> {
  const sort = parseDailySort(req.sort);
  const submitter = req.submitter?.trim() || undefined;
  const offset = req.page * req.limit;
  let period: Period | null = null;
  if (req.value !== undefined) period = parsePeriod(req.kind, req.value);
  else if (!submitter && !sort) {
    const latest = await latestDailyDate(db);
    if (!latest) return [];
    period = periodOf(req.kind, latest);
  }

  if (sort === 'trending') {
    const rows = await trendingRows(db, period, submitter, req.today);
    return loadPapers(db, rows.slice(offset, offset + req.limit));
  }
  const order: DailyOrder = sort === 'publishedAt' || !period ? 'newest' : 'upvotes';
  const rows = await listDailyEntries(db, { from: period?.from, to: period?.to, submitter, order, limit: req.limit, offset });
  return loadPapers(db, rows);
}

async function trendingRows(db: Kysely<Database>, period: Period | null, submitter: string | undefined, today: string): Promise<PaperRow[]> {
  if (!period) {
    const { ranked } = await listTrending(db, { today });
    return ranked.map((r) => r.row).filter((r) => !submitter || r.submitted_by === submitter);
  }
  // A period holds at most a month of daily papers (a few thousand rows): ranked in memory.
  const all: PaperRow[] = [];
  for (let offset = 0; ; offset += 1000) {
    const rows = await listDailyEntries(db, { from: period.from, to: period.to, submitter, order: 'upvotes', limit: 1000, offset });
    all.push(...rows);
    if (rows.length < 1000) break;
  }
  return rankTrending(all, period.to).map((r) => r.row);
}

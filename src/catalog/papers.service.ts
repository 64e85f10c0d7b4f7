/**
 * Reading papers for people: one paper by any id form, and the daily / weekly / monthly lists with
 * their navigation. Rules live here; SQL lives in papers.repo.ts.
 */
import type { Kysely } from 'kysely';
import { AppError } from '../errors.ts';
import type { Database } from '../store/schema.ts';
import { parseArxivId } from './arxiv-id.ts';
import { parsePeriod, periodOf, type Period, type PeriodKind } from './dates.ts';
import type { Paper } from './paper.ts';
import { loadPapers } from './paper-loader.ts';
import { adjacentDailyDate, countDaily, getPaperRow, latestDailyDate, listDaily } from './papers.repo.ts';

/**
 * One paper by any identifier form parseArxivId accepts.
 * @throws AppError INVALID_ARXIV_ID (400) or PAPER_NOT_FOUND (404)
 */
export async function getPaper(db: Kysely<Database>, idInput: string): Promise<Paper> {
  const { id } = parseArxivId(idInput);
  const row = await getPaperRow(db, id);
  if (!row) throw new AppError('PAPER_NOT_FOUND', `No paper ${id} in this catalog.`, { details: { id } });
  return (await loadPapers(db, [row]))[0]!;
}

export interface ListingRequest {
  kind: PeriodKind;
  /** The period's key (`2026-08-21`, `2026-W34`, `2026-08`); absent means the latest with papers. */
  value?: string;
  /** 1-based page. */
  page: number;
  pageSize: number;
}

export interface Listing {
  period: Period | null;
  papers: Paper[];
  total: number;
  page: number;
  pageSize: number;
  pages: number;
  /** Neighbouring periods that have papers (days) or simply the adjacent ones (weeks, months). */
  prev: Period | null;
  next: Period | null;
}

/**
 * A ranked list for a day, week or month. Days skip over empty days (weekends); weeks and months
 * step one at a time but never past the first or last day that has papers.
 * @throws AppError INVALID_DATE for a malformed period
 */
export async function listPeriod(db: Kysely<Database>, req: ListingRequest): Promise<Listing> {
  const page = Math.max(1, Math.floor(req.page));
  const latest = await latestDailyDate(db);
  let period: Period | null;
  if (req.value !== undefined) period = parsePeriod(req.kind, req.value);
  else period = latest ? periodOf(req.kind, latest) : null;
  if (!period) return { period: null, papers: [], total: 0, page, pageSize: req.pageSize, pages: 0, prev: null, next: null };

  const [rows, total] = await Promise.all([
    listDaily(db, period.from, period.to, { limit: req.pageSize, offset: (page - 1) * req.pageSize }),
    countDaily(db, period.from, period.to),
  ]);
  const [prev, next] = await Promise.all([neighbour(db, period, -1), neighbour(db, period, 1)]);
  return {
    period,
    papers: await loadPapers(db, rows),
    total,
    page,
    pageSize: req.pageSize,
    pages: Math.ceil(total / req.pageSize),
    prev,
    next,
  };
}

async function neighbour(db: Kysely<Database>, p: Period, dir: -1 | 1): Promise<Period | null> {
  const day = await adjacentDailyDate(db, dir < 0 ? p.from : p.to, dir);
  if (!day) return null;
  // Jump straight to the period holding the nearest day with papers: no clicking through empty weeks.
  return periodOf(p.kind, day);
}

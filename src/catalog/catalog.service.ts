/**
 * The catalog as the web routes and the CLI see it: papers, the daily/weekly/monthly lists, trending,
 * categories, search results joined with their papers, exports and counts — as domain objects
 * (`Paper`), never rows. Routes and commands call this service and nothing below it: no file under
 * src/web imports a repository, the store or SQL (the boundary check in `npm test` enforces it).
 * Each method delegates to the query module that holds the SQL (`*.repo.ts`, trending.ts, …).
 */
import type { Store } from '../store/db.ts';
import type { SearchRequest, SearchService } from '../search/index.ts';
import { currentSeq } from './counters.repo.ts';
import { exportPapers } from './export.ts';
import { lastCatalogChange } from './last-change.ts';
import { listCategory, listRecentDaily, type NewestKey } from './lists.repo.ts';
import type { Paper, PaperExport } from './paper.ts';
import { loadPapers } from './paper-loader.ts';
import { listDailyPapers, type DailyPapersRequest } from './daily-papers.service.ts';
import { findPapers, similarPapers, type PaperSearchResult } from './paper-search.ts';
import { catalogStats, getPaperRows, type CatalogStats } from './papers.repo.ts';
import { getPaper, listPeriod, type Listing, type ListingRequest } from './papers.service.ts';
import { listTrending, type TrendingParts } from './trending.ts';
import type { Period, PeriodKind } from './dates.ts';
import { periodForPick, periodNavigation, type PeriodNav } from './period-nav.ts';

export type { NewestKey } from './lists.repo.ts';
export type { CatalogStats } from './papers.repo.ts';

/** A trending paper and its score (catalog/trending.ts has the formula). */
export interface TrendingPaper {
  paper: Paper;
  score: number;
  /** The score's parts: "why it is trending" (explainTrending in trending.ts puts them in words). */
  parts: TrendingParts;
}

export interface CatalogService {
  /** One paper by any arXiv id form. @throws AppError INVALID_ARXIV_ID, PAPER_NOT_FOUND */
  getPaper(id: string): Promise<Paper>;
  /** Papers by id, in the order given; ids not in the catalog are left out. */
  papersByIds(ids: readonly string[]): Promise<Paper[]>;
  /** A day, ISO week or month, most upvoted first, with its navigation. */
  listPeriod(req: ListingRequest): Promise<Listing>;
  /** The period navigation (nearest days with papers, first/last) of a listing. */
  periodNavigation(period: Period, neighbours: { prev: Period | null; next: Period | null }): Promise<PeriodNav>;
  /** The period of `kind` holding the nearest day with papers to `day` (the date picker). */
  periodForPick(kind: PeriodKind, day: string): Promise<Period | null>;
  /** The Hugging Face daily_papers list: a period or all days, by submitter, sorted as asked. */
  dailyPapers(req: DailyPapersRequest): Promise<Paper[]>;
  /** Daily papers of the last `days` daily days up to `today`, newest day first. */
  recentDaily(o: { today: string; days: number; limit: number }): Promise<Paper[]>;
  /** The whole trending ranking for `today` (or pinned to `reference`). */
  trending(o: { today: string; reference?: string | undefined }): Promise<{ reference: string | null; ranked: TrendingPaper[] }>;
  /** Papers listed in an arXiv category, newest first, after a keyset position. */
  category(category: string, o: { limit: number; after?: NewestKey | undefined }): Promise<Paper[]>;
  /** A search, with each hit's paper. */
  search(req: SearchRequest): Promise<PaperSearchResult>;
  /** Papers like `paper`. */
  similar(paper: Paper, limit: number): Promise<Paper[]>;
  /** Counts for `stats` and /metrics. */
  stats(): Promise<CatalogStats>;
  /** The change sequence: anything derived from the catalog is current while it stays the same. */
  changeSeq(): Promise<number>;
  /** When the catalog last changed (ISO), or null when it is empty. */
  lastChange(): Promise<string | null>;
  /** Every paper in the JSONL export layout, in batches (memory stays flat). */
  exportAll(): AsyncGenerator<PaperExport>;
}

/**
 * @example const catalog = createCatalogService(store, () => app.search); await catalog.getPaper('2310.06511')
 */
export function createCatalogService(store: Store, search: () => SearchService): CatalogService {
  const db = store.db;
  const papersByIds = async (ids: readonly string[]) => {
    const byId = new Map((await loadPapers(db, await getPaperRows(db, [...ids]))).map((p) => [p.arxivId, p]));
    return ids.flatMap((id) => {
      const paper = byId.get(id);
      return paper ? [paper] : [];
    });
  };
  return {
    getPaper: (id) => getPaper(db, id),
    papersByIds,
    listPeriod: (req) => listPeriod(db, req),
    periodNavigation: (period, neighbours) => periodNavigation(db, period, neighbours),
    periodForPick: (kind, day) => periodForPick(db, kind, day),
    dailyPapers: (req) => listDailyPapers(db, req),
    recentDaily: async (o) => loadPapers(db, (await listRecentDaily(store, o)).rows),
    async trending(o) {
      const { reference, ranked } = await listTrending(db, { today: o.today, ...(o.reference ? { reference: o.reference } : {}) });
      const papers = await loadPapers(db, ranked.map((r) => r.row));
      return { reference, ranked: ranked.map((r, i) => ({ paper: papers[i]!, score: r.score, parts: r.parts })) };
    },
    category: async (category, o) => loadPapers(db, await listCategory(store, category, { limit: o.limit, ...(o.after ? { after: o.after } : {}) })),
    search: (req) => findPapers(db, search(), req),
    similar: (paper, limit) => similarPapers(db, search(), paper, limit),
    stats: () => catalogStats(db),
    changeSeq: () => currentSeq(db),
    lastChange: () => lastCatalogChange(db),
    exportAll: () => exportPapers(db),
  };
}

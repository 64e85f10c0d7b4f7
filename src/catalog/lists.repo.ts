/**
 * Paper lists the feeds and list endpoints share: recent daily papers, a category newest first, and a
 * plain substring search used until the search service is wired in. Queries only; SQL is parameterized.
 */
import { sql, type Expression, type SqlBool } from 'kysely';
import type { Store } from '../store/db.ts';
import type { PaperRow } from '../store/schema.ts';
import { latestDailyDate } from './papers.repo.ts';
import { SHOWN_UPVOTES } from './counts.ts';

const MS_DAY = 86_400_000;

/** `needle` occurs in `haystack` (case-sensitive): instr on SQLite, strpos on PostgreSQL — no LIKE wildcards to escape. */
export function contains(store: Store, haystack: Expression<string> | ReturnType<typeof sql>, needle: string): Expression<SqlBool> {
  return store.engine === 'sqlite' ? sql<SqlBool>`instr(${haystack}, ${needle}) > 0` : sql<SqlBool>`strpos(${haystack}, ${needle}) > 0`;
}

/**
 * Daily papers of the last `days` daily days ending at the latest daily day on or before `today`:
 * newest day first, most upvoted first within a day.
 * @example await listRecentDaily(store, { today: '2026-08-21', days: 7, limit: 100 })
 */
export async function listRecentDaily(
  store: Store,
  opts: { today: string; days: number; limit: number },
): Promise<{ latest: string | null; rows: PaperRow[] }> {
  const latest = await latestDailyDate(store.db, opts.today);
  if (!latest) return { latest: null, rows: [] };
  const from = new Date(Date.parse(`${latest}T00:00:00Z`) - (opts.days - 1) * MS_DAY).toISOString().slice(0, 10);
  const rows = await store.db
    .selectFrom('papers')
    .selectAll()
    .where('daily_date', '>=', from)
    .where('daily_date', '<=', latest)
    .where('hidden_at', 'is', null)
    .orderBy('daily_date', 'desc')
    .orderBy(SHOWN_UPVOTES, 'desc')
    .orderBy('arxiv_id', 'desc')
    .limit(opts.limit)
    .execute();
  return { latest, rows };
}

/** A keyset position in a newest-first list: publication time (empty when unknown) and arXiv id. */
export interface NewestKey {
  publishedAt: string;
  arxivId: string;
}

/**
 * Papers whose categories include `category` (exact, case-sensitive), newest first, after `after`.
 * @example await listCategory(store, 'cs.CL', { limit: 20 })
 */
export async function listCategory(
  store: Store,
  category: string,
  opts: { limit: number; after?: NewestKey },
): Promise<PaperRow[]> {
  const published = sql<string>`coalesce(published_at, '')`;
  let q = store.db
    .selectFrom('papers')
    .selectAll()
    .where(contains(store, sql`' ' || categories || ' '`, ` ${category} `))
    .where('hidden_at', 'is', null);
  const after = opts.after;
  if (after) {
    q = q.where((eb) =>
      eb.or([eb(published, '<', after.publishedAt), eb.and([eb(published, '=', after.publishedAt), eb('arxiv_id', '<', after.arxivId)])]),
    );
  }
  return q.orderBy(published, 'desc').orderBy('arxiv_id', 'desc').limit(opts.limit).execute();
}

/**
 * The daily list's queries: papers that entered it in a range of days (or on any day), optionally by
 * one submitter, in the list's order (most upvoted) or newest first. SQL only; the rules are in
 * daily-papers.service.ts and papers.service.ts.
 */
import { sql, type Kysely } from 'kysely';
import type { Database, PaperRow } from '../store/schema.ts';
import { SHOWN_UPVOTES } from './counts.ts';

/**
 * - `upvotes`: most upvoted first; ties by the later day, then the entry's later `publishedAt` (the
 *   order Hugging Face's own day lists use), then the higher arXiv id.
 * - `newest`: the entry's `publishedAt` newest first (the paper's own date when the entry has none).
 */
export type DailyOrder = 'upvotes' | 'newest';

export interface DailyQuery {
  /** First and last day, inclusive; absent: every day. */
  from?: string;
  to?: string;
  /** Only papers this user name submitted. */
  submitter?: string;
  order: DailyOrder;
  limit: number;
  offset: number;
}

// NULLs sort differently on the two engines; an empty string sorts first on both.
const listedAt = sql<string>`coalesce(daily_published_at, published_at, '')`;

function scoped(db: Kysely<Database>, q: Omit<DailyQuery, 'order' | 'limit' | 'offset'>) {
  // Papers hidden by moderators leave every list (migration 0017).
  let s = db.selectFrom('papers').where('daily_date', 'is not', null).where('hidden_at', 'is', null);
  if (q.from) s = s.where('daily_date', '>=', q.from);
  if (q.to) s = s.where('daily_date', '<=', q.to);
  if (q.submitter) s = s.where('submitted_by', '=', q.submitter);
  return s;
}

/** Papers on the daily list that match `q`, in its order. */
export async function listDailyEntries(db: Kysely<Database>, q: DailyQuery): Promise<PaperRow[]> {
  let s = scoped(db, q).selectAll();
  s = q.order === 'newest'
    ? s.orderBy(listedAt, 'desc').orderBy('arxiv_id', 'desc')
    : s.orderBy(SHOWN_UPVOTES, 'desc').orderBy('daily_date', 'desc').orderBy(listedAt, 'desc').orderBy('arxiv_id', 'desc');
  return s.limit(q.limit).offset(q.offset).execute();
}

/** How many papers on the daily list match `q`. */
export async function countDailyEntries(db: Kysely<Database>, q: Omit<DailyQuery, 'order' | 'limit' | 'offset'>): Promise<number> {
  const r = await scoped(db, q).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

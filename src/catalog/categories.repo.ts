/**
 * Categories as the store holds them (a space-separated column, primary first): which papers still
 * have none, filling them in from arXiv without touching anything a source already said, and the
 * categories that have papers, with their counts. Queries only.
 */
import { sql, type Kysely } from 'kysely';
import type { Store } from '../store/db.ts';
import type { Database } from '../store/schema.ts';
import type { PaperInput } from './paper.ts';
import { PAPER_FIELDS } from './paper-fields.ts';
import { withNextSeq } from './papers.repo.ts';

/**
 * Up to `limit` papers without categories, newest id first, strictly before `before` (a cursor; '' for
 * the start). Served by the partial index `papers_uncategorized` (migration 0004), so a catalog of
 * 75k papers with nothing left to do costs one index probe.
 */
export async function uncategorizedIds(db: Kysely<Database>, before: string, limit: number): Promise<string[]> {
  let q = db.selectFrom('papers').select('arxiv_id').where('categories', '=', '');
  if (before) q = q.where('arxiv_id', '<', before);
  const rows = await q.orderBy('arxiv_id', 'desc').limit(limit).execute();
  return rows.map((r) => r.arxiv_id);
}

/** What arXiv adds to a paper a source left without categories: these fields, each only where it is empty. */
const FILLED = ['categories', 'comment', 'journalRef', 'doi'] as const;

/**
 * Fill categories (and an empty comment, journal reference or DOI) from arXiv's records, one statement
 * per paper, each only where the stored value is still empty — so a value another source wrote in the
 * meantime (a Kaggle import, a newer version) is never overwritten, and titles, abstracts and authors
 * stay as the daily source wrote them. Changed papers get a new change sequence, so search and caches
 * follow. Returns how many papers changed.
 */
export async function fillFromArxiv(store: Store, records: readonly PaperInput[]): Promise<number> {
  let changed = 0;
  for (let i = 0; i < records.length; i += FILL_CHUNK) {
    // Between chunks the event loop serves requests (SQLite writes are synchronous: ~0.3 ms a paper).
    if (i) await new Promise<void>((resolve) => setImmediate(resolve));
    changed += await fillChunk(store, records.slice(i, i + FILL_CHUNK));
  }
  return changed;
}

/** Papers per transaction: each holds the change-sequence lock (and SQLite's write lock) only briefly. */
const FILL_CHUNK = 20;

async function fillChunk(store: Store, records: readonly PaperInput[]): Promise<number> {
  return withNextSeq(store, async (trx, nextSeq) => {
    const now = new Date().toISOString();
    let changed = 0;
    for (const r of records) {
      const categories = PAPER_FIELDS.categories.toColumn(r.categories);
      if (!categories) continue;
      const set: Record<string, unknown> = { categories };
      for (const key of FILLED.slice(1)) {
        const f = PAPER_FIELDS[key];
        const v = (f.toColumn as (x: unknown) => string | null)(r[key]);
        // Only where empty: coalesce keeps a value that is there.
        if (v != null) set[f.column] = sql`coalesce(${sql.ref(f.column)}, ${v})`;
      }
      const res = await trx
        .updateTable('papers')
        .set({ ...(set as { categories: string }), seq: nextSeq(), modified_at: now })
        .where('arxiv_id', '=', r.arxivId)
        .where('categories', '=', '')
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) > 0) changed++;
      // A paper that gained categories elsewhere keeps them; the sequence number drawn stays unused.
    }
    return changed;
  });
}

/** A category and how many papers list it (primary or cross-listed). */
export interface CategoryCount {
  category: string;
  papers: number;
}

/**
 * Every category that has papers, most papers first (then by name). Grouped by the stored column first
 * (a few thousand distinct combinations in 75k papers), then split and summed here.
 */
export async function categoryCounts(db: Kysely<Database>): Promise<CategoryCount[]> {
  const rows = await db
    .selectFrom('papers')
    .select((eb) => ['categories', eb.fn.countAll<number>().as('n')])
    .where('categories', '<>', '')
    // Papers hidden by moderators leave the category feeds, so they leave the counts too.
    .where('hidden_at', 'is', null)
    .groupBy('categories')
    .execute();
  const counts = new Map<string, number>();
  for (const r of rows) {
    for (const c of new Set(r.categories.split(' '))) if (c) counts.set(c, (counts.get(c) ?? 0) + Number(r.n));
  }
  return [...counts]
    .map(([category, papers]) => ({ category, papers }))
    .sort((a, b) => b.papers - a.papers || (a.category < b.category ? -1 : 1));
}

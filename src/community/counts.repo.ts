/**
 * Folding the exact local counts into the catalog: the SQL. Runs under the change-sequence lock
 * (withNextSeq), once per batch of changed papers, not once per vote.
 */
import type { Store } from '../store/db.ts';
import { withNextSeq } from '../catalog/papers.repo.ts';

/**
 * Copy dirty counters into `papers.local_upvotes` / `local_comments`, giving each changed paper a new
 * change sequence; returns how many papers changed. A counter that moved again while folding stays
 * dirty (the clear only matches the values that were copied), so the next fold picks it up.
 */
export async function foldCounts(store: Store, limit = 1000): Promise<number> {
  const db = store.db;
  // The common case on a quiet site: nothing to fold, and no lock taken.
  const any = await db.selectFrom('paper_counts').select('paper_id').where('dirty', '=', 1).limit(1).executeTakeFirst();
  if (!any) return 0;
  return withNextSeq(store, async (trx, nextSeq) => {
    const rows = await trx
      .selectFrom('paper_counts')
      .innerJoin('papers', 'papers.id', 'paper_counts.paper_id')
      .select(['paper_counts.paper_id', 'paper_counts.votes', 'paper_counts.comments', 'papers.local_upvotes', 'papers.local_comments'])
      .where('paper_counts.dirty', '=', 1)
      .orderBy('paper_counts.paper_id')
      .limit(limit)
      .execute();
    let changed = 0;
    for (const r of rows) {
      if (r.votes !== r.local_upvotes || r.comments !== r.local_comments) {
        await trx.updateTable('papers').set({ local_upvotes: r.votes, local_comments: r.comments, seq: nextSeq() }).where('id', '=', r.paper_id).execute();
        changed++;
      }
      await trx
        .updateTable('paper_counts')
        .set({ dirty: 0 })
        .where('paper_id', '=', r.paper_id)
        .where('votes', '=', r.votes)
        .where('comments', '=', r.comments)
        .execute();
    }
    return changed;
  });
}

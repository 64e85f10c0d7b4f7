/**
 * Folding the exact local counts into the catalog: the SQL.
 *
 * One transaction under the change-sequence lock (withNextSeq), in three statements: read the dirty
 * counters; write their values into `papers.local_upvotes` / `local_comments`, each changed paper with
 * a new sequence; clear the dirty marks where the counter still holds the value just written (a
 * counter that moved meanwhile stays dirty for the next fold). Votes never touch `papers` or the
 * sequence row, so they wait for a fold only if they hit a counter row between the clear and the
 * commit — one statement's time. Holding the sequence lock across the clear matters: folds from two
 * nodes then never interleave, so a clear can never match a value another fold has since replaced
 * (clearing after commit, outside the lock, lost counts that way under bench:votes). On PostgreSQL the
 * clear locks its counter rows in paper order, as vote batches do, so the two never deadlock.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Store } from '../store/db.ts';
import { withNextSeq } from '../catalog/papers.repo.ts';

/** Rows per statement: 4 parameters each, far below SQLite's 32,766. */
const CHUNK = 500;

interface Dirty {
  paper_id: number;
  votes: number;
  comments: number;
  local_upvotes: number;
  local_comments: number;
}

/**
 * Copy dirty counters into the catalog rows, giving each changed paper a new change sequence; returns
 * how many papers changed.
 */
export async function foldCounts(store: Store, limit = 5000): Promise<number> {
  const db = store.db;
  // The common case on a quiet site: nothing to fold, and no lock taken.
  const any = await db.selectFrom('paper_counts').select('paper_id').where('dirty', '=', 1).limit(1).executeTakeFirst();
  if (!any) return 0;
  return withNextSeq(store, async (trx, nextSeq) => {
    const rows: Dirty[] = await trx
      .selectFrom('paper_counts')
      .innerJoin('papers', 'papers.id', 'paper_counts.paper_id')
      .select(['paper_counts.paper_id', 'paper_counts.votes', 'paper_counts.comments', 'papers.local_upvotes', 'papers.local_comments'])
      .where('paper_counts.dirty', '=', 1)
      .orderBy('paper_counts.paper_id')
      .limit(limit)
      .execute();
    const changed = rows.filter((r) => r.votes !== r.local_upvotes || r.comments !== r.local_comments);
    for (let i = 0; i < changed.length; i += CHUNK) {
      const values = joinRows(changed.slice(i, i + CHUNK).map((r) => sql`(CAST(${Number(r.paper_id)} AS bigint), CAST(${r.votes} AS integer), CAST(${r.comments} AS integer), CAST(${nextSeq()} AS bigint))`));
      await sql`UPDATE papers SET local_upvotes = v.column2, local_comments = v.column3, seq = v.column4
                FROM (VALUES ${values}) AS v WHERE papers.id = v.column1`.execute(trx);
    }
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK);
      // PostgreSQL: take the counter rows in paper order first, the order every vote batch takes them
      // (vote-batcher.ts). The OR-list UPDATE alone locks them in scan order, which deadlocked with vote
      // batches: 2–4 deadlocks per bench:votes run, each stalling both sides for deadlock_timeout (1 s).
      if (store.engine === 'postgres') {
        await trx.selectFrom('paper_counts').select('paper_id').where('paper_id', 'in', chunk.map((r) => r.paper_id)).orderBy('paper_id').forUpdate().execute();
      }
      await trx
        .updateTable('paper_counts')
        .set({ dirty: 0 })
        .where((eb) => eb.or(chunk.map((r) => eb.and([eb('paper_id', '=', r.paper_id), eb('votes', '=', r.votes), eb('comments', '=', r.comments)]))))
        .execute();
    }
    return changed.length;
  });
}

function joinRows(parts: RawBuilder<unknown>[]): RawBuilder<unknown> {
  return sql.join(parts, sql`, `);
}

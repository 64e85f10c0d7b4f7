/**
 * Votes and the exact per-paper counters: the SQL. A vote and its counter change commit together
 * (one transaction) and never touch the catalog's change-sequence row, so votes on different
 * papers never wait for each other and votes on one paper wait only for that paper's counter row.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../store/schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export type VoteIntent = 'up' | 'down' | 'toggle';

async function removeVote(trx: Transaction<Database>, userId: number, paperId: number): Promise<boolean> {
  const r = await trx.deleteFrom('votes').where('user_id', '=', userId).where('paper_id', '=', paperId).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

async function addVote(trx: Transaction<Database>, userId: number, paperId: number, now: string): Promise<boolean> {
  const r = await trx
    .insertInto('votes')
    .values({ user_id: userId, paper_id: paperId, created_at: now })
    .onConflict((oc) => oc.columns(['user_id', 'paper_id']).doNothing())
    .returning('paper_id')
    .executeTakeFirst();
  return r !== undefined;
}

/** Add `delta` to a paper's counters and mark them for folding; returns the new exact vote count. */
export async function bumpCounts(trx: Transaction<Database>, paperId: number, delta: { votes?: number; comments?: number }): Promise<{ votes: number; comments: number }> {
  const dv = delta.votes ?? 0;
  const dc = delta.comments ?? 0;
  return trx
    .insertInto('paper_counts')
    .values({ paper_id: paperId, votes: dv, comments: dc, dirty: 1 })
    .onConflict((oc) =>
      oc.column('paper_id').doUpdateSet({
        votes: sql`paper_counts.votes + ${dv}`,
        comments: sql`paper_counts.comments + ${dc}`,
        dirty: 1,
      }),
    )
    .returning(['votes', 'comments'])
    .executeTakeFirstOrThrow();
}

/**
 * Apply a vote intent in its own transaction. A toggle is one flip: remove the vote if there is one,
 * else add it; when a concurrent request changed the row between the two looks (our delete found
 * nothing, then our insert found a row, or the reverse), look again — each statement sees what
 * committed before it — until one of the two takes effect. So N concurrent toggles always leave the
 * parity of N, on both engines (tested with many toggles at once on PostgreSQL).
 */
export async function applyVote(db: Kysely<Database>, userId: number, paperId: number, intent: VoteIntent, now: string): Promise<{ voted: boolean; votes: number }> {
  return db.transaction().execute(async (trx) => {
    let delta = 0;
    let voted: boolean;
    if (intent === 'up') {
      if (await addVote(trx, userId, paperId, now)) delta = 1;
      voted = true;
    } else if (intent === 'down') {
      if (await removeVote(trx, userId, paperId)) delta = -1;
      voted = false;
    } else {
      for (let attempt = 0; ; attempt++) {
        if (await removeVote(trx, userId, paperId)) {
          delta = -1;
          voted = false;
          break;
        }
        if (await addVote(trx, userId, paperId, now)) {
          delta = 1;
          voted = true;
          break;
        }
        // Each retry means another toggle of the same vote committed meanwhile; that cannot go on for long.
        if (attempt >= 50) throw new Error(`vote toggle of user ${userId} on paper ${paperId} did not settle`);
      }
    }
    if (delta !== 0) return { voted, votes: (await bumpCounts(trx, paperId, { votes: delta })).votes };
    const row = await trx.selectFrom('paper_counts').select('votes').where('paper_id', '=', paperId).executeTakeFirst();
    return { voted, votes: row?.votes ?? 0 };
  });
}

/** Which of `paperIds` the user has upvoted. */
export async function votedAmong(db: Db, userId: number, paperIds: number[]): Promise<Set<number>> {
  if (paperIds.length === 0) return new Set();
  const rows = await db.selectFrom('votes').select('paper_id').where('user_id', '=', userId).where('paper_id', 'in', paperIds).execute();
  return new Set(rows.map((r) => Number(r.paper_id)));
}

/** The exact local counts of some papers (absent: none yet). */
export async function exactCounts(db: Db, paperIds: number[]): Promise<Map<number, { votes: number; comments: number }>> {
  if (paperIds.length === 0) return new Map();
  const rows = await db.selectFrom('paper_counts').select(['paper_id', 'votes', 'comments']).where('paper_id', 'in', paperIds).execute();
  return new Map(rows.map((r) => [Number(r.paper_id), { votes: r.votes, comments: r.comments }]));
}

/** Papers a user upvoted, most recent vote first. */
export async function upvotedBy(db: Db, userId: number, limit: number) {
  return db
    .selectFrom('votes')
    .innerJoin('papers', 'papers.id', 'votes.paper_id')
    .selectAll('papers')
    .select('votes.created_at as voted_at')
    .where('votes.user_id', '=', userId)
    .orderBy('votes.created_at', 'desc')
    .orderBy('papers.id', 'desc')
    .limit(limit)
    .execute();
}

/** Recount a paper's votes from the votes table (repair, and the benchmark's exactness check). */
export async function countVotes(db: Db, paperId: number): Promise<number> {
  const r = await db.selectFrom('votes').select((eb) => eb.fn.countAll<number>().as('n')).where('paper_id', '=', paperId).executeTakeFirstOrThrow();
  return Number(r.n);
}

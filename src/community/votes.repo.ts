/**
 * Votes and the exact per-paper counters: the SQL. A vote and its counter change commit together
 * (one transaction) and never touch the catalog's change-sequence row, so votes on different
 * papers never wait for each other and votes on one paper wait only for that paper's counter row.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Store } from '../store/db.ts';
import type { Database } from '../store/schema.ts';
import { createVoteBatcher, type AppliedVote, type VoteBatcher, type VoteIntent } from './vote-batcher.ts';

export type { AppliedVote, VoteIntent } from './vote-batcher.ts';

type Db = Kysely<Database> | Transaction<Database>;


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
 * Apply a vote intent to the paper with this arXiv id, atomically; null when there is no such paper.
 * A toggle is one flip: remove the vote if there is one, else add it; when a concurrent request
 * changed the row between the two looks (our delete found nothing, then our insert found a row), look
 * again — each statement sees what committed before it — until one of the two takes effect. So N
 * concurrent toggles always leave the parity of N, on both engines (tested with many toggles at once,
 * through two nodes on PostgreSQL).
 *
 * PostgreSQL does it in one statement — paper lookup, vote row and counter in data-modifying CTEs, one
 * implicit transaction, one round trip instead of six — and votes that arrive together share one
 * statement (vote-batcher.ts, group commit); SQLite in a transaction, in-process.
 */
export async function applyVote(store: Store, userId: number, arxivId: string, intent: VoteIntent, now: string, o: { batch?: boolean } = {}): Promise<AppliedVote | null> {
  if (store.engine === 'postgres') {
    if (o.batch === false) return applySingleVotePg(store.db, userId, arxivId, intent, now);
    let b = batchers.get(store.db);
    if (!b) batchers.set(store.db, (b = createVoteBatcher(store.db)));
    return b.vote(userId, arxivId, intent, now);
  }
  return store.db.transaction().execute(async (trx) => {
    const paper = await trx.selectFrom('papers').select(['id', 'upvotes']).where('arxiv_id', '=', arxivId).executeTakeFirst();
    if (!paper) return null;
    const paperId = Number(paper.id);
    let delta: number;
    if (intent === 'up') delta = (await addVote(trx, userId, paperId, now)) ? 1 : 0;
    else if (intent === 'down') delta = (await removeVote(trx, userId, paperId)) ? -1 : 0;
    // On SQLite the transaction holds the write lock: the first look decides.
    else delta = (await removeVote(trx, userId, paperId)) ? -1 : (await addVote(trx, userId, paperId, now)) ? 1 : 0;
    const voted = intent === 'up' || (intent === 'toggle' && delta === 1);
    const votes = delta !== 0
      ? (await bumpCounts(trx, paperId, { votes: delta })).votes
      : ((await trx.selectFrom('paper_counts').select('votes').where('paper_id', '=', paperId).executeTakeFirst())?.votes ?? 0);
    return { paperId, baseline: paper.upvotes, voted, votes };
  });
}

const batchers = new WeakMap<Kysely<Database>, VoteBatcher>();

/** One vote, one statement, no batching (PostgreSQL): what bench:votes compares the batcher with. */
export async function applySingleVotePg(db: Kysely<Database>, userId: number, arxivId: string, intent: VoteIntent, now: string): Promise<AppliedVote | null> {
  const del = intent === 'up' ? sql`SELECT 1 WHERE false` : sql`DELETE FROM votes USING p WHERE votes.user_id = ${userId} AND votes.paper_id = p.id RETURNING 1`;
  const ins =
    intent === 'down'
      ? sql`SELECT 1 WHERE false`
      : sql`INSERT INTO votes (user_id, paper_id, created_at) SELECT ${userId}, p.id, ${now} FROM p WHERE NOT EXISTS (SELECT 1 FROM del)
            ON CONFLICT (user_id, paper_id) DO NOTHING RETURNING 1`;
  const statement = sql<{ id: number; baseline: number; added: number; removed: number; votes: number | null; before: number | null }>`
    WITH p AS (SELECT id, upvotes FROM papers WHERE arxiv_id = ${arxivId}),
    del AS (${del}),
    ins AS (${ins}),
    cnt AS (
      INSERT INTO paper_counts (paper_id, votes, comments, dirty)
      SELECT p.id, (SELECT count(*) FROM ins) - (SELECT count(*) FROM del), 0, 1 FROM p
      WHERE EXISTS (SELECT 1 FROM ins) OR EXISTS (SELECT 1 FROM del)
      ON CONFLICT (paper_id) DO UPDATE SET votes = paper_counts.votes + excluded.votes, dirty = 1
      RETURNING votes
    )
    SELECT p.id, p.upvotes AS baseline, (SELECT count(*) FROM ins)::int AS added, (SELECT count(*) FROM del)::int AS removed,
           (SELECT votes FROM cnt) AS votes, (SELECT c.votes FROM paper_counts c WHERE c.paper_id = p.id) AS before
    FROM p`;
  for (let attempt = 0; ; attempt++) {
    const r = (await statement.execute(db)).rows[0];
    if (!r) return null;
    const base = { paperId: Number(r.id), baseline: r.baseline };
    if (r.added || r.removed) return { ...base, voted: r.added === 1, votes: r.votes ?? 0 };
    // Nothing changed: an up that was already up, a down already down — or a toggle that lost a race
    // (a concurrent toggle committed between our delete and our insert): look again.
    if (intent !== 'toggle') return { ...base, voted: intent === 'up', votes: r.before ?? 0 };
    // eslint-disable-next-line no-restricted-syntax -- programming error: a toggle that never settles is a bug
    if (attempt >= 50) throw new Error(`vote toggle of user ${userId} on paper ${arxivId} did not settle`);
  }
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

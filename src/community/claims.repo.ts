/**
 * Authorship claims: the SQL (migration 0016). Rules live in claims.service.ts.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface ClaimRow {
  id: number;
  paper_id: number;
  arxiv_id: string;
  title: string;
  author_index: number;
  author_name: string;
  user_id: number;
  handle: string;
  name: string;
  state: 'pending' | 'verified' | 'rejected';
  hidden: number;
  created_at: string;
  decided_at: string | null;
  decision_reason: string | null;
}

function claims(db: Db) {
  return db
    .selectFrom('author_claims as c')
    .innerJoin('papers as p', 'p.id', 'c.paper_id')
    .innerJoin('users as u', 'u.id', 'c.user_id')
    .select(['c.id', 'c.paper_id', 'p.arxiv_id', 'p.title', 'c.author_index', 'c.author_name', 'c.user_id', 'u.handle', 'u.name', 'c.state', 'c.hidden', 'c.created_at', 'c.decided_at', 'c.decision_reason']);
}

const norm = (r: ClaimRow): ClaimRow => ({ ...r, id: Number(r.id), paper_id: Number(r.paper_id), user_id: Number(r.user_id), hidden: Number(r.hidden) });

export async function getClaim(db: Db, id: number): Promise<ClaimRow | undefined> {
  const r = await claims(db).where('c.id', '=', id).executeTakeFirst();
  return r ? norm(r as ClaimRow) : undefined;
}

/** Claims on one paper that are not rejected (pending and verified), by position. */
export async function openClaimsOn(db: Db, paperId: number): Promise<ClaimRow[]> {
  const rows = await claims(db).where('c.paper_id', '=', paperId).where('c.state', '<>', 'rejected').orderBy('c.author_index').execute();
  return rows.map((r) => norm(r as ClaimRow));
}

/** A member's claims, newest first (all states, or only some). */
export async function claimsBy(db: Db, userId: number, states: ReadonlyArray<ClaimRow['state']>, limit: number): Promise<ClaimRow[]> {
  const rows = await claims(db).where('c.user_id', '=', userId).where('c.state', 'in', [...states]).orderBy('c.created_at', 'desc').orderBy('c.id', 'desc').limit(limit).execute();
  return rows.map((r) => norm(r as ClaimRow));
}

/** The moderators' queue: pending claims, oldest first. */
export async function pendingClaims(db: Db, limit: number): Promise<ClaimRow[]> {
  const rows = await claims(db).where('c.state', '=', 'pending').orderBy('c.created_at').orderBy('c.id').limit(limit).execute();
  return rows.map((r) => norm(r as ClaimRow));
}

export async function insertClaim(db: Db, v: { paperId: number; index: number; name: string; userId: number; now: string }): Promise<number> {
  const r = await db
    .insertInto('author_claims')
    .values({ paper_id: v.paperId, author_index: v.index, author_name: v.name, user_id: v.userId, state: 'pending', created_at: v.now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(r.id);
}

/** Decide a pending claim; false when it was no longer pending (another moderator was first). */
export async function decideClaim(trx: Transaction<Database>, v: { id: number; state: 'verified' | 'rejected'; by: number; reason: string; now: string }): Promise<boolean> {
  const r = await trx
    .updateTable('author_claims')
    .set({ state: v.state, decided_at: v.now, decided_by: v.by, decision_reason: v.reason })
    .where('id', '=', v.id)
    .where('state', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function setClaimHidden(trx: Transaction<Database>, id: number, hidden: boolean): Promise<void> {
  await trx.updateTable('author_claims').set({ hidden: hidden ? 1 : 0 }).where('id', '=', id).execute();
}

export async function deleteClaim(db: Db, id: number): Promise<void> {
  await db.deleteFrom('author_claims').where('id', '=', id).execute();
}

/** Give a paper a new change sequence: pages and lists cached by sequence show the change. */
export async function touchPaper(trx: Transaction<Database>, paperId: number, seq: number, now: string): Promise<void> {
  await trx.updateTable('papers').set({ seq, modified_at: now }).where('id', '=', paperId).execute();
}

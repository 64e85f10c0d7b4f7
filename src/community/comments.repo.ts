/**
 * Comments, their earlier versions, reports and thread locks: the SQL.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { CommentRow } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface CommentWithAuthor extends CommentRow {
  author_handle: string | null;
  author_name: string | null;
  author_avatar: string | null;
}

const withAuthor = (db: Db) =>
  db
    .selectFrom('comments')
    .leftJoin('users', 'users.id', 'comments.author_id')
    .selectAll('comments')
    .select(['users.handle as author_handle', 'users.name as author_name', 'users.avatar_url as author_avatar']);

export async function insertComment(db: Db, c: { paperId: number; parentId: number | null; authorId: number; body: string; html: string; now: string }): Promise<CommentRow> {
  return db
    .insertInto('comments')
    .values({ paper_id: c.paperId, parent_id: c.parentId, author_id: c.authorId, body: c.body, html: c.html, created_at: c.now, edited_at: null, deleted_at: null, hidden_at: null, hidden_reason: null })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function getComment(db: Db, id: number): Promise<CommentWithAuthor | undefined> {
  return withAuthor(db).where('comments.id', '=', id).executeTakeFirst();
}

/** Every comment of a paper, oldest first (the thread is built from parent ids). */
export async function listPaperComments(db: Db, paperId: number): Promise<CommentWithAuthor[]> {
  return withAuthor(db).where('comments.paper_id', '=', paperId).orderBy('comments.created_at').orderBy('comments.id').limit(5000).execute();
}

/** A user's comments, newest first, with the paper they are on. */
export async function listUserComments(db: Db, authorId: number, limit: number) {
  return db
    .selectFrom('comments')
    .innerJoin('papers', 'papers.id', 'comments.paper_id')
    .select(['comments.id', 'comments.body', 'comments.html', 'comments.created_at', 'comments.edited_at', 'papers.arxiv_id', 'papers.title'])
    .where('comments.author_id', '=', authorId)
    .where('comments.deleted_at', 'is', null)
    .where('comments.hidden_at', 'is', null)
    .orderBy('comments.created_at', 'desc')
    .limit(limit)
    .execute();
}

export async function updateCommentBody(db: Db, id: number, body: string, html: string, now: string): Promise<void> {
  await db.updateTable('comments').set({ body, html, edited_at: now }).where('id', '=', id).execute();
}

export async function insertRevision(db: Db, commentId: number, body: string, writtenAt: string): Promise<void> {
  await db.insertInto('comment_revisions').values({ comment_id: commentId, body, written_at: writtenAt }).execute();
}

export async function listRevisions(db: Db, commentId: number) {
  return db.selectFrom('comment_revisions').select(['body', 'written_at']).where('comment_id', '=', commentId).orderBy('id').execute();
}

/** Mark deleted (keeping the row, so replies keep their place); false when it already was. */
export async function markDeleted(db: Db, id: number, now: string): Promise<boolean> {
  const r = await db.updateTable('comments').set({ deleted_at: now, body: '', html: '' }).where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function insertReport(db: Db, r: { commentId: number; reporterId: number; reason: string; now: string }): Promise<boolean> {
  const out = await db
    .insertInto('comment_reports')
    .values({ comment_id: r.commentId, reporter_id: r.reporterId, reason: r.reason, created_at: r.now, resolved_at: null, resolved_by: null, resolution: null })
    .onConflict((oc) => oc.columns(['comment_id', 'reporter_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return out !== undefined;
}

export async function countCommentsSince(db: Db, authorId: number, since: string): Promise<number> {
  const r = await db.selectFrom('comments').select((eb) => eb.fn.countAll<number>().as('n')).where('author_id', '=', authorId).where('created_at', '>', since).executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function getDiscussion(db: Db, paperId: number) {
  return db.selectFrom('discussions').selectAll().where('paper_id', '=', paperId).executeTakeFirst();
}

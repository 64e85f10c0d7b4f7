/**
 * A member's own data: everything we hold about them as one JSON document ("download my data"),
 * and deleting the account. Deleting takes back their votes (the counts drop), blanks their comments
 * (replies keep their place under "deleted"), and removes sessions, tokens, reports, collections and the account
 * (authorship claims go with it, by the foreign key's cascade).
 */
import type { Store } from '../store/db.ts';
import { AppError } from '../errors.ts';
import { claimsBy } from './claims.repo.ts';
import { deleteAllOf as deleteCollectionsOf, exportOf as collectionsOf } from './collections.repo.ts';
import { bumpCounts } from './votes.repo.ts';

export interface AccountData {
  /** Everything stored about the user, secrets excepted (only hashes are stored, and none is exported). */
  export(userId: number): Promise<Record<string, unknown>>;
  /** @throws AppError BAD_REQUEST when `confirm` is not the user's handle */
  deleteAccount(userId: number, confirm: unknown): Promise<void>;
}

export function createAccountData(o: { store: Store; onUserChange?: (userId: number) => Promise<unknown> | void; now?: () => number }): AccountData {
  const db = o.store.db;
  const now = o.now ?? Date.now;
  return {
    async export(userId) {
      const user = await db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirstOrThrow();
      const [sessions, tokens, votes, comments, revisions, reports, collections, claims] = await Promise.all([
        db.selectFrom('sessions').select(['created_at', 'last_seen_at', 'expires_at', 'user_agent', 'ip']).where('user_id', '=', userId).execute(),
        db.selectFrom('api_tokens').select(['name', 'prefix', 'created_at', 'last_used_at', 'revoked_at']).where('user_id', '=', userId).execute(),
        db.selectFrom('votes').innerJoin('papers', 'papers.id', 'votes.paper_id').select(['papers.arxiv_id', 'votes.created_at']).where('votes.user_id', '=', userId).orderBy('votes.created_at').execute(),
        db.selectFrom('comments').innerJoin('papers', 'papers.id', 'comments.paper_id').select(['comments.id', 'papers.arxiv_id', 'comments.parent_id', 'comments.body', 'comments.created_at', 'comments.edited_at', 'comments.deleted_at', 'comments.hidden_at', 'comments.hidden_reason']).where('comments.author_id', '=', userId).orderBy('comments.id').execute(),
        db.selectFrom('comment_revisions').innerJoin('comments', 'comments.id', 'comment_revisions.comment_id').select(['comment_revisions.comment_id', 'comment_revisions.body', 'comment_revisions.written_at']).where('comments.author_id', '=', userId).execute(),
        db.selectFrom('comment_reports').select(['comment_id', 'reason', 'created_at', 'resolved_at', 'resolution']).where('reporter_id', '=', userId).execute(),
        collectionsOf(db, userId),
        // Every claim in every state; the `claim` rate limit (10 an hour) keeps this far below the bound.
        claimsBy(db, userId, ['pending', 'verified', 'rejected'], 1_000_000),
      ]);
      return {
        exportedAt: new Date(now()).toISOString(),
        account: {
          email: user.email, handle: user.handle, name: user.name, bio: user.bio, avatarUrl: user.avatar_url, links: JSON.parse(user.links) as string[],
          role: user.role, hasPassword: user.password_hash !== null, createdAt: user.created_at, lastSignInAt: user.last_signin_at, bannedAt: user.banned_at, banReason: user.ban_reason,
        },
        sessions, apiTokens: tokens,
        upvotes: votes.map((v) => ({ paper: v.arxiv_id, at: v.created_at })),
        comments: comments.map((c) => ({ ...c, id: Number(c.id), parent_id: c.parent_id === null ? null : Number(c.parent_id), revisions: revisions.filter((r) => Number(r.comment_id) === Number(c.id)).map((r) => ({ body: r.body, writtenAt: r.written_at })) })),
        reports,
        collections,
        // In /api/claims' shape; who decided a claim is the moderator's, not the member's: left out.
        authorshipClaims: claims.map((c) => ({
          paper: c.arxiv_id, title: c.title, authorIndex: c.author_index, authorName: c.author_name, state: c.state, hidden: c.hidden === 1,
          createdAt: c.created_at, decidedAt: c.decided_at, reason: c.decision_reason,
        })),
      };
    },

    async deleteAccount(userId, confirm) {
      const user = await db.selectFrom('users').select(['handle']).where('id', '=', userId).executeTakeFirstOrThrow();
      if (typeof confirm !== 'string' || confirm.trim().toLowerCase() !== user.handle) {
        throw new AppError('BAD_REQUEST', `To delete your account, type your username (${user.handle}) in the box.`);
      }
      const t = new Date(now()).toISOString();
      await db.transaction().execute(async (trx) => {
        // Votes come off the counts, comments off the comment counts: the paper totals stay exact.
        const voted = await trx.deleteFrom('votes').where('user_id', '=', userId).returning('paper_id').execute();
        for (const v of voted) await bumpCounts(trx, Number(v.paper_id), { votes: -1 });
        const shown = await trx
          .updateTable('comments')
          .set({ deleted_at: t, body: '', html: '' })
          .where('author_id', '=', userId)
          .where('deleted_at', 'is', null)
          .returning(['paper_id', 'hidden_at'])
          .execute();
        for (const c of shown) if (!c.hidden_at) await bumpCounts(trx, Number(c.paper_id), { comments: -1 });
        await trx.deleteFrom('comment_revisions').where('comment_id', 'in', trx.selectFrom('comments').select('id').where('author_id', '=', userId)).execute();
        await deleteCollectionsOf(trx, userId);
        await trx.deleteFrom('users').where('id', '=', userId).execute();
      });
      await o.onUserChange?.(userId);
    },
  };
}

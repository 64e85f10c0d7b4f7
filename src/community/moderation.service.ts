/**
 * Moderation: moderators and admins hide (and unhide) comments, lock threads, ban members, and work
 * through the report queue; admins alone ban moderators. Each action writes the public moderation log
 * in the same transaction — what was done, to what, why; never who reported it.
 */
import { parseArxivId } from '../catalog/arxiv-id.ts';
import { AppError } from '../errors.ts';
import type { Store } from '../store/db.ts';
import { withNextSeq } from '../catalog/papers.repo.ts';
import { bumpCounts } from './votes.repo.ts';
import { isModerator, type SessionUser } from './user.ts';

export const MOD_REASON_MAX = 500;

/** The acting moderator, or SIGN_IN_REQUIRED / FORBIDDEN (claims.service.ts decides claims with it too). */
export function moderatorOnly(mod: SessionUser | null, what = 'do that'): SessionUser {
  if (!mod) throw new AppError('SIGN_IN_REQUIRED', 'Sign in first.');
  if (!isModerator(mod)) throw new AppError('FORBIDDEN', `Only moderators and admins can ${what}.`);
  return mod;
}

/** A moderation reason, shown in the public log: required, at most MOD_REASON_MAX characters. */
export function modReason(reason: unknown): string {
  const r = typeof reason === 'string' ? reason.trim() : '';
  if (!r) throw new AppError('BAD_REQUEST', 'Give a reason: it is shown in the public moderation log.');
  if (r.length > MOD_REASON_MAX) throw new AppError('FIELD_TOO_LONG', `A reason has at most ${MOD_REASON_MAX} characters.`);
  return r;
}

export interface LogEntry {
  at: string;
  action: string;
  target: string;
  reason: string;
}

export interface ReportItem {
  id: number;
  commentId: number;
  arxivId: string;
  excerpt: string;
  reason: string;
  reports: number;
  createdAt: string;
}

export interface Moderation {
  hideComment(mod: SessionUser | null, commentId: number, reason: unknown): Promise<void>;
  unhideComment(mod: SessionUser | null, commentId: number, reason: unknown): Promise<void>;
  lockThread(mod: SessionUser | null, arxivId: string, reason: unknown): Promise<void>;
  /** Hide a paper from lists, search and feeds (its page stays and says so), or show it again. */
  hidePaper(mod: SessionUser | null, arxivId: string, reason: unknown): Promise<void>;
  unhidePaper(mod: SessionUser | null, arxivId: string, reason: unknown): Promise<void>;
  unlockThread(mod: SessionUser | null, arxivId: string, reason: unknown): Promise<void>;
  ban(mod: SessionUser | null, handle: string, reason: unknown): Promise<void>;
  unban(mod: SessionUser | null, handle: string, reason: unknown): Promise<void>;
  dismissReports(mod: SessionUser | null, commentId: number, reason: unknown): Promise<void>;
  /** Open reports, one item per reported comment, most reported first. */
  queue(mod: SessionUser | null): Promise<ReportItem[]>;
  /** The public log, newest first. */
  log(limit: number): Promise<LogEntry[]>;
}

export function createModeration(o: { store: Store; onBan?: (userId: number) => Promise<unknown> | void; now?: () => number }): Moderation {
  const db = o.store.db;
  const now = o.now ?? Date.now;

  const guard = (mod: SessionUser | null) => moderatorOnly(mod);
  const why = modReason;
  const comment = async (id: number) => {
    const c = Number.isSafeInteger(id) ? await db.selectFrom('comments').innerJoin('papers', 'papers.id', 'comments.paper_id').select(['comments.id', 'comments.paper_id', 'comments.hidden_at', 'comments.deleted_at', 'papers.arxiv_id']).where('comments.id', '=', id).executeTakeFirst() : undefined;
    if (!c) throw new AppError('COMMENT_NOT_FOUND', `No comment ${id}.`);
    return c;
  };
  const paper = async (arxivId: string) => {
    const { id } = parseArxivId(arxivId);
    const p = await db.selectFrom('papers').select(['id', 'arxiv_id', 'hidden_at']).where('arxiv_id', '=', id).executeTakeFirst();
    if (!p) throw new AppError('PAPER_NOT_FOUND', `No paper ${id} in this catalog.`);
    return p;
  };
  const member = async (handle: string) => {
    const u = await db.selectFrom('users').select(['id', 'handle', 'role']).where('handle', '=', handle.replace(/^@/, '').toLowerCase()).executeTakeFirst();
    if (!u) throw new AppError('USER_NOT_FOUND', `There is no member @${handle.slice(0, 60)}.`);
    return u;
  };

  const setHidden = async (modIn: SessionUser | null, id: number, reasonIn: unknown, hide: boolean) => {
    const mod = guard(modIn);
    const reason = why(reasonIn);
    const c = await comment(id);
    if (Boolean(c.hidden_at) === hide) return;
    const t = new Date(now()).toISOString();
    await db.transaction().execute(async (trx) => {
      await trx.updateTable('comments').set({ hidden_at: hide ? t : null, hidden_reason: hide ? reason : null }).where('id', '=', c.id).execute();
      if (!c.deleted_at) await bumpCounts(trx, Number(c.paper_id), { comments: hide ? -1 : 1 });
      if (hide) await trx.updateTable('comment_reports').set({ resolved_at: t, resolved_by: mod.id, resolution: 'hidden' }).where('comment_id', '=', c.id).where('resolved_at', 'is', null).execute();
      await trx.insertInto('moderation_log').values({ at: t, moderator_id: mod.id, action: hide ? 'hide-comment' : 'unhide-comment', target: `comment ${c.id} on ${c.arxiv_id}`, reason }).execute();
    });
  };

  const setLock = async (modIn: SessionUser | null, arxivId: string, reasonIn: unknown, lock: boolean) => {
    const mod = guard(modIn);
    const reason = why(reasonIn);
    const p = await paper(arxivId);
    const t = new Date(now()).toISOString();
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('discussions')
        .values({ paper_id: Number(p.id), locked_at: lock ? t : null, locked_by: lock ? mod.id : null, lock_reason: lock ? reason : null })
        .onConflict((oc) => oc.column('paper_id').doUpdateSet({ locked_at: lock ? t : null, locked_by: lock ? mod.id : null, lock_reason: lock ? reason : null }))
        .execute();
      await trx.insertInto('moderation_log').values({ at: t, moderator_id: mod.id, action: lock ? 'lock-thread' : 'unlock-thread', target: p.arxiv_id, reason }).execute();
    });
  };

  const setBan = async (modIn: SessionUser | null, handle: string, reasonIn: unknown, ban: boolean) => {
    const mod = guard(modIn);
    const reason = why(reasonIn);
    const u = await member(handle);
    if (Number(u.id) === mod.id) throw new AppError('BAD_REQUEST', 'You cannot ban yourself.');
    if (u.role !== 'user' && mod.role !== 'admin') throw new AppError('FORBIDDEN', 'Only admins can ban moderators and admins.');
    const t = new Date(now()).toISOString();
    await db.transaction().execute(async (trx) => {
      await trx.updateTable('users').set({ banned_at: ban ? t : null, ban_reason: ban ? reason : null, updated_at: t }).where('id', '=', u.id).execute();
      await trx.insertInto('moderation_log').values({ at: t, moderator_id: mod.id, action: ban ? 'ban-user' : 'unban-user', target: `@${u.handle}`, reason }).execute();
    });
    // A ban signs the member out everywhere; signing in again is refused until the ban is lifted.
    if (ban) await o.onBan?.(Number(u.id));
  };

  // A paper's visibility is a catalog change: it gets a new sequence under the sequence lock, so pages
  // and feeds cached by sequence drop it (or bring it back) at once, and the search index re-reads it.
  const setPaperHidden = async (modIn: SessionUser | null, arxivId: string, reasonIn: unknown, hide: boolean) => {
    const mod = guard(modIn);
    const reason = why(reasonIn);
    const p = await paper(arxivId);
    if (Boolean(p.hidden_at) === hide) return;
    const t = new Date(now()).toISOString();
    await withNextSeq(o.store, async (trx, nextSeq) => {
      await trx.updateTable('papers').set({ hidden_at: hide ? t : null, hidden_reason: hide ? reason : null, seq: nextSeq(), modified_at: t }).where('id', '=', p.id).execute();
      await trx.insertInto('moderation_log').values({ at: t, moderator_id: mod.id, action: hide ? 'hide-paper' : 'unhide-paper', target: p.arxiv_id, reason }).execute();
    });
  };

  return {
    hidePaper: (m, a, r) => setPaperHidden(m, a, r, true),
    unhidePaper: (m, a, r) => setPaperHidden(m, a, r, false),
    hideComment: (m, id, r) => setHidden(m, id, r, true),
    unhideComment: (m, id, r) => setHidden(m, id, r, false),
    lockThread: (m, a, r) => setLock(m, a, r, true),
    unlockThread: (m, a, r) => setLock(m, a, r, false),
    ban: (m, h, r) => setBan(m, h, r, true),
    unban: (m, h, r) => setBan(m, h, r, false),
    async dismissReports(modIn, id, reasonIn) {
      const mod = guard(modIn);
      const reason = why(reasonIn);
      const c = await comment(id);
      const t = new Date(now()).toISOString();
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('comment_reports').set({ resolved_at: t, resolved_by: mod.id, resolution: 'dismissed' }).where('comment_id', '=', c.id).where('resolved_at', 'is', null).execute();
        await trx.insertInto('moderation_log').values({ at: t, moderator_id: mod.id, action: 'dismiss-report', target: `comment ${c.id} on ${c.arxiv_id}`, reason }).execute();
      });
    },
    async queue(modIn) {
      guard(modIn);
      const rows = await db
        .selectFrom('comment_reports')
        .innerJoin('comments', 'comments.id', 'comment_reports.comment_id')
        .innerJoin('papers', 'papers.id', 'comments.paper_id')
        .select(['comment_reports.id', 'comment_reports.comment_id', 'comment_reports.reason', 'comment_reports.created_at', 'comments.body', 'papers.arxiv_id'])
        .where('comment_reports.resolved_at', 'is', null)
        .orderBy('comment_reports.created_at')
        .limit(1000)
        .execute();
      const byComment = new Map<number, ReportItem>();
      for (const r of rows) {
        const k = Number(r.comment_id);
        const item = byComment.get(k);
        if (item) item.reports += 1;
        else byComment.set(k, { id: Number(r.id), commentId: k, arxivId: r.arxiv_id, excerpt: r.body.slice(0, 300), reason: r.reason, reports: 1, createdAt: r.created_at });
      }
      return [...byComment.values()].sort((a, b) => b.reports - a.reports || (a.createdAt < b.createdAt ? -1 : 1));
    },
    async log(limit) {
      const rows = await db.selectFrom('moderation_log').select(['at', 'action', 'target', 'reason']).orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute();
      return rows;
    },
  };
}

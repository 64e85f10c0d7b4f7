/**
 * Discussion rules: who may write, edit, delete and report comments; threads; edit history; the
 * new-account limits (NEW_ACCOUNT_*); and the comment count each comment adds to its paper
 * (paper_counts, folded into Paper.numComments like votes).
 */
import type { Config } from '../config.ts';
import { parseArxivId } from '../catalog/arxiv-id.ts';
import { AppError } from '../errors.ts';
import type { Store } from '../store/db.ts';
import {
  countCommentsSince, getComment, getDiscussion, insertComment, insertReport, insertRevision, listPaperComments, listRevisions, listUserComments,
  markDeleted, updateCommentBody, type CommentWithAuthor,
} from './comments.repo.ts';
import type { NewComment } from './claim-mentions.ts';
import { mentionedHandles, renderComment } from './markdown.ts';
import { isModerator, type SessionUser } from './user.ts';
import { assertCanWrite } from './votes.service.ts';
import { bumpCounts } from './votes.repo.ts';

export const COMMENT_MAX = 10_000;
export const REASON_MAX = 500;
/** Replies nest this deep; a reply to the deepest comment joins its parent's level. */
export const MAX_DEPTH = 6;

export interface CommentView {
  id: number;
  parentId: number | null;
  depth: number;
  author: { handle: string; name: string; avatarUrl: string | null } | null;
  /** Markdown source (empty when deleted or hidden). */
  body: string;
  /** Sanitized HTML (empty when deleted or hidden). */
  html: string;
  createdAt: string;
  editedAt: string | null;
  state: 'visible' | 'deleted' | 'hidden';
  hiddenReason: string | null;
  mine: boolean;
}

export interface Thread {
  paperId: number;
  arxivId: string;
  locked: boolean;
  lockReason: string | null;
  /** Visible comments (what numComments counts for this site). */
  count: number;
  /** Depth-first, oldest first at each level; deleted or hidden comments stay only where they have replies. */
  comments: CommentView[];
}

export interface Comments {
  thread(arxivId: string, viewer: SessionUser | null): Promise<Thread>;
  /** @throws AppError SIGN_IN_REQUIRED, USER_BANNED, THREAD_LOCKED, BAD_REQUEST, FIELD_TOO_LONG, NEW_ACCOUNT_LIMIT, COMMENT_NOT_FOUND */
  add(user: SessionUser | null, arxivId: string, body: unknown, parentId?: unknown): Promise<CommentView>;
  edit(user: SessionUser | null, id: number, body: unknown): Promise<CommentView>;
  remove(user: SessionUser | null, id: number): Promise<void>;
  report(user: SessionUser | null, id: number, reason: unknown): Promise<{ created: boolean }>;
  history(id: number, viewer: SessionUser | null): Promise<{ comment: CommentView; arxivId: string; versions: Array<{ body: string; html: string; writtenAt: string }> }>;
  get(id: number, viewer: SessionUser | null): Promise<{ comment: CommentView; arxivId: string }>;
  /** A member's shown comments, newest first, with their papers (the profile). */
  byUser(userId: number, limit: number): Promise<Array<{ id: number; html: string; createdAt: string; arxivId: string; title: string }>>;
}

const DAY = 86_400_000;

function view(r: CommentWithAuthor, depth: number, viewer: SessionUser | null): CommentView {
  const state = r.deleted_at ? 'deleted' : r.hidden_at ? 'hidden' : 'visible';
  const shown = state === 'visible';
  return {
    id: Number(r.id),
    parentId: r.parent_id === null ? null : Number(r.parent_id),
    depth,
    author: shown && r.author_handle ? { handle: r.author_handle, name: r.author_name ?? r.author_handle, avatarUrl: r.author_avatar } : null,
    body: shown ? r.body : '',
    html: shown ? r.html : '',
    createdAt: r.created_at,
    editedAt: r.edited_at,
    state,
    hiddenReason: state === 'hidden' ? r.hidden_reason : null,
    mine: viewer !== null && r.author_id !== null && Number(r.author_id) === viewer.id,
  };
}

export function createComments(o: { store: Store; config: Config; now?: () => number; onAdded?: (c: NewComment) => void }): Comments {
  const db = o.store.db;
  const now = o.now ?? Date.now;

  const paperOf = async (arxivId: string) => {
    const { id } = parseArxivId(arxivId);
    const p = await db.selectFrom('papers').select(['id', 'arxiv_id']).where('arxiv_id', '=', id).executeTakeFirst();
    if (!p) throw new AppError('PAPER_NOT_FOUND', `No paper ${id} in this catalog.`, { details: { id } });
    return { id: Number(p.id), arxivId: p.arxiv_id };
  };

  const commentOf = async (id: number): Promise<CommentWithAuthor> => {
    const c = Number.isSafeInteger(id) ? await getComment(db, id) : undefined;
    if (!c) throw new AppError('COMMENT_NOT_FOUND', `No comment ${id}.`);
    return c;
  };

  const checkBody = (body: unknown): string => {
    const s = typeof body === 'string' ? body.replace(/\r\n?/g, '\n').trim() : '';
    if (!s) throw new AppError('BAD_REQUEST', 'Write something first: the comment is empty.');
    if (s.length > COMMENT_MAX) throw new AppError('FIELD_TOO_LONG', `A comment has at most ${COMMENT_MAX.toLocaleString('en')} characters (this one has ${s.length.toLocaleString('en')}).`);
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s)) throw new AppError('BAD_REQUEST', 'The comment has control characters that cannot be shown.');
    return s;
  };

  /** Render with links for the mentioned users that exist. */
  const render = async (body: string) => {
    const handles = mentionedHandles(body).slice(0, 50);
    const known = handles.length ? new Set((await db.selectFrom('users').select('handle').where('handle', 'in', handles).execute()).map((r) => r.handle)) : new Set<string>();
    return renderComment(body, known);
  };

  const isNew = (user: SessionUser) => now() - Date.parse(user.createdAt) < o.config.newAccountDays * DAY;

  const checkNewAccount = async (user: SessionUser, links: number) => {
    if (!isNew(user) || isModerator(user)) return;
    if (links > o.config.newAccountLinks) {
      throw new AppError('NEW_ACCOUNT_LIMIT', `New accounts (under ${o.config.newAccountDays} days) can put at most ${o.config.newAccountLinks} links in a comment; this one has ${links}.`);
    }
    const recent = await countCommentsSince(db, user.id, new Date(now() - 3_600_000).toISOString());
    if (recent >= o.config.newAccountCommentsPerHour) {
      throw new AppError('NEW_ACCOUNT_LIMIT', `New accounts can write ${o.config.newAccountCommentsPerHour} comments an hour; try again later.`);
    }
  };

  const assertOpen = async (paperId: number, user: SessionUser) => {
    const d = await getDiscussion(db, paperId);
    if (d?.locked_at && !isModerator(user)) throw new AppError('THREAD_LOCKED', `This discussion is locked${d.lock_reason ? `: ${d.lock_reason}` : '.'}`);
  };

  return {
    async thread(arxivId, viewer) {
      const paper = await paperOf(arxivId);
      const [rows, d] = await Promise.all([listPaperComments(db, paper.id), getDiscussion(db, paper.id)]);
      const children = new Map<number | null, CommentWithAuthor[]>();
      for (const r of rows) {
        const k = r.parent_id === null ? null : Number(r.parent_id);
        const list = children.get(k);
        if (list) list.push(r);
        else children.set(k, [r]);
      }
      const out: CommentView[] = [];
      // Depth-first; a removed comment stays as a placeholder only when something below it is shown.
      const walk = (parent: number | null, depth: number): boolean => {
        let any = false;
        for (const r of children.get(parent) ?? []) {
          const at = out.length;
          out.push(view(r, depth, viewer));
          const below = walk(Number(r.id), depth + 1);
          if (out[at]!.state !== 'visible' && !below) out.splice(at, 1);
          else any = true;
        }
        return any;
      };
      walk(null, 0);
      return { paperId: paper.id, arxivId: paper.arxivId, locked: Boolean(d?.locked_at), lockReason: d?.lock_reason ?? null, count: rows.filter((r) => !r.deleted_at && !r.hidden_at).length, comments: out };
    },

    async add(user, arxivId, bodyInput, parentInput) {
      assertCanWrite(user);
      const paper = await paperOf(arxivId);
      const body = checkBody(bodyInput);
      await assertOpen(paper.id, user);
      let parentId: number | null = null;
      if (parentInput !== undefined && parentInput !== null && parentInput !== '') {
        const parent = await commentOf(Number(parentInput));
        if (Number(parent.paper_id) !== paper.id) throw new AppError('BAD_REQUEST', 'That reply points at a comment on another paper.');
        parentId = Number(parent.id);
      }
      const rendered = await render(body);
      await checkNewAccount(user, rendered.links);
      const t = new Date(now()).toISOString();
      const row = await db.transaction().execute(async (trx) => {
        const r = await insertComment(trx, { paperId: paper.id, parentId, authorId: user.id, body, html: rendered.html, now: t });
        await bumpCounts(trx, paper.id, { comments: 1 });
        return r;
      });
      // Mentions of the paper's claimed authors notify them (claim-mentions.ts), after the commit.
      o.onAdded?.({ commentId: Number(row.id), paperId: paper.id, arxivId: paper.arxivId, body, author: user });
      return view({ ...row, author_handle: user.handle, author_name: user.name, author_avatar: null }, 0, user);
    },

    async edit(user, id, bodyInput) {
      assertCanWrite(user);
      const c = await commentOf(id);
      if (c.author_id === null || Number(c.author_id) !== user.id) throw new AppError('FORBIDDEN', 'Only its author can edit a comment.');
      if (c.deleted_at || c.hidden_at) throw new AppError('FORBIDDEN', 'A deleted or hidden comment cannot be edited.');
      await assertOpen(Number(c.paper_id), user);
      const body = checkBody(bodyInput);
      if (body === c.body) return view(c, 0, user);
      const rendered = await render(body);
      await checkNewAccount(user, rendered.links);
      const t = new Date(now()).toISOString();
      await db.transaction().execute(async (trx) => {
        // The version being replaced, with the time it was written, is kept: history is viewable.
        await insertRevision(trx, Number(c.id), c.body, c.edited_at ?? c.created_at);
        await updateCommentBody(trx, Number(c.id), body, rendered.html, t);
      });
      return view((await getComment(db, Number(c.id)))!, 0, user);
    },

    async remove(user, id) {
      assertCanWrite(user);
      const c = await commentOf(id);
      const own = c.author_id !== null && Number(c.author_id) === user.id;
      if (!own) throw new AppError('FORBIDDEN', 'Only its author can delete a comment (moderators hide comments instead).');
      await db.transaction().execute(async (trx) => {
        if ((await markDeleted(trx, Number(c.id), new Date(now()).toISOString())) && !c.hidden_at) await bumpCounts(trx, Number(c.paper_id), { comments: -1 });
      });
    },

    async report(user, id, reasonInput) {
      assertCanWrite(user);
      const c = await commentOf(id);
      if (c.author_id !== null && Number(c.author_id) === user.id) throw new AppError('BAD_REQUEST', 'You cannot report your own comment (you can edit or delete it).');
      if (c.deleted_at) throw new AppError('COMMENT_NOT_FOUND', 'That comment was deleted.');
      const reason = typeof reasonInput === 'string' ? reasonInput.trim() : '';
      if (!reason) throw new AppError('BAD_REQUEST', 'Say briefly what is wrong with the comment.');
      if (reason.length > REASON_MAX) throw new AppError('FIELD_TOO_LONG', `A report's reason has at most ${REASON_MAX} characters.`);
      return { created: await insertReport(db, { commentId: Number(c.id), reporterId: user.id, reason, now: new Date(now()).toISOString() }) };
    },

    async history(id, viewer) {
      const c = await commentOf(id);
      const comment = view(c, 0, viewer);
      if (comment.state !== 'visible' && !isModerator(viewer)) throw new AppError('COMMENT_NOT_FOUND', `Comment ${id} is not shown.`);
      const versions = (await listRevisions(db, Number(c.id))).map((r) => ({ body: r.body, html: renderComment(r.body).html, writtenAt: r.written_at }));
      const paper = await db.selectFrom('papers').select('arxiv_id').where('id', '=', c.paper_id).executeTakeFirstOrThrow();
      return { comment, arxivId: paper.arxiv_id, versions };
    },

    async byUser(userId, limit) {
      return (await listUserComments(db, userId, limit)).map((r) => ({ id: Number(r.id), html: r.html, createdAt: r.created_at, arxivId: r.arxiv_id, title: r.title }));
    },

    async get(id, viewer) {
      const c = await commentOf(id);
      const paper = await db.selectFrom('papers').select('arxiv_id').where('id', '=', c.paper_id).executeTakeFirstOrThrow();
      return { comment: view(c, 0, viewer), arxivId: paper.arxiv_id };
    },
  };
}

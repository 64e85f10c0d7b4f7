/**
 * Upvotes: one per user and paper, set, cleared or toggled; "upvoted by you"; exact counts for the
 * voter's own pages. Counts shown to everyone else come from the catalog (folded, docs/community.md).
 */
import { parseArxivId } from '../catalog/arxiv-id.ts';
import { toPaper, type Paper } from '../catalog/paper.ts';
import { AppError } from '../errors.ts';
import type { Store } from '../store/db.ts';
import type { SessionUser } from './user.ts';
import { applyVote, exactCounts, upvotedBy, votedAmong, type VoteIntent } from './votes.repo.ts';

export interface VoteResult {
  paper: string;
  upvoted: boolean;
  /** The shown count right after this vote: imported baseline + exact local votes. */
  upvotes: number;
}

export interface Votes {
  /** @throws AppError SIGN_IN_REQUIRED, USER_BANNED, INVALID_ARXIV_ID, PAPER_NOT_FOUND, BAD_REQUEST */
  vote(user: SessionUser | null, paper: unknown, intent: unknown): Promise<VoteResult>;
  /** For a page of papers: which the user upvoted, and each paper's exact shown count. */
  viewFor(userId: number, papers: Paper[]): Promise<{ voted: Set<string>; upvotes: Map<string, number> }>;
  upvotedBy(userId: number, limit: number): Promise<Paper[]>;
}

/** @throws AppError SIGN_IN_REQUIRED or USER_BANNED when the user may not write. */
export function assertCanWrite(user: SessionUser | null): asserts user is SessionUser {
  if (!user) throw new AppError('SIGN_IN_REQUIRED', 'Sign in first.');
  if (user.bannedAt) throw new AppError('USER_BANNED', 'This account is banned: it can read but not vote, comment or submit.');
}

const INTENTS = new Set(['up', 'down', 'toggle']);

export function createVotes(o: { store: Store; now?: () => number; batch?: boolean }): Votes {
  const db = o.store.db;
  const now = o.now ?? Date.now;
  return {
    async vote(user, paperInput, intent) {
      assertCanWrite(user);
      if (typeof intent !== 'string' || !INTENTS.has(intent)) throw new AppError('BAD_REQUEST', 'vote must be up, down or toggle.');
      const { id } = parseArxivId(String(paperInput ?? ''));
      const r = await applyVote(o.store, user.id, id, intent as VoteIntent, new Date(now()).toISOString(), { batch: o.batch ?? true });
      if (!r) throw new AppError('PAPER_NOT_FOUND', `No paper ${id} in this catalog.`, { details: { id } });
      return { paper: id, upvoted: r.voted, upvotes: r.baseline + r.votes };
    },
    async viewFor(userId, papers) {
      const ids = papers.map((p) => p.id);
      const [voted, counts] = await Promise.all([votedAmong(db, userId, ids), exactCounts(db, ids)]);
      const byId = new Map(papers.map((p) => [p.id, p]));
      const upvotes = new Map<string, number>();
      for (const p of papers) {
        // Paper.upvotes holds the folded count; the exact one replaces the folded local part.
        const exact = counts.get(p.id);
        upvotes.set(p.arxivId, exact ? p.upvotes - p.localUpvotes + exact.votes : p.upvotes);
      }
      return { voted: new Set([...voted].map((id) => byId.get(id)!.arxivId)), upvotes };
    },
    async upvotedBy(userId, limit) {
      return (await upvotedBy(db, userId, limit)).map((r) => toPaper(r));
    },
  };
}

/**
 * Authorship claims (docs/community.md, "Authors and claims"). A signed-in member claims one author
 * position on a paper ("I am author 3, Quoc V. Le"); the claim waits in the moderators' queue; a
 * moderator verifies or rejects it, with a reason, in the public moderation log. A verified claim puts
 * the account on the paper (Hugging Face's `authors[].user`, status `claimed_verified`) and lists the
 * paper on the member's profile; the member can hide a wrong attribution (HF's `hidden`) or show it
 * again, and can withdraw a claim still pending. Only the claimant hides; only moderators decide.
 */
import { parseArxivId } from '../catalog/arxiv-id.ts';
import { withNextSeq } from '../catalog/papers.repo.ts';
import { authorNames } from '../catalog/paper-authors.ts';
import { AppError } from '../errors.ts';
import type { Store } from '../store/db.ts';
import { claimsBy, decideClaim, deleteClaim, getClaim, insertClaim, openClaimsOn, pendingClaims, setClaimHidden, touchPaper, type ClaimRow } from './claims.repo.ts';
import { moderatorOnly, modReason } from './moderation.service.ts';
import type { SessionUser } from './user.ts';
import { assertCanWrite } from './votes.service.ts';

/** Hugging Face's name for a claim its staff verified (huggingface_hub PaperAuthor.status). */
export const VERIFIED_STATUS = 'claimed_verified';

export interface Claim {
  id: number;
  arxivId: string;
  title: string;
  authorIndex: number;
  authorName: string;
  claimant: { handle: string; name: string };
  state: ClaimRow['state'];
  hidden: boolean;
  createdAt: string;
  decidedAt: string | null;
  /** The moderator's reason (shown to the claimant; in the public log only for verified claims). */
  reason: string | null;
}

export interface PaperClaims {
  /** Author names in order, and which positions a verified or pending claim holds. */
  authors: Array<{ index: number; name: string; taken: boolean }>;
  /** The viewer's own claim on this paper, if any is open (pending or verified). */
  mine: Claim | null;
}

export interface Claims {
  /** @throws AppError SIGN_IN_REQUIRED, USER_BANNED, PAPER_NOT_FOUND, BAD_REQUEST, CLAIM_REFUSED */
  claim(user: SessionUser | null, paper: unknown, authorIndex: unknown): Promise<Claim>;
  /** The claimant withdraws a pending claim. @throws CLAIM_NOT_FOUND, FORBIDDEN, CLAIM_REFUSED */
  withdraw(user: SessionUser | null, id: number): Promise<{ arxivId: string }>;
  /** The claimant hides (or shows again) a verified attribution. @throws CLAIM_NOT_FOUND, FORBIDDEN, CLAIM_REFUSED */
  setHidden(user: SessionUser | null, id: number, hidden: boolean): Promise<Claim>;
  /** @throws SIGN_IN_REQUIRED, FORBIDDEN (not a moderator), CLAIM_NOT_FOUND, CLAIM_REFUSED (decided already, or the position is taken) */
  verify(mod: SessionUser | null, id: number, reason: unknown): Promise<Claim>;
  reject(mod: SessionUser | null, id: number, reason: unknown): Promise<Claim>;
  /** Pending claims, oldest first (moderators only). */
  queue(mod: SessionUser | null): Promise<Claim[]>;
  /** What the paper page needs: positions taken, and the viewer's own claim. */
  onPaper(paperId: number, authors: readonly string[], viewer: SessionUser | null): Promise<PaperClaims>;
  /** A member's claims, newest first; `publicOnly`: verified and not hidden (the profile others see). */
  byUser(userId: number, o: { publicOnly: boolean; limit: number }): Promise<Claim[]>;
  /** Handles of a paper's verified, shown claimants (mentions notify them). */
  claimantsOf(paperId: number): Promise<Array<{ userId: number; handle: string }>>;
}

const toClaim = (r: ClaimRow): Claim => ({
  id: r.id,
  arxivId: r.arxiv_id,
  title: r.title,
  authorIndex: r.author_index,
  authorName: r.author_name,
  claimant: { handle: r.handle, name: r.name },
  state: r.state,
  hidden: r.hidden === 1,
  createdAt: r.created_at,
  decidedAt: r.decided_at,
  reason: r.decision_reason,
});

/** Unique-key violations on both engines (a race decided by the partial unique indexes of 0016). */
const isUniqueViolation = (e: unknown): boolean => {
  const x = e as { code?: string; message?: string };
  return x?.code === '23505' || x?.code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint failed/.test(x?.message ?? '');
};

export function createClaims(o: { store: Store; now?: () => number }): Claims {
  const db = o.store.db;
  const now = () => new Date((o.now ?? Date.now)()).toISOString();

  const claimOf = async (id: number): Promise<ClaimRow> => {
    const c = Number.isSafeInteger(id) && id > 0 ? await getClaim(db, id) : undefined;
    if (!c) throw new AppError('CLAIM_NOT_FOUND', `No authorship claim ${id}.`);
    return c;
  };
  const own = async (user: SessionUser | null, id: number): Promise<ClaimRow> => {
    assertCanWrite(user);
    const c = await claimOf(id);
    // IDOR: a claim id is guessable, so ownership is checked on every change.
    if (c.user_id !== user.id) throw new AppError('FORBIDDEN', 'Only the member who made a claim can change it.');
    return c;
  };
  const guard = (mod: SessionUser | null) => moderatorOnly(mod, 'decide authorship claims');
  const why = modReason;

  const decide = async (modIn: SessionUser | null, id: number, reasonIn: unknown, state: 'verified' | 'rejected'): Promise<Claim> => {
    const mod = guard(modIn);
    const reason = why(reasonIn);
    const c = await claimOf(id);
    if (c.state !== 'pending') throw new AppError('CLAIM_REFUSED', `Claim ${id} was already ${c.state}.`);
    if (c.user_id === mod.id && mod.role !== 'admin') throw new AppError('FORBIDDEN', 'Another moderator (or an admin) must decide your own claim.');
    const t = now();
    try {
      // Under the catalog's sequence lock: the paper gets a new sequence, so cached lists and the
      // HF-shaped API show the account on the paper at once.
      await withNextSeq(o.store, async (trx, nextSeq) => {
        if (!(await decideClaim(trx, { id, state, by: mod.id, reason, now: t }))) throw new AppError('CLAIM_REFUSED', `Claim ${id} was decided by someone else meanwhile.`);
        if (state === 'verified') await touchPaper(trx, c.paper_id, nextSeq(), t);
        // The public log names the account only for a verified claim (it is on the paper anyway);
        // a rejected claim stays between the member and the moderators.
        const target = state === 'verified' ? `author ${c.author_index + 1} (${c.author_name}) of ${c.arxiv_id} is @${c.handle}` : `a claim on author ${c.author_index + 1} (${c.author_name}) of ${c.arxiv_id}`;
        await trx.insertInto('moderation_log').values({ at: t, moderator_id: mod.id, action: state === 'verified' ? 'verify-claim' : 'reject-claim', target, reason }).execute();
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new AppError('CLAIM_REFUSED', `Author ${c.author_index + 1} of ${c.arxiv_id} is already verified for another member.`);
      throw e;
    }
    return toClaim((await getClaim(db, id))!);
  };

  return {
    async claim(user, paperInput, indexInput) {
      assertCanWrite(user);
      const { id: arxivId } = parseArxivId(String(paperInput ?? ''));
      const paper = await db.selectFrom('papers').select(['id', 'authors']).where('arxiv_id', '=', arxivId).executeTakeFirst();
      if (!paper) throw new AppError('PAPER_NOT_FOUND', `No paper ${arxivId} in this catalog.`, { details: { id: arxivId } });
      const names = authorNames(paper.authors);
      const index = typeof indexInput === 'number' ? indexInput : typeof indexInput === 'string' && /^\d{1,4}$/.test(indexInput.trim()) ? Number(indexInput) : NaN;
      if (!Number.isInteger(index) || index < 0 || index >= names.length) {
        throw new AppError('BAD_REQUEST', `Choose which author you are: author must be a position from 0 to ${names.length - 1} in the paper's author list.`);
      }
      const open = await openClaimsOn(db, Number(paper.id));
      if (open.some((c) => c.user_id === user.id)) throw new AppError('CLAIM_REFUSED', `You already have a claim on ${arxivId}; withdraw it first to claim another author.`);
      if (open.some((c) => c.author_index === index && c.state === 'verified')) throw new AppError('CLAIM_REFUSED', `${names[index]} on ${arxivId} is already claimed by a verified member. If that is wrong, report it to the moderators.`);
      try {
        const id = await insertClaim(db, { paperId: Number(paper.id), index, name: names[index]!, userId: user.id, now: now() });
        return toClaim((await getClaim(db, id))!);
      } catch (e) {
        if (isUniqueViolation(e)) throw new AppError('CLAIM_REFUSED', `You already have a claim on ${arxivId}.`);
        throw e;
      }
    },

    async withdraw(user, id) {
      const c = await own(user, id);
      if (c.state !== 'pending') throw new AppError('CLAIM_REFUSED', `Claim ${id} was ${c.state}: a verified attribution can be hidden, not withdrawn.`);
      await deleteClaim(db, id);
      return { arxivId: c.arxiv_id };
    },

    async setHidden(user, id, hidden) {
      const c = await own(user, id);
      if (c.state !== 'verified') throw new AppError('CLAIM_REFUSED', `Claim ${id} is ${c.state}: only a verified attribution can be hidden or shown.`);
      if ((c.hidden === 1) !== hidden) {
        await withNextSeq(o.store, async (trx, nextSeq) => {
          await setClaimHidden(trx, id, hidden);
          await touchPaper(trx, c.paper_id, nextSeq(), now());
        });
      }
      return toClaim((await getClaim(db, id))!);
    },

    verify: (m, id, r) => decide(m, id, r, 'verified'),
    reject: (m, id, r) => decide(m, id, r, 'rejected'),

    async queue(modIn) {
      guard(modIn);
      return (await pendingClaims(db, 500)).map(toClaim);
    },

    async onPaper(paperId, authors, viewer) {
      const open = await openClaimsOn(db, paperId);
      const taken = new Set(open.filter((c) => c.state === 'verified').map((c) => c.author_index));
      const mine = viewer ? open.find((c) => c.user_id === viewer.id) : undefined;
      return { authors: authors.map((name, index) => ({ index, name, taken: taken.has(index) })), mine: mine ? toClaim(mine) : null };
    },

    async byUser(userId, q) {
      const rows = await claimsBy(db, userId, q.publicOnly ? ['verified'] : ['pending', 'verified', 'rejected'], q.limit);
      return rows.filter((r) => !q.publicOnly || r.hidden === 0).map(toClaim);
    },

    async claimantsOf(paperId) {
      const open = await openClaimsOn(db, paperId);
      return open.filter((c) => c.state === 'verified' && c.hidden === 0).map((c) => ({ userId: c.user_id, handle: c.handle }));
    },
  };
}

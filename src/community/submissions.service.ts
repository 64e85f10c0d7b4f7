/**
 * Submitting a paper to today's daily list, Hugging Face's way with configurable rules: a signed-in
 * member pastes an arXiv id or URL; the metadata comes through the arXiv API adapter (unless the
 * catalog has the paper already); the paper goes on today's list "submitted by" the member. Refusals,
 * each a clear message (SUBMISSION_REFUSED): not an arXiv id, arXiv does not know it, published more
 * than SUBMIT_MAX_AGE_DAYS ago, already on a daily list or submitted, the member's SUBMIT_DAILY_CAP
 * reached, a weekend with SUBMIT_NO_WEEKENDS.
 */
import type { Config } from '../config.ts';
import { tryParseArxivId } from '../catalog/arxiv-id.ts';
import type { PaperInput } from '../catalog/paper.ts';
import { upsertPapers } from '../catalog/papers.repo.ts';
import { AppError } from '../errors.ts';
import { fetchArxivIds } from '../ingest/arxiv-api.ts';
import { checkLimits } from '../ingest/limits.ts';
import type { HttpClient } from '../ingest/http-client.ts';
import type { Store } from '../store/db.ts';
import { assertCanWrite } from './votes.service.ts';
import type { SessionUser } from './user.ts';

export interface Submission {
  paper: string;
  title: string;
  day: string;
  submittedBy: string;
}

export interface Submissions {
  /** @throws AppError SIGN_IN_REQUIRED, USER_BANNED, SUBMISSION_REFUSED (message says why), UPSTREAM_* */
  submit(user: SessionUser | null, input: unknown): Promise<Submission>;
  byUser(userId: number, limit: number): Promise<Array<{ arxivId: string; title: string; day: string }>>;
}

const DAY = 86_400_000;
const refuse = (message: string, details?: Record<string, unknown>) => new AppError('SUBMISSION_REFUSED', message, { details });

export function createSubmissions(o: { store: Store; config: Config; http: () => HttpClient; now?: () => number }): Submissions {
  const db = o.store.db;
  const now = o.now ?? Date.now;
  const c = o.config;
  return {
    async submit(user, input) {
      assertCanWrite(user);
      const raw = typeof input === 'string' ? input.trim() : '';
      const parsed = raw && raw.length <= 300 ? tryParseArxivId(raw) : null;
      if (!parsed) throw refuse('Paste an arXiv identifier or link, such as 2310.06511 or https://arxiv.org/abs/2310.06511.');
      const id = parsed.id;
      const t = now();
      const today = new Date(t).toISOString().slice(0, 10);
      const weekday = new Date(t).getUTCDay();
      if (c.submitNoWeekends && (weekday === 0 || weekday === 6)) throw refuse('Submissions are closed at weekends (arXiv announces nothing then): submit on Monday.');
      const mine = await db.selectFrom('submissions').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', user.id).where('day', '=', today).executeTakeFirstOrThrow();
      if (Number(mine.n) >= c.submitDailyCap) throw refuse(`You have submitted ${c.submitDailyCap} paper${c.submitDailyCap === 1 ? '' : 's'} today, the daily limit: try again tomorrow.`);
      const taken = await db.selectFrom('submissions').select('day').where('arxiv_id', '=', id).executeTakeFirst();
      const stored = await db.selectFrom('papers').select(['title', 'daily_date', 'published_at']).where('arxiv_id', '=', id).executeTakeFirst();
      if (taken || stored?.daily_date) throw refuse(`arXiv:${id} is already on the daily list of ${taken?.day ?? stored!.daily_date}.`, { id });
      let paper: PaperInput | null = null;
      let publishedAt = stored?.published_at ?? null;
      let title = stored?.title ?? '';
      if (!stored) {
        for await (const item of fetchArxivIds({ http: o.http(), url: c.arxivApiUrl, ids: [id] })) {
          if (item.kind === 'paper') paper = item.paper;
          else if (item.kind === 'reject') throw refuse(`arXiv does not know ${id} (${item.reason.replace(/^arXiv API: /, '')}).`, { id });
        }
        if (!paper) throw refuse(`arXiv returned nothing for ${id}.`, { id });
        // The same per-field limits as every ingest source (src/ingest/limits.ts): a record arXiv answers
        // with must still fit what the catalog stores.
        const over = checkLimits(paper);
        if (over) throw refuse(`arXiv:${id} cannot be stored: its ${over}.`, { id });
        publishedAt = paper.publishedAt ?? null;
        title = paper.title;
      }
      const cutoff = t - c.submitMaxAgeDays * DAY;
      if (!publishedAt || Date.parse(publishedAt) < cutoff) {
        throw refuse(`arXiv:${id} was first published ${publishedAt ? `on ${publishedAt.slice(0, 10)}` : 'at an unknown date'}; only papers from the last ${c.submitMaxAgeDays} days can be submitted.`, { id });
      }
      // The unique key decides a race: the second of two concurrent submissions of one paper is refused.
      const inserted = await db
        .insertInto('submissions')
        .values({ arxiv_id: id, user_id: user.id, day: today, created_at: new Date(t).toISOString() })
        .onConflict((oc) => oc.column('arxiv_id').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!inserted) throw refuse(`arXiv:${id} was just submitted by someone else.`, { id });
      const base: PaperInput = paper ?? { arxivId: id, title, source: 'submission' };
      await upsertPapers(o.store, [{ ...base, dailyDate: today, submittedBy: user.handle }]);
      return { paper: id, title, day: today, submittedBy: user.handle };
    },
    async byUser(userId, limit) {
      const rows = await db
        .selectFrom('submissions')
        .innerJoin('papers', 'papers.arxiv_id', 'submissions.arxiv_id')
        .select(['papers.arxiv_id', 'papers.title', 'submissions.day'])
        .where('submissions.user_id', '=', userId)
        .orderBy('submissions.created_at', 'desc')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ arxivId: r.arxiv_id, title: r.title, day: r.day }));
    },
  };
}

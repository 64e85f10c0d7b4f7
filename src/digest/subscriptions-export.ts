/**
 * A member's digest data for "download all my data": their subscription (by account or by their
 * address) with its settings, saved searches and follows, its status and why it was suspended, the
 * address's bounce score, and every digest built for it — subject, papers, dates, delivery outcome.
 * Never the message bodies or headers (they hold the signed manage and unsubscribe links), nor any
 * token or token hash.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { listFollows, listSearches } from './subscriptions.repo.ts';
import { groupExtras, NO_EXTRAS, toSubscriber } from './subscriptions-mapping.ts';

export async function exportSubscriptions(db: Kysely<Database>, who: { userId: number; email: string }): Promise<Array<Record<string, unknown>>> {
  const rows = await db
    .selectFrom('subscribers')
    .selectAll()
    .where((eb) => eb.or([eb('user_id', '=', who.userId), eb('email', '=', who.email.trim().toLowerCase())]))
    .orderBy('id')
    .execute();
  if (!rows.length) return [];
  const ids = rows.map((r) => Number(r.id));
  const extras = groupExtras(await listSearches(db, ids), await listFollows(db, ids));
  const [bounces, digests, sent] = await Promise.all([
    db.selectFrom('digest_bounces').select(['email', 'score', 'soft', 'hard', 'first_bounce_at', 'last_bounce_at', 'last_code', 'last_error', 'suspended_at']).where('email', 'in', rows.map((r) => r.email)).execute(),
    db
      .selectFrom('digest_outbox')
      .select(['subscriber_id', 'period', 'period_key', 'status', 'subject', 'arxiv_ids', 'message_date', 'attempts', 'response_code', 'last_error', 'created_at', 'sent_at'])
      .where('subscriber_id', 'in', ids)
      .orderBy('id')
      .execute(),
    db.selectFrom('sent_papers').select(['subscriber_id', 'arxiv_id', 'sent_at']).where('subscriber_id', 'in', ids).orderBy('sent_at').orderBy('arxiv_id').execute(),
  ]);
  return rows.map((r) => {
    const s = toSubscriber(r, extras.get(Number(r.id)) ?? NO_EXTRAS);
    const b = bounces.find((x) => x.email === r.email);
    return {
      email: s.email,
      status: s.status,
      linkedToAccount: s.userId === who.userId,
      settings: { frequency: s.frequency, sendHour: s.sendHour, timeZone: s.timeZone, weeklyDay: s.weeklyDay, sections: s.sections },
      savedSearches: s.searches,
      followedAuthors: s.authors,
      followedCategories: s.categories,
      createdAt: s.createdAt,
      confirmedAt: s.confirmedAt,
      unsubscribedAt: r.unsubscribed_at,
      suspendedAt: s.suspendedAt,
      suspendedReason: s.suspendedReason,
      bounces: b
        ? { score: Number(b.score), soft: Number(b.soft), hard: Number(b.hard), firstAt: b.first_bounce_at, lastAt: b.last_bounce_at, lastCode: b.last_code === null ? null : Number(b.last_code), lastError: b.last_error, suspendedAt: b.suspended_at }
        : null,
      digests: digests
        .filter((d) => Number(d.subscriber_id) === s.id)
        .map((d) => ({
          period: d.period, periodKey: d.period_key, status: d.status, subject: d.subject, papers: JSON.parse(d.arxiv_ids) as string[],
          date: d.message_date, builtAt: d.created_at, sentAt: d.sent_at, attempts: Number(d.attempts), responseCode: d.response_code === null ? null : Number(d.response_code), lastError: d.last_error,
        })),
      papersSent: sent.filter((p) => Number(p.subscriber_id) === s.id).map((p) => ({ paper: p.arxiv_id, at: p.sent_at })),
    };
  });
}

/**
 * Build a period's digests into the outbox: for every subscriber due now (subscriptions.service
 * decides who, by frequency, send hour and time zone), gather the sections, compose the message and
 * write it — once: the outbox's unique (subscriber, period, period key) makes a second build, on this
 * node or another, a no-op for everyone already written.
 *
 * Papers are recorded as sent (markSent) right after their digest is written. A crash between the two
 * leaves a written digest whose papers are not yet recorded; the next build finds the row and records
 * them then (markSent is idempotent), so a paper still reaches a subscriber at most once.
 */
import type { Logger } from 'pino';
import type { Store } from '../store/db.ts';
import { composeDigest, newMessageId } from './compose.ts';
import { existingDigests, insertDigest, insertSkipped } from './outbox.repo.ts';
import type { DigestRecipient, DigestSource, Period } from './types.ts';

export interface BuildDeps {
  store: Store;
  source: Pick<DigestSource, 'dueSubscribers' | 'sectionsFor' | 'markSent'>;
  siteName: string;
  siteUrl: string;
  /** The Message-ID domain (MAIL_FROM's). */
  mailDomain: string;
  log: Logger;
}

export interface BuildResult {
  due: number;
  written: number;
  /** Already in the outbox (an earlier build, another node). */
  existing: number;
  /** Nothing new for them this period: settled without a message. */
  empty: number;
}

/** The outbox row key of a recipient's period. */
const key = (r: DigestRecipient) => `${r.subscriber.id}:${r.periodKey}`;

/**
 * @example await buildDigests(deps, 'daily', new Date(), { signal })
 */
export async function buildDigests(d: BuildDeps, period: Period, now: Date, o: { signal?: AbortSignal } = {}): Promise<BuildResult> {
  const due = await d.source.dueSubscribers(period, now);
  const existing = await existingDigests(d.store.db, period, due.map((r) => ({ subscriberId: r.subscriber.id, periodKey: r.periodKey })));
  const result: BuildResult = { due: due.length, written: 0, existing: 0, empty: 0 };
  for (const r of due) {
    if (o.signal?.aborted) break;
    const papers = existing.get(key(r));
    if (papers) {
      // Written before: make sure its papers are recorded (a crash may have come between the two).
      if (papers.length) await d.source.markSent(r.subscriber.id, papers);
      result.existing += 1;
      continue;
    }
    const sections = (await d.source.sectionsFor(r, period)).filter((s) => s.items.length > 0);
    if (sections.length === 0) {
      await insertSkipped(d.store.db, { subscriberId: r.subscriber.id, period, periodKey: r.periodKey, email: r.subscriber.email, reason: 'nothing new' }, now);
      result.empty += 1;
      continue;
    }
    const m = composeDigest({
      email: r.subscriber.email,
      period,
      periodKey: r.periodKey,
      sections,
      links: r.links,
      siteName: d.siteName,
      siteUrl: d.siteUrl,
      messageId: newMessageId(d.mailDomain),
      date: now,
    });
    const written = await insertDigest(
      d.store.db,
      { subscriberId: r.subscriber.id, period, periodKey: r.periodKey, email: m.to, messageId: m.messageId, subject: m.subject, text: m.text, html: m.html, headers: m.headers, arxivIds: m.arxivIds, date: m.date },
      now,
    );
    if (written) {
      await d.source.markSent(r.subscriber.id, m.arxivIds);
      result.written += 1;
    } else {
      // Another builder wrote it between our look-up and our insert: its papers are its to record.
      result.existing += 1;
    }
  }
  if (result.written || result.empty) d.log.info({ period, ...result }, 'digests built');
  return result;
}

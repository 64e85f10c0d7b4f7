/**
 * Build a period's digests into the outbox: for every subscriber due now (subscriptions.service
 * decides who, by frequency, send hour and time zone), gather the sections, compose the message and
 * write it — once: the outbox's unique (subscriber, period, period key) makes a second build, on this
 * node or another, a no-op for everyone already written.
 *
 * Digests are composed a batch at a time and written with one statement per batch; their papers are
 * recorded as sent (markSentMany) right after. A crash between the two
 * leaves a written digest whose papers are not yet recorded; the next build finds the row and records
 * them then (markSent is idempotent), so a paper still reaches a subscriber at most once.
 */
import type { Logger } from 'pino';
import type { Store } from '../store/db.ts';
import { composeDigest, newMessageId, type ComposedDigest } from './compose.ts';
import { existingDigests, insertBatch, type NewOutboxRow, type SkippedRow } from './outbox.repo.ts';
import { createSectionMemo } from './section-memo.ts';
import type { DigestRecipient, DigestSource, Period } from './types.ts';

export interface BuildDeps {
  store: Store;
  source: Pick<DigestSource, 'dueSubscribers' | 'sectionsFor' | 'markSentMany'>;
  siteName: string;
  siteUrl: string;
  /** The Message-ID domain (MAIL_FROM's). */
  mailDomain: string;
  log: Logger;
  /**
   * Render a composed digest to its RFC 5322 text (src/mail/mailer.ts createRenderer), stored with
   * it so the sender only sends. Without it the sender composes the MIME message from the parts.
   */
  render?: (m: ComposedDigest) => Promise<Buffer>;
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
 * Recipients composed before their digests are written together: one INSERT for the batch and one
 * for its papers instead of two statements a digest (each its own commit on SQLite).
 */
const BATCH = 100;

/**
 * @example await buildDigests(deps, 'daily', new Date(), { signal })
 */
export async function buildDigests(d: BuildDeps, period: Period, now: Date, o: { signal?: AbortSignal } = {}): Promise<BuildResult> {
  const due = await d.source.dueSubscribers(period, now);
  const existing = await existingDigests(d.store.db, period, due.map((r) => ({ subscriberId: r.subscriber.id, periodKey: r.periodKey })));
  const result: BuildResult = { due: due.length, written: 0, existing: 0, empty: 0 };
  // The trending ranking and each distinct saved search run once for the whole build.
  const memo = createSectionMemo();
  for (let i = 0; i < due.length && !o.signal?.aborted; i += BATCH) {
    const digests: NewOutboxRow[] = [];
    const skipped: SkippedRow[] = [];
    // Written before: make sure their papers are recorded (a crash may have come between the two).
    const repair: Array<{ subscriberId: number; arxivIds: string[] }> = [];
    for (const r of due.slice(i, i + BATCH)) {
      if (o.signal?.aborted) break;
      const papers = existing.get(key(r));
      if (papers) {
        if (papers.length) repair.push({ subscriberId: r.subscriber.id, arxivIds: papers });
        result.existing += 1;
        continue;
      }
      const sections = (await d.source.sectionsFor(r, period, memo)).filter((s) => s.items.length > 0);
      if (sections.length === 0) {
        skipped.push({ subscriberId: r.subscriber.id, period, periodKey: r.periodKey, email: r.subscriber.email, reason: 'nothing new' });
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
      const raw = d.render ? (await d.render(m)).toString('utf8') : undefined;
      digests.push({ subscriberId: r.subscriber.id, period, periodKey: r.periodKey, email: m.to, messageId: m.messageId, subject: m.subject, text: m.text, html: m.html, headers: m.headers, arxivIds: m.arxivIds, date: m.date, ...(raw ? { raw } : {}) });
    }
    if (repair.length) await d.source.markSentMany(repair);
    const written = await insertBatch(d.store.db, digests, skipped, now);
    // Only what this build wrote: a digest another builder wrote between our look-up and our insert is its to record.
    const mine = digests.filter((m) => written.has(`${m.subscriberId}:${m.periodKey}`));
    if (mine.length) await d.source.markSentMany(mine.map((m) => ({ subscriberId: m.subscriberId, arxivIds: m.arxivIds })));
    result.written += mine.length;
    result.existing += digests.length - mine.length;
    result.empty += skipped.length;
  }
  if (result.written || result.empty) d.log.info({ period, ...result }, 'digests built');
  return result;
}

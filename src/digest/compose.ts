/**
 * Compose one digest mail: subject, both parts and the headers a mailbox provider expects of bulk
 * mail (RFC 8058 one-click unsubscribe, RFC 2919 List-Id, a Message-ID of our own domain). Pure: the
 * same input gives the same message, so the outbox can store it and a preview shows exactly what
 * would be sent. `From` and DKIM are the transport's (src/mail/mailer.ts), from configuration.
 */
import { randomBytes } from 'node:crypto';
import { displayText } from '../catalog/paper.ts';
import { digestHtml } from './compose-html.ts';
import { digestText } from './compose-text.ts';
import { paperCount, periodLabel } from './compose-format.ts';
import type { DigestLinks, DigestSection, Period } from './types.ts';

export interface ComposeInput {
  email: string;
  period: Period;
  /** The subscriber's own period (`2026-12-01`, `2026-W49`). */
  periodKey: string;
  sections: DigestSection[];
  links: DigestLinks;
  /** The site's name and home page (BASE_URL). */
  siteName: string;
  siteUrl: string;
  /** Fixed when the digest is written to the outbox, so a retried send is the same message. */
  messageId: string;
  date: Date;
}

export interface ComposedDigest {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Extra headers (From, Date and Message-ID are set by the transport from the fields here). */
  headers: Record<string, string>;
  messageId: string;
  date: Date;
  /** Every paper in the digest (arXiv ids, section order): what markSent records. */
  arxivIds: string[];
}

/**
 * A new Message-ID in the sender's domain: random, so it says nothing about the subscriber.
 * @example newMessageId('papers.example.org') // '<digest.1a2b…@papers.example.org>'
 */
export function newMessageId(domain: string): string {
  return `<digest.${randomBytes(12).toString('hex')}@${domain}>`;
}

/** The domain of an address such as `Paperboy <papers@example.org>` (the Message-ID and List-Id use it). */
export function addressDomain(from: string): string {
  const m = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from.trim());
  return m ? m[1]!.toLowerCase() : 'localhost';
}

/** Compose the digest; `sections` must hold at least one paper (the builder skips empty digests). */
export function composeDigest(c: ComposeInput): ComposedDigest {
  const label = periodLabel(c.period, c.periodKey);
  const total = c.sections.reduce((n, s) => n + s.items.length, 0);
  const heading = `Your ${c.period} digest for ${label}`;
  const subject = `${c.siteName}: ${paperCount(total)} for ${label}`;
  const first = c.sections[0]?.items[0];
  const preheader = first ? `${displayText(first.paper.title)}${total > 1 ? ` and ${total - 1} more` : ''}` : heading;
  const parts = { siteName: c.siteName, siteUrl: c.siteUrl, heading, sections: c.sections, links: c.links, email: c.email };
  const domain = /@([^>]+)>$/.exec(c.messageId)?.[1] ?? 'localhost';
  return {
    to: c.email,
    subject,
    text: digestText(parts),
    html: digestHtml({ ...parts, preheader }),
    headers: {
      // RFC 2369 + RFC 8058: the https URL unsubscribes with one POST; the mailto is the fallback.
      'List-Unsubscribe': `<${c.links.unsubscribe}>, <${c.links.unsubscribeMailto}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      // RFC 2919: lets clients and filters group the digests (one id per site and frequency).
      'List-Id': `${c.siteName} ${c.period} digest <${c.period}.digest.${domain}>`,
    },
    messageId: c.messageId,
    date: c.date,
    arxivIds: [...new Set(c.sections.flatMap((s) => s.items.map((i) => i.paper.arxivId)))],
  };
}

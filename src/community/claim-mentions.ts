/**
 * Mentions of a paper's authors: when a new comment names `@handle` and that member is a verified,
 * shown author of the paper (claims.service.ts), they get an e-mail with the comment and a link —
 * only when SMTP is configured (without it nothing is sent: a log line per mention would only be
 * noise). Sent after the comment is stored, off the request; `drain()` waits for what is queued.
 * Members who are mentioned but are not the paper's authors get nothing: mentions are not a way to
 * mail arbitrary members.
 */
import type { Logger } from 'pino';
import type { Mailer } from '../mail/mailer.ts';
import type { Store } from '../store/db.ts';
import type { Claims } from './claims.service.ts';
import { mentionedHandles } from './markdown.ts';
import type { SessionUser } from './user.ts';

export interface NewComment {
  commentId: number;
  paperId: number;
  arxivId: string;
  body: string;
  author: SessionUser;
}

export interface MentionNotifier {
  /** Queue the mails a new comment causes; resolves at once. */
  commented(c: NewComment): void;
  drain(): Promise<void>;
}

/** The comment as quoted in the mail: its first lines, up to 1,000 characters. */
const quote = (body: string) => (body.length > 1000 ? `${body.slice(0, 1000)}…` : body).split('\n').map((l) => `> ${l}`).join('\n');

export function createMentionNotifier(o: { store: Store; mailer: Mailer; claims: Claims; log: Logger; baseUrl: string }): MentionNotifier {
  const pending = new Set<Promise<unknown>>();

  const send = async (c: NewComment) => {
    const mentioned = new Set(mentionedHandles(c.body));
    if (mentioned.size === 0) return;
    const authors = (await o.claims.claimantsOf(c.paperId)).filter((a) => mentioned.has(a.handle) && a.userId !== c.author.id);
    if (authors.length === 0) return;
    const paper = await o.store.db.selectFrom('papers').select('title').where('id', '=', c.paperId).executeTakeFirstOrThrow();
    const users = await o.store.db.selectFrom('users').select(['id', 'email', 'handle', 'banned_at']).where('id', 'in', authors.map((a) => a.userId)).execute();
    const link = `${o.baseUrl}/papers/${c.arxivId}#c${c.commentId}`;
    for (const u of users) {
      if (u.banned_at) continue;
      try {
        await o.mailer.send({
          to: u.email,
          subject: `@${c.author.handle} mentioned you on “${paper.title.slice(0, 120)}”`,
          text: `${c.author.name} (@${c.author.handle}) mentioned you in the discussion of your paper “${paper.title}” (arXiv:${c.arxivId}):\n\n${quote(c.body)}\n\nReply: ${link}\n\nYou get this because a moderator verified you as an author of this paper. To stop these for this paper, hide the attribution on the paper page.\n`,
        });
      } catch (e) {
        o.log.warn({ err: e, comment: c.commentId }, 'could not send a mention notification');
      }
    }
  };

  return {
    commented(c) {
      if (!o.mailer.configured) return;
      const p = send(c).catch((e) => o.log.warn({ err: e, comment: c.commentId }, 'mention notifications failed'));
      pending.add(p);
      void p.finally(() => pending.delete(p));
    },
    async drain() {
      while (pending.size) await Promise.allSettled([...pending]);
    },
  };
}

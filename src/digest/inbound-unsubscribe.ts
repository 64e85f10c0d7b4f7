/**
 * Unsubscribing by mail: an SMTP listener for the `mailto:` of `List-Unsubscribe` (RFC 2369), so the
 * clients that unsubscribe by sending mail (or a person replying to the address) reach us as surely as
 * the https one-click POST does.
 *
 * What it accepts is deliberately narrow. Recipients: only DIGEST_UNSUBSCRIBE_MAILBOX (any case;
 * nothing else is delivered here: `550` for every other address, so the listener is no open relay and
 * no general mailbox). Messages: only ones whose Subject carries `unsubscribe <token>` — the subject
 * the mailto sets (subscriptions-links.ts), also after a `Re:` or `Fwd:` — with a token that opens a
 * subscription; it takes effect at once, before the `250`, and a repeated one answers `250` again
 * (unsubscribing is idempotent, so every node may run a listener). The token is the proof, as for
 * the https link: the From address is not compared with the subscriber's (aliases and forwarding
 * make them differ), and no mail is sent back (a reply to a forged envelope sender is backscatter).
 *
 * Replies: `550` unknown recipient, no token or an unknown one (the sender's MTA bounces it to the
 * person, who then learns it did not work); `552` too large; `452` more than one recipient; `421`
 * over the per-address rate; `451` when the database is away (the sending MTA retries later). The
 * size limit is enforced while reading (SIZE is advertised; an oversized DATA is refused whatever it
 * says), and only the headers are parsed. Tokens are never logged.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { Counter } from 'prom-client';
import type { Logger } from 'pino';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { App } from '../app.ts';
import { AppError, isAppError, messageOf } from '../errors.ts';
import { subscriptions } from './subscriptions-app.ts';

export interface InboundOptions {
  port: number;
  host: string;
  /** The greeting's host name (the MX's name). */
  hostname: string;
  /** The one address mail is accepted for (DIGEST_UNSUBSCRIBE_MAILBOX). */
  mailbox: string;
  maxBytes: number;
  /** MAIL FROM commands per client address per minute. */
  perMinute: number;
  tls?: { cert: string; key: string } | undefined;
}

export interface InboundDeps {
  /** subscriptions.unsubscribe: `unsubscribed`, `already`, or throws SUBSCRIPTION_LINK_INVALID. */
  unsubscribe(token: string): Promise<'unsubscribed' | 'already'>;
  log: Logger;
  /** Counts outcomes (`paperboy_digest_inbound_total{outcome}`) when given. */
  count?: (outcome: InboundOutcome) => void;
}

export type InboundOutcome = 'unsubscribed' | 'already' | 'no-token' | 'unknown-token' | 'refused-recipient' | 'too-large' | 'rate-limited' | 'error';

export interface InboundListener {
  readonly port: number;
  close(): Promise<void>;
}

/** The subject the mailto carries, wherever it stands in the subject line (a `Re:` before it, say). */
const SUBJECT_TOKEN = /(?:^|[\s:])unsubscribe\s+([A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])/i;

/**
 * The token in a subject line, or null.
 * @example subjectToken('Re: unsubscribe 3q2-…') // '3q2-…'
 */
export function subjectToken(subject: string | undefined): string | null {
  return SUBJECT_TOKEN.exec(subject ?? '')?.[1] ?? null;
}

function smtpError(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

/** Mailbox addresses compare without case (RFC 5321 allows a case-sensitive local part; nobody relies on it for one fixed address). */
const sameAddress = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** A fixed-window count per client address (one minute), pruned as windows pass. */
function createRateWindow(perMinute: number) {
  let windowStart = Date.now();
  let counts = new Map<string, number>();
  return (address: string): boolean => {
    const now = Date.now();
    if (now - windowStart >= 60_000) {
      windowStart = now;
      counts = new Map();
    }
    const n = (counts.get(address) ?? 0) + 1;
    counts.set(address, n);
    return n <= perMinute;
  };
}

/**
 * Start listening; resolves once the port is bound.
 * @example const inbound = await startInboundListener({ unsubscribe: (t) => subs.unsubscribe(t), log }, { port: 25, … })
 */
export async function startInboundListener(d: InboundDeps, o: InboundOptions): Promise<InboundListener> {
  const allowed = createRateWindow(o.perMinute);
  const count = d.count ?? (() => {});
  const log = d.log.child({ component: 'inbound-smtp' });

  async function handle(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const c of stream as AsyncIterable<Buffer>) chunks.push(c);
    if (stream.sizeExceeded) {
      count('too-large');
      throw smtpError(552, `message exceeds the ${o.maxBytes}-byte limit of this mailbox`);
    }
    // Only the header block matters: parse it alone (a client may quote the digest in the body).
    const raw = Buffer.concat(chunks);
    const end = raw.indexOf('\r\n\r\n');
    const parsed = await simpleParser(end >= 0 ? raw.subarray(0, end + 4) : raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true });
    const token = subjectToken(parsed.subject);
    if (!token) {
      count('no-token');
      log.info({ client: session.remoteAddress }, 'unsubscribe mail without a token refused');
      throw smtpError(550, 'no unsubscribe token in the subject: use the unsubscribe link of the digest, or send the subject its mailto sets');
    }
    let outcome: 'unsubscribed' | 'already';
    try {
      outcome = await d.unsubscribe(token);
    } catch (e) {
      if (isAppError(e, 'SUBSCRIPTION_LINK_INVALID')) {
        count('unknown-token');
        log.info({ client: session.remoteAddress }, 'unsubscribe mail with an unknown token refused');
        throw smtpError(550, 'this unsubscribe token is not valid: use the link of your newest digest');
      }
      count('error');
      log.warn({ client: session.remoteAddress, error: messageOf(e) }, 'unsubscribe mail could not be processed; the sender will retry');
      throw smtpError(451, 'temporary failure, try again later');
    }
    count(outcome);
    log.info({ client: session.remoteAddress, outcome }, 'unsubscribed by mail');
    return outcome === 'unsubscribed' ? 'unsubscribed' : 'already unsubscribed';
  }

  const server = new SMTPServer({
    name: o.hostname,
    banner: 'unsubscribe mailbox only',
    size: o.maxBytes,
    rejectOversized: true,
    authOptional: true,
    disabledCommands: o.tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    ...(o.tls ? { key: o.tls.key, cert: o.tls.cert } : {}),
    // Reverse lookups of every client cost a DNS round trip and decide nothing here.
    disableReverseLookup: true,
    maxClients: 100,
    socketTimeout: 60_000,
    closeTimeout: 5_000,
    logger: false,
    onMailFrom(_address, session, cb) {
      if (!allowed(session.remoteAddress)) {
        count('rate-limited');
        return cb(smtpError(421, 'too many messages from your address, try again later'));
      }
      cb();
    },
    onRcptTo(address, session, cb) {
      if (!sameAddress(address.address, o.mailbox)) {
        count('refused-recipient');
        return cb(smtpError(550, `no such mailbox here: ${address.address}`));
      }
      if (session.envelope.rcptTo.length >= 1) return cb(smtpError(452, 'one recipient per message'));
      cb();
    },
    onData(stream, session, cb) {
      handle(stream, session).then(
        (message) => cb(null, message),
        (e: unknown) => {
          // Drain whatever is left so the connection can carry on with the next command.
          stream.resume();
          cb(e as Error);
        },
      );
    },
  });
  server.on('error', (e) => log.warn({ error: messageOf(e) }, 'inbound SMTP connection error'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(new AppError('CONFIG_INVALID', `INBOUND_SMTP_PORT is invalid: cannot listen on ${o.host}:${o.port} (${messageOf(e)})`, { cause: e })));
    server.listen(o.port, o.host, () => {
      resolve();
    });
  });
  const port = (server as unknown as { server: { address(): AddressInfo } }).server.address().port;
  log.info({ host: o.host, port, mailbox: o.mailbox, tls: Boolean(o.tls) }, 'listening for unsubscribe mail');
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/**
 * This node's listener (`serve`), when INBOUND_SMTP_PORT is set: unsubscribes through the app's
 * subscriptions service; outcomes counted in /metrics.
 */
export async function startInboundUnsubscribe(app: App): Promise<InboundListener | null> {
  const c = app.config.inboundSmtp;
  if (!c) return null;
  const name = 'paperboy_digest_inbound_total';
  const counter =
    (app.metrics.registry.getSingleMetric(name) as Counter<'outcome'> | undefined) ??
    new Counter({ name, help: 'Mail received by the unsubscribe listener on this node, by outcome', labelNames: ['outcome'] as const, registers: [app.metrics.registry] });
  const subs = subscriptions(app);
  return startInboundListener(
    { unsubscribe: (t) => subs.unsubscribe(t), log: app.log, count: (outcome) => counter.inc({ outcome }) },
    { ...c, mailbox: app.config.digestUnsubscribeMailbox },
  );
}

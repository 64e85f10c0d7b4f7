/**
 * Outgoing mail: one nodemailer transport per process, over `SMTP_URL`. Without SMTP the message is
 * written to the server log instead (a laptop instance still lets its owner sign in: the magic link
 * is in the log), and `configured` says so.
 *
 * Failures keep nodemailer's SMTP reply code (`responseCode`, e.g. 421 or 550) in the error's details,
 * so callers can tell a transient refusal (4xx, timeouts, dropped connections) from a permanent one (5xx).
 */
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import { AppError, messageOf } from '../errors.ts';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Extra headers (List-Unsubscribe, …); `From` comes from config unless given here. */
  headers?: Record<string, string>;
  from?: string;
  /** A fixed Message-ID (`<id@host>`), e.g. to make a retried send recognisable. */
  messageId?: string;
  /** The Date header (default: now). */
  date?: Date;
}

/** DKIM signing (nodemailer's signer): the d= domain, the s= selector, and the PEM private key. */
export interface DkimOptions {
  domainName: string;
  keySelector: string;
  privateKey: string;
}

export interface SentMail {
  messageId: string;
  /** The SMTP server's final reply, or `logged` when no SMTP is configured. */
  response: string;
}

export interface Mailer {
  /** True when SMTP_URL is set; false means messages only go to the log. */
  readonly configured: boolean;
  readonly from: string;
  /**
   * Send one message.
   * @throws AppError MAIL_FAILED with `details.responseCode` (SMTP code, when the server answered) and `details.transient`
   */
  send(msg: MailMessage): Promise<SentMail>;
  /**
   * Send a message rendered before (renderMessage, createRenderer) as it is, to `to`, with MAIL FROM
   * the `From` address of config; DKIM-signed here when configured. Fails like send().
   */
  sendRaw(msg: { to: string; raw: string | Buffer }): Promise<SentMail>;
  close(): void;
}

export interface MailerOptions {
  /** `smtp://user:pass@host:port` or `smtps://…`; undefined writes messages to the log. */
  smtpUrl: string | undefined;
  from: string;
  log: Logger;
  /** Keep a pool of SMTP connections open (bulk sending); one connection per message otherwise. */
  pool?: boolean;
  /** Largest number of pooled connections (nodemailer's maxConnections). */
  maxConnections?: number;
  /** Socket and greeting timeouts in ms (nodemailer's defaults are minutes). */
  timeoutMs?: number;
  /** Sign every message with DKIM (DKIM_* in config.ts). */
  dkim?: DkimOptions | undefined;
}

function nodemailerMessage(msg: MailMessage, from: string) {
  return {
    from: msg.from ?? from,
    to: msg.to,
    subject: msg.subject,
    text: msg.text,
    html: msg.html,
    headers: msg.headers,
    messageId: msg.messageId,
    date: msg.date,
  };
}

/**
 * The message exactly as it would go over SMTP (RFC 5322 text, CRLF line ends), DKIM-signed when
 * `dkim` is given: for previews (`paperboy digest preview --eml`) and spam-filter checks.
 */
export async function renderMessage(msg: MailMessage, o: { from: string; dkim?: DkimOptions | undefined }): Promise<Buffer> {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows', dkim: o.dkim });
  const info = await transport.sendMail(nodemailerMessage(msg, o.from));
  return info.message as Buffer;
}

/**
 * renderMessage for many messages: one stream transport, reused (creating a transport per message
 * costs more than rendering a small one). Unsigned: DKIM is the sending transport's, at send time,
 * so a key rotated between build and send signs with the new key.
 */
export function createRenderer(o: { from: string }): (msg: MailMessage) => Promise<Buffer> {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  return async (msg) => (await transport.sendMail(nodemailerMessage(msg, o.from))).message as Buffer;
}

/** The address of a `Name <addr>` or bare `addr` From, for the SMTP envelope. */
export function envelopeAddress(from: string): string {
  return (/<([^<>\s]+@[^<>\s]+)>\s*$/.exec(from.trim())?.[1] ?? from.trim());
}

export function createMailer(o: MailerOptions): Mailer {
  if (!o.smtpUrl) {
    return {
      configured: false,
      from: o.from,
      async send(msg) {
        const messageId = msg.messageId ?? `<${crypto.randomUUID()}@paperboy.local>`;
        // Documented behaviour (README, docs/community.md): with no SMTP the text part is logged so the
        // operator can follow a sign-in link. Never used when SMTP is configured.
        o.log.info({ mail: { to: msg.to, subject: msg.subject, messageId }, text: msg.text }, 'mail not sent (SMTP_URL is not set); its text follows');
        return { messageId, response: 'logged' };
      },
      async sendRaw(msg) {
        o.log.info({ mail: { to: msg.to, bytes: msg.raw.length } }, 'mail not sent (SMTP_URL is not set)');
        return { messageId: '', response: 'logged' };
      },
      close() {},
    };
  }
  const timeout = o.timeoutMs ?? 15_000;
  const url = new URL(o.smtpUrl);
  const transport = nodemailer.createTransport({
    host: url.hostname,
    port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
    secure: url.protocol === 'smtps:',
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    pool: o.pool ?? false,
    maxConnections: o.maxConnections ?? 5,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    dkim: o.dkim,
  } as Parameters<typeof nodemailer.createTransport>[0]);
  const sendVia = async (to: string, data: Parameters<typeof transport.sendMail>[0]): Promise<SentMail> => {
    try {
      const info = await transport.sendMail(data);
      return { messageId: String(info.messageId ?? ''), response: String(info.response ?? '') };
    } catch (e) {
      const responseCode = (e as { responseCode?: number }).responseCode;
      // No reply code means the connection failed or timed out: worth retrying, like a 4xx.
      const transient = responseCode === undefined || (responseCode >= 400 && responseCode < 500);
      throw new AppError('MAIL_FAILED', `mail to ${to} failed: ${messageOf(e)}`, { cause: e, details: { responseCode, transient } });
    }
  };
  const envelopeFrom = envelopeAddress(o.from);
  return {
    configured: true,
    from: o.from,
    send: (msg) => sendVia(msg.to, nodemailerMessage(msg, o.from)),
    sendRaw: (msg) => sendVia(msg.to, { envelope: { from: envelopeFrom, to: [msg.to] }, raw: msg.raw }),
    close() {
      transport.close();
    },
  };
}

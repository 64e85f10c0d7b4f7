/**
 * A real SMTP server on loopback (the `smtp-server` package) that keeps every message it accepts,
 * parsed with mailparser, for tests of anything that sends mail. No mock: nodemailer speaks SMTP to it.
 *
 * @example
 *   const smtp = await startSmtpServer();
 *   // … configure SMTP_URL: smtp.url, trigger a mail …
 *   const [m] = await smtp.waitFor(1);
 *   assert.match(m.text, /sign in/);
 *   await smtp.close();
 */
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';

export interface ReceivedMail {
  /** The envelope recipients (RCPT TO). */
  to: string[];
  from: string;
  /** The message exactly as it arrived (RFC 5322 text). */
  raw: string;
  parsed: ParsedMail;
  text: string;
  html: string;
  subject: string;
  /** A header by lower-case name, as text. */
  header(name: string): string | undefined;
}

export interface SmtpServerOptions {
  /**
   * Decide a recipient's fate: return an SMTP error (code and message) to refuse it, or null to accept.
   * @example (rcpt) => rcpt.endsWith('@bounce.test') ? { code: 550, message: 'no such user' } : null
   */
  refuseRecipient?: (rcpt: string, n: number) => { code: number; message: string } | null;
  /** Require AUTH with this user and password. */
  auth?: { user: string; pass: string };
  /**
   * Hold the `n`-th message's DATA (1-based, counting every DATA): read it, never reply. The client
   * waits; if it dies meanwhile the message is discarded, as an MTA does when a connection drops
   * before its final reply (RFC 5321 §4.1.1.4). Crash tests kill a sender mid-send with it.
   */
  holdData?: (n: number) => boolean;
}

export interface TestSmtpServer {
  port: number;
  /** An SMTP_URL for this server. */
  url: string;
  messages: ReceivedMail[];
  /**
   * Connection errors the server reported (a client reset mid-transaction: ECONNRESET). Kept, not
   * thrown: smtp-server emits them as 'error' events, and one with no listener ended the test process
   * (the crash test's killed sender, when the kernel reset its connection instead of closing it).
   */
  errors: Error[];
  /** Resolves with the messages once at least `n` arrived; rejects after `timeoutMs` (polling, no fixed sleep). */
  waitFor(n: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

export async function startSmtpServer(o: SmtpServerOptions = {}): Promise<TestSmtpServer> {
  const messages: ReceivedMail[] = [];
  let rcptCount = 0;
  let dataCount = 0;
  const server = new SMTPServer({
    // Plain SMTP on loopback: no STARTTLS offered, so nodemailer does not try to upgrade.
    disabledCommands: o.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !o.auth,
    allowInsecureAuth: true,
    logger: false,
    size: 10 * 1024 * 1024,
    onAuth(auth, _session, cb) {
      if (o.auth && auth.username === o.auth.user && auth.password === o.auth.pass) return cb(null, { user: auth.username });
      return cb(new Error('invalid credentials'));
    },
    onRcptTo(address, _session, cb) {
      rcptCount += 1;
      const refusal = o.refuseRecipient?.(address.address, rcptCount);
      if (refusal) {
        const err = new Error(refusal.message) as Error & { responseCode: number };
        err.responseCode = refusal.code;
        return cb(err);
      }
      return cb();
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, cb) {
      dataCount += 1;
      if (o.holdData?.(dataCount)) {
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw).then(
          (parsed) => {
            messages.push({
              to: session.envelope.rcptTo.map((r) => r.address),
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              raw,
              parsed,
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
              subject: parsed.subject ?? '',
              header: (name) => {
                const line = parsed.headerLines.find((h) => h.key === name.toLowerCase());
                return line ? line.line.slice(line.line.indexOf(':') + 1).trim() : undefined;
              },
            });
            cb();
          },
          (e: Error) => cb(e),
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const errors: Error[] = [];
  server.on('error', (e: Error) => void errors.push(e));
  const port = ((server as unknown as { server: { address(): AddressInfo } }).server.address()).port;
  const cred = o.auth ? `${encodeURIComponent(o.auth.user)}:${encodeURIComponent(o.auth.pass)}@` : '';
  return {
    port,
    url: `smtp://${cred}127.0.0.1:${port}`,
    messages,
    errors,
    async waitFor(n, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < n) {
        if (Date.now() > deadline) throw new Error(`expected ${n} messages on the test SMTP server, got ${messages.length} within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return messages;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

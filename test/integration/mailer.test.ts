import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { Writable } from 'node:stream';
import { createMailer } from '../../src/mail/mailer.ts';
import { isAppError } from '../../src/errors.ts';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.ts';

const quiet = pino({ level: 'silent' });

describe('mailer over real SMTP on loopback', () => {
  let smtp: TestSmtpServer;
  before(async () => {
    smtp = await startSmtpServer({
      auth: { user: 'mailer', pass: 'p@ss word' },
      refuseRecipient: (rcpt) =>
        rcpt.startsWith('busy@') ? { code: 451, message: 'try later' } : rcpt.startsWith('gone@') ? { code: 550, message: 'no such user' } : null,
    });
  });
  after(async () => smtp.close());

  it('delivers both parts and extra headers, authenticating with the URL credentials', async () => {
    const mailer = createMailer({ smtpUrl: smtp.url, from: 'Paperboy <papers@example.org>', log: quiet });
    const sent = await mailer.send({
      to: 'reader@example.org',
      subject: 'Sign in to Paperboy',
      text: 'Open https://papers.example.org/signin?t=abc',
      html: '<p>Open <a href="https://papers.example.org/signin?t=abc">this link</a></p>',
      headers: { 'List-Unsubscribe': '<https://papers.example.org/u/x>' },
    });
    assert.match(sent.messageId, /^<.+@.+>$/);
    const got = (await smtp.waitFor(1)).find((m) => m.subject === 'Sign in to Paperboy')!;
    assert.deepEqual(got.to, ['reader@example.org']);
    assert.equal(got.from, 'papers@example.org');
    assert.match(got.text, /signin\?t=abc/);
    assert.match(got.html, /<a href="https:\/\/papers.example.org\/signin\?t=abc">/);
    assert.equal(got.header('list-unsubscribe'), '<https://papers.example.org/u/x>');
    assert.equal(got.header('message-id'), sent.messageId);
    mailer.close();
  });

  it('tells a transient refusal (4xx) from a permanent one (5xx)', async () => {
    const mailer = createMailer({ smtpUrl: smtp.url, from: 'papers@example.org', log: quiet });
    for (const [to, code, transient] of [['busy@example.org', 451, true], ['gone@example.org', 550, false]] as const) {
      await assert.rejects(mailer.send({ to, subject: 's', text: 't' }), (e) => {
        assert.ok(isAppError(e, 'MAIL_FAILED'));
        assert.equal(e.details?.responseCode, code);
        assert.equal(e.details?.transient, transient);
        return true;
      });
    }
    mailer.close();
  });

  it('a server that is not there is a transient failure', async () => {
    const dead = await startSmtpServer();
    const url = dead.url;
    await dead.close();
    const mailer = createMailer({ smtpUrl: url, from: 'papers@example.org', log: quiet, timeoutMs: 2000 });
    await assert.rejects(mailer.send({ to: 'a@example.org', subject: 's', text: 't' }), (e) => isAppError(e, 'MAIL_FAILED') && e.details?.transient === true);
  });
});

describe('mailer without SMTP', () => {
  it('writes the message text to the log and says it is not configured', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'info' }, new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }));
    const mailer = createMailer({ smtpUrl: undefined, from: 'papers@example.org', log });
    assert.equal(mailer.configured, false);
    const sent = await mailer.send({ to: 'me@example.org', subject: 'Sign in', text: 'link: https://x/signin?t=1' });
    assert.equal(sent.response, 'logged');
    const entry = JSON.parse(lines.at(-1)!);
    assert.equal(entry.mail.to, 'me@example.org');
    assert.match(entry.text, /signin\?t=1/);
  });
});

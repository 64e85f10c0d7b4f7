/**
 * Unsubscribing by mail, on both engines: a digest goes through a real SMTP server on loopback, the
 * test reads its List-Unsubscribe mailto, and nodemailer sends that mail to the node's inbound
 * listener (a second real SMTP server, smtp-server, started by `startInboundUnsubscribe` as `serve`
 * does). The subscriber is unsubscribed before the 250; everything else is refused with the codes
 * a sending MTA acts on.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import nodemailer from 'nodemailer';
import pino from 'pino';
import type { App } from '../../../src/app.ts';
import { loadConfig } from '../../../src/config.ts';
import { startInboundListener, startInboundUnsubscribe, subjectToken, type InboundListener } from '../../../src/digest/inbound-unsubscribe.ts';
import { deliveryFor } from '../../../src/digest/outbox.service.ts';
import { subscriptions } from '../../../src/digest/subscriptions-app.ts';
import { createTestServer } from '../../helpers/server.ts';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.ts';
import { createTestDatabase, engineSkipReason, ENGINES, tempDir, type TestDatabase } from '../../helpers/stores.ts';
import { DIGEST_PAPERS } from '../../helpers/digest.ts';
import { addSubscribers } from '../../helpers/digest-mail.ts';

const FRIDAY = new Date('2026-08-21T09:00:00Z');

/** Send one message to the listener as a mail client's MTA would; the server's reply, or its refusal. */
async function mailTo(port: number, m: { to: string; subject: string; text?: string; from?: string }, tls?: { ca: string; servername: string }): Promise<{ code: number; response: string }> {
  const t = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ...(tls ? { requireTLS: true, tls } : { ignoreTLS: true }) });
  try {
    const info = await t.sendMail({ from: m.from ?? 'reader@example.org', to: m.to, subject: m.subject, text: m.text ?? 'Please unsubscribe me.' });
    return { code: Number(/^(\d{3})/.exec(String(info.response))?.[1]), response: String(info.response) };
  } catch (e) {
    const err = e as { responseCode?: number; response?: string; message: string };
    return { code: err.responseCode ?? 0, response: err.response ?? err.message };
  } finally {
    t.close();
  }
}

/** The mailto of a received List-Unsubscribe header, as a client reads it (RFC 6068). */
function mailtoOf(header: string): { to: string; subject: string } {
  const url = new URL(/<(mailto:[^>]+)>/.exec(header.replace(/\s+/g, ''))![1]!);
  return { to: decodeURIComponent(url.pathname), subject: url.searchParams.get('subject') ?? '' };
}

describe('subjectToken', () => {
  const token = randomBytes(32).toString('base64url');
  it('finds the token of the mailto subject, also after Re: or Fwd:, and nothing else', () => {
    assert.equal(subjectToken(`unsubscribe ${token}`), token);
    assert.equal(subjectToken(`Re: Unsubscribe ${token}`), token);
    assert.equal(subjectToken(`Fwd:unsubscribe  ${token}`), token);
    assert.equal(subjectToken('unsubscribe'), null);
    assert.equal(subjectToken(`unsubscribe ${token}x`), null, 'a longer word is no token');
    assert.equal(subjectToken(`please-unsubscribe ${token}`), null);
    assert.equal(subjectToken(undefined), null);
  });
});

for (const engine of ENGINES) {
  describe(`unsubscribe by mail [${engine}]`, async () => {
    const skip = await engineSkipReason(engine);
    let db: TestDatabase;
    let app: App;
    let close: () => Promise<void>;
    let smtp: TestSmtpServer;
    let inbound: InboundListener;

    before(async () => {
      if (skip) return;
      db = await createTestDatabase(engine);
      smtp = await startSmtpServer();
      ({ app, close } = await createTestServer(db.url, DIGEST_PAPERS, {
        SMTP_URL: smtp.url, MAIL_FROM: 'Paperboy <papers@papers.example.org>', INBOUND_SMTP_PORT: '0', INBOUND_SMTP_HOST: '127.0.0.1', INBOUND_SMTP_MAX_BYTES: '4096',
      }));
      inbound = (await startInboundUnsubscribe(app))!;
    });
    after(async () => {
      await inbound?.close();
      await close?.();
      await smtp?.close();
      await db?.dispose();
    });

    it("a digest's mailto, sent with nodemailer, unsubscribes at once; sending it again answers 250 again", { skip: skip ?? false, timeout: 120_000 }, async () => {
      const [id] = await addSubscribers(app, { n: 1, email: () => 'mailto@example.org' });
      const delivery = deliveryFor(app);
      assert.equal((await delivery.build('daily', FRIDAY)).written, 1);
      const sender = delivery.sender();
      await sender.drain();
      await sender.stop();
      const got = (await smtp.waitFor(1)).find((m) => m.to.includes('mailto@example.org'))!;
      const mailto = mailtoOf(got.header('list-unsubscribe')!);
      assert.equal(mailto.to, 'unsubscribe@papers.example.org');
      const manage = subscriptions(app).manageUrl((await subscriptions(app).byId(id!))!);

      const r = await mailTo(inbound.port, mailto);
      assert.equal(r.code, 250, r.response);
      assert.match(r.response, /unsubscribed/);
      const sub = (await subscriptions(app).byId(id!))!;
      assert.equal(sub.status, 'unsubscribed', 'before the 250');
      await assert.rejects(subscriptions(app).manage(manage.split('/').at(-1)!), { code: 'SUBSCRIPTION_LINK_REVOKED' });

      const again = await mailTo(inbound.port, { to: mailto.to.toUpperCase(), subject: `Re: ${mailto.subject}` });
      assert.equal(again.code, 250, again.response);
      assert.match(again.response, /already unsubscribed/);
    });

    it('refuses other recipients, mail without a token or with an unknown one, and oversized mail', { skip: skip ?? false, timeout: 60_000 }, async () => {
      const [id] = await addSubscribers(app, { n: 1, email: () => 'stays@example.org' });
      const sub = (await subscriptions(app).byId(id!))!;
      const { subject } = mailtoOf(`<${subscriptions(app).unsubscribeMailto(sub)}>`);

      const relay = await mailTo(inbound.port, { to: 'someone@elsewhere.example', subject });
      assert.equal(relay.code, 550, relay.response);
      assert.match(relay.response, /no such mailbox here/);
      const other = await mailTo(inbound.port, { to: 'postmaster@papers.example.org', subject });
      assert.equal(other.code, 550, other.response);

      const none = await mailTo(inbound.port, { to: 'unsubscribe@papers.example.org', subject: 'unsubscribe' });
      assert.equal(none.code, 550, none.response);
      assert.match(none.response, /no unsubscribe token/);
      const forged = await mailTo(inbound.port, { to: 'unsubscribe@papers.example.org', subject: `unsubscribe ${randomBytes(32).toString('base64url')}` });
      assert.equal(forged.code, 550, forged.response);
      assert.match(forged.response, /not valid/);

      const big = await mailTo(inbound.port, { to: 'unsubscribe@papers.example.org', subject, text: 'x'.repeat(8192) });
      assert.equal(big.code, 552, big.response);
      assert.equal((await subscriptions(app).byId(id!))!.status, 'active', 'none of them unsubscribed');

      // The same token within the size limit still works afterwards: the refusals left nothing behind.
      const ok = await mailTo(inbound.port, { to: 'unsubscribe@papers.example.org', subject });
      assert.equal(ok.code, 250, ok.response);
      assert.equal((await subscriptions(app).byId(id!))!.status, 'unsubscribed');
    });

    it('offers STARTTLS with INBOUND_SMTP_TLS_* files, and the mailto works over it', { skip: skip ?? false, timeout: 60_000 }, async () => {
      const dir = tempDir('paperboy-inbound-tls-');
      const [cert, key] = [path.join(dir, 'cert.pem'), path.join(dir, 'key.pem')];
      const name = 'mx.papers.example.org';
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=${name}`, '-addext', `subjectAltName=DNS:${name}`], { stdio: 'ignore' });
      const config = loadConfig({ INBOUND_SMTP_PORT: '0', INBOUND_SMTP_HOST: '127.0.0.1', INBOUND_SMTP_HOSTNAME: name, INBOUND_SMTP_TLS_CERT_FILE: cert, INBOUND_SMTP_TLS_KEY_FILE: key });
      const subs = subscriptions(app);
      const secure = await startInboundListener({ unsubscribe: (t) => subs.unsubscribe(t), log: pino({ level: 'silent' }) }, { ...config.inboundSmtp!, mailbox: 'unsubscribe@papers.example.org' });
      try {
        const [id] = await addSubscribers(app, { n: 1, email: () => 'tls@example.org' });
        const mailto = mailtoOf(`<${subs.unsubscribeMailto((await subs.byId(id!))!)}>`);
        const ca = fs.readFileSync(cert, 'utf8');
        const r = await mailTo(secure.port, mailto, { ca, servername: name });
        assert.equal(r.code, 250, r.response);
        assert.equal((await subs.byId(id!))!.status, 'unsubscribed');
        // The listener without certificates offers no STARTTLS: a client that requires it gives up.
        const plain = await mailTo(inbound.port, mailto, { ca, servername: name });
        assert.notEqual(plain.code, 250, plain.response);
      } finally {
        await secure.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('rate-limits each client address: 421 past the limit', { skip: skip ?? false, timeout: 60_000 }, async () => {
      const subs = subscriptions(app);
      const limited = await startInboundListener(
        { unsubscribe: (t) => subs.unsubscribe(t), log: pino({ level: 'silent' }) },
        { port: 0, host: '127.0.0.1', hostname: 'mx.papers.example.org', mailbox: 'unsubscribe@papers.example.org', maxBytes: 4096, perMinute: 2 },
      );
      try {
        const codes: number[] = [];
        for (let i = 0; i < 3; i++) codes.push((await mailTo(limited.port, { to: 'unsubscribe@papers.example.org', subject: 'unsubscribe' })).code);
        assert.deepEqual(codes, [550, 550, 421]);
      } finally {
        await limited.close();
      }
    });
  });
}

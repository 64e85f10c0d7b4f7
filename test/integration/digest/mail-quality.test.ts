/**
 * The digest as mail: what a real spam filter (SpamAssassin, local rules) scores it, whether its DKIM
 * signature verifies with a real verifier (dkimpy), and what arrives over SMTP on loopback.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { loadConfig } from '../../../src/config.ts';
import { isAppError } from '../../../src/errors.ts';
import { createMailer, renderMessage } from '../../../src/mail/mailer.ts';
import { sampleDigest, sampleLinks } from '../../helpers/digest-mail.ts';
import { dkimVerify, mailToolSkipReason, spamassassin } from '../../helpers/mail-clients.ts';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.ts';
import { tempDir } from '../../helpers/stores.ts';

const FROM = 'Paperboy <papers@papers.example.org>';
const quiet = pino({ level: 'silent' });
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
const dkimEnv = { DKIM_DOMAIN: 'papers.example.org', DKIM_SELECTOR: 'pb2026', DKIM_PRIVATE_KEY: privateKey };

describe('digest mail quality', () => {
  const saSkip = mailToolSkipReason('spamassassin');
  const dkimSkip = mailToolSkipReason('dkimpy');

  it('SpamAssassin (network tests off) scores a signed digest low', { skip: saSkip ?? false, timeout: 180_000 }, async () => {
    const config = loadConfig(dkimEnv);
    const raw = (await renderMessage(sampleDigest({ hostile: true }), { from: FROM, dkim: config.dkim })).toString('utf8');
    const r = await spamassassin(raw);
    console.log(`# SpamAssassin score ${r.score} (required ${r.required}); rules: ${r.rules.map((x) => `${x.name} ${x.points}`).join(', ') || 'none'}`);
    assert.ok(r.score < 2.0, `score ${r.score} is too high:\n${r.report}`);
    for (const bad of ['MISSING_MID', 'MISSING_DATE', 'MIME_HTML_ONLY', 'MPART_ALT_DIFF', 'HTML_MIME_NO_HTML_TAG', 'MIME_QP_LONG_LINE']) {
      assert.ok(!r.rules.some((x) => x.name === bad), `${bad} fired:\n${r.report}`);
    }
  });

  it('signs with DKIM from config, and dkimpy verifies the signature (and rejects a changed body)', { skip: dkimSkip ?? false, timeout: 60_000 }, async () => {
    const config = loadConfig(dkimEnv);
    const raw = (await renderMessage(sampleDigest(), { from: FROM, dkim: config.dkim })).toString('utf8');
    assert.match(raw, /^DKIM-Signature: v=1; a=rsa-sha256; c=relaxed\/relaxed; d=papers\.example\.org;/m);
    assert.match(raw, /\bs=pb2026;/);
    const v = await dkimVerify(raw, publicKey);
    assert.deepEqual({ ok: v.ok, domain: v.domain, selector: v.selector }, { ok: true, domain: 'papers.example.org', selector: 'pb2026' });
    const tampered = raw.replace('Trending papers', 'Trending popers');
    assert.equal((await dkimVerify(tampered, publicKey)).ok, false);
    const other = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
    assert.equal((await dkimVerify(raw, other.publicKey)).ok, false, 'a different key must not verify');
  });

  it('reads the DKIM key from DKIM_PRIVATE_KEY_FILE, and names the variable when DKIM settings are incomplete or wrong', () => {
    const dir = tempDir();
    try {
      const file = path.join(dir, 'dkim.pem');
      fs.writeFileSync(file, privateKey);
      const c = loadConfig({ DKIM_DOMAIN: 'example.org', DKIM_SELECTOR: 's1', DKIM_PRIVATE_KEY_FILE: file });
      assert.equal(c.dkim?.privateKey, privateKey);
      assert.equal(loadConfig({}).dkim, undefined);
      const bad = (env: Record<string, string>, name: RegExp) =>
        assert.throws(() => loadConfig(env), (e) => isAppError(e, 'CONFIG_INVALID') && name.test(e.message) && !e.message.includes(privateKey.slice(40, 80)));
      bad({ DKIM_DOMAIN: 'example.org' }, /^DKIM_SELECTOR is invalid/);
      bad({ DKIM_SELECTOR: 's1', DKIM_PRIVATE_KEY: privateKey }, /^DKIM_DOMAIN is invalid/);
      bad({ DKIM_DOMAIN: 'example.org', DKIM_SELECTOR: 's1' }, /^DKIM_PRIVATE_KEY is invalid/);
      bad({ DKIM_DOMAIN: 'example.org', DKIM_SELECTOR: 's1', DKIM_PRIVATE_KEY: 'not a key' }, /^DKIM_PRIVATE_KEY is invalid: not a PEM/);
      bad({ DKIM_DOMAIN: 'example.org', DKIM_SELECTOR: 's1', DKIM_PRIVATE_KEY_FILE: path.join(dir, 'missing.pem') }, /^DKIM_PRIVATE_KEY_FILE is invalid: cannot read/);
      // An env file often holds the key on one line with \n escapes.
      const oneLine = privateKey.replace(/\n/g, '\\n');
      assert.equal(loadConfig({ DKIM_DOMAIN: 'example.org', DKIM_SELECTOR: 's1', DKIM_PRIVATE_KEY: oneLine }).dkim?.privateKey, privateKey);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('over SMTP on loopback', () => {
    let smtp: TestSmtpServer;
    before(async () => {
      smtp = await startSmtpServer();
    });
    after(async () => smtp.close());

    it('arrives with its headers, both parts and its links, signed', { timeout: 60_000 }, async () => {
      const config = loadConfig(dkimEnv);
      const mailer = createMailer({ smtpUrl: smtp.url, from: FROM, log: quiet, pool: true, dkim: config.dkim });
      const m = sampleDigest({ hostile: true });
      await mailer.send({ ...m });
      mailer.close();
      const [got] = await smtp.waitFor(1);
      const links = sampleLinks();
      assert.equal(got!.header('message-id'), m.messageId);
      assert.equal(got!.parsed.date?.toISOString(), '2026-12-01T08:00:00.000Z');
      assert.equal(got!.header('from'), FROM);
      assert.equal(got!.subject, m.subject);
      assert.equal(got!.header('list-unsubscribe-post'), 'List-Unsubscribe=One-Click');
      assert.equal(got!.header('list-unsubscribe')!.replace(/\s+/g, ' '), `<${links.unsubscribe}>, <${links.unsubscribeMailto}>`);
      assert.match(got!.text, /1\. <think>Reasoning<\/think> & "quotes"/);
      assert.ok(got!.html.includes('&lt;think&gt;Reasoning&lt;/think&gt;'));
      const hrefs = [...got!.html.matchAll(/href="([^"]+)"/g)].map((x) => x[1]);
      assert.ok(hrefs.includes(links.unsubscribe) && hrefs.includes(links.manage) && hrefs.some((h) => h!.includes('/papers/')));
      if (!dkimSkip) assert.equal((await dkimVerify(got!.raw, publicKey)).ok, true, 'the signature survives the SMTP hop');
    });
  });
});

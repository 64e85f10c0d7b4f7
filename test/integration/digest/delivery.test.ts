/**
 * Digest delivery end to end on both engines, against a real SMTP server on loopback: build into the
 * outbox, send through the pooled transport, what arrives, retries of 4xx, bounces of 5xx and the
 * suspension they lead to, and an unsubscribe that overtakes a digest already built.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { App } from '../../../src/app.ts';
import { bounceScore } from '../../../src/digest/bounces.repo.ts';
import { deliveryFor, registerDigestGauges } from '../../../src/digest/outbox.service.ts';
import { insertBatch, statusCounts } from '../../../src/digest/outbox.repo.ts';
import { subscriptions } from '../../../src/digest/subscriptions-app.ts';
import { createTestServer } from '../../helpers/server.ts';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.ts';
import { createTestDatabase, engineSkipReason, ENGINES, type TestDatabase } from '../../helpers/stores.ts';
import { DIGEST_PAPERS } from '../../helpers/digest.ts';
import { addSubscribers, deliveriesByRecipient, sampleDigest } from '../../helpers/digest-mail.ts';

/** Friday 2026-08-21, 09:00 UTC: an hour after the test subscribers' send hour. */
const FRIDAY = new Date('2026-08-21T09:00:00Z');
const THURSDAY = new Date('2026-08-20T09:00:00Z');

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

for (const engine of ENGINES) {
  describe(`digest delivery [${engine}]`, async () => {
    const skip = await engineSkipReason(engine);
    let db: TestDatabase;
    let app: App;
    let server: FastifyInstance;
    let close: () => Promise<void>;
    let smtp: TestSmtpServer;
    /** Recipients the SMTP server refuses: address → replies in order (then it accepts). */
    const refusals = new Map<string, Array<{ code: number; message: string }>>();

    before(async () => {
      if (skip) return;
      db = await createTestDatabase(engine);
      smtp = await startSmtpServer({ refuseRecipient: (rcpt) => refusals.get(rcpt)?.shift() ?? null });
      const s = await createTestServer(db.url, DIGEST_PAPERS, { SMTP_URL: smtp.url, MAIL_FROM: 'Paperboy <papers@papers.example.org>', DIGEST_RETRY_BASE_MS: '20', DIGEST_SMTP_CONNECTIONS: '2' });
      ({ app, server, close } = s);
    });
    after(async () => {
      await close?.();
      await smtp?.close();
      await db?.dispose();
    });

    it('builds each digest once and sends it once, with its headers, both parts and links', { skip: skip ?? false, timeout: 120_000 }, async () => {
      const ids = await addSubscribers(app, { n: 3, email: (i) => `first${i}@example.org` });
      const delivery = deliveryFor(app);
      const built = await delivery.build('daily', FRIDAY);
      assert.equal(built.written, 3);
      assert.deepEqual({ ...(await delivery.build('daily', FRIDAY)), due: 0 }, { due: 0, written: 0, existing: 3, empty: 0 }, 'a second build is a no-op');
      const sender = delivery.sender();
      const r = await sender.drain();
      await sender.stop();
      assert.equal(r.sent, 3);
      const got = await smtp.waitFor(3);
      const per = deliveriesByRecipient(got);
      for (let i = 0; i < 3; i++) assert.equal(per.get(`first${i}@example.org`)?.length, 1);
      const m = got.find((x) => x.to[0] === 'first0@example.org')!;
      const sub = (await subscriptions(app).byId(ids[0]!))!;
      assert.equal(m.header('from'), 'Paperboy <papers@papers.example.org>');
      assert.match(m.subject, /^Paperboy: \d+ papers? for Friday 21 August 2026$/);
      assert.equal(m.header('list-unsubscribe-post'), 'List-Unsubscribe=One-Click');
      const unsubscribe = subscriptions(app).unsubscribeUrl(sub);
      assert.ok(unsubscribe.startsWith('https://papers.example.org/'));
      assert.ok(m.header('list-unsubscribe')!.replace(/\s+/g, '').startsWith(`<${unsubscribe}>,<mailto:`));
      assert.match(m.header('message-id')!, /^<digest\.[0-9a-f]{24}@papers\.example\.org>$/);
      assert.ok(m.parsed.date instanceof Date);
      assert.match(m.text, /Trending papers/);
      assert.match(m.text, /Sparse attention at scale/);
      assert.match(m.html, /<a class="pb-link" href="https:\/\/papers\.example\.org\/papers\/2608\.00002"/);
      assert.ok(m.html.includes(`href="${subscriptions(app).manageUrl(sub)}"`));
      const counts = await statusCounts(app.store.db, { period: 'daily', periodKey: '2026-08-21' });
      assert.equal(counts.sent, 3);
      // One-click unsubscribe straight from the received header (RFC 8058): one POST, no cookie, no redirect.
      const last = got.find((x) => x.to[0] === 'first2@example.org')!;
      const oneClick = /<(https:[^>]+)>/.exec(last.header('list-unsubscribe')!.replace(/\s+/g, ''))![1]!;
      const post = await server.inject({ method: 'POST', url: new URL(oneClick).pathname, payload: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      assert.equal(post.statusCode, 200, post.body);
      assert.equal(post.headers.location, undefined);
      assert.equal(post.headers['set-cookie'], undefined);
      assert.equal((await subscriptions(app).byId(ids[2]!))!.status, 'unsubscribed', 'at once');
      // Nothing is due twice: the next pass finds nothing to claim.
      const again = delivery.sender();
      assert.equal((await again.drain()).sent, 0);
      await again.stop();
    });

    it('retries a 4xx refusal with back-off and then delivers', { skip: skip ?? false, timeout: 60_000 }, async () => {
      await addSubscribers(app, { n: 1, email: () => 'busy@example.org' });
      refusals.set('busy@example.org', [{ code: 451, message: '4.3.0 try again later' }, { code: 450, message: '4.2.1 mailbox busy' }]);
      const delivery = deliveryFor(app);
      await delivery.build('daily', FRIDAY);
      const sender = delivery.sender();
      const seen = smtp.messages.length;
      let retried = 0;
      await until('the retried digest', async () => {
        const r = await sender.drain();
        retried += r.retried;
        return smtp.messages.slice(seen).some((x) => x.to.includes('busy@example.org'));
      });
      await sender.stop();
      assert.equal(retried, 2);
      assert.equal(deliveriesByRecipient(smtp.messages).get('busy@example.org')?.length, 1);
      assert.equal(await bounceScore(app.store.db, 'busy@example.org'), null, 'a retried 4xx is no bounce');
    });

    it('counts 5xx bounces per address and suspends at 4 points, with the reason on the subscription', { skip: skip ?? false, timeout: 60_000 }, async () => {
      const [hardId] = await addSubscribers(app, { n: 1, email: () => 'gone@example.org' });
      const [softId] = await addSubscribers(app, { n: 1, email: () => 'full@example.org' });
      const refuse = () => {
        refusals.set('gone@example.org', [{ code: 550, message: '5.1.1 <gone@example.org>: no such user' }]);
        refusals.set('full@example.org', [{ code: 552, message: '5.2.2 mailbox full' }]);
      };
      const delivery = deliveryFor(app);
      for (const day of [THURSDAY, FRIDAY]) {
        refuse();
        await delivery.build('daily', day);
        const sender = delivery.sender();
        await sender.drain();
        await sender.stop();
      }
      assert.deepEqual(await bounceScore(app.store.db, 'gone@example.org'), { email: 'gone@example.org', score: 4, soft: 0, hard: 2, suspendedAt: (await bounceScore(app.store.db, 'gone@example.org'))!.suspendedAt });
      const gone = (await subscriptions(app).byId(hardId!))!;
      assert.equal(gone.status, 'suspended');
      assert.match(gone.suspendedReason!, /bounced repeatedly .*550 5\.1\.1/);
      const full = (await subscriptions(app).byId(softId!))!;
      assert.equal((await bounceScore(app.store.db, 'full@example.org'))?.score, 2);
      assert.equal(full.status, 'active', 'two soft bounces do not suspend');
      // A suspended address gets no more digests: the next build does not even write one.
      await delivery.build('daily', new Date('2026-08-24T09:00:00Z'));
      const rows = await app.store.db.selectFrom('digest_outbox').select('period_key').where('subscriber_id', '=', hardId!).execute();
      assert.deepEqual(rows.map((r) => r.period_key).sort(), ['2026-08-20', '2026-08-21']);
      registerDigestGauges(app);
      const metrics = (await app.metrics.render()).body;
      assert.match(metrics, /paperboy_digest_suspended_total 1/);
      assert.match(metrics, /paperboy_digest_messages_total\{outcome="failed"\} [1-9]/);
      assert.match(metrics, /paperboy_digest_messages_total\{outcome="sent"\} [1-9]/);
      assert.match(metrics, /paperboy_digest_queue_depth 0/);
      assert.match(metrics, /paperboy_digest_suspended_addresses 1/);
    });

    it('does not send a built digest to someone who unsubscribed meanwhile', { skip: skip ?? false, timeout: 60_000 }, async () => {
      const [id] = await addSubscribers(app, { n: 1, email: () => 'leaving@example.org' });
      const delivery = deliveryFor(app);
      await delivery.build('daily', new Date('2026-08-25T09:00:00Z'));
      const sub = (await subscriptions(app).byId(id!))!;
      const token = subscriptions(app).unsubscribeUrl(sub).split('/').pop()!;
      assert.equal(await subscriptions(app).unsubscribe(token), 'unsubscribed');
      const sender = delivery.sender();
      const r = await sender.drain();
      await sender.stop();
      assert.ok(r.skipped >= 1);
      assert.equal(deliveriesByRecipient(smtp.messages).get('leaving@example.org'), undefined);
    });

    it('a digest left "sending" by a dead sender (the 250-to-"sent" window) goes out again with the same Message-ID', { skip: skip ?? false, timeout: 60_000 }, async () => {
      const [id] = await addSubscribers(app, { n: 1, email: () => 'window@example.org' });
      const delivery = deliveryFor(app);
      await delivery.build('daily', new Date('2026-08-27T09:00:00Z'));
      const row = await app.store.db.selectFrom('digest_outbox').select(['id', 'message_id']).where('subscriber_id', '=', id!).executeTakeFirstOrThrow();
      // As a sender killed right after the server's 250 leaves it: claimed, lease still running.
      const lease = (ms: number) => app.store.db.updateTable('digest_outbox').set({ status: 'sending', lease_owner: 'dead-node:1', lease_expires_at: new Date(Date.now() + ms).toISOString(), attempts: 1 }).where('id', '=', row.id).execute();
      await lease(60_000);
      const sender = delivery.sender();
      assert.equal((await sender.drain()).sent, 0, 'a live lease is never taken over');
      await lease(-1);
      assert.equal((await sender.drain()).sent, 1, 'an expired one is');
      await sender.stop();
      const got = smtp.messages.filter((m) => m.to.includes('window@example.org'));
      assert.equal(got.length, 1);
      assert.equal(got[0]!.header('message-id'), row.message_id, 'the resend is the same message');
    });

    it('sends the message rendered at build as it is, and composes a row built before migration 0023 from its parts', { skip: skip ?? false, timeout: 60_000 }, async () => {
      const [built, legacy] = await addSubscribers(app, { n: 2, email: (i) => `render${i}@example.org` });
      const delivery = deliveryFor(app);
      await delivery.build('daily', new Date('2026-08-28T09:00:00Z'));
      const stored = await app.store.db
        .selectFrom('digest_outbox').innerJoin('digest_messages', 'digest_messages.outbox_id', 'digest_outbox.id')
        .select(['digest_messages.raw', 'digest_outbox.html_body']).where('digest_outbox.subscriber_id', '=', built!).where('digest_outbox.period_key', '=', '2026-08-28')
        .executeTakeFirstOrThrow();
      assert.equal(stored.html_body, '', 'the parts live in the rendered message only');
      // A row as 0021 wrote them: parts in the row, no rendered message.
      const m = sampleDigest({ email: 'render1@example.org', periodKey: '2026-08-28' });
      const ours = await app.store.db.selectFrom('digest_outbox').select('id').where('subscriber_id', '=', legacy!).where('period_key', '=', '2026-08-28').executeTakeFirstOrThrow();
      await app.store.db.deleteFrom('digest_messages').where('outbox_id', '=', ours.id).execute();
      await app.store.db.deleteFrom('digest_outbox').where('id', '=', ours.id).execute();
      const written = await insertBatch(app.store.db, [{ subscriberId: legacy!, period: 'daily', periodKey: '2026-08-28', email: m.to, messageId: m.messageId, subject: m.subject, text: m.text, html: m.html, headers: m.headers, arxivIds: m.arxivIds, date: m.date }], [], new Date());
      assert.equal(written.size, 1);
      const sender = delivery.sender();
      await sender.drain();
      await sender.stop();
      const rendered = smtp.messages.find((x) => x.to.includes('render0@example.org'))!;
      assert.equal(rendered.raw.replace(/\r?\n$/, ''), stored.raw.replace(/\r?\n$/, ''), 'the bytes rendered at build are the bytes received');
      const composed = smtp.messages.find((x) => x.to.includes('render1@example.org'))!;
      assert.equal(composed.header('message-id'), m.messageId);
      assert.equal(composed.header('list-unsubscribe-post'), 'List-Unsubscribe=One-Click');
      assert.match(composed.text, /Trending papers/);
      assert.match(composed.html, /pb-card/);
    });

    it('pauses when no SMTP server answers, without counting bounces', { skip: skip ?? false, timeout: 60_000 }, async () => {
      await addSubscribers(app, { n: 2, email: (i) => `outage${i}@example.org` });
      const dead = await startSmtpServer();
      await dead.close();
      const s2 = await createTestServer(db.url, [], { SMTP_URL: dead.url, DIGEST_RETRY_BASE_MS: '20', DIGEST_LEASE_MS: '5000' });
      try {
        const delivery = deliveryFor(s2.app);
        await delivery.build('daily', new Date('2026-08-26T09:00:00Z'));
        const sender = delivery.sender({ concurrency: 1 });
        const r = await sender.drain();
        await sender.stop();
        assert.ok(r.paused, 'the drain stops at the first unreachable server');
        assert.equal(r.sent, 0);
        assert.equal(await bounceScore(s2.app.store.db, 'outage0@example.org'), null);
        assert.ok((await statusCounts(s2.app.store.db)).pending >= 2, 'the digests wait, none lost');
      } finally {
        await s2.close();
      }
      // Back on the working server they go out.
      const delivery = deliveryFor(app);
      const sender = delivery.sender();
      await until('the delayed digests', async () => {
        await sender.drain();
        const per = deliveriesByRecipient(smtp.messages);
        return per.get('outage0@example.org') && per.get('outage1@example.org');
      });
      await sender.stop();
    });
  });
}

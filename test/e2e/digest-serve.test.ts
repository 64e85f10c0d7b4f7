/**
 * `paperboy serve` delivers digests on its own: the digest-build job (once across nodes) writes the
 * due digests to the outbox, the node's sender sends them over SMTP, /metrics counts them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestServer } from '../helpers/server.ts';
import { startNode, type NodeProcess } from '../helpers/nodes.ts';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.ts';
import { createTestDatabase, engineSkipReason, ENGINES, tempDir, type TestDatabase } from '../helpers/stores.ts';
import { DIGEST_PAPERS } from '../helpers/digest.ts';
import { addSubscribers, deliveriesByRecipient } from '../helpers/digest-mail.ts';

for (const engine of ENGINES) {
  describe(`serve sends digests [${engine}]`, async () => {
    const skip = await engineSkipReason(engine);
    let db: TestDatabase;
    let smtp: TestSmtpServer;
    let node: NodeProcess | undefined;
    before(async () => {
      if (skip) return;
      db = await createTestDatabase(engine);
      smtp = await startSmtpServer();
      // Migrate, load papers and add subscribers due from midnight UTC every day, then close: the node does the rest.
      const s = await createTestServer(db.url, DIGEST_PAPERS);
      await addSubscribers(s.app, { n: 3, email: (i) => `served${i}@example.org`, sendHour: 0, searches: [] });
      await s.close();
    });
    after(async () => {
      await node?.kill();
      await smtp?.close();
      await db?.dispose();
    });

    it('builds on its schedule and sends each subscriber one digest', { skip: skip ?? false, timeout: 180_000 }, async () => {
      node = await startNode({
        DATABASE_URL: db.url,
        DATA_DIR: tempDir('paperboy-digest-serve-'),
        LOG_FORMAT: 'json',
        BASE_URL: 'https://papers.example.org',
        SMTP_URL: smtp.url,
        JOBS: 'digest-build=1s',
        DIGEST_SEND_POLL_MS: '200',
        DIGEST_DAILY_DAYS: 'mon-sun',
      }, 120_000);
      await smtp.waitFor(3, 120_000);
      const per = deliveriesByRecipient(smtp.messages);
      for (let i = 0; i < 3; i++) assert.equal(per.get(`served${i}@example.org`)?.length, 1);
      assert.match(smtp.messages[0]!.text, /Trending papers/);
      const deadline = Date.now() + 30_000;
      let metrics = '';
      while (!/paperboy_digest_messages_total\{outcome="sent"\} 3/.test(metrics) && Date.now() < deadline) {
        metrics = await (await fetch(`${node.url}/metrics`)).text();
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.match(metrics, /paperboy_digest_messages_total\{outcome="sent"\} 3/);
      assert.match(metrics, /paperboy_digest_queue_depth 0/);
      // Later builds of the same day write nothing new: after two more runs of the job, still one each.
      const runs = () => node!.logs.filter((l) => l.job === 'digest-build' && l.msg === 'job run done').length;
      const seen = runs();
      const until = Date.now() + 60_000;
      while (runs() < seen + 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      assert.ok(runs() >= seen + 2, 'the job ran again');
      assert.equal(smtp.messages.length, 3);
      assert.equal(await node.kill('SIGTERM'), 0);
      node = undefined;
    });
  });
}

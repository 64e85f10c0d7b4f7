/**
 * Two `paperboy serve` processes on one PostgreSQL: members signed in by magic link (read from a
 * loopback SMTP server) toggle the same paper through both nodes at once; the count is exact, and
 * both nodes show it within a few fold periods.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { upsertPapers } from '../../src/catalog/papers.repo.ts';
import { migrate, openStore, type Store } from '../../src/store/db.ts';
import { waitForMail } from '../helpers/community.ts';
import { signInOverHttp, type HttpSession } from '../helpers/http-session.ts';
import { startNode, type NodeProcess } from '../helpers/nodes.ts';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.ts';
import { createTestDatabase, engineSkipReason, tempDir, type TestDatabase } from '../helpers/stores.ts';

const PAPER = '2608.20001';

describe('votes across two app nodes on one PostgreSQL', async () => {
  const skip = await engineSkipReason('postgres');
  if (skip) {
    it('needs PostgreSQL', { skip }, () => {});
    return;
  }
  let db: TestDatabase;
  let store: Store;
  let smtp: TestSmtpServer;
  let nodes: NodeProcess[] = [];

  before(async () => {
    db = await createTestDatabase('postgres');
    store = openStore(db.url, { poolSize: 2 });
    await migrate(store);
    await upsertPapers(store, [{ arxivId: PAPER, title: 'A paper to vote on', abstract: 'x', dailyDate: '2026-08-24', upvotes: 40, source: 'test' }]);
    smtp = await startSmtpServer();
    const env = { DATABASE_URL: db.url, DATA_DIR: tempDir(), SMTP_URL: smtp.url, COUNTS_FOLD_MS: '200', LOG_LEVEL: 'warn' };
    nodes = await Promise.all([startNode(env), startNode(env)]);
  });
  after(async () => {
    await Promise.all(nodes.map((n) => n.kill()));
    await store?.close();
    await smtp?.close();
    await db?.dispose();
  });

  it('concurrent toggles through both nodes end in exactly the right count, shown by both', async () => {
    const link = /\/signin\/link\?token=([A-Za-z0-9_-]+)/;
    const members: HttpSession[] = [];
    for (let i = 0; i < 5; i++) {
      const email = `voter${i}@example.org`;
      const seen = smtp.messages.length;
      // Sign in on one node; the session is in the database, so the other node knows it too.
      members.push(await signInOverHttp(nodes[i % 2]!.url, email, async () => link.exec((await waitForMail(smtp, email, seen, link)).text)![1]!));
    }
    const toggles = [3, 4, 5, 6, 9];
    const results = await Promise.all(
      members.flatMap((m, i) =>
        Array.from({ length: toggles[i]! }, (_, k) => m.postJson(`${nodes[k % 2]!.url}/votes`, { paper: PAPER, vote: 'toggle' })),
      ),
    );
    assert.ok(results.every((r) => r.status === 200), results.map((r) => `${r.status} ${r.body.slice(0, 100)}`).join('\n'));
    const expected = 40 + toggles.filter((n) => n % 2 === 1).length;
    const exact = await store.db.selectFrom('votes').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(exact.n) + 40, expected);
    const deadline = Date.now() + 5000;
    for (const node of nodes) {
      for (;;) {
        const shown = ((await (await fetch(`${node.url}/api/papers/${PAPER}`)).json()) as { upvotes: number }).upvotes;
        if (shown === expected) break;
        assert.ok(Date.now() < deadline, `node ${node.port} shows ${shown}, expected ${expected}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });
});

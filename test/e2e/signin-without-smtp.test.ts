/**
 * A `paperboy serve` process with no SMTP_URL (a laptop instance): asking for a sign-in link writes the
 * message, link included, to the server log, and that link signs the owner in (issue 12, item 1: "with no
 * SMTP configured the link is printed in the server log"). The link is read from the process's own log
 * lines, as an operator would read them, on both engines.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { signInOverHttp } from '../helpers/http-session.ts';
import { startNode, type NodeProcess } from '../helpers/nodes.ts';
import { createMigratedDatabase, engineSkipReason, ENGINES, tempDir, type TestDatabase } from '../helpers/stores.ts';

const LINK = /\/signin\/link\?token=([A-Za-z0-9_-]+)/;

for (const engine of ENGINES) {
  describe(`sign-in without SMTP: the link is in the server log [${engine}]`, async () => {
    const skip = await engineSkipReason(engine);
    if (skip) {
      it('needs PostgreSQL', { skip }, () => {});
      return;
    }
    let db: TestDatabase;
    let node: NodeProcess;
    before(async () => {
      db = await createMigratedDatabase(engine);
      assert.equal(process.env.SMTP_URL, undefined, 'this test needs SMTP_URL unset');
      node = await startNode({ DATABASE_URL: db.url, DATA_DIR: tempDir() });
    });
    after(async () => {
      await node?.kill();
      await db?.dispose();
    });

    it('the logged message carries the link, and following it signs in', async () => {
      const email = 'laptop-owner@example.org';
      const session = await signInOverHttp(node.url, email, async () => {
        const deadline = Date.now() + 10_000;
        for (;;) {
          const entry = node.logs.find((l) => (l.mail as { to?: string } | undefined)?.to === email && LINK.test(String(l.text)));
          if (entry) {
            assert.match(String(entry.msg), /SMTP_URL is not set/);
            return LINK.exec(String(entry.text))![1]!;
          }
          assert.ok(Date.now() < deadline, `no logged mail to ${email}: ${JSON.stringify(node.logs.slice(-3)).slice(0, 500)}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      });
      const me = await fetch(`${node.url}/api/me`, { headers: { cookie: [...session.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
      assert.equal(me.status, 200);
    });
  });
}

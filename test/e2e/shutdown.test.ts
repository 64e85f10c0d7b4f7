/**
 * Graceful shutdown of a real `paperboy serve` process: SIGTERM while a request is in flight stops new
 * connections at once, lets the request finish with its full answer, then exits 0. The request is made
 * slow for real: the test holds an exclusive lock on the papers table in PostgreSQL until it lets go.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { upsertPapers } from '../../src/catalog/papers.repo.ts';
import { startNode, type NodeProcess } from '../helpers/nodes.ts';
import { createMigratedDatabase, engineSkipReason, tempDir, type TestDatabase } from '../helpers/stores.ts';

describe('graceful shutdown', async () => {
  const skip = await engineSkipReason('postgres');
  if (skip) {
    it('needs PostgreSQL', { skip }, () => {});
    return;
  }
  let db: TestDatabase;
  let node: NodeProcess;

  before(async () => {
    db = await createMigratedDatabase('postgres', (store) =>
      upsertPapers(store, [{ arxivId: '2401.00001', title: 'Slow paper', categories: ['cs.CL'], publishedAt: '2024-01-01T00:00:00Z', source: 'test' }]),
    );
    node = await startNode({ DATABASE_URL: db.url, DATA_DIR: tempDir() });
  });
  after(async () => {
    await node?.kill('SIGKILL');
    await db?.dispose();
  });

  it('finishes the in-flight request after SIGTERM, refuses new connections, then exits 0', async () => {
    const locker = new pg.Client({ connectionString: db.url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE papers IN ACCESS EXCLUSIVE MODE');
      const slow = fetch(`${node.url}/api/categories/cs.CL/papers`);
      // Wait until the request is in flight for real: its statement waits on the lock in PostgreSQL
      // (while it is still being parsed, pg_stat_activity shows the connection's previous query text).
      const waiting = async () =>
        Number((await locker.query("select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()")).rows[0].n);
      for (const until = Date.now() + 10_000; (await waiting()) === 0; ) {
        assert.ok(Date.now() < until, 'the request never reached the database');
        await new Promise((r) => setTimeout(r, 20));
      }
      node.proc.kill('SIGTERM');
      // New connections are refused once the server has stopped listening; until then poll.
      const refused = async () => fetch(`${node.url}/healthz`).then(() => false, () => true);
      for (const until = Date.now() + 10_000; !(await refused()); ) {
        assert.ok(Date.now() < until, 'new connections still accepted 10 s after SIGTERM');
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.equal(node.proc.exitCode, null, 'the process waits for the in-flight request');
      await locker.query('COMMIT');
      const res = await slow;
      assert.equal(res.status, 200);
      const body = (await res.json()) as { items: Array<{ paper: { id: string } }> };
      assert.deepEqual(body.items.map((p) => p.paper.id), ['2401.00001']);
      assert.equal(await node.exited, 0);
      assert.ok(node.logs.some((l) => l.msg === 'shut down cleanly'), 'logs the clean shutdown');
    } finally {
      await locker.end();
    }
  });
});

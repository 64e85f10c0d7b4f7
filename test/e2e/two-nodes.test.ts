/**
 * Two `paperboy serve` processes on one fresh PostgreSQL database: a paper ingested through the CLI is
 * served by both within 5 s, and a scheduled job registered on both runs once per period.
 * (Upvotes do not exist yet; when they do, this test gains "upvoted through one, visible through the other".)
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { openStore, type Store } from '../../src/store/db.ts';
import { startNode, type NodeProcess } from '../helpers/nodes.ts';
import { createTestDatabase, engineSkipReason, tempDir, type TestDatabase } from '../helpers/stores.ts';

const run = promisify(execFile);

describe('two app nodes on one PostgreSQL', async () => {
  const skip = await engineSkipReason('postgres');
  if (skip) {
    it('needs PostgreSQL', { skip }, () => {});
    return;
  }
  let db: TestDatabase;
  let nodes: NodeProcess[] = [];
  let store: Store;
  const dataDir = tempDir();

  before(async () => {
    db = await createTestDatabase('postgres');
    // The first node migrates; starting both at once also exercises concurrent start-up.
    const env = { DATABASE_URL: db.url, DATA_DIR: dataDir, JOBS: 'prune-job-runs=1s,db-optimize=off' };
    nodes = await Promise.all([startNode(env), startNode(env)]);
    store = openStore(db.url, { poolSize: 2 });
  });
  after(async () => {
    await Promise.all(nodes.map((n) => n.kill()));
    await store?.close();
    await db?.dispose();
  });

  it('a paper ingested through the CLI is visible through both nodes within 5 s', async () => {
    const env = { ...process.env, DATABASE_URL: db.url, DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
    const started = Date.now();
    await run(process.execPath, ['bin/paperboy.js', 'ingest', 'jsonl', path.resolve('test/fixtures/papers.jsonl'), '--json'], { env });
    for (const node of nodes) {
      for (;;) {
        const r = await fetch(`${node.url}/api/categories/stat.ML/papers`);
        const body = (await r.json()) as { items: Array<{ paper: { id: string } }> };
        if (body.items.some((p) => p.paper.id === '2405.12345')) break;
        assert.ok(Date.now() - started < 5000, `node on port ${node.port} did not show the paper within 5 s`);
        await new Promise((res) => setTimeout(res, 100));
      }
    }
  });

  it('a job registered on both nodes runs once per period', async () => {
    // Wait (polling, with a deadline) until several one-second periods have run, then stop both nodes
    // gracefully so every run has finished and every log line is flushed before comparing logs with the table.
    const runs = () => new Set(nodes.flatMap((n) => n.logs.filter((l) => l.msg === 'job run done' && l.job === 'prune-job-runs').map((l) => String(l.period)))).size;
    for (const until = Date.now() + 15_000; runs() < 3; ) {
      assert.ok(Date.now() < until, `only ${runs()} periods ran within 15 s`);
      await new Promise((res) => setTimeout(res, 100));
    }
    assert.deepEqual(await Promise.all(nodes.map((n) => n.kill('SIGTERM'))), [0, 0]);
    const started = nodes.flatMap((n, i) =>
      n.logs.filter((l) => l.msg === 'job run started' && l.job === 'prune-job-runs').map((l) => ({ period: String(l.period), node: i })),
    );
    const periods = started.map((s) => s.period);
    assert.ok(periods.length >= 3, `only ${periods.length} runs`);
    assert.equal(new Set(periods).size, periods.length, `a period ran twice: ${JSON.stringify(started)}`);
    const rows = await store.db.selectFrom('job_runs').selectAll().where('job', '=', 'prune-job-runs').execute();
    assert.deepEqual(new Set(rows.map((r) => r.period)), new Set(periods));
    assert.ok(rows.every((r) => r.attempts === 1 && r.status === 'done'), JSON.stringify(rows));
  });
});

/**
 * A sick database never hangs a request. PostgreSQL: the test's own cluster, frozen (SIGSTOP) and then
 * stopped; SQLite: another process holding an exclusive lock. Each answer is checked against its
 * deadline: pages a 503 page and the API a 503 JSON with Retry-After, /healthz 200, /readyz 503,
 * /metrics still answering with paperboy_database_up 0; the follower backs off and logs once per change
 * of state; everything recovers without a restart.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { createApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { upsertPapers } from '../../src/catalog/papers.repo.ts';
import { isAppError } from '../../src/errors.ts';
import { ingest } from '../../src/ingest/pipeline.ts';
import { readJsonl } from '../../src/ingest/jsonl.ts';
import { buildServer } from '../../src/web/server.ts';
import { clusterSkipReason, startCluster, type PgCluster } from '../helpers/pg-cluster.ts';
import { FIXTURE } from '../helpers/server.ts';
import { tempDir } from '../helpers/stores.ts';

/** How long the frozen database is watched before checking the log holds one line per change of state. */
const OBSERVE_MS = 1500;

/** Timeouts the apps under test run with (the defaults are 3 s / 5 s / 5 s). */
const TIMEOUTS = { DB_CONNECT_TIMEOUT_MS: '1000', DB_STATEMENT_TIMEOUT_MS: '1000', DB_BUSY_TIMEOUT_MS: '500' };

interface Node {
  app: App;
  server: FastifyInstance;
  logs: Array<Record<string, unknown>>;
}

async function startApp(databaseUrl: string): Promise<Node> {
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({ write(c, _e, cb) { for (const l of String(c).split('\n').filter(Boolean)) logs.push(JSON.parse(l)); cb(); } });
  const app = await createApp(loadConfig({ DATABASE_URL: databaseUrl, DATA_DIR: tempDir(), RATE_LIMITS: 'off', ...TIMEOUTS }), { log: pino({ level: 'info' }, sink) });
  await ingest(app.store, 'jsonl', readJsonl([FIXTURE]));
  await app.search.syncOnce();
  app.search.start(100);
  const server = await buildServer(app);
  await server.ready();
  return { app, server, logs };
}

/** Request `url` and check it answers within `ms`. */
async function within(server: FastifyInstance, url: string, ms: number) {
  const started = performance.now();
  const r = await server.inject({ url, headers: { accept: url.startsWith('/api/') ? 'application/json' : 'text/html' } });
  const took = performance.now() - started;
  assert.ok(took < ms, `${url} took ${Math.round(took)} ms (deadline ${ms} ms)`);
  return r;
}

async function assertSick(server: FastifyInstance) {
  // Cached pages may still be served for the seq cache's freshness window (250 ms), then 503.
  let page = await within(server, '/', 3500);
  for (const until = Date.now() + 1000; page.statusCode === 200 && Date.now() < until; ) {
    await new Promise((r) => setTimeout(r, 50));
    page = await within(server, '/', 3500);
  }
  assert.equal(page.statusCode, 503);
  assert.match(String(page.headers['content-type']), /^text\/html/);
  assert.match(page.body, /The database is not answering right now/);
  assert.equal(page.headers['retry-after'], '5');
  const api = await within(server, '/api/daily_papers', 3500);
  assert.equal(api.statusCode, 503);
  assert.deepEqual(api.json(), { error: 'The database is not answering right now; try again in 5 seconds.', code: 'DB_UNAVAILABLE', statusCode: 503 });
  assert.equal(api.headers['retry-after'], '5');
  assert.equal((await within(server, '/api/search?q=graph', 3500)).statusCode, 503);
  assert.equal((await within(server, '/papers/2405.12345', 3500)).statusCode, 503);
  const health = await within(server, '/healthz', 500);
  assert.equal(health.statusCode, 200);
  const ready = await within(server, '/readyz', 3000);
  assert.equal(ready.statusCode, 503);
  assert.equal((ready.json() as { database: string }).database, 'unreachable');
  const metrics = await within(server, '/metrics', 4000);
  assert.equal(metrics.statusCode, 200);
  assert.match(metrics.body, /^paperboy_database_up 0$/m);
  assert.match(metrics.body, /^paperboy_catalog_seq \d+$/m, 'catalog gauges keep their last value');
}

async function assertRecovers(server: FastifyInstance, deadlineMs: number) {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const r = await server.inject('/readyz');
    if (r.statusCode === 200) break;
    assert.ok(Date.now() < until, `not ready again within ${deadlineMs} ms: ${r.body}`);
    await new Promise((res) => setTimeout(res, 100));
  }
  assert.equal((await server.inject('/')).statusCode, 200);
  assert.equal((await server.inject('/api/daily_papers')).statusCode, 200);
  assert.match((await server.inject('/metrics')).body, /^paperboy_database_up 1$/m);
}

function count(logs: Array<Record<string, unknown>>, msg: string | RegExp): number {
  return logs.filter((l) => (typeof msg === 'string' ? l.msg === msg : msg.test(String(l.msg)))).length;
}

describe('a sick PostgreSQL', async () => {
  const skip = clusterSkipReason();
  if (skip) {
    it('needs initdb', { skip }, () => {});
    return;
  }
  let cluster: PgCluster;
  let node: Node;
  before(async () => {
    cluster = await startCluster();
    node = await startApp(await cluster.createDatabase('paperboy'));
  });
  after(async () => {
    await cluster?.thaw().catch(() => {});
    await node?.server.close();
    await node?.app.close();
    await cluster?.destroy();
  });

  it('healthy to begin with', async () => {
    assert.equal((await node.server.inject('/readyz')).statusCode, 200);
    assert.match((await node.server.inject('/metrics')).body, /^paperboy_database_up 1$/m);
  });

  it('frozen (SIGSTOP): every answer within its deadline; then recovers without a restart', async () => {
    await cluster.freeze();
    try {
      await assertSick(node.server);
      // An observation window, not a wait for an event: the follower polls every 100 ms, so by now it
      // has failed many times — and the log must still say so once.
      await new Promise((r) => setTimeout(r, OBSERVE_MS));
      await assertSick(node.server);
    } finally {
      await cluster.thaw();
    }
    await assertRecovers(node.server, 10_000);
  });

  it('stopped: the same answers, faster; started again: recovers without a restart', async () => {
    await cluster.stop();
    try {
      await assertSick(node.server);
    } finally {
      await cluster.start();
    }
    await assertRecovers(node.server, 10_000);
  });

  it('logs each change of state once, not once per failed query or poll', () => {
    assert.equal(count(node.logs, 'database unreachable; answering 503 until it is back'), 2, 'one per outage');
    assert.equal(count(node.logs, 'database reachable again'), 2);
    const failing = count(node.logs, /^search index sync failing/);
    assert.ok(failing >= 1 && failing <= 2, `the follower logged failing ${failing} times`);
    assert.ok(count(node.logs, 'search index sync works again') >= 1);
    assert.equal(node.logs.filter((l) => l.level === 50).length, 0, `no error-level lines: ${JSON.stringify(node.logs.filter((l) => l.level === 50)).slice(0, 500)}`);
  });
});

describe('a busy SQLite (another process holds the write lock)', () => {
  let node: Node;
  let file: string;
  before(async () => {
    file = path.join(tempDir(), 'busy.db');
    node = await startApp(`sqlite:${file}`);
  });
  after(async () => {
    await node?.server.close();
    await node?.app.close();
  });

  it('a write gives up after the busy timeout with DB_UNAVAILABLE; reads and /readyz go on (WAL); then the write works', async () => {
    const locker = new SQLite(file);
    locker.pragma('busy_timeout = 5000');
    locker.exec('BEGIN IMMEDIATE');
    try {
      const started = performance.now();
      await assert.rejects(
        upsertPapers(node.app.store, [{ arxivId: '2401.09999', title: 'Blocked', source: 'test' }]),
        (e: unknown) => isAppError(e, 'DB_UNAVAILABLE') && /SQLITE_BUSY/.test((e as Error).message) && (e as Error).message.includes(file),
      );
      const took = performance.now() - started;
      assert.ok(took >= 400 && took < 2000, `gave up after ${Math.round(took)} ms (busy timeout 500 ms)`);
      assert.equal((await within(node.server, '/', 1000)).statusCode, 200);
      assert.equal((await within(node.server, '/readyz', 1000)).statusCode, 200);
    } finally {
      locker.exec('COMMIT');
      locker.close();
    }
    const r = await upsertPapers(node.app.store, [{ arxivId: '2401.09999', title: 'Not blocked', source: 'test' }]);
    assert.equal(r.inserted, 1);
    assert.equal(count(node.logs, 'database unreachable; answering 503 until it is back'), 1);
    assert.equal(count(node.logs, 'database reachable again'), 1);
  });
});

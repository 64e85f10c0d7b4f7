/**
 * Named rate limits: each limit answers 429 RATE_LIMITED with Retry-After and RateLimit headers once
 * a client is over it; routes of one name share a count; a route can opt in with its own client key;
 * with REDIS_URL two nodes share one count (real Redis, own key prefix), without it each node counts alone.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { buildServer } from '../../src/web/server.ts';
import { redisPrefix, redisSkipReason, REDIS_URL } from '../helpers/redis.ts';
import { createTestServer } from '../helpers/server.ts';
import { createTestDatabase, tempDir, type TestDatabase } from '../helpers/stores.ts';

type Server = { app: App; server: FastifyInstance; close: () => Promise<void> };

async function exhaust(server: FastifyInstance, url: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const r = await server.inject(url);
    assert.ok(r.statusCode < 400, `${url} answered ${r.statusCode} on request ${i + 1} of ${n}: ${r.body.slice(0, 200)}`);
  }
}

function assert429(r: { statusCode: number; headers: Record<string, unknown>; body: string }, name: string, max: number) {
  assert.equal(r.statusCode, 429);
  const retry = Number(r.headers['retry-after']);
  assert.ok(retry >= 1 && retry <= 60, `Retry-After ${r.headers['retry-after']}`);
  assert.equal(r.headers['ratelimit-limit'], String(max));
  assert.equal(r.headers['ratelimit-remaining'], '0');
  assert.ok(Number(r.headers['ratelimit-reset']) >= 1);
  assert.equal(r.headers['ratelimit-policy'], `${max};w=60`);
  void name;
}

describe('rate limits (per node)', () => {
  let db: TestDatabase;
  let t: Server;
  before(async () => {
    db = await createTestDatabase('sqlite');
    t = await createTestServer(db.url, [], { RATE_LIMITS: 'search=3/1m,api=4/1m,feeds=2/1m' });
  });
  after(async () => {
    await t?.close();
    await db?.dispose();
  });

  it('search: 429 in the API error shape with Retry-After and RateLimit headers; the page gets the HTML error page', async () => {
    await exhaust(t.server, '/api/search?q=graph', 3);
    const api = await t.server.inject('/api/search?q=graph');
    assert429(api, 'search', 3);
    const body = api.json() as { error: string; code: string; statusCode: number };
    assert.deepEqual(Object.keys(body).sort(), ['code', 'error', 'statusCode']);
    assert.equal(body.code, 'RATE_LIMITED');
    assert.equal(body.statusCode, 429);
    assert.match(body.error, /3 search requests per minute/);
    // The other search routes share the count: switching route does not buy more.
    const page = await t.server.inject('/search?q=graph');
    assert429(page, 'search', 3);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    assert.match(page.body, /Slow down/);
    assert.equal((await t.server.inject('/api/papers/search?q=graph')).statusCode, 429);
    assert.equal((await t.server.inject('/feeds/search.atom?q=graph')).statusCode, 429);
  });

  it('api: the JSON API has its own count, untouched by search', async () => {
    const first = await t.server.inject('/api/trending');
    assert.equal(first.statusCode, 200);
    assert.equal(first.headers['ratelimit-remaining'], '3');
    await exhaust(t.server, '/api/daily_papers', 3);
    assert429(await t.server.inject('/api/categories/cs.CL/papers'), 'api', 4);
  });

  it('feeds: limited per client too', async () => {
    await exhaust(t.server, '/feeds/daily.rss', 2);
    assert429(await t.server.inject('/feeds/trending.atom'), 'feeds', 2);
  });

  it('pages, health and metrics are not limited', async () => {
    for (const url of ['/', '/healthz', '/readyz', '/metrics', '/static/paperboy.css']) {
      const r = await t.server.inject(url);
      assert.equal(r.headers['ratelimit-limit'], undefined, url);
    }
  });

  it('another client address has its own count', async () => {
    const r = await t.server.inject({ url: '/api/search?q=graph', remoteAddress: '192.0.2.9' });
    assert.equal(r.statusCode, 200);
    assert.equal(r.headers['ratelimit-remaining'], '2');
  });
});

describe('rate limits: configuration and opting in', () => {
  let db: TestDatabase;
  const servers: Server[] = [];
  before(async () => {
    db = await createTestDatabase('sqlite');
  });
  after(async () => {
    for (const s of servers) await s.close();
    await db?.dispose();
  });

  it('a limit switched off in RATE_LIMITS sends no RateLimit headers and never answers 429', async () => {
    const t = await createTestServer(db.url, [], { RATE_LIMITS: 'search=off,api=1/1m' });
    servers.push(t);
    await exhaust(t.server, '/api/search?q=graph', 5);
    assert.equal((await t.server.inject('/api/search?q=graph')).headers['ratelimit-limit'], undefined);
    await exhaust(t.server, '/api/trending', 1);
    assert.equal((await t.server.inject('/api/trending')).statusCode, 429);
  });

  it('a route opts in with a named limit and its own client key (per account, not per IP)', async () => {
    const app = await createApp(loadConfig({ DATABASE_URL: db.url, DATA_DIR: tempDir(), LOG_LEVEL: 'silent', RATE_LIMITS: 'api=2/1m' }));
    const server = await buildServer(app);
    server.post('/api/test-votes', { schema: { hide: true }, config: { limit: { name: 'api', key: (req) => String(req.headers['x-user']), hook: 'preHandler' } } }, async () => ({ ok: true }));
    await server.ready();
    servers.push({ app, server, close: async () => { await server.close(); await app.close(); } });
    const vote = (user: string, ip = '127.0.0.1') => server.inject({ method: 'POST', url: '/api/test-votes', headers: { 'x-user': user }, remoteAddress: ip, payload: {} });
    assert.equal((await vote('ada')).statusCode, 200);
    assert.equal((await vote('ada', '192.0.2.1')).statusCode, 200);
    const third = await vote('ada', '192.0.2.2');
    assert.equal(third.statusCode, 429, 'the account is over its limit whatever address it comes from');
    assert.equal((third.json() as { code: string }).code, 'RATE_LIMITED');
    assert.equal((await vote('grace')).statusCode, 200, 'another account has its own count');
  });

  it('a bad RATE_LIMITS stops start-up with one line naming it', () => {
    for (const v of ['search=lots', 'nope=1/1m', 'search=10/1y', 'search']) {
      assert.throws(() => loadConfig({ RATE_LIMITS: v }), (e: Error) => e.message.startsWith('RATE_LIMITS is invalid') && !e.message.includes('\n'), v);
    }
  });
});

describe('rate limits shared through Redis by two nodes', async () => {
  const skip = await redisSkipReason();
  if (skip) {
    it('needs Redis', { skip }, () => {});
    return;
  }
  let db: TestDatabase;
  const servers: Server[] = [];
  const { prefix, cleanup } = redisPrefix();
  before(async () => {
    db = await createTestDatabase('sqlite');
  });
  after(async () => {
    for (const s of servers) await s.close();
    await cleanup();
    await db?.dispose();
  });
  const node = async (env: Record<string, string>, waitForRedis = true) => {
    const t = await createTestServer(db.url, [], { RATE_LIMITS: 'api=5/1m', ...env });
    servers.push(t);
    if (t.app.redis && waitForRedis) {
      const deadline = Date.now() + 5000;
      while (t.app.redis.status !== 'ready') {
        assert.ok(Date.now() < deadline, `redis status ${t.app.redis.status}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    return t.server;
  };

  it('one client’s requests count once across both nodes', async () => {
    const env = { REDIS_URL, REDIS_PREFIX: prefix };
    const [a, b] = [await node(env), await node(env)];
    const seen: string[] = [];
    for (const s of [a, b, a, b, a]) {
      const r = await s.inject('/api/trending');
      assert.equal(r.statusCode, 200);
      seen.push(String(r.headers['ratelimit-remaining']));
    }
    assert.deepEqual(seen, ['4', '3', '2', '1', '0']);
    assert.equal((await b.inject('/api/trending')).statusCode, 429);
    assert.equal((await a.inject('/api/trending')).statusCode, 429);
    // The count is in Redis under the prefix (and nowhere else).
    const { Redis } = await import('ioredis');
    const r = new Redis(REDIS_URL);
    try {
      const keys = await r.keys(`${prefix}*`);
      assert.deepEqual(keys, [`${prefix}ratelimit:api:127.0.0.1`]);
      assert.equal(await r.get(keys[0]!), '7');
      assert.ok((await r.pttl(keys[0]!)) > 0, 'the window expires');
    } finally {
      r.disconnect();
    }
  });

  it('without REDIS_URL each node counts alone', async () => {
    const [a, b] = [await node({}), await node({})];
    await exhaust(a, '/api/trending', 5);
    assert.equal((await a.inject('/api/trending')).statusCode, 429);
    assert.equal((await b.inject('/api/trending')).statusCode, 200);
  });

  it('an unreachable Redis lets requests through instead of failing them', async () => {
    const s = await node({ REDIS_URL: 'redis://127.0.0.1:1', REDIS_PREFIX: prefix }, false);
    for (let i = 0; i < 7; i++) assert.equal((await s.inject('/api/trending')).statusCode, 200);
  });
});

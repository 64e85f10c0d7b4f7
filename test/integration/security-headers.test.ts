/**
 * Security headers on every kind of answer (pages, API, feeds, static files, errors), HSTS only for
 * an https site, and TRUST_PROXY: X-Forwarded-For is ignored unless the proxy is trusted.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../helpers/stores.ts';
import { createTestServer } from '../helpers/server.ts';

const URLS = ['/', '/papers/2405.12345', '/search?q=graph', '/api/trending', '/feeds/daily.atom', '/static/paperboy.css', '/docs', '/nope', '/api/nope'];

describe('security headers', () => {
  let db: TestDatabase;
  let https: { server: FastifyInstance; close: () => Promise<void> };
  let plain: { server: FastifyInstance; close: () => Promise<void> };
  before(async () => {
    db = await createTestDatabase('sqlite');
    https = await createTestServer(db.url, [], { BASE_URL: 'https://papers.example.org' });
    plain = await createTestServer(db.url, [], { BASE_URL: 'http://localhost:3000' });
  });
  after(async () => {
    await https?.close();
    await plain?.close();
    await db?.dispose();
  });

  for (const url of URLS) {
    it(`a strict Content-Security-Policy on ${url}`, async () => {
      const r = await https.server.inject(url);
      const csp = String(r.headers['content-security-policy']);
      const d = Object.fromEntries(csp.split(';').map((p) => p.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
      assert.deepEqual(d['default-src'], ["'self'"]);
      assert.deepEqual(d['script-src'], ["'self'"], 'no inline or remote script');
      // Swagger UI's one run-time <style> is allowed on /docs by its hash (never 'unsafe-inline').
      if (url === '/docs') assert.match(d['style-src']!.slice(1).join(' '), /^('sha256-[A-Za-z0-9+/=]+')?$/);
      assert.deepEqual(url === '/docs' ? d['style-src']!.slice(0, 1) : d['style-src'], ["'self'"], 'no inline or remote style');
      assert.deepEqual(d['script-src-attr'], ["'none'"], 'no on…= handlers');
      assert.deepEqual(d['style-src-attr'], ["'none'"], 'no style= attributes');
      assert.deepEqual(d['frame-ancestors'], ["'none'"]);
      assert.deepEqual(d['object-src'], ["'none'"]);
      assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'), csp);
    });
  }

  it('X-Content-Type-Options: nosniff on every kind of answer', async () => {
    for (const url of URLS) assert.equal((await https.server.inject(url)).headers['x-content-type-options'], 'nosniff', url);
  });

  it('framing is refused (frame-ancestors and X-Frame-Options for old browsers)', async () => {
    for (const url of URLS) assert.equal((await https.server.inject(url)).headers['x-frame-options'], 'DENY', url);
  });

  it('Referrer-Policy sends other sites the origin only', async () => {
    for (const url of URLS) assert.equal((await https.server.inject(url)).headers['referrer-policy'], 'strict-origin-when-cross-origin', url);
  });

  it('HSTS when BASE_URL is https, and not when it is http', async () => {
    assert.equal((await https.server.inject('/')).headers['strict-transport-security'], 'max-age=31536000');
    assert.equal((await plain.server.inject('/')).headers['strict-transport-security'], undefined);
    assert.doesNotMatch(String((await plain.server.inject('/')).headers['content-security-policy']), /upgrade-insecure-requests/);
  });

  it('the same headers on answers written before any hook ran (a malformed URL)', async () => {
    const r = await https.server.inject('/papers/%E0%A4%A');
    assert.equal(r.statusCode, 400);
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    assert.equal(r.headers['x-frame-options'], 'DENY');
    assert.match(String(r.headers['content-security-policy']), /frame-ancestors 'none'/);
    assert.equal(r.headers['strict-transport-security'], 'max-age=31536000');
  });

  it('rendered pages hold no inline script, inline style, style= attribute or on…= handler', async () => {
    for (const url of ['/', '/papers/2405.12345', '/search?q=graph', '/feeds', '/nope', '/docs']) {
      const body = (await https.server.inject(url)).body;
      assert.doesNotMatch(body, /<script(?![^>]*\ssrc=)[^>]*>/i, `${url}: inline <script>`);
      assert.doesNotMatch(body, /<style[\s>]/i, `${url}: inline <style>`);
      assert.doesNotMatch(body, /\sstyle\s*=/i, `${url}: style= attribute`);
      assert.doesNotMatch(body, /\son[a-z]+\s*=/i, `${url}: on…= handler`);
    }
  });
});

describe('TRUST_PROXY', () => {
  let db: TestDatabase;
  const servers: Array<{ server: FastifyInstance; close: () => Promise<void> }> = [];
  before(async () => {
    db = await createTestDatabase('sqlite');
  });
  after(async () => {
    for (const s of servers) await s.close();
    await db?.dispose();
  });
  const start = async (env: Record<string, string>) => {
    const s = await createTestServer(db.url, [], { RATE_LIMITS: 'api=100/1m', ...env });
    servers.push(s);
    return s.server;
  };
  // Which client a request counts as shows in its rate-limit bucket: a new client starts at 99 left.
  const remaining = async (server: FastifyInstance, xff?: string) =>
    Number((await server.inject({ url: '/api/trending', headers: xff ? { 'x-forwarded-for': xff } : {} })).headers['ratelimit-remaining']);

  it('is off by default: X-Forwarded-For cannot pick another client bucket', async () => {
    const server = await start({});
    assert.equal(await remaining(server, '203.0.113.1'), 99);
    assert.equal(await remaining(server, '203.0.113.2'), 98, 'the forged address is ignored; the socket address counts');
    assert.equal(await remaining(server), 97);
  });

  it('a hop count believes that many proxies', async () => {
    const server = await start({ TRUST_PROXY: '1' });
    assert.equal(await remaining(server, '203.0.113.1'), 99);
    assert.equal(await remaining(server, '203.0.113.2'), 99, 'a second client behind the proxy has its own bucket');
    // Only the nearest hop is believed: an address the client put in front is not.
    assert.equal(await remaining(server, '198.51.100.7, 203.0.113.2'), 98);
  });

  it('a CIDR list believes only proxies inside it', async () => {
    const trusted = await start({ TRUST_PROXY: '127.0.0.0/8,::1' });
    assert.equal(await remaining(trusted, '203.0.113.1'), 99);
    assert.equal(await remaining(trusted, '203.0.113.2'), 99);
    const elsewhere = await start({ TRUST_PROXY: '10.0.0.0/8' });
    assert.equal(await remaining(elsewhere, '203.0.113.1'), 99);
    assert.equal(await remaining(elsewhere, '203.0.113.2'), 98, 'inject() comes from 127.0.0.1, outside 10.0.0.0/8');
  });
});

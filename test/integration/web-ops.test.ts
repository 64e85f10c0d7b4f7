import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../helpers/stores.ts';
import { createTestServer } from '../helpers/server.ts';

/**
 * Routes deliberately left out of the OpenAPI document: HTML pages (not an API), the CORS preflight
 * handler (@fastify/cors answers OPTIONS for every path), and Swagger UI's own pages under /docs.
 */
// HTML pages and static assets are for people, not API clients: they stay out of the OpenAPI document.
const HIDDEN = new Set(['GET /feeds', 'OPTIONS {*}', 'GET /', 'GET /papers', 'GET /papers/{*}', 'GET /static/{*}', 'GET /search', 'GET /similar', 'GET /favicon.ico']);
// Community pages and their forms (HTML; the JSON API beside them is documented).
for (const r of ['GET /signin', 'POST /signin', 'GET /signin/link', 'POST /signin/link', 'POST /signin/password', 'POST /signout', 'POST /signout/everywhere',
  'GET /settings', 'POST /settings/profile', 'POST /settings/password', 'POST /settings/tokens', 'POST /settings/tokens/revoke', 'POST /votes',
  'POST /comments', 'GET /comments/{id}/edit', 'POST /comments/{id}/edit', 'POST /comments/{id}/delete', 'POST /comments/{id}/report', 'GET /comments/{id}/history',
  'GET /users/{handle}', 'GET /settings/export.json', 'POST /settings/delete', 'GET /submit', 'POST /submit',
  'GET /moderation', 'POST /moderation/comments/{id}/hide', 'POST /moderation/comments/{id}/dismiss', 'POST /moderation/comments', 'POST /moderation/threads', 'POST /moderation/users', 'GET /moderation/log']) HIDDEN.add(r);
// Trending and digest subscription pages (HTML and signed links; docs/digests.md).
for (const r of ['GET /trending', 'GET /subscribe', 'POST /subscribe', 'GET /subscribe/confirm/{token}', 'POST /subscribe/confirm/{token}', 'GET /subscribe/manage/{token}', 'POST /subscribe/manage/{token}',
  'POST /subscribe/manage/{token}/unsubscribe', 'GET /unsubscribe/{token}', 'POST /unsubscribe/{token}', 'GET /subscribe/feed/{file}',
  'POST /settings/digest', 'POST /settings/digest/unsubscribe']) HIDDEN.add(r);

// Collection pages and their forms (HTML; /api/collections… is documented).
for (const r of ['GET /collections', 'POST /collections', 'GET /collections/add', 'POST /collections/add', 'GET /collections/{key}', 'POST /collections/{key}/edit',
  'POST /collections/{key}/delete', 'POST /collections/{key}/items/remove', 'POST /collections/{key}/items/move', 'POST /collections/{key}/items/note']) HIDDEN.add(r);
// Authors (author pages, claim forms, moderators' claim and paper forms): HTML; their JSON API is documented.
for (const r of ['GET /authors/{name}', 'POST /claims', 'POST /claims/{id}/withdraw', 'POST /claims/{id}/hide', 'POST /claims/{id}/show',
  'POST /moderation/claims/{id}/verify', 'POST /moderation/claims/{id}/reject', 'POST /moderation/papers']) HIDDEN.add(r);

describe('operations and API conventions', () => {
  let db: TestDatabase;
  let server: FastifyInstance;
  let close: () => Promise<void>;
  before(async () => {
    db = await createTestDatabase('sqlite');
    ({ server, close } = await createTestServer(db.url));
  });
  after(async () => {
    await close();
    await db.dispose();
  });

  it('the OpenAPI document lists every registered route (except the named HTML and docs routes)', async () => {
    const doc = (await server.inject('/docs/json')).json() as { openapi: string; paths: Record<string, Record<string, unknown>> };
    assert.match(doc.openapi, /^3\./);
    const documented = new Set(Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)));
    const table = server.routeTable;
    assert.ok(table.length > 10);
    for (const r of table) {
      // @fastify/swagger writes `:name` as `{name}` and a trailing wildcard as `{*}`.
      const key = `${r.method} ${r.url.replace(/:([A-Za-z_]+)/g, '{$1}').replace(/\*$/, '{*}')}`;
      if (r.hidden) {
        assert.ok(HIDDEN.has(key) || r.url.startsWith('/docs'), `${key} is hidden from the docs without a reason`);
      } else {
        assert.ok(documented.has(key), `${key} is missing from the OpenAPI document`);
      }
    }
    for (const k of ['GET /metrics', 'GET /api/trending', 'GET /api/export', 'GET /feeds/category/{file}', 'GET /healthz', 'GET /readyz']) assert.ok(documented.has(k), k);
  });

  it('serves the interactive docs and their assets from the package (no CDN)', async () => {
    const page = await server.inject('/docs');
    assert.equal(page.statusCode, 200);
    assert.doesNotMatch(page.body, /https?:\/\/(?!localhost)[^"']*\.(js|css)/);
    const js = await server.inject('/docs/static/swagger-ui-bundle.js');
    assert.equal(js.statusCode, 200);
    assert.ok(js.body.length > 100_000);
  });

  it('echoes a plain x-request-id and replaces a dangerous one', async () => {
    const r1 = await server.inject({ url: '/healthz', headers: { 'x-request-id': 'abc-123' } });
    assert.equal(r1.headers['x-request-id'], 'abc-123');
    const r2 = await server.inject({ url: '/healthz', headers: { 'x-request-id': 'x\n{"forged":1}' } });
    assert.match(String(r2.headers['x-request-id']), /^[0-9a-f-]{36}$/);
  });

  it('allows cross-origin GETs on /api/* only', async () => {
    const api = await server.inject({ url: '/api/trending', headers: { origin: 'https://elsewhere.example' } });
    assert.equal(api.headers['access-control-allow-origin'], '*');
    const pre = await server.inject({ method: 'OPTIONS', url: '/api/trending', headers: { origin: 'https://x.example', 'access-control-request-method': 'GET' } });
    assert.equal(pre.statusCode, 204);
    assert.match(String(pre.headers['access-control-allow-methods']), /GET/);
    const page = await server.inject({ url: '/feeds', headers: { origin: 'https://elsewhere.example' } });
    assert.equal(page.headers['access-control-allow-origin'], undefined);
  });

  it('answers a matching If-None-Match with 304 and no body', async () => {
    const r = await server.inject('/feeds/daily.atom');
    const tag = r.headers.etag;
    assert.ok(tag);
    const again = await server.inject({ url: '/feeds/daily.atom', headers: { 'if-none-match': String(tag) } });
    assert.equal(again.statusCode, 304);
    assert.equal(again.body, '');
  });

  it('feeds are gzipped for clients that accept it, with their own ETag', async () => {
    const plain = await server.inject('/feeds/daily.rss');
    const gz = await server.inject({ url: '/feeds/daily.rss', headers: { 'accept-encoding': 'gzip, deflate' } });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.equal(gz.headers.vary, 'accept-encoding');
    assert.equal(gunzipSync(gz.rawPayload).toString('utf8'), plain.body);
    assert.notEqual(gz.headers.etag, plain.headers.etag);
    const again = await server.inject({ url: '/feeds/daily.rss', headers: { 'accept-encoding': 'gzip', 'if-none-match': String(gz.headers.etag) } });
    assert.equal(again.statusCode, 304);
  });

  it('the daily page is sent as prepared brotli, gzip or plain bytes by Accept-Encoding, each with its own ETag', async () => {
    const plain = await server.inject('/');
    assert.equal(plain.statusCode, 200);
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.match(String(plain.headers['content-type']), /^text\/html/);
    const br = await server.inject({ url: '/', headers: { 'accept-encoding': 'gzip, deflate, br' } });
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(brotliDecompressSync(br.rawPayload).toString('utf8'), plain.body);
    const gz = await server.inject({ url: '/', headers: { 'accept-encoding': 'br;q=0, gzip' } });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(gz.rawPayload).toString('utf8'), plain.body);
    assert.equal(new Set([plain.headers.etag, br.headers.etag, gz.headers.etag]).size, 3);
    const again = await server.inject({ url: '/', headers: { 'accept-encoding': 'br', 'if-none-match': String(br.headers.etag) } });
    assert.equal(again.statusCode, 304);
    assert.equal(again.body, '');
  });

  it('/metrics exposes request latency by route and status, and catalog gauges', async () => {
    await server.inject('/api/trending');
    await server.inject('/api/trending?limit=0');
    await server.inject('/api/search?q=graph');
    const m = await server.inject('/metrics');
    assert.match(String(m.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    assert.match(m.body, /paperboy_http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/api\/trending",status_code="200"\} \d+/);
    assert.match(m.body, /paperboy_http_request_duration_seconds_count\{method="GET",route="\/api\/trending",status_code="400"\} 1/);
    assert.match(m.body, /paperboy_catalog_seq 5/);
    assert.match(m.body, /paperboy_catalog_papers\{source="hf-daily"\} 2/);
    assert.match(m.body, /paperboy_job_runs_total/);
    assert.match(m.body, /paperboy_search_duration_seconds_count\{mode="keyword"\} 1/);
    assert.match(m.body, /paperboy_search_index_lag 0/);
    assert.match(m.body, /paperboy_search_vectors_pending 0/);
    assert.match(m.body, /paperboy_event_loop_delay_seconds\{quantile="0\.99"\} [\d.e+-]+/);
  });
});

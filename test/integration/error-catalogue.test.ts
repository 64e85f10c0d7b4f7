/**
 * One error catalogue, enforced: every error answer — ours and Fastify's own — is `{error, code,
 * statusCode}` with a catalogue code on the API and the HTML error page on pages, and is logged at the
 * level it deserves (expected answers without a stack).
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { createApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { AppError, ERROR_CODES, type ErrorCode } from '../../src/errors.ts';
import { buildServer } from '../../src/web/server.ts';
import { createTestDatabase, tempDir, type TestDatabase } from '../helpers/stores.ts';

type Res = { statusCode: number; headers: Record<string, unknown>; body: string };

function assertJsonError(r: Res, code: ErrorCode) {
  assert.match(String(r.headers['content-type']), /^application\/json/, r.body);
  const body = JSON.parse(r.body) as Record<string, unknown>;
  assert.deepEqual(Object.keys(body).sort(), ['code', 'error', 'statusCode'], r.body);
  assert.equal(body.code, code, r.body);
  assert.equal(body.statusCode, ERROR_CODES[code]);
  assert.equal(r.statusCode, ERROR_CODES[code]);
  assert.ok(typeof body.error === 'string' && body.error.length > 0);
}

function assertHtmlError(r: Res, status: number) {
  assert.equal(r.statusCode, status);
  assert.match(String(r.headers['content-type']), /^text\/html/);
  assert.match(r.body, /<section class="error">/);
  assert.match(r.body, /<link rel="stylesheet" href="\/static\/paperboy.css">/);
}

describe('error catalogue', () => {
  let db: TestDatabase;
  let app: App;
  let server: FastifyInstance;
  const logs: Array<Record<string, unknown>> = [];
  before(async () => {
    db = await createTestDatabase('sqlite');
    const sink = new Writable({ write(chunk, _enc, cb) { for (const l of String(chunk).split('\n').filter(Boolean)) logs.push(JSON.parse(l)); cb(); } });
    app = await createApp(loadConfig({ DATABASE_URL: db.url, DATA_DIR: tempDir(), BASE_URL: 'https://papers.example.org' }), { log: pino({ level: 'info' }, sink) });
    server = await buildServer(app);
    // Routes that exist only here: a JSON body, a bug, and each catalogue code thrown as an AppError.
    server.post('/api/test-body', { schema: { hide: true, body: { type: 'object', properties: { n: { type: 'integer' } } } }, bodyLimit: 1024 }, async (req) => req.body);
    server.get('/api/test-bug', { schema: { hide: true } }, async () => {
      throw new Error('secret internals at /srv/x.ts:12');
    });
    server.get<{ Params: { code: string } }>('/api/test-throw/:code', { schema: { hide: true } }, async (req) => {
      throw new AppError(req.params.code as ErrorCode, `thrown ${req.params.code}`);
    });
    server.get<{ Params: { code: string } }>('/test-throw/:code', { schema: { hide: true } }, async (req) => {
      throw new AppError(req.params.code as ErrorCode, `thrown ${req.params.code}`);
    });
    await server.ready();
  });
  after(async () => {
    await server?.close();
    await app?.close();
    await db?.dispose();
  });

  for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
    it(`${code}: ${ERROR_CODES[code]} in the catalogue's shape (JSON on the API, the error page on pages)`, async () => {
      assertJsonError(await server.inject(`/api/test-throw/${code}`), code);
      const page = await server.inject(`/test-throw/${code}`);
      assertHtmlError(page, ERROR_CODES[code]);
      // A database outage is told without the database's address (the log has it).
      assert.match(page.body, code === 'DB_UNAVAILABLE' ? /The database is not answering right now/ : new RegExp(`thrown ${code}`));
      if (ERROR_CODES[code] === 503) assert.equal(page.headers['retry-after'], '5');
    });
  }

  it('NOT_FOUND: an unknown path', async () => {
    assertJsonError(await server.inject('/api/nope'), 'NOT_FOUND');
    assertHtmlError(await server.inject('/nope'), 404);
    assertJsonError(await server.inject({ url: '/nope', headers: { accept: 'application/json' } }), 'NOT_FOUND');
  });

  it('METHOD_NOT_ALLOWED: another method on a known path answers 405 with Allow', async () => {
    const r = await server.inject({ method: 'DELETE', url: '/api/trending' });
    assertJsonError(r, 'METHOD_NOT_ALLOWED');
    assert.equal(r.headers.allow, 'GET, HEAD');
    const page = await server.inject({ method: 'POST', url: '/papers/2405.12345' });
    assertHtmlError(page, 405);
    assert.equal(page.headers.allow, 'GET, HEAD');
    assert.equal((await server.inject({ method: 'PUT', url: '/api/test-body' })).headers.allow, 'POST');
  });

  it('PAYLOAD_TOO_LARGE: a body over the route’s limit', async () => {
    const r = await server.inject({ method: 'POST', url: '/api/test-body', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ s: 'x'.repeat(5000) }) });
    assertJsonError(r, 'PAYLOAD_TOO_LARGE');
  });

  it('INVALID_JSON: a body that does not parse, and an empty one announced as JSON', async () => {
    assertJsonError(await server.inject({ method: 'POST', url: '/api/test-body', headers: { 'content-type': 'application/json' }, payload: '{"n": 1,' }), 'INVALID_JSON');
    assertJsonError(await server.inject({ method: 'POST', url: '/api/test-body', headers: { 'content-type': 'application/json' }, payload: '' }), 'INVALID_JSON');
  });

  it('UNSUPPORTED_MEDIA_TYPE: a body in a content type nobody parses', async () => {
    assertJsonError(await server.inject({ method: 'POST', url: '/api/test-body', headers: { 'content-type': 'application/x-nope' }, payload: 'x' }), 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('BAD_REQUEST: schema validation', async () => {
    assertJsonError(await server.inject({ method: 'POST', url: '/api/test-body', payload: { n: 'one' } }), 'BAD_REQUEST');
    assertJsonError(await server.inject('/api/trending?limit=0'), 'BAD_REQUEST');
  });

  it('URI_TOO_LONG: a URL over 16 KB, and a path segment over 300 characters', async () => {
    assertJsonError(await server.inject(`/api/search?q=${'a'.repeat(17_000)}`), 'URI_TOO_LONG');
    assertHtmlError(await server.inject(`/${'a'.repeat(17_000)}`), 414);
    assertJsonError(await server.inject(`/api/categories/${'c'.repeat(400)}/papers`), 'URI_TOO_LONG');
  });

  it('INVALID_URL: malformed percent-encoding in the path', async () => {
    assertJsonError(await server.inject('/api/papers/%E0%A4%A'), 'INVALID_URL');
    assertHtmlError(await server.inject('/papers/%E0%A4%A'), 400);
    assertHtmlError(await server.inject('/papers/%ZZ'), 400);
  });

  it('INTERNAL: a bug answers 500 without its message or stack, and is logged with the stack', async () => {
    const r = await server.inject('/api/test-bug');
    assertJsonError(r, 'INTERNAL');
    assert.doesNotMatch(r.body, /secret internals|x\.ts/);
    const line = logs.find((l) => (l.err as { message?: string } | undefined)?.message === 'secret internals at /srv/x.ts:12');
    assert.ok(line, 'the bug is logged');
    assert.equal(line.level, 50);
    assert.match(String((line.err as { stack: string }).stack), /error-catalogue\.test\.ts/);
  });

  it('expected answers are logged at info (4xx) or warn (5xx from the catalogue) without a stack', async () => {
    await server.inject('/api/test-throw/PAPER_NOT_FOUND');
    await server.inject('/api/test-throw/DB_UNAVAILABLE');
    const notFound = logs.find((l) => l.msg === 'thrown PAPER_NOT_FOUND');
    const down = logs.find((l) => l.msg === 'thrown DB_UNAVAILABLE');
    assert.equal(notFound?.level, 30);
    assert.equal(down?.level, 40);
    for (const l of [notFound!, down!]) assert.equal(JSON.stringify(l).includes('stack'), false, JSON.stringify(l));
  });

  describe('answers from the HTTP parser, on a real socket', () => {
    let port: number;
    before(async () => {
      await server.listen({ port: 0, host: '127.0.0.1' });
      port = (server.server.address() as net.AddressInfo).port;
    });
    const raw = (request: string) =>
      new Promise<string>((resolve, reject) => {
        const s = net.connect(port, '127.0.0.1', () => s.write(request));
        let out = '';
        s.setEncoding('latin1').on('data', (d) => (out += d)).on('end', () => resolve(out)).on('error', reject);
      });
    const parse = (res: string) => {
      const [head, body] = res.split('\r\n\r\n', 2) as [string, string];
      const headers = Object.fromEntries(head.split('\r\n').slice(1).map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      return { statusCode: Number(head.split(' ')[1]), headers, body };
    };

    it('HEADERS_TOO_LARGE: headers over Node’s 16 KB limit answer 431 with the security headers', async () => {
      const r = parse(await raw(`GET /api/trending HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`));
      assertJsonError(r, 'HEADERS_TOO_LARGE');
      assert.equal(r.headers['x-content-type-options'], 'nosniff');
      const page = parse(await raw(`GET /papers HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`));
      assertHtmlError(page, 431);
    });

    it('URI_TOO_LONG: a request line alone over the header limit is a long URL, not large headers', async () => {
      assertJsonError(parse(await raw(`GET /api/search?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`)), 'URI_TOO_LONG');
    });

    it('BAD_REQUEST: bytes that are not HTTP', async () => {
      assertJsonError(parse(await raw('HELLO\r\n\r\n')), 'BAD_REQUEST');
    });

    it('REQUEST_TIMEOUT: a request that does not arrive in time', async () => {
      // Node checks request timeouts every 30 s; hand the parser's timeout error to the handler directly.
      const accepted = new Promise<net.Socket>((resolve) => server.server.once('connection', resolve));
      const client = net.connect(port, '127.0.0.1');
      const out = new Promise<string>((resolve) => {
        let s = '';
        client.setEncoding('latin1').on('data', (d) => (s += d)).on('end', () => resolve(s));
      });
      const socket = await accepted;
      server.server.emit('clientError', Object.assign(new Error('Request timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }), socket);
      assertJsonError(parse(await out), 'REQUEST_TIMEOUT');
    });
  });
});

import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { isAppError } from '../../src/errors.ts';
import { createOpenAIEmbedder } from '../../src/search/embedders/openai.ts';

/** A local server speaking OpenAI's /v1/embeddings request and response JSON. */
describe('OpenAI-compatible embedder', () => {
  let server: http.Server;
  let base = '';
  const seen: { auth?: string; body: { model: string; input: string[] } }[] = [];
  let failNext: { status: number; retryAfter?: string }[] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        const body = JSON.parse(raw) as { model: string; input: string[] };
        seen.push({ auth: req.headers.authorization, body });
        if (req.headers.authorization !== 'Bearer good-key') {
          res.writeHead(401, { 'content-type': 'application/json' });
          return res.end(JSON.stringify({ error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } }));
        }
        const fail = failNext.shift();
        if (fail) {
          res.writeHead(fail.status, fail.retryAfter ? { 'retry-after': fail.retryAfter } : {});
          return res.end('{"error":{"message":"Rate limit reached"}}');
        }
        const dim = body.model === 'wide' ? 5 : 4;
        const data = body.input.map((t, index) => ({ object: 'embedding', index, embedding: Array.from({ length: dim }, (_, j) => (j === 0 ? t.length : 0) + j) }));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ object: 'list', data: data.reverse(), model: body.model, usage: { prompt_tokens: 3, total_tokens: 3 } }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  it('batches, keeps input order and normalizes', async () => {
    const e = await createOpenAIEmbedder({ baseUrl: base, model: 'm', apiKey: 'good-key', batchSize: 2 });
    assert.equal(e.dim, 4);
    assert.equal(e.id, 'openai:m:4');
    seen.length = 0;
    const out = await e.embed(['a', 'bbb', 'cc'], 'document');
    assert.deepEqual(seen.map((s) => s.body.input), [['a', 'bbb'], ['cc']]);
    assert.equal(seen[0]!.body.model, 'm');
    const n = Math.hypot(3, 1, 2, 3);
    assert.ok(Math.abs(out[1]![0]! - 3 / n) < 1e-6);
    for (const v of out) assert.ok(Math.abs(Math.hypot(...v) - 1) < 1e-6);
  });

  it('retries 429 and 503, honouring Retry-After', async () => {
    const e = await createOpenAIEmbedder({ baseUrl: base + '/v1', model: 'm', apiKey: 'good-key', dim: 4, backoffMs: 5 });
    failNext = [{ status: 429, retryAfter: '0' }, { status: 503 }];
    seen.length = 0;
    const [v] = await e.embed(['x'], 'query');
    assert.equal(seen.length, 3);
    assert.equal(v!.length, 4);
  });

  it('gives up after maxRetries with a clear error', async () => {
    const e = await createOpenAIEmbedder({ baseUrl: base, model: 'm', apiKey: 'good-key', dim: 4, backoffMs: 1, maxRetries: 1 });
    failNext = [{ status: 500 }, { status: 500 }];
    await assert.rejects(e.embed(['x'], 'query'), (err) => isAppError(err, 'EMBEDDER_FAILED') && /HTTP 500/.test(err.message));
  });

  it('fails clearly on bad credentials without printing the key', async () => {
    await assert.rejects(createOpenAIEmbedder({ baseUrl: base, model: 'm', apiKey: 'sk-secret-123' }), (err) => {
      assert.ok(isAppError(err, 'EMBEDDER_AUTH'));
      assert.match(err.message, /EMBEDDER_API_KEY/);
      assert.ok(!err.message.includes('sk-secret-123'));
      return true;
    });
  });

  it('rejects a dimension mismatch', async () => {
    const e = await createOpenAIEmbedder({ baseUrl: base, model: 'wide', apiKey: 'good-key', dim: 4 });
    await assert.rejects(e.embed(['x'], 'query'), /5 dimensions, expected 4/);
  });

  it('times out and reports an unreachable endpoint', async () => {
    const hang = http.createServer(() => {});
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(hang.address() as AddressInfo).port}`;
    await assert.rejects(createOpenAIEmbedder({ baseUrl: url, model: 'm', timeoutMs: 50, maxRetries: 1, backoffMs: 1 }), /unreachable after 2 attempts/);
    hang.closeAllConnections();
    hang.close();
  });
});

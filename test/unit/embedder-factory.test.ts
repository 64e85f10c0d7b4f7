import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { DEMO_BUNDLE } from '../../src/ingest/demo.ts';
import { readJsonl } from '../../src/ingest/jsonl.ts';
import { createEmbedderProvider } from '../../src/search/embedders/factory.ts';
import { tempDir } from '../helpers/stores.ts';

describe('embedder configuration', () => {
  it('rejects a bad EMBEDDER string at start-up, saying what is accepted', () => {
    const dir = tempDir();
    const bad = (embedder: string, extra = {}) => assert.throws(() => createEmbedderProvider({ embedder, ...extra }, { dir }), (e: Error & { code?: string }) => e.code === 'CONFIG_INVALID' && e.message.length > 20);
    bad('word2vec');
    bad('openai:');
    bad('openai:http://localhost:11434'); // no EMBEDDER_MODEL
    bad('openai:localhost:11434', { embedderModel: 'm' }); // not a URL
    bad('onnx:');
    const none = createEmbedderProvider({ embedder: 'none' }, { dir });
    assert.equal(none.current(), null);
    assert.match(none.state(), /keyword only/);
  });

  it('an endpoint that refuses the credentials leaves a clear state and no embedder (keyword search goes on)', async () => {
    const server = http.createServer((_req, res) => res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":{"message":"Incorrect API key"}}'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const p = createEmbedderProvider({ embedder: `openai:${url}`, embedderModel: 'nomic-embed-text', embedderApiKey: 'sk-secret-123' }, { dir: tempDir() });
      assert.equal(p.current(), null);
      await assert.rejects(p.maintain({ count: 0, texts: () => [] }));
      assert.match(p.state(), /^failed to load: /);
      assert.ok(!p.state().includes('sk-secret-123'), 'the key is never shown');
      await p.maintain({ count: 0, texts: () => [] }); // no retry storm: the next attempt waits a minute
      assert.equal(p.current(), null);
    } finally {
      server.close();
    }
  });
});

describe('the built-in LSA embedder provider', () => {
  let texts: string[] = [];
  before(async () => {
    for await (const item of readJsonl([DEMO_BUNDLE])) if (item.kind === 'paper') texts.push(`${item.paper.title}. ${item.paper.abstract ?? ''}`);
    texts = texts.slice(0, 600);
  });

  it('waits for enough papers, trains off the main thread, persists, and retrains once the corpus doubles', async () => {
    const dir = tempDir();
    const p = createEmbedderProvider({ embedder: 'builtin' }, { dir, minDocs: 100 });
    await p.maintain({ count: 50, texts: () => texts.slice(0, 50) });
    assert.equal(p.current(), null);
    assert.match(p.state(), /waiting for papers \(50 of the 100 needed/);

    // The event loop keeps turning while the model trains in a worker thread.
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    await p.maintain({ count: 200, texts: () => texts.slice(0, 200) });
    clearInterval(timer);
    assert.ok(ticks > 0, 'the main thread was free during training');
    const first = p.current()!;
    assert.match(first.id, /^builtin-lsa2:66:200:\d+$/, 'dimensions are capped by the corpus size (200 / 3)');
    assert.ok(fs.existsSync(path.join(dir, 'lsa', 'lsa.json')));
    const [v] = await first.embed(['diffusion models for image generation'], 'query');
    assert.ok(Math.abs(Math.hypot(...v!) - 1) < 1e-5, 'unit length');

    // A restarted node loads the saved model instead of training again.
    const reopened = createEmbedderProvider({ embedder: 'builtin' }, { dir, minDocs: 100 });
    assert.equal(reopened.current()?.id, first.id);
    await reopened.maintain({ count: 400, texts: () => texts.slice(0, 400) });
    assert.equal(reopened.current()?.id, first.id, 'not retrained at exactly 2×');
    await reopened.maintain({ count: 401, texts: () => texts.slice(0, 401) });
    assert.match(reopened.current()!.id, /^builtin-lsa2:133:401:\d+$/, 'retrained past 2×');
  });

  it('a corrupt saved model is retrained, not fatal', async () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'lsa'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'lsa', 'lsa.json'), '{"dim": 4, "vocab": [');
    const p = createEmbedderProvider({ embedder: 'builtin' }, { dir, minDocs: 100 });
    assert.equal(p.current(), null);
    await p.maintain({ count: 150, texts: () => texts.slice(0, 150) });
    assert.ok(p.current());
  });
});

import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { DEMO_BUNDLE } from '../../src/ingest/demo.ts';
import { readJsonl } from '../../src/ingest/jsonl.ts';
import { createEmbedderProvider } from '../../src/search/embedders/factory.ts';
import { openSearchIndex } from '../../src/search/index.ts';
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
      await assert.rejects(p.maintain({ count: 0, file: '' }));
      assert.match(p.state(), /^failed to load: /);
      assert.ok(!p.state().includes('sk-secret-123'), 'the key is never shown');
      await p.maintain({ count: 0, file: '' }); // no retry storm: the next attempt waits a minute
      assert.equal(p.current(), null);
    } finally {
      server.close();
    }
  });
});

describe('the built-in LSA embedder provider', () => {
  let papers: Array<{ title: string; abstract: string }> = [];
  before(async () => {
    for await (const item of readJsonl([DEMO_BUNDLE])) if (item.kind === 'paper') papers.push({ title: item.paper.title, abstract: item.paper.abstract ?? '' });
    papers = papers.slice(0, 600);
  });
  /** A search index file holding the first `n` papers (the trainer reads its texts from the file). */
  const corpus = (dir: string, n: number) => {
    const idx = openSearchIndex(path.join(dir, 'corpus'));
    idx.apply(papers.slice(0, n).map((p, i) => ({ id: i + 1, arxivId: `demo.${i}`, ...p, authors: [], categories: [], publishedAt: null, dailyDate: null, upvotes: 0, seq: i + 1 })));
    idx.close();
    return { count: n, file: path.join(dir, 'corpus', 'search.db') };
  };

  it('waits for enough papers, trains off the main thread, persists, and retrains once the corpus doubles', async () => {
    const dir = tempDir();
    const p = createEmbedderProvider({ embedder: 'builtin' }, { dir, minDocs: 100 });
    await p.maintain(corpus(dir, 50));
    assert.equal(p.current(), null);
    assert.match(p.state(), /waiting for papers \(50 of the 100 needed/);

    // The event loop keeps turning while the model trains in a worker thread.
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    await p.maintain(corpus(dir, 200));
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
    await reopened.maintain(corpus(dir, 400));
    assert.equal(reopened.current()?.id, first.id, 'not retrained at exactly 2×');
    await reopened.maintain(corpus(dir, 401));
    assert.match(reopened.current()!.id, /^builtin-lsa2:133:401:\d+$/, 'retrained past 2×');
  });

  it('a damaged, cut-short or foreign saved model is moved aside and retrained, not fatal', async () => {
    const dir = tempDir();
    const trained = createEmbedderProvider({ embedder: 'builtin' }, { dir, minDocs: 100 });
    await trained.maintain(corpus(dir, 150));
    const id = trained.current()!.id;
    const model = path.join(dir, 'lsa');
    const saved = { json: fs.readFileSync(path.join(model, 'lsa.json'), 'utf8'), f32: fs.readFileSync(path.join(model, 'lsa.f32')) };
    const edit = (f: (m: Record<string, unknown>) => void) => () => {
      const m = JSON.parse(saved.json);
      f(m);
      fs.writeFileSync(path.join(model, 'lsa.json'), JSON.stringify(m));
    };
    const damages: Record<string, () => void> = {
      'lsa.json not JSON': () => fs.writeFileSync(path.join(model, 'lsa.json'), '{"dim": 4, "vocab": ['),
      'lsa.f32 cut short': () => fs.writeFileSync(path.join(model, 'lsa.f32'), saved.f32.subarray(0, saved.f32.length - 8)),
      'a flipped byte in lsa.f32': () => {
        const b = Buffer.from(saved.f32);
        b[b.length >> 1]! ^= 0x40;
        fs.writeFileSync(path.join(model, 'lsa.f32'), b);
      },
      'lsa.f32 missing': () => fs.rmSync(path.join(model, 'lsa.f32')),
      'another format': edit((m) => (m.format = 1)),
      'vocab and idf of different lengths': edit((m) => (m.idf as number[]).pop()),
    };
    for (const [name, damage] of Object.entries(damages)) {
      fs.mkdirSync(model, { recursive: true });
      fs.writeFileSync(path.join(model, 'lsa.json'), saved.json);
      fs.writeFileSync(path.join(model, 'lsa.f32'), saved.f32);
      assert.equal(createEmbedderProvider({ embedder: 'builtin' }, { dir, minDocs: 100 }).current()?.id, id, 'the whole model loads');
      damage();
      const p = createEmbedderProvider({ embedder: 'builtin' }, { dir, minDocs: 100 });
      assert.equal(p.current(), null, name);
      assert.ok(fs.existsSync(`${model}.broken`), `${name}: moved aside`);
      await p.maintain(corpus(dir, 150));
      assert.equal(p.current()?.id, id, `${name}: retrained`);
    }
  });
});

import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { App } from '../../src/app.ts';
import type { PaperInput } from '../../src/catalog/paper.ts';
import { upsertPapers } from '../../src/catalog/papers.repo.ts';
import { catalogChangeFeed } from '../../src/catalog/search-feed.ts';
import { DEMO_BUNDLE } from '../../src/ingest/demo.ts';
import { readJsonl } from '../../src/ingest/jsonl.ts';
import { ingest } from '../../src/ingest/pipeline.ts';
import { normalize, type Embedder } from '../../src/search/embedders/embedder.ts';
import { createSearchService } from '../../src/search/search.service.ts';
import { createTestServer } from '../helpers/server.ts';
import { describeEngines } from '../helpers/stores.ts';
import { encodeHostile, fuzzString, seededRandom } from '../helpers/fuzz.ts';
import fs from 'node:fs';
import path from 'node:path';
import { createEmbedderProvider } from '../../src/search/embedders/factory.ts';

/** A deterministic word-hash embedder (16 dims) under the id `id`, always ready. */
function hashingProvider(id: string) {
  const hashing: Embedder = {
    id,
    dim: 16,
    embed: async (texts) => texts.map((t) => {
      const v = new Float32Array(16);
      for (const w of t.toLowerCase().split(/\W+/)) if (w) v[[...w].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 16, 7)]! += 1;
      return normalize(v);
    }),
  };
  return { spec: 'test', current: () => hashing, state: () => 'ready', maintain: async () => {}, close: () => {} };
}

type Hit = { score: number; paper: { id: string; title: string; summary: string } };
const ids = (b: { hits: Hit[] }) => b.hits.map((h) => h.paper.id);

describeEngines('semantic and hybrid search (built-in LSA embedder)', (ctx) => {
  let server: FastifyInstance;
  let app: App;
  let close: () => Promise<void>;
  before(async () => {
    ({ server, app, close } = await createTestServer(ctx.url));
    const s0 = await app.search.status();
    assert.match(s0.embedderState, /waiting for papers/, 'a handful of papers is too few to train on');
    // Semantic mode is refused clearly until there is a model; hybrid answers as keyword search.
    const early = await server.inject('/api/search?q=graph&mode=semantic');
    assert.equal(early.statusCode, 503);
    assert.match(early.json().error, /semantic search is not available on this node yet: the embedder is waiting for papers/);
    assert.equal((await server.inject('/api/search?q=graph&mode=hybrid')).json().mode, 'keyword');
    // The demo bundle: 1,256 real papers, enough for LSA.
    await ingest(app.store, 'jsonl', readJsonl([DEMO_BUNDLE]));
    await app.search.syncOnce(); // indexes, starts training in a worker
    await app.search.settled();
    await app.search.syncOnce(); // embeds with the trained model
  });
  after(async () => close());

  it('trains the built-in embedder on the catalog, embeds every paper, and reports it', async () => {
    const s = await app.search.status();
    assert.match(s.embedder, /^builtin-lsa2:256:\d+:\d+$/);
    assert.equal(s.embedderState, 'ready');
    assert.equal(s.vectors, s.indexed);
    assert.equal(s.vectorsPending, 0);
  });

  it('a pasted abstract finds its paper first in semantic and hybrid modes', async () => {
    const page = (await server.inject('/api/search?q=diffusion&limit=5')).json() as { hits: Hit[] };
    const target = page.hits[2]!.paper;
    for (const mode of ['semantic', 'hybrid']) {
      const q = encodeURIComponent(target.summary.slice(0, 1500));
      const r = await server.inject(`/api/search?q=${q}&mode=${mode}&limit=10`);
      assert.equal(r.statusCode, 200, r.body);
      const body = r.json();
      assert.equal(body.mode, mode);
      assert.equal(ids(body)[0], target.id, `${mode}: the paper itself comes first`);
      assert.ok(body.hits[0].score >= body.hits[1].score);
    }
  });

  it('semantic results honour filters and exclusions, and highlight the query words', async () => {
    const body = (await server.inject('/api/search?q=language%20model%20reasoning%20cat:cs.CV&mode=semantic&limit=20')).json();
    assert.ok(body.hits.length > 0);
    const rows = await app.store.db.selectFrom('papers').select(['arxiv_id', 'categories']).where('arxiv_id', 'in', ids(body)).execute();
    for (const r of rows) assert.match(String(r.categories), /cs\.CV/, `${r.arxiv_id} is in cs.CV`);
    const excluded = (await server.inject('/api/search?q=video%20generation%20-video&mode=semantic&limit=30')).json() as { hits: Hit[] };
    for (const h of excluded.hits) assert.ok(!/\bvideo\b/i.test(`${h.paper.title} ${h.paper.summary}`), `${h.paper.id} mentions the excluded word`);
    const hl = (await server.inject('/api/search?q=reinforcement%20learning&mode=semantic&limit=10')).json();
    assert.ok(hl.hits.some((h: { highlight: { title: string; abstract: string } }) => /<mark>/.test(h.highlight.title + h.highlight.abstract)));
  });

  it('fuzz: hostile queries in semantic and hybrid modes give results or a clear 400, never a 500', async () => {
    const rand = seededRandom(7);
    const queries = [...Array.from({ length: 600 }, () => fuzzString(rand)), 'x'.repeat(3000), '🚀'.repeat(500), '-a -b -c', 'cat:cs.CV', '""'];
    for (const q of queries) {
      for (const mode of ['semantic', 'hybrid']) {
        const r = await server.inject(`/api/search?q=${encodeHostile(q)}&mode=${mode}`);
        assert.ok(r.statusCode === 200 || r.statusCode === 400, `${mode}: ${r.statusCode} for ${JSON.stringify(q.slice(0, 80))}: ${r.body.slice(0, 200)}`);
      }
    }
  });

  it('similar papers come from the vectors and exclude the paper itself', async () => {
    const [paper] = await app.store.db.selectFrom('papers').select(['id', 'arxiv_id']).where('title', 'like', '%Diffusion%').limit(1).execute();
    const hits = await app.search.similar(paper!.id, 5);
    assert.equal(hits.length, 5);
    assert.ok(!hits.some((h) => h.id === paper!.id));
    assert.ok(hits[0]!.score > 0.2 && hits[0]!.score <= 1.0001, 'cosine similarities');
  });

  it('a vector thread that dies: the semantic search it held answers 503 VECTOR_THREAD_FAILED, hybrid answers as keyword meanwhile, and the next sync starts another thread that serves', async () => {
    const vt = app.search.vectorThread;
    assert.ok(vt, 'a node serves its vector index from the vector thread (VECTOR_THREAD is on by default)');
    const url = (mode: string) => `/api/search?q=${encodeURIComponent('self-supervised contrastive learning of image features')}&mode=${mode}&limit=7`;
    const expected = ids((await server.inject(url('semantic'))).json());
    assert.equal(expected.length, 7);
    // The thread busy (as in a long synchronous step), a semantic search waiting for it, then a crash.
    const held = vt.stall(30_000);
    const pending = server.inject(`${url('semantic')}&offset=1`);
    const deadline = Date.now() + 5000;
    while (vt.stats().inFlight < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    assert.equal(vt.stats().inFlight, 2, 'the search reached the thread');
    const replaced = vt.stats().replaced;
    await vt.kill();
    await assert.rejects(held, { code: 'VECTOR_THREAD_FAILED' });
    const r = await pending;
    assert.equal(r.statusCode, 503);
    assert.equal(r.json().code, 'VECTOR_THREAD_FAILED');
    assert.equal((await server.inject(url('hybrid'))).json().mode, 'keyword');
    const meanwhile = await server.inject(`${url('semantic')}&offset=2`);
    assert.equal(meanwhile.statusCode, 503);
    assert.match(meanwhile.json().error, /its vector index is being loaded or built/);
    await app.search.syncOnce();
    assert.equal(vt.stats().replaced, replaced + 1);
    assert.deepEqual(ids((await server.inject(url('semantic'))).json()), expected);
  });

  it('a paper ingested while the server runs is found by meaning within 5 s; a changed abstract is re-embedded', async () => {
    app.search.start(200);
    try {
      const started = Date.now();
      const paper: PaperInput = {
        // Words the model knows (LSA only knows its training vocabulary) in an unusual combination.
        arxivId: '2611.00042', title: 'Protein folding benchmarks for robot grasping policies', abstract: 'We transfer protein structure prediction to robotic grasp planning and evaluate on tabletop manipulation.',
        authors: ['A. Chemist'], categories: ['physics.chem-ph'], publishedAt: '2026-11-01T00:00:00.000Z', source: 'test',
      };
      await upsertPapers(app.store, [paper]);
      let found = false;
      while (!found && Date.now() - started < 5000) {
        const q = encodeURIComponent(`${paper.title} ${paper.abstract}`);
        const r = (await server.inject(`/api/search?q=${q}&mode=semantic&limit=3`)).json();
        found = r.hits?.[0]?.paper.id === '2611.00042';
        if (!found) await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(found, 'found semantically within 5 s');
      const [row] = await app.store.db.selectFrom('papers').select('id').where('arxiv_id', '=', '2611.00042').execute();
      const before = (await app.search.similar(row!.id, 3)).map((h) => h.id);
      await upsertPapers(app.store, [{ ...paper, abstract: 'We train large language models to follow instructions with reinforcement learning from human feedback.', version: 2 }]);
      let changed = false;
      while (!changed && Date.now() - started < 10_000) {
        changed = JSON.stringify((await app.search.similar(row!.id, 3)).map((h) => h.id)) !== JSON.stringify(before);
        if (!changed) await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(changed, 'the new abstract gave the paper a new vector');
    } finally {
      await app.search.stop();
    }
  });

  for (const vectorThread of [false, true]) it(`the vector index is saved on stop and loaded by the next process; a damaged file is rebuilt from the stored vectors (${vectorThread ? 'in the vector thread' : 'in-process'})`, async () => {
    await app.search.stop();
    const dir = path.join(app.config.dataDir, 'index');
    assert.ok(fs.existsSync(path.join(dir, 'vectors.idx')));
    const q = 'contrastive learning of visual representations';
    const expected = (await app.search.search({ q, mode: 'semantic', limit: 5 })).hits.map((h) => h.id);
    const reopen = () => createSearchService({ dir, feed: catalogChangeFeed(app.store.db), embedder: createEmbedderProvider({ embedder: 'builtin' }, { dir }), vectorThread });
    const file = path.join(dir, 'vectors.idx');
    const flip = (at: (size: number) => number) => () => {
      const buf = fs.readFileSync(file);
      buf[at(buf.length)]! ^= 0xff;
      fs.writeFileSync(file, buf);
    };
    const damages: Array<[string, (() => void) | null]> = [
      ['none', null],
      ['garbage', () => fs.writeFileSync(file, 'not an index')],
      ['cut short', () => fs.truncateSync(file, Math.floor(fs.statSync(file).size * 0.7))],
      ['a flipped byte in the vectors', flip((n) => n - 100)],
      ['a flipped byte in the header', flip(() => 20)],
      ['empty', () => fs.writeFileSync(file, '')],
    ];
    for (const [name, damage] of damages) {
      const next = reopen();
      try {
        await next.syncOnce();
        await next.stop(); // saves a whole file again for the next round
        const saved = fs.readFileSync(file);
        damage?.();
        next.close();
        const again = reopen();
        try {
          await again.syncOnce();
          const r = await again.search({ q, mode: 'semantic', limit: 5 });
          assert.deepEqual(r.hits.map((h) => h.id), expected, `${name}: the same neighbours`);
          assert.match((await again.status()).vectorIndex, damage ? /^exact-i8 \(built from \d+ stored vectors\)$/ : /^exact-i8 \(loaded from vectors.idx\)$/, name);
          if (damage) assert.ok(fs.existsSync(`${file}.broken`), `${name}: moved aside`);
        } finally {
          again.close();
        }
        fs.writeFileSync(file, saved);
      } finally {
        next.close();
      }
    }
  });

  it('re-embeds every paper when the embedder changes, and reports progress', async () => {
    await app.search.stop();
    // A second service on the same index folder with another embedder (a deterministic word hash):
    // the stored vectors were made by LSA, so all must be redone.
    const other = createSearchService({
      dir: path.join(app.config.dataDir, 'index'),
      feed: catalogChangeFeed(app.store.db),
      embedder: hashingProvider('test-hash:16'),
    });
    try {
      await other.syncOnce();
      const s = await other.status();
      assert.equal(s.embedder, 'test-hash:16');
      assert.equal(s.vectors, s.indexed);
      assert.equal(s.vectorsPending, 0);
      const r = await other.search({ q: 'diffusion models', mode: 'semantic', limit: 5 });
      assert.equal(r.hits.length, 5);
    } finally {
      other.close();
    }
  });

  for (const vectorThread of [false, true]) it(`an exact vector index that outgrows its size is replaced by a graph built in steps while it serves (${vectorThread ? 'in the vector thread' : 'in-process'})`, async () => {
    await app.search.stop();
    const other = createSearchService({
      dir: path.join(app.config.dataDir, 'index'),
      feed: catalogChangeFeed(app.store.db),
      embedder: hashingProvider(`test-hash2${vectorThread ? 't' : ''}:16`),
      vectorThread,
      vectorIndex: { kind: 'auto', hnswFrom: 400, quantization: 'f32' },
    });
    try {
      await other.syncOnce();
      const s = await other.status();
      assert.equal(s.vectors, s.indexed);
      const deadline = Date.now() + 20_000;
      while (!/^hnsw-f32 \(built from \d+ stored vectors\)$/.test((await other.status()).vectorIndex) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.match((await other.status()).vectorIndex, /^hnsw-f32 \(built from \d+ stored vectors\)$/);
      const r = await other.search({ q: 'diffusion models', mode: 'semantic', limit: 5 });
      assert.equal(r.hits.length, 5);
    } finally {
      other.close();
    }
  });

  it('index rebuild re-creates the vectors with the saved model', async () => {
    const n = await app.search.rebuild();
    const s = await app.search.status();
    assert.equal(s.vectors, n, 'every paper embedded again');
    assert.match(s.embedder, /^builtin-lsa2:256:/);
    assert.equal((await app.search.search({ q: 'diffusion models', mode: 'semantic', limit: 3 })).hits.length, 3);
  });
});

describeEngines('semantic search with EMBEDDER=none', (ctx) => {
  let server: FastifyInstance;
  let close: () => Promise<void>;
  before(async () => {
    ({ server, close } = await createTestServer(ctx.url, [], { EMBEDDER: 'none' }));
  });
  after(async () => close());

  it('refuses semantic mode with a clear 503 and answers hybrid as keyword', async () => {
    const r = await server.inject('/api/search?q=graph&mode=semantic');
    assert.equal(r.statusCode, 503);
    assert.match(r.json().error, /no embedder \(EMBEDDER=none\)/);
    const h = (await server.inject('/api/search?q=graph&mode=hybrid')).json();
    assert.equal(h.mode, 'keyword');
    assert.ok(h.hits.length > 0);
    assert.equal((await server.inject('/api/search?q=graph&mode=fuzzy')).statusCode, 400);
  });
});

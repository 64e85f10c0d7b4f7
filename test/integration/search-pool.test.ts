/**
 * The query pool (src/search/pool): a node with query threads answers exactly what a node answering on
 * its main thread does — every mode, filters, sorts, pages, similar papers — over the same catalog; the
 * threads see the follower's later writes (new papers, rewritten text); and a thread that dies fails only
 * the query it held (SEARCH_WORKER_FAILED, 503), is replaced, and the next query is answered.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { App } from '../../src/app.ts';
import type { PaperInput } from '../../src/catalog/paper.ts';
import { upsertPapers } from '../../src/catalog/papers.repo.ts';
import { DEMO_BUNDLE } from '../../src/ingest/demo.ts';
import { readJsonl } from '../../src/ingest/jsonl.ts';
import { ingest } from '../../src/ingest/pipeline.ts';
import { createTestServer } from '../helpers/server.ts';
import { describeEngines } from '../helpers/stores.ts';

/** Poll `ok` until it holds or `ms` pass. */
async function until(ok: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Every request shape the search API takes: modes, filters, exclusions, phrases, sorts, pages. */
const REQUESTS = [
  'q=graph', 'q=neural+network', 'q=diffusion+models+for+image+generation', 'q=%22language+model%22', 'q=attention+-vision',
  'q=reinforcement+learning&limit=5&offset=5', 'q=transformer+category:cs.CL', 'q=learning&sort=date', 'q=learning&sort=upvotes',
  'q=category:cs.LG', 'q=retrieval+augmented+generation+with+large+language+models+for+question+answering+over+documents',
  'q=graph&mode=semantic', 'q=protein+folding&mode=semantic&limit=5&offset=3', 'q=robot+policy&mode=hybrid', 'q=speech+category:cs.CL&mode=hybrid',
  'q=zzzunknownword&mode=hybrid', 'q=benchmark&mode=hybrid&limit=7&offset=14',
];

describeEngines('query pool: the same answers from query threads as from the main thread', (ctx) => {
  let pooled: { server: FastifyInstance; app: App; close: () => Promise<void> };
  let single: { server: FastifyInstance; app: App; close: () => Promise<void> };
  const both = () => [pooled, single];
  const sync = async () => {
    for (const n of both()) await n.app.search.syncOnce();
  };
  before(async () => {
    // Two nodes on one catalog, each with its own index folder: one with two query threads, one without.
    pooled = await createTestServer(ctx.url, [], { SEARCH_THREADS: '2' });
    single = await createTestServer(ctx.url, [], { SEARCH_THREADS: '0' });
    assert.equal(single.app.search.pool, null);
    await ingest(pooled.app.store, 'jsonl', readJsonl([DEMO_BUNDLE]));
    await sync(); // indexes, starts training LSA
    for (const n of both()) await n.app.search.settled();
    await sync(); // embeds with the trained model
    await pooled.app.search.pool!.ready();
  });
  after(async () => {
    await pooled?.close();
    await single?.close();
  });

  const answer = async (n: { server: FastifyInstance }, url: string) => {
    const r = await n.server.inject(url);
    const body = r.json() as { tookMs?: number; took_ms?: number };
    delete body.tookMs;
    delete body.took_ms;
    return { status: r.statusCode, body };
  };
  const compare = async (urls: string[]) => {
    const before = pooled.app.search.pool!.stats();
    for (const url of urls) assert.deepEqual(await answer(pooled, url), await answer(single, url), url);
    assert.equal(pooled.app.search.pool!.stats().ready, 2, 'both threads answered throughout');
    return before;
  };

  it('answers every mode, filter, sort and page as the main thread does', async () => {
    const s = await pooled.app.search.status();
    assert.equal(s.embedderState, 'ready');
    assert.equal(s.vectors, s.indexed);
    await compare(REQUESTS.map((q) => `/api/search?${q}`));
    // The pages too (their HTML is built from the same answers).
    // Timings and per-response tokens aside.
    const page = async (n: { server: FastifyInstance }, url: string) => (await n.server.inject(url)).body.replace(/\d+(\.\d+)? ms/g, '').replace(/(nonce|value)="[^"]*"/g, '');
    for (const q of ['q=graph', 'q=diffusion&mode=hybrid', 'q=vision&mode=semantic&page=2']) assert.equal(await page(pooled, `/search?${q}`), await page(single, `/search?${q}`), q);
  });

  it('similar papers match too', async () => {
    const top = (await answer(single, '/api/search?q=learning&limit=3')).body as { hits: Array<{ paper: { id: string } }> };
    assert.equal(top.hits.length, 3);
    for (const h of top.hits) {
      const a = await pooled.server.inject(`/similar?id=${h.paper.id}&fragment=1`);
      const b = await single.server.inject(`/similar?id=${h.paper.id}&fragment=1`);
      assert.equal(a.statusCode, 200);
      assert.match(a.body, /href="\/papers\//, 'similar papers are listed');
      assert.equal(a.body, b.body, h.paper.id);
    }
  });

  it('the threads see what the follower writes: new papers and rewritten text', async () => {
    const paper = (id: string, title: string, abstract: string): PaperInput => ({
      arxivId: id, title, abstract, authors: ['Pat Pool'], categories: ['cs.DC'], publishedAt: '2026-11-30T00:00:00.000Z', source: 'test',
    });
    await upsertPapers(pooled.app.store, [paper('2611.90001', 'Quokkasearch threads', 'Quokkasearch answers graph queries on every core.')]);
    await sync();
    const found = await answer(pooled, '/api/search?q=quokkasearch');
    assert.equal((found.body as { hits: unknown[] }).hits.length, 1);
    // A rewritten abstract changes the row's length (pb_bm25 keeps lengths per connection) and its words.
    const before = await answer(single, '/api/search?q=graph&limit=50');
    await upsertPapers(pooled.app.store, [paper('2611.90001', 'Quokkasearch threads', `Quokkasearch. ${'graph '.repeat(3)}${'padding words here '.repeat(40)}`)]);
    await sync();
    const afterEdit = await answer(single, '/api/search?q=graph&limit=50');
    assert.notDeepEqual(afterEdit, before, 'the edit moved the ranking');
    await compare(['/api/search?q=graph&limit=50', '/api/search?q=graph+threads&limit=50', '/api/search?q=quokkasearch', '/api/search?q=every+core&mode=hybrid']);
  });

  it('a thread that dies fails only its query, clearly, and is replaced', async () => {
    const pool = pooled.app.search.pool!;
    // Both threads busy: the query queues behind the first one's stall, then that thread is killed.
    const stalls = [pool.stall(0, 3000), pool.stall(1, 3000)].map((p) => p.then(() => 'done', (e: Error) => e.message));
    const inFlight = pooled.server.inject('/api/search?q=distinctive+pool+query');
    await until(() => pool.stats().inFlight === 3, 10_000, 'the query to reach a thread');
    await pool.kill(0);
    const r = await inFlight;
    assert.equal(r.statusCode, 503, r.body);
    assert.equal(r.json().code, 'SEARCH_WORKER_FAILED');
    assert.match(r.json().error, /the search thread answering this query stopped/);
    assert.match(await stalls[0]!, /stopped/);
    await pool.ready();
    assert.equal(pool.stats().replaced, 1);
    const metrics = (await pooled.server.inject('/metrics')).body;
    assert.match(metrics, /^paperboy_search_threads_ready 2$/m);
    assert.match(metrics, /^paperboy_search_threads_replaced 1$/m);
    // The replacement answers (thread 1 is still stalled): the same as the main-thread node.
    assert.deepEqual(await answer(pooled, '/api/search?q=distinctive+pool+query'), await answer(single, '/api/search?q=distinctive+pool+query'));
    assert.equal(await stalls[1], 'done');
  });
});

/**
 * Categories for every paper: papers from Hugging Face's daily data (which has none) get them from the
 * arXiv API in the background job, paced, in batches of ids, resuming where a stopped run left off, and
 * never overwriting what a source wrote; other sources' categories count at once; /feeds lists only
 * categories that have papers.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, it } from 'node:test';
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import type { App } from '../../src/app.ts';
import { fillFromArxiv, uncategorizedIds } from '../../src/catalog/categories.repo.ts';
import { getPaperRow } from '../../src/catalog/papers.repo.ts';
import { CATEGORIES_CHECKPOINT, fillCategories } from '../../src/ingest/arxiv-categories.ts';
import { loadCheckpoint } from '../../src/ingest/checkpoints.ts';
import { readHfDaily } from '../../src/ingest/hf-daily.ts';
import { createHttpClient } from '../../src/ingest/http-client.ts';
import { ingest } from '../../src/ingest/pipeline.ts';
import { scheduledJobs } from '../../src/jobs/registry.ts';
import { arxivApiOf, assertPaced, busy, startFakeServer, type ArxivRecord, type FakeServer } from '../helpers/arxiv-server.ts';
import { HF_ARCHIVE } from '../helpers/hf-archive.ts';
import { createTestServer } from '../helpers/server.ts';
import { describeEngines } from '../helpers/stores.ts';

const DELAY = 40;
const DAYS = ['2025-10-01', '2025-10-02', '2025-10-03'].map((d) => path.join(HF_ARCHIVE, `${d}.json.gz`));
const SHAPES = [['cs.CL', 'cs.LG'], ['cs.CV'], ['stat.ML', 'cs.LG', 'cs.AI']];

describeEngines('arXiv categories for papers from Hugging Face', (ctx) => {
  let arxiv: FakeServer;
  let app: App;
  let server: FastifyInstance;
  let close: () => Promise<void>;
  let hfIds: string[];
  const records = new Map<string, ArxivRecord>();
  /** Ids arXiv does not know (withdrawn, mistyped on HF): asked for, never filled. */
  let unknown: string[];

  before(async () => {
    arxiv = await startFakeServer(() => busy());
    ({ app, server, close } = await createTestServer(ctx.url, [], { ARXIV_API_URL: `${arxiv.origin}/api/query`, ARXIV_DELAY_MS: String(DELAY) }));
    const s = await ingest(app.store, 'hf-daily', readHfDaily(DAYS));
    assert.equal(s.rejected, 0);
    hfIds = await uncategorizedIds(app.store.db, '', 10_000);
    assert.ok(hfIds.length > 60, `the three days hold ${hfIds.length} papers without categories`);
    unknown = [hfIds[5]!, hfIds[40]!];
    hfIds.forEach((id, i) => {
      if (!unknown.includes(id)) records.set(id, { title: `arXiv's own title of ${id}`, categories: SHAPES[i % 3]!, version: 2, comment: i % 2 ? '12 pages' : undefined });
    });
    arxiv.handle(arxivApiOf(records));
  });
  after(async () => {
    await close();
    await arxiv.close();
  });

  let before0: Map<string, number>;
  const run = (o: { maxBatches?: number; signal?: AbortSignal; delayMs?: number; batchSize?: number } = {}) =>
    fillCategories({
      store: app.store,
      http: createHttpClient({ delayMs: o.delayMs ?? DELAY, backoffMs: 10, maxAttempts: 2, ...(o.signal ? { signal: o.signal } : {}) }),
      url: `${arxiv.origin}/api/query`,
      batchSize: 10,
      ...o,
    });

  it('/feeds lists only categories that have papers, with their counts', async () => {
    const page = (await server.inject('/feeds')).body;
    const listed = [...page.matchAll(/href="\/feeds\/category\/([^"]+)\.rss"/g)].map((m) => decodeURIComponent(m[1]!));
    const counts = await app.catalog.categories();
    assert.deepEqual(listed, counts.map((c) => c.category));
    assert.ok(listed.length > 0, 'the fixture papers have categories');
    before0 = new Map(counts.map((c) => [c.category, c.papers]));
    for (const c of counts) {
      const feed = await server.inject(`/feeds/category/${encodeURIComponent(c.category)}.atom`);
      assert.equal(feed.statusCode, 200);
      assert.ok((feed.body.match(/<entry>/g) ?? []).length > 0, `${c.category}'s feed has entries`);
    }
  });

  it('a run stopped after two requests resumes at the next id: paced batches of 10, newest id first', async () => {
    arxiv.requests.length = 0;
    const seqBefore = await app.catalog.changeSeq();
    const first = await run({ maxBatches: 2 });
    assert.deepEqual([first.batches, first.asked, first.complete], [2, 20, false]);
    assert.match(first.stopped ?? '', /2 requests/);
    assert.equal(first.stoppedBy, 'limit');
    const cursor = (await loadCheckpoint<{ before: string }>(app.store, CATEGORIES_CHECKPOINT))?.before;
    assert.equal(cursor, hfIds[19]);

    const rest = await run();
    assert.equal(rest.complete, true);
    assert.equal(first.asked + rest.asked, hfIds.length, 'every id asked for once in the pass');
    assert.equal(first.filled + rest.filled, hfIds.length - unknown.length);
    assert.equal(first.missing + rest.missing, unknown.length);
    assert.equal(await loadCheckpoint(app.store, CATEGORIES_CHECKPOINT), null, 'a finished pass leaves no cursor');

    const asked = arxiv.requests.map((r) => r.params.get('id_list')!.split(','));
    assert.deepEqual(asked.flat(), hfIds, 'newest id first, no id twice, no paper that had categories');
    assert.ok(asked.every((ids, i) => ids.length === 10 || i === asked.length - 1));
    assert.equal(arxiv.requests[0]!.params.get('max_results'), '10');
    assert.ok(asked.length >= 6);
    assertPaced(arxiv.requests.slice(2), DELAY);

    for (const [i, id] of hfIds.entries()) {
      const row = (await getPaperRow(app.store.db, id))!;
      if (unknown.includes(id)) {
        assert.equal(row.categories, '', `${id} is unknown to arXiv`);
        continue;
      }
      assert.equal(row.categories, SHAPES[i % 3]!.join(' '), id);
      assert.notEqual(row.title, `arXiv's own title of ${id}`, "the daily source's title stays");
      assert.equal(row.version, 1, 'only empty fields are filled: the version stays');
      assert.notEqual(row.source, 'arxiv-api', 'the provenance stays');
      if (i % 2) assert.equal(row.comment, '12 pages', 'an empty comment is filled');
      assert.ok(Number(row.seq) > seqBefore, 'a changed paper has a new change sequence');
    }
  });

  it('the next pass asks only for what is still missing; with nothing missing a run sends no request', async () => {
    arxiv.requests.length = 0;
    const again = await run();
    assert.deepEqual([again.asked, again.filled, again.missing, again.complete], [2, 0, 2, true]);
    assert.deepEqual(arxiv.requests.map((r) => r.params.get('id_list')), [unknown.join(',')]);
    for (const id of unknown) records.set(id, { title: 'late', categories: ['math.AG'] });
    assert.equal((await run()).filled, 2);
    arxiv.requests.length = 0;
    const idle = await run();
    assert.deepEqual([idle.asked, idle.complete, arxiv.requests.length], [0, true, 0]);
  });

  it('/feeds now lists the new categories, with the counts of papers listing each', async () => {
    const counts = new Map((await app.catalog.categories()).map((c) => [c.category, c.papers]));
    const expected = (c: string) => (before0.get(c) ?? 0) + hfIds.filter((id) => (records.get(id)?.categories ?? []).includes(c)).length;
    for (const c of ['cs.CL', 'cs.LG', 'cs.CV', 'stat.ML', 'cs.AI', 'math.AG']) assert.equal(counts.get(c), expected(c), c);
    const page = (await server.inject('/feeds')).body;
    assert.match(page, /href="\/feeds\/category\/math\.AG\.rss"/);
    assert.match(page, />math\.AG<\/a> Algebraic Geometry <span class="count">2 papers<\/span>/);
    assert.match(page, />cs\.CV<\/a> Computer Vision and Pattern Recognition <span class="count">/);
  });

  it('a value another source wrote is never overwritten', async () => {
    const id = hfIds[0]!;
    assert.equal(await fillFromArxiv(app.store, [{ arxivId: id, title: 't', categories: ['hep-th'], comment: 'other', source: 'arxiv-api' }]), 0);
    assert.equal((await getPaperRow(app.store.db, id))!.categories, SHAPES[0]!.join(' '));
  });

  it('categories from another source count at once (a Kaggle record for a daily paper)', async () => {
    const s = await ingest(app.store, 'hf-daily', readHfDaily([path.join(HF_ARCHIVE, '2025-10-06.json.gz')]));
    const [id] = await uncategorizedIds(app.store.db, '', 1);
    assert.ok(s.inserted > 0 && id);
    await ingest(app.store, 'kaggle', (async function* () {
      yield { kind: 'paper' as const, paper: { arxivId: id!, title: 'T', categories: ['q-bio.NC', 'cs.NE'], source: 'kaggle' }, location: 'x' };
    })());
    assert.equal((await getPaperRow(app.store.db, id!))!.categories, 'q-bio.NC cs.NE');
  });

  it('arXiv away: the run stops with the reason and keeps its place; a shutdown ends a wait at once', async () => {
    const [first] = await uncategorizedIds(app.store.db, '', 1);
    arxiv.handle(() => busy());
    const away = await run();
    assert.match(away.stopped ?? '', /unavailable: 2 consecutive attempts failed \(last: HTTP 503\)/);
    assert.equal(away.stoppedBy, 'arxiv');
    assert.equal(away.batches, 0);
    assert.equal(await loadCheckpoint(app.store, CATEGORIES_CHECKPOINT), null);
    assert.deepEqual(await uncategorizedIds(app.store.db, '', 1), [first]);

    arxiv.handle(arxivApiOf(records));
    const stop = new AbortController();
    const started = performance.now();
    setTimeout(() => stop.abort(new Error('shutdown')), 200);
    const stopped = await run({ delayMs: 60_000, signal: stop.signal, batchSize: 1 });
    assert.ok(performance.now() - started < 5_000, 'the 60 s politeness wait ended with the signal');
    assert.match(stopped.stopped ?? '', /stopped/);
    assert.equal(stopped.stoppedBy, 'signal');
  });

  it('the scheduled job runs it with the configured endpoint and pace, and logs how it went', async () => {
    const job = scheduledJobs(app).find((j) => j.name === 'arxiv-categories');
    assert.ok(job, 'registered and on by default');
    assert.equal(job.everyMs, 3_600_000);
    for (const id of await uncategorizedIds(app.store.db, '', 1000)) records.set(id, { title: 'x', categories: ['eess.AS'] });
    const lines: Record<string, unknown>[] = [];
    const log = pino({ level: 'debug' }, { write: (l: string) => lines.push(JSON.parse(l)) });
    // The shutdown above left a cursor: this run goes on from it to the oldest id, the next starts over.
    for (let i = 0; i < 2; i++) await job.run({ period: 'p', signal: new AbortController().signal, log });
    assert.deepEqual(await uncategorizedIds(app.store.db, '', 10), []);
    const ended = lines.filter((l) => l.msg === 'arXiv categories: run ended');
    assert.equal(ended.length, 2);
    assert.ok(ended.every((l) => l.complete === true && l.stopped === null));
    assert.ok(lines.some((l) => l.msg === 'arXiv categories: batch done' && l.level === 20));
  });

  it('`paperboy categories` runs one pass now, says what it did, and fails when arXiv cannot be reached', async () => {
    const { runCli } = await import('../../src/cli/index.ts');
    await ingest(app.store, 'hf-daily', readHfDaily([path.join(HF_ARCHIVE, '2025-10-07.json.gz')]));
    const todo = await uncategorizedIds(app.store.db, '', 1000);
    assert.ok(todo.length > 0);
    for (const id of todo) records.set(id, { title: 'x', categories: ['cs.HC'] });
    const env = { DATABASE_URL: ctx.url, DATA_DIR: app.config.dataDir, LOG_LEVEL: 'silent', ARXIV_API_URL: `${arxiv.origin}/api/query`, ARXIV_DELAY_MS: '0' };
    const capture = async (args: string[], e: Record<string, string>) => {
      const [out, err] = [process.stdout.write, process.stderr.write];
      let printed = '';
      process.stdout.write = ((t: string) => ((printed += t), true)) as typeof process.stdout.write;
      process.stderr.write = (() => true) as typeof process.stderr.write;
      try {
        return { code: await runCli(args, e), printed };
      } finally {
        [process.stdout.write, process.stderr.write] = [out, err];
      }
    };
    const r = await capture(['categories', '--json'], env);
    assert.equal(r.code, 0);
    const summary = JSON.parse(r.printed);
    assert.deepEqual([summary.filled, summary.complete], [todo.length, true]);
    assert.deepEqual(await uncategorizedIds(app.store.db, '', 10), []);
    await ingest(app.store, 'hf-daily', readHfDaily([path.join(HF_ARCHIVE, '2025-10-08.json.gz')]));
    arxiv.handle(() => busy());
    const away = await capture(['categories'], { ...env, ARXIV_DELAY_MS: '1' });
    assert.equal(away.code, 1);
    assert.match(away.printed, /^categories: asked arXiv for 0 papers in 0 requests, filled 0, unknown to arXiv 0; stopped: the arXiv API at .* is unavailable/);
    assert.equal((await capture(['categories', '--max-requests', '0'], env)).code, 2);
    arxiv.handle(arxivApiOf(records));
  });
});

/**
 * The arXiv categories job on the whole Hugging Face archive: `npm run bench:categories`. A SQLite
 * catalog of the 9.9k daily papers (../shared/data, none with categories), a local stand-in for the arXiv
 * API answering every id (test/helpers/arxiv-server.ts), and one full pass of `fillCategories` with no
 * politeness delay, so what is measured is Paperboy's own cost: each batch's write, and how long the
 * event loop (which serves requests) is held, from perf_hooks.monitorEventLoopDelay. The plain
 * alternative in the same run: importing the same arXiv records through the ingest pipeline (a full
 * merge that would also replace the daily source's titles and abstracts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { uncategorizedIds } from '../src/catalog/categories.repo.ts';
import { upsertPapers } from '../src/catalog/papers.repo.ts';
import { fillCategories } from '../src/ingest/arxiv-categories.ts';
import { fetchArxivIds } from '../src/ingest/arxiv-api.ts';
import { createHttpClient } from '../src/ingest/http-client.ts';
import { ingest } from '../src/ingest/pipeline.ts';
import { migrate, openStore } from '../src/store/db.ts';
import { arxivApiOf, startFakeServer, type ArxivRecord } from '../test/helpers/arxiv-server.ts';
import { hfDaily, SHARED } from './seed-data.ts';

if (!SHARED) throw new Error('bench:categories needs ../shared/data (the HF daily papers)');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-bench-categories-'));

async function catalog(name: string) {
  const store = openStore(`sqlite:${path.join(dir, `${name}.db`)}`);
  await migrate(store);
  await upsertPapers(store, [...hfDaily(path.join(SHARED!, 'hf-daily-papers'))]);
  return store;
}

const SHAPES = [['cs.CL', 'cs.LG'], ['cs.CV'], ['cs.AI', 'cs.CL', 'cs.LG'], ['cs.LG', 'stat.ML']];
const a = await catalog('job');
const ids = await uncategorizedIds(a.db, '', 100_000);
const records = new Map<string, ArxivRecord>(ids.map((id, i) => [id, { title: `T ${id}`, categories: SHAPES[i % SHAPES.length]!, version: 2, comment: '10 pages' }]));
const server = await startFakeServer(arxivApiOf(records));
const url = `${server.origin}/api/query`;
const http = () => createHttpClient({ delayMs: 0 });

const loop = monitorEventLoopDelay({ resolution: 1 });
loop.enable();
const started = performance.now();
const run = await fillCategories({ store: a, http: http(), url });
const ms = performance.now() - started;
loop.disable();
const jobLoop = { max: loop.max / 1e6, p99: loop.percentile(99) / 1e6 };

const b = await catalog('pipeline');
loop.reset();
loop.enable();
const started2 = performance.now();
const s = await ingest(b, 'arxiv-api', fetchArxivIds({ http: http(), url, ids }), { batchSize: 100 });
const ms2 = performance.now() - started2;
loop.disable();

const f = (x: number) => x.toFixed(1);
console.log(`${ids.length} papers without categories; ${run.batches} requests of 100 ids; arXiv's own pacing (3 s a request) not applied`);
console.log(`fillCategories   ${f(ms)} ms in all, ${f(ms / run.batches)} ms a batch (fetch + parse + fill); filled ${run.filled}; event loop held at most ${f(jobLoop.max)} ms (p99 ${f(jobLoop.p99)} ms)`);
console.log(`pipeline import  ${f(ms2)} ms in all, ${f(ms2 / run.batches)} ms a batch; updated ${s.updated}; event loop held at most ${f(loop.max / 1e6)} ms (p99 ${f(loop.percentile(99) / 1e6)} ms)`);
console.log(`with arXiv's 3 s pacing the pass takes ~${Math.ceil((run.batches * 3) / 60)} min, of which Paperboy's own work is ${f((ms / (run.batches * 3000)) * 100)}%`);
await server.close();
await a.close();
await b.close();
fs.rmSync(dir, { recursive: true, force: true });

/**
 * Ingest benchmark: imports the Kaggle-layout arXiv sample (../shared/data/arxiv, 74.7k papers) into a
 * fresh SQLite store and a fresh PostgreSQL database through the real pipeline, and compares with a
 * plain alternative in the same run: one upsert (one INSERT, one transaction) per paper on a subset.
 *
 *   npm run bench:ingest [-- --data /work/shared/data/arxiv --pg postgres://postgres@127.0.0.1:5432/postgres --plain 2000]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { upsertPapers } from '../src/catalog/papers.repo.ts';
import type { PaperInput } from '../src/catalog/paper.ts';
import { readKaggle } from '../src/ingest/kaggle.ts';
import { ingest, type SourceItem } from '../src/ingest/pipeline.ts';
import { migrate, openStore, type Store } from '../src/store/db.ts';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: '/work/shared/data/arxiv' },
    pg: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    plain: { type: 'string', default: '2000' },
    batch: { type: 'string', default: '1000' },
  },
});
const dataDir = values.data!;
const plainN = Number(values.plain);
const batchSize = Number(values.batch);
if (!fs.existsSync(dataDir)) {
  console.error(`bench:ingest: no data at ${dataDir} (pass --data DIR with Kaggle-layout .jsonl.gz files)`);
  process.exit(1);
}

const rate = (n: number, s: number) => `${Math.round(n / s).toLocaleString('en-US')} papers/s`;
const rows: string[][] = [];
function report(label: string, n: number, seconds: number, extra = ''): void {
  rows.push([label, String(n), seconds.toFixed(2), rate(n, seconds), extra]);
  console.log(`${label.padEnd(44)} ${String(n).padStart(6)} papers in ${seconds.toFixed(2).padStart(6)} s  ${rate(n, seconds).padStart(18)}  ${extra}`);
}

async function time<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const r = await fn();
  return [r, (performance.now() - t) / 1000];
}

/** The pipeline end to end: read, gunzip, parse, normalize, batch, upsert. */
async function pipelineRun(store: Store, label: string): Promise<void> {
  const [s, secs] = await time(() => ingest(store, 'kaggle', readKaggle([dataDir]), { batchSize }));
  report(label, s.read, secs, `inserted ${s.inserted}, updated ${s.updated}, unchanged ${s.unchanged}, rejected ${s.rejected}`);
}

/** The plain alternative: each paper its own upsert, i.e. its own INSERT and transaction. */
async function plainRun(store: Store, papers: PaperInput[], label: string): Promise<void> {
  const [, secs] = await time(async () => {
    for (const p of papers) await upsertPapers(store, [p]);
  });
  report(label, papers.length, secs);
}

/** A fresh migrated store on an engine for the length of `fn`, dropped afterwards. */
async function withFreshStore(engine: 'sqlite' | 'postgres', fn: (store: Store) => Promise<void>): Promise<void> {
  if (engine === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-bench-'));
    const store = openStore(`sqlite:${path.join(dir, 'bench.db')}`);
    try {
      await migrate(store);
      await fn(store);
    } finally {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    return;
  }
  const name = `paperboy_bench_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: values.pg });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(values.pg!);
  url.pathname = `/${name}`;
  const store = openStore(url.toString(), { poolSize: 2 });
  try {
    await migrate(store);
    await fn(store);
  } finally {
    await store.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

async function engineRuns(engine: 'sqlite' | 'postgres', subset: PaperInput[]): Promise<void> {
  const label = engine === 'sqlite' ? 'SQLite' : 'PostgreSQL';
  await withFreshStore(engine, async (store) => {
    await pipelineRun(store, `${label}: pipeline, fresh store`);
    await pipelineRun(store, `${label}: pipeline, re-import (all unchanged)`);
  });
  await withFreshStore(engine, (store) => plainRun(store, subset, `${label}: plain, one upsert per paper (first ${subset.length})`));
}

// The parse-only rate bounds what any store can reach; it also collects the plain run's subset.
const subset: PaperInput[] = [];
const [parsed, parseSecs] = await time(async () => {
  let n = 0;
  for await (const item of readKaggle([dataDir]) as AsyncIterable<SourceItem>) {
    if (item.kind !== 'paper') continue;
    n++;
    if (subset.length < plainN) subset.push(item.paper);
  }
  return n;
});
console.log(`node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), batch ${batchSize}, data ${dataDir}`);
report('read + parse only (no store)', parsed, parseSecs);
await engineRuns('sqlite', subset);
// PostgreSQL must be there for the figures to count; say so clearly if it is not.
const probe = new pg.Client({ connectionString: values.pg, connectionTimeoutMillis: 3000 });
try {
  await probe.connect();
} catch (e) {
  console.error(`PostgreSQL not reachable at ${values.pg}: ${(e as Error).message}`);
  process.exit(1);
}
await probe.end();
await engineRuns('postgres', subset);

console.log('\n| run | papers | seconds | rate | notes |\n|---|---:|---:|---:|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);

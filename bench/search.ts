/**
 * Search latency at catalog scale: keyword (FTS5), semantic (exact JS loop, usearch exactSearch,
 * HNSW f32/i8, Matryoshka funnel) and hybrid, on synthetic catalogs and on the real arXiv sample.
 *
 *   npm run bench:search -- [--sizes 100000,1000000] [--queries 500] [--skip-arxiv] [--arxiv DIR]
 *
 * Synthetic catalogs are deterministic: titles of ~10 and abstracts of 150–200 words from a Zipfian
 * vocabulary of 50k words, and 384-d unit vectors around 1,000 cluster centres (bench/synthetic.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';
import usearch from 'usearch';
import { readKaggle, isKaggleFile } from '../src/ingest/kaggle.ts';
import { listInputFiles } from '../src/ingest/files.ts';
import { LSA_DIM, embedWithLsa, trainLsa, DEFAULT_HYBRID_WEIGHT, weightedSum, parseQuery, words, openSearchIndex, type IndexDoc, type SearchIndex, createVectorIndex, DEFAULT_HNSW, type VectorIndex, type VectorIndexOptions } from '../src/search/index.ts';
import { rng, syntheticKeywordQueries, syntheticTexts, vectorSpace, type VectorSpace } from './synthetic.ts';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100000,1000000' },
    queries: { type: 'string', default: '500' },
    'skip-arxiv': { type: 'boolean', default: false },
    arxiv: { type: 'string', default: '/work/shared/data/arxiv' },
    'f32-up-to': { type: 'string', default: '200000' },
  },
});
const SIZES = values.sizes!.split(',').map((s) => Number(s.trim()));
const QUERIES = Number(values.queries);
if (SIZES.some((n) => !Number.isInteger(n) || n < 1000) || !Number.isInteger(QUERIES) || QUERIES < 10) {
  throw new Error('--sizes takes integers ≥ 1000 separated by commas; --queries an integer ≥ 10');
}
const DIM = 384;
/** HNSW f32 builds ~8× slower than i8 (75 s vs 9 s at 100k): above this size it is skipped. */
const F32_UP_TO = Number(values['f32-up-to']);
/** Short lists measured on the recommended index besides its default (usearch explores max(ef, list)). */
const SHORTLISTS = [400];
const HYBRID_K = 100;
const PAGE = 20;
/** The JS loop costs ~250 ms a query at 1M: above this size it runs on fewer queries (reported). */
const JS_LOOP_FULL_UP_TO = 200_000;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const rssMb = (): number => {
  gc();
  return Math.round(process.memoryUsage().rss / 2 ** 20);
};
/**
 * Free what the previous configuration held: usearch's native memory is released by a finalizer
 * that only runs once the event loop turns, so a synchronous loop would carry every index along.
 */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 20));
  }
}
const log = (s: string): void => console.error(`[${new Date().toISOString().slice(11, 19)}] ${s}`);

interface Row {
  dataset: string;
  method: string;
  buildS: number | null;
  queries: number;
  p50: number;
  p95: number;
  recall: number | null;
  rssMb: number | null;
}
const rows: Row[] = [];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}
function timeQueries<T>(n: number, run: (i: number) => T): { p50: number; p95: number; results: T[] } {
  const ms: number[] = [];
  const results: T[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    results.push(run(i));
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 0.5), p95: percentile(ms, 0.95), results };
}
/** Share of the reference lists' items found in the other lists (recall@k for lists cut at k). */
function recallAt10(truth: number[][], got: number[][]): number {
  let hit = 0;
  let all = 0;
  got.forEach((g, i) => {
    const s = new Set(g);
    for (const k of truth[i]!) if (s.has(k)) hit++;
    all += truth[i]!.length;
  });
  return hit / all;
}
function record(r: Row): void {
  rows.push(r);
  log(`${r.dataset} ${r.method}: build ${r.buildS?.toFixed(1) ?? '-'} s, p50 ${r.p50.toFixed(2)} ms, p95 ${r.p95.toFixed(2)} ms, recall ${r.recall?.toFixed(3) ?? '-'}, rss ${r.rssMb ?? '-'} MB`);
}

/** The plain alternative: a JS dot-product loop with a top-k insertion list (as in exact.ts). */
function jsLoopTop10(data: Float32Array, n: number, dim: number, q: Float32Array): number[] {
  const top: { key: number; score: number }[] = [];
  for (let i = 0; i < n; i++) {
    let dot = 0;
    const base = i * dim;
    for (let j = 0; j < dim; j++) dot += q[j]! * data[base + j]!;
    if (top.length < 10 || dot > top[top.length - 1]!.score) {
      if (top.length === 10) top.pop();
      let pos = top.length;
      while (pos > 0 && top[pos - 1]!.score < dot) pos--;
      top.splice(pos, 0, { key: i, score: dot });
    }
  }
  return top.map((h) => h.key);
}

/** Everything one dataset needs: the FTS index, the query texts and vectors, and a vector source. */
interface Dataset {
  name: string;
  dim: number;
  n: number;
  fts: SearchIndex;
  ftsDir: string;
  ftsBuildS: number;
  keywordQueries: string[];
  vectorQueries: Float32Array[];
  /** Write vectors i..i+count into `out` (row-major); the same rows every call. */
  fill(from: number, count: number, out: Float32Array): void;
  /** Catalog key of row i. */
  key(i: number): number;
}

// The recommended configuration first (hybrid runs on it), the slow-to-build f32 graph last.
const CONFIGS: { label: string; o: VectorIndexOptions }[] = [
  { label: 'semantic HNSW i8', o: { kind: 'hnsw', quantization: 'i8' } },
  { label: 'semantic HNSW i8 funnel 64→all', o: { kind: 'hnsw', quantization: 'i8', funnelDims: 64 } },
  { label: 'semantic HNSW f32', o: { kind: 'hnsw', quantization: 'f32' } },
];
const HYBRID_CONFIG = 0;

async function benchDataset(ds: Dataset, configs: typeof CONFIGS, hybridConfig: number): Promise<void> {
  const Q = ds.vectorQueries.length;
  record({ dataset: ds.name, method: 'keyword (FTS5, bounded stage), page of 20', buildS: ds.ftsBuildS, queries: Q, rssMb: rssMb(), recall: null, ...timeQueries(Q, (i) => ds.fts.search(parseQuery(ds.keywordQueries[i]!), { limit: PAGE })) });
  // Hybrid's keyword candidates, bounded and (the plain alternative) scoring every match; overlap against the latter.
  const bounded = timeQueries(Q, (i) => ds.fts.search(parseQuery(ds.keywordQueries[i]!), { limit: HYBRID_K, plain: true, candidates: true }).hits.map((h) => h.id));
  const exhaustiveQ = ds.n >= 1_000_000 ? Math.min(Q, 200) : Q;
  const exhaustive = timeQueries(exhaustiveQ, (i) => ds.fts.search(parseQuery(ds.keywordQueries[i]!), { limit: HYBRID_K, plain: true, exhaustive: true }).hits.map((h) => h.id));
  const overlap = (k: number) => recallAt10(exhaustive.results.map((r) => r.slice(0, k)), bounded.results.slice(0, exhaustiveQ).map((r) => r.slice(0, k)));
  record({ dataset: ds.name, method: `keyword top ${HYBRID_K}, bounded stage (overlap@10 ${overlap(10).toFixed(3)}, @100 ${overlap(100).toFixed(3)})`, buildS: null, queries: Q, rssMb: null, recall: overlap(10), p50: bounded.p50, p95: bounded.p95 });
  record({ dataset: ds.name, method: `keyword top ${HYBRID_K}, every match scored (plain alternative)`, buildS: null, queries: exhaustiveQ, rssMb: null, recall: 1, p50: exhaustive.p50, p95: exhaustive.p95 });

  // Exact: one dense array, scanned by the JS loop and by usearch's SIMD exactSearch.
  let data: Float32Array | null = new Float32Array(ds.n * ds.dim);
  let t = performance.now();
  ds.fill(0, ds.n, data);
  const fillS = (performance.now() - t) / 1000;
  log(`${ds.name}: ${ds.n} vectors generated in ${fillS.toFixed(1)} s`);
  const exact = timeQueries(Q, (i) => {
    const m = usearch.exactSearch(data!, ds.vectorQueries[i]!, ds.dim, 10, usearch.MetricKind.IP, 0);
    return Array.from(m.keys, (k) => ds.key(Number(k)));
  });
  const truth = exact.results;
  const jsQ = ds.n <= JS_LOOP_FULL_UP_TO ? Q : Math.min(Q, 100);
  const js = timeQueries(jsQ, (i) => jsLoopTop10(data!, ds.n, ds.dim, ds.vectorQueries[i]!).map((r) => ds.key(r)));
  record({ dataset: ds.name, method: 'semantic exact, JS loop', buildS: 0, queries: jsQ, rssMb: rssMb(), recall: recallAt10(truth, js.results), p50: js.p50, p95: js.p95 });
  record({ dataset: ds.name, method: 'semantic exact, usearch exactSearch', buildS: 0, queries: Q, rssMb: rssMb(), recall: 1, p50: exact.p50, p95: exact.p95 });
  data = null;

  for (const [ci, c] of configs.entries()) {
    if (c.o.quantization === 'f32' && ds.n > F32_UP_TO) {
      log(`${ds.name}: ${c.label} skipped above --f32-up-to ${F32_UP_TO}`);
      continue;
    }
    await settle();
    let idx: VectorIndex | null = createVectorIndex(ds.dim, c.o);
    const chunk = 100_000;
    const buf = new Float32Array(chunk * ds.dim);
    let buildMs = 0;
    for (let s = 0; s < ds.n; s += chunk) {
      const m = Math.min(chunk, ds.n - s);
      ds.fill(s, m, buf);
      const keys = Array.from({ length: m }, (_, i) => ds.key(s + i));
      const vs = keys.map((_, i) => buf.subarray(i * ds.dim, (i + 1) * ds.dim));
      t = performance.now();
      idx.upsertMany(keys, vs);
      buildMs += performance.now() - t;
    }
    const rss = rssMb();
    const r = timeQueries(Q, (i) => idx!.search(ds.vectorQueries[i]!, 10).map((h) => h.key));
    record({ dataset: ds.name, method: `${c.label} (${idx.kind})`, buildS: buildMs / 1000, queries: Q, rssMb: rss, recall: recallAt10(truth, r.results), p50: r.p50, p95: r.p95 });
    if (ci === hybridConfig) {
      for (const sl of SHORTLISTS) {
        const rs = timeQueries(Q, (i) => idx!.search(ds.vectorQueries[i]!, 10, { shortlist: sl }).map((h) => h.key));
        record({ dataset: ds.name, method: `${c.label} (${idx.kind}), short list ${sl}`, buildS: null, queries: Q, rssMb: null, recall: recallAt10(truth, rs.results), p50: rs.p50, p95: rs.p95 });
      }
      // The candidates alone once more, now that the vector index is built: at 1M the build evicts part of
      // the index file from the page cache, and this first pass after it is the slow one (docs/benchmarks.md,
      // "Cold after the vector phase"); it also re-warms the index for the hybrid row below.
      const again = timeQueries(Q, (i) => ds.fts.search(parseQuery(ds.keywordQueries[i]!), { limit: HYBRID_K, plain: true, candidates: true }).hits.length);
      log(`${ds.name} keyword top ${HYBRID_K} again, after the vector index build: p50 ${again.p50.toFixed(2)} / p95 ${again.p95.toFixed(2)} ms`);
      // As the search service does it: candidates without highlighting or counting, then one highlighted page.
      const stages: Record<'keyword candidates' | 'semantic top 100' | 'fusion' | 'highlight page', number[]> = { 'keyword candidates': [], 'semantic top 100': [], fusion: [], 'highlight page': [] };
      const h = timeQueries(Q, (i) => {
        const t0 = performance.now();
        const query = parseQuery(ds.keywordQueries[i]!);
        const kw = ds.fts.search(query, { limit: HYBRID_K, plain: true, candidates: true }).hits.map((x) => ({ key: String(x.id), score: x.score }));
        const t1 = performance.now();
        const sem = idx!.search(ds.vectorQueries[i]!, HYBRID_K).map((x) => ({ key: String(x.key), score: x.score }));
        const t2 = performance.now();
        const page = weightedSum(kw, sem, DEFAULT_HYBRID_WEIGHT).slice(0, PAGE);
        const t3 = performance.now();
        const out = ds.fts.decorate(query, page.map((x) => ({ id: Number(x.key), score: x.score })));
        const t4 = performance.now();
        stages['keyword candidates'].push(t1 - t0);
        stages['semantic top 100'].push(t2 - t1);
        stages.fusion.push(t3 - t2);
        stages['highlight page'].push(t4 - t3);
        return out;
      });
      log(`${ds.name} hybrid by stage: ${Object.entries(stages).map(([k, v]) => `${k} p50 ${percentile(v.sort((a, b) => a - b), 0.5).toFixed(2)} / p95 ${percentile(v, 0.95).toFixed(2)} ms`).join('; ')}`);
      record({ dataset: ds.name, method: `hybrid: keyword + ${idx.kind} + weightedSum`, buildS: ds.ftsBuildS + buildMs / 1000, queries: Q, rssMb: rssMb(), recall: null, p50: h.p50, p95: h.p95 });
    }
    idx = null;
  }
  ds.fts.close();
  fs.rmSync(ds.ftsDir, { recursive: true, force: true });
}

/** The common-word counts a node takes once caught up (pb_bm25's idfs): part of the build; returns its ms. */
async function termStats(fts: SearchIndex, name: string): Promise<number> {
  const t = performance.now();
  await fts.refreshTermStats();
  const ms = performance.now() - t;
  log(`${name}: ranking ${fts.ranking.fn}${fts.ranking.fn === 'bm25' ? ` (${fts.ranking.why})` : `, common-word counts in ${(ms / 1000).toFixed(1)} s`}`);
  return ms;
}

function doc(id: number, arxivId: string, title: string, abstract: string, authors: string[], categories: string[]): IndexDoc {
  return { id, arxivId, title, abstract, authors, categories, publishedAt: null, dailyDate: null, upvotes: 0, seq: id };
}

async function syntheticDataset(n: number): Promise<Dataset> {
  const name = `synthetic ${n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`}`;
  const ftsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-search-'));
  const fts = openSearchIndex(ftsDir);
  let applyMs = 0;
  const batch = 20_000;
  const t0 = performance.now();
  let docs: IndexDoc[] = [];
  for (const t of syntheticTexts(n)) {
    docs.push(doc(t.id, `syn.${t.id - 1}`, t.title, t.abstract, ['A. Author', 'B. Author'], ['cs.LG']));
    if (docs.length < batch && t.id < n) continue;
    const s = performance.now();
    fts.apply(docs);
    applyMs += performance.now() - s;
    docs = [];
    if ((t.id / batch) % 10 === 0) log(`${name}: FTS ${t.id} docs, ${(applyMs / 1000).toFixed(0)} s in SQLite`);
  }
  applyMs += await termStats(fts, name);
  log(`${name}: FTS built, ${(applyMs / 1000).toFixed(1)} s in SQLite, ${((performance.now() - t0) / 1000).toFixed(1)} s with text generation`);
  const keywordQueries = syntheticKeywordQueries(QUERIES);
  const space: VectorSpace = vectorSpace(DIM, { seed: 1 });
  const qbuf = new Float32Array(QUERIES * DIM);
  const qrand = rng(99);
  for (let i = 0; i < QUERIES; i++) space.sample(qrand, qbuf, i * DIM);
  // Row i is drawn from its own seed, so any range of rows can be regenerated in any order.
  return {
    name,
    dim: DIM,
    n,
    fts,
    ftsDir,
    ftsBuildS: applyMs / 1000,
    keywordQueries,
    vectorQueries: Array.from({ length: QUERIES }, (_, i) => qbuf.slice(i * DIM, (i + 1) * DIM)),
    fill(from, count, out) {
      for (let i = 0; i < count; i++) space.sample(rng(1_000_003 + from + i), out, i * DIM);
    },
    key: (i) => i + 1,
  };
}

async function arxivDataset(dir: string): Promise<Dataset> {
  const papers: { arxivId: string; title: string; abstract: string; authors: string[]; categories: string[] }[] = [];
  for await (const item of readKaggle(listInputFiles([dir], isKaggleFile))) {
    if (item.kind !== 'paper') continue;
    const p = item.paper;
    papers.push({ arxivId: p.arxivId, title: p.title, abstract: p.abstract ?? '', authors: (p.authors ?? []).map((a) => (typeof a === 'string' ? a : a.name)), categories: p.categories ?? [] });
  }
  log(`arXiv: ${papers.length} papers read from ${dir}`);
  const ftsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-search-'));
  const fts = openSearchIndex(ftsDir);
  let t = performance.now();
  for (let s = 0; s < papers.length; s += 20_000) {
    fts.apply(papers.slice(s, s + 20_000).map((p, i) => doc(s + i + 1, p.arxivId, p.title, p.abstract, p.authors, p.categories)));
  }
  await termStats(fts, 'arXiv');
  const ftsBuildS = (performance.now() - t) / 1000;
  t = performance.now();
  const texts = papers.map((p) => `${p.title} ${p.abstract}`);
  const model = trainLsa(texts, { dim: LSA_DIM });
  const vectors = new Float32Array(papers.length * LSA_DIM);
  texts.forEach((x, i) => vectors.set(embedWithLsa(model, x), i * LSA_DIM));
  log(`arXiv: FTS ${ftsBuildS.toFixed(1)} s; LSA ${LSA_DIM}-d trained and ${papers.length} papers embedded in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  // Queries: 2–5 content words from the title of a random paper, embedded by the same model.
  const qr = rng(21);
  const keywordQueries: string[] = [];
  while (keywordQueries.length < QUERIES) {
    const ws = words(papers[Math.floor(qr() * papers.length)]!.title).filter((w) => w.length > 3);
    if (ws.length < 2) continue;
    const len = Math.min(ws.length, 2 + Math.floor(qr() * 4));
    const start = Math.floor(qr() * (ws.length - len + 1));
    keywordQueries.push(ws.slice(start, start + len).join(' '));
  }
  return {
    name: `arXiv ${(papers.length / 1000).toFixed(1)}k (LSA ${LSA_DIM}-d)`,
    dim: LSA_DIM,
    n: papers.length,
    fts,
    ftsDir,
    ftsBuildS,
    keywordQueries,
    vectorQueries: keywordQueries.map((q) => embedWithLsa(model, q)),
    fill(from, count, out) {
      out.set(vectors.subarray(from * LSA_DIM, (from + count) * LSA_DIM));
    },
    key: (i) => i + 1,
  };
}

function table(): string {
  const head = ['dataset', 'method', 'build s', 'queries', 'p50 ms', 'p95 ms', 'recall@10', 'RSS MB'];
  const body = rows.map((r) => [r.dataset, r.method, r.buildS === null ? '–' : r.buildS.toFixed(1), String(r.queries), r.p50.toFixed(2), r.p95.toFixed(2), r.recall === null ? '–' : r.recall.toFixed(3), r.rssMb === null ? '–' : String(r.rssMb)]);
  return [head, head.map(() => '---'), ...body].map((c) => `| ${c.join(' | ')} |`).join('\n');
}

function goals(): string[] {
  const biggest = Math.max(...SIZES);
  const name = `synthetic ${biggest >= 1e6 ? `${biggest / 1e6}M` : `${biggest / 1e3}k`}`;
  const at = rows.filter((r) => r.dataset === name);
  const hybrid = at.find((r) => r.method.startsWith('hybrid'));
  const semantic = at.filter((r) => r.method.startsWith('semantic HNSW') && (r.recall ?? 0) >= 0.95).sort((a, b) => a.p95 - b.p95)[0];
  const maxRss = Math.max(...at.filter((r) => r.rssMb !== null && !r.method.includes('HNSW f32')).map((r) => r.rssMb!));
  const mark = (ok: boolean): string => (ok ? 'MET   ' : 'MISSED');
  return [
    `Goals at ${name} on ${os.cpus().length} cores:`,
    `${mark(!!hybrid && hybrid.p95 <= 30)} hybrid p95 ≤ 30 ms: ${hybrid ? `${hybrid.p95.toFixed(1)} ms (${hybrid.method})` : 'not run'}`,
    `${mark(!!semantic && semantic.p95 <= 10)} semantic p95 ≤ 10 ms at recall@10 ≥ 0.95: ${semantic ? `${semantic.p95.toFixed(2)} ms, recall ${semantic.recall!.toFixed(3)} (${semantic.method})` : 'no HNSW configuration reached recall 0.95'}`,
    `${mark(!!hybrid && hybrid.buildS! <= 600)} full build (FTS + recommended vector index) ≤ 10 min: ${hybrid ? `${hybrid.buildS!.toFixed(0)} s` : 'not run'}`,
    `${mark(maxRss <= 2560)} RSS ≤ 2.5 GB with the recommended configurations: max ${maxRss} MB (HNSW f32 stores its vectors twice and is not recommended)`,
  ];
}

log(`sizes ${SIZES.join(', ')}, ${QUERIES} queries, HNSW defaults ${JSON.stringify(DEFAULT_HNSW)}, ${os.cpus().length} cores`);
for (const n of SIZES) {
  await benchDataset(await syntheticDataset(n), CONFIGS, HYBRID_CONFIG);
  await settle();
}
if (!values['skip-arxiv']) await benchDataset(await arxivDataset(values.arxiv!), [CONFIGS[0]!, CONFIGS[2]!], HYBRID_CONFIG);
console.log(table());
console.log();
console.log(goals().join('\n'));

/**
 * HTTP load benchmark: `npm run bench:http -- [options]`. Starts `paperboy serve` as separate child
 * processes (one, or several on one PostgreSQL database), seeds a catalog from ../shared data unless
 * --database points at a populated one, then drives each route with autocannon and prints req/s,
 * latency percentiles and errors. Routes this build does not serve (404 on a probe) are skipped with a note.
 *
 *   --duration S      seconds per route (default 60)      --connections N   (default 100)
 *   --engine E        sqlite | postgres (default sqlite)  --nodes N         app processes (default 1)
 *   --database URL    use this populated database instead of seeding a fresh one
 *   --routes a,b      only these route names              --no-arxiv        seed only the HF daily papers
 *   --log-level L     the servers' LOG_LEVEL (default warn: per-request info logs measure the terminal)
 *   --gzip            send Accept-Encoding: gzip, as browsers and feed readers do
 *   --out FILE        also write the results as JSON
 *   --keep-database   keep the seeded database (prints its URL) to pass as --database next time
 *   --data-dir DIR    the nodes' DATA_DIR parent (DIR/node0, …), kept afterwards: a later run with the same
 *                     --database and --data-dir starts on the built index (80k papers: minutes saved per run)
 *   --threads a,b     run everything once per SEARCH_THREADS value, in this order (default 0,<cores>: the
 *                     single-thread figure beside the query pool's, same catalog and index, same run)
 *   --cpu-prof DIR    the servers write V8 CPU profiles (every thread) into DIR when they stop
 *                     (summarise one with `npx tsx bench/lab/cpuprofile-summary.ts FILE`)
 *   --node-args=…     Node's own options for the servers, space-separated (e.g. --node-args=--max-semi-space-size=32;
 *                     the = form: Node's argument parser refuses a separate value that starts with --)
 *
 * Latency percentiles are exact: every response time autocannon reports is kept and sorted (its own
 * histogram summary has p97.5 but no p95).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { benchQueries } from './bench-queries.ts';
import { seedCatalog } from './seed-data.ts';
import { cpuSeconds, settle, startServer as startNode } from './servers.ts';
import { migrate, openStore } from '../src/store/db.ts';

/** The routes to load. Add one here: a name and the request paths to rotate through. */
function benchRoutes(ctx: { paperIds: string[] }): Array<{ name: string; paths: string[] }> {
  // 1,653 distinct two-word queries, visited in a cycle longer than the search service's 500-entry
  // result cache: every request is a real search, not a cache hit.
  const queries = benchQueries();
  return [
    { name: 'daily page', paths: ['/'] },
    { name: 'paper page', paths: ctx.paperIds.map((id) => `/papers/${id}`) },
    { name: 'search API', paths: queries.map((q) => `/api/search?q=${encodeURIComponent(q)}`) },
    { name: 'semantic search API', paths: queries.map((q) => `/api/search?q=${encodeURIComponent(q)}&mode=semantic`) },
    { name: 'hybrid search API', paths: queries.map((q) => `/api/search?q=${encodeURIComponent(q)}&mode=hybrid`) },
    { name: 'daily feed', paths: ['/feeds/daily.rss'] },
    { name: 'trending API', paths: ['/api/trending'] },
    { name: 'category feed', paths: ['/feeds/category/cs.CL.atom'] },
  ];
}

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '60' },
    connections: { type: 'string', default: '100' },
    engine: { type: 'string', default: 'sqlite' },
    nodes: { type: 'string', default: '1' },
    database: { type: 'string' },
    routes: { type: 'string' },
    'no-arxiv': { type: 'boolean', default: false },
    gzip: { type: 'boolean', default: false },
    'log-level': { type: 'string', default: 'warn' },
    out: { type: 'string' },
    'keep-database': { type: 'boolean', default: false },
    'data-dir': { type: 'string' },
    threads: { type: 'string', default: `0,${os.availableParallelism()}` },
    'cpu-prof': { type: 'string' },
    'node-args': { type: 'string', default: '' },
  },
});
const threadCounts = values.threads!.split(',').map(Number);
if (threadCounts.some((n) => !Number.isInteger(n) || n < 0)) throw new Error(`--threads takes counts such as 0,2 (got ${values.threads})`);
const duration = Number(values.duration);
const connections = Number(values.connections);
const nodeCount = Number(values.nodes);
const PG_ADMIN = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

// --- servers ---------------------------------------------------------------------------------------

const startServer = (databaseUrl: string, dataDir: string, threads: number) =>
  startNode(
    databaseUrl,
    dataDir,
    { LOG_LEVEL: values['log-level']!, SEARCH_THREADS: String(threads) },
    [...(values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(values['cpu-prof'])}`] : []), ...values['node-args']!.split(' ').filter(Boolean)],
  );

// --- main ------------------------------------------------------------------------------------------

const dataDir = values['data-dir'] ?? fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-bench-'));
fs.mkdirSync(dataDir, { recursive: true });
let databaseUrl = values.database;
let dropDb: (() => Promise<void>) | undefined;
if (!databaseUrl) {
  if (values.engine === 'postgres') {
    const name = `paperboy_bench_${process.pid}`;
    const admin = new pg.Client({ connectionString: PG_ADMIN });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const u = new URL(PG_ADMIN);
    u.pathname = `/${name}`;
    databaseUrl = u.toString();
    dropDb = async () => {
      const a = new pg.Client({ connectionString: PG_ADMIN });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    };
  } else {
    databaseUrl = `sqlite:${path.join(dataDir, 'bench.db')}`;
  }
  const store = openStore(databaseUrl);
  await migrate(store);
  await seedCatalog(store, !values['no-arxiv']);
  await store.close();
}

const store = openStore(databaseUrl);
const top = await store.db.selectFrom('papers').select('arxiv_id').where('daily_date', 'is not', null).orderBy('upvotes', 'desc').limit(50).execute();
const count = await store.db.selectFrom('papers').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
await store.close();

const engine = databaseUrl.startsWith('sqlite:') ? 'SQLite' : 'PostgreSQL';
console.log(`\n${engine}, ${nodeCount} node(s), ${Number(count.n)} papers, ${connections} connections × ${duration} s per route, ${os.cpus().length} cores, SEARCH_THREADS ${threadCounts.join(' then ')}\n`);
// CPU ms per response: the servers' CPU time (main thread, and all their other threads: query threads,
// libuv, GC helpers) over the responses. Unlike req/s it hardly depends on what else the machine runs.
console.log('| route | threads | req/s | p50 ms | p95 ms | p99 ms | errors | non-2xx | CPU ms/response main + other threads | load avg |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');

/** The q-quantile (0..1) of ascending `sorted`, nearest-rank. */
function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

const only = values.routes ? new Set(values.routes.split(',')) : undefined;
const results: unknown[] = [];
try {
  // Each setting runs on the same index folders: the first start builds the index, trains the embedder and
  // embeds; the next ones load what it saved, so the settings differ in nothing but SEARCH_THREADS.
  for (const threads of threadCounts) {
    const servers = [];
    for (let i = 0; i < nodeCount; i++) servers.push(await startServer(databaseUrl, path.join(dataDir, `node${i}`), threads));
    try {
      await settle(servers.map((s) => s.proc));
      for (const route of benchRoutes({ paperIds: top.map((r) => r.arxiv_id) })) {
        if (only && !only.has(route.name)) continue;
        if (route.paths.length === 0) continue;
        const probe = await fetch(`${servers[0]!.url}${route.paths[0]}`);
        await probe.arrayBuffer();
        if (probe.status === 404) {
          console.log(`| ${route.name} | ${threads} | — | — | — | — | — | not served by this build (404 on ${route.paths[0]}) | — | |`);
          continue;
        }
        const pids = servers.map((s) => s.proc.pid!);
        const cpuBefore = pids.map(threadCpu);
        const measured = await load(servers.map((s) => s.url), route.paths);
        const cpuAfter = pids.map(threadCpu);
        const spent = (k: 'main' | 'other') => Number(((1000 * pids.reduce((n, _, i) => n + cpuAfter[i]![k] - cpuBefore[i]![k], 0)) / Math.max(1, measured.responses)).toFixed(2));
        const row = { route: route.name, threads, ...measured, cpuMsMain: spent('main'), cpuMsOther: spent('other'), load: os.loadavg()[0]!.toFixed(1) };
        results.push(row);
        console.log(`| ${row.route} | ${threads} | ${row.reqPerSec} | ${row.p50} | ${row.p95} | ${row.p99} | ${row.errors} | ${row.non2xx} | ${row.cpuMsMain} + ${row.cpuMsOther} | ${row.load} |`);
      }
    } finally {
      for (const s of servers) s.proc.kill('SIGTERM');
      await Promise.all(servers.map((s) => new Promise((r) => (s.proc.exitCode !== null ? r(null) : s.proc.once('exit', r)))));
    }
  }
} finally {
  if (values['data-dir']) {
    // The caller's folder: nodes' index folders stay for the next run (and the seeded database, if any, beside them).
    if (!values.database) console.error(`kept the database: --database ${databaseUrl}`);
  } else if (values['keep-database'] && !values.database) {
    for (let i = 0; i < nodeCount; i++) fs.rmSync(path.join(dataDir, `node${i}`), { recursive: true, force: true });
    console.error(`kept the database: --database ${databaseUrl}`);
  } else {
    await dropDb?.();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** CPU seconds of a server's main thread and of all its other threads together (Linux /proc). */
function threadCpu(pid: number): { main: number; other: number } {
  const total = cpuSeconds(pid) ?? 0;
  const main = cpuSeconds(pid, pid) ?? 0;
  return { main, other: total - main };
}

/** Drive `paths` in rotation over `urls` for the run's duration: throughput, exact latency percentiles, errors. */
async function load(urls: string[], paths: string[]) {
  let i = 0;
  // Several URLs spread the connections over the nodes (autocannon supports it; its typings lag).
  const opts = {
    url: urls.length === 1 ? urls[0]! : urls,
    connections,
    duration,
    headers: values.gzip ? { 'accept-encoding': 'gzip' } : {},
    requests: [{ setupRequest: (req: autocannon.Request) => ({ ...req, path: paths[i++ % paths.length]! }) }],
  };
  const latencies: number[] = [];
  // Without a callback autocannon returns its instance, which is also a promise of the result.
  const run = autocannon(opts as autocannon.Options) as unknown as autocannon.Instance & Promise<autocannon.Result>;
  // (client, statusCode, bytes, responseTime ms): one event per completed response.
  run.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => void latencies.push(ms));
  const r = await run;
  const sorted = Float64Array.from(latencies).sort();
  const ms = (q: number) => Number(quantile(sorted, q).toFixed(1));
  return { reqPerSec: Math.round(r.requests.average), responses: sorted.length, p50: ms(0.5), p95: ms(0.95), p99: ms(0.99), max: ms(1), errors: r.errors + r.timeouts, non2xx: r.non2xx };
}
if (values.out) fs.writeFileSync(values.out, JSON.stringify({ engine, nodes: nodeCount, papers: Number(count.n), connections, duration, threads: threadCounts, results }, null, 2));

/**
 * Absorb benchmark: `npm run bench:absorb -- [options]`. Starts `paperboy serve` (one SQLite node) on a
 * catalog of the Hugging Face daily papers, then writes the 74.7k arXiv papers (and, with --papers N,
 * synthetic ones up to N in all) into its catalog while it runs, so the node indexes, trains its
 * embedder and embeds them in the background. Meanwhile it polls /healthz every --poll-ms, scrapes
 * /metrics every second (the event-loop delay prom-client takes with perf_hooks.monitorEventLoopDelay)
 * and reads the server's resident memory (all threads) from /proc. It prints the worst /healthz wait,
 * the worst event-loop delay, peak RSS (the kernel's high-water mark, VmHWM) during the absorb and the
 * steady RSS once the node is idle again, beside the figures issue 14 reported before this work.
 *
 *   --papers N     papers in the catalog at the end (default: every real one, ~80k; more are synthetic)
 *   --poll-ms MS   /healthz poll interval (default 50)        --no-hf   start from an empty catalog
 *   --env K=V,…    extra settings for the server (e.g. SEARCH_THREADS=0)
 *   --out FILE     also write the figures as JSON
 *   --trace FILE   also write a line of JSON a second: RSS (anonymous and file-backed), the main isolate's
 *                  heap and external memory, threads, CPU (all threads, and the main thread alone), progress
 *   --cpu-prof DIR the node runs with --cpu-prof into DIR (every thread; read with bench/long-tasks.ts)
 *   --smaps FILE   also write the idle node's memory by mapping (/proc/PID/smaps, largest first)
 *   --what-if      diagnosis, after the steady reading: the RSS after a full GC in the node (the probe does it
 *                  on SIGWINCH), then glibc's malloc_stats() and the RSS after malloc_trim(0), both called
 *                  through gdb (needs gdb and ptrace rights)
 * The event-loop histogram (p50/p99/max over the whole absorb) and the stalls over 50 ms come from
 * bench/loop-probe.mjs, preloaded into the node.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import type { PaperInput } from '../src/catalog/paper.ts';
import { upsertPapers } from '../src/catalog/papers.repo.ts';
import { migrate, openStore } from '../src/store/db.ts';
import { arxiv, hfDaily, SHARED } from './seed-data.ts';
import { cpuSeconds, settle, startServer } from './servers.ts';
import { syntheticTexts } from './synthetic.ts';

const { values } = parseArgs({
  options: {
    papers: { type: 'string' },
    'poll-ms': { type: 'string', default: '50' },
    'no-hf': { type: 'boolean', default: false },
    env: { type: 'string', default: '' },
    out: { type: 'string' },
    trace: { type: 'string' },
    'cpu-prof': { type: 'string' },
    smaps: { type: 'string' },
    'what-if': { type: 'boolean', default: false },
  },
});
if (!SHARED) throw new Error('bench:absorb needs ../shared/data (the arXiv and HF daily papers)');
const pollMs = Number(values['poll-ms']);
const target = values.papers ? Number(values.papers) : undefined;
const env = Object.fromEntries(values.env.split(',').filter(Boolean).map((kv) => kv.split('=') as [string, string]));

/** Issue 14's figures before this work (one SQLite node absorbing the arXiv set). */
const BEFORE = { healthzMaxMs: 5600, peakRssMb: 1490, steadyRssMb: 517 };

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-absorb-'));
const databaseUrl = `sqlite:${path.join(dataDir, 'catalog.db')}`;
const store = openStore(databaseUrl);
await migrate(store);
let papers = 0;
if (!values['no-hf']) {
  let batch: PaperInput[] = [];
  for (const p of hfDaily(path.join(SHARED, 'hf-daily-papers'))) if (batch.push(p) >= 1000) {
    await upsertPapers(store, batch);
    batch = [];
  }
  await upsertPapers(store, batch);
}
const count = async () => Number((await store.db.selectFrom('papers').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
papers = await count();
const startPapers = papers;

const probeFile = path.join(dataDir, 'loop-probe.json');
const nodeOptions = [env.NODE_OPTIONS ?? process.env.NODE_OPTIONS ?? '', `--import ${new URL('./loop-probe.mjs', import.meta.url).href}`];
// --cpu-prof is not allowed in NODE_OPTIONS: a flag of the node process itself (its worker threads are profiled too).
const nodeArgs = values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(values['cpu-prof'])}`] : [];
const { url, proc } = await startServer(databaseUrl, path.join(dataDir, 'node'), { ...env, NODE_OPTIONS: nodeOptions.join(' ').trim(), PAPERBOY_LOOP_PROBE: probeFile }, nodeArgs);
type Probe = { memMb: Record<string, number>; sinceMs: number; count: number; p50Ms: number; p99Ms: number; maxMs: number; stalls: Array<{ atMs: number; ms: number }> };
const readProbe = (): Probe | undefined => {
  try {
    return JSON.parse(fs.readFileSync(probeFile, 'utf8')) as Probe;
  } catch {
    return undefined; // not written yet
  }
};
await settle([proc]);
const pid = proc.pid!;
const status = (key: string) => {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
};
const startRss = status('VmRSS');
console.error(`node up with ${papers} papers, RSS ${startRss.toFixed(0)} MB; absorbing…`);

// The node's /metrics reports the event-loop delay since its previous scrape: one scrape now, so the first
// one counted does not report the start-up (1.5 s at 30k papers, before any paper was written).
await (await fetch(`${url}/metrics`)).text();
proc.kill('SIGUSR2'); // the probe's window starts now
const t0 = performance.now();
// Probes: /healthz round trips, the event-loop delay of each scrape interval, resident memory.
let loopMaxMs = 0;
let probing = true;
const metric = (text: string, name: string) => Number(new RegExp(`^${name} ([0-9.e+-]+)$`, 'm').exec(text)?.[1] ?? NaN);
// /healthz is polled from a worker thread of this benchmark: its main thread writes the catalog with
// better-sqlite3, synchronously, 1,000 papers a statement batch, and a poll timed there counted those writes
// as the node's wait (session 8's one 6.6 s /healthz wait came with a node loop max of 563 ms). The main
// thread's own delay is kept beside it, to show what the client side would have added.
const poller = new Worker(
  `const { parentPort, workerData } = require('node:worker_threads');
  const waits = [];
  let on = true;
  parentPort.on('message', () => { on = false; });
  (async () => {
    while (on) {
      const t = performance.now();
      try { await (await fetch(workerData.url + '/healthz')).arrayBuffer(); } catch {}
      waits.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, workerData.pollMs));
    }
    parentPort.postMessage(waits);
  })();`,
  { eval: true, workerData: { url, pollMs } },
);
const pollHealth = new Promise<number[]>((resolve, reject) => poller.once('message', resolve).once('error', reject));
const ownLoop = monitorEventLoopDelay({ resolution: 10 });
ownLoop.enable();
let last = { lag: NaN, pending: NaN, vectors: NaN, indexed: NaN, heapMb: NaN, externalMb: NaN };
const scrape = async () => {
  const text = await (await fetch(`${url}/metrics`)).text();
  // The node's own gauge (src/metrics.ts): the worst delay since the previous scrape.
  loopMaxMs = Math.max(loopMaxMs, metric(text, 'paperboy_event_loop_delay_seconds\\{quantile="1"\\}') * 1000 || 0);
  last = {
    lag: metric(text, 'paperboy_search_index_lag'), pending: metric(text, 'paperboy_search_vectors_pending'),
    vectors: metric(text, 'paperboy_search_vectors'), indexed: metric(text, 'paperboy_search_index_papers'),
    heapMb: Math.round(metric(text, 'paperboy_nodejs_heap_size_used_bytes') / 2 ** 20), externalMb: Math.round(metric(text, 'paperboy_nodejs_external_memory_bytes') / 2 ** 20),
  };
};
// The trace: where the memory is (anonymous: heaps, typed arrays, malloc; file: mapped code and files) and
// which thread works (the main thread's tid is the pid; the rest are workers, usearch's and libuv's).
const traceOut = values.trace ? fs.openSync(values.trace, 'w') : undefined;
let cpuAt = { t: performance.now(), all: cpuSeconds(pid) ?? 0, main: cpuSeconds(pid, pid) ?? 0 };
const trace = () => {
  if (traceOut === undefined) return;
  const now = { t: performance.now(), all: cpuSeconds(pid) ?? NaN, main: cpuSeconds(pid, pid) ?? NaN };
  const dt = (now.t - cpuAt.t) / 1000;
  const threads = fs.readdirSync(`/proc/${pid}/task`).length;
  fs.writeSync(traceOut, `${JSON.stringify({
    s: Math.round((now.t - t0) / 1000), rssMb: Math.round(status('VmRSS')), anonMb: Math.round(status('RssAnon')), fileMb: Math.round(status('RssFile')), hwmMb: Math.round(status('VmHWM')),
    heapMb: last.heapMb, externalMb: last.externalMb, threads, cpu: +((now.all - cpuAt.all) / dt).toFixed(2), cpuMain: +((now.main - cpuAt.main) / dt).toFixed(2),
    indexed: last.indexed, vectors: last.vectors, pending: last.pending, lag: last.lag,
  })}\n`);
  cpuAt = now;
};
const scraper = (async () => {
  while (probing) {
    await scrape().catch(() => {});
    try {
      trace();
    } catch {
      // the node has exited
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
})();

let batch: PaperInput[] = [];
const flush = async () => {
  await upsertPapers(store, batch);
  papers += batch.length;
  batch = [];
};
for await (const p of arxiv(path.join(SHARED, 'arxiv'))) {
  if (target !== undefined && papers + batch.length >= target) break;
  if (batch.push(p) >= 1000) await flush();
}
await flush();
if (target !== undefined && (await count()) < target) {
  const need = target - (await count());
  for (const t of syntheticTexts(need)) {
    batch.push({ arxivId: `9999.${String(t.id).padStart(6, '0')}`, title: t.title, abstract: t.abstract, authors: ['A. Synthetic'], categories: ['cs.LG'], publishedAt: '2020-01-01T00:00:00.000Z', source: 'synthetic' });
    if (batch.length >= 1000) await flush();
  }
  await flush();
}
const total = await count();
const written = (performance.now() - t0) / 1000;
console.error(`catalog has ${total} papers (written in ${written.toFixed(0)} s); waiting for the node to index and embed them…`);
// Done: every paper indexed and embedded (the embedder may retrain meanwhile: wait for it too).
for (;;) {
  await scrape().catch(() => {});
  if (last.lag === 0 && last.indexed === total && last.pending === 0 && last.vectors === total) break;
  if ((performance.now() - t0) / 1000 > 3600) throw new Error(`not absorbed after an hour: ${JSON.stringify(last)}`);
  await new Promise((r) => setTimeout(r, 1000));
}
const absorbed = (performance.now() - t0) / 1000;
await settle([proc]);
// From the first write until the node is idle again (retraining and re-embedding included).
const probe = readProbe();
const peakRss = status('VmHWM');
const cpu0 = cpuSeconds(pid) ?? NaN;
await new Promise((r) => setTimeout(r, 10_000));
const steadyRss = status('VmRSS');
if (values.smaps) fs.writeFileSync(values.smaps, smapsSummary(fs.readFileSync(`/proc/${pid}/smaps`, 'utf8')));
// What an idle node does by itself: the same 10 s without this benchmark's /healthz and /metrics probes
// (a scrape a second counts the catalog and the index; Prometheus scrapes every 15-60 s).
const cpu1 = cpuSeconds(pid) ?? NaN;
probing = false;
poller.postMessage('stop');
const [healthz] = await Promise.all([pollHealth, scraper]);
await poller.terminate();
ownLoop.disable();
const cpu2 = cpuSeconds(pid) ?? NaN;
await new Promise((r) => setTimeout(r, 10_000));
const idleCpu = ((cpuSeconds(pid) ?? NaN) - cpu2) / 10;
const probedCpu = (cpu1 - cpu0) / 10;
const whatIf: Record<string, unknown> = {};
if (values['what-if']) {
  whatIf.steady = { rssMb: Math.round(status('VmRSS')), node: readProbe()?.memMb };
  proc.kill('SIGWINCH');
  await new Promise((r) => setTimeout(r, 3000));
  whatIf.afterGc = { rssMb: Math.round(status('VmRSS')), node: readProbe()?.memMb };
  const gdb = (call: string) => spawnSync('gdb', ['-p', String(pid), '-batch', '-ex', `call ${call}`], { encoding: 'utf8', timeout: 60_000 });
  gdb('(void)malloc_stats()'); // printed on the node's stderr, which is this benchmark's
  const trimmed = gdb('(int)malloc_trim(0)');
  whatIf.afterTrim = { rssMb: Math.round(status('VmRSS')), returned: /\$1 = (\d+)/.exec(trimmed.stdout)?.[1] ?? trimmed.stderr.trim().split('\n').pop() };
  console.error(`what if: ${JSON.stringify(whatIf)}`);
}
proc.kill('SIGTERM');
await new Promise((r) => (proc.exitCode !== null ? r(null) : proc.once('exit', r)));
await store.close();
fs.rmSync(dataDir, { recursive: true, force: true });

const sorted = Float64Array.from(healthz).sort();
const q = (f: number) => sorted[Math.min(sorted.length - 1, Math.ceil(f * sorted.length) - 1)]!;
const r = {
  papers: total, seconds: Math.round(absorbed), healthzPolls: sorted.length, healthzP50Ms: +q(0.5).toFixed(1), healthzP99Ms: +q(0.99).toFixed(1),
  healthzMaxMs: +q(1).toFixed(0), benchLoopMaxMs: Math.round(ownLoop.max / 1e6), over100ms: healthz.filter((x) => x > 100).length, eventLoopMaxMs: Math.round(loopMaxMs),
  startRssMb: Math.round(startRss), peakRssMb: Math.round(peakRss), steadyRssMb: Math.round(steadyRss),
  loop: probe && { p50Ms: probe.p50Ms, p99Ms: probe.p99Ms, maxMs: probe.maxMs, stalls: probe.stalls },
  idleCpuProbed: +probedCpu.toFixed(3), idleCpu: +idleCpu.toFixed(3), env, whatIf, load: os.loadavg().map((x) => +x.toFixed(2)),
};
console.log(`\nabsorb: ${r.papers} papers on one SQLite node, ${os.cpus().length} cores, load ${r.load.join(' ')}${values.env ? `, ${values.env}` : ''}\n`);
console.log('| measure | before (issue 14) | now |');
console.log('|---|---:|---:|');
console.log(`| absorb time (write, index, train, embed) | – | ${r.seconds} s |`);
console.log(`| /healthz every ${pollMs} ms: p50 / p99 / max | – / – / ${BEFORE.healthzMaxMs} ms | ${r.healthzP50Ms} / ${r.healthzP99Ms} / ${r.healthzMaxMs} ms (${r.over100ms} of ${r.healthzPolls} over 100 ms; polled from a worker, the benchmark's own loop max ${r.benchLoopMaxMs} ms) |`);
console.log(`| event-loop delay, max (monitorEventLoopDelay) | – | ${r.eventLoopMaxMs} ms |`);
if (r.loop) console.log(`| event-loop delay over the run: p50 / p99 / max; stalls over 50 ms | – | ${r.loop.p50Ms} / ${r.loop.p99Ms} / ${r.loop.maxMs} ms; ${r.loop.stalls.length} (${r.loop.stalls.map((x) => x.ms).sort((a, b) => b - a).slice(0, 8).join(', ')} ms) |`);
console.log(`| RSS at start (${startPapers} papers) | 201 MB (demo) | ${r.startRssMb} MB |`);
console.log(`| peak RSS, all threads (VmHWM) | ${BEFORE.peakRssMb} MB | ${r.peakRssMb} MB |`);
console.log(`| steady RSS (idle, 10 s after) | ${BEFORE.steadyRssMb} MB | ${r.steadyRssMb} MB |`);
console.log(`| CPU when idle: with this benchmark's probes / without | – | ${Math.round(r.idleCpuProbed * 100)}% / ${Math.round(r.idleCpu * 100)}% of a core |`);
if (values.out) fs.writeFileSync(values.out, JSON.stringify(r, null, 2));

/** The mappings of an smaps dump, largest resident first: kind (file, [heap], anonymous), size, RSS, flags. */
function smapsSummary(text: string): string {
  const maps: Array<{ range: string; perms: string; name: string; sizeKb: number; rssKb: number }> = [];
  for (const line of text.split('\n')) {
    const head = /^([0-9a-f]+-[0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) maps.push({ range: head[1]!, perms: head[2]!, name: head[3] || '(anonymous)', sizeKb: 0, rssKb: 0 });
    const m = /^(Size|Rss):\s+(\d+) kB/.exec(line);
    if (m && maps.length) maps[maps.length - 1]![m[1] === 'Size' ? 'sizeKb' : 'rssKb'] = Number(m[2]);
  }
  const byName = new Map<string, number>();
  for (const m of maps) byName.set(m.name.startsWith('/') ? 'files' : m.name, (byName.get(m.name.startsWith('/') ? 'files' : m.name) ?? 0) + m.rssKb);
  const mb = (kb: number) => (kb / 1024).toFixed(1);
  return [
    ...[...byName].sort((a, b) => b[1] - a[1]).map(([n, kb]) => `${mb(kb)} MB\t${n}`),
    '',
    ...maps.sort((a, b) => b.rssKb - a.rssKb).slice(0, 60).map((m) => `${mb(m.rssKb)} MB of ${mb(m.sizeKb)}\t${m.perms}\t${m.range}\t${m.name}`),
  ].join('\n');
}

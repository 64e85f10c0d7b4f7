// Event-loop probe for bench/absorb.ts, preloaded into the node under test (NODE_OPTIONS=--import): one
// monitorEventLoopDelay histogram over the whole run (the node's /metrics resets its own at every scrape,
// and per-second quantiles cannot be merged), plus every stall over STALL_MS with the time it began, so a
// stall can be matched with a CPU profile or the trace. Written to PAPERBOY_LOOP_PROBE every second; SIGUSR2
// starts it over.
import fs from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import { isMainThread } from 'node:worker_threads';

const out = process.env.PAPERBOY_LOOP_PROBE;
if (isMainThread && out) {
  const STALL_MS = 50;
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  let t0 = performance.now();
  const stalls = [];
  // SIGUSR2 starts the window over (the benchmark sends it when it starts writing papers).
  process.on('SIGUSR2', () => {
    h.reset();
    stalls.length = 0;
    t0 = performance.now();
  });
  // A 10 ms ticker: a tick later than 10 + STALL_MS ms means the loop was held that long.
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    const late = now - last - 10;
    // monoUs: CLOCK_MONOTONIC in µs, the clock of a --cpu-prof profile's timestamps.
    if (late > STALL_MS) stalls.push({ atMs: Math.round(last - t0), ms: Math.round(late), monoUs: Number(process.hrtime.bigint() / 1000n) - Math.round(late * 1000) });
    last = now;
  }, 10).unref();
  const ms = (ns) => +(ns / 1e6).toFixed(2);
  const write = () => {
    const mem = Object.fromEntries(Object.entries(process.memoryUsage()).map(([k, v]) => [k, Math.round(v / 2 ** 20)]));
    const snapshot = {
      memMb: mem,
      sinceMs: Math.round(performance.now() - t0), count: h.count, p50Ms: ms(h.percentile(50)), p90Ms: ms(h.percentile(90)),
      p99Ms: ms(h.percentile(99)), p999Ms: ms(h.percentile(99.9)), maxMs: ms(h.max), stalls,
    };
    fs.writeFileSync(out, JSON.stringify(snapshot));
  };
  setInterval(write, 1000).unref();
  // SIGWINCH (bench:absorb --what-if): a full garbage collection now, to see what an idle node's heap and
  // the native memory its garbage holds (usearch indexes, buffers) would give back.
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc');
  process.on('SIGWINCH', () => {
    gc();
    write();
  });
}

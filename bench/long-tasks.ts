/**
 * Long tasks in a V8 CPU profile (`node --cpu-prof`, e.g. `bench/absorb.ts --cpu-prof DIR`): every run of
 * samples without an idle one that lasted over --over ms, with where its time went (inclusive, by function,
 * the project's own frames first, and the leaves that burned it). This is how an event-loop stall is traced
 * to the code that held the loop. A run without idle is not one task, though: steps that yield with
 * setImmediate follow each other with no idle sample between them, so a busy minute of 20 ms steps shows
 * as one long run. With --stalls, the windows are instead the stalls bench/loop-probe.mjs saw (its file,
 * kept in the node's data folder): each window is the time the loop was really held, and what ran in it.
 *
 *   npx tsx bench/long-tasks.ts FILE.cpuprofile [--over 50] [--top 8] [--stalls loop-probe.json]
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { over: { type: 'string', default: '50' }, top: { type: 'string', default: '8' }, stalls: { type: 'string' } } });
const over = Number(values.over) * 1000;
const top = Number(values.top);

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
const profile = JSON.parse(fs.readFileSync(positionals[0]!, 'utf8')) as { nodes: ProfileNode[]; startTime: number; samples: number[]; timeDeltas: number[] };
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const name = (n: ProfileNode) => {
  const url = n.callFrame.url.replace(/^file:\/\/.*?\/(src|bench|node_modules)\//, '$1/');
  return `${n.callFrame.functionName || '(anonymous)'} ${url ? `${url}:${n.callFrame.lineNumber + 1}` : ''}`.trim();
};
const idle = (id: number) => byId.get(id)!.callFrame.functionName === '(idle)';

// Sample times (µs, the profile's monotonic clock); a sample stands for the time until the next one.
const t: number[] = [];
let now = profile.startTime;
for (const d of profile.timeDeltas) t.push((now += d));
const runs: Array<{ from: number; to: number }> = [];
// The probe's stalls (monoUs: when the held loop's last tick was due, on the profile's clock), as sample ranges.
const stalls = values.stalls ? (JSON.parse(fs.readFileSync(values.stalls, 'utf8')) as { stalls: Array<{ ms: number; monoUs?: number }> }).stalls : [];
for (const s of stalls) {
  if (s.monoUs === undefined || s.ms * 1000 < over) continue;
  let from = t.findIndex((x) => x >= s.monoUs!);
  if (from < 0) continue;
  let to = from;
  while (to + 1 < t.length && t[to + 1]! < s.monoUs + s.ms * 1000) to++;
  if (from > 0 && t[from]! > s.monoUs) from--;
  runs.push({ from, to });
}
for (let i = 0; i < profile.samples.length && !values.stalls; ) {
  if (idle(profile.samples[i]!)) {
    i++;
    continue;
  }
  let j = i;
  while (j + 1 < profile.samples.length && !idle(profile.samples[j + 1]!)) j++;
  const end = j + 1 < t.length ? t[j + 1]! : t[j]!;
  if (end - t[i]! >= over) runs.push({ from: i, to: j });
  i = j + 1;
}

const total = (t[t.length - 1]! - profile.startTime) / 1e6;
console.log(`${positionals[0]}: ${total.toFixed(0)} s profiled, ${runs.length} ${values.stalls ? 'probe stalls' : 'runs without idle'} of ${values.over} ms or more`);
for (const r of runs) {
  const inclusive = new Map<string, number>();
  const self = new Map<string, number>();
  for (let i = r.from; i <= r.to; i++) {
    const dt = (i + 1 < t.length ? t[i + 1]! : t[i]!) - t[i]!;
    const leaf = byId.get(profile.samples[i]!)!;
    self.set(name(leaf), (self.get(name(leaf)) ?? 0) + dt);
    const seen = new Set<string>();
    for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
      const k = name(byId.get(id)!);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
    }
  }
  const ms = (us: number) => `${(us / 1000).toFixed(0)} ms`;
  const end = r.to + 1 < t.length ? t[r.to + 1]! : t[r.to]!;
  console.log(`\n${ms(end - t[r.from]!)} at ${((t[r.from]! - profile.startTime) / 1e6).toFixed(1)} s (mono ${t[r.from]} µs)`);
  const own = [...inclusive].filter(([k]) => /\b(src|bench)\//.test(k)).sort((a, b) => b[1] - a[1]).slice(0, top);
  for (const [k, v] of own) console.log(`  ${ms(v).padStart(7)}  ${k}`);
  console.log('  leaves:');
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${ms(v).padStart(7)}  ${k}`);
}

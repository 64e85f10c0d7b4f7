/**
 * Where a `--cpu-prof` profile's time went: `npx tsx bench/lab/cpuprofile-summary.ts FILE.cpuprofile [N] [FILTER] [LAST_S]`.
 * With LAST_S, only the profile's last LAST_S seconds count (a server profiled by `bench:http --cpu-prof`
 * starts, settles, then takes the load until it stops: the last --duration seconds are the load).
 * Prints the busy time, the top N functions by self time and by inclusive time (each sample counted
 * once per function on its stack), with file:line, and — given FILTER (a regular expression over
 * "function url") — the inclusive time of the frames that match it.
 */
import fs from 'node:fs';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

const [file, nArg, filter, lastArg] = process.argv.slice(2);
if (!file) throw new Error('usage: cpuprofile-summary.ts FILE.cpuprofile [N] [FILTER]');
const p = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
const n = Number(nArg ?? 30);
const byId = new Map(p.nodes.map((x) => [x.id, x]));
const parent = new Map<number, number>();
for (const x of p.nodes) for (const c of x.children ?? []) parent.set(c, x.id);
const label = (x: Node) => {
  const url = x.callFrame.url.replace(/^file:\/\//, '').replace(/.*\/node_modules\//, 'nm:').replace(/.*\/(src|bench)\//, '$1/');
  return `${x.callFrame.functionName || '(anon)'} ${url}${url ? `:${x.callFrame.lineNumber + 1}` : ''}`;
};
const self = new Map<string, number>();
const incl = new Map<string, number>();
let total = 0;
let idle = 0;
let matched = 0;
const re = filter && filter !== '-' ? new RegExp(filter) : null;
// Sample times (µs since the profile's start clock): a sample's time runs to the next sample.
const at: number[] = [];
for (let i = 0, t = p.startTime; i < p.samples.length; i++) at.push((t += p.timeDeltas[i]!));
const from = lastArg ? p.endTime - Number(lastArg) * 1e6 : -Infinity;
for (let i = 0; i < p.samples.length; i++) {
  if (at[i]! < from) continue;
  const dt = ((at[i + 1] ?? p.endTime) - at[i]!) / 1000;
  const leaf = byId.get(p.samples[i]!)!;
  const name = leaf.callFrame.functionName;
  if (name === '(idle)' || name === '(program)') {
    if (name === '(idle)') idle += dt;
    else total += dt;
    self.set(label(leaf), (self.get(label(leaf)) ?? 0) + dt);
    continue;
  }
  total += dt;
  self.set(label(leaf), (self.get(label(leaf)) ?? 0) + dt);
  const seen = new Set<string>();
  let hit = false;
  for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
    const x = byId.get(id)!;
    const l = label(x);
    if (re && !hit && re.test(l)) hit = true;
    if (seen.has(l)) continue;
    seen.add(l);
    incl.set(l, (incl.get(l) ?? 0) + dt);
  }
  if (hit) matched += dt;
}
const wall = (p.endTime - Math.max(p.startTime, from)) / 1000;
console.log(`${file}: wall ${(wall / 1000).toFixed(1)} s, busy ${(total / 1000).toFixed(2)} s, idle ${(idle / 1000).toFixed(2)} s`);
if (re) console.log(`frames matching /${filter}/: ${(matched / 1000).toFixed(2)} s inclusive (${((100 * matched) / total).toFixed(1)}% of busy)`);
const top = (m: Map<string, number>, title: string) => {
  console.log(`\n${title}`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`${(v / 1000).toFixed(3).padStart(8)} s ${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
};
top(self, 'self time');
top(incl, 'inclusive time');

// Lab: ways to read a re-rank's vectors from a node's SQLite index. Args: INDEX_DIR [N]
import path from 'node:path';
import Database from 'better-sqlite3';

const db = new Database(path.join(process.argv[2]!, 'search.db'), { readonly: true });
// PRAGMA=… (e.g. mmap_size=268435456, cache_size=-65536): set on the connection first.
if (process.env.PRAGMA) db.pragma(process.env.PRAGMA);
const n = Number(process.argv[3] ?? 150);
const all = db.prepare('SELECT id FROM vectors').pluck().all() as number[];
const one = db.prepare('SELECT v FROM vectors WHERE id = ?').pluck();
const inList = db.prepare(`SELECT id, v FROM vectors WHERE id IN (${Array(n).fill('?').join(',')})`).raw();
const carray = db.prepare('SELECT id, v FROM vectors WHERE id IN (SELECT value FROM json_each(?))').raw();
let seed = 1;
const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);
const sets = Array.from({ length: 2000 }, () => Array.from({ length: n }, () => all[Math.floor(rnd() * all.length)]!));
const txn = db.transaction((ids: number[]) => ids.map((id) => one.get(id)));
function time(label: string, f: (ids: number[]) => unknown) {
  const ts: number[] = [];
  for (let rep = 0; rep < 1; rep++) for (const s of sets) { const t = performance.now(); f(s); ts.push(performance.now() - t); }
  ts.sort((a, b) => a - b);
  console.log(`${label}: median ${ts[ts.length >> 1]!.toFixed(3)} ms, mean ${(ts.reduce((a, b) => a + b, 0) / ts.length).toFixed(3)}`);
}
for (let i = 0; i < 2; i++) {
  time(`one by one (${n})`, (ids) => ids.map((id) => one.get(id)));
  time(`one by one in one transaction (${n})`, txn);
  time(`one by one, Float32Array views (${n})`, (ids) => ids.map((id) => { const b = one.get(id) as Buffer; return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4); }));
  time(`IN (${n} params)`, (ids) => inList.all(...ids));
  time(`json_each`, (ids) => carray.all(JSON.stringify(ids)));
}

/**
 * Builds the navigational evaluation set from the Hugging Face daily-papers archive (run by hand): a
 * paper's short name ("DeepSeek-R1", "PyVision") → the paper, among every paper of the archive with its
 * real upvotes and day, in BEIR layout plus two fields of ours (`upvotes`, `published`; src/search/eval/beir.ts).
 *
 *   npx tsx scripts/build-nav-set.ts [--archive ../shared/data/hf-daily-papers] [--out eval-data] [--queries 200]
 *
 * Writes `<out>/hf-nav/` (corpus.jsonl.gz, queries.jsonl, qrels/dev.tsv, qrels/dev-any.tsv; gitignored).
 * Deterministic. The choices, and why:
 *  - a short name is what precedes the colon of a title ("PyVision: Agentic Vision with Dynamic Tooling"),
 *    one to three words, and not the start of any other paper's title (so "Position:" or "Survey:" never
 *    count: their answer is ambiguous);
 *  - split `dev`: the names of the `--queries` most upvoted such papers whose words at least 5 other
 *    papers also hold ("llama", "DeepSeek-R1"): what people look up by name where relevance alone cannot
 *    tell which paper is meant, the case the community prior is for;
 *  - split `dev-any`: as many names chosen by the SHA-256 of their id, whatever their upvotes: the prior
 *    must not bury a little-upvoted paper looked up by its own name;
 *  - the corpus keeps titles (a name is looked up in the title) and holds every paper of the archive.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import zlib from 'node:zlib';
import { readHfDaily } from '../src/ingest/hf-daily.ts';
import { words } from '../src/search/index.ts';

const { values } = parseArgs({
  options: {
    archive: { type: 'string', default: '../shared/data/hf-daily-papers' },
    out: { type: 'string', default: 'eval-data' },
    queries: { type: 'string', default: '200' },
  },
});
const count = Number(values.queries);
/** A popular name counts when at least this many other papers hold its words. */
const MENTIONED = 5;
const root = path.join(path.resolve(values.out!), 'hf-nav');

interface Paper { id: string; title: string; abstract: string; upvotes: number; published: string }
const byId = new Map<string, Paper>();
let rejected = 0;
for await (const item of readHfDaily([path.resolve(values.archive!)], { repair: true })) {
  if (item.kind === 'reject') rejected++;
  if (item.kind !== 'paper') continue;
  const p = item.paper;
  const day = (p.publishedAt ?? p.dailyDate ?? '').slice(0, 10);
  if (!p.title || !p.abstract || !/^\d{4}-\d{2}-\d{2}$/.test(day)) continue;
  const prev = byId.get(p.arxivId);
  // A paper listed on two days: its highest count (the later listing carries the votes of both).
  const upvotes = Math.max(prev?.upvotes ?? 0, p.upvotes ?? 0);
  byId.set(p.arxivId, { id: p.arxivId, title: p.title.replace(/\s+/g, ' ').trim(), abstract: p.abstract.replace(/\s+/g, ' ').trim(), upvotes, published: prev?.published ?? day });
}
const papers = [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : 1));

/** The title's short name, or null. */
function shortName(title: string): string | null {
  const m = title.match(/^([^:]{2,40}):\s+\S/);
  if (!m) return null;
  const name = m[1]!.trim();
  const n = words(name).length;
  return n >= 1 && n <= 3 ? name : null;
}
const key = (s: string) => words(s).join(' ');
// How many titles start with each name's words: a name two titles start with is ambiguous.
const starts = new Map<string, number>();
for (const p of papers) {
  const w = words(p.title);
  for (let n = 1; n <= 3; n++) starts.set(w.slice(0, n).join(' '), (starts.get(w.slice(0, n).join(' ')) ?? 0) + 1);
}
const named = papers.flatMap((p) => {
  const name = shortName(p.title);
  return name && starts.get(key(name)) === 1 ? [{ p, name }] : [];
});
// How many other papers hold every word of a name (title or abstract): a name that other papers mention
// ("llama", "DeepSeek-R1") is where relevance alone cannot tell which paper is meant.
const postings = new Map<string, Set<number>>();
papers.forEach((p, i) => {
  for (const w of new Set(words(`${p.title} ${p.abstract}`))) {
    if (!postings.has(w)) postings.set(w, new Set());
    postings.get(w)!.add(i);
  }
});
const mentions = (name: string) => {
  const sets = [...new Set(words(name))].map((w) => postings.get(w) ?? new Set<number>()).sort((a, b) => a.size - b.size);
  return [...sets[0]!].filter((i) => sets.every((s) => s.has(i))).length - 1;
};
const hash = (s: string) => crypto.createHash('sha256').update(s).digest('hex');
const popular = named
  .filter(({ name }) => mentions(name) >= MENTIONED)
  .sort((a, b) => b.p.upvotes - a.p.upvotes || (a.p.id < b.p.id ? -1 : 1))
  .slice(0, count);
const any = [...named].sort((a, b) => (hash(a.p.id) < hash(b.p.id) ? -1 : 1)).slice(0, count);

fs.mkdirSync(path.join(root, 'qrels'), { recursive: true });
const corpus = papers.map((p) => JSON.stringify({ _id: p.id, title: p.title, text: p.abstract, upvotes: p.upvotes, published: p.published })).join('\n') + '\n';
fs.writeFileSync(path.join(root, 'corpus.jsonl.gz'), zlib.gzipSync(corpus, { level: 9 }));
const queries = new Map([...popular, ...any].map(({ p, name }) => [`n-${p.id}`, name]));
fs.writeFileSync(path.join(root, 'queries.jsonl'), [...queries].sort().map(([id, text]) => JSON.stringify({ _id: id, text })).join('\n') + '\n');
const qrels = (list: typeof named) => `query-id\tcorpus-id\tscore\n${list.map(({ p }) => `n-${p.id}\t${p.id}\t1`).join('\n')}\n`;
fs.writeFileSync(path.join(root, 'qrels', 'dev.tsv'), qrels(popular));
fs.writeFileSync(path.join(root, 'qrels', 'dev-any.tsv'), qrels(any));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
console.log(`${root}: ${papers.length} papers (${rejected} archive records rejected), ${named.length} with a unique short name;`);
console.log(`  dev: ${popular.length} names, median upvotes ${median(popular.map((x) => x.p.upvotes))}; dev-any: ${any.length} names, median upvotes ${median(any.map((x) => x.p.upvotes))}`);

/**
 * The largest value of every limited field in real data, as the adapters hand it to the pipeline:
 * the arXiv snapshot slice (Kaggle layout) and the Hugging Face daily archive in ../shared/data.
 * The limits in src/ingest/limits.ts are chosen above these (docs/ingest.md has the table).
 *
 *   npx tsx scripts/measure-field-maxima.ts [../shared/data]
 */
import fs from 'node:fs';
import path from 'node:path';
import type { PaperInput } from '../src/catalog/paper.ts';
import { readHfDaily } from '../src/ingest/hf-daily.ts';
import { readKaggle } from '../src/ingest/kaggle.ts';
import { FIELD_LIMITS } from '../src/ingest/limits.ts';
import { readLines } from '../src/ingest/lines.ts';
import type { SourceItem } from '../src/ingest/pipeline.ts';

const data = path.resolve(process.argv[2] ?? '../shared/data');
type Max = { value: number; where: string };
const maxima = new Map<string, Max>();
const note = (key: string, value: number, where: string) => {
  const m = maxima.get(key);
  if (!m || value > m.value) maxima.set(key, { value, where });
};

function measure(p: PaperInput, where: string): void {
  for (const key of Object.keys(FIELD_LIMITS) as (keyof PaperInput)[]) {
    const v = p[key] as unknown;
    if (typeof v === 'string') note(`${key} (characters)`, v.length, where);
    if (!Array.isArray(v)) continue;
    note(`${key} (items)`, v.length, where);
    for (const x of v) {
      const s = typeof x === 'string' ? x : (x as { name?: string } | null)?.name;
      if (typeof s === 'string') note(`${key} (characters per item)`, s.length, where);
    }
  }
}

async function drain(source: string, items: AsyncIterable<SourceItem>): Promise<number> {
  let n = 0;
  for await (const it of items) {
    if (it.kind !== 'paper') continue;
    n++;
    measure(it.paper, `${source} ${it.paper.arxivId}`);
  }
  return n;
}

const arxivDir = path.join(data, 'arxiv');
const hfDir = path.join(data, 'hf-daily-papers');
const arxiv = await drain('arXiv', readKaggle([arxivDir]));
const hf = await drain('HF', readHfDaily([hfDir], { repair: true }));
let longestLine: Max = { value: 0, where: '' };
for (const f of fs.readdirSync(arxivDir).sort()) {
  for await (const ev of readLines(path.join(arxivDir, f))) {
    if (ev.kind === 'line' && Buffer.byteLength(ev.text) > longestLine.value) longestLine = { value: Buffer.byteLength(ev.text), where: `${f}:${ev.line}` };
  }
}
const largestDay = fs.readdirSync(hfDir).map((f) => ({ value: fs.statSync(path.join(hfDir, f)).size, where: f })).sort((a, b) => b.value - a.value)[0]!;

console.log(`${arxiv} arXiv records, ${hf} Hugging Face entries`);
for (const [k, m] of [...maxima].sort()) console.log(`${k.padEnd(40)} ${String(m.value).padStart(7)}  ${m.where}`);
console.log(`${'snapshot line (bytes)'.padEnd(40)} ${String(longestLine.value).padStart(7)}  ${longestLine.where}`);
console.log(`${'day file (bytes)'.padEnd(40)} ${String(largestDay.value).padStart(7)}  ${largestDay.where}`);

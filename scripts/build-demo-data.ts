/**
 * Builds the committed demo bundle `demo/papers.jsonl.gz` from ../shared/data (run by hand):
 * the seed papers plus the last DAYS days of the Hugging Face daily archive, normalized by the
 * same adapters the importer uses, so loading the bundle is just an upsert. Daily papers that are in the
 * arXiv snapshot slice (../shared/data/arxiv) carry its categories, as the `arxiv-categories` job would
 * fill them: an offline laptop's demo has category lists and feeds from the start.
 *
 *   npx tsx scripts/build-demo-data.ts [--days 75] [--shared ../shared/data]
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import zlib from 'node:zlib';
import type { PaperInput } from '../src/catalog/paper.ts';
import { readHfDaily } from '../src/ingest/hf-daily.ts';
import { readKaggle } from '../src/ingest/kaggle.ts';
import { DEMO_BUNDLE } from '../src/ingest/demo.ts';
import { dayFromFileName } from '../src/ingest/files.ts';
import type { SourceItem } from '../src/ingest/pipeline.ts';
import { readSeed } from '../src/ingest/seed.ts';

const { values } = parseArgs({
  options: { days: { type: 'string', default: '75' }, shared: { type: 'string', default: '/work/shared/data' } },
});
const days = Number(values.days);
const shared = path.resolve(values.shared!);
const hfDir = path.join(shared, 'hf-daily-papers');

// The last N days present in the archive (by file name), counted back from its newest day.
const dayFiles = fs.readdirSync(hfDir).filter((n) => dayFromFileName(n)).sort();
const newest = new Date(`${dayFromFileName(dayFiles.at(-1)!)}T00:00:00Z`);
const cutoff = new Date(newest.getTime() - (days - 1) * 86_400_000).toISOString().slice(0, 10);
const chosen = dayFiles.filter((n) => dayFromFileName(n)! >= cutoff).map((n) => path.join(hfDir, n));

const lines: string[] = [];
const rejected: string[] = [];
async function collect(items: AsyncIterable<SourceItem>): Promise<void> {
  for await (const item of items) {
    if (item.kind === 'paper') lines.push(JSON.stringify(item.paper));
    else if (item.kind === 'reject') rejected.push(`${item.location}: ${item.reason}`);
  }
}
await collect(readSeed([path.join(shared, 'seed', 'seed-papers.jsonl')]));
const seedCount = lines.length;
await collect(readHfDaily(chosen));

// Categories from the arXiv snapshot slice, only where a daily record has none (the job's fill rule).
const categories = new Map<string, string[]>();
for await (const item of readKaggle([path.join(shared, 'arxiv')])) {
  if (item.kind === 'paper' && item.paper.categories?.length) categories.set(item.paper.arxivId, item.paper.categories);
}
let categorized = 0;
for (let i = seedCount; i < lines.length; i++) {
  const p = JSON.parse(lines[i]!) as PaperInput;
  const found = categories.get(p.arxivId);
  if (p.categories?.length || !found) continue;
  lines[i] = JSON.stringify({ ...p, categories: found });
  categorized++;
}

fs.mkdirSync(path.dirname(DEMO_BUNDLE), { recursive: true });
const gz = zlib.gzipSync(`${lines.join('\n')}\n`, { level: 9 });
fs.writeFileSync(DEMO_BUNDLE, gz);
console.log(
  `wrote ${path.relative(process.cwd(), DEMO_BUNDLE)}: ${seedCount} seed + ${lines.length - seedCount} daily records ` +
    `(${chosen.length} day files, ${cutoff} … ${dayFromFileName(dayFiles.at(-1)!)}; ${categorized} with categories from the arXiv slice), ${(gz.length / 1e6).toFixed(2)} MB`,
);
for (const r of rejected) console.log(`  skipped ${r}`);

/**
 * The file-based ingest sources as CLI-registrable specs: `hf-daily`, `kaggle`, `seed`, `demo`.
 */
import { listInputFiles } from './files.ts';
import { readHfDaily } from './hf-daily.ts';
import { isKaggleFile, readKaggle } from './kaggle.ts';
import { readDemoBundle, DEMO_BUNDLE } from './demo.ts';
import { readSeed } from './seed.ts';
import type { SourceSpec } from './source.ts';

export const hfDailySource: SourceSpec = {
  name: 'hf-daily',
  summary: 'Hugging Face daily_papers JSON: day files or directories of them',
  usage: 'ingest hf-daily <file.json|dir>… [--repair]',
  options: { repair: { type: 'boolean', default: false } },
  async open({ positionals, values, info }) {
    // List eagerly so a wrong path fails before any progress output.
    const files = listInputFiles(positionals, (n) => n.endsWith('.json'));
    const items = readHfDaily(files, {
      repair: values.repair === true,
      onRepair: (file, n) => info(`repaired ${file}: decoded ${n} Python-repr entries`),
    });
    return { items };
  },
};

export const kaggleSource: SourceSpec = {
  name: 'kaggle',
  summary: 'Kaggle arXiv metadata snapshot: JSON Lines, plain or .gz',
  usage: 'ingest kaggle <file.jsonl[.gz]|dir>…',
  async open({ positionals }) {
    return { items: readKaggle(listInputFiles(positionals, isKaggleFile)) };
  },
};

export const seedSource: SourceSpec = {
  name: 'seed',
  summary: 'seed papers JSON Lines (arxivId, title, abstract, authors, category, publishedAt, upvotes)',
  usage: 'ingest seed <seed-papers.jsonl>…',
  async open({ positionals }) {
    return { items: readSeed(listInputFiles(positionals, (n) => /\.jsonl(\.gz)?$/.test(n))) };
  },
};

export const demoSource: SourceSpec = {
  name: 'demo',
  summary: 'the bundled demo papers (seed papers and recent Hugging Face daily papers)',
  usage: 'ingest demo',
  async open({ positionals }) {
    const bundle = positionals[0] ?? DEMO_BUNDLE;
    return { items: readDemoBundle(bundle) };
  },
};

/**
 * Real papers for the benchmarks, read from ../shared/data when it is there: the Hugging Face daily
 * papers (≈9.9k, with upvotes) and the 74.7k-paper arXiv set in the Kaggle layout.
 */
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import zlib from 'node:zlib';
import type { PaperInput } from '../src/catalog/paper.ts';
import { upsertPapers } from '../src/catalog/papers.repo.ts';
import type { Store } from '../src/store/db.ts';

/** The shared data folder, or undefined. */
export const SHARED = [process.env.PAPERBOY_SHARED_DATA, path.resolve('../shared/data'), '/work/shared/data'].find((p) => p && fs.existsSync(p));

/** HF daily_papers items → PaperInput (only what the pages show; files that are not JSON are skipped). */
export function* hfDaily(dir: string): Generator<PaperInput> {
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    let items: unknown;
    try {
      items = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
    } catch {
      continue;
    }
    if (!Array.isArray(items)) continue;
    for (const it of items as Array<Record<string, any>>) {
      const p = it?.paper;
      if (!p?.id || !p.title) continue;
      yield {
        arxivId: String(p.id), title: String(p.title), abstract: p.summary ?? '', authors: (p.authors ?? []).map((a: { name: string }) => a.name),
        publishedAt: p.publishedAt ?? null, dailyDate: f.slice(0, 10), upvotes: p.upvotes ?? 0, numComments: it.numComments ?? 0,
        githubRepo: p.githubRepo ?? null, aiSummary: p.ai_summary ?? null, aiKeywords: p.ai_keywords ?? null, source: 'hf-daily',
      };
    }
  }
}

/** Kaggle-layout arXiv JSONL.gz → PaperInput. */
export async function* arxiv(dir: string): AsyncGenerator<PaperInput> {
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.jsonl.gz')).sort()) {
    const lines = readline.createInterface({ input: fs.createReadStream(path.join(dir, f)).pipe(zlib.createGunzip()), crlfDelay: Infinity });
    for await (const line of lines) {
      const r = JSON.parse(line) as Record<string, string | null>;
      yield {
        arxivId: r.id!, title: r.title!, abstract: r.abstract, authors: (r.authors ?? '').split(/,\s*|\s+and\s+/).filter(Boolean),
        categories: (r.categories ?? '').split(' ').filter(Boolean), publishedAt: r.update_date ? `${r.update_date}T00:00:00.000Z` : null,
        comment: r.comments, source: 'arxiv-kaggle',
      };
    }
  }
}


/** Seed `store` (migrated) with the HF daily papers and, unless `withArxiv` is false, the arXiv set; logs how long it took. */
export async function seedCatalog(store: Store, withArxiv = true): Promise<number> {
  if (!SHARED) throw new Error('no ../shared/data to seed from: pass --database URL of a populated catalog');
  const t = performance.now();
  let batch: PaperInput[] = [];
  let n = 0;
  const flush = async () => {
    n += batch.length;
    await upsertPapers(store, batch);
    batch = [];
  };
  for (const p of hfDaily(path.join(SHARED, 'hf-daily-papers'))) if (batch.push(p) >= 1000) await flush();
  if (withArxiv) for await (const p of arxiv(path.join(SHARED, 'arxiv'))) if (batch.push(p) >= 1000) await flush();
  await flush();
  console.error(`seeded ${n} records in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  return n;
}

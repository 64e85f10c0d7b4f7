/**
 * Sweeps the keyword ranking's feedback settings on known-item and SciFact sets without re-indexing:
 * each set is indexed once, then reopened with each setting (the index file is the same; only the query
 * path changes). Prints MRR@10 and nDCG@10 per set and setting, beside plain BM25. Dev and train splits only.
 *
 *   npx tsx bench/tune-known-item.ts ../shared/eval/hf-title2abs ../shared/eval/scifact eval-data/arxiv-title2abs-10k [--sample N]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSearchService, defaultSplit, loadBeir, mrrAt, ndcgAt, openSearchIndex, parseQuery, words, type ChangeFeed, type IndexDoc, type PrfOptions } from '../src/search/index.ts';

// --sample N: the first N judged queries only (a quick look at a large catalog).
const sampleAt = process.argv.indexOf('--sample');
const sample = sampleAt > 0 ? Number(process.argv[sampleAt + 1]) : Infinity;
const dirs = process.argv.slice(2).filter((a, i) => !a.startsWith('--') && i + 2 !== sampleAt + 1);
const base: PrfOptions = { docs: 5, terms: 10, weight: 0.2 };
const settings: Array<[string, PrfOptions | null, boolean?]> = [
  ['rm3, every rank re-ranked (before)', base],
  ['no feedback', null],
  ['rm3, the first run\'s top 1 kept in place', { ...base, keep: 1 }],
  ['rm3, the first run\'s top 3 kept in place (default)', { ...base, keep: 3 }],
  ['rm3, skip when top ≥ 1.2 × second', { ...base, clearWinner: 1.2 }],
];
for (const dir of dirs) {
  const split = defaultSplit(dir) ?? 'dev';
  const set = await loadBeir(dir, split);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-tune-'));
  const docs: IndexDoc[] = set.corpus.map((d, i) => ({ id: i + 1, arxivId: d.id, title: d.title, abstract: d.text, authors: [], categories: [], publishedAt: null, dailyDate: null, upvotes: 0, seq: i + 1 }));
  const feed: ChangeFeed = { since: async (seq, limit) => docs.slice(seq, seq + limit), head: async () => docs.length };
  const service = createSearchService({ dir: tmp, feed });
  await service.syncOnce();
  service.close();
  for (const [label, prf, exhaustive] of settings) {
    const index = openSearchIndex(tmp, { prf });
    let mrr = 0, ndcg = 0, n = 0;
    for (const [qid, rel] of set.qrels) {
      const text = set.queries.get(qid);
      if (text === undefined) continue;
      if (n >= sample) break;
      const ranked = index.search(parseQuery(words(text).slice(0, 64).join(' ')), { limit: 100, exhaustive }).hits.map((h) => docs[h.id - 1]!.arxivId);
      mrr += mrrAt(ranked, rel, 10);
      ndcg += ndcgAt(ranked, rel, 10);
      n++;
    }
    index.close();
    console.log(`${path.basename(dir).padEnd(22)} ${label.padEnd(38)} MRR@10 ${(mrr / n).toFixed(4)}  nDCG@10 ${(ndcg / n).toFixed(4)}`);
  }
  fs.rmSync(tmp, { recursive: true, force: true });
}

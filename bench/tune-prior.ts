/**
 * Sweeps the community prior (src/search/keyword/prior.ts) on the navigational dev set without
 * re-indexing (indexed once, reopened with each setting) and prints MRR@10 on the popular names (`dev`)
 * and on names chosen whatever their votes (`dev-any`): the prior must find popular papers without
 * burying the rest. Dev splits only; keyword ranking (hybrid inherits it). Other sets are unaffected by
 * construction when they carry no votes; `paperboy eval` reports them.
 *
 *   npx tsx bench/tune-prior.ts eval-data/hf-nav [--depth-words]   (the second: only the query-length and depth sweep)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSearchService, DEFAULT_PRIOR, loadBeir, mrrAt, openSearchIndex, parseQuery, words, type ChangeFeed, type IndexDoc, type PriorOptions } from '../src/search/index.ts';

const dir = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 'eval-data/hf-nav';
const settings: Array<[string, PriorOptions | null]> = [['off', null]];
const only = process.argv.includes('--depth-words');
for (const weight of only ? [] : [0.1, 0.2, 0.3, 0.5]) {
  for (const halfLifeDays of [365, 1460, 1e9]) settings.push([`w ${weight} half-life ${halfLifeDays >= 1e9 ? '∞' : halfLifeDays} d`, { ...DEFAULT_PRIOR, weight, halfLifeDays }]);
}
for (const upTo of [1, 2, 3, 4]) settings.push([`default, up to ${upTo} words`, { ...DEFAULT_PRIOR, upTo }]);
for (const depth of [20, 50, 100, 200]) settings.push([`default, depth ${depth}`, { ...DEFAULT_PRIOR, depth }]);

const dev = await loadBeir(dir, 'dev');
const any = await loadBeir(dir, 'dev-any');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-prior-'));
const docs: IndexDoc[] = dev.corpus.map((d, i) => ({
  id: i + 1, arxivId: d.id, title: d.title, abstract: d.text, authors: [], categories: [], publishedAt: d.published ?? null, dailyDate: d.published ?? null, upvotes: d.upvotes ?? 0, seq: i + 1,
}));
const feed: ChangeFeed = { since: async (seq, limit) => docs.slice(seq, seq + limit), head: async () => docs.length };
const service = createSearchService({ dir: tmp, feed });
await service.syncOnce();
service.close();
for (const [label, prior] of settings) {
  const index = openSearchIndex(tmp, { prior });
  const mrr = (set: typeof dev) => {
    let sum = 0;
    for (const [qid, rel] of set.qrels) {
      const ranked = index.search(parseQuery(words(set.queries.get(qid) ?? '').join(' ')), { limit: 100, plain: true }).hits.map((h) => h.arxivId);
      sum += mrrAt(ranked, rel, 10);
    }
    return (sum / set.qrels.size).toFixed(4);
  };
  console.log(`${label.padEnd(30)} dev ${mrr(dev)}  dev-any ${mrr(any)}`);
  index.close();
}
fs.rmSync(tmp, { recursive: true, force: true });

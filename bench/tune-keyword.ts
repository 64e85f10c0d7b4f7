/**
 * Sweeps the keyword index's field weights on a BEIR set's TRAIN split (never the test split) and
 * prints nDCG@10 for each, to choose DEFAULT_WEIGHTS by measurement.
 * Usage: npx tsx bench/tune-keyword.ts [../shared/eval/scifact]
 */
import { runEval } from '../src/search/eval/run-eval.ts';

const dir = process.argv[2] ?? '../shared/eval/scifact';
for (const title of [1, 1.5, 2, 3, 4]) {
  const [r] = await runEval({ dir, split: 'train', modes: ['keyword'], weights: { title, abstract: 1, authors: 1, expansion: 0.3 } });
  console.log(`title weight ${title}: nDCG@10 ${r!['ndcg@10']}  Recall@100 ${r!['recall@100']}  MRR@10 ${r!['mrr@10']}`);
}

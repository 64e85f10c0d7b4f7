/**
 * Document expansion sweep on a BEIR TRAIN split: each document gains words from its nearest LSA
 * neighbours in the index's low-weight `expansion` column.
 * Usage: npx tsx bench/tune-expansion.ts [../shared/eval/scifact]
 */
import { DEFAULT_WEIGHTS } from '../src/search/search-index.ts';
import { runEval } from '../src/search/eval/run-eval.ts';

const dir = process.argv[2] ?? '../shared/eval/scifact';
for (const [neighbours, words, weight] of [[5, 10, 0.3], [10, 20, 0.3], [10, 20, 0.5]] as const) {
  const [r] = await runEval({ dir, split: 'train', modes: ['keyword'], expansion: { neighbours, words }, weights: { ...DEFAULT_WEIGHTS, expansion: weight } });
  console.log(`expansion ${neighbours} neighbours, ${words} words, weight ${weight}: nDCG@10 ${r!['ndcg@10']}  Recall@100 ${r!['recall@100']}  MRR@10 ${r!['mrr@10']}`);
}

/**
 * Document expansion sweep on a BEIR TRAIN split: each document gains words from its nearest LSA
 * neighbours in the index's `expansion` column — distinct missing words, or a bag of words in
 * proportion to the neighbours' word distributions (`bag` × the document's length).
 * Usage: npx tsx bench/tune-expansion.ts [../shared/eval/scifact] [neighbours,bag,weight ...]
 */
import { DEFAULT_WEIGHTS, runEval } from '../src/search/index.ts';

const dir = process.argv[2] ?? '../shared/eval/scifact';
const settings: Array<[number, number, number]> = process.argv.length > 3 ? process.argv.slice(3).map((s) => s.split(',').map(Number) as [number, number, number]) : [[20, 1, 1], [20, 1, 0.5], [40, 2, 0.5]];
for (const [neighbours, bag, weight] of settings) {
  const [r] = await runEval({ dir, split: 'train', modes: ['keyword'], expansion: { neighbours, words: 0, bag }, weights: { ...DEFAULT_WEIGHTS, expansion: weight } });
  console.log(`expansion bag: ${neighbours} neighbours, ${bag}× length, column weight ${weight}: nDCG@10 ${r!['ndcg@10']}  Recall@100 ${r!['recall@100']}  MRR@10 ${r!['mrr@10']}`);
}

/**
 * Sweeps the keyword ranking's settings on a BEIR set's TRAIN split (never the test split) and prints
 * nDCG@10 for each, to choose DEFAULT_WEIGHTS and DEFAULT_PRF by measurement. Queries are split into
 * odd and even ids as a check that a setting does not merely fit one half.
 * Usage: npx tsx bench/tune-keyword.ts [../shared/eval/scifact] [--quick]
 */
import { DEFAULT_WEIGHTS, runEval, type PrfOptions } from '../src/search/index.ts';

const dir = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? '../shared/eval/scifact';
const quick = process.argv.includes('--quick');

async function run(label: string, weights: typeof DEFAULT_WEIGHTS, prf: PrfOptions | null) {
  const [r] = await runEval({ dir, split: 'train', modes: ['keyword'], weights, prf });
  console.log(`${label.padEnd(44)} nDCG@10 ${r!['ndcg@10'].toFixed(4)}  Recall@100 ${r!['recall@100'].toFixed(4)}  MRR@10 ${r!['mrr@10'].toFixed(4)}  p95 ${r!.p95_ms.toFixed(1)} ms`);
}

if (!quick) for (const title of [1, 2, 3, 4]) await run(`title ${title}, no feedback`, { ...DEFAULT_WEIGHTS, title }, null);
for (const docs of [5, 10]) {
  for (const terms of [10, 20]) {
    for (const weight of [0.2, 0.3, 0.5]) await run(`title 3, prf docs ${docs} terms ${terms} weight ${weight}`, DEFAULT_WEIGHTS, { docs, terms, weight });
  }
}

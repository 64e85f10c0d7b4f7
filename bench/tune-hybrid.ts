/**
 * Sweeps the hybrid mode's fusion (weighted sum and its semantic weight, reciprocal-rank fusion) with
 * the built-in LSA embedder on a BEIR TRAIN split.
 * Usage: npx tsx bench/tune-hybrid.ts [../shared/eval/scifact]
 */
import { runEval } from '../src/search/index.ts';

const dir = process.argv[2] ?? '../shared/eval/scifact';
for (const w of [0.05, 0.1, 0.2, 0.3]) {
  const [r] = await runEval({ dir, split: 'train', modes: ['hybrid'], hybridWeight: w });
  console.log(`hybrid, semantic weight ${w}: nDCG@10 ${r!['ndcg@10']}  Recall@100 ${r!['recall@100']}  MRR@10 ${r!['mrr@10']}`);
}
const [rrf] = await runEval({ dir, split: 'train', modes: ['hybrid'], hybridFusion: 'rrf' });
console.log(`hybrid, reciprocal-rank fusion (k 60): nDCG@10 ${rrf!['ndcg@10']}  Recall@100 ${rrf!['recall@100']}  MRR@10 ${rrf!['mrr@10']}`);

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { isAppError } from '../../src/errors.ts';
import { loadBeir } from '../../src/search/eval/beir.ts';
import { mrrAt, ndcgAt, percentile, recallAt } from '../../src/search/eval/metrics.ts';
import { runEval } from '../../src/search/eval/run-eval.ts';
import { tempDir } from '../helpers/stores.ts';

describe('retrieval metrics (numbers worked by hand)', () => {
  const rel = new Map([['a', 1], ['c', 2]]);
  it('nDCG@k uses graded gains and log2 discounts', () => {
    // DCG = 1/log2(2) + 2/log2(4) = 1 + 1 = 2; IDCG = 2/log2(2) + 1/log2(3) = 2.6309
    assert.ok(Math.abs(ndcgAt(['a', 'b', 'c'], rel, 10) - 2 / (2 + 1 / Math.log2(3))) < 1e-12);
    assert.equal(ndcgAt(['b'], rel, 10), 0);
    assert.equal(ndcgAt(['c', 'a'], rel, 10), 1);
  });
  it('Recall@k and MRR@k', () => {
    assert.equal(recallAt(['a', 'b'], rel, 100), 0.5);
    assert.equal(recallAt(['a', 'b', 'c'], rel, 2), 0.5);
    assert.equal(mrrAt(['b', 'c'], rel, 10), 0.5);
    assert.equal(mrrAt(['b', 'd'], rel, 10), 0);
    assert.equal(percentile([5, 1, 3, 2, 4], 50), 3);
  });
});

function writeBeir(dir: string, corpus: string, queries: string, qrels: string): void {
  fs.mkdirSync(path.join(dir, 'qrels'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'corpus.jsonl'), corpus);
  fs.writeFileSync(path.join(dir, 'queries.jsonl'), queries);
  fs.writeFileSync(path.join(dir, 'qrels', 'test.tsv'), qrels);
}

describe('paperboy eval on a tiny BEIR set', () => {
  it('computes the expected numbers end to end', async () => {
    const dir = tempDir();
    writeBeir(
      dir,
      [
        { _id: 'd1', title: 'Aspirin and heart attacks', text: 'Aspirin lowers the risk of heart attack.' },
        { _id: 'd2', title: 'Vitamin D', text: 'Vitamin D and bone density in the elderly.' },
        { _id: 'd3', title: 'Sleep', text: 'Sleep deprivation impairs memory.' },
      ].map((d) => JSON.stringify(d)).join('\n'),
      [{ _id: 'q1', text: 'aspirin heart attack' }, { _id: 'q2', text: 'sleep memory' }, { _id: 'q3', text: 'unjudged' }].map((d) => JSON.stringify(d)).join('\n'),
      'query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td3\t1\nq2\td2\t1\n',
    );
    const [r] = await runEval({ dir, split: 'test', modes: ['keyword'] });
    assert.equal(r!.queries, 2);
    // q1: d1 first → 1. q2: d3 first, d2 never → DCG 1, IDCG 1 + 1/log2(3).
    assert.ok(Math.abs(r!['ndcg@10'] - Math.round(((1 + 1 / (1 + 1 / Math.log2(3))) / 2) * 10000) / 10000) < 1e-9);
    assert.equal(r!['recall@100'], 0.75);
    assert.equal(r!['mrr@10'], 1);
  });

  it('names the file and line of malformed input', async () => {
    const dir = tempDir();
    writeBeir(dir, '{"_id":"d1","text":"x"}\n{not json\n', '{"_id":"q1","text":"x"}\n', 'q1\td1\t1\n');
    await assert.rejects(loadBeir(dir, 'test'), (e) => isAppError(e) && /corpus\.jsonl:2: not JSON/.test(e.message));
    await assert.rejects(loadBeir(tempDir(), 'test'), (e) => isAppError(e) && /not a BEIR folder/.test(e.message));
  });
});

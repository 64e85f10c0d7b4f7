import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fs from 'node:fs';
import path from 'node:path';
import { EMBED_SLICE_MS, embedWithLsa, expansionWords, loadLsa, lsaEmbedder, needsRetraining, sampleEvenly, saveLsa, trainLsa } from '../../src/search/embedders/lsa.ts';
import { symmetricEigen } from '../../src/search/embedders/linalg.ts';
import { reciprocalRankFusion, weightedSum } from '../../src/search/fusion.ts';
import { createVectorIndex } from '../../src/search/vectors/vector-index.ts';
import { tempDir } from '../helpers/stores.ts';

// Two topics with synonyms that never share a document: LSA must learn they are related.
const CORPUS = [
  ...Array.from({ length: 20 }, (_, i) => `protein folding structure prediction amino acid chain ${i % 2 ? 'residue' : 'peptide'}`),
  ...Array.from({ length: 20 }, (_, i) => `galaxy telescope star cluster redshift survey ${i % 2 ? 'nebula' : 'quasar'}`),
  'peptide residue bonds',
  'quasar nebula emission',
];
const cos = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('built-in LSA embedder', () => {
  // Three dimensions: the corpus has about that many real directions (dimensions count alike, so a
  // noise dimension would weigh as much as a topic).
  const model = trainLsa(CORPUS, { dim: 3, seed: 3, minDf: 1 });

  it('puts texts about the same topic close and different topics apart', () => {
    const protein = embedWithLsa(model, 'amino acid peptide');
    const protein2 = embedWithLsa(model, 'residue structure');
    const space = embedWithLsa(model, 'telescope quasar');
    assert.ok(cos(protein, protein2) > 0.7, `same topic ${cos(protein, protein2)}`);
    assert.ok(cos(protein, space) < 0.3, `different topics ${cos(protein, space)}`);
    assert.ok(Math.abs(cos(protein, protein) - 1) < 1e-5, 'unit length');
  });

  it('is deterministic, persists, and its prefixes are embeddings too', async () => {
    const again = trainLsa(CORPUS, { dim: 3, seed: 3, minDf: 1 });
    assert.deepEqual(again.weights, model.weights);
    const dir = tempDir();
    saveLsa(model, dir);
    const loaded = loadLsa(dir);
    assert.deepEqual(embedWithLsa(loaded, 'galaxy survey'), embedWithLsa(model, 'galaxy survey'));
    const short = lsaEmbedder(model, 2);
    const [v] = await short.embed(['galaxy survey'], 'query');
    assert.equal(v!.length, 2);
    assert.match(short.id, /^builtin-lsa2:2:/);
    assert.equal(needsRetraining(model, CORPUS.length * 2), false);
    assert.equal(needsRetraining(model, CORPUS.length * 2 + 1), true);
  });

  it('embeds a batch of documents in pieces that yield to the event loop, with the same vectors', async () => {
    // Enough text for several pieces of EMBED_SLICE_MS on any machine (each text is long, and there are many).
    const long = CORPUS.map((t) => Array.from({ length: 40 }, () => t).join(' '));
    const texts = Array.from({ length: 1500 }, (_, i) => long[i % long.length]!);
    const embedder = lsaEmbedder(model);
    let gaps = 0;
    let longest = 0;
    let last = performance.now();
    let on = true;
    const tick = () => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
      gaps++;
      if (on) setImmediate(tick);
    };
    setImmediate(tick);
    const t0 = performance.now();
    const vs = await embedder.embed(texts, 'document');
    const took = performance.now() - t0;
    on = false;
    assert.ok(took < 4 * EMBED_SLICE_MS || gaps > 1, `the loop ran ${gaps} times in ${took.toFixed(0)} ms`);
    assert.ok(gaps > took / (10 * EMBED_SLICE_MS), `${gaps} turns of the loop in ${took.toFixed(0)} ms (longest gap ${longest.toFixed(1)} ms)`);
    assert.equal(vs.length, texts.length);
    for (const i of [0, 1, 777, 1499]) assert.deepEqual(vs[i], embedWithLsa(model, texts[i]!));
    // A query is embedded at once: its promise settles before the loop turns again.
    let turned = false;
    setImmediate(() => (turned = true));
    await embedder.embed(texts.slice(0, 50), 'query');
    assert.equal(turned, false);
  });

  it('expands a document with its neighbours’ words that it lacks', () => {
    const texts = ['peptide residue bonds', ...CORPUS.slice(0, 20), 'quasar nebula emission'];
    const [first] = expansionWords(model, texts, { neighbours: 3, words: 5 });
    assert.ok(first!.some((w) => ['protein', 'folding', 'structure', 'amino', 'acid', 'chain', 'prediction'].includes(w)), first!.join(' '));
    assert.ok(!first!.includes('peptide') && !first!.includes('quasar'));
  });

  it('refuses a model saved in an older format (it is retrained, not misread)', () => {
    const dir = tempDir();
    saveLsa(model, dir);
    const meta = JSON.parse(fs.readFileSync(path.join(dir, 'lsa.json'), 'utf8')) as Record<string, unknown>;
    delete meta.format;
    fs.writeFileSync(path.join(dir, 'lsa.json'), JSON.stringify(meta));
    assert.throws(() => loadLsa(dir), /format 1; this version uses format 2/);
  });

  it('trains on an even sample of a large corpus and remembers the corpus size', () => {
    assert.deepEqual(sampleEvenly(['a', 'b', 'c', 'd', 'e', 'f'], 6, 3), ['a', 'c', 'e']);
    assert.deepEqual(sampleEvenly(['a', 'b'], 2, 5), ['a', 'b']);
    assert.equal(sampleEvenly(Array.from({ length: 1001 }, (_, i) => i), 1001, 100).length, 100);
    const sampled = trainLsa(sampleEvenly(CORPUS, CORPUS.length, 30), { dim: 3, seed: 3, minDf: 1, corpusSize: CORPUS.length });
    assert.equal(sampled.docsTrained, CORPUS.length);
    assert.equal(needsRetraining(sampled, CORPUS.length * 2), false);
  });

  it('unknown words embed to the zero vector, not NaN', () => {
    assert.ok(embedWithLsa(model, 'zzzz qqqq').every((x) => x === 0));
  });
});

describe('linear algebra, vectors and fusion', () => {
  it('eigen-decomposes a symmetric matrix', () => {
    const { values } = symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2);
    assert.ok(Math.abs(values[0]! - 3) < 1e-9 && Math.abs(values[1]! - 1) < 1e-9);
  });

  it('exact index: top-k by dot product, updates and removals', () => {
    const idx = createVectorIndex(2, { kind: 'exact' });
    idx.upsert(1, Float32Array.from([1, 0]));
    idx.upsert(2, Float32Array.from([0, 1]));
    idx.upsert(3, Float32Array.from([0.6, 0.8]));
    assert.deepEqual(idx.search(Float32Array.from([1, 0]), 2).map((h) => h.key), [1, 3]);
    idx.upsert(1, Float32Array.from([0, -1]));
    idx.remove(3);
    assert.equal(idx.size, 2);
    assert.deepEqual(idx.search(Float32Array.from([1, 0.1]), 5).map((h) => h.key), [2, 1]);
    assert.throws(() => idx.upsert(9, Float32Array.from([1, 2, 3])), /dimensions/);
  });

  it('fuses ranked lists', () => {
    const a = [{ key: 'x', score: 10 }, { key: 'y', score: 5 }];
    const b = [{ key: 'y', score: 0.9 }, { key: 'z', score: 0.8 }];
    assert.equal(reciprocalRankFusion([a, b])[0]!.key, 'y');
    assert.deepEqual(weightedSum(a, b, 0.2).map((h) => h.key), ['x', 'y', 'z']);
    assert.deepEqual(weightedSum(a, b, 0.9).map((h) => h.key)[0], 'y');
  });
});

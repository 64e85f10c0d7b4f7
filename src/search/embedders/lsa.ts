/**
 * The built-in embedder: latent semantic analysis trained on the catalog's own text — TF-IDF, then a
 * randomized truncated SVD (Halko, Martinsson & Tropp 2011) in plain TypeScript. No download, no
 * network, deterministic for a seed. Dimensions come in order of singular value, so a prefix of a
 * vector is itself a (coarser) embedding.
 */
import fs from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { yieldToEventLoop } from '../pace.ts';
import { words } from '../query.ts';
import { STOP_WORDS } from '../stop-words.ts';
import { normalize, type Embedder } from './embedder.ts';
import { gaussian, orthonormalizeColumns, symmetricEigen } from './linalg.ts';

export interface LsaOptions {
  dim?: number;
  oversample?: number;
  powerIterations?: number;
  seed?: number;
  minDf?: number;
  maxVocab?: number;
  /** The catalog's size when `texts` is a sample of it (recorded for retraining); default texts.length. */
  corpusSize?: number;
  /** At most a third as many dimensions as texts (the SVD needs more rows than dimensions). */
  fitDim?: boolean;
}

/**
 * Saved-model format. 2: unit-weighted dimensions (term coordinates V, not V·Σ) — on SciFact train
 * semantic nDCG@10 rose from 0.35 to 0.43 at 128 dimensions (docs/search-quality.md). A model saved in
 * another format is retrained.
 */
export const LSA_FORMAT = 2;
/** Enough text to learn the corpus's topics; training memory and time grow with the sample, not the catalog. */
export const LSA_MAX_TRAIN_DOCS = 100_000;

export interface LsaModel {
  dim: number;
  vocab: Map<string, number>;
  idf: Float32Array;
  /** V×dim, row-major: a term's coordinates (right singular vectors, not scaled by the singular values). */
  weights: Float32Array;
  docsTrained: number;
}

function tokens(text: string): string[] {
  return words(text).filter((w) => w.length > 1 && !STOP_WORDS.has(w) && !/^\d+$/.test(w));
}

/** Sparse TF-IDF row of a text: sublinear tf, L2-normalized. */
function tfidf(text: string, vocab: Map<string, number>, idf: Float32Array): { idx: number[]; val: number[] } {
  const tf = termCounts(text, vocab);
  const idx = [...tf.keys()];
  const val = idx.map((i) => (1 + Math.log(tf.get(i)!)) * idf[i]!);
  const norm = Math.sqrt(val.reduce((s, v) => s + v * v, 0)) || 1;
  return { idx, val: val.map((v) => v / norm) };
}

/** A growable typed array (the corpus's size is not known before it has been read). */
function growable<T extends Int32Array | Uint16Array>(make: (n: number) => T) {
  let a = make(1 << 16);
  let n = 0;
  return {
    push(v: number) {
      if (n === a.length) {
        const b = make(a.length * 2);
        b.set(a);
        a = b;
      }
      a[n++] = v;
    },
    get length() {
      return n;
    },
    done: (): T => a.subarray(0, n) as T,
  };
}

/**
 * Train on a corpus, read once (a generator need not hold it: 100k abstracts are ~120 MB of strings).
 *
 * Memory, measured by `npm run bench:memory`: the texts are reduced to their documents' distinct words
 * (ids and counts in typed arrays) as they are read; the sparse TF-IDF matrix is kept in compressed rows
 * (Int32 ids, Float32 values; `number[]` pairs per document cost ~4× as much); the dense matrices of the
 * randomized SVD are Float32 (arithmetic stays in float64; the rounding of storage moves embeddings by
 * ~1e-6) and reuse two buffers, n×l and V×l, instead of a new one per product. At 100k papers × 272
 * columns that is 109 + 54 MB, where the Float64 version held ~800 MB at its peak.
 * @example const model = trainLsa(papers.map((p) => `${p.title} ${p.abstract}`), { dim: 128 })
 */
export function trainLsa(texts: Iterable<string>, o: LsaOptions = {}): LsaModel {
  const { n, l, dim, vocab, idf, rowStart, idx, val } = tfidfRows(texts, o);
  const V = vocab.size;
  // out = A·m (n×l), or with `t` out = Aᵀ·m (V×l), for the sparse A, into buffers that are reused.
  const product = (t: boolean) => (m: Float32Array, out: Float32Array): Float32Array => {
    out.fill(0);
    for (let i = 0; i < n; i++) {
      const row = i * l;
      for (let k = rowStart[i]!; k < rowStart[i + 1]!; k++) {
        const base = idx[k]! * l;
        const v = val[k]!;
        if (t) for (let j = 0; j < l; j++) out[base + j]! += v * m[row + j]!;
        else for (let j = 0; j < l; j++) out[row + j]! += v * m[base + j]!;
      }
    }
    return out;
  };
  const times = product(false);
  const timesT = product(true);

  const rand = gaussian(o.seed ?? 7);
  // Two buffers: V×l holds Ω, then each Aᵀ·Q, then Bᵀ; n×l holds each A·Z.
  const vl = new Float32Array(V * l);
  for (let i = 0; i < vl.length; i++) vl[i] = rand();
  const y = times(vl, new Float32Array(n * l));
  // And one for Gram-Schmidt's column-major copies (five of them, up to 109 MB each at 100k papers).
  const scratch = new Float32Array(Math.max(n, V) * l);
  orthonormalizeColumns(y, n, l, scratch);
  for (let q = 0; q < (o.powerIterations ?? 2); q++) {
    orthonormalizeColumns(timesT(y, vl), V, l, scratch);
    orthonormalizeColumns(times(vl, y), n, l, scratch);
  }
  // Bᵀ = Aᵀ·Q (V×l); the SVD of B comes from the eigen-decomposition of B·Bᵀ (l×l).
  const bt = timesT(y, vl);
  const c = new Float64Array(l * l);
  for (let t = 0; t < V; t++) {
    for (let i = 0; i < l; i++) {
      const bi = bt[t * l + i]!;
      if (bi === 0) continue;
      for (let j = i; j < l; j++) c[i * l + j]! += bi * bt[t * l + j]!;
    }
  }
  for (let i = 0; i < l; i++) for (let j = 0; j < i; j++) c[i * l + j] = c[j * l + i]!;
  const { values, vectors } = symmetricEigen(c, l);
  // Bᵀ·U_B = V·Σ; dividing by σ leaves V, so a document's embedding is x·V: every kept dimension
  // counts alike (scaling by Σ lets the first few topics dominate the cosine; measured worse).
  const inv = Float64Array.from({ length: dim }, (_, j) => (values[j]! > 1e-12 ? 1 / Math.sqrt(values[j]!) : 0));
  const weights = new Float32Array(V * dim);
  for (let t = 0; t < V; t++) {
    for (let j = 0; j < dim; j++) {
      let s = 0;
      for (let m = 0; m < l; m++) s += bt[t * l + m]! * vectors[m * l + j]!;
      weights[t * dim + j] = s * inv[j]!;
    }
  }
  return { dim, vocab, idf, weights, docsTrained: o.corpusSize ?? n };
}

/** One pass over the texts: the vocabulary, its idf and the TF-IDF rows (sublinear tf, L2-normalized), compressed. */
function tfidfRows(texts: Iterable<string>, o: LsaOptions) {
  // Pass over the texts: each document's distinct words under provisional ids, with their counts.
  const ids = new Map<string, number>();
  const names: string[] = [];
  const terms = growable((k) => new Int32Array(k));
  const counts = growable((k) => new Uint16Array(k));
  const ends = growable((k) => new Int32Array(k));
  const tf = new Map<number, number>();
  for (const text of texts) {
    tf.clear();
    for (const t of tokens(text)) {
      let id = ids.get(t);
      if (id === undefined) {
        id = names.length;
        ids.set(t, id);
        names.push(t);
      }
      tf.set(id, (tf.get(id) ?? 0) + 1);
    }
    for (const [id, c] of tf) {
      terms.push(id);
      counts.push(Math.min(c, 65_535));
    }
    ends.push(terms.length);
  }
  ids.clear();
  const n = ends.length;
  // What follows keeps only the compressed rows: the words' ids and counts (~100 MB at 100k papers, with the
  // growable arrays' spare room) are this function's, and go when it returns, before the SVD's buffers exist.
  const docEnd = ends.done();
  const docTerms = terms.done();
  const docCounts = counts.done();
  const dim = o.fitDim ? Math.min(o.dim ?? 128, Math.floor(n / 3)) : (o.dim ?? 128);
  const l = dim + (o.oversample ?? 16);
  const df = new Int32Array(names.length);
  for (const id of docTerms) df[id]!++;
  const kept = Array.from(names.keys())
    .filter((id) => df[id]! >= (o.minDf ?? 2) && df[id]! < n * 0.5)
    .sort((a, b) => df[b]! - df[a]! || (names[a]! < names[b]! ? -1 : 1))
    .slice(0, o.maxVocab ?? 50_000);
  const vocab = new Map(kept.map((id, i) => [names[id]!, i]));
  const idf = Float32Array.from(kept, (id) => Math.log((n + 1) / (df[id]! + 1)) + 1);
  const column = new Int32Array(names.length).fill(-1);
  kept.forEach((id, i) => (column[id] = i));

  // The TF-IDF rows (sublinear tf, L2-normalized) over the kept words, in compressed rows.
  const rowStart = new Int32Array(n + 1);
  let nnz = 0;
  for (let i = 0, k = 0; i < n; i++) {
    for (; k < docEnd[i]!; k++) if (column[docTerms[k]!]! >= 0) nnz++;
    rowStart[i + 1] = nnz;
  }
  const idx = new Int32Array(nnz);
  const val = new Float32Array(nnz);
  for (let i = 0, k = 0, at = 0; i < n; i++) {
    const from = at;
    let norm = 0;
    for (; k < docEnd[i]!; k++) {
      const c = column[docTerms[k]!]!;
      if (c < 0) continue;
      const w = (1 + Math.log(docCounts[k]!)) * idf[c]!;
      idx[at] = c;
      val[at++] = w;
      norm += w * w;
    }
    norm = Math.sqrt(norm) || 1;
    for (let j = from; j < at; j++) val[j]! /= norm;
  }
  return { n, l, dim, vocab, idf, rowStart, idx, val };
}

/**
 * At most `max` of the `count` items, evenly spaced (deterministic), read from an iterator so a large
 * catalog is never held whole. @example sampleEvenly(['a', 'b', 'c', 'd'], 4, 2) // ['a', 'c']
 */
export function sampleEvenly<T>(items: Iterable<T>, count: number, max: number): T[] {
  return [...sampledEvenly(items, count, max)];
}

/** The same, as they are read (training need not hold the sample). */
export function* sampledEvenly<T>(items: Iterable<T>, count: number, max: number): Generator<T> {
  const step = Math.max(1, count / max);
  let i = 0;
  let taken = 0;
  for (const item of items) {
    if (Math.floor(taken * step) === i && taken < max) {
      taken++;
      yield item;
    }
    i++;
  }
}

/** Embed one text with a trained model: a unit vector (all zeros for text with no known word). */
export function embedWithLsa(m: LsaModel, text: string, dims = m.dim): Float32Array {
  const { idx, val } = tfidf(text, m.vocab, m.idf);
  const out = new Float32Array(dims);
  for (let k = 0; k < idx.length; k++) {
    const base = idx[k]! * m.dim;
    for (let j = 0; j < dims; j++) out[j]! += val[k]! * m.weights[base + j]!;
  }
  return normalize(out);
}

/**
 * Wall time of one piece of a batch of documents before it yields to the event loop. A batch ran as one
 * task, paced to 20 ms by its size, but took 37–147 ms when the main thread shared the two cores with the
 * retraining worker and usearch (bench:memory at 60k, re-embedding after a retraining): a descheduled
 * thread stretches a whole batch, and only a piece of it when it yields this often (a paper costs ~0.3 ms).
 */
export const EMBED_SLICE_MS = 5;

/**
 * The model as an Embedder; `dims` below the trained dimension uses a Matryoshka-style prefix. Documents
 * are embedded in pieces of about EMBED_SLICE_MS that yield between them; a query, at once.
 */
export function lsaEmbedder(m: LsaModel, dims = m.dim): Embedder {
  return {
    id: `builtin-lsa${LSA_FORMAT}:${dims}:${m.docsTrained}:${m.vocab.size}`,
    dim: dims,
    embed: async (texts, kind) => {
      if (kind === 'query') return texts.map((t) => embedWithLsa(m, t, dims));
      const out: Float32Array[] = [];
      let t0 = performance.now();
      for (const text of texts) {
        if (performance.now() - t0 >= EMBED_SLICE_MS) {
          await yieldToEventLoop();
          t0 = performance.now();
        }
        out.push(embedWithLsa(m, text, dims));
      }
      return out;
    },
  };
}

/** True when the corpus has more than doubled since training: time to retrain. */
export function needsRetraining(m: LsaModel, corpusSize: number): boolean {
  return corpusSize > 2 * m.docsTrained;
}

/** Save to `dir`: lsa.json (vocabulary, idf, shape and the CRC-32 of the weights) and lsa.f32 (the weights). */
export function saveLsa(m: LsaModel, dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const weights = Buffer.from(m.weights.buffer, m.weights.byteOffset, m.weights.byteLength);
  fs.writeFileSync(path.join(dir, 'lsa.f32'), weights);
  fs.writeFileSync(path.join(dir, 'lsa.json'), JSON.stringify({ format: LSA_FORMAT, dim: m.dim, docsTrained: m.docsTrained, crc: crc32(weights), vocab: [...m.vocab.keys()], idf: [...m.idf] }));
}

/**
 * Load a model saved by saveLsa.
 * @throws Error naming the file when it is not an LSA model, of another format, cut short or damaged
 * (a model saved before checksums were written loads without that check).
 */
export function loadLsa(dir: string): LsaModel {
  const bad = (file: string, why: string) => new Error(`${path.join(dir, file)} is unusable: ${why}`);
  let meta: { format?: number; dim?: unknown; docsTrained?: unknown; crc?: unknown; vocab?: unknown; idf?: unknown };
  try {
    meta = JSON.parse(fs.readFileSync(path.join(dir, 'lsa.json'), 'utf8'));
  } catch (e) {
    throw bad('lsa.json', `not JSON (${(e as Error).message})`);
  }
  if (meta.format !== LSA_FORMAT) throw bad('lsa.json', `an LSA model of format ${meta.format ?? 1}; this version uses format ${LSA_FORMAT}`);
  const { dim, docsTrained, vocab, idf } = meta;
  if (!Number.isInteger(dim) || (dim as number) < 1 || !Number.isInteger(docsTrained) || !Array.isArray(vocab) || !Array.isArray(idf) || vocab.length !== idf.length || !vocab.every((t) => typeof t === 'string')) {
    throw bad('lsa.json', 'its shape is wrong (dim, docsTrained, vocab and idf of equal length)');
  }
  const buf = fs.readFileSync(path.join(dir, 'lsa.f32'));
  if (meta.crc !== undefined && crc32(buf) !== meta.crc) throw bad('lsa.f32', 'checksum mismatch (damaged)');
  const weights = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  if (weights.length !== vocab.length * (dim as number)) throw bad('lsa.f32', `it does not match lsa.json (${weights.length} ≠ ${vocab.length}×${dim})`);
  return { dim: dim as number, docsTrained: docsTrained as number, vocab: new Map((vocab as string[]).map((t, i) => [t, i])), idf: Float32Array.from(idf as number[]), weights };
}

/**
 * Document expansion: for each document, the words that characterize its nearest neighbours under
 * the LSA vectors. Two shapes: `words` distinct words the document lacks (ranked by similarity ×
 * TF-IDF), or with `bag` a bag of about bag × (document length) words drawn in proportion to the
 * neighbours' similarity-weighted word distributions (own words included), so BM25 sees term counts.
 * @example expansionWords(model, texts, { neighbours: 5, words: 10 })[0] // ['kinase', …]
 */
export function expansionWords(m: LsaModel, texts: string[], o: { neighbours: number; words: number; bag?: number }): string[][] {
  const vecs = texts.map((t) => embedWithLsa(m, t));
  const rows = texts.map((t) => tfidf(t, m.vocab, m.idf));
  const counts = o.bag ? texts.map((t) => termCounts(t, m.vocab)) : [];
  const terms = [...m.vocab.keys()];
  return vecs.map((v, i) => {
    const best: Array<{ j: number; s: number }> = [];
    for (let j = 0; j < vecs.length; j++) {
      if (j === i) continue;
      let s = 0;
      const u = vecs[j]!;
      for (let d = 0; d < m.dim; d++) s += v[d]! * u[d]!;
      if (best.length < o.neighbours || s > best[best.length - 1]!.s) {
        best.push({ j, s });
        best.sort((a, b) => b.s - a.s);
        if (best.length > o.neighbours) best.pop();
      }
    }
    if (o.bag) {
      const mass = new Map<number, number>();
      let total = 0;
      for (const { j, s } of best) {
        const c = counts[j]!;
        const len = [...c.values()].reduce((a, b) => a + b, 0) || 1;
        for (const [t, n] of c) {
          const w = (Math.max(0, s) * n) / len;
          mass.set(t, (mass.get(t) ?? 0) + w);
          total += w;
        }
      }
      const budget = o.bag * tokens(texts[i]!).length;
      const out: string[] = [];
      for (const [t, w] of mass) for (let k = Math.round((budget * w) / (total || 1)); k > 0; k--) out.push(terms[t]!);
      return out;
    }
    const own = new Set(rows[i]!.idx);
    const score = new Map<number, number>();
    for (const { j, s } of best) {
      const r = rows[j]!;
      for (let k = 0; k < r.idx.length; k++) if (!own.has(r.idx[k]!)) score.set(r.idx[k]!, (score.get(r.idx[k]!) ?? 0) + s * r.val[k]!);
    }
    return [...score.entries()].sort((a, b) => b[1] - a[1]).slice(0, o.words).map(([t]) => terms[t]!);
  });
}

function termCounts(text: string, vocab: Map<string, number>): Map<number, number> {
  const c = new Map<number, number>();
  for (const t of tokens(text)) {
    const i = vocab.get(t);
    if (i !== undefined) c.set(i, (c.get(i) ?? 0) + 1);
  }
  return c;
}

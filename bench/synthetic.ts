/**
 * Deterministic synthetic data for the search benchmark and the vector-index tests: clustered unit
 * vectors shaped like text embeddings, and a Zipfian vocabulary for titles and abstracts.
 */

/** mulberry32: a small, fast, seedable PRNG (Math.random cannot be seeded). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function gaussian(rand: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const u = rand() || 1e-12;
    const m = Math.sqrt(-2 * Math.log(u));
    const a = 2 * Math.PI * rand();
    spare = m * Math.sin(a);
    return m * Math.cos(a);
  };
}

export interface VectorSpace {
  dim: number;
  clusters: number;
  /** Fill `out[at..at+dim)` with one unit vector drawn from the space. */
  sample(rand: () => number, out: Float32Array, at: number): void;
}

/**
 * Cluster centres plus within-cluster variation along a shared low-dimensional basis plus a little
 * isotropic noise. Text embeddings have low intrinsic dimension; purely isotropic noise in 384
 * dimensions would make every neighbour equidistant, which no real corpus looks like.
 */
export function vectorSpace(dim: number, o: { clusters?: number; latent?: number; seed?: number } = {}): VectorSpace {
  const clusters = o.clusters ?? 1000;
  const latent = o.latent ?? 16;
  const g = gaussian(rng(o.seed ?? 1));
  const centres = new Float32Array(clusters * dim);
  for (let i = 0; i < centres.length; i++) centres[i] = g();
  const basis = new Float32Array(latent * dim);
  for (let i = 0; i < basis.length; i++) basis[i] = g() / Math.sqrt(latent);
  const z = new Float64Array(latent);
  return {
    dim,
    clusters,
    sample(rand, out, at) {
      const gn = gaussian(rand);
      const c = Math.floor(rand() * clusters) * dim;
      for (let l = 0; l < latent; l++) z[l] = gn();
      let norm = 0;
      for (let j = 0; j < dim; j++) {
        let x = centres[c + j]! + 0.3 * gn();
        for (let l = 0; l < latent; l++) x += 0.9 * z[l]! * basis[l * dim + j]!;
        out[at + j] = x;
        norm += x * x;
      }
      const s = 1 / Math.sqrt(norm);
      for (let j = 0; j < dim; j++) out[at + j]! *= s;
    },
  };
}

/** `n` vectors from `space` in one dense array (row i at i*dim). */
export function sampleVectors(space: VectorSpace, n: number, seed: number): Float32Array {
  const rand = rng(seed);
  const out = new Float32Array(n * space.dim);
  for (let i = 0; i < n; i++) space.sample(rand, out, i * space.dim);
  return out;
}

/** A Zipfian sampler over `size` synthetic words (rank r has weight 1/r). */
export function zipfVocabulary(size: number, seed: number): { words: string[]; draw(rand: () => number): string } {
  const rand = rng(seed);
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const seen = new Set<string>();
  const words: string[] = [];
  while (words.length < size) {
    const len = 3 + Math.floor(rand() * 7);
    let w = '';
    for (let i = 0; i < len; i++) w += letters[Math.floor(rand() * 26)];
    if (!seen.has(w)) {
      seen.add(w);
      words.push(w);
    }
  }
  const cdf = new Float64Array(size);
  let acc = 0;
  for (let r = 0; r < size; r++) cdf[r] = acc += 1 / (r + 1);
  return {
    words,
    draw(rnd) {
      const x = rnd() * acc;
      let lo = 0;
      let hi = size - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cdf[mid]! < x) lo = mid + 1;
        else hi = mid;
      }
      return words[lo]!;
    },
  };
}

/** The synthetic catalog's text, row by row: titles of 8–12 and abstracts of 150–200 Zipfian words. */
export function* syntheticTexts(n: number): Generator<{ id: number; title: string; abstract: string }> {
  const vocab = zipfVocabulary(50_000, 11);
  const rand = rng(12);
  const phrase = (len: number): string => Array.from({ length: len }, () => vocab.draw(rand)).join(' ');
  for (let i = 0; i < n; i++) yield { id: i + 1, title: phrase(8 + Math.floor(rand() * 5)), abstract: phrase(150 + Math.floor(rand() * 51)) };
}

/** Keyword queries of 2–5 words from the same vocabulary, skipping its 100 most frequent (stop-word-like) words. */
export function syntheticKeywordQueries(count: number): string[] {
  const vocab = zipfVocabulary(50_000, 11);
  const qr = rng(13);
  const rank = new Map(vocab.words.map((w, r) => [w, r]));
  return Array.from({ length: count }, () => {
    const len = 2 + Math.floor(qr() * 4);
    const ws: string[] = [];
    while (ws.length < len) {
      const w = vocab.draw(qr);
      if (rank.get(w)! >= 100) ws.push(w);
    }
    return ws.join(' ');
  });
}

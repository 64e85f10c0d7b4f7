/**
 * The yardstick: plain, untuned BM25 (k1 1.2, b 0.75, Lucene's idf, one field of title + text, no
 * stemming, no stop words, no feedback), in memory, computed in the same eval run as the product so
 * every table compares against a baseline on exactly the same text and queries. It is not a search
 * engine: a few compact arrays over the corpus, scored exhaustively per query.
 */
import { words } from '../query.ts';

export interface PlainBm25 {
  /** The ids of the top `k` documents for `text`, best first (ties by corpus order). */
  search(text: string, k: number): string[];
}

export const PLAIN_K1 = 1.2;
export const PLAIN_B = 0.75;

/**
 * @example createPlainBm25([{ id: 'd1', text: 'graph neural networks' }]).search('graph', 10) // ['d1']
 */
export function createPlainBm25(docs: Array<{ id: string; text: string }>, o: { k1?: number; b?: number } = {}): PlainBm25 {
  const k1 = o.k1 ?? PLAIN_K1;
  const b = o.b ?? PLAIN_B;
  const vocab = new Map<string, number>();
  // First pass: each document's distinct term ids and their counts.
  const docTerms: Array<{ terms: Uint32Array; tfs: Uint16Array }> = [];
  const lengths = new Float64Array(docs.length);
  const df: number[] = [];
  docs.forEach((d, i) => {
    const tokens = words(d.text);
    lengths[i] = tokens.length;
    const tf = new Map<number, number>();
    for (const t of tokens) {
      let id = vocab.get(t);
      if (id === undefined) {
        id = vocab.size;
        vocab.set(t, id);
        df.push(0);
      }
      tf.set(id, (tf.get(id) ?? 0) + 1);
    }
    const terms = Uint32Array.from(tf.keys());
    for (const t of terms) df[t]!++;
    docTerms.push({ terms, tfs: Uint16Array.from(terms, (t) => Math.min(tf.get(t)!, 65535)) });
  });
  // Second pass: postings as one flat array per field, laid out term after term.
  const start = new Uint32Array(df.length + 1);
  for (let t = 0; t < df.length; t++) start[t + 1] = start[t]! + df[t]!;
  const postDoc = new Uint32Array(start[df.length]!);
  const postTf = new Uint16Array(start[df.length]!);
  const fill = start.slice(0, df.length);
  docTerms.forEach(({ terms, tfs }, i) => {
    terms.forEach((t, j) => {
      postDoc[fill[t]!] = i;
      postTf[fill[t]!++] = tfs[j]!;
    });
  });
  docTerms.length = 0;
  const n = docs.length;
  const avgdl = lengths.reduce((s, x) => s + x, 0) / Math.max(1, n);
  const norm = Float64Array.from(lengths, (l) => k1 * (1 - b + (b * l) / avgdl));
  const scores = new Float64Array(n);

  return {
    search(text, k) {
      const touched: number[] = [];
      // Every occurrence of a query word counts (a bag of words, as in rank_bm25 and Lucene's BooleanQuery).
      for (const w of words(text)) {
        const t = vocab.get(w);
        if (t === undefined) continue;
        const idf = Math.log(1 + (n - df[t]! + 0.5) / (df[t]! + 0.5));
        for (let p = start[t]!; p < start[t + 1]!; p++) {
          const d = postDoc[p]!;
          const f = postTf[p]!;
          if (scores[d] === 0) touched.push(d);
          scores[d] = scores[d]! + (idf * f * (k1 + 1)) / (f + norm[d]!);
        }
      }
      const top = touched.sort((a, c) => scores[c]! - scores[a]! || a - c).slice(0, k).map((d) => docs[d]!.id);
      for (const d of touched) scores[d] = 0;
      return top;
    },
  };
}

/**
 * The top of an AND of common words from postings cached in memory, scored exactly as pb_bm25 scores
 * them. FTS5 has no top-k pruning: `ORDER BY pb_bm25(…) LIMIT n` over `"a" AND "b"` walks both words'
 * position lists and scores every row with both (80k papers: "diffusion" AND "language", 1,433 rows,
 * 1.76 ms; "model" AND "reasoning", 16,328 rows, 5.7 ms), and that was a third of a query thread's time
 * in bench:http (two-word queries, docs/benchmarks.md "HTTP", session 11). A word's postings here are
 * its papers' ids with the word's field-weighted frequency in each, read once through fts5vocab; an AND
 * is then a merge of sorted id arrays and a bounded heap.
 *
 * Exact: a score is the same IEEE double pb_bm25 computes (native/pb_rank.c): the weighted frequency
 * summed instance by instance in (column, offset) order, the same row lengths (%_docsize), the same
 * average length and the same expression in the same order; the caller passes the idfs pb_bm25 would
 * be given. The test compares every score bit for bit against pb_bm25 on a real index.
 *
 * Fresh: the postings and the papers' length terms belong to one version of the index's text; any text
 * change empties them (`changed`). A word's postings are built only after the text has been still for
 * STABLE_MS, so a node absorbing papers keeps ranking in FTS5 instead of rebuilding on every batch.
 */
import type SQLite from 'better-sqlite3';
import type { FieldWeights } from './types.ts';

/** Postings (12 bytes each) a connection keeps: 18 MB; least recently used words leave first. */
export const MAX_POSTINGS = 1_500_000;
/** How long the text must be unchanged before postings are built from it. */
export const STABLE_MS = 5_000;
/**
 * Papers of uncached words one call may read postings for (~0.2 µs an instance: "model", in 65,788 of
 * 80k papers with 204,058 instances, took 41 ms). One word over it is still read, alone, so every word
 * gets cached after a few calls; the call itself ranks in FTS5 as before.
 */
const BUILD_BUDGET = 20_000;
/**
 * Papers an OR of words may score from postings (the sum of the words' document frequencies): every
 * one is merged and scored (~10 ns each), so beyond this the bounded stage's few statements cost less.
 */
const OR_MAX = 200_000;
const K1 = 1.2;
const B = 0.75;

interface Postings {
  ids: Int32Array;
  /** The word's field-weighted frequency in paper ids[i] (pb_bm25's aFreq). */
  freq: Float64Array;
}

export interface TermPostings {
  /**
   * The top `n` papers (score desc, id asc) holding every one of `tokens` (op OR: any of them) (FTS5 tokens, one per quoted
   * word, in the match's phrase order), scored with `idfs` (the same order), and how many papers hold
   * them all; null when a word's postings are not (yet) in memory — the caller ranks in FTS5. `dfs`:
   * each word's papers (what reading its postings costs).
   */
  top(tokens: string[], idfs: number[], dfs: number[], n: number, op?: 'AND' | 'OR'): { rows: Array<{ id: number; score: number }>; matched: number } | null;
  /** The index's text changed: forget everything read from it. */
  changed(): void;
  /** Postings held (for tests and metrics). */
  size(): number;
}

/** SQLite's varint (most significant 7-bit group first), as FTS5 writes its %_docsize records. */
function rowLength(b: Uint8Array): number {
  let total = 0;
  for (let i = 0; i < b.length; ) {
    let x = 0;
    for (let k = 0; i < b.length && k < 5; k++) {
      const c = b[i++]!;
      x = x * 128 + (c & 0x7f);
      if (!(c & 0x80)) break;
    }
    total += x;
  }
  return total;
}

/** A bounded min-heap of (score, id) pairs: the n best, worst on top (lower score, then higher id). */
function topN(n: number) {
  const score = new Float64Array(n);
  const id = new Int32Array(n);
  let size = 0;
  const worse = (i: number, j: number) => score[i]! < score[j]! || (score[i] === score[j] && id[i]! > id[j]!);
  const swap = (i: number, j: number) => {
    const s = score[i]!, d = id[i]!;
    score[i] = score[j]!;
    id[i] = id[j]!;
    score[j] = s;
    id[j] = d;
  };
  function down(i: number): void {
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < size && worse(l, m)) m = l;
      if (r < size && worse(r, m)) m = r;
      if (m === i) return;
      swap(i, m);
      i = m;
    }
  }
  return {
    push(s: number, d: number): void {
      if (size < n) {
        let i = size++;
        score[i] = s;
        id[i] = d;
        while (i > 0) {
          const p = (i - 1) >> 1;
          if (!worse(i, p)) break;
          swap(i, p);
          i = p;
        }
      } else if (s > score[0]! || (s === score[0] && d < id[0]!)) {
        score[0] = s;
        id[0] = d;
        down(0);
      }
    },
    sorted(): Array<{ id: number; score: number }> {
      const out: Array<{ id: number; score: number }> = [];
      for (let i = 0; i < size; i++) out.push({ id: id[i]!, score: score[i]! });
      return out.sort((a, b) => b.score - a.score || a.id - b.id);
    },
  };
}

/** First index `>= from` in sorted `a` whose value is `>= x` (galloping, then binary search). */
function seek(a: Int32Array, from: number, x: number): number {
  let step = 1;
  let hi = from;
  while (hi < a.length && a[hi]! < x) {
    from = hi + 1;
    hi += step;
    step *= 2;
  }
  hi = Math.min(hi, a.length);
  while (from < hi) {
    const mid = (from + hi) >>> 1;
    if (a[mid]! < x) from = mid + 1;
    else hi = mid;
  }
  return from;
}

export interface TermPostingsOptions {
  /** Postings kept (default MAX_POSTINGS). */
  maxPostings?: number;
  /** How long the text must be still before postings are read (default STABLE_MS). */
  stableMs?: number;
}

/**
 * The top `n` of the papers holding any of the words: a merge of the id-sorted lists. A paper's score
 * adds each word it holds in the match's phrase order; pb_bm25 also adds 0 for each word it lacks,
 * which leaves the sum's bits unchanged.
 */
function any(lists: Postings[], idfs: number[], kd: Float64Array, n: number): { rows: Array<{ id: number; score: number }>; matched: number } {
  const at = new Int32Array(lists.length);
  const heap = topN(n);
  let matched = 0;
  for (;;) {
    let id = 2 ** 31;
    for (let i = 0; i < lists.length; i++) if (at[i]! < lists[i]!.ids.length && lists[i]!.ids[at[i]!]! < id) id = lists[i]!.ids[at[i]!]!;
    if (id === 2 ** 31) break;
    matched++;
    const k = kd[id]!;
    let score = 0.0;
    for (let i = 0; i < lists.length; i++) {
      const list = lists[i]!;
      if (at[i]! < list.ids.length && list.ids[at[i]!] === id) {
        const f = list.freq[at[i]!]!;
        score += idfs[i]! * ((f * (K1 + 1.0)) / (f + k));
        at[i] = at[i]! + 1;
      }
    }
    heap.push(score, id);
  }
  return { rows: heap.sorted(), matched };
}

export function createTermPostings(db: SQLite.Database, weights: FieldWeights, o: TermPostingsOptions = {}): TermPostings {
  const maxPostings = o.maxPostings ?? MAX_POSTINGS;
  const stableMs = o.stableMs ?? STABLE_MS;
  const now = () => performance.now();
  // fts's columns, in order (schema.ts): title, abstract, authors, expansion.
  const colWeight = [weights.title, weights.abstract, weights.authors, weights.expansion];
  db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.pb_postings USING fts5vocab('main', 'fts', 'instance')`);
  // fts5vocab's instance table lists a term's instances by paper, then column and offset: the order
  // pb_bm25's xPhraseFirst/xPhraseNext loop adds the weights in. One integer a row (paper·4 + column):
  // "model", 204,058 instances, 41 ms that way against 161–207 ms for (doc, col) rows (row arrays and
  // column-name strings).
  const instances = db.prepare(`SELECT doc * 4 + CASE col WHEN 'title' THEN 0 WHEN 'abstract' THEN 1 WHEN 'authors' THEN 2 ELSE 3 END FROM temp.pb_postings WHERE term = ?`).pluck();
  const sizes = db.prepare('SELECT id, sz FROM fts_docsize').raw();
  const cache = new Map<string, Postings>();
  let held = 0;
  /** Each paper's length term of the BM25 denominator, k1·(1 − b + b·len/avgdl), as pb_bm25 computes it. */
  let lengths: Float64Array | null = null;
  // No change seen yet: a connection opened on a still index reads postings from its first query.
  let changedAt = -Infinity;

  function readLengths(): Float64Array {
    const rows = sizes.all() as Array<[number, Buffer]>;
    let max = 0;
    for (const r of rows) if (r[0] > max) max = r[0];
    const len = new Uint32Array(max + 1);
    let tokens = 0;
    for (const [id, sz] of rows) tokens += len[id] = rowLength(sz);
    // pb_bm25: xColumnTotalSize(-1) / xRowCount, the sums FTS5 keeps of the same rows.
    const avgdl = tokens / rows.length;
    const k = new Float64Array(max + 1);
    for (let id = 0; id <= max; id++) k[id] = K1 * (1 - B + (B * len[id]!) / avgdl);
    return k;
  }

  function read(token: string): Postings {
    const packed = instances.all(token) as number[];
    const ids = new Int32Array(packed.length);
    const freq = new Float64Array(packed.length);
    let n = -1;
    let last = -1;
    for (const x of packed) {
      const doc = Math.floor(x / 4);
      if (doc !== last) {
        n++;
        ids[n] = last = doc;
        freq[n] = 0;
      }
      freq[n] = freq[n]! + colWeight[x % 4]!;
    }
    return { ids: ids.slice(0, n + 1), freq: freq.slice(0, n + 1) };
  }

  function remember(token: string, p: Postings): void {
    cache.set(token, p);
    held += p.ids.length;
    for (const [t, old] of cache) {
      if (held <= maxPostings || t === token) break;
      cache.delete(t);
      held -= old.ids.length;
    }
  }

  return {
    top(tokens, idfs, dfs, n, op = 'AND') {
      if (tokens.length === 0 || n < 1) return null;
      // An OR scores every paper holding any word: only while that is cheaper than the bounded stage.
      if (op === 'OR' && dfs.reduce((a, b) => a + b, 0) > OR_MAX) return null;
      const lists: Postings[] = [];
      let budget = BUILD_BUDGET;
      let readOne = false;
      for (let i = 0; i < tokens.length; i++) {
        const t = tokens[i]!;
        const hit = cache.get(t);
        if (hit) {
          // Most recently used last (Map order), so eviction takes the least recently used.
          cache.delete(t);
          cache.set(t, hit);
          lists.push(hit);
          continue;
        }
        if (now() - changedAt < stableMs) continue;
        const df = dfs[i]!;
        if (df > maxPostings) continue;
        if (df > budget && readOne) continue;
        budget -= df;
        readOne = true;
        const p = read(t);
        remember(t, p);
        lists.push(p);
      }
      // A word left unread: this call ranks in FTS5 (a later one finds what this one read).
      if (lists.length < tokens.length) return null;
      const kd = (lengths ??= readLengths());
      if (op === 'OR') return any(lists, idfs, kd, n);
      // Walk the rarest word's papers, seeking each in the others (id order).
      const order = tokens.map((_, i) => i).sort((a, b) => lists[a]!.ids.length - lists[b]!.ids.length);
      const first = lists[order[0]!]!;
      const at = new Int32Array(tokens.length);
      const heap = topN(n);
      let matched = 0;
      outer: for (let r = 0; r < first.ids.length; r++) {
        const id = first.ids[r]!;
        at[order[0]!] = r;
        for (let k = 1; k < order.length; k++) {
          const w = order[k]!;
          const list = lists[w]!.ids;
          const j = seek(list, at[w]!, id);
          at[w] = j;
          if (j >= list.length) break outer;
          if (list[j] !== id) continue outer;
        }
        matched++;
        const k = kd[id]!;
        let score = 0.0;
        // pb_bm25's sum, phrase by phrase in the match's order, with its operations in its order.
        for (let i = 0; i < tokens.length; i++) {
          const f = lists[i]!.freq[at[i]!]!;
          score += idfs[i]! * ((f * (K1 + 1.0)) / (f + k));
        }
        heap.push(score, id);
      }
      return { rows: heap.sorted(), matched };
    },
    changed() {
      cache.clear();
      held = 0;
      lengths = null;
      changedAt = now();
    },
    size: () => held,
  };
}

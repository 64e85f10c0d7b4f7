/**
 * Short-list stages for the vector index: each proposes candidate rows cheaply (an exact scan over
 * quantized or truncated vectors, or an HNSW graph) and the index re-ranks them on full precision.
 */
import usearch from 'usearch';

const { Index, MetricKind, ScalarKind, exactSearch } = usearch;
type UsearchIndex = InstanceType<typeof Index>;

export type Quantization = 'f32' | 'i8' | 'b1';

/**
 * The rows the stages index: row `r` holds key `keys[r]`, and, unless the index keeps no full vectors of
 * its own (it re-ranks from its vector source), its vector at `data[r*dim..]`.
 */
export interface Rows {
  readonly dim: number;
  readonly size: number;
  readonly data: Float32Array | null;
  readonly keys: Float64Array;
  row(key: number): number | undefined;
}

export interface StageConfig {
  quantization: Quantization;
  /** Short-list dimensions: `dim` when there is no Matryoshka funnel. */
  dims: number;
  connectivity: number;
  expansionAdd: number;
  expansionSearch: number;
}

export interface Stage {
  readonly kind: 'exact' | 'hnsw';
  /** Row `r` was written (new or replaced) with vector `v`. */
  set(r: number, key: number, replaced: boolean, v: Float32Array): void;
  /** Rows `from..size-1` were appended in one batch; `vs[i]` is row `from + i`'s vector. */
  setMany(from: number, vs: (i: number) => Float32Array): void;
  /** Row `to` now holds what row `from` held (swap-remove); `key` left the store. */
  removed(key: number, from: number, to: number): void;
  /** Candidate rows, not ranked. */
  candidates(q: Float32Array, n: number): number[];
}

/** An exact stage's own short-list vectors (rows × width), for a save that holds no full vectors. */
export type ShortVectors = Float32Array | Int8Array | Uint32Array;

/** True when an exact stage of this config scans the full vectors themselves (it keeps no copy). */
export const scansFullVectors = (c: StageConfig, dim: number) => c.quantization === 'f32' && c.dims === dim;

/** The short-list vector of `v`: its first `dims` components, re-normalized to unit length. */
export function prefixUnit(v: Float32Array, dims: number, out = new Float32Array(dims)): Float32Array {
  let n = 0;
  for (let j = 0; j < dims; j++) n += v[j]! * v[j]!;
  const s = n > 0 ? 1 / Math.sqrt(n) : 0;
  for (let j = 0; j < dims; j++) out[j] = v[j]! * s;
  return out;
}

/** usearch reads typed arrays from the start of their buffer, ignoring byteOffset: hand it an own buffer. */
function own<T extends Float32Array | Int8Array>(a: T): T {
  return a.byteOffset === 0 && a.buffer.byteLength === a.byteLength ? a : (a.slice() as T);
}

function toI8(src: Float32Array, out: Int8Array, at: number): void {
  // Unit vectors: every component is in [-1, 1], so 127 uses the whole i8 range without clipping.
  for (let j = 0; j < src.length; j++) out[at + j] = Math.round(src[j]! * 127);
}

function toBits(src: Float32Array, out: Uint32Array, at: number): void {
  const words = (src.length + 31) >>> 5;
  for (let w = 0; w < words; w++) out[at + w] = 0;
  for (let j = 0; j < src.length; j++) if (src[j]! > 0) out[at + (j >>> 5)]! |= 1 << (j & 31);
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/**
 * A scan over every row. f32 without a funnel reads the store itself (usearch's SIMD exactSearch);
 * otherwise it keeps a parallel array of truncated (f32), quantized (i8, also SIMD) or sign-bit (b1,
 * popcount in JS: usearch's exactSearch takes no bit vectors) short-list vectors.
 */
export function createExactStage(rows: Rows, c: StageConfig, restore?: ShortVectors): Stage & { shortVectors(): ShortVectors } {
  const full = scansFullVectors(c, rows.dim);
  // eslint-disable-next-line no-restricted-syntax -- programming error: vector-index.ts keeps the full vectors for such a stage
  if (full && !rows.data) throw new Error('an exact f32 stage scans the full vectors: the index must keep them');
  const width = c.quantization === 'b1' ? (c.dims + 31) >>> 5 : c.dims;
  let f32 = restore instanceof Float32Array ? restore : new Float32Array(0);
  let i8 = restore instanceof Int8Array ? restore : new Int8Array(0);
  let bits = restore instanceof Uint32Array ? restore : new Uint32Array(0);
  const tmp = new Float32Array(c.dims);

  function ensure(rowsNeeded: number): void {
    const need = rowsNeeded * width;
    const cur = c.quantization === 'f32' ? f32.length : c.quantization === 'i8' ? i8.length : bits.length;
    if (need <= cur) return;
    // By half again, as the full vectors grow (vector-index.ts): doubling left up to half of it unused.
    const cap = Math.max(need, Math.ceil(cur * 1.5), width * 1024);
    if (c.quantization === 'f32') (f32 = grow(f32, new Float32Array(cap)));
    else if (c.quantization === 'i8') (i8 = grow(i8, new Int8Array(cap)));
    else bits = grow(bits, new Uint32Array(cap));
  }
  function write(r: number, v: Float32Array): void {
    if (full) return;
    const sv = c.dims === rows.dim ? v : prefixUnit(v, c.dims, tmp);
    ensure(r + 1);
    if (c.quantization === 'f32') f32.set(sv, r * width);
    else if (c.quantization === 'i8') toI8(sv, i8, r * width);
    else toBits(sv, bits, r * width);
  }
  function move(from: number, to: number): void {
    if (full || from === to) return;
    const a = c.quantization === 'f32' ? f32 : c.quantization === 'i8' ? i8 : bits;
    a.copyWithin(to * width, from * width, from * width + width);
  }
  function scanBits(q: Float32Array, n: number): number[] {
    const qb = new Uint32Array(width);
    toBits(c.dims === rows.dim ? q : prefixUnit(q, c.dims), qb, 0);
    // Counting sort by Hamming distance: distances are small integers, so no heap is needed.
    const dist = new Uint16Array(rows.size);
    const hist = new Uint32Array(c.dims + 1);
    for (let r = 0, base = 0; r < rows.size; r++, base += width) {
      let d = 0;
      for (let w = 0; w < width; w++) d += popcount(bits[base + w]! ^ qb[w]!);
      dist[r] = d;
      hist[d]!++;
    }
    let cut = 0;
    for (let seen = 0; cut <= c.dims && seen + hist[cut]! < n; cut++) seen += hist[cut]!;
    const out: number[] = [];
    for (let r = 0; r < rows.size && out.length < n; r++) if (dist[r]! < cut) out.push(r);
    for (let r = 0; r < rows.size && out.length < n; r++) if (dist[r] === cut) out.push(r);
    return out;
  }

  return {
    kind: 'exact',
    set: (r, _key, _replaced, v) => write(r, v),
    setMany(from, vs) {
      for (let r = from; r < rows.size; r++) write(r, vs(r - from));
    },
    shortVectors: () => (c.quantization === 'f32' ? f32 : c.quantization === 'i8' ? i8 : bits).subarray(0, rows.size * width),
    removed: (_key, from, to) => move(from, to),
    candidates(q, n) {
      n = Math.min(n, rows.size);
      if (n === 0) return [];
      if (c.quantization === 'b1') return scanBits(q, n);
      let dataset: Float32Array | Int8Array;
      let query: Float32Array | Int8Array;
      if (full) {
        dataset = rows.data!.subarray(0, rows.size * rows.dim);
        query = own(q);
      } else if (c.quantization === 'f32') {
        dataset = f32.subarray(0, rows.size * width);
        query = prefixUnit(q, c.dims);
      } else {
        dataset = i8.subarray(0, rows.size * width);
        query = new Int8Array(width);
        toI8(c.dims === rows.dim ? q : prefixUnit(q, c.dims), query, 0);
      }
      // subarray(0, …) keeps byteOffset 0, which is what exactSearch silently assumes.
      const m = exactSearch(dataset, query, c.dims, n, MetricKind.IP, 0);
      const out: number[] = [];
      for (let i = 0; i < m.keys.length; i++) out.push(Number(m.keys[i]));
      return out;
    },
  };
}

function grow<T extends Float32Array | Int8Array | Uint32Array>(old: T, next: T): T {
  next.set(old as never);
  return next;
}

/** Fewer vectors than this are added to a graph on the calling thread alone (see setMany). */
const SMALL_ADD = 256;

/**
 * The threads for an add of `n` vectors to `index` (0: usearch's default, every core). usearch keeps one
 * context per thread and sizes them only when an add grows its capacity, to that add's thread count: an
 * add on one thread that grew it left one context, and the next large add within that capacity ran on
 * two threads and failed with "Reserve capacity ahead of insertions!" (CI, a graph built in steps while
 * embedding: the pacer's steps crossed SMALL_ADD both ways). An add that will grow the capacity therefore
 * always reserves for every core, so each later add may use one thread or all.
 */
export function addThreads(index: Pick<UsearchIndex, 'size' | 'capacity'>, n: number): number {
  return n >= SMALL_ADD || index.size() + n >= index.capacity() ? 0 : 1;
}

/** An HNSW graph (usearch) over the short-list vectors, keyed by the paper key. */
export function createHnswStage(rows: Rows, c: StageConfig, loadFrom?: string): Stage & { save(file: string): void; index: UsearchIndex } {
  // Unit vectors: inner product ranks like cosine without the normalization cost. Bits use Hamming.
  const index = new Index({
    dimensions: c.dims,
    metric: c.quantization === 'b1' ? MetricKind.Hamming : MetricKind.IP,
    quantization: c.quantization === 'f32' ? ScalarKind.F32 : c.quantization === 'i8' ? ScalarKind.I8 : ScalarKind.B1,
    connectivity: c.connectivity,
    expansion_add: c.expansionAdd,
    expansion_search: c.expansionSearch,
    multi: false,
  });
  if (loadFrom) index.load(loadFrom);

  function shortVector(v: Float32Array): Float32Array {
    // usearch casts f32 input to i8/b1 itself; it still needs its own buffer (see own()).
    return c.dims === rows.dim ? v.slice() : prefixUnit(v, c.dims);
  }

  return {
    kind: 'hnsw',
    index,
    set(_r, key, replaced, v) {
      if (replaced) index.remove(BigInt(key));
      index.add(BigInt(key), shortVector(v), addThreads(index, 1));
    },
    setMany(from, vs) {
      const n = rows.size - from;
      if (n <= 0) return;
      // One batch in chunks so the temporary copy stays small; usearch spreads a large one over all cores.
      // A small one (a serving node's paced step) it adds on one thread: with every core, usearch starts
      // threads for the call and waits for the slowest, and on two busy cores (absorbing 100k papers) that
      // cost more than the work — a 100k-vector i8 graph, medians of 5 under load: 16 vectors 29 ms on all
      // cores against 20 ms on one, 64 vectors 128 against 61 ms (256: 162 against 191 ms).
      const chunk = 65536;
      for (let s = from; s < rows.size; s += chunk) {
        const e = Math.min(rows.size, s + chunk);
        const block = new Float32Array((e - s) * c.dims);
        for (let r = s; r < e; r++) {
          const v = vs(r - from);
          if (c.dims === rows.dim) block.set(v, (r - s) * c.dims);
          else prefixUnit(v, c.dims, block.subarray((r - s) * c.dims, (r - s + 1) * c.dims));
        }
        const keys = BigUint64Array.from({ length: e - s }, (_, i) => BigInt(rows.keys[s + i]!));
        index.add(keys, block, addThreads(index, e - s));
      }
    },
    removed(key) {
      index.remove(BigInt(key));
    },
    candidates(q, n) {
      if (rows.size === 0) return [];
      const query = c.dims === rows.dim ? own(q) : prefixUnit(q, c.dims);
      const m = index.search(query, Math.min(n, rows.size), 1);
      const out: number[] = [];
      for (let i = 0; i < m.keys.length; i++) {
        const r = rows.row(Number(m.keys[i]));
        if (r !== undefined) out.push(r);
      }
      return out;
    },
    save(file) {
      index.save(file);
    },
  };
}

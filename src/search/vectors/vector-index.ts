/**
 * The vector index: a cheap short-list stage (exact scan or HNSW, optionally quantized or
 * Matryoshka-truncated) and an exact re-rank of the short list on the full-precision vectors, so
 * reported scores are always true dot products. The full vectors are kept in one dense array, or, given
 * a vector source and a stage with vectors of its own (quantized or truncated), not kept at all: the
 * re-rank reads the short list's vectors from the source. At 100k×256 that array is 102 MB of a small
 * box's memory, while reading a short list of 200 from SQLite takes well under a millisecond.
 */
/* eslint-disable no-restricted-syntax -- the throws below check arguments from our own callers (programming errors);
   a damaged saved index is caught by served-vectors.ts, which moves it aside and rebuilds it from the stored vectors. */
import fs from 'node:fs';
import path from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { crc32 } from 'node:zlib';
import { createExactStage, createHnswStage, scansFullVectors, type Quantization, type Rows, type ShortVectors, type Stage, type StageConfig } from './shortlist.ts';

export type { Quantization } from './shortlist.ts';

export interface VectorIndexOptions {
  /** auto: exact below `hnswFrom` vectors, HNSW from there on (the switch happens once, upwards). */
  kind: 'exact' | 'hnsw' | 'auto';
  hnswFrom?: number;
  /**
   * auto only. true (default): the index builds its graph itself, in one call, when it grows past
   * `hnswFrom`. false: it keeps its exact stage and reports `outgrown`, for an owner that builds the
   * graph in steps (a serving node: building 50k vectors' graph in one call held the event loop for seconds).
   */
  autoSwitch?: boolean;
  /** Precision of the short-list stage only; the re-rank always uses the f32 vectors. */
  quantization?: Quantization;
  /** Matryoshka funnel: short-list on the first funnelDims dimensions (re-normalized), re-rank on all. */
  funnelDims?: number;
  /** Candidates before the re-rank; default max(4k, 100) (b1: max(10k, 400), bits lose more). */
  shortlist?: number;
  /**
   * Of those, how many the re-rank reads, best by the stage first (an i8 or f32 stage without a funnel,
   * whose order is nearly the true one); default 1.5k, at least k. Other stages re-rank the whole short list.
   */
  rerank?: number;
  connectivity?: number;
  expansionAdd?: number;
  expansionSearch?: number;
}

/**
 * The full vectors of `keys`, for an index that keeps none (in the keys' order; null for a key no
 * longer stored: its paper changed or left, and it is no candidate until it has a vector again).
 */
export type VectorSource = (keys: number[]) => Array<Float32Array | null>;

export interface VectorHit {
  key: number;
  score: number;
}

/** A search's per-call overrides (see VectorIndex.search). */
export interface VectorSearchOptions {
  shortlist?: number;
  rerank?: number;
  depth?: number;
}

/**
 * What semantic search asks of a served index: a VectorIndex in this thread, or the vector thread's
 * (served-vectors-thread.ts), whose searches answer asynchronously.
 */
export interface VectorSearcher {
  readonly dim: number;
  readonly size: number;
  readonly kind: string;
  search(q: Float32Array, k: number, o?: VectorSearchOptions): VectorHit[] | Promise<VectorHit[]>;
}

export interface VectorIndex extends VectorSearcher {
  readonly dim: number;
  readonly size: number;
  /** What is serving now, e.g. "exact-f32", "hnsw-i8-funnel64". */
  readonly kind: string;
  /** An auto index without autoSwitch that has grown past hnswFrom: its owner should build an HNSW one. */
  readonly outgrown: boolean;
  upsert(key: number, v: Float32Array): void;
  upsertMany(keys: number[], vs: Float32Array[]): void;
  remove(key: number): void;
  has(key: number): boolean;
  /**
   * Best first; scores are full-precision dot products. `shortlist` and `rerank` override the options
   * per call; `depth` explores as a search for that many neighbours would (its short list), returning k.
   */
  search(q: Float32Array, k: number, o?: VectorSearchOptions): VectorHit[];
  /** Persist atomically (the main file is renamed into place last). */
  save(file: string): void;
  /** The same in steps that yield to the event loop, writing through the thread pool. Do not change the index until it resolves. */
  saveAsync(file: string): Promise<void>;
}

/**
 * Defaults measured with `npm run bench:search` (docs/benchmarks.md, "Search"): connectivity 16
 * and expansionAdd 128 build 1M×384 (i8) within the 10-minute budget; usearch explores
 * max(expansionSearch, short list) candidates, and 100 of them gave recall@10 0.93 at 1M, so the
 * search expansion is 200 (under a millisecond more).
 */
export const DEFAULT_HNSW = { connectivity: 16, expansionAdd: 128, expansionSearch: 200 };
export const DEFAULT_HNSW_FROM = 20_000;

/*
 * File format, version 2: "PBVECIDX", u32 LE header length, header JSON (dim, size, CRC-32 of the two
 * blocks, what the second block holds, short-list stage and its config), zero padding to 8 bytes, keys
 * (f64 × size), then either the full vectors (f32 × size × dim; version 1 always) or, for an index that
 * keeps none, an exact stage's own short-list vectors (nothing for an HNSW stage). An HNSW stage's graph
 * is usearch's own file beside it, named in the header with its byte size and CRC-32; it is written
 * first, so renaming the header file into place commits both.
 */
const MAGIC = 'PBVECIDX';
/** Distinguishes graph files written within the same millisecond, so a save never overwrites the live one. */
let saves = 0;
const FORMAT_VERSION = 2;

interface Header {
  version: number;
  dim: number;
  size: number;
  crc: number;
  /** Version 2: 'f32' (the full vectors follow the keys) or 'short' (the exact stage's own vectors, or none). */
  vectors?: 'f32' | 'short';
  stage: { kind: 'exact' | 'hnsw'; config: StageConfig; file?: string; bytes?: number; crc?: number };
}

interface Resolved {
  kind: VectorIndexOptions['kind'];
  hnswFrom: number;
  autoSwitch: boolean;
  stage: StageConfig;
  shortlist: number | undefined;
  rerank: number | undefined;
}

function resolve(dim: number, o: VectorIndexOptions): Resolved {
  if (!['exact', 'hnsw', 'auto'].includes(o.kind)) throw new Error(`vector index kind must be exact, hnsw or auto, not ${String(o.kind)}`);
  const quantization = o.quantization ?? 'f32';
  if (!['f32', 'i8', 'b1'].includes(quantization)) throw new Error(`quantization must be f32, i8 or b1, not ${String(quantization)}`);
  const dims = o.funnelDims ?? dim;
  if (!Number.isInteger(dims) || dims < 1 || dims > dim) throw new Error(`funnelDims must be an integer in 1..${dim}, not ${dims}`);
  const positive = (name: string, v: number | undefined, d: number): number => {
    if (v === undefined) return d;
    if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive integer, not ${v}`);
    return v;
  };
  return {
    kind: o.kind,
    hnswFrom: positive('hnswFrom', o.hnswFrom, DEFAULT_HNSW_FROM),
    autoSwitch: o.autoSwitch ?? true,
    shortlist: o.shortlist === undefined ? undefined : positive('shortlist', o.shortlist, 100),
    rerank: o.rerank === undefined ? undefined : positive('rerank', o.rerank, 100),
    stage: {
      quantization,
      dims,
      connectivity: positive('connectivity', o.connectivity, DEFAULT_HNSW.connectivity),
      expansionAdd: positive('expansionAdd', o.expansionAdd, DEFAULT_HNSW.expansionAdd),
      expansionSearch: positive('expansionSearch', o.expansionSearch, DEFAULT_HNSW.expansionSearch),
    },
  };
}

function sameConfig(a: StageConfig, b: StageConfig): boolean {
  return (Object.keys(a) as (keyof StageConfig)[]).every((k) => a[k] === b[k]);
}

function checkKey(key: number): void {
  if (!Number.isSafeInteger(key) || key < 0) throw new Error(`vector keys must be non-negative integers, not ${key}`);
}

/** The source, when an index with this config can do without its own full vectors (its stage keeps its own). */
function leanSource(dim: number, r: Resolved, source: VectorSource | undefined): VectorSource | null {
  if (!source || scansFullVectors(r.stage, dim)) return null;
  if (r.kind === 'auto' && r.autoSwitch) throw new Error('an index that re-ranks from a vector source cannot build its graph from its own vectors: use autoSwitch false');
  return source;
}

/**
 * An empty index; `expected` (the number of vectors about to be added) picks an auto index's stage now.
 * With `source`, and a quantized or truncated stage, it keeps no full vectors (see the header).
 * @example const idx = createVectorIndex(384, { kind: 'auto', quantization: 'i8' }); idx.upsert(7, v); idx.search(q, 10)
 */
export function createVectorIndex(dim: number, o: VectorIndexOptions, expected = 0, source?: VectorSource): VectorIndex {
  if (!Number.isInteger(dim) || dim < 1) throw new Error(`vector dimension must be a positive integer, not ${dim}`);
  const r = resolve(dim, o);
  const lean = leanSource(dim, r, source);
  // Room for the vectors about to be added at once: growing by doubling to 100k×256 held 134 MB for 100k
  // vectors' 102 MB, and each doubling held the old array beside the new one.
  const cap = Math.max(1024, expected);
  return build(dim, r, { data: lean ? null : new Float32Array(dim * cap), keys: new Float64Array(cap), size: 0, expected, source: lean });
}

interface Parts {
  /** The full vectors: kept unless `source` is set; given with `source` (a version 1 file), only to fill the stage. */
  data: Float32Array | null;
  keys: Float64Array;
  size: number;
  hnswFile?: string | null;
  /** A saved exact stage's own vectors. */
  shortVectors?: ShortVectors;
  expected?: number;
  source: VectorSource | null;
}

function build(dim: number, r: Resolved, parts: Parts): VectorIndex {
  const { hnswFile = null, expected = 0, source } = parts;
  const data0 = parts.data;
  let data = source ? null : data0;
  let keys = parts.keys;
  let size = parts.size;
  const slot = new Map<number, number>();
  for (let i = 0; i < size; i++) {
    if (slot.has(keys[i]!)) throw new Error(`vector index holds key ${keys[i]} twice`);
    slot.set(keys[i]!, i);
  }
  const rows: Rows = {
    dim,
    get size() {
      return size;
    },
    get data() {
      return data;
    },
    get keys() {
      return keys;
    },
    row: (key) => slot.get(key),
  };
  const wantsHnsw = (n: number): boolean => r.kind === 'hnsw' || (r.kind === 'auto' && n >= r.hnswFrom);
  const stored = (i: number) => data0!.subarray(i * dim, (i + 1) * dim);
  let stage: Stage & { save?(file: string): void; shortVectors?(): ShortVectors };
  if (hnswFile) {
    const loaded = createHnswStage(rows, r.stage, hnswFile);
    const n = loaded.index.size();
    if (n !== size) throw new Error(`vector index graph ${hnswFile} holds ${n} vectors, its header ${size}; delete it to rebuild from the catalog`);
    stage = loaded;
  } else if (parts.shortVectors) {
    stage = createExactStage(rows, r.stage, parts.shortVectors);
  } else if (wantsHnsw(Math.max(size, expected)) && (r.autoSwitch || r.kind === 'hnsw' || size === 0)) {
    stage = createHnswStage(rows, r.stage);
    stage.setMany(0, stored);
  } else {
    stage = createExactStage(rows, r.stage);
    stage.setMany(0, stored);
  }
  const b1 = r.stage.quantization === 'b1';
  const funnel = r.stage.dims !== dim;

  function reserve(n: number): void {
    if (n <= keys.length) return;
    // By half again, not double: the spare room is memory a small box does not have (a node adds papers daily).
    const cap = Math.max(n, Math.ceil(keys.length * 1.5));
    if (data) {
      const d2 = new Float32Array(cap * dim);
      d2.set(data.subarray(0, size * dim));
      data = d2;
    }
    const k2 = new Float64Array(cap);
    k2.set(keys.subarray(0, size));
    keys = k2;
  }
  function checkVector(v: Float32Array): void {
    if (!(v instanceof Float32Array)) throw new Error('vectors must be Float32Array');
    if (v.length !== dim) throw new Error(`vector has ${v.length} dimensions, the index ${dim}`);
  }
  /** auto: the first time the size crosses hnswFrom, build the graph from every stored vector. */
  function maybeSwitch(): void {
    if (r.autoSwitch && stage.kind === 'exact' && wantsHnsw(size)) {
      const next = createHnswStage(rows, r.stage);
      next.setMany(0, (i) => data!.subarray(i * dim, (i + 1) * dim));
      stage = next;
    }
  }
  function shortlistSize(k: number): number {
    return r.shortlist ?? (b1 ? Math.max(10 * k, 400) : Math.max(4 * k, 100));
  }
  /**
   * The short list is there for the HNSW search's sake (usearch explores max(expansionSearch, n)
   * candidates, so a longer list finds more of the true neighbours), not for the re-rank: the stage's
   * order is the true one but near the cut (i8 steps are 1/127 while an LSA-256 component is ~1/16, so
   * scores within a few percent swap). Reading all of it from the store was a third of a hybrid request's
   * HTTP thread. On the served 80k catalog (LSA-256, hnsw-i8, the bench's 1,653 queries,
   * `bench/lab/hybrid-vectors.ts`), top 100 against exact: k 200, short list 800, all 800 re-ranked
   * recall@100 0.9976 at 5.5 ms; its first 200 the same top 100 (overlap 1.0000) at 2.3 ms. k 100, short
   * list 800: the first 100 re-ranked 0.9523, the first 150 0.9974. Hence 1.5k.
   */
  function rerankSize(k: number): number {
    return r.rerank ?? k + (k >> 1);
  }
  /** The stage ranks its candidates nearly as the full vectors would: i8 or f32 of every dimension. */
  const stageOrdered = !b1 && !funnel;
  function rerank(q: Float32Array, cand: number[], k: number, reads: number): VectorHit[] {
    const hits: VectorHit[] = [];
    const score = (key: number, v: ArrayLike<number>, base: number) => {
      let dot = 0;
      for (let j = 0; j < dim; j++) dot += q[j]! * v[base + j]!;
      hits.push({ key, score: dot });
    };
    if (source) {
      // The first `reads` candidates in the stage's order; one the source no longer has (its paper
      // changed or left) is replaced by the next, so k hits come back while the short list has them.
      for (let at = 0, want = Math.min(reads, cand.length); at < cand.length && hits.length < want; ) {
        const ks = cand.slice(at, at + want - hits.length).map((row) => keys[row]!);
        at += ks.length;
        const vs = source(ks);
        for (let i = 0; i < ks.length; i++) if (vs[i]) score(ks[i]!, vs[i]!, 0);
      }
    } else {
      for (const row of cand.slice(0, reads)) score(keys[row]!, data!, row * dim);
    }
    hits.sort((a, b) => b.score - a.score || a.key - b.key);
    return hits.slice(0, k);
  }

  /** The second block of a save: the full vectors, or the exact stage's own (an HNSW graph is its own file). */
  const saveState = (): SaveState => ({
    dim, size, keys, stage, config: r.stage,
    vectors: data ? { kind: 'f32', block: data.subarray(0, size * dim) } : { kind: 'short', block: stage.shortVectors?.() ?? new Int8Array(0) },
  });

  const index: VectorIndex = {
    dim,
    get size() {
      return size;
    },
    get kind() {
      return `${stage.kind}-${r.stage.quantization}${funnel ? `-funnel${r.stage.dims}` : ''}`;
    },
    get outgrown() {
      return stage.kind === 'exact' && wantsHnsw(size);
    },
    has: (key) => slot.has(key),
    upsert(key, v) {
      checkKey(key);
      checkVector(v);
      let s = slot.get(key);
      const replaced = s !== undefined;
      if (s === undefined) {
        reserve(size + 1);
        s = size++;
        slot.set(key, s);
        keys[s] = key;
      }
      data?.set(v, s * dim);
      if (stage.kind === 'exact' && wantsHnsw(size) && r.autoSwitch) maybeSwitch();
      else stage.set(s, key, replaced, v);
    },
    upsertMany(ks, vs) {
      if (ks.length !== vs.length) throw new Error(`${ks.length} keys for ${vs.length} vectors`);
      const seen = new Set<number>();
      const fresh: number[] = [];
      for (let i = 0; i < ks.length; i++) {
        checkKey(ks[i]!);
        checkVector(vs[i]!);
        if (seen.has(ks[i]!)) throw new Error(`key ${ks[i]} appears twice in one batch`);
        seen.add(ks[i]!);
        if (!slot.has(ks[i]!)) fresh.push(i);
      }
      // Replacements go one by one (usearch has no batch replace); new keys in one batch.
      for (let i = 0; i < ks.length; i++) if (slot.has(ks[i]!)) index.upsert(ks[i]!, vs[i]!);
      const from = size;
      reserve(size + fresh.length);
      for (const i of fresh) {
        slot.set(ks[i]!, size);
        keys[size] = ks[i]!;
        data?.set(vs[i]!, size * dim);
        size++;
      }
      if (stage.kind === 'exact' && wantsHnsw(size) && r.autoSwitch) maybeSwitch();
      else stage.setMany(from, (i) => vs[fresh[i]!]!);
    },
    remove(key) {
      const s = slot.get(key);
      if (s === undefined) return;
      // Move the last vector into the hole so the scan stays dense.
      const last = size - 1;
      if (s !== last) {
        data?.copyWithin(s * dim, last * dim, last * dim + dim);
        keys[s] = keys[last]!;
        slot.set(keys[s]!, s);
      }
      slot.delete(key);
      size--;
      stage.removed(key, last, s);
    },
    search(q, k, o) {
      checkVector(q);
      if (!Number.isInteger(k) || k < 1) throw new Error(`k must be a positive integer, not ${k}`);
      if (size === 0) return [];
      if (stage.kind === 'exact' && !funnel && r.stage.quantization === 'f32') return rerank(q, stage.candidates(q, k), k, k);
      const cand = stage.candidates(q, Math.max(k, o?.shortlist ?? shortlistSize(Math.max(k, o?.depth ?? k))));
      return rerank(q, cand, k, stageOrdered ? Math.max(k, o?.rerank ?? rerankSize(k)) : cand.length);
    },
    save(file) {
      saveIndex(file, saveState());
    },
    saveAsync(file) {
      return saveIndexAsync(file, saveState());
    },
  };
  return index;
}

function* chunks(buf: ArrayBufferView, bytes: number): Generator<Buffer> {
  // Node's read/write calls cap at 2 GB; 8 MB pieces keep the checksum incremental and each step short
  // (a CRC-32 of 8 MB takes a few ms).
  const step = 8 << 20;
  for (let at = 0; at < bytes; at += step) yield Buffer.from(buf.buffer, buf.byteOffset + at, Math.min(step, bytes - at));
}

function fileCrc(file: string): number {
  let crc = 0;
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(16 << 20);
    for (let pos = 0, n; (n = fs.readSync(fd, buf, 0, buf.length, pos)) > 0; pos += n) crc = crc32(buf.subarray(0, n), crc);
  } finally {
    fs.closeSync(fd);
  }
  return crc;
}

type SaveState = {
  dim: number; size: number; keys: Float64Array; stage: Stage & { save?(file: string): void }; config: StageConfig;
  vectors: { kind: 'f32' | 'short'; block: ArrayBufferView };
};

/** One file operation of a save: the sync save runs them in turn, the async one through the thread pool. */
type SaveOp = { open: string } | { write: Buffer } | { sync: true } | { close: true } | { graphCrc: string } | { pause: true };

/**
 * A save as a sequence of operations, so that the same steps serve the sync save (tests, benchmarks)
 * and the async one (a serving node: no operation holds the event loop for long). `graphCrc` asks the
 * runner for a file's CRC-32 and receives it through `next(crc)`.
 */
function* saveSteps(file: string, s: SaveState): Generator<SaveOp, void, number | undefined> {
  const dir = path.dirname(path.resolve(file));
  fs.mkdirSync(dir, { recursive: true });
  const base = path.basename(file);
  let crc = 0;
  for (const c of chunks(s.keys, s.size * 8)) {
    crc = crc32(c, crc);
    yield { pause: true };
  }
  for (const c of chunks(s.vectors.block, s.vectors.block.byteLength)) {
    crc = crc32(c, crc);
    yield { pause: true };
  }
  const header: Header = { version: FORMAT_VERSION, dim: s.dim, size: s.size, crc, vectors: s.vectors.kind, stage: { kind: s.stage.kind, config: s.config } };
  if (s.stage.kind === 'hnsw' && s.stage.save) {
    // The graph goes to a fresh side file named in the header; the header's rename commits both.
    const graph = `${base}.${process.pid}-${Date.now().toString(36)}-${++saves}.hnsw`;
    s.stage.save(path.join(dir, graph));
    header.stage.file = graph;
    header.stage.bytes = fs.statSync(path.join(dir, graph)).size;
    header.stage.crc = yield { graphCrc: path.join(dir, graph) };
  }
  const tmp = `${file}.${process.pid}.tmp`;
  const json = Buffer.from(JSON.stringify(header));
  const pre = Buffer.alloc(16);
  pre.write(MAGIC, 0, 'latin1');
  pre.writeUInt32LE(json.length, 8);
  const pad = (8 - ((16 + json.length) % 8)) % 8;
  yield { open: tmp };
  yield { write: Buffer.concat([pre, json, Buffer.alloc(pad)]) };
  for (const c of chunks(s.keys, s.size * 8)) yield { write: c };
  for (const c of chunks(s.vectors.block, s.vectors.block.byteLength)) yield { write: c };
  yield { sync: true };
  yield { close: true };
  fs.renameSync(tmp, file);
  for (const f of fs.readdirSync(dir)) {
    if (f.startsWith(`${base}.`) && f.endsWith('.hnsw') && f !== header.stage.file) fs.rmSync(path.join(dir, f), { force: true });
  }
}

function saveIndex(file: string, s: SaveState): void {
  const steps = saveSteps(file, s);
  let fd = -1;
  let answer: number | undefined;
  try {
    for (let r = steps.next(); !r.done; r = steps.next(answer)) {
      const op = r.value;
      answer = undefined;
      if ('open' in op) fd = fs.openSync(op.open, 'w');
      else if ('write' in op) fs.writeSync(fd, op.write);
      else if ('sync' in op) fs.fsyncSync(fd);
      else if ('close' in op) {
        fs.closeSync(fd);
        fd = -1;
      }
      else if ('graphCrc' in op) answer = fileCrc(op.graphCrc);
    }
  } finally {
    if (fd >= 0) fs.closeSync(fd);
  }
}

async function saveIndexAsync(file: string, s: SaveState): Promise<void> {
  const steps = saveSteps(file, s);
  let fh: fs.promises.FileHandle | undefined;
  let answer: number | undefined;
  try {
    for (let r = steps.next(); !r.done; r = steps.next(answer)) {
      const op = r.value;
      answer = undefined;
      if ('open' in op) fh = await fs.promises.open(op.open, 'w');
      else if ('write' in op) await fh!.write(op.write);
      else if ('sync' in op) await fh!.sync();
      else if ('close' in op) {
        await fh!.close();
        fh = undefined;
      }
      else if ('graphCrc' in op) answer = await fileCrcAsync(op.graphCrc);
      else await yieldToEventLoop();
    }
  } finally {
    await fh?.close();
  }
}

async function fileCrcAsync(file: string): Promise<number> {
  let crc = 0;
  const fh = await fs.promises.open(file, 'r');
  try {
    const buf = Buffer.alloc(4 << 20);
    for (let pos = 0, n; (n = (await fh.read(buf, 0, buf.length, pos)).bytesRead) > 0; pos += n) crc = crc32(buf.subarray(0, n), crc);
  } finally {
    await fh.close();
  }
  return crc;
}

/** An exact stage's own vectors for `size` rows of config `c`: their array and its length. */
function shortVectorsFor(c: StageConfig, size: number): ShortVectors {
  if (c.quantization === 'i8') return new Int8Array(size * c.dims);
  if (c.quantization === 'b1') return new Uint32Array(size * ((c.dims + 31) >>> 5));
  return new Float32Array(size * c.dims);
}

/**
 * Load an index saved by `save()`. Full f32 vectors in the file are authoritative: when the options ask
 * for a different short-list stage than the file holds, the stage is rebuilt from them. With `source`
 * (see createVectorIndex) the full vectors are not kept, and a file saved without them can be read;
 * its stage must then be the one the options ask for.
 * @throws Error naming the file when it is not a vector index, is truncated, fails its checksum, or
 * holds no full vectors and cannot serve these options as it is.
 */
export function loadVectorIndex(file: string, o: VectorIndexOptions, source?: VectorSource): VectorIndex {
  const bad = (why: string): Error => new Error(`vector index ${file} is unusable: ${why}; delete it to rebuild from the catalog`);
  const fd = fs.openSync(file, 'r');
  try {
    const total = fs.fstatSync(fd).size;
    const pre = Buffer.alloc(16);
    if (fs.readSync(fd, pre, 0, 16, 0) !== 16 || pre.toString('latin1', 0, 8) !== MAGIC) throw bad('not a vector index file');
    const len = pre.readUInt32LE(8);
    if (len > 1 << 20 || 16 + len > total) throw bad('header truncated');
    const jsonBuf = Buffer.alloc(len);
    fs.readSync(fd, jsonBuf, 0, len, 16);
    let h: Header;
    try {
      h = JSON.parse(jsonBuf.toString('utf8')) as Header;
    } catch {
      throw bad('header is not JSON');
    }
    if (h.version !== 1 && h.version !== FORMAT_VERSION) throw bad(`format version ${h.version}, this build reads 1 and ${FORMAT_VERSION}`);
    if (!Number.isInteger(h.dim) || h.dim < 1 || !Number.isInteger(h.size) || h.size < 0) throw bad('header has no valid dim/size');
    const full = (h.vectors ?? 'f32') === 'f32';
    if (!full && h.vectors !== 'short') throw bad(`unknown vectors block ${JSON.stringify(h.vectors)}`);
    const r = resolve(h.dim, o);
    const lean = leanSource(h.dim, r, source);
    const wantHnsw = r.kind === 'hnsw' || (r.kind === 'auto' && h.size >= r.hnswFrom);
    const sameStage = sameConfig(h.stage.config, r.stage);
    if (!full) {
      // Only its stage's own vectors: usable as it is, or not at all (the caller rebuilds from its store).
      if (!lean) throw bad('it holds no full vectors (saved by an index that re-ranks from its vector store)');
      // An exact stage also serves an outgrown auto index (its owner builds the graph), never a kind 'hnsw' one.
      if (!sameStage || (h.stage.kind === 'hnsw' ? !wantHnsw : r.kind === 'hnsw')) throw bad('it holds no full vectors and was saved with another short-list stage');
    }
    const short = !full && h.stage.kind === 'exact' ? shortVectorsFor(h.stage.config, h.size) : null;
    const at = 16 + len + ((8 - ((16 + len) % 8)) % 8);
    const blockBytes = full ? h.size * h.dim * 4 : (short?.byteLength ?? 0);
    const need = at + h.size * 8 + blockBytes;
    if (total !== need) throw bad(`size ${total} bytes, expected ${need} for ${h.size}×${h.dim}`);
    // Room to grow only for what is kept: a lean index reads the full vectors (if any) to fill its stage, then drops them.
    const cap = Math.max(h.size, 1024);
    const keys = new Float64Array(cap);
    const block: ArrayBufferView = full ? new Float32Array((lean ? h.size : cap) * h.dim) : short ?? new Int8Array(0);
    let pos = at;
    let crc = 0;
    for (const [arr, bytes] of [[keys, h.size * 8], [block, blockBytes]] as const) {
      for (const c of chunks(arr, bytes)) {
        if (fs.readSync(fd, c, 0, c.length, pos) !== c.length) throw bad('short read');
        crc = crc32(c, crc);
        pos += c.length;
      }
    }
    if (crc !== h.crc) throw bad('checksum mismatch (corrupted)');
    let graph: string | null = null;
    if (h.stage.kind === 'hnsw' && wantHnsw && sameStage && h.stage.file) {
      graph = path.join(path.dirname(path.resolve(file)), h.stage.file);
      if (!fs.existsSync(graph)) throw bad(`its HNSW graph ${h.stage.file} is missing`);
      if (fs.statSync(graph).size !== h.stage.bytes) throw bad(`its HNSW graph ${h.stage.file} has the wrong size`);
    }
    if (graph) {
      if (fileCrc(graph) !== h.stage.crc) throw bad(`its HNSW graph ${h.stage.file} fails its checksum`);
    }
    if (!full && h.stage.kind === 'hnsw' && !graph) throw bad('it holds no full vectors and names no HNSW graph');
    return build(h.dim, r, { data: full ? (block as Float32Array) : null, keys, size: h.size, hnswFile: graph, shortVectors: short ?? undefined, source: lean });
  } finally {
    fs.closeSync(fd);
  }
}

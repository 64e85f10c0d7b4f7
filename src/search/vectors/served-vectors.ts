/**
 * The in-memory nearest-neighbour index a node serves semantic search from: loaded from its saved file
 * when that saw the stored vectors' current version, else built from the stored vectors; saved again
 * every SAVE_EVERY changes and on stop. Building, the exact → HNSW switch and saving all run in paced
 * steps: an HNSW graph of 50k vectors built in one call held the event loop for seconds, and so did a
 * save of 80 MB of vectors with its checksum and fsync.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Embedder } from '../embedders/embedder.ts';
import type { SearchIndex } from '../keyword/types.ts';
import { createPacer, type Pacer, yieldToEventLoop } from '../pace.ts';
import type { VectorIndex, VectorSearcher, VectorSource } from './vector-index.ts';
import type { VectorReader } from './vector-store.ts';

/** Save the in-memory vector index once this many vectors changed since the last save (and on stop). */
const SAVE_EVERY = 5000;

/** How served vectors make and load their index (the search service's `components.vectorIndex`). */
export interface VectorIndexComponent {
  /**
   * An empty index that will hold about `expected` vectors; it never rebuilds itself (it reports `outgrown`).
   * `source` reads stored vectors: an index may re-rank from it instead of keeping its own full copies.
   */
  create(dim: number, expected: number, source: VectorSource): VectorIndex;
  /** Load one saved by `VectorIndex.save` (throws when unreadable). */
  load(file: string, dim: number, source: VectorSource): VectorIndex;
}

/** What served vectors need of an embedder: which one it is, and its vectors' dimensions. */
export type EmbedderOf = Pick<Embedder, 'id' | 'dim'> & Partial<Embedder>;

export interface ServedVectors<I extends VectorSearcher = VectorSearcher> {
  /** The index and the embedder id whose vectors it holds, or null before the first load. */
  current(): { of: string; index: I } | null;
  /** The index for `e`'s vectors: the one loaded, or loaded/built now (in steps). */
  ensure(e: EmbedderOf): Promise<I>;
  /** Newly stored vectors: into the index, saved once enough have changed. */
  add(rows: Array<{ id: number; v: Float32Array }>): Promise<void>;
  /** Write the index beside the keyword index, if anything changed since the last save. */
  save(): Promise<void>;
  /** Forget the loaded index (a new embedder, a rebuild). */
  drop(): void;
  /** For `index status`: what serves and where it came from. */
  describe(): string;
  /** The saved file's path. */
  readonly file: string;
}

/**
 * What served vectors read and write of the node's index: its stored vectors, their version, and the
 * `vectors_saved` meta. The index itself on the main thread; in the vector thread, its own read-only
 * connection, the version the main thread last sent and a setMeta that goes to the main thread.
 */
export interface VectorHome {
  vectors: VectorReader & { version(): number };
  meta(key: string): string | null;
  setMeta(key: string, value: string): void;
}

export function createServedVectors(o: {
  dir: string;
  index: () => VectorHome | SearchIndex;
  components: VectorIndexComponent;
  log?: Logger | undefined;
  /** The served index was replaced, or dropped (the vector thread tells the main thread). */
  changed?: () => void;
  /** Between two steps of a build or an add that took `ms`: a turn of the event loop (default), or a rest (the vector thread). */
  rest?: (ms: number) => Promise<unknown>;
}): ServedVectors<VectorIndex> {
  const rest = o.rest ?? (() => yieldToEventLoop());
  const file = path.join(o.dir, 'vectors.idx');
  let vectors: VectorIndex | null = null;
  let vectorsOf: string | null = null;
  let unsaved = 0;
  let vectorsFrom = '';
  let generation = 0;
  /**
   * A graph being built to replace an outgrown exact index: how far its read of the store has got (the
   * last id read; Infinity once it is done) and the vectors stored meanwhile behind that cursor, which the
   * build will not read again. Vectors ahead of it are read from the store by the build itself: keeping
   * them too replayed nearly every vector a second time, one by one (usearch has no batch replace), in
   * one synchronous loop — `bench:memory` saw the event loop held for 50 s at 100k papers.
   */
  let growing: { cursor: number; rows: Array<{ id: number; v: Float32Array }> } | null = null;
  let saving: Promise<void> | null = null;
  const pacer = createPacer({ initial: 64, max: 4096 });
  // Adds to a serving index have a pacer per index: a new one starts small (see add()).
  const addPacers = new WeakMap<VectorIndex, Pacer>();
  // The index re-ranks its short lists from the store (whichever index file is open now) rather than keep
  // a full copy of every vector: 102 MB at 100k×256 (docs/benchmarks.md, "Memory").
  const source = (keys: number[]) => o.index().vectors.many(keys);

  /** A new index for `dim`-dimensional vectors filled from the stored vectors, in paced steps. */
  const buildFromStore = async (dim: number, progress?: (after: number) => void): Promise<VectorIndex | null> => {
    const index = o.index();
    const gen = generation;
    const v = o.components.create(dim, index.vectors.count(), source);
    for (let after = -1; ; ) {
      if (gen !== generation) return null; // dropped meanwhile (a new embedder, a rebuild)
      const rows = index.vectors.page(after, pacer.size);
      if (rows.length === 0) break;
      const t0 = performance.now();
      v.upsertMany(rows.map((r) => r.id), rows.map((r) => r.v));
      const ms = performance.now() - t0;
      pacer.took(rows.length, ms);
      after = rows[rows.length - 1]!.id;
      progress?.(after);
      await rest(ms);
    }
    progress?.(Infinity);
    return v;
  };

  /** Rows into `v` in paced steps (a replacement in a graph is one remove and one add per row). */
  /** Rows into `v` in paced steps; false, and the rest left, once `current()` says `v` is no longer wanted. */
  const addInSteps = async (v: VectorIndex, rows: Array<{ id: number; v: Float32Array }>, stepPacer: Pacer, current: () => boolean): Promise<boolean> => {
    for (let i = 0; i < rows.length; ) {
      if (!current()) return false;
      // The step's size is read once: pacer.took() resizes it, and advancing by the new size skipped rows
      // (re-embedded papers kept their old vector in the graph; seen in CI under load).
      const n = Math.min(stepPacer.size, rows.length - i);
      // The latest vector of each paper in this step (a paper re-embedded twice appears twice).
      const step = new Map<number, Float32Array>();
      for (const r of rows.slice(i, i + n)) step.set(r.id, r.v);
      const t0 = performance.now();
      v.upsertMany([...step.keys()], [...step.values()]);
      const ms = performance.now() - t0;
      stepPacer.took(n, ms);
      i += n;
      await rest(ms);
    }
    return current();
  };

  /** The saved in-memory index if it saw the stored vectors' current version, else one built from them. */
  const load = async (e: EmbedderOf): Promise<VectorIndex | null> => {
    const index = o.index();
    if (fs.existsSync(file) && index.meta('vectors_saved') === `${e.id}@${index.vectors.version()}`) {
      try {
        const v = o.components.load(file, e.dim, source);
        if (v.dim === e.dim) {
          vectorsFrom = 'loaded from vectors.idx';
          return v;
        }
      } catch (err) {
        fs.renameSync(file, `${file}.broken`);
        o.log?.warn({ err, movedTo: `${file}.broken` }, 'the saved vector index is unusable; moved it aside, rebuilding it from the stored vectors');
      }
    }
    const t0 = performance.now();
    const v = await buildFromStore(e.dim);
    if (!v) return null;
    if (v.size) o.log?.info({ vectors: v.size, kind: v.kind, ms: Math.round(performance.now() - t0) }, 'vector index built from the stored vectors');
    vectorsFrom = `built from ${v.size} stored vectors`;
    unsaved = v.size;
    return v;
  };

  /** An exact index grown past its size: build the graph in the background while it keeps serving. */
  const grow = (from: VectorIndex) => {
    const gen = generation;
    const g = (growing = { cursor: -1, rows: [] as Array<{ id: number; v: Float32Array }> });
    const t0 = performance.now();
    void buildFromStore(from.dim, (after) => (g.cursor = after))
      .then(async (next) => {
        if (!next || gen !== generation || growing !== g) return;
        // Vectors stored behind the build's cursor while it ran (re-embedded papers, and whatever arrives
        // during this replay): into the graph in steps, until none is left.
        while (g.rows.length) {
          const rows = g.rows.splice(0);
          if (!(await addInSteps(next, rows, pacer, () => gen === generation)) || growing !== g) return;
        }
        vectors = next;
        vectorsFrom = `built from ${next.size} stored vectors`;
        unsaved = next.size;
        o.log?.info({ vectors: next.size, kind: next.kind, ms: Math.round(performance.now() - t0) }, 'vector index grown into a graph');
      })
      .catch((err) => o.log?.warn({ err }, 'building the vector graph failed; the exact index keeps serving'))
      .finally(() => {
        if (growing === g) growing = null;
        // After `growing` is cleared: what the vector thread tells the main thread says the build is over.
        o.changed?.();
      });
  };

  const served: ServedVectors<VectorIndex> = {
    file,
    current: () => (vectors && vectorsOf ? { of: vectorsOf, index: vectors } : null),
    async ensure(e) {
      if (!vectors || vectorsOf !== e.id) {
        const v = await load(e);
        // eslint-disable-next-line no-restricted-syntax -- programming error: the build's own index vanished under it
        if (!v) throw new Error('the vector index was dropped while it was being built');
        vectors = v;
        vectorsOf = e.id;
      }
      return vectors;
    },
    async add(rows) {
      if (!vectors) return;
      // Behind a graph build's cursor now: the build will not read them (its cursor only moves on).
      if (growing) for (const r of rows) if (r.id <= growing.cursor) growing.rows.push(r);
      // In paced slices of their own: the caller's step is sized by all its work, and when the exact index
      // gives way to its graph an add costs ~1 ms a vector instead of microseconds (bench:memory at 60k,
      // profiled: the first steps into the new graph held the loop 115–172 ms). A new index starts small.
      const v = vectors;
      let stepPacer = addPacers.get(v);
      if (!stepPacer) addPacers.set(v, (stepPacer = createPacer({ initial: 8, max: 4096 })));
      // Dropped or replaced meanwhile: the rest is the new index's to read.
      if (!(await addInSteps(v, rows, stepPacer, () => vectors === v))) return;
      unsaved += rows.length;
      if (v.outgrown && !growing) grow(v);
      if (unsaved >= SAVE_EVERY && !growing) await served.save();
    },
    save() {
      // One save at a time; the index is not changed while it runs (add() awaits it).
      return (saving ??= (async () => {
        if (!vectors || !vectorsOf || unsaved === 0) return;
        const of = vectorsOf;
        const version = o.index().vectors.version();
        await vectors.saveAsync(file);
        o.index().setMeta('vectors_saved', `${of}@${version}`);
        unsaved = 0;
      })().finally(() => (saving = null)));
    },
    drop() {
      generation++;
      growing = null;
      vectors = null;
      vectorsOf = null;
      o.changed?.();
    },
    describe: () =>
      vectors
        ? `${vectors.kind} (${vectorsFrom}${growing ? '; building its graph' : ''})`
        : fs.existsSync(file) ? 'saved in vectors.idx (not loaded by this process)' : 'not built yet',
  };
  return served;
}

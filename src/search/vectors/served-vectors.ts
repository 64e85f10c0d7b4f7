/**
 * The in-memory nearest-neighbour index a node serves semantic search from: loaded from its saved file
 * when that saw the stored vectors' current version, else built from the stored vectors; saved again
 * every SAVE_EVERY changes and on stop.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Embedder } from '../embedders/embedder.ts';
import type { SearchIndex } from '../keyword/types.ts';
import type { SearchComponents } from '../search-types.ts';
import type { VectorIndex } from './vector-index.ts';

/** Save the in-memory vector index once this many vectors changed since the last save (and on stop). */
const SAVE_EVERY = 5000;

export interface ServedVectors {
  /** The index and the embedder id whose vectors it holds, or null before the first load. */
  current(): { of: string; index: VectorIndex } | null;
  /** The index for `e`'s vectors: the one loaded, or loaded/built now. */
  ensure(e: Embedder): VectorIndex;
  /** Newly stored vectors: into the index, saved once enough have changed. */
  add(rows: Array<{ id: number; v: Float32Array }>): void;
  /** Write the index beside the keyword index, if anything changed since the last save. */
  save(): void;
  /** Forget the loaded index (a new embedder, a rebuild). */
  drop(): void;
  /** For `index status`: what serves and where it came from. */
  describe(): string;
  /** The saved file's path. */
  readonly file: string;
}

export function createServedVectors(o: { dir: string; index: () => SearchIndex; components: SearchComponents['vectorIndex']; log?: Logger | undefined }): ServedVectors {
  const file = path.join(o.dir, 'vectors.idx');
  let vectors: VectorIndex | null = null;
  let vectorsOf: string | null = null;
  let unsaved = 0;
  let vectorsFrom = '';

  /** The saved in-memory index if it saw the stored vectors' current version, else one built from them. */
  const load = (e: Embedder): VectorIndex => {
    const index = o.index();
    if (fs.existsSync(file) && index.meta('vectors_saved') === `${e.id}@${index.vectors.version()}`) {
      try {
        const v = o.components.load(file, e.dim);
        if (v.dim === e.dim) {
          vectorsFrom = 'loaded from vectors.idx';
          return v;
        }
      } catch (err) {
        o.log?.warn({ err }, 'the saved vector index is unreadable; rebuilding it from the stored vectors');
      }
    }
    const t0 = performance.now();
    const v = o.components.create(e.dim);
    let keys: number[] = [];
    let vs: Float32Array[] = [];
    for (const r of index.vectors.all()) {
      keys.push(r.id);
      vs.push(r.v);
      if (keys.length === 10_000) {
        v.upsertMany(keys, vs);
        keys = [];
        vs = [];
      }
    }
    if (keys.length) v.upsertMany(keys, vs);
    if (v.size) o.log?.info({ vectors: v.size, kind: v.kind, ms: Math.round(performance.now() - t0) }, 'vector index built from the stored vectors');
    vectorsFrom = `built from ${v.size} stored vectors`;
    unsaved = v.size;
    return v;
  };

  const served: ServedVectors = {
    file,
    current: () => (vectors && vectorsOf ? { of: vectorsOf, index: vectors } : null),
    ensure(e) {
      if (!vectors || vectorsOf !== e.id) {
        vectors = load(e);
        vectorsOf = e.id;
      }
      return vectors;
    },
    add(rows) {
      if (!vectors) return;
      vectors.upsertMany(rows.map((r) => r.id), rows.map((r) => r.v));
      unsaved += rows.length;
      if (unsaved >= SAVE_EVERY) served.save();
    },
    save() {
      if (!vectors || !vectorsOf || unsaved === 0) return;
      vectors.save(file);
      o.index().setMeta('vectors_saved', `${vectorsOf}@${o.index().vectors.version()}`);
      unsaved = 0;
    },
    drop() {
      vectors = null;
      vectorsOf = null;
    },
    describe: () => (vectors ? `${vectors.kind} (${vectorsFrom})` : fs.existsSync(file) ? 'saved in vectors.idx (not loaded by this process)' : 'not built yet'),
  };
  return served;
}

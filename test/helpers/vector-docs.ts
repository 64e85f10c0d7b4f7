/** Index documents and vectors for the tests of the served vector index (in-process and in its thread). */
import type { IndexDoc } from '../../src/search/keyword/types.ts';

/** Paper `id` as the index stores it: nothing but its id tells it from the others (its vector does). */
export const vectorDoc = (id: number): IndexDoc => ({
  id, arxivId: `2401.${String(id).padStart(5, '0')}`, title: `paper ${id}`, abstract: `abstract of paper ${id}`, authors: ['A. Author'],
  categories: ['cs.LG'], publishedAt: '2024-01-01', dailyDate: null, upvotes: 0, seq: id,
});

/** The `i`-th of the `dim`-dimensional vectors packed in `data`. */
export const vectorAt = (data: Float32Array, dim: number, i: number): Float32Array => data.slice(i * dim, (i + 1) * dim);

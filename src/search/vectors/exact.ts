/**
 * Exact nearest neighbours by dot product over unit vectors: the reference every approximate index
 * is measured against, and fast enough for a catalog of tens of thousands of papers.
 */
export interface VectorHit {
  key: number;
  score: number;
}

export interface ExactIndex {
  readonly dim: number;
  readonly size: number;
  upsert(key: number, v: Float32Array): void;
  remove(key: number): void;
  search(q: Float32Array, k: number): VectorHit[];
}

export function createExactIndex(dim: number): ExactIndex {
  let data = new Float32Array(dim * 1024);
  let keys = new Int32Array(1024);
  let size = 0;
  const slot = new Map<number, number>();
  return {
    dim,
    get size() {
      return size;
    },
    upsert(key, v) {
      if (v.length !== dim) throw new Error(`vector has ${v.length} dimensions, the index ${dim}`);
      let s = slot.get(key);
      if (s === undefined) {
        if (size === keys.length) {
          const d2 = new Float32Array(data.length * 2);
          d2.set(data);
          data = d2;
          const k2 = new Int32Array(keys.length * 2);
          k2.set(keys);
          keys = k2;
        }
        s = size++;
        slot.set(key, s);
        keys[s] = key;
      }
      data.set(v, s * dim);
    },
    remove(key) {
      const s = slot.get(key);
      if (s === undefined) return;
      // Move the last vector into the hole so the scan stays dense.
      const last = size - 1;
      if (s !== last) {
        data.copyWithin(s * dim, last * dim, last * dim + dim);
        keys[s] = keys[last]!;
        slot.set(keys[s]!, s);
      }
      slot.delete(key);
      size--;
    },
    search(q, k) {
      const top: VectorHit[] = [];
      for (let i = 0; i < size; i++) {
        let dot = 0;
        const base = i * dim;
        for (let j = 0; j < dim; j++) dot += q[j]! * data[base + j]!;
        if (top.length < k || dot > top[top.length - 1]!.score) {
          let pos = top.length < k ? top.length : top.length - 1;
          if (top.length < k) top.push({ key: keys[i]!, score: dot });
          else top[pos] = { key: keys[i]!, score: dot };
          while (pos > 0 && top[pos - 1]!.score < top[pos]!.score) {
            [top[pos - 1], top[pos]] = [top[pos]!, top[pos - 1]!];
            pos--;
          }
        }
      }
      return top;
    },
  };
}

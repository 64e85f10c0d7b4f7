/**
 * The little dense linear algebra LSA needs, on Float64Arrays (or Float32Arrays) in row-major order: seeded Gaussian
 * numbers, modified Gram-Schmidt, and Jacobi eigen-decomposition of a small symmetric matrix.
 */

/** A seeded PRNG (mulberry32) and Box-Muller normals: training is deterministic. */
export function gaussian(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => {
    const u = Math.max(uniform(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
  };
}

/**
 * Orthonormalize the `cols` columns of an n×cols row-major matrix in place (modified Gram-Schmidt).
 * The columns are worked on in a column-major copy: walking a column of a row-major matrix touches a
 * new cache line per element, which made this the bulk of LSA training (same arithmetic, same result).
 */
export function orthonormalizeColumns(m: Float64Array | Float32Array, n: number, cols: number, scratch?: Float64Array | Float32Array): void {
  // The copy has the matrix's precision (LSA's n×l is Float32: 109 MB at 100k papers, not 218); sums are float64.
  // A caller that orthonormalizes repeatedly passes one scratch buffer: a new copy per call left several
  // alive at once until the garbage collector ran (ArrayBuffers are freed only then).
  const t = scratch && scratch.length >= n * cols && scratch instanceof m.constructor ? scratch : m instanceof Float32Array ? new Float32Array(n * cols) : new Float64Array(n * cols);
  for (let i = 0; i < n; i++) for (let j = 0; j < cols; j++) t[j * n + i] = m[i * cols + j]!;
  for (let j = 0; j < cols; j++) {
    const cj = t.subarray(j * n, (j + 1) * n);
    for (let k = 0; k < j; k++) {
      const ck = t.subarray(k * n, (k + 1) * n);
      let dot = 0;
      for (let i = 0; i < n; i++) dot += cj[i]! * ck[i]!;
      for (let i = 0; i < n; i++) cj[i]! -= dot * ck[i]!;
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += cj[i]! ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < n; i++) cj[i]! /= norm;
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < cols; j++) m[i * cols + j] = t[j * n + i]!;
}

/**
 * Eigen-decomposition of a symmetric s×s matrix by cyclic Jacobi rotations.
 * Returns eigenvalues (descending) and eigenvectors as the columns of a row-major s×s matrix.
 */
export function symmetricEigen(input: Float64Array, s: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(input);
  const v = new Float64Array(s * s);
  for (let i = 0; i < s; i++) v[i * s + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let p = 0; p < s; p++) for (let q = p + 1; q < s; q++) off += a[p * s + q]! ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < s; p++) {
      for (let q = p + 1; q < s; q++) {
        const apq = a[p * s + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * s + q]! - a[p * s + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const sn = t * c;
        for (let k = 0; k < s; k++) {
          const akp = a[k * s + p]!;
          const akq = a[k * s + q]!;
          a[k * s + p] = c * akp - sn * akq;
          a[k * s + q] = sn * akp + c * akq;
        }
        for (let k = 0; k < s; k++) {
          const apk = a[p * s + k]!;
          const aqk = a[q * s + k]!;
          a[p * s + k] = c * apk - sn * aqk;
          a[q * s + k] = sn * apk + c * aqk;
        }
        for (let k = 0; k < s; k++) {
          const vkp = v[k * s + p]!;
          const vkq = v[k * s + q]!;
          v[k * s + p] = c * vkp - sn * vkq;
          v[k * s + q] = sn * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: s }, (_, i) => i).sort((i, j) => a[j * s + j]! - a[i * s + i]!);
  const values = Float64Array.from(order, (i) => a[i * s + i]!);
  const vectors = new Float64Array(s * s);
  order.forEach((src, dst) => {
    for (let k = 0; k < s; k++) vectors[k * s + dst] = v[k * s + src]!;
  });
  return { values, vectors };
}

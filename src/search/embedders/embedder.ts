/**
 * One interface for every way of turning text into vectors: the built-in LSA model trained on the
 * catalog, and (later) ONNX models and OpenAI-compatible endpoints.
 */
export interface Embedder {
  /** Provider, model, dimensions and version: an index records it and re-embeds when it changes. */
  readonly id: string;
  readonly dim: number;
  /** Unit-length vectors, one per text. */
  embed(texts: string[], kind: 'query' | 'document'): Promise<Float32Array[]>;
}

/** Scale to unit length in place (a zero vector stays zero). */
export function normalize(v: Float32Array): Float32Array {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i]! * v[i]!;
  n = Math.sqrt(n);
  if (n > 0) for (let i = 0; i < v.length; i++) v[i]! /= n;
  return v;
}

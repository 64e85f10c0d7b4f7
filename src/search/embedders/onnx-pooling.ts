/**
 * Turns per-token hidden states into one vector per text, the way the model's sentence-transformers
 * config says (modules.json → the Pooling module's config.json), defaulting to mean pooling.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AppError, messageOf } from '../../errors.ts';

export type Pooling = 'mean' | 'cls' | 'lasttoken' | 'max';
export const POOLINGS: readonly Pooling[] = ['mean', 'cls', 'lasttoken', 'max'];

/** One entry of a sentence-transformers modules.json. */
export interface StModule {
  path?: string;
  type?: string;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new AppError('CONFIG_INVALID', `${file} is not valid JSON: ${messageOf(e)}`, { cause: e });
  }
}

/**
 * The pooling named by the folder's sentence-transformers files, or undefined when it has none.
 * A Normalize module needs no handling: the Embedder contract already returns unit vectors.
 */
export function readStPooling(dir: string): Pooling | undefined {
  const modulesFile = path.join(dir, 'modules.json');
  let poolingDir = path.join(dir, '1_Pooling');
  if (fs.existsSync(modulesFile)) {
    const modules = readJson(modulesFile);
    if (!Array.isArray(modules)) throw new AppError('CONFIG_INVALID', `${modulesFile} should be a JSON array of modules`);
    const pooling = (modules as StModule[]).find((m) => typeof m?.type === 'string' && m.type.endsWith('.Pooling'));
    if (!pooling) return undefined;
    poolingDir = path.join(dir, pooling.path ?? '1_Pooling');
  }
  const file = path.join(poolingDir, 'config.json');
  if (!fs.existsSync(file)) return undefined;
  const c = readJson(file) as Record<string, unknown>;
  // sentence-transformers concatenates every enabled mode; a single mode is what embedding models use.
  const modes: [string, Pooling][] = [
    ['pooling_mode_cls_token', 'cls'],
    ['pooling_mode_mean_tokens', 'mean'],
    // mean / sqrt(len) differs from the mean only in length, which normalization removes.
    ['pooling_mode_mean_sqrt_len_tokens', 'mean'],
    ['pooling_mode_max_tokens', 'max'],
    ['pooling_mode_lasttoken', 'lasttoken'],
  ];
  const on = modes.filter(([k]) => c[k] === true);
  const unsupported = ['pooling_mode_weightedmean_tokens'].filter((k) => c[k] === true);
  if (unsupported.length > 0 || on.length !== 1) {
    const enabled = [...on.map(([k]) => k), ...unsupported].join(', ') || 'none';
    throw new AppError('CONFIG_INVALID', `${file}: unsupported pooling (enabled: ${enabled}); supported is exactly one of ${modes.map(([k]) => k).join(', ')}`);
  }
  return on[0]![1];
}

/**
 * Pools hidden states `h` of shape [batch, seq, hidden] (row-major) over the tokens whose attention
 * mask is 1, so padding never changes a text's vector.
 */
export function pool(h: Float32Array, mask: ArrayLike<bigint | number>, batch: number, seq: number, hidden: number, how: Pooling): Float32Array[] {
  const out: Float32Array[] = [];
  for (let b = 0; b < batch; b++) {
    const v = new Float32Array(hidden);
    const on = (s: number) => Number(mask[b * seq + s]) !== 0;
    const row = (s: number) => (b * seq + s) * hidden;
    if (how === 'cls') {
      v.set(h.subarray(row(0), row(0) + hidden));
    } else if (how === 'lasttoken') {
      let last = seq - 1;
      while (last > 0 && !on(last)) last--;
      v.set(h.subarray(row(last), row(last) + hidden));
    } else if (how === 'max') {
      v.fill(-Infinity);
      for (let s = 0; s < seq; s++) if (on(s)) for (let j = 0; j < hidden; j++) v[j] = Math.max(v[j]!, h[row(s) + j]!);
    } else {
      // Sum in doubles: long documents add up hundreds of tokens.
      const acc = new Float64Array(hidden);
      let n = 0;
      for (let s = 0; s < seq; s++) {
        if (!on(s)) continue;
        n++;
        for (let j = 0; j < hidden; j++) acc[j]! += h[row(s) + j]!;
      }
      for (let j = 0; j < hidden; j++) v[j] = n > 0 ? acc[j]! / n : 0;
    }
    out.push(v);
  }
  return out;
}

/**
 * What the main thread and the vector thread say to each other: calls (the served vectors' operations,
 * each naming the index file and generation it is for and the stored vectors' version the main thread
 * saw), replies, and what the thread tells unasked (its state, a meta value to write, a log line).
 */
import type { SentError } from '../thread-errors.ts';
import type { VectorHit, VectorIndexOptions, VectorSearchOptions } from './vector-index.ts';

/** The node's index a call is for, and the stored vectors' version after the main thread's last write. */
interface Target {
  gen: number;
  file: string;
  version: number;
}

export type VectorCall =
  | (Target & { id: number; op: 'ensure'; embedder: { id: string; dim: number }; options: VectorIndexOptions })
  | (Target & { id: number; op: 'add'; rows: Array<{ id: number; v: Float32Array }> })
  | (Target & { id: number; op: 'save' })
  | { id: number; op: 'search'; q: Float32Array; k: number; o: VectorSearchOptions | undefined }
  | { id: number; op: 'drop' }
  | { id: number; op: 'stall'; ms: number };

/** What is served: `drops` counts the drops the thread has seen, so a state sent before a drop is not taken after it. */
export interface VectorState {
  drops: number;
  of: string | null;
  dim: number;
  size: number;
  kind: string;
  describe: string;
}

export type VectorValue = VectorHit[] | null;

export type VectorReply =
  | { id: number; ok: true; value: VectorValue; state: VectorState }
  | { id: number; ok: false; error: SentError; state: VectorState };

export type VectorNotice =
  | { ready: true }
  | { state: VectorState }
  | { meta: [string, string]; gen: number }
  | { log: 'info' | 'warn' | 'error'; msg: string; obj: Record<string, unknown> };

/**
 * What the main thread and a query thread say to each other: calls (one of the modes' reads of the
 * keyword index, for an index generation, with the common-word counts when they changed) and replies.
 */
import type { SentError } from '../thread-errors.ts';
import type { TermSnapshot } from '../keyword/types.ts';
import type { SearchOptions, KeywordHit, KeywordResult } from '../keyword/types.ts';
import type { ParsedQuery } from '../query.ts';

/** The index a call is for: its file and the generation (bumped by every rebuild or repair). */
interface Target {
  id: number;
  gen: number;
  file: string;
  /** The main thread's counts, sent when this thread has not seen their version yet. */
  terms?: TermSnapshot | undefined;
}

export type ThreadCall =
  | (Target & { op: 'search'; q: ParsedQuery; opts: SearchOptions })
  | (Target & { op: 'decorate'; q: ParsedQuery; ranked: Array<{ id: number; score: number }> })
  | (Target & { op: 'filterIds'; q: ParsedQuery; ids: number[] })
  | (Target & { op: 'textOf'; idOf: number })
  | { id: number; op: 'stall'; ms: number };

export type ThreadValue = KeywordResult | KeywordHit[] | number[] | { title: string; abstract: string } | null;

export type ThreadReply =
  | { id: number; ok: true; value: ThreadValue }
  | { id: number; ok: false; error: SentError };

/** Distributes Omit over a union (TypeScript's own Omit does not). */
export type CallBody<T = ThreadCall> = T extends unknown ? Omit<T, 'id' | 'gen' | 'file' | 'terms'> : never;

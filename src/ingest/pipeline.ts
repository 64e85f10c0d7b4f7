/**
 * The one ingest pipeline: adapters yield items, the pipeline batches them into idempotent upserts,
 * records every rejection with its location, and reports progress and a summary.
 */
import type { PaperInput } from '../catalog/paper.ts';
import { upsertPapers } from '../catalog/papers.repo.ts';
import type { Store } from '../store/db.ts';
import { checkLimits } from './limits.ts';

/**
 * Rejections kept with their location and reason; past these only the count grows (`rejected`), so a
 * run over a broken multi-GB snapshot holds bounded memory and prints a readable summary.
 */
export const KEPT_REJECTIONS = 1_000;

/** Where a record came from, precisely enough for a person to find it: `2024-06-03.json#12`, `part01.jsonl.gz:4411`. */
export type Location = string;

export type SourceItem =
  | { kind: 'paper'; paper: PaperInput; location: Location }
  | { kind: 'reject'; reason: string; location: Location }
  /** Raised by adapters after each file/page so long runs can checkpoint and report. */
  | { kind: 'checkpoint'; note?: string; commit?: () => Promise<void>; /** A refined estimate of all records, for the ETA. */ total?: number };

export interface Rejection {
  location: Location;
  reason: string;
}

export interface IngestSummary {
  source: string;
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  /** The first KEPT_REJECTIONS rejections; `rejected` counts them all. */
  rejections: Rejection[];
  /** Rejections counted but not listed (rejected − rejections.length). */
  rejectionsNotListed: number;
  seconds: number;
}

export interface Progress {
  read: number;
  rejected: number;
  /** Total records expected, when the adapter knows it. */
  total?: number;
  note?: string;
}

export interface IngestOptions {
  batchSize?: number;
  onProgress?: (p: Progress) => void;
  /** Expected total records, for a progress bar's ETA. */
  total?: number;
}

/**
 * Drain an adapter into the store.
 * @example const s = await ingest(store, 'hf-daily', readHfDaily(paths)); console.log(s.inserted)
 */
export async function ingest(store: Store, source: string, items: AsyncIterable<SourceItem>, opts: IngestOptions = {}): Promise<IngestSummary> {
  const started = performance.now();
  const batchSize = opts.batchSize ?? 1000;
  const summary: IngestSummary = { source, read: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0, rejections: [], rejectionsNotListed: 0, seconds: 0 };
  const reject = (location: Location, reason: string) => {
    summary.rejected += 1;
    if (summary.rejections.length < KEPT_REJECTIONS) summary.rejections.push({ location, reason });
    else summary.rejectionsNotListed += 1;
  };
  let batch: PaperInput[] = [];
  let note: string | undefined;
  let total = opts.total;
  const report = () => opts.onProgress?.({ read: summary.read, rejected: summary.rejected, total, note });

  const flush = async () => {
    if (batch.length === 0) return;
    const r = await upsertPapers(store, batch);
    summary.inserted += r.inserted;
    summary.updated += r.updated;
    summary.unchanged += r.unchanged;
    batch = [];
    report();
  };

  for await (const item of items) {
    if (item.kind === 'paper') {
      summary.read += 1;
      // Bounded input (limits.ts): an oversized record is rejected here, whatever its source.
      const over = checkLimits(item.paper);
      if (over) {
        reject(item.location || `record ${item.paper.arxivId.slice(0, 40)}`, over);
        continue;
      }
      batch.push(item.paper);
      if (batch.length >= batchSize) await flush();
    } else if (item.kind === 'reject') {
      summary.read += 1;
      reject(item.location, item.reason);
    } else {
      // Everything before a checkpoint is stored before the adapter may record its position. Without
      // a position to record (file sources: one checkpoint per small day file) batches stay full.
      if (item.commit) await flush();
      if (item.note) note = item.note;
      if (item.total) total = item.total;
      await item.commit?.();
      report();
    }
  }
  await flush();
  summary.seconds = (performance.now() - started) / 1000;
  return summary;
}

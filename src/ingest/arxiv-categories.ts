/**
 * Categories for every paper: papers a source left without arXiv categories (Hugging Face's daily data
 * has none) get them from the arXiv API, 100 ids a request (`id_list`), at arXiv's pace (one request
 * per ARXIV_DELAY_MS, 3 s by default, through the polite client). Newest ids first, so the papers people
 * see first are done first. After each batch the position is checkpointed, so a run that is stopped
 * (shutdown, lost lease, arXiv away) resumes at the next id; a pass that reaches the oldest id starts
 * over next time, which retries ids arXiv did not know. Only empty fields are filled
 * (catalog/categories.repo.ts): the daily source's titles, abstracts and authors stay as it wrote them.
 */
import { fillFromArxiv, uncategorizedIds } from '../catalog/categories.repo.ts';
import type { PaperInput } from '../catalog/paper.ts';
import { isAppError } from '../errors.ts';
import type { Store } from '../store/db.ts';
import { fetchArxivIds } from './arxiv-api.ts';
import { clearCheckpoint, loadCheckpoint, saveCheckpoint } from './checkpoints.ts';
import type { HttpClient } from './http-client.ts';

/** The checkpoint key: the id the last finished batch ended at. */
export const CATEGORIES_CHECKPOINT = 'arxiv-categories:cursor';

export interface CategoriesRun {
  /** Ids asked for. */
  asked: number;
  /** Papers that gained categories. */
  filled: number;
  /** Ids arXiv answered without a paper (unknown, withdrawn, refused). */
  missing: number;
  /** Requests sent. */
  batches: number;
  /** The pass reached the oldest uncategorised paper. */
  complete: boolean;
  /** Why the run stopped early, if it did. */
  stopped: string | null;
  /** What stopped it: the request limit, the signal (shutdown, lost lease), or arXiv (unreachable, bad answers). */
  stoppedBy: 'limit' | 'signal' | 'arxiv' | null;
}

export interface CategoriesOptions {
  store: Store;
  http: HttpClient;
  /** The arXiv API endpoint (ARXIV_API_URL). */
  url: string;
  signal?: AbortSignal;
  /** Ids per request (arXiv's maximum and the default: 100). */
  batchSize?: number;
  /** Stop after this many requests (the rest waits for the next run); default: no limit. */
  maxBatches?: number;
  info?: (fields: Record<string, unknown>, line: string) => void;
}

/**
 * Fill categories from the arXiv API until every paper has them, the signal fires, or arXiv is away.
 * An unreachable arXiv is not a failure of the run: it stops, says why, and resumes next time.
 * @example await fillCategories({ store, http: createHttpClient({ delayMs: 3000 }), url: config.arxivApiUrl })
 */
export async function fillCategories(o: CategoriesOptions): Promise<CategoriesRun> {
  const batchSize = Math.min(100, Math.max(1, o.batchSize ?? 100));
  const info = o.info ?? (() => {});
  const run: CategoriesRun = { asked: 0, filled: 0, missing: 0, batches: 0, complete: false, stopped: null, stoppedBy: null };
  let cursor = (await loadCheckpoint<{ before: string }>(o.store, CATEGORIES_CHECKPOINT))?.before ?? '';
  for (;;) {
    if (o.signal?.aborted) {
      [run.stopped, run.stoppedBy] = ['stopped (shutdown or lease lost)', 'signal'];
      break;
    }
    if (o.maxBatches != null && run.batches >= o.maxBatches) {
      [run.stopped, run.stoppedBy] = [`reached ${o.maxBatches} requests for this run`, 'limit'];
      break;
    }
    const ids = await uncategorizedIds(o.store.db, cursor, batchSize);
    if (ids.length === 0) {
      run.complete = true;
      await clearCheckpoint(o.store, CATEGORIES_CHECKPOINT);
      break;
    }
    const found: PaperInput[] = [];
    try {
      for await (const item of fetchArxivIds({ http: o.http, url: o.url, ids, batchSize })) {
        if (item.kind === 'paper') found.push(item.paper);
        else if (item.kind === 'reject') run.missing++;
      }
    } catch (e) {
      if (o.signal?.aborted) {
        [run.stopped, run.stoppedBy] = ['stopped (shutdown or lease lost)', 'signal'];
        break;
      }
      if (isAppError(e) && (e.code === 'UPSTREAM_UNAVAILABLE' || e.code === 'UPSTREAM_BAD_RESPONSE')) {
        [run.stopped, run.stoppedBy] = [e.message, 'arxiv'];
        break;
      }
      throw e;
    }
    run.batches++;
    run.asked += ids.length;
    run.filled += await fillFromArxiv(o.store, found);
    cursor = ids.at(-1)!;
    await saveCheckpoint(o.store, CATEGORIES_CHECKPOINT, { before: cursor });
    info({ asked: run.asked, filled: run.filled, missing: run.missing, before: cursor }, 'arXiv categories: batch done');
  }
  return run;
}

/**
 * The bundled demo data: normalized papers (the seed papers and recent Hugging Face daily papers)
 * committed as gzip JSON Lines under `demo/`, loaded once into an empty catalog so a fresh install
 * shows real papers. Built by `scripts/build-demo-data.ts`; the product never reads ../shared.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Store } from '../store/db.ts';
import type { PaperInput } from '../catalog/paper.ts';
import { countPapers } from '../catalog/papers.repo.ts';
import { messageOf } from '../errors.ts';
import { readLines } from './lines.ts';
import { ingest, type IngestSummary, type SourceItem } from './pipeline.ts';

export const DEMO_BUNDLE = fileURLToPath(new URL('../../demo/papers.jsonl.gz', import.meta.url));

/** Marks the demo as loaded, so emptying the catalog later does not bring it back. */
const LOADED_KEY = 'demo:loaded';

/**
 * Stream the bundle's records (PaperInput as JSON, one per line, keeping each record's source).
 * @example for await (const item of readDemoBundle(DEMO_BUNDLE)) …
 */
export async function* readDemoBundle(file: string): AsyncGenerator<SourceItem> {
  for await (const ev of readLines(file)) {
    if (ev.kind === 'error') {
      yield { kind: 'reject', location: file, reason: ev.reason };
      return;
    }
    if (ev.kind === 'long') {
      yield { kind: 'reject', location: `demo:${ev.line}`, reason: `line of ${ev.bytes} bytes is too long` };
      continue;
    }
    if (!ev.text.trim()) continue;
    const location = `demo:${ev.line}`;
    try {
      const p = JSON.parse(ev.text) as PaperInput;
      // eslint-disable-next-line no-restricted-syntax -- caught below: the record is rejected with this reason
      if (!p.arxivId || !p.title || !p.source) throw new Error('missing arxivId, title or source');
      yield { kind: 'paper', paper: p, location };
    } catch (e) {
      yield { kind: 'reject', location, reason: messageOf(e) };
    }
  }
}

/**
 * Load the demo bundle if the catalog is empty, demo data is enabled and it was never loaded.
 * Returns the ingest summary, or null when nothing was loaded.
 * @example await loadDemoData(app) // { inserted: 5123, … } on a fresh install, null afterwards
 */
export async function loadDemoData(app: { store: Store; config: Pick<Config, 'demoData'>; log: Logger }, opts: { bundle?: string; force?: boolean } = {}): Promise<IngestSummary | null> {
  const bundle = opts.bundle ?? DEMO_BUNDLE;
  if (!opts.force) {
    if (!app.config.demoData) return null;
    if ((await countPapers(app.store.db)) > 0) return null;
    const mark = await app.store.db.selectFrom('checkpoints').select('value').where('key', '=', LOADED_KEY).executeTakeFirst();
    if (mark) return null;
  }
  if (!fs.existsSync(bundle)) {
    app.log.warn({ bundle }, 'demo data bundle not found; starting with an empty catalog');
    return null;
  }
  const summary = await ingest(app.store, 'demo', readDemoBundle(bundle));
  const now = new Date().toISOString();
  const value = JSON.stringify({ inserted: summary.inserted, at: now });
  await app.store.db
    .insertInto('checkpoints')
    .values({ key: LOADED_KEY, value, updated_at: now })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now }))
    .execute();
  app.log.info(
    { inserted: summary.inserted, updated: summary.updated, rejected: summary.rejected, seconds: Number(summary.seconds.toFixed(2)) },
    `loaded ${summary.inserted} demo papers (set DEMO_DATA=false to start empty)`,
  );
  return summary;
}

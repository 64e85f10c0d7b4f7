/**
 * Kaggle arXiv metadata snapshot adapter: JSON Lines, plain or gzip, one paper per line, streamed.
 */
import { tryParseArxivId } from '../catalog/arxiv-id.ts';
import { toTimestamp } from '../catalog/dates.ts';
import type { PaperInput } from '../catalog/paper.ts';
import { namesFromParsed, splitAuthors } from './authors.ts';
import { createTotalEstimator, displayName, listInputFiles } from './files.ts';
import { jsonLineItems } from './lines.ts';
import type { SourceItem } from './pipeline.ts';

export const KAGGLE_SOURCE = 'kaggle';

type Obj = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);

/**
 * Map one snapshot record to a PaperInput, or say why it cannot be.
 * @example kaggleRecordToInput({ id: '0704.0001', title: 'T', authors: 'A and B', categories: 'hep-ph' })
 */
export function kaggleRecordToInput(rec: unknown): PaperInput | string {
  if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) return 'record is not a JSON object';
  const r = rec as Obj;
  const rawId = str(r.id);
  if (!rawId) return 'missing id';
  const id = tryParseArxivId(rawId);
  if (!id) return `not an arXiv id: ${JSON.stringify(rawId.slice(0, 60))}`;
  const title = str(r.title);
  if (!title) return 'missing title';
  const versions = Array.isArray(r.versions) ? (r.versions as Obj[]).filter((v) => v && typeof v === 'object') : [];
  const last = versions.at(-1);
  const lastVersion = last ? /^v(\d+)$/.exec(String(last.version ?? '')) : null;
  const firstCreated = versions[0] ? toTimestamp(str(versions[0].created)) : null;
  return {
    arxivId: id.id,
    version: lastVersion ? Number(lastVersion[1]) : id.version,
    title,
    abstract: str(r.abstract),
    authors: namesFromParsed(r.authors_parsed) ?? splitAuthors(str(r.authors)),
    categories: (str(r.categories) ?? '').split(/\s+/).filter(Boolean),
    publishedAt: firstCreated ?? toTimestamp(str(r.update_date)),
    updatedAt: toTimestamp(str(r.update_date)),
    comment: str(r.comments),
    journalRef: str(r['journal-ref']),
    doi: str(r.doi),
    source: KAGGLE_SOURCE,
  };
}

/** Files a directory contributes: `.jsonl`, `.json` (JSON Lines as Kaggle names it) and their `.gz`. */
export const isKaggleFile = (n: string): boolean => /\.(jsonl|json|ndjson)(\.gz)?$/.test(n);

/**
 * Stream snapshot files, yielding a checkpoint after each file. A bad line is rejected as `file:line`;
 * a truncated gzip is rejected as the file, keeping the papers read before the damage.
 * @example for await (const item of readKaggle(['arxiv-metadata-oai-snapshot.json'])) …
 */
export async function* readKaggle(paths: string[]): AsyncGenerator<SourceItem> {
  const files = listInputFiles(paths, isKaggleFile);
  const estimate = createTotalEstimator(files);
  let records = 0;
  for (let f = 0; f < files.length; f++) {
    const file = files[f]!;
    const name = displayName(file);
    records += yield* jsonLineItems(file, name, kaggleRecordToInput);
    yield { kind: 'checkpoint', note: `${name} (${f + 1}/${files.length} files)`, total: estimate(f + 1, records) };
  }
}

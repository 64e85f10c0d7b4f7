/**
 * Seed papers adapter: the JSON Lines file of the papers on the reference page this product is
 * modeled on (`arxivId, title, abstract, authors, category, publishedAt, upvotes`).
 */
import { tryParseArxivId } from '../catalog/arxiv-id.ts';
import { toTimestamp } from '../catalog/dates.ts';
import type { PaperInput } from '../catalog/paper.ts';
import { displayName, listInputFiles } from './files.ts';
import { jsonLineItems } from './lines.ts';
import type { SourceItem } from './pipeline.ts';

export const SEED_SOURCE = 'seed';

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);

/**
 * Map one seed record to a PaperInput, or say why it cannot be.
 * @example seedRecordToInput({ arxivId: '2310.06511', title: 'T', category: 'cs.LG' }).categories // ['cs.LG']
 */
export function seedRecordToInput(rec: unknown): PaperInput | string {
  if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) return 'record is not a JSON object';
  const r = rec as Record<string, unknown>;
  const rawId = str(r.arxivId) ?? str(r.id);
  if (!rawId) return 'missing arxivId';
  const id = tryParseArxivId(rawId);
  if (!id) return `not an arXiv id: ${JSON.stringify(rawId.slice(0, 60))}`;
  const title = str(r.title);
  if (!title) return 'missing title';
  const category = str(r.category);
  return {
    arxivId: id.id,
    version: id.version,
    title,
    abstract: str(r.abstract),
    authors: Array.isArray(r.authors) ? r.authors.map(str).filter((a): a is string => a !== null) : [],
    categories: category ? [category] : [],
    publishedAt: toTimestamp(str(r.publishedAt)),
    upvotes: typeof r.upvotes === 'number' ? r.upvotes : null,
    source: SEED_SOURCE,
  };
}

/**
 * Read seed JSON Lines files; a bad line is rejected as `file:line`.
 * @example for await (const item of readSeed(['seed-papers.jsonl'])) …
 */
export async function* readSeed(paths: string[]): AsyncGenerator<SourceItem> {
  const files = listInputFiles(paths, (n) => /\.jsonl(\.gz)?$/.test(n));
  for (const file of files) {
    const name = displayName(file);
    yield* jsonLineItems(file, name, seedRecordToInput);
    yield { kind: 'checkpoint', note: name };
  }
}

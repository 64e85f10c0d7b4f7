/**
 * The catalog as a stream of PaperInput records — the JSONL layout `paperboy export` writes and the
 * `jsonl` ingest source reads back. Every sourced field (paper-fields.ts) is present on every line
 * (null when unknown) and `source` keeps each paper's provenance, so export → ingest → export is
 * byte-identical.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { readContext } from './paper-loader.ts';
import { SOURCED_KEYS } from './paper-fields.ts';
import { rowToExport, type PaperExport } from './paper.ts';

/** The fields of a line, in the order they are written. */
export const JSONL_FIELDS = SOURCED_KEYS;

/**
 * Every paper in arXiv id order, read in keyset batches so memory stays flat on any catalog size.
 * @example for await (const p of exportPapers(db)) out.write(`${JSON.stringify(p)}\n`)
 */
export async function* exportPapers(db: Kysely<Database>, batch = 1000): AsyncGenerator<PaperExport> {
  let after = '';
  for (;;) {
    const rows = await db.selectFrom('papers').selectAll().where('arxiv_id', '>', after).orderBy('arxiv_id').limit(batch).execute();
    // The people and organisations a batch refers to are written inside its lines, so a line stands alone.
    const ctx = await readContext(db, rows);
    for (const r of rows) yield rowToExport(r, ctx);
    if (rows.length < batch) return;
    after = rows[rows.length - 1]!.arxiv_id;
  }
}

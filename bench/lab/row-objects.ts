/**
 * Rows as better-sqlite3's objects against arrays made into objects (src/store/db.ts keptRows), through
 * Kysely as the app runs it: a search page's papers loaded with their people, organisations and claims
 * (rows, then toPaper), for the pages the bench:http queries find.
 * `npx tsx bench/lab/row-objects.ts sqlite:/work/coord/perf/bench.db /work/coord/perf/emb/node0`
 * Prints the wall time a page, min and median of 9 interleaved rounds.
 */
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { openSearchIndex, parseQuery } from '../../src/search/index.ts';
import { getPaperRows } from '../../src/catalog/papers.repo.ts';
import { loadPapers } from '../../src/catalog/paper-loader.ts';
import { keptRows } from '../../src/store/db.ts';
import type { Database } from '../../src/store/schema.ts';
import { benchQueries } from '../bench-queries.ts';

const [url, dataDir] = process.argv.slice(2);
if (!url?.startsWith('sqlite:') || !dataDir) throw new Error('usage: row-objects.ts sqlite:FILE DATA_DIR');
const idx = openSearchIndex(path.join(dataDir, 'index'));
const pages = benchQueries().slice(0, 800).map((q) => idx.search(parseQuery(q), { limit: 20, plain: true }).hits.map((h) => h.arxivId));
idx.close();
/** Kept statements as src/store/db.ts keeps them, with or without keptRows. */
const dialect = (rows: boolean) => {
  const sqlite = new SQLite(url.slice('sqlite:'.length), { readonly: true });
  const version = sqlite.prepare('PRAGMA schema_version').pluck();
  const kept = new Map<string, unknown>();
  const database = {
    close: () => sqlite.close(),
    prepare: (text: string) => {
      let s = kept.get(text);
      if (!s) kept.set(text, (s = rows ? keptRows(sqlite.prepare(text), () => version.get() as number) : sqlite.prepare(text)));
      return s;
    },
  };
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: database as never }) });
};
const variants = { 'better-sqlite3 objects': dialect(false), 'arrays made into objects': dialect(true) };
const res: Record<string, number[]> = {};
for (let r = 0; r < 10; r++) {
  for (const [k, db] of Object.entries(variants)) {
    const t = performance.now();
    for (const ids of pages) await loadPapers(db, await getPaperRows(db, ids));
    if (r > 0) (res[k] ??= []).push((performance.now() - t) / pages.length);
  }
}
for (const [k, v] of Object.entries(res)) console.log(`${k}: min ${Math.min(...v).toFixed(3)}, median ${v.sort((a, b) => a - b)[4]!.toFixed(3)} ms a page (rows, people, organisations, claims, toPaper)`);

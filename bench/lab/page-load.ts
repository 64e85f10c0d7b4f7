/**
 * The main thread's share of a search request, without HTTP: load a page of 20 papers from the catalog
 * (rows, people, organisations, claims) and build its JSON, for the pages the bench:http queries find.
 * `npx tsx bench/lab/page-load.ts sqlite:/tmp/perf/nodes/bench.db /tmp/perf/nodes/node0`
 * Alternates the store as opened by openStore (kept statements) with a plain Kysely SqliteDialect.
 */
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { openSearchIndex, parseQuery } from '../../src/search/index.ts';
import { getPaperRows } from '../../src/catalog/papers.repo.ts';
import { loadPapers } from '../../src/catalog/paper-loader.ts';
import { openStore } from '../../src/store/db.ts';
import type { Database } from '../../src/store/schema.ts';

const [url, dataDir] = process.argv.slice(2);
if (!url?.startsWith('sqlite:') || !dataDir) throw new Error('usage: page-load.ts sqlite:FILE DATA_DIR');
const idx = openSearchIndex(path.join(dataDir, 'index'));
const terms = ('diffusion language model reasoning graph neural vision transformer reinforcement feedback video image ' +
  'segmentation detection robot policy agent benchmark retrieval generation audio speech translation alignment').split(' ');
const queries = terms.flatMap((a, i) => terms.slice(i + 1).map((b) => `${a} ${b}`));
const pages = queries.map((q) => idx.search(parseQuery(q), { limit: 20, plain: true }).hits.map((h) => h.arxivId));
idx.close();
const kept = openStore(url).db;
const plain = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(url.slice('sqlite:'.length)) }) });
const run = async (db: Kysely<Database>) => {
  const t = performance.now();
  for (const ids of pages) await loadPapers(db, await getPaperRows(db, ids));
  return (performance.now() - t) / pages.length;
};
await run(kept);
await run(plain);
for (let r = 0; r < 4; r++) console.log(`round ${r}: kept statements ${(await run(kept)).toFixed(3)} ms a page, plain dialect ${(await run(plain)).toFixed(3)} ms`);

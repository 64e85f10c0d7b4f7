/**
 * An index on the source that last changed each paper: `/metrics` counts the catalog by source at every
 * scrape (paperboy_catalog_papers), and without it that count read the whole papers table. On SQLite the
 * read runs on the event loop: at 100k papers every scrape held it for 0.3 s on a quiet machine and 2–4 s
 * under load (bench:memory, docs/benchmarks.md "Memory", session 8).
 */
import type { Kysely, Migration } from 'kysely';

export function papersSource(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.createIndex('papers_source').on('papers').column('source').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropIndex('papers_source').execute();
    },
  };
}

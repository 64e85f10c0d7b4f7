/**
 * A partial index on the papers that have no categories yet (the arXiv categories job's work list,
 * src/ingest/arxiv-categories.ts): once the job has caught up it holds only the ids arXiv does not
 * know, so the job's "anything left?" probe stays an index lookup however large the catalog grows.
 */
import { sql, type Kysely, type Migration } from 'kysely';

export function uncategorized(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.createIndex('papers_uncategorized').on('papers').column('arxiv_id').where(sql.ref('categories'), '=', '').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropIndex('papers_uncategorized').execute();
    },
  };
}

/** The catalog: papers, the change-sequence counter, and ingest checkpoints. */
import type { Kysely, Migration } from 'kysely';
import type { Engine } from './engine.ts';

export function catalog(engine: Engine): Migration {
  const idType = engine === 'postgres' ? 'bigserial' : 'integer';
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('papers')
        .addColumn('id', idType as 'integer', (c) => (engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn('arxiv_id', 'text', (c) => c.notNull().unique())
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('abstract', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('authors', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('categories', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('published_at', 'text')
        .addColumn('updated_at', 'text')
        .addColumn('daily_date', 'text')
        .addColumn('comment', 'text')
        .addColumn('journal_ref', 'text')
        .addColumn('doi', 'text')
        .addColumn('github_repo', 'text')
        .addColumn('project_page', 'text')
        .addColumn('upvotes', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('num_comments', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('submitted_by', 'text')
        .addColumn('ai_summary', 'text')
        .addColumn('ai_keywords', 'text')
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('modified_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('papers_seq').on('papers').column('seq').unique().execute();
      await db.schema.createIndex('papers_daily').on('papers').columns(['daily_date', 'upvotes']).execute();
      await db.schema.createIndex('papers_published').on('papers').column('published_at').execute();

      await db.schema
        .createTable('counters')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('value', 'bigint', (c) => c.notNull())
        .execute();
      await db.insertInto('counters').values({ name: 'paper_seq', value: 0 }).execute();

      await db.schema
        .createTable('checkpoints')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('checkpoints').execute();
      await db.schema.dropTable('counters').execute();
      await db.schema.dropTable('papers').execute();
    },
  };
}

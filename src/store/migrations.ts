/**
 * The one set of migrations for both engines, kept in code so a bundled build needs no folder scan.
 * Append new migrations; never edit one that has shipped.
 */
import { type Kysely, type Migration, type MigrationProvider } from 'kysely';

type Engine = 'sqlite' | 'postgres';

function migrations(engine: Engine): Record<string, Migration> {
  const idType = engine === 'postgres' ? 'bigserial' : 'integer';
  return {
    '0001_catalog': {
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
    },
    '0002_jobs': {
      // Scheduled job runs, one row per (job, period): the primary key makes a period run once across
      // every app node; the lease (owner, expiry) lets another node take over a run whose node died.
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('job_runs')
          .addColumn('job', 'text', (c) => c.notNull())
          .addColumn('period', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('owner', 'text', (c) => c.notNull())
          .addColumn('lease_expires_at', 'text', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('started_at', 'text', (c) => c.notNull())
          .addColumn('finished_at', 'text')
          .addColumn('error', 'text')
          .addPrimaryKeyConstraint('job_runs_pk', ['job', 'period'])
          .execute();
        await db.schema.createIndex('job_runs_status').on('job_runs').columns(['status', 'lease_expires_at']).execute();
      },
      async down(db: Kysely<any>) {
        await db.schema.dropTable('job_runs').execute();
      },
    },
  };
}

export function migrationProvider(engine: Engine): MigrationProvider {
  return { getMigrations: async () => migrations(engine) };
}

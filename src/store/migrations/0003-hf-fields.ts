/**
 * What the Hugging Face daily data holds beyond the first schema: people and organisations as records
 * of their own, and the paper columns for the daily entry's own fields, media, GitHub stars, discussion,
 * organisation and AI summary model. Existing submitters (user names on papers) become people records.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { Engine } from './engine.ts';

export function hfFields(engine: Engine): Migration {
  const idType = engine === 'postgres' ? 'bigserial' : 'integer';
  const id = (c: any) => (engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement());
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('people')
        .addColumn('id', idType as 'integer', id)
        .addColumn('username', 'text', (c) => c.notNull().unique())
        .addColumn('hf_id', 'text')
        .addColumn('fullname', 'text')
        .addColumn('avatar_url', 'text')
        .addColumn('type', 'text')
        .addColumn('is_pro', 'integer')
        .addColumn('is_hf', 'integer')
        .addColumn('is_mod', 'integer')
        .addColumn('is_hf_admin', 'integer')
        .addColumn('follower_count', 'integer')
        .addColumn('observed_at', 'text')
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('modified_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('organizations')
        .addColumn('id', idType as 'integer', id)
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('hf_id', 'text')
        .addColumn('fullname', 'text')
        .addColumn('avatar_url', 'text')
        .addColumn('observed_at', 'text')
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('modified_at', 'text', (c) => c.notNull())
        .execute();

      const text = ['submitted_on_daily_at', 'daily_published_at', 'daily_title', 'github_repo_added_by', 'thumbnail', 'media_urls',
        'discussion_id', 'submitter_organization', 'organization', 'ai_summary_model'];
      for (const col of text) await db.schema.alterTable('papers').addColumn(col, 'text').execute();
      for (const col of ['github_stars', 'is_author_participating']) await db.schema.alterTable('papers').addColumn(col, 'integer').execute();
      await db.schema.createIndex('papers_submitted_by').on('papers').columns(['submitted_by', 'daily_date']).execute();
      await db.schema.createIndex('papers_organization').on('papers').column('organization').execute();

      // Submitters already on papers become people records, known by user name only until re-imported.
      const now = new Date().toISOString();
      await sql`insert into people (username, source, created_at, modified_at)
        select distinct submitted_by, 'migration', ${now}, ${now} from papers where submitted_by is not null`.execute(db);
    },
    async down(db: Kysely<any>) {
      await db.schema.dropIndex('papers_organization').execute();
      await db.schema.dropIndex('papers_submitted_by').execute();
      for (const col of ['submitted_on_daily_at', 'daily_published_at', 'daily_title', 'github_repo_added_by', 'thumbnail', 'media_urls',
        'discussion_id', 'submitter_organization', 'organization', 'ai_summary_model', 'github_stars', 'is_author_participating']) {
        await db.schema.alterTable('papers').dropColumn(col).execute();
      }
      await db.schema.dropTable('organizations').execute();
      await db.schema.dropTable('people').execute();
    },
  };
}

/**
 * Discussion on papers: threaded comments (Markdown source and its sanitized HTML), every earlier
 * version of an edited comment, reports, and per-paper thread state (locked by a moderator).
 * `paper_id` has no foreign key to `papers`, for the reason given in 0011-votes.ts (a comment also
 * changes the paper's counter row, which the fold locks after the paper row).
 */
import type { Kysely, Migration } from 'kysely';
import type { Engine } from './engine.ts';

export function discussion(engine: Engine): Migration {
  const idType = engine === 'postgres' ? 'bigserial' : 'integer';
  const fkType = engine === 'postgres' ? 'bigint' : 'integer';
  const id = (c: any) => (engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement());
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('comments')
        .addColumn('id', idType as 'integer', id)
        .addColumn('paper_id', fkType as 'integer', (c) => c.notNull())
        .addColumn('parent_id', fkType as 'integer', (c) => c.references('comments.id').onDelete('cascade'))
        .addColumn('author_id', fkType as 'integer', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('html', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('edited_at', 'text')
        .addColumn('deleted_at', 'text')
        .addColumn('hidden_at', 'text')
        .addColumn('hidden_reason', 'text')
        .execute();
      await db.schema.createIndex('comments_paper').on('comments').columns(['paper_id', 'created_at']).execute();
      await db.schema.createIndex('comments_author').on('comments').columns(['author_id', 'created_at']).execute();
      await db.schema
        .createTable('comment_revisions')
        .addColumn('id', idType as 'integer', id)
        .addColumn('comment_id', fkType as 'integer', (c) => c.notNull().references('comments.id').onDelete('cascade'))
        .addColumn('body', 'text', (c) => c.notNull())
        /** When this version was written (the comment's created_at, or the edit before). */
        .addColumn('written_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('comment_revisions_comment').on('comment_revisions').column('comment_id').execute();
      await db.schema
        .createTable('comment_reports')
        .addColumn('id', idType as 'integer', id)
        .addColumn('comment_id', fkType as 'integer', (c) => c.notNull().references('comments.id').onDelete('cascade'))
        .addColumn('reporter_id', fkType as 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('resolved_at', 'text')
        .addColumn('resolved_by', fkType as 'integer', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('resolution', 'text')
        .addUniqueConstraint('comment_reports_once', ['comment_id', 'reporter_id'])
        .execute();
      await db.schema
        .createTable('discussions')
        .addColumn('paper_id', fkType as 'integer', (c) => c.primaryKey())
        .addColumn('locked_at', 'text')
        .addColumn('locked_by', fkType as 'integer', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('lock_reason', 'text')
        .execute();
    },
    async down(db: Kysely<any>) {
      for (const t of ['discussions', 'comment_reports', 'comment_revisions', 'comments']) await db.schema.dropTable(t).execute();
    },
  };
}

/**
 * Upvotes and the community counts (docs/community.md, "Counts"):
 * - `votes`: one row per user and paper (the primary key makes a second vote impossible);
 * - `paper_counts`: the exact local vote and comment counts, updated in the same transaction as the
 *   vote or comment, and marked dirty;
 * - `papers.local_upvotes` / `papers.local_comments`: those counts folded into the catalog row by a
 *   short periodic job that gives each changed paper a new change sequence, so lists, feeds, trending
 *   and search follow without taking the sequence lock on every vote. Ingest never writes them.
 *
 * `paper_id` has no foreign key to `papers` on purpose: on PostgreSQL a foreign-key check takes a
 * KEY SHARE lock on the paper row, and the fold's update of that row changes `seq` (a unique column),
 * which takes the conflicting FOR UPDATE lock — every vote on a paper being folded then waited for the
 * fold, and votes and folds deadlocked. Papers are never deleted (moderation hides them), and votes are
 * only written for a paper id just read from `papers`.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { Engine } from './engine.ts';

export function votes(engine: Engine): Migration {
  const fkType = engine === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('papers').addColumn('local_upvotes', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.alterTable('papers').addColumn('local_comments', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema
        .createTable('votes')
        .addColumn('user_id', fkType as 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('paper_id', fkType as 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('votes_pk', ['user_id', 'paper_id'])
        .execute();
      await db.schema.createIndex('votes_paper').on('votes').column('paper_id').execute();
      await db.schema
        .createTable('paper_counts')
        .addColumn('paper_id', fkType as 'integer', (c) => c.primaryKey())
        .addColumn('votes', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('comments', 'integer', (c) => c.notNull().defaultTo(0))
        /** 1 while the counts differ from what was last folded into papers. */
        .addColumn('dirty', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await sql`CREATE INDEX paper_counts_dirty ON paper_counts (paper_id) WHERE dirty = 1`.execute(db);
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('paper_counts').execute();
      await db.schema.dropTable('votes').execute();
      await db.schema.alterTable('papers').dropColumn('local_comments').execute();
      await db.schema.alterTable('papers').dropColumn('local_upvotes').execute();
    },
  };
}

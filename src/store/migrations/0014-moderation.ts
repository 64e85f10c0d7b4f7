/**
 * The public moderation log: what a moderator did, to what, and why — never who reported it or any
 * private detail. Every moderation action writes one row in the same transaction as the action.
 */
import type { Kysely, Migration } from 'kysely';
import type { Engine } from './engine.ts';

export function moderation(engine: Engine): Migration {
  const idType = engine === 'postgres' ? 'bigserial' : 'integer';
  const fkType = engine === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('moderation_log')
        .addColumn('id', idType as 'integer', (c) => (engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('moderator_id', fkType as 'integer', (c) => c.references('users.id').onDelete('set null'))
        /** hide-comment, unhide-comment, lock-thread, unlock-thread, ban-user, unban-user, dismiss-report */
        .addColumn('action', 'text', (c) => c.notNull())
        /** What it was done to, as people read it: `comment 12 on 2310.06511`, `@handle`, `2310.06511`. */
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('moderation_log_at').on('moderation_log').column('at').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('moderation_log').execute();
    },
  };
}

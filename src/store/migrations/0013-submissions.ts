/**
 * Paper submissions to the daily list: one per paper (the unique key decides a race between two
 * members submitting the same paper), with who and when, for "submitted by" and the per-member cap.
 */
import type { Kysely, Migration } from 'kysely';
import type { Engine } from './engine.ts';

export function submissions(engine: Engine): Migration {
  const idType = engine === 'postgres' ? 'bigserial' : 'integer';
  const fkType = engine === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('submissions')
        .addColumn('id', idType as 'integer', (c) => (engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn('arxiv_id', 'text', (c) => c.notNull().unique())
        .addColumn('user_id', fkType as 'integer', (c) => c.references('users.id').onDelete('set null'))
        /** The daily list it went on (YYYY-MM-DD, UTC). */
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('submissions_user').on('submissions').columns(['user_id', 'created_at']).execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('submissions').execute();
    },
  };
}

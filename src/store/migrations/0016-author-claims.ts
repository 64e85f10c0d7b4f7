/**
 * Authorship claims: a member says "I am author N of this paper"; a moderator verifies or rejects it.
 * A verified claim shows the account on the paper (Hugging Face's `authors[].user`, status
 * `claimed_verified`) and lists the paper on the member's profile; the member may hide it (`hidden`).
 * Claims live beside the catalog rather than in `papers.authors`, which ingest rewrites on re-import.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { Engine } from './engine.ts';

export function authorClaims(engine: Engine): Migration {
  const idType = engine === 'postgres' ? 'bigserial' : 'integer';
  const fkType = engine === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('author_claims')
        .addColumn('id', idType as 'integer', (c) => (engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn('paper_id', fkType as 'integer', (c) => c.notNull().references('papers.id').onDelete('cascade'))
        /** Position in the paper's author list (0-based), and the name there when claimed. */
        .addColumn('author_index', 'integer', (c) => c.notNull())
        .addColumn('author_name', 'text', (c) => c.notNull())
        .addColumn('user_id', fkType as 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        /** pending | verified | rejected */
        .addColumn('state', 'text', (c) => c.notNull())
        /** Set by the claimant on a verified claim: the attribution is not shown (HF `hidden`). */
        .addColumn('hidden', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('decided_at', 'text')
        .addColumn('decided_by', fkType as 'integer', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('decision_reason', 'text')
        .execute();
      // One verified account per author position; one open claim per member and paper.
      await db.schema.createIndex('author_claims_verified').on('author_claims').columns(['paper_id', 'author_index']).unique().where(sql<boolean>`state = 'verified'`).execute();
      await db.schema.createIndex('author_claims_open').on('author_claims').columns(['paper_id', 'user_id']).unique().where(sql<boolean>`state <> 'rejected'`).execute();
      await db.schema.createIndex('author_claims_queue').on('author_claims').columns(['state', 'created_at']).execute();
      await db.schema.createIndex('author_claims_user').on('author_claims').columns(['user_id', 'state']).execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('author_claims').execute();
    },
  };
}

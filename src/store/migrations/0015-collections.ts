/**
 * Collections: members' named reading lists (public or private) and their papers, each with a
 * plain-text note and a position. A collection is addressed by a random `key` (its shareable URL
 * `/collections/<key>`), never by its row id: keys reveal neither how many collections exist nor the
 * ids of private ones. `paper_id` has no foreign key to `papers`, as in 0011-votes.ts (papers are
 * never deleted, and the count fold updates paper rows under its own lock order).
 */
import type { Kysely, Migration } from 'kysely';
import type { Engine } from './engine.ts';

export function collections(engine: Engine): Migration {
  const idType = engine === 'postgres' ? 'bigserial' : 'integer';
  const fkType = engine === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('collections')
        .addColumn('id', idType as 'integer', (c) => (engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn('key', 'text', (c) => c.notNull().unique())
        .addColumn('user_id', fkType as 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
        /** public | private */
        .addColumn('visibility', 'text', (c) => c.notNull().defaultTo('private'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('collections_user').on('collections').columns(['user_id', 'updated_at']).execute();
      await db.schema
        .createTable('collection_items')
        .addColumn('collection_id', fkType as 'integer', (c) => c.notNull().references('collections.id').onDelete('cascade'))
        .addColumn('paper_id', fkType as 'integer', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('added_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('collection_items_pk', ['collection_id', 'paper_id'])
        .execute();
      await db.schema.createIndex('collection_items_order').on('collection_items').columns(['collection_id', 'position']).execute();
      // "Which of my collections hold this paper" (the save button) and the paper's own lookups.
      await db.schema.createIndex('collection_items_paper').on('collection_items').column('paper_id').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('collection_items').execute();
      await db.schema.dropTable('collections').execute();
    },
  };
}

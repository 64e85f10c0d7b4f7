/**
 * Each digest's whole RFC 5322 message, rendered when the digest is built (src/digest/outbox-build.ts),
 * in a table of its own beside the outbox: the sender then only sends it, and a retry or a resend after a
 * crash is the same bytes.
 *
 * Not a column of digest_outbox: every claim, renewal and outcome rewrites an outbox row, and SQLite
 * rewrites a row whole, overflow pages included. With ~60 KiB of message in the row, sending 1,000
 * digests spent 2.4 of 7.8 s inside SQLite rewriting them (bench:digest --cpu-prof, docs/benchmarks.md
 * "Digests"); the state row stays small here and the message is written once and read once.
 * Rows built before this migration have no message here and are composed from their parts as before.
 */
import type { Kysely, Migration } from 'kysely';
import type { Engine } from './engine.ts';

export function digestRaw(engine: Engine): Migration {
  const fkType = engine === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('digest_messages')
        .addColumn('outbox_id', fkType as 'integer', (c) => c.primaryKey().references('digest_outbox.id').onDelete('cascade'))
        .addColumn('raw', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('digest_messages').execute();
    },
  };
}

/**
 * The outbox keeps each digest's whole RFC 5322 message, rendered when the digest is built
 * (src/digest/outbox-build.ts): the sender then only sends it, and a retry or a resend after a crash
 * is the same bytes. Null on rows built before this column, which the sender composes as before.
 */
import type { Kysely, Migration } from 'kysely';

export function digestRaw(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('digest_outbox').addColumn('raw_message', 'text').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.alterTable('digest_outbox').dropColumn('raw_message').execute();
    },
  };
}

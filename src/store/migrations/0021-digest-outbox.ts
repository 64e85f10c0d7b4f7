/**
 * The digest outbox (src/digest/outbox*): one row per subscriber and period, written by the build job
 * with the composed message, claimed and sent by any node's sender. The unique key is what makes a
 * digest exist once per (subscriber, period); the status and lease columns are what make it go out
 * once (docs/digests.md, "Exactly once").
 */
import type { Kysely, Migration } from 'kysely';
import type { Engine } from './engine.ts';

export function digestOutbox(engine: Engine): Migration {
  const idType = engine === 'postgres' ? 'bigserial' : 'integer';
  const fkType = engine === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('digest_outbox')
        .addColumn('id', idType as 'integer', (c) => (engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
        // No foreign key to subscribers: a digest's record outlives an address's deletion (audit, bounces).
        .addColumn('subscriber_id', fkType as 'integer', (c) => c.notNull())
        .addColumn('period', 'text', (c) => c.notNull())
        .addColumn('period_key', 'text', (c) => c.notNull())
        .addColumn('email', 'text', (c) => c.notNull())
        /** pending | sending | sent | failed | skipped (settled without a message: nothing new, or unsubscribed). */
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('message_id', 'text', (c) => c.notNull().unique())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('text_body', 'text', (c) => c.notNull())
        .addColumn('html_body', 'text', (c) => c.notNull())
        /** JSON object of extra headers (List-Unsubscribe, List-Id, …). */
        .addColumn('headers', 'text', (c) => c.notNull())
        /** JSON array of the digest's arXiv ids (what markSent recorded). */
        .addColumn('arxiv_ids', 'text', (c) => c.notNull())
        /** The Date header, fixed at build so a retry is the same message. */
        .addColumn('message_date', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'text', (c) => c.notNull())
        .addColumn('lease_owner', 'text')
        .addColumn('lease_expires_at', 'text')
        .addColumn('response_code', 'integer')
        .addColumn('last_error', 'text')
        .addColumn('smtp_response', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('sent_at', 'text')
        .addUniqueConstraint('digest_outbox_once', ['subscriber_id', 'period', 'period_key'])
        .execute();
      // The claim scans: due pending rows, and expired leases of senders that died.
      await db.schema.createIndex('digest_outbox_due').on('digest_outbox').columns(['status', 'next_attempt_at']).execute();
      await db.schema.createIndex('digest_outbox_lease').on('digest_outbox').columns(['status', 'lease_expires_at']).execute();
      await db.schema.createIndex('digest_outbox_period').on('digest_outbox').columns(['period', 'period_key']).execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('digest_outbox').execute();
    },
  };
}

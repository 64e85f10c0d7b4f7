/**
 * Digest subscriptions (docs/digests.md): one subscriber per address, their saved searches and follows,
 * the hashes of their signed links, and the papers already mailed to them (each paper at most once).
 *
 * Link tokens are HMACs over (subscriber, purpose, generation) with the site's link key, so any node
 * can rebuild a subscriber's links for a mail; the table keeps only their SHA-256, looked up by hash.
 * `digest_keys` holds the link key when LINK_SECRET is not configured (one random key per database,
 * created here so every node shares it).
 */
import { randomBytes } from 'node:crypto';
import type { Kysely, Migration } from 'kysely';
import type { Engine } from './engine.ts';

export function subscriptions(engine: Engine): Migration {
  const idType = engine === 'postgres' ? 'bigserial' : 'integer';
  const fkType = engine === 'postgres' ? 'bigint' : 'integer';
  const id = (c: any) => (engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement());
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('subscribers')
        .addColumn('id', idType as 'integer', id)
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('user_id', fkType as 'integer', (c) => c.unique().references('users.id').onDelete('set null'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('frequency', 'text', (c) => c.notNull())
        .addColumn('send_hour', 'integer', (c) => c.notNull())
        .addColumn('time_zone', 'text', (c) => c.notNull())
        .addColumn('weekly_day', 'integer', (c) => c.notNull().defaultTo(1))
        /** JSON array of section kinds switched on. */
        .addColumn('sections', 'text', (c) => c.notNull())
        .addColumn('link_generation', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('confirm_token_hash', 'text', (c) => c.unique())
        .addColumn('confirm_expires_at', 'text')
        /** When the last confirmation (or "already subscribed") mail went out: at most one per few minutes per address. */
        .addColumn('confirm_sent_at', 'text')
        .addColumn('confirmed_at', 'text')
        .addColumn('suspended_reason', 'text')
        .addColumn('suspended_at', 'text')
        .addColumn('unsubscribed_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('subscribers_due').on('subscribers').columns(['status', 'frequency']).execute();
      await db.schema
        .createTable('subscription_tokens')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('subscriber_id', fkType as 'integer', (c) => c.notNull().references('subscribers.id').onDelete('cascade'))
        /** manage | unsubscribe | feed */
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('generation', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .execute();
      await db.schema.createIndex('subscription_tokens_subscriber').on('subscription_tokens').column('subscriber_id').execute();
      await db.schema
        .createTable('subscription_searches')
        .addColumn('subscriber_id', fkType as 'integer', (c) => c.notNull().references('subscribers.id').onDelete('cascade'))
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('query', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('subscription_searches_pk', ['subscriber_id', 'position'])
        .execute();
      await db.schema
        .createTable('subscription_follows')
        .addColumn('subscriber_id', fkType as 'integer', (c) => c.notNull().references('subscribers.id').onDelete('cascade'))
        /** author | category */
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('subscription_follows_pk', ['subscriber_id', 'kind', 'value'])
        .execute();
      await db.schema
        .createTable('sent_papers')
        .addColumn('subscriber_id', fkType as 'integer', (c) => c.notNull().references('subscribers.id').onDelete('cascade'))
        .addColumn('arxiv_id', 'text', (c) => c.notNull())
        .addColumn('sent_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('sent_papers_pk', ['subscriber_id', 'arxiv_id'])
        .execute();
      await db.schema
        .createTable('digest_keys')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db
        .insertInto('digest_keys')
        .values({ name: 'links', value: randomBytes(32).toString('base64url'), created_at: new Date().toISOString() })
        .execute();
    },
    async down(db: Kysely<any>) {
      for (const t of ['digest_keys', 'sent_papers', 'subscription_follows', 'subscription_searches', 'subscription_tokens', 'subscribers']) {
        await db.schema.dropTable(t).execute();
      }
    },
  };
}

/**
 * Bounce scores per address (src/digest/bounces*): soft bounces count 1, hard ones 2; at 4 the
 * address's subscription is suspended; 30 days without a bounce start the count again.
 */
import type { Kysely, Migration } from 'kysely';

export function digestBounces(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('digest_bounces')
        /** Lower-cased address. */
        .addColumn('email', 'text', (c) => c.primaryKey())
        .addColumn('score', 'integer', (c) => c.notNull())
        .addColumn('soft', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('hard', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('first_bounce_at', 'text', (c) => c.notNull())
        .addColumn('last_bounce_at', 'text', (c) => c.notNull())
        .addColumn('last_code', 'integer')
        .addColumn('last_error', 'text')
        .addColumn('suspended_at', 'text')
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('digest_bounces').execute();
    },
  };
}

/**
 * Scheduled job runs, one row per (job, period): the primary key makes a period run once across
 * every app node; the lease (owner, expiry) lets another node take over a run whose node died.
 */
import type { Kysely, Migration } from 'kysely';

export function jobs(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('job_runs')
        .addColumn('job', 'text', (c) => c.notNull())
        .addColumn('period', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('owner', 'text', (c) => c.notNull())
        .addColumn('lease_expires_at', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .addColumn('error', 'text')
        .addPrimaryKeyConstraint('job_runs_pk', ['job', 'period'])
        .execute();
      await db.schema.createIndex('job_runs_status').on('job_runs').columns(['status', 'lease_expires_at']).execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('job_runs').execute();
    },
  };
}

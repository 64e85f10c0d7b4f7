/**
 * Moderators hide papers: a hidden paper leaves lists, search results and feeds; its page stays and
 * says it was hidden by moderators, and why. Local columns (paper-fields.ts `local`): ingest never
 * writes them, so a re-import does not bring a hidden paper back.
 */
import type { Kysely, Migration } from 'kysely';

export function hiddenPapers(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('papers').addColumn('hidden_at', 'text').execute();
      await db.schema.alterTable('papers').addColumn('hidden_reason', 'text').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.alterTable('papers').dropColumn('hidden_reason').execute();
      await db.schema.alterTable('papers').dropColumn('hidden_at').execute();
    },
  };
}

/**
 * The one list of migrations for both engines, one file per migration, kept in code so a bundled
 * build needs no folder scan. Append new migrations; never edit one that has shipped.
 *
 * Names are `NNNN_name` and run in name order. Each area of the code has its own block of numbers so
 * work on parallel branches never collides on a name: 0001–0009 catalog, 0010–0019 community,
 * 0020–0029 digests, 0030–0039 operations (jobs, limits). The migrator allows a branch's migration to
 * arrive after a later-numbered one was applied (`allowUnorderedMigrations` in db.ts), so a database
 * that ran another branch's migrations first still takes the new one.
 */
import type { Migration, MigrationProvider } from 'kysely';
import { catalog } from './0001-catalog.ts';
import { jobs } from './0002-jobs.ts';
import { hfFields } from './0003-hf-fields.ts';
import { uncategorized } from './0004-uncategorized.ts';
import { papersSource } from './0005-papers-source.ts';
import { accounts } from './0010-accounts.ts';
import { votes } from './0011-votes.ts';
import { discussion } from './0012-discussion.ts';
import { submissions } from './0013-submissions.ts';
import { moderation } from './0014-moderation.ts';
import { authorClaims } from './0016-author-claims.ts';
import { hiddenPapers } from './0017-hidden-papers.ts';
import { collections } from './0015-collections.ts';
import { subscriptions } from './0020-subscriptions.ts';
import { digestOutbox } from './0021-digest-outbox.ts';
import { digestBounces } from './0022-digest-bounces.ts';
import { digestRaw } from './0023-digest-raw.ts';

import type { Engine } from './engine.ts';

export type { Engine };

function migrations(engine: Engine): Record<string, Migration> {
  return {
    '0001_catalog': catalog(engine),
    '0002_jobs': jobs(),
    '0003_hf_fields': hfFields(engine),
    '0004_uncategorized': uncategorized(),
    '0005_papers_source': papersSource(),
    '0010_accounts': accounts(engine),
    '0011_votes': votes(engine),
    '0012_discussion': discussion(engine),
    '0013_submissions': submissions(engine),
    '0014_moderation': moderation(engine),
    '0016_author_claims': authorClaims(engine),
    '0017_hidden_papers': hiddenPapers(),
    '0015_collections': collections(engine),
    '0020_subscriptions': subscriptions(engine),
    '0021_digest_outbox': digestOutbox(engine),
    '0022_digest_bounces': digestBounces(),
    '0023_digest_raw': digestRaw(engine),
  };
}

export function migrationProvider(engine: Engine): MigrationProvider {
  return { getMigrations: async () => migrations(engine) };
}

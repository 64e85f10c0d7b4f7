/**
 * Stored rows as Papers with the people and organisations they refer to: one query for the people
 * and one for the organisations of a whole batch, whatever its size.
 */
import type { Kysely } from 'kysely';
import type { Database, PaperRow } from '../store/schema.ts';
import { verifiedClaims, withClaims } from './claimed-authors.ts';
import { authorUsers } from './paper-authors.ts';
import { BARE_CONTEXT, type ReadContext } from './paper-fields.ts';
import { toPaper, type Paper } from './paper.ts';
import { getOrganizations, getPeople } from './people.repo.ts';
import { bareOrg, barePerson } from './people.ts';

/** The records a batch of rows refers to, as a ReadContext. */
export async function readContext(db: Kysely<Database>, rows: readonly PaperRow[]): Promise<ReadContext> {
  const users = new Set<string>();
  const orgs = new Set<string>();
  for (const r of rows) {
    if (r.submitted_by) users.add(r.submitted_by);
    for (const u of authorUsers(r.authors)) users.add(u);
    if (r.organization) orgs.add(r.organization);
    if (r.submitter_organization) orgs.add(r.submitter_organization);
  }
  if (users.size === 0 && orgs.size === 0) return BARE_CONTEXT;
  const [people, organizations] = await Promise.all([getPeople(db, [...users]), getOrganizations(db, [...orgs])]);
  return {
    person: (u) => people.get(u) ?? barePerson(u),
    org: (n) => organizations.get(n) ?? bareOrg(n),
  };
}

/**
 * Rows as Papers, with their submitters, claimed authors (Hugging Face's and this site's verified
 * claims) and organisations filled in.
 * @example const papers = await loadPapers(db, await listDaily(db, day, day, { limit: 50, offset: 0 }))
 */
export async function loadPapers(db: Kysely<Database>, rows: readonly PaperRow[]): Promise<Paper[]> {
  const [ctx, claims] = await Promise.all([readContext(db, rows), verifiedClaims(db, rows.map((r) => Number(r.id)))]);
  return rows.map((r) => withClaims(toPaper(r, ctx), claims.get(Number(r.id))));
}

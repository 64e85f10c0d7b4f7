/**
 * Verified authorship claims made on this site (community/claims.service.ts), laid over the authors a
 * source gave: the claimed position gets the account as its `user`, Hugging Face's status
 * `claimed_verified`, the time of the decision, and `hidden` as the member set it. Claims are kept
 * beside the catalog, not in `papers.authors`, because ingest rewrites that column on re-import; one
 * query per batch of papers (the partial index on verified claims answers it).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { AuthorInfo } from './paper-authors.ts';
import type { Paper } from './paper.ts';
import { barePerson } from './people.ts';

interface Verified {
  index: number;
  handle: string;
  name: string;
  hidden: boolean;
  at: string | null;
}

/** Verified claims of some papers, by paper id. */
export async function verifiedClaims(db: Kysely<Database>, paperIds: readonly number[]): Promise<Map<number, Verified[]>> {
  const out = new Map<number, Verified[]>();
  if (paperIds.length === 0) return out;
  const rows = await db
    .selectFrom('author_claims as c')
    .innerJoin('users as u', 'u.id', 'c.user_id')
    .select(['c.paper_id', 'c.author_index', 'c.hidden', 'c.decided_at', 'u.handle', 'u.name'])
    .where('c.state', '=', 'verified')
    .where('c.paper_id', 'in', [...paperIds])
    .execute();
  for (const r of rows) {
    const list = out.get(Number(r.paper_id)) ?? [];
    list.push({ index: r.author_index, handle: r.handle, name: r.name, hidden: Number(r.hidden) === 1, at: r.decided_at });
    out.set(Number(r.paper_id), list);
  }
  return out;
}

/** The paper with its verified claims laid over its authors (the same object when it has none). */
export function withClaims(p: Paper, claims: readonly Verified[] | undefined): Paper {
  if (!claims?.length) return p;
  const authorInfo: AuthorInfo[] = p.authorInfo.map((a, i) => {
    const c = claims.find((x) => x.index === i);
    if (!c) return a;
    return {
      ...a,
      user: { ...barePerson(c.handle), fullname: c.name, type: 'user' },
      account: { handle: c.handle, name: c.name },
      status: 'claimed_verified',
      statusLastChangedAt: c.at,
      hidden: c.hidden,
    };
  });
  return { ...p, authorInfo };
}

/**
 * Personal API tokens: the SQL. Only the token's hash and a short prefix are stored.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { UserRow } from './schema.ts';

export async function insertToken(db: Kysely<Database>, t: { userId: number; name: string; tokenHash: string; prefix: string; now: string }) {
  return db
    .insertInto('api_tokens')
    .values({ user_id: t.userId, name: t.name, token_hash: t.tokenHash, prefix: t.prefix, created_at: t.now, last_used_at: null, revoked_at: null })
    .returning(['id', 'name', 'prefix', 'created_at'])
    .executeTakeFirstOrThrow();
}

/** The live (not revoked) token with this hash and its user. */
export async function findToken(db: Kysely<Database>, tokenHash: string): Promise<{ tokenId: number; lastUsedAt: string | null; user: UserRow } | undefined> {
  const r = await db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .selectAll('users')
    .select(['api_tokens.id as t_id', 'api_tokens.last_used_at as t_last_used_at'])
    .where('api_tokens.token_hash', '=', tokenHash)
    .where('api_tokens.revoked_at', 'is', null)
    .executeTakeFirst();
  if (!r) return undefined;
  const { t_id, t_last_used_at, ...user } = r;
  return { tokenId: Number(t_id), lastUsedAt: t_last_used_at, user };
}

export async function touchToken(db: Kysely<Database>, id: number, now: string): Promise<void> {
  await db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', id).execute();
}

export async function listTokens(db: Kysely<Database>, userId: number) {
  return db
    .selectFrom('api_tokens')
    .select(['id', 'name', 'prefix', 'created_at', 'last_used_at', 'revoked_at'])
    .where('user_id', '=', userId)
    .orderBy('id', 'desc')
    .execute();
}

/** Revoke one of the user's own tokens; false when it is not theirs or already revoked. */
export async function revokeToken(db: Kysely<Database>, userId: number, id: number, now: string): Promise<boolean> {
  const r = await db
    .updateTable('api_tokens')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Sessions, sign-in links, invites and API tokens: the SQL of signing in. Only hashes are stored.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { UserRow } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface SessionRecord {
  idHash: string;
  userId: number;
  lastSeenAt: string;
  expiresAt: string;
}

export async function insertSession(db: Db, s: { idHash: string; userId: number; now: string; expiresAt: string; userAgent: string; ip: string }): Promise<void> {
  await db
    .insertInto('sessions')
    .values({ id_hash: s.idHash, user_id: s.userId, created_at: s.now, last_seen_at: s.now, expires_at: s.expiresAt, user_agent: s.userAgent, ip: s.ip })
    .execute();
}

/** The live session with this hash and its user, in one query (this runs on every signed-in request). */
export async function findSession(db: Db, idHash: string, now: string): Promise<{ session: SessionRecord; user: UserRow } | undefined> {
  const r = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .selectAll('users')
    .select(['sessions.id_hash as s_id_hash', 'sessions.last_seen_at as s_last_seen_at', 'sessions.expires_at as s_expires_at'])
    .where('sessions.id_hash', '=', idHash)
    .where('sessions.expires_at', '>', now)
    .executeTakeFirst();
  if (!r) return undefined;
  const { s_id_hash, s_last_seen_at, s_expires_at, ...user } = r;
  return { session: { idHash: s_id_hash, userId: user.id, lastSeenAt: s_last_seen_at, expiresAt: s_expires_at }, user };
}

export async function touchSession(db: Db, idHash: string, now: string, expiresAt: string): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: now, expires_at: expiresAt }).where('id_hash', '=', idHash).execute();
}

export async function deleteSession(db: Db, idHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
}

/** Delete every session of a user (sign out everywhere), optionally keeping one. */
export async function deleteUserSessions(db: Db, userId: number, keep?: string): Promise<number> {
  let q = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (keep) q = q.where('id_hash', '!=', keep);
  const r = await q.executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function listUserSessions(db: Db, userId: number, now: string) {
  return db
    .selectFrom('sessions')
    .select(['id_hash', 'created_at', 'last_seen_at', 'expires_at', 'user_agent', 'ip'])
    .where('user_id', '=', userId)
    .where('expires_at', '>', now)
    .orderBy('last_seen_at', 'desc')
    .execute();
}

export async function pruneExpired(db: Db, now: string): Promise<number> {
  const a = await db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
  const b = await db.deleteFrom('signin_tokens').where('expires_at', '<=', now).executeTakeFirst();
  return Number(a.numDeletedRows) + Number(b.numDeletedRows);
}

export async function insertSigninToken(db: Db, t: { tokenHash: string; email: string; next: string; inviteHash: string | null; now: string; expiresAt: string }): Promise<void> {
  await db
    .insertInto('signin_tokens')
    .values({ token_hash: t.tokenHash, email: t.email, next: t.next, invite_hash: t.inviteHash, created_at: t.now, expires_at: t.expiresAt, used_at: null })
    .execute();
}

/** Links made for an address since `since`. */
export async function countRecentTokens(db: Db, email: string, since: string): Promise<number> {
  const r = await db.selectFrom('signin_tokens').select((eb) => eb.fn.countAll<number>().as('n')).where('email', '=', email).where('created_at', '>', since).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Mark a link used, atomically: only the first of concurrent uses gets the row back. */
export async function consumeSigninToken(db: Db, tokenHash: string, now: string) {
  return db
    .updateTable('signin_tokens')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning(['email', 'next', 'invite_hash'])
    .executeTakeFirst();
}

export async function insertInvite(db: Db, i: { codeHash: string; createdBy: number | null; note: string; now: string; expiresAt: string }): Promise<void> {
  await db
    .insertInto('invites')
    .values({ code_hash: i.codeHash, created_by: i.createdBy, note: i.note, created_at: i.now, expires_at: i.expiresAt, used_by: null, used_at: null })
    .execute();
}

export async function inviteUsable(db: Db, codeHash: string, now: string): Promise<boolean> {
  const r = await db
    .selectFrom('invites')
    .select('code_hash')
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return r !== undefined;
}

/** Use an invite for a new account, atomically (an invite makes one account). */
export async function useInvite(db: Db, codeHash: string, userId: number, now: string): Promise<boolean> {
  const r = await db
    .updateTable('invites')
    .set({ used_by: userId, used_at: now })
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * The sessions epoch (a `counters` row): bumped by every change that must reach other nodes' session
 * caches (sign-out, sign out everywhere, a ban, an account change, a rotated session).
 */
export async function bumpSessionsEpoch(db: Db): Promise<void> {
  await db
    .insertInto('counters')
    .values({ name: 'sessions_epoch', value: 1 })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value: sql`counters.value + 1` }))
    .execute();
}

export async function readSessionsEpoch(db: Db): Promise<number> {
  const r = await db.selectFrom('counters').select('value').where('name', '=', 'sessions_epoch').executeTakeFirst();
  return Number(r?.value ?? 0);
}

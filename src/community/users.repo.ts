/**
 * Users: every SQL statement on the `users` table.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { Role, UserRow } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
}

export async function findUserById(db: Db, id: number): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findUserByHandle(db: Db, handle: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('handle', '=', handle).executeTakeFirst();
}


export interface NewUser {
  email: string;
  handle: string;
  name: string;
  role?: Role;
}

export async function insertUser(db: Db, u: NewUser, now: string): Promise<UserRow> {
  return db
    .insertInto('users')
    .values({ email: u.email, handle: u.handle, name: u.name, role: u.role ?? 'user', password_hash: null, created_at: now, updated_at: now, last_signin_at: null, banned_at: null, ban_reason: null, avatar_url: null })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export interface ProfileFields {
  name?: string;
  handle?: string;
  bio?: string;
  avatar_url?: string | null;
  links?: string;
}

export async function updateUser(db: Db, id: number, fields: ProfileFields & { role?: Role; password_hash?: string | null; last_signin_at?: string; banned_at?: string | null; ban_reason?: string | null }, now: string): Promise<void> {
  await db.updateTable('users').set({ ...fields, updated_at: now }).where('id', '=', id).execute();
}

export async function deleteUser(db: Db, id: number): Promise<void> {
  await db.deleteFrom('users').where('id', '=', id).execute();
}

export async function listUsers(db: Db, opts: { limit: number; role?: Role }): Promise<UserRow[]> {
  let q = db.selectFrom('users').selectAll();
  if (opts.role) q = q.where('role', '=', opts.role);
  return q.orderBy('id').limit(opts.limit).execute();
}

export async function countUsers(db: Db): Promise<number> {
  const r = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

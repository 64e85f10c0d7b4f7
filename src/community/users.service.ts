/**
 * Profiles and roles: what a user may change about themselves, and what admins may change.
 */
import { AppError } from '../errors.ts';
import type { Store } from '../store/db.ts';
import { ROLES, type Role, type UserRow } from './schema.ts';
import { findUserByEmail, findUserByHandle, findUserById, listUsers, updateUser } from './users.repo.ts';
import { handleProblem, normalizeEmail, toSessionUser, type SessionUser } from './user.ts';

export const NAME_MAX = 80;
export const BIO_MAX = 1000;
export const LINKS_MAX = 5;
export const LINK_MAX = 300;

export interface PublicProfile {
  handle: string;
  name: string;
  bio: string;
  avatarUrl: string | null;
  links: string[];
  role: Role;
  createdAt: string;
  banned: boolean;
}

export interface ProfileInput {
  name?: unknown;
  handle?: unknown;
  bio?: unknown;
  avatarUrl?: unknown;
  links?: unknown;
}

export interface Users {
  byHandle(handle: string): Promise<{ id: number; profile: PublicProfile } | null>;
  byId(id: number): Promise<UserRow | undefined>;
  /** @throws AppError USER_NOT_FOUND */
  byEmail(email: string): Promise<SessionUser>;
  /** @throws AppError BAD_REQUEST / FIELD_TOO_LONG / CONFLICT naming the field */
  updateProfile(userId: number, input: ProfileInput): Promise<PublicProfile>;
  /** Set a role by e-mail (the CLI and admins). @throws AppError USER_NOT_FOUND */
  grant(email: string, role: string): Promise<SessionUser>;
  list(opts: { limit: number; role?: Role }): Promise<SessionUser[]>;
}

export function toPublicProfile(r: UserRow): PublicProfile {
  return {
    handle: r.handle,
    name: r.name,
    bio: r.bio,
    avatarUrl: r.avatar_url,
    links: parseLinks(r.links),
    role: r.role,
    createdAt: r.created_at,
    banned: r.banned_at !== null,
  };
}

function parseLinks(s: string): string[] {
  try {
    const v: unknown = JSON.parse(s);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

function text(field: string, v: unknown, max: number, opts: { multiline?: boolean; required?: boolean } = {}): string {
  const s = typeof v === 'string' ? v.replace(/\r\n?/g, '\n').trim() : '';
  if (opts.required && !s) throw new AppError('BAD_REQUEST', `${field} cannot be empty.`);
  if (s.length > max) throw new AppError('FIELD_TOO_LONG', `${field} has at most ${max} characters (got ${s.length}).`);
  if (CONTROL.test(s) || (!opts.multiline && s.includes('\n'))) throw new AppError('BAD_REQUEST', `${field} has characters that cannot be shown (control characters${opts.multiline ? '' : ' or line breaks'}).`);
  return s;
}

function httpsUrl(field: string, v: string): string {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new AppError('BAD_REQUEST', `${field}: "${v.slice(0, 60)}" is not a URL (https://…).`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new AppError('BAD_REQUEST', `${field}: only http(s) links are allowed.`);
  return u.toString();
}

export function createUsers(o: { store: Store; now?: () => number; onUserChange?: (userId: number) => Promise<unknown> | void }): Users {
  const db = o.store.db;
  const now = o.now ?? Date.now;
  return {
    async byHandle(handle) {
      const r = await findUserByHandle(db, handle.toLowerCase());
      return r ? { id: Number(r.id), profile: toPublicProfile(r) } : null;
    },
    byId: (id) => findUserById(db, id),
    async byEmail(emailInput) {
      const email = normalizeEmail(emailInput);
      const u = await findUserByEmail(db, email);
      if (!u) throw new AppError('USER_NOT_FOUND', `No account for ${email}.`);
      return toSessionUser(u);
    },
    async updateProfile(userId, input) {
      const fields: Parameters<typeof updateUser>[2] = {};
      if (input.name !== undefined) fields.name = text('Name', input.name, NAME_MAX, { required: true });
      if (input.bio !== undefined) fields.bio = text('Bio', input.bio, BIO_MAX, { multiline: true });
      if (input.handle !== undefined) {
        const h = text('Username', input.handle, 30, { required: true }).toLowerCase();
        const problem = handleProblem(h);
        if (problem) throw new AppError('BAD_REQUEST', problem);
        const other = await findUserByHandle(db, h);
        if (other && Number(other.id) !== userId) throw new AppError('CONFLICT', `The username "${h}" is taken.`);
        fields.handle = h;
      }
      if (input.avatarUrl !== undefined) {
        const a = text('Avatar URL', input.avatarUrl, LINK_MAX);
        fields.avatar_url = a ? httpsUrl('Avatar URL', a) : null;
      }
      if (input.links !== undefined) {
        const raw = Array.isArray(input.links) ? input.links : text('Links', input.links, LINKS_MAX * (LINK_MAX + 1), { multiline: true }).split('\n');
        const links = raw.map((l) => text('Link', l, LINK_MAX)).filter(Boolean);
        if (links.length > LINKS_MAX) throw new AppError('BAD_REQUEST', `At most ${LINKS_MAX} links.`);
        fields.links = JSON.stringify(links.map((l) => httpsUrl('Link', l)));
      }
      try {
        await updateUser(db, userId, fields, new Date(now()).toISOString());
      } catch (e) {
        // The unique index decides a race for the same handle.
        if (fields.handle && (await findUserByHandle(db, fields.handle))) throw new AppError('CONFLICT', `The username "${fields.handle}" is taken.`);
        throw e;
      }
      await o.onUserChange?.(userId);
      return toPublicProfile((await findUserById(db, userId))!);
    },
    async grant(emailInput, role) {
      if (!ROLES.includes(role as Role)) throw new AppError('USAGE', `role must be one of ${ROLES.join(', ')} (got ${JSON.stringify(role)})`);
      const email = normalizeEmail(emailInput);
      const u = await findUserByEmail(db, email);
      if (!u) throw new AppError('USER_NOT_FOUND', `No account for ${email}. It is created when that address first signs in (or use --create).`);
      await updateUser(db, Number(u.id), { role: role as Role }, new Date(now()).toISOString());
      await o.onUserChange?.(Number(u.id));
      return toSessionUser({ ...u, role: role as Role });
    },
    async list(opts) {
      return (await listUsers(db, opts)).map(toSessionUser);
    },
  };
}

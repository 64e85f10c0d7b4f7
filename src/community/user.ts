/**
 * The signed-in user as routes and views see it (never the password hash), and field rules shared by
 * sign-in and the profile: e-mail normalization, handles, local redirect targets.
 */
import { AppError } from '../errors.ts';
import type { Role, UserRow } from './schema.ts';

export interface SessionUser {
  id: number;
  email: string;
  handle: string;
  name: string;
  role: Role;
  createdAt: string;
  bannedAt: string | null;
  hasPassword: boolean;
}

export function toSessionUser(r: UserRow): SessionUser {
  return {
    id: Number(r.id),
    email: r.email,
    handle: r.handle,
    name: r.name,
    role: r.role,
    createdAt: r.created_at,
    bannedAt: r.banned_at,
    hasPassword: r.password_hash !== null,
  };
}

export const EMAIL_MAX = 254;
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

/**
 * Lower-cased, trimmed e-mail address, or a clear error.
 * @throws AppError BAD_REQUEST
 */
export function normalizeEmail(input: unknown): string {
  const s = typeof input === 'string' ? input.trim().toLowerCase() : '';
  if (!s) throw new AppError('BAD_REQUEST', 'Enter your e-mail address.');
  if (s.length > EMAIL_MAX) throw new AppError('FIELD_TOO_LONG', `An e-mail address has at most ${EMAIL_MAX} characters.`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(s) || !EMAIL.test(s)) throw new AppError('BAD_REQUEST', 'That does not look like an e-mail address (name@example.org).');
  return s;
}

export const HANDLE = /^[a-z0-9](?:[a-z0-9-]{0,28}[a-z0-9])?$/;
/** Handles that would read as the site's own voice or collide with paths. */
const RESERVED = new Set(['admin', 'administrator', 'moderator', 'mod', 'paperboy', 'api', 'settings', 'signin', 'signout', 'system', 'root', 'support', 'staff', 'anonymous', 'deleted']);

/** Why a handle is refused, or null. */
export function handleProblem(h: string): string | null {
  if (!HANDLE.test(h)) return 'A username has 1–30 characters: lower-case letters, digits and dashes, starting and ending with a letter or digit.';
  if (RESERVED.has(h)) return `The username "${h}" is reserved.`;
  return null;
}

/** Roles that may moderate. */
export function isModerator(u: { role: Role } | null | undefined): boolean {
  return u?.role === 'moderator' || u?.role === 'admin';
}

/**
 * A local path to go to after signing in, or `/`. Refuses anything a browser could resolve to another
 * origin: absolute URLs, scheme-relative `//host`, `/\host`, and control characters.
 * @example safeNext('/papers/2310.06511') // '/papers/2310.06511'
 * @example safeNext('//evil.example') // '/'
 */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || next.length === 0 || next.length > 1000) return '/';
  // eslint-disable-next-line no-control-regex
  if (!next.startsWith('/') || next.startsWith('//') || next.includes('\\') || /[\u0000-\u001f\u007f\s]/.test(next)) return '/';
  try {
    const u = new URL(next, 'http://paperboy.invalid');
    if (u.origin !== 'http://paperboy.invalid') return '/';
    return `${u.pathname}${u.search}${u.hash}`;
  } catch {
    return '/';
  }
}

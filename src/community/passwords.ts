/**
 * Password hashing with scrypt from node:crypto (no native add-on to build): N = 2^15, r = 8, p = 1,
 * a 16-byte salt and a 32-byte key, stored as `scrypt$15$8$1$<salt>$<key>` so parameters can be raised
 * later without breaking stored hashes. Hashing runs on libuv's thread pool, never on the event loop.
 *
 * `verifyPassword(null, …)` hashes against a fixed dummy so that signing in as an unknown account, or
 * one without a password, costs the same time as a wrong password for a real one.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const LOG_N = 15;
const R = 8;
const P = 1;
const KEY_LEN = 32;
// scrypt needs 128 × N × r bytes; Node's default cap (32 MiB) is exactly that, so leave headroom.
const MAX_MEM = 64 * 1024 * 1024;

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 200;

function derive(password: string, salt: Buffer, logN: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_LEN, { N: 2 ** logN, r, p, maxmem: MAX_MEM }, (e, key) => (e ? reject(e) : resolve(key))),
  );
}

/** Hash a new password. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, LOG_N, R, P);
  return `scrypt$${LOG_N}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

let dummy: Promise<string> | undefined;

/** Compute the dummy hash now, so the first unknown-account sign-in is not slower than the rest. */
export function warmUpPasswords(): Promise<string> {
  return (dummy ??= hashPassword(randomBytes(18).toString('base64url')));
}

/**
 * True when `password` matches `stored`. With `stored` null the same work is done against a dummy
 * hash and the answer is false.
 */
export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  const target = stored ?? (await warmUpPasswords());
  const parts = target.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [logN, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  const key = await derive(password.slice(0, PASSWORD_MAX), salt, logN, r, p);
  return stored !== null && key.length === expected.length && timingSafeEqual(key, expected);
}

/** Why a new password is refused, or null. */
export function passwordProblem(password: string): string | null {
  if (password.length < PASSWORD_MIN) return `A password needs at least ${PASSWORD_MIN} characters.`;
  if (password.length > PASSWORD_MAX) return `A password can have at most ${PASSWORD_MAX} characters.`;
  return null;
}

/**
 * Random secrets and their stored form. Session ids, sign-in links, API tokens and invite codes are
 * 256-bit random strings handed out once; the database keeps only their SHA-256, so a leaked copy of
 * the database cannot sign anyone in. (A fast hash is right here: the inputs are random, not guessable.)
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A URL-safe random string of `bytes` random bytes. */
export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** The stored form of a secret. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('base64url');
}

/** Constant-time string comparison (for values of public length). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

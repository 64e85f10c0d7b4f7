/**
 * Signed links for subscribers: the manage page, one-click unsubscribe and the personal feed.
 *
 * A token is HMAC-SHA256(link key, `purpose:id:generation`) in base64url: opaque (it names nobody),
 * unforgeable without the key, and the same on every node, so a digest composed anywhere carries
 * working links without storing them. The database keeps only each token's SHA-256 (as it does for
 * sessions, community/secrets.ts), and a request is looked up by that hash; unsubscribing revokes the
 * generation's rows and bumps the generation, so old links never open the manage page again.
 *
 * The key is LINK_SECRET when set; otherwise a random key that migration 0020 stored in the database
 * (shared by all nodes, but a leaked database then lets links be forged: production sets LINK_SECRET).
 */
import { createHmac } from 'node:crypto';
import { hashSecret } from '../community/secrets.ts';
import type { TokenPurpose } from './subscriptions.schema.ts';
import type { DigestLinks, Subscriber } from './types.ts';

export type LinkSubject = Pick<Subscriber, 'id' | 'linkGeneration'>;

export interface LinkSigner {
  token(sub: LinkSubject, purpose: TokenPurpose): string;
  links(sub: LinkSubject): DigestLinks;
}

export const TOKEN_PURPOSES: readonly TokenPurpose[] = ['manage', 'unsubscribe', 'feed'];

/** A token's stored form. */
export const tokenHash = hashSecret;

/** Paths of the pages the links open (subscribe routes register the same ones). */
export const LINK_PATHS = {
  manage: '/subscribe/manage/',
  unsubscribe: '/unsubscribe/',
  feed: '/subscribe/feed/',
} as const;

/**
 * @example createLinkSigner({ key, baseUrl: 'https://papers.example.org', mailbox: 'unsubscribe@example.org' }).links({ id: 7, linkGeneration: 0 })
 */
export function createLinkSigner(o: { key: string; baseUrl: string; mailbox: string }): LinkSigner {
  const token = (sub: LinkSubject, purpose: TokenPurpose) =>
    createHmac('sha256', o.key).update(`${purpose}:${sub.id}:${sub.linkGeneration}`).digest('base64url');
  return {
    token,
    links(sub) {
      const unsub = token(sub, 'unsubscribe');
      return {
        manage: `${o.baseUrl}${LINK_PATHS.manage}${token(sub, 'manage')}`,
        unsubscribe: `${o.baseUrl}${LINK_PATHS.unsubscribe}${unsub}`,
        unsubscribeMailto: `mailto:${o.mailbox}?subject=${encodeURIComponent(`unsubscribe ${unsub}`)}`,
        feed: `${o.baseUrl}${LINK_PATHS.feed}${token(sub, 'feed')}.atom`,
      };
    },
  };
}

/** A token as it may appear in a URL (43 base64url characters), or null: junk never reaches the database. */
export function cleanToken(t: string): string | null {
  return /^[A-Za-z0-9_-]{43}$/.test(t) ? t : null;
}

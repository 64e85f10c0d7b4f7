/**
 * Building the Viewer a signed-in page is rendered for (views/viewer.ts), and the caching rule that
 * goes with it: pages for a signed-in user are private and never stored by shared caches.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Paper } from '../catalog/paper.ts';
import { community } from '../community/index.ts';
import type { Viewer } from './views/viewer.ts';

/**
 * The viewer for this request, with vote state for `papers`; null when nobody is signed in.
 * Sets `Cache-Control: private, no-store` on signed-in responses.
 * @example const viewer = await viewerOf(req, reply, listing.papers)
 */
export async function viewerOf(req: FastifyRequest, reply: FastifyReply, papers: Paper[] = []): Promise<Viewer | undefined> {
  // Every HTML page depends on the cookie from here on: browsers must not reuse an anonymous copy
  // after signing in, nor a signed-in copy after signing out.
  reply.header('vary', 'cookie');
  if (!req.user || req.auth?.kind !== 'session') return undefined;
  reply.header('cache-control', 'private, no-store');
  const { voted, upvotes } = papers.length ? await community(req.server.app).votes.viewFor(req.user.id, papers) : { voted: new Set<string>(), upvotes: new Map<string, number>() };
  return { user: req.user, csrf: reply.csrfToken(), voted, upvotes, path: req.url.slice(0, 1000) };
}

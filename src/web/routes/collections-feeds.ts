/**
 * A collection as a feed and as citations: `/feeds/collections/<key>.rss|.atom` for public collections
 * only (a feed reader has no session, and a feed URL is shared and cached like a public page), and
 * `/collections/<key>/citations.bib|.ris`, which the owner may also download for a private one.
 * Feed items are the papers newest-added first, dated when they were added, so a subscriber sees each
 * addition as a new item; the citations keep the owner's order. Both revalidate by ETag on every use
 * (`no-cache`): a collection made private must stop being served at once, not after a cache lifetime.
 */
import type { FastifyPluginAsync } from 'fastify';
import { CITATION_TYPES, formatCitations, type CitationFormat } from '../../catalog/citation.ts';
import { keyOfPath } from '../../community/collections.service.ts';
import { community } from '../../community/index.ts';
import { errorSchema } from '../error-schema.ts';
import { FEED_TYPES, renderFeed } from '../feed-format.ts';
import { collectionFeed } from '../views/collections.ts';

const keyParam = { type: 'object', required: ['key'], properties: { key: { type: 'string', maxLength: 200 } } } as const;

export const collectionFeedRoutes: FastifyPluginAsync = async (server) => {
  const app = server.app;
  const c = community(app);
  const keyOf = (ref: string) => keyOfPath(ref) ?? '-';

  for (const format of ['rss', 'atom'] as const) {
    server.get<{ Params: { key: string } }>(
      `/feeds/collections/:key.${format}`,
      {
        schema: {
          tags: ['feeds'],
          summary: `A public collection's papers, newest added first (${format})`,
          params: keyParam,
          response: { 200: { description: 'the feed', content: { [FEED_TYPES[format].split(';')[0]!]: { schema: { type: 'string' } } } }, 404: errorSchema },
        },
      },
      async (req, reply) => {
        // Anonymous on purpose: a feed shows only what everyone may see, whoever fetches it.
        const col = await c.collections.get(keyOf(req.params.key), null);
        const added = new Map(col.items.map((i) => [i.paper.arxivId, i.addedAt]));
        // Newest added first; two adds in the same millisecond: the later in the collection first.
        const papers = col.items
          .map((item, position) => ({ item, position }))
          .sort((a, b) => (a.item.addedAt < b.item.addedAt ? 1 : a.item.addedAt > b.item.addedAt ? -1 : b.position - a.position))
          .map(({ item }) => item.paper);
        const feed = collectionFeed(col);
        const text = renderFeed(
          format,
          {
            title: `Paperboy · ${col.name}`,
            description: col.description || `A collection by @${col.owner.handle} on Paperboy.`,
            htmlPath: col.path,
            feedPath: feed.path,
            itemDate: (p) => added.get(p.arxivId) ?? null,
            emptyUpdated: col.updatedAt,
          },
          papers,
          app.config.baseUrl,
        );
        return reply.type(FEED_TYPES[format]).header('cache-control', 'public, no-cache').send(text);
      },
    );
  }

  for (const [ext, format] of [['bib', 'bibtex'], ['ris', 'ris']] as const satisfies ReadonlyArray<readonly [string, CitationFormat]>) {
    server.get<{ Params: { key: string } }>(
      `/collections/:key/citations.${ext}`,
      {
        schema: {
          tags: ['collections', 'export'],
          summary: `A collection's papers as ${format === 'bibtex' ? 'BibTeX' : 'RIS'}, in its order (private ones: their owner only)`,
          params: keyParam,
          response: { 200: { description: `a .${ext} file`, content: { [CITATION_TYPES[format].contentType.split(';')[0]!]: { schema: { type: 'string' } } } }, 404: errorSchema },
        },
      },
      async (req, reply) => {
        const col = await c.collections.get(keyOf(req.params.key), req.user);
        const type = CITATION_TYPES[format];
        return reply
          .type(type.contentType)
          .header('cache-control', col.visibility === 'public' ? 'public, no-cache' : 'private, no-store')
          .header('vary', 'cookie, authorization')
          .header('content-disposition', `attachment; filename="${col.path.slice('/collections/'.length)}.${type.ext}"`)
          .send(formatCitations(col.items.map((i) => i.paper), format));
      },
    );
  }
};

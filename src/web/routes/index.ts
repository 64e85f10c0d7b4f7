/**
 * Every route module the server registers, in order. Add one: write `routes/<name>.ts` exporting a
 * Fastify plugin and list it here.
 */
import type { FastifyPluginAsync } from 'fastify';
import { healthRoutes } from './health.ts';
import { exportRoutes } from './export.ts';
import { feedRoutes } from './feeds.ts';
import { listRoutes } from './lists.ts';
import { metricsRoutes } from './metrics.ts';
import { apiPaperRoutes } from './api-papers.ts';
import { assetRoutes } from './assets.ts';
import { pageRoutes } from './pages.ts';
import { searchRoutes } from './search.ts';
import { accountRoutes } from './account.ts';
import { settingsRoutes } from './settings.ts';
import { voteRoutes } from './votes.ts';
import { commentRoutes } from './comments.ts';
import { userRoutes } from './users.ts';
import { submissionRoutes } from './submissions.ts';
import { moderationRoutes } from './moderation.ts';
import { trendingRoutes } from './trending.ts';
import { subscribeRoutes } from './subscribe.ts';
import { subscribeLinkRoutes } from './subscribe-links.ts';

export const ROUTES: FastifyPluginAsync[] = [
  healthRoutes,
  pageRoutes,
  apiPaperRoutes,
  searchRoutes,
  feedRoutes,
  listRoutes,
  exportRoutes,
  metricsRoutes,
  assetRoutes,
  accountRoutes,
  settingsRoutes,
  voteRoutes,
  commentRoutes,
  userRoutes,
  submissionRoutes,
  moderationRoutes,
  trendingRoutes,
  subscribeRoutes,
  subscribeLinkRoutes,
];

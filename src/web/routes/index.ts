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
import { pageRoutes } from './pages.ts';

export const ROUTES: FastifyPluginAsync[] = [
  healthRoutes,
  pageRoutes,
  apiPaperRoutes,
  feedRoutes,
  listRoutes,
  exportRoutes,
  metricsRoutes,
];

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

export const ROUTES: FastifyPluginAsync[] = [healthRoutes, feedRoutes, listRoutes, exportRoutes, metricsRoutes];

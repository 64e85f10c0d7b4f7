/**
 * Every route module the server registers, in order. Add one: write `routes/<name>.ts` exporting a
 * Fastify plugin and list it here.
 */
import type { FastifyPluginAsync } from 'fastify';
import { healthRoutes } from './health.ts';

export const ROUTES: FastifyPluginAsync[] = [healthRoutes];

/**
 * A real Fastify server over a test database, with the JSONL fixture loaded: for inject()-based tests.
 */
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createApp, type App } from '../../src/app.ts';
import type { PaperInput } from '../../src/catalog/paper.ts';
import { upsertPapers } from '../../src/catalog/papers.repo.ts';
import { loadConfig } from '../../src/config.ts';
import { ingest } from '../../src/ingest/pipeline.ts';
import { readJsonl } from '../../src/ingest/jsonl.ts';
import { buildServer } from '../../src/web/server.ts';
import { tempDir } from './stores.ts';

export const FIXTURE = path.resolve('test/fixtures/papers.jsonl');

/**
 * Build a server on `databaseUrl` with the fixture and `extra` papers in the catalog (`env`: more
 * configuration). Rate limits are off unless `env` sets RATE_LIMITS: suites that fire thousands of
 * requests (fuzzing) test their routes, not the limiter (test/integration/rate-limits.test.ts does).
 */
export async function createTestServer(databaseUrl: string, extra: PaperInput[] = [], env: Record<string, string> = {}): Promise<{ app: App; server: FastifyInstance; close: () => Promise<void> }> {
  const app = await createApp(loadConfig({ DATABASE_URL: databaseUrl, DATA_DIR: tempDir(), LOG_LEVEL: 'silent', BASE_URL: 'https://papers.example.org', RATE_LIMITS: 'off', ...env }));
  await ingest(app.store, 'jsonl', readJsonl([FIXTURE]));
  if (extra.length) await upsertPapers(app.store, extra);
  // The search index follows the catalog; catch it up so search-backed routes see the fixture.
  await app.search.syncOnce();
  const server = await buildServer(app);
  await server.ready();
  return {
    app,
    server,
    close: async () => {
      await server.close();
      await app.close();
    },
  };
}

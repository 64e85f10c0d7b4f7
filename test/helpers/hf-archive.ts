/**
 * Real Hugging Face `daily_papers` archive files (test/fixtures/hf-archive, gzipped as archives are
 * kept) loaded into a test server: October 2025 whole (the dates huggingface_hub's own tests ask for),
 * a 2024 day of AK's submissions, the day "The Llama 3 Herd of Models" was listed, a paper listed on
 * two days (2026-04-10 and -16) and a day of the newest layout (2026-08-20).
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import type { App } from '../../src/app.ts';
import { ingest } from '../../src/ingest/pipeline.ts';
import { readHfDaily } from '../../src/ingest/hf-daily.ts';
import { createTestServer } from './server.ts';

export const HF_ARCHIVE = path.resolve('test/fixtures/hf-archive');

/** The archive's day files, in day order. */
export function archiveFiles(): string[] {
  return fs.readdirSync(HF_ARCHIVE).filter((n) => n.endsWith('.json.gz')).sort().map((n) => path.join(HF_ARCHIVE, n));
}

/** One archive file's entries as the file holds them. */
export function archiveEntries(file: string): Record<string, any>[] {
  const doc = JSON.parse(zlib.gunzipSync(fs.readFileSync(file)).toString('utf8'));
  return Array.isArray(doc) ? doc : doc.data;
}

/** A server whose catalog holds the archive (and the usual JSONL fixture). */
export async function createArchiveServer(databaseUrl: string): Promise<{ app: App; server: FastifyInstance; close: () => Promise<void> }> {
  const t = await createTestServer(databaseUrl);
  const summary = await ingest(t.app.store, 'hf-daily', readHfDaily([HF_ARCHIVE], { repair: true }));
  if (summary.rejected) throw new Error(`archive fixture rejected: ${JSON.stringify(summary.rejections.slice(0, 3))}`);
  await t.app.search.syncOnce();
  return t;
}

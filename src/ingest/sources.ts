/**
 * The registry of ingest sources. Each source turns command-line arguments into a stream of items;
 * the pipeline does the rest. Add a source: write `src/ingest/<name>.ts` and list it here.
 */
import { arxivApiSource, oaiSource } from './arxiv-sources.ts';
import { demoSource, hfDailySource, kaggleSource, seedSource } from './file-sources.ts';
import { jsonlSource } from './jsonl.ts';
import type { SourceSpec } from './source.ts';

export type { OptionSpec, SourceArgs, SourceSpec } from './source.ts';

export const SOURCES: SourceSpec[] = [
  hfDailySource,
  kaggleSource,
  seedSource,
  demoSource,
  jsonlSource,
  oaiSource,
  arxivApiSource,
];

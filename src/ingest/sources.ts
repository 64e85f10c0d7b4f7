/**
 * The registry of ingest sources. Each source turns command-line arguments into a stream of items;
 * the pipeline does the rest. Add a source: write `src/ingest/<name>.ts` and list it here.
 */
import type { App } from '../app.ts';
import type { OptionSpec } from '../cli/command.ts';
import { arxivApiSource, oaiSource } from './arxiv-sources.ts';
import { demoSource, hfDailySource, kaggleSource, seedSource } from './file-sources.ts';
import type { SourceItem } from './pipeline.ts';
import { jsonlSource } from './jsonl.ts';

export interface SourceArgs {
  app: App;
  positionals: string[];
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  /** Called with a human note (e.g. "waiting 30 s: server said Retry-After"). */
  info: (line: string) => void;
}

export interface SourceSpec {
  name: string;
  summary: string;
  usage: string;
  options?: OptionSpec;
  open(args: SourceArgs): Promise<{ items: AsyncIterable<SourceItem>; total?: number }>;
}

export const SOURCES: SourceSpec[] = [
  hfDailySource,
  kaggleSource,
  seedSource,
  demoSource,
  jsonlSource,
  oaiSource,
  arxivApiSource,
];

/**
 * What an ingest source is (sources.ts lists them): a name, its options, and `open`, which turns
 * command-line arguments into a stream of items for the pipeline.
 */
import type { ParseArgsConfig } from 'node:util';
import type { Config } from '../config.ts';
import type { Store } from '../store/db.ts';
import type { SourceItem } from './pipeline.ts';

/** A source's command-line options (node:util parseArgs' shape; the CLI merges every source's). */
export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** What a source opens with: the store and configuration it needs, never the whole App or the CLI. */
export interface SourceArgs {
  store: Store;
  config: Config;
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

/**
 * What a CLI command is: a name, its options (node:util parseArgs), and a run function that gets
 * the parsed values and an output helper. Commands are thin: they call the same services the server uses.
 */
import type { Config } from '../config.ts';
import { createProgress, type ProgressReporter } from './progress.ts';

/**
 * What the process exit code says (documented in docs/operations.md, "Exit codes"):
 * 0 done; 1 failed (configuration, database, upstream, a bug); 2 usage (unknown command or option,
 * missing or bad arguments); 3 done, but some input was rejected (ingest: the rest was imported).
 */
export const EXIT = { OK: 0, FAILED: 1, USAGE: 2, REJECTED: 3 } as const;

import type { OptionSpec } from '../ingest/sources.ts';

export type { OptionSpec };

export interface Output {
  json: boolean;
  /** Data: one JSON line under --json, else the text form. */
  data(value: unknown, text: () => string): void;
  /** Human progress and notes: stderr, so stdout stays clean for data. */
  info(line: string): void;
  isTTY: boolean;
  /** A progress reporter on stderr (bar on a terminal, periodic lines otherwise). */
  progress?(label: string, total?: number): ProgressReporter;
}

export interface CommandContext {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
  out: Output;
  env: Record<string, string | undefined>;
  /** The configuration, parsed once before the command started (a bad value never gets this far). */
  config: Config;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  options?: OptionSpec;
  /** Variables an option stands for (`serve --port 8080` is PORT=8080), applied before the configuration is read. */
  optionEnv?(values: CommandContext['values']): Record<string, string>;
  /** Returns the process exit code (EXIT.OK when omitted). */
  run(ctx: CommandContext): Promise<number | void>;
}

export function createOutput(json: boolean): Output {
  return {
    json,
    isTTY: Boolean(process.stderr.isTTY),
    data(value, text) {
      process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${text()}\n`);
    },
    info(line) {
      process.stderr.write(`${line}\n`);
    },
    progress(label, total) {
      return createProgress(label, total, { tty: Boolean(process.stderr.isTTY), write: (s) => process.stderr.write(s) });
    },
  };
}

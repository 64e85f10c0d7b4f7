/**
 * The command registry and dispatcher. Add a command: write `src/cli/<name>.ts` and list it here.
 */
import { parseArgs } from 'node:util';
import { isAppError, messageOf } from '../errors.ts';
import { createOutput, type Command } from './command.ts';
import { ingest } from './ingest.ts';
import { migrate } from './migrate.ts';
import { serve } from './serve.ts';
import { evalCmd } from './eval.ts';
import { indexCmd } from './index-cmd.ts';
import { searchCmd } from './search-cmd.ts';
import { stats } from './stats.ts';
import { exportCmd } from './export.ts';
import { backup } from './backup.ts';
import { usersCmd } from './users.ts';

export const COMMANDS: Command[] = [serve, migrate, ingest, stats, searchCmd, indexCmd, evalCmd, exportCmd, backup, usersCmd];

function help(): string {
  const w = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'usage: paperboy <command> [options]',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`),
    '',
    'global options: --json (data as JSON lines), --verbose (stack traces), --help',
    'configuration comes from the environment: see README.md',
  ].join('\n');
}

/** Run the CLI; returns the exit code. Errors become one readable line (a stack with --verbose). */
export async function runCli(argv: string[], env: Record<string, string | undefined> = process.env): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${help()}\n`);
    return name ? 0 : 2;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    process.stderr.write(`paperboy: unknown command "${name}"\n\n${help()}\n`);
    return 2;
  }
  const verbose = rest.includes('--verbose');
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      options: {
        ...cmd.options,
        json: { type: 'boolean', default: false },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      process.stdout.write(`usage: ${cmd.usage}\n${cmd.summary}\n`);
      return 0;
    }
    const out = createOutput(Boolean(values.json));
    const code = await cmd.run({ values, positionals, out, env });
    return code ?? 0;
  } catch (e) {
    const code = isAppError(e) ? e.code : (e as { code?: string }).code;
    const prefix = code && /^[A-Z_]+$/.test(code) && !code.startsWith('ERR_PARSE_ARGS') ? `${code}: ` : '';
    process.stderr.write(`paperboy ${name}: ${prefix}${messageOf(e)}\n`);
    if (verbose && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
    return isAppError(e, 'USAGE') || String(code).startsWith('ERR_PARSE_ARGS') ? 2 : 1;
  }
}

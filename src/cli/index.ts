/**
 * The command registry and dispatcher. Add a command: write `src/cli/<name>.ts` and list it here.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { AppError, isAppError, messageOf } from '../errors.ts';
import { createOutput, EXIT, type Command } from './command.ts';
import { suggest } from './suggest.ts';
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
import { digestCmd } from './digest.ts';
import { categoriesCmd } from './categories.ts';

export const COMMANDS: Command[] = [serve, migrate, ingest, categoriesCmd, stats, searchCmd, indexCmd, evalCmd, exportCmd, backup, usersCmd, digestCmd];

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

const GLOBAL_OPTIONS = ['json', 'verbose', 'help'];

/** One friendly line for node:util parseArgs' errors, with a suggestion for a mistyped option. */
function parseError(cmd: Command, e: Error & { code?: string }): AppError {
  const flag = /'(-{1,2}[^'\s<]+)/.exec(e.message)?.[1] ?? '';
  const help = `(paperboy ${cmd.name} --help lists them)`;
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const near = suggest(flag.replace(/^-+/, ''), [...Object.keys(cmd.options ?? {}), ...GLOBAL_OPTIONS]);
    return new AppError('USAGE', `unknown option ${flag}${near ? `; did you mean --${near}?` : ''} ${help}`);
  }
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const takes = (cmd.options?.[flag.replace(/^-+/, '')] as { type?: string } | undefined)?.type === 'string';
    return new AppError('USAGE', takes ? `option ${flag} needs a value, e.g. ${flag} VALUE` : `option ${flag} takes no value ${help}`);
  }
  return new AppError('USAGE', `${e.message.split('.')[0]} ${help}`);
}

/** Run the CLI; returns the exit code (EXIT). Errors become one readable line (a stack with --verbose). */
export async function runCli(argv: string[], env: Record<string, string | undefined> = process.env): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${help()}\n`);
    return name ? EXIT.OK : EXIT.USAGE;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    const near = suggest(name, COMMANDS.map((c) => c.name));
    process.stderr.write(`paperboy: unknown command ${JSON.stringify(name)}${near ? `; did you mean ${near}?` : ''} (paperboy --help lists the commands)\n`);
    return EXIT.USAGE;
  }
  const verbose = rest.includes('--verbose');
  try {
    let parsed;
    try {
      parsed = parseArgs({
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
    } catch (e) {
      throw String((e as { code?: string }).code).startsWith('ERR_PARSE_ARGS') ? parseError(cmd, e as Error) : e;
    }
    const { values, positionals } = parsed;
    if (values.help) {
      process.stdout.write(`usage: ${cmd.usage}\n${cmd.summary}\n`);
      return EXIT.OK;
    }
    // The configuration is read once, before the command does anything: a bad value stops it here.
    const config = loadConfig({ ...env, ...cmd.optionEnv?.(values) });
    const out = createOutput(Boolean(values.json));
    const code = await cmd.run({ values, positionals, out, env, config });
    return code ?? EXIT.OK;
  } catch (e) {
    // A catalogue error is one line with its code; anything else is unexpected (a bug, or a failure
    // nothing translated yet) and says so rather than pass a raw message off as an explanation.
    const line = isAppError(e) ? `${e.code}: ${e.message}` : `unexpected error: ${messageOf(e)}${verbose ? '' : ' (--verbose shows the stack)'}`;
    process.stderr.write(`paperboy ${name}: ${line}\n`);
    if (verbose && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
    return isAppError(e, 'USAGE') ? EXIT.USAGE : EXIT.FAILED;
  }
}

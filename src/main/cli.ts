/** Composition root for the command line: `paperboy <command>`. */
import { runCli } from '../cli/index.ts';

const code = await runCli(process.argv.slice(2));
// Let stdout drain; background handles (pools, timers) are closed by each command.
process.exitCode = code;

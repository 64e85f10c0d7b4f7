/**
 * Writing a command's output file safely: the folder must exist (a typo is not a request for new
 * folders), an existing file is replaced only where the command allows it, the data goes to a
 * temporary file beside the target and is renamed into place at the end, and errors name the file the
 * person asked for — never the temporary name.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AppError, messageOf } from '../errors.ts';

export interface OutFile {
  /** The absolute target path. */
  file: string;
  /** Where to write meanwhile (same folder, so the final rename is atomic). */
  tmp: string;
  /** Move the finished temporary file into place. */
  commit(): void;
  /** Remove the temporary file (after a failure). */
  discard(): void;
  /** An error while writing, as a catalogue error naming the target. */
  failed(e: unknown): AppError;
}

/**
 * Check `--out` before any work starts.
 * @throws AppError USAGE naming the option and the file
 */
export function outFile(given: string, o: { option?: string; overwrite: boolean }): OutFile {
  const file = path.resolve(given);
  const dir = path.dirname(file);
  const option = o.option ?? '--out';
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(dir);
  } catch {
    throw new AppError('USAGE', `${option} ${given}: the folder ${dir} does not exist`);
  }
  if (!st.isDirectory()) throw new AppError('USAGE', `${option} ${given}: ${dir} is not a folder`);
  if (fs.existsSync(file)) {
    if (fs.statSync(file).isDirectory()) throw new AppError('USAGE', `${option} ${given} is a folder; name a file`);
    if (!o.overwrite) throw new AppError('USAGE', `${option} ${given} exists; choose a new file (this command never overwrites)`);
  }
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    throw new AppError('USAGE', `${option} ${given}: the folder ${dir} is not writable`);
  }
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  return {
    file,
    tmp,
    commit: () => fs.renameSync(tmp, file),
    discard: () => fs.rmSync(tmp, { force: true }),
    failed: (e) => (e instanceof AppError ? e : new AppError('WRITE_FAILED', `cannot write ${file}: ${messageOf(e).replace(/^[A-Z]+: /, '').replace(tmp, file)}`, { cause: e })),
  };
}

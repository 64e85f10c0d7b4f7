/**
 * Turns the paths a user names into the ordered list of files an adapter reads: files as given,
 * directories expanded to their matching files in name order (day files then import oldest first).
 */
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors.ts';

/**
 * Expand files and directories into a sorted, de-duplicated file list.
 * @example listInputFiles(['data/hf-daily-papers'], (f) => f.endsWith('.json')) // ['…/2024-05-27.json', …]
 * @throws AppError INGEST_PATH_NOT_FOUND naming the first path that does not exist
 */
export function listInputFiles(paths: string[], accept: (name: string) => boolean): string[] {
  if (paths.length === 0) throw new AppError('USAGE', 'name at least one file or directory to import');
  const out: string[] = [];
  for (const p of paths) {
    if (p === '-') {
      out.push(p); // standard input, for adapters that read whole documents
      continue;
    }
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      throw new AppError('INGEST_PATH_NOT_FOUND', `no such file or directory: ${p}`);
    }
    if (st.isDirectory()) {
      const names = fs.readdirSync(p).filter((n) => accept(n)).sort();
      // A directory with nothing to read is almost always a wrong path; say so rather than import 0.
      if (names.length === 0) throw new AppError('INGEST_PATH_NOT_FOUND', `no matching files in directory: ${p}`);
      for (const n of names) out.push(path.join(p, n));
    } else {
      out.push(p);
    }
  }
  return [...new Set(out)];
}

/** The `YYYY-MM-DD` a file is named after (`2024-06-03.json`), or null. */
export function dayFromFileName(file: string): string | null {
  const m = /(\d{4}-\d{2}-\d{2})[^/\\]*$/.exec(path.basename(file));
  return m ? m[1]! : null;
}

/**
 * Estimate a run's record count from the bytes read so far: cheap (file sizes only) and good enough
 * for an ETA when files are alike, as day files and snapshot parts are.
 * @example const est = createTotalEstimator(files); est(0, 120) // records expected in all files
 */
export function createTotalEstimator(files: string[]): (doneFiles: number, recordsSoFar: number) => number | undefined {
  const sizes = files.map((f) => {
    try {
      return fs.statSync(f).size;
    } catch {
      return 0;
    }
  });
  const all = sizes.reduce((a, b) => a + b, 0);
  return (doneFiles, recordsSoFar) => {
    const done = sizes.slice(0, doneFiles).reduce((a, b) => a + b, 0);
    if (done <= 0 || recordsSoFar <= 0) return undefined;
    return Math.max(recordsSoFar, Math.round((recordsSoFar * all) / done));
  };
}

/**
 * All of standard input as UTF-8 text.
 * @throws RangeError past `maxBytes` (the rest is not read)
 */
export async function readStdin(maxBytes = Infinity): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const c of process.stdin) {
    bytes += (c as Buffer).length;
    if (bytes > maxBytes) throw new RangeError(`over ${maxBytes.toLocaleString('en-US')} bytes`);
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** How a location names a file: its base name, or `stdin` for `-`. */
export function displayName(file: string): string {
  return file === '-' ? 'stdin' : path.basename(file);
}

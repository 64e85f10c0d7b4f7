/**
 * The real clients people point at Paperboy, from Debian's packages: feedparser (feed readers),
 * bibtexparser and bibutils (reference managers). Tests hand them our output and read back what they
 * understood. A missing client skips with the apt-get line to install it, except under CI=true,
 * where .ci/run installs them and a missing one is an error.
 */
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { IN_CI } from './stores.ts';

/** Debian's interpreter, where apt-get puts python3-* modules (a pyenv `python3` on PATH cannot see them). */
export const DEBIAN_PYTHON = '/usr/bin/python3';

const CLIENTS = {
  feedparser: { pkg: 'python3-feedparser', ok: () => pythonHas('feedparser') },
  bibtexparser: { pkg: 'python3-bibtexparser', ok: () => pythonHas('bibtexparser') },
  bibutils: { pkg: 'bibutils', ok: () => fs.existsSync('/usr/bin/bib2xml') && fs.existsSync('/usr/bin/ris2xml') },
} as const;

export type Client = keyof typeof CLIENTS;

function pythonHas(module: string): boolean {
  if (!fs.existsSync(DEBIAN_PYTHON)) return false;
  try {
    execFileSync(DEBIAN_PYTHON, ['-c', `import ${module}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Null when the client can run here, else why not (under CI that is an error). */
export function clientSkipReason(client: Client): string | null {
  const c = CLIENTS[client];
  if (c.ok()) return null;
  const why = `${client} not found (apt-get install ${c.pkg})`;
  if (IN_CI) throw new Error(`CI=true and ${why}`);
  console.log(`# skipping ${client} test: ${why}`);
  return why;
}

/** Run a program with `input` on stdin; resolves to stdout, rejects with stderr. */
export function runWithInput(file: string, args: string[], input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, PYTHONIOENCODING: 'utf-8', LC_ALL: 'C.UTF-8' } }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${file} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
    child.stdin!.end(input);
  });
}

/** Run a Python script under Debian's interpreter with `input` on stdin and parse the JSON it prints. */
export async function python<T>(script: string, input: string): Promise<T> {
  return JSON.parse(await runWithInput(DEBIAN_PYTHON, ['-c', script], input)) as T;
}

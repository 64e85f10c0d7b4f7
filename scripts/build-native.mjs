#!/usr/bin/env node
// Builds native/pb_rank.c (a SQLite extension: FTS5's bm25 with idfs the caller already counted) and
// native/pb_memory.c (glibc malloc's arena cap and trim, src/native-memory.ts) against the SQLite headers
// better-sqlite3 ships, at `npm install`. Without a C compiler it says so and exits 0:
// the search index then ranks with FTS5's own bm25() (same results, slower on large catalogs).
// Set PAPERBOY_NATIVE=required to make a failed build an error (CI does).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const suffix = process.platform === 'darwin' ? '.dylib' : process.platform === 'win32' ? '.dll' : '.so';
const out = path.join(root, 'native', 'build', `pb_rank${suffix}`);
const fail = (why) => {
  const msg = `paperboy: native ranking extension not built (${why}); search uses FTS5's bm25(), which is slower on large catalogs`;
  if (process.env.PAPERBOY_NATIVE === 'required') {
    console.error(msg);
    process.exit(1);
  }
  console.warn(msg);
  process.exit(0);
};

let headers;
try {
  headers = path.join(path.dirname(require.resolve('better-sqlite3/package.json')), 'deps', 'sqlite3');
  if (!fs.existsSync(path.join(headers, 'sqlite3ext.h'))) fail(`no sqlite3ext.h in ${headers}`);
} catch {
  fail('better-sqlite3 is not installed');
}
if (process.platform === 'win32') fail('building on Windows is not supported yet');
const cc = process.env.CC || 'cc';
fs.mkdirSync(path.dirname(out), { recursive: true });
for (const name of ['pb_rank', 'pb_memory']) {
  const to = path.join(root, 'native', 'build', `${name}${suffix}`);
  // pb_rank.so also holds pb_marks() (native/pb_marks.c), registered by pb_rank.c's entry point.
  const sources = [name, ...(name === 'pb_rank' ? ['pb_marks'] : [])].map((n) => path.join(root, 'native', `${n}.c`));
  const args = ['-O2', '-fPIC', '-shared', '-I', headers, ...sources, '-o', to, '-lm'];
  if (process.platform === 'darwin') args.splice(3, 0, '-undefined', 'dynamic_lookup');
  const r = spawnSync(cc, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.error) fail(`${cc}: ${r.error.message}`);
  if (r.status !== 0) fail(`${cc} exited with ${r.status} building ${name}.c`);
  console.log(`paperboy: built ${path.relative(root, to)}`);
}

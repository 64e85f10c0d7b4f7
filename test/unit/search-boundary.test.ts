import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';

// Search's one public module (src/search/index.ts): web, CLI, catalog glue and benchmarks import
// nothing else under src/search/. Kept until the repository-wide boundary check covers it.
function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p) : /\.(ts|mjs)$/.test(e.name) ? [p] : [];
  });
}

it('only src/search/index.ts is imported from outside src/search', () => {
  const offenders: string[] = [];
  for (const f of [...files('src'), ...files('bench')]) {
    if (f.startsWith(`src${path.sep}search${path.sep}`)) continue;
    const text = fs.readFileSync(f, 'utf8');
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
      const target = path.normalize(path.join(path.dirname(f), m[1]!));
      if (target.startsWith(`src${path.sep}search${path.sep}`) && target !== path.join('src', 'search', 'index.ts')) offenders.push(`${f} imports ${m[1]}`);
    }
  }
  assert.deepEqual(offenders, []);
});

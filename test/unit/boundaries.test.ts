/**
 * The import-boundary check (`npm run check:imports`, dependency-cruiser, .dependency-cruiser.cjs)
 * passes on this code base and fails on each kind of violation: web importing the store, a
 * repository or SQL; search importing the catalog or web; search reached past its public module;
 * ingest importing the CLI or the App; any cycle (type-only included).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { tempDir } from '../helpers/stores.ts';

const run = promisify(execFile);
const ROOT = path.resolve('.');
const DEPCRUISE = path.join(ROOT, 'node_modules', '.bin', 'depcruise');
const CONFIG = path.join(ROOT, '.dependency-cruiser.cjs');

async function cruise(cwd: string): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run(DEPCRUISE, ['src', 'bench', '--config', CONFIG], { cwd });
    return { code: 0, out: stdout };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, out: `${x.stdout}${x.stderr}` };
  }
}

describe('import boundaries', () => {
  it('this code base has none', async () => {
    const r = await cruise(ROOT);
    assert.equal(r.code, 0, r.out);
  });

  it('each rule catches its violation', async () => {
    const dir = tempDir('paperboy-boundaries-');
    const files: Record<string, string> = {
      'tsconfig.json': JSON.stringify({ compilerOptions: { allowImportingTsExtensions: true, noEmit: true, module: 'ESNext', moduleResolution: 'Bundler' } }),
      'src/store/db.ts': 'export const db = 1;\n',
      'src/catalog/papers.repo.ts': 'export const rows = 1;\n',
      'src/catalog/paper.ts': 'export type Paper = { id: string };\n',
      'src/search/index.ts': "export * from './inner.ts';\n",
      'src/search/inner.ts': "import type { Paper } from '../catalog/paper.ts';\nexport type P = Paper;\n",
      'src/web/route.ts': "import { db } from '../store/db.ts';\nimport { rows } from '../catalog/papers.repo.ts';\nimport type { P } from '../search/inner.ts';\nexport const x: P | number = db + rows;\n",
      'src/ingest/source.ts': "import type { App } from '../app.ts';\nexport type S = App;\n",
      'src/app.ts': 'export type App = { a: 1 };\n',
      'src/jobs/a.ts': "import type { B } from './b.ts';\nexport type A = { b?: B };\n",
      'src/jobs/b.ts': "import type { A } from './a.ts';\nexport type B = { a?: A };\n",
      'bench/b.ts': "export {};\n",
    };
    for (const [f, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.writeFileSync(path.join(dir, f), text);
    }
    const r = await cruise(dir);
    assert.notEqual(r.code, 0, r.out);
    for (const [rule, where] of [
      ['web-not-store', 'src/web/route.ts → src/store/db.ts'],
      ['web-not-store', 'src/web/route.ts → src/catalog/papers.repo.ts'],
      ['search-through-its-public-module', 'src/web/route.ts → src/search/inner.ts'],
      ['search-not-catalog-or-web', 'src/search/inner.ts → src/catalog/paper.ts'],
      ['ingest-not-cli-or-app', 'src/ingest/source.ts → src/app.ts'],
      ['no-circular', 'src/jobs/a.ts'],
    ] as const) {
      assert.ok(r.out.includes(`${rule}: ${where}`), `${rule} not reported for ${where}:\n${r.out}`);
    }
  });
});

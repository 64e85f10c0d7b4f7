import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { describe, it } from 'node:test';
import { parseJsonlLine, readJsonl } from '../../src/ingest/jsonl.ts';

describe('jsonl source', () => {
  it('rejects bad lines with the field and reason', () => {
    assert.deepEqual(parseJsonlLine('{"arxivId":"2401.00001","title":"T"}'), { reason: 'field source: Invalid input: expected string, received undefined' });
    assert.match((parseJsonlLine('{nope') as { reason: string }).reason, /^not JSON/);
    assert.match((parseJsonlLine('{"arxivId":"banana","title":"T","source":"s"}') as { reason: string }).reason, /field arxivId: not an arXiv identifier/);
    assert.match((parseJsonlLine('{"arxivId":"2401.00001","title":"T","source":"s","upvotes":-1}') as { reason: string }).reason, /^field upvotes/);
    assert.match((parseJsonlLine('{"arxivId":"2401.00001","title":"T","source":"s","titel":"x"}') as { reason: string }).reason, /titel/);
  });

  it('normalizes the id and takes a version from it', () => {
    const r = parseJsonlLine('{"arxivId":"https://arxiv.org/abs/2401.00001v3","title":"T","source":"s"}');
    assert.ok('paper' in r);
    assert.equal(r.paper.arxivId, '2401.00001');
    assert.equal(r.paper.version, 3);
  });

  it('names the file and line of each rejection and goes on', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-jsonl-'));
    const file = path.join(dir, 'x.jsonl');
    fs.writeFileSync(file, '{"arxivId":"2401.00001","title":"T","source":"s"}\n\n{bad\n{"arxivId":"2401.00002","title":"U","source":"s"}\n');
    const items = [];
    for await (const it of readJsonl([file])) items.push(it);
    fs.rmSync(dir, { recursive: true });
    assert.deepEqual(items.map((i) => i.kind), ['paper', 'reject', 'paper', 'checkpoint']);
    assert.equal(items[1]!.kind === 'reject' && items[1]!.location, 'x.jsonl:3');
  });
});

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { parsePythonLiteral } from '../../src/ingest/python-literal.ts';

describe('parsePythonLiteral', () => {
  it('reads dicts, lists, tuples, strings, numbers, True/False/None', () => {
    assert.deepEqual(parsePythonLiteral(`{'a': [1, -2.5, 3e2], "b": (True, False, None), 'c': {}}`), {
      a: [1, -2.5, 300],
      b: [true, false, null],
      c: {},
    });
  });

  it('decodes escapes the way Python wrote them', () => {
    assert.equal(parsePythonLiteral(String.raw`'it\'s a\nline \\ \x41 \u00e9'`), "it's a\nline \\ A é");
    assert.equal(parsePythonLiteral(`"say 'hi'"`), "say 'hi'");
  });

  it('rejects what is not a literal, naming the offset', () => {
    assert.throws(() => parsePythonLiteral(`{'a': os.system('x')}`), /expected a value at offset 6/);
    assert.throws(() => parsePythonLiteral(`{'a': 1`), /expected , or \}/);
    assert.throws(() => parsePythonLiteral(`'unterminated`), /closing '/);
    assert.throws(() => parsePythonLiteral(`[1] 2`), /end of input/);
  });

  it('decodes a real archived entry into the API shape', () => {
    const day = JSON.parse(fs.readFileSync(new URL('../fixtures/hf-daily/2025-01-02.json', import.meta.url), 'utf8')) as string[];
    const entry = parsePythonLiteral(day[0]!) as { paper: { id: string; title: string; authors: { name: string }[] } };
    assert.equal(entry.paper.id, '2412.19723');
    assert.ok(entry.paper.title.length > 10);
    assert.ok(entry.paper.authors.every((a) => typeof a.name === 'string'));
  });
});

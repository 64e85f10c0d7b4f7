import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { pickEncoding, prepare } from '../../src/web/prepared.ts';

describe('prepared responses', () => {
  it('picks brotli, then gzip, and honours q=0 refusals', () => {
    assert.equal(pickEncoding(undefined), undefined);
    assert.equal(pickEncoding(''), undefined);
    assert.equal(pickEncoding('gzip, deflate, br'), 'br');
    assert.equal(pickEncoding('gzip'), 'gzip');
    assert.equal(pickEncoding('GZIP;q=0.5'), 'gzip');
    assert.equal(pickEncoding('br;q=0, gzip'), 'gzip');
    assert.equal(pickEncoding('br;q=0.0, gzip;q=0'), undefined);
    assert.equal(pickEncoding('identity, deflate'), undefined);
    assert.equal(pickEncoding(['deflate', 'br']), 'br');
  });

  it('holds the same body in every encoding, with one tag for the content', () => {
    const text = '<p>Ünïcode papers</p>'.repeat(200);
    const p = prepare(text, 'text/html; charset=utf-8');
    assert.equal(p.body.toString('utf8'), text);
    assert.equal(gunzipSync(p.gzip).toString('utf8'), text);
    assert.equal(brotliDecompressSync(p.br).toString('utf8'), text);
    assert.equal(prepare(text, 'text/html').tag, p.tag);
    assert.notEqual(prepare(`${text}!`, 'text/html').tag, p.tag);
    assert.match(p.tag, /^[A-Za-z0-9_-]+$/, 'safe inside a quoted ETag');
  });
});

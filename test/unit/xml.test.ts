import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeXml, xml, xmlSafeText } from '../../src/web/xml.ts';
import { parseXml } from '../helpers/xml.ts';

describe('xml tag', () => {
  it('escapes text and attributes; only the template is markup', () => {
    const v = `<think> & "quotes" 'apos' ]]> <![CDATA[`;
    const doc = xml`<a title="${v}">${v}</a>`.value;
    const el = parseXml(doc);
    assert.equal(el.text, v);
    assert.equal(el.attrs.title, v);
  });

  it('drops what XML 1.0 cannot carry and keeps everything else, astral characters included', () => {
    const all = Array.from({ length: 0x100 }, (_, i) => String.fromCharCode(i)).join('');
    const kept = xmlSafeText(all);
    for (const c of kept) {
      const n = c.charCodeAt(0);
      assert.ok(n === 9 || n === 10 || n === 13 || (n >= 0x20 && n < 0x7f) || n >= 0xa0, `U+${n.toString(16)} kept`);
    }
    assert.equal(kept.length, 3 + (0x7f - 0x20) + (0x100 - 0xa0));
    assert.equal(xmlSafeText('emoji 🚀 中文 é'), 'emoji 🚀 中文 é');
    assert.equal(xmlSafeText('lone \uD83D high, lone \uDE80 low, \uFFFE\uFFFF'), 'lone  high, lone  low, ');
    assert.equal(xmlSafeText('a\u0000b'), 'ab');
    // Every code unit 0–0xFFFF, escaped, parses strictly.
    const every = Array.from({ length: 0x10000 }, (_, i) => String.fromCharCode(i)).join('');
    assert.doesNotThrow(() => parseXml(`<a>${escapeXml(every)}</a>`));
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { terminalSafe } from '../../src/cli/terminal-text.ts';

describe('terminalSafe', () => {
  it('writes C0, DEL, C1 and bidi controls as visible escapes; keeps tab, text and other Unicode', () => {
    assert.equal(terminalSafe('a\u0000b\u001b[31mc\u007fd\u009be\u202ef\u2066g'), 'a\\x00b\\x1b[31mc\\x7fd\\x9be\\u202ef\\u2066g');
    assert.equal(terminalSafe('line\nbreak\r'), 'line\\x0abreak\\x0d');
    assert.equal(terminalSafe('tab\tÉlodie 中文 😀'), 'tab\tÉlodie 中文 😀');
  });
});

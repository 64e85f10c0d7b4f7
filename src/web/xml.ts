/**
 * XML by tagged template, the twin of html.ts: every interpolated value is text — escaped, and stripped
 * of the characters XML 1.0 cannot carry at all (NUL and the other C0 controls, lone surrogates,
 * U+FFFE/U+FFFF), so stored data can never make a document malformed. Markup is only what this tag
 * itself builds.
 */
import { markupTag } from './html.ts';

export class Xml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

// Not in XML 1.0's Char production (C0 controls but tab/LF/CR, U+FFFE/U+FFFF, unpaired surrogates), plus
// the C1 controls, which XML allows but discourages and which in our sources are only ever mojibake.
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Drop what XML 1.0 cannot represent (there is no escape for NUL, not even `&#0;`). */
export function xmlSafeText(s: string): string {
  return s.replace(NOT_XML, '');
}

/** Escape text for XML character data or a quoted attribute value. */
export function escapeXml(s: string): string {
  return xmlSafeText(s).replace(/[&<>"']/g, (c) => ESC[c]!);
}

type Value = Xml | string | number | null | undefined | false | readonly Value[];

/**
 * @example xml`<title type="text">${paper.title}</title>` // "<think>" becomes &lt;think&gt;
 */
export const xml = markupTag<Xml, Value>(Xml, escapeXml);

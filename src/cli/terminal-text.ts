/**
 * Text from input (file names, reasons quoting a record) made safe to print on a terminal: control
 * characters — C0 (ESC starts colour and cursor sequences), DEL, C1 (0x9B is a one-byte CSI on some
 * terminals) — and the bidirectional overrides that reorder what a reader sees are written as visible
 * escapes (`\x1b`, `\u202e`), so a hostile record can neither drive the operator's terminal nor hide text.
 */

// Every C0 control but tab, DEL, C1; the bidi embeddings/overrides/isolates (U+202A–202E, U+2066–2069).
const UNSAFE = /[\u0000-\u0008\u000A-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

/**
 * @example terminalSafe('bad\u001b[2Jtitle') // 'bad\\x1b[2Jtitle'
 */
export function terminalSafe(s: string): string {
  return s.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

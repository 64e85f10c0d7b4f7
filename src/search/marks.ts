/**
 * Match marks in highlighted text: the index wraps each match in two private-use characters (they
 * cannot occur in paper text); callers split on them to render <mark> or strip them for plain text.
 */
import { MARK_END, MARK_START } from './keyword/types.ts';

const MARKS = new RegExp(`([${MARK_START}${MARK_END}])`);

/**
 * The text as runs, each marked (a match) or not; a stray mark only ends or starts a run.
 * @example splitMarks('a \uE000graph\uE001') // [{ text: 'a ', marked: false }, { text: 'graph', marked: true }]
 */
export function splitMarks(text: string): Array<{ text: string; marked: boolean }> {
  const out: Array<{ text: string; marked: boolean }> = [];
  let marked = false;
  for (const part of text.split(MARKS)) {
    if (part === MARK_START || part === MARK_END) marked = part === MARK_START;
    else if (part) out.push({ text: part, marked });
  }
  return out;
}

/** The text without marks. */
export const stripMarks = (text: string) => text.split(MARK_START).join('').split(MARK_END).join('');

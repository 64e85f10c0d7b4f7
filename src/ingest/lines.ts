/**
 * Streams the lines of a text file, gzip-compressed or not, with bounded memory: real arXiv
 * snapshots are several GB, so nothing is read whole.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import type { PaperInput } from '../catalog/paper.ts';
import { messageOf } from '../errors.ts';
import type { SourceItem } from './pipeline.ts';

export type LineEvent =
  | { kind: 'line'; text: string; line: number }
  /** A line over MAX_LINE_BYTES, skipped unread (its bytes are never held). */
  | { kind: 'long'; bytes: number; line: number }
  | { kind: 'error'; reason: string; line: number };

/**
 * The longest line read: 4 MiB. The longest real record is 49.6 kB (a Kaggle line with 3,303 authors);
 * every field within its limit (limits.ts) fits many times over. Longer lines are skipped as they
 * stream by, so a hostile 150 MB line costs no more memory than a short one.
 */
export const MAX_LINE_BYTES = 4 * 1024 * 1024;

/** zlib's message for a stream that stops before the gzip trailer. */
function describeGzipError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(err.message)) return 'truncated gzip (unexpected end of file)';
  return `corrupt gzip: ${err.message}`;
}

/**
 * Yield each line (without its newline) and its 1-based number. A read or gzip error ends the
 * stream with one `error` event; the partial line before it is dropped, not reported as bad data.
 * @example for await (const ev of readLines('part01.jsonl.gz')) if (ev.kind === 'line') …
 */
export async function* readLines(file: string): AsyncGenerator<LineEvent> {
  const gz = file.endsWith('.gz');
  // `-` is standard input (uncompressed: pipe through `gunzip -c` for .gz).
  const raw: NodeJS.ReadableStream & { destroy(e?: Error): void } = file === '-' ? process.stdin : fs.createReadStream(file, { highWaterMark: 1 << 20 });
  const stream: NodeJS.ReadableStream = gz ? raw.pipe(zlib.createGunzip({ chunkSize: 1 << 18 })) : raw;
  // pipe() does not forward errors: a read error must end the gunzip stream we iterate.
  if (gz) raw.on('error', (e) => (stream as zlib.Gunzip).destroy(e));
  // Split on the byte 0x0A and decode each line on its own: cheaper than decoding whole chunks and
  // re-slicing strings, and UTF-8 never uses 0x0A inside a multi-byte character.
  let pending: Buffer | null = null;
  // Bytes of the current line when it is too long to keep (-1: not skipping).
  let skipped = -1;
  let line = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let start = 0;
      for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
        line++;
        if (skipped >= 0 || (pending?.length ?? 0) + nl - start > MAX_LINE_BYTES) {
          yield { kind: 'long', bytes: Math.max(skipped, 0) + (pending?.length ?? 0) + nl - start, line };
        } else {
          const text: string = pending
            ? Buffer.concat([pending, chunk.subarray(start, nl)]).toString('utf8')
            : chunk.toString('utf8', start, nl);
          yield { kind: 'line', text, line };
        }
        pending = null;
        skipped = -1;
        start = nl + 1;
      }
      if (start < chunk.length) {
        const rest = chunk.length - start;
        if (skipped >= 0) skipped += rest;
        else if ((pending?.length ?? 0) + rest > MAX_LINE_BYTES) {
          skipped = (pending?.length ?? 0) + rest;
          pending = null;
        } else pending = pending ? Buffer.concat([pending, chunk.subarray(start)]) : Buffer.from(chunk.subarray(start));
      }
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason = gz && !String(code).startsWith('E') ? describeGzipError(e) : `cannot read file: ${(e as Error).message}`;
    yield { kind: 'error', reason: `${reason} after line ${line}`, line };
    return;
  } finally {
    raw.destroy();
  }
  if (skipped >= 0) yield { kind: 'long', bytes: skipped, line: line + 1 };
  else if (pending?.length) yield { kind: 'line', text: pending.toString('utf8'), line: line + 1 };
}

/**
 * Items from one JSON Lines file: each non-blank line parsed and mapped by `toInput`, which returns
 * a paper or the reason for rejecting it. Bad JSON and bad records are rejected as `name:line`; a read
 * or gzip error is rejected once as `name`, keeping everything read before it.
 * Returns the number of records seen.
 * @example yield* jsonLineItems('part01.jsonl.gz', 'part01.jsonl.gz', kaggleRecordToInput)
 */
export async function* jsonLineItems(
  file: string,
  name: string,
  toInput: (record: unknown) => PaperInput | string,
): AsyncGenerator<SourceItem, number> {
  let records = 0;
  for await (const ev of readLines(file)) {
    if (ev.kind === 'error') {
      yield { kind: 'reject', location: name, reason: ev.reason };
      break;
    }
    if (ev.kind === 'long') {
      records++;
      yield { kind: 'reject', location: `${name}:${ev.line}`, reason: `line is ${ev.bytes.toLocaleString('en-US')} bytes, over the limit of ${MAX_LINE_BYTES.toLocaleString('en-US')} (skipped unread)` };
      continue;
    }
    if (!ev.text.trim()) continue;
    records++;
    const location = `${name}:${ev.line}`;
    let rec: unknown;
    try {
      rec = JSON.parse(ev.text);
    } catch (e) {
      yield { kind: 'reject', location, reason: `bad JSON: ${messageOf(e)}` };
      continue;
    }
    const r = toInput(rec);
    yield typeof r === 'string' ? { kind: 'reject', location, reason: r } : { kind: 'paper', paper: r, location };
  }
  return records;
}

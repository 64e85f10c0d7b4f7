/**
 * The inside of a query thread: opens the node's index file read-only (again after a rebuild: each call
 * names the index generation it is for), takes the common-word counts the main thread sends, and answers
 * one call at a time. A failure goes back as its message and code (SQLite's damage codes included, so the
 * main thread repairs the index as it would for its own connection).
 */
import type { MessagePort } from 'node:worker_threads';
import { openKeywordReader, type KeywordFileReader } from '../keyword/keyword-reader.ts';
import type { KeywordIndexOptions } from '../keyword/keyword-index.ts';
import { sendable } from '../thread-errors.ts';
import type { ThreadCall, ThreadReply } from './protocol.ts';

export function serveQueries(port: MessagePort | null, options: KeywordIndexOptions): void {
  // eslint-disable-next-line no-restricted-syntax -- programming error: this module is a worker's entry
  if (!port) throw new Error('a query thread runs inside a worker');
  let open: { gen: number; file: string; reader: KeywordFileReader } | null = null;
  const readerFor = (gen: number, file: string): KeywordFileReader => {
    if (!open || open.gen !== gen || open.file !== file) {
      open?.reader.close();
      open = null;
      open = { gen, file, reader: openKeywordReader(file, options) };
    }
    return open.reader;
  };
  port.on('message', (m: ThreadCall) => {
    let reply: ThreadReply;
    try {
      if (m.op === 'stall') {
        // Tests and drills: keep this thread busy, as a long query would.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, m.ms);
        reply = { id: m.id, ok: true, value: null };
      } else {
        const reader = readerFor(m.gen, m.file);
        if (m.terms) reader.adopt(m.terms);
        const value =
          m.op === 'search' ? reader.search(m.q, m.opts)
          : m.op === 'decorate' ? reader.decorate(m.q, m.ranked)
          : m.op === 'filterIds' ? reader.filterIds(m.q, m.ids)
          : reader.textOf(m.idOf);
        reply = { id: m.id, ok: true, value };
      }
    } catch (e) {
      reply = { id: m.id, ok: false, error: sendable(e) };
      // A connection that met an error may be the problem (a replaced file): open it again next time.
      if (open && reply.error.code?.startsWith('SQLITE_')) {
        try {
          open.reader.close();
        } catch {
          // closing a damaged connection may fail too
        }
        open = null;
      }
    }
    port.postMessage(reply);
  });
  port.postMessage({ ready: true });
}

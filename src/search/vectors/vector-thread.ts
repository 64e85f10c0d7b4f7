/**
 * The inside of the vector thread: the node's served vector index (served-vectors.ts, exactly as it runs
 * in-process) over this thread's own read-only connection to the index file, driven by the main thread's
 * calls. Searches are answered as they arrive, between the paced steps of a build, an add or a save (each
 * step yields to this thread's event loop), so a search waits for one step, not for a whole add; usearch's
 * graph save is one synchronous call, the only longer wait (see docs/operations.md, "Background work").
 * What only the main thread may do (write `vectors_saved`, log) goes to it as a notice.
 */
import { setTimeout } from 'node:timers/promises';
import type { MessagePort } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import type { Logger } from 'pino';
import { releaseFreedMemory } from '../../native-memory.ts';
import { sendable } from '../thread-errors.ts';
import { createServedVectors, type VectorHome } from './served-vectors.ts';
import { createVectorIndex, loadVectorIndex, type VectorIndexOptions } from './vector-index.ts';
import type { VectorCall, VectorNotice, VectorReply, VectorState, VectorValue } from './vector-protocol.ts';
import { createVectorReader, type VectorReader } from './vector-store.ts';

/** Quiet this long after its last piece of work, the thread gives freed memory back (malloc_trim). */
const TRIM_AFTER_MS = 2000;

interface Open {
  gen: number;
  file: string;
  db: SQLite.Database;
  reader: VectorReader;
  meta: SQLite.Statement;
}

/** A pino-shaped logger whose lines go to the main thread's log (errors as their message and stack). */
function forwardingLog(send: (n: VectorNotice) => void): Logger {
  const line = (level: 'info' | 'warn' | 'error') => (obj: Record<string, unknown>, msg: string) => {
    const o = { ...obj };
    if (o.err instanceof Error) o.err = { message: o.err.message, stack: o.err.stack };
    send({ log: level, msg, obj: o });
  };
  return { info: line('info'), warn: line('warn'), error: line('error') } as unknown as Logger;
}

export function serveVectors(port: MessagePort | null, o: { dir: string; drops: number }): void {
  // eslint-disable-next-line no-restricted-syntax -- programming error: this module is a worker's entry
  if (!port) throw new Error('the vector thread runs inside a worker');
  const send = (n: VectorNotice | VectorReply) => port.postMessage(n);
  const log = forwardingLog(send);
  let open: Open | null = null;
  let version = 0;
  let drops = o.drops;
  // Set by each ensure (the main thread's options for the embedder's dimensions).
  let options: VectorIndexOptions = { kind: 'auto', autoSwitch: false };
  const connect = (gen: number, file: string): Open => {
    if (open?.gen === gen && open.file === file) return open;
    open?.db.close();
    open = null;
    const db = new SQLite(file, { readonly: true, fileMustExist: true });
    return (open = { gen, file, db, reader: createVectorReader(db), meta: db.prepare('SELECT value FROM meta WHERE key = ?').pluck() });
  };
  const now = (): Open => {
    // eslint-disable-next-line no-restricted-syntax -- programming error: every call that reads the store names its file first
    if (!open) throw new Error('the vector thread has no index file open');
    return open;
  };
  const home: VectorHome = {
    vectors: {
      count: () => now().reader.count(),
      many: (ids) => now().reader.many(ids),
      page: (after, limit) => now().reader.page(after, limit),
      // The version the main thread saw after its last write: a save stamped with this thread's own read of
      // it could name vectors stored but not yet sent here, and a restart would then load a file without them.
      version: () => version,
    },
    meta: (key) => (now().meta.get(key) as string | undefined) ?? null,
    setMeta: (key, value) => send({ meta: [key, value], gen: now().gen }),
  };
  const state = (): VectorState => {
    const c = served.current();
    return { drops, of: c?.of ?? null, dim: c?.index.dim ?? 0, size: c?.index.size ?? 0, kind: c?.index.kind ?? '', describe: served.describe() };
  };
  const served = createServedVectors({
    dir: o.dir,
    index: () => home,
    components: {
      create: (dim, expected, source) => createVectorIndex(dim, options, expected, source),
      load: (file, _dim, source) => loadVectorIndex(file, options, source),
    },
    log,
    changed: () => {
      send({ state: state() });
      workDone();
    },
    // As long a rest as the step took: the thread's background work (graph adds ~1 ms a vector, the graph
    // build) takes at most about half a core, and the HTTP thread keeps a core of its own on a two-core node
    // that is absorbing. A search that arrives meanwhile is answered at once (the rest is a timer).
    rest: (ms) => setTimeout(ms),
  });

  // Freed memory given back once this thread's work is done (glibc keeps it otherwise): the main thread's own
  // trim after a sync (search.service.ts) comes before the adds it sent here have ended, and before the graph
  // build that goes on after them. Measured: see docs/benchmarks.md, "Memory", session 12.
  let busy = 0;
  let trim: NodeJS.Timeout | undefined;
  const workDone = () => {
    clearTimeout(trim);
    trim = globalThis.setTimeout(() => {
      if (busy === 0 && !/building/.test(served.describe())) releaseFreedMemory(log);
    }, TRIM_AFTER_MS).unref();
  };

  const handle = async (m: VectorCall): Promise<void> => {
    let reply: VectorReply;
    const work = m.op === 'ensure' || m.op === 'add' || m.op === 'save';
    if (work) busy++;
    try {
      let value: VectorValue = null;
      if (m.op === 'search') {
        // Nothing served (dropped just before): no neighbours.
        value = served.current()?.index.search(m.q, m.k, m.o) ?? [];
      } else if (m.op === 'drop') {
        drops++;
        served.drop();
      } else if (m.op === 'stall') {
        // Tests and drills: keep this thread busy, as a long synchronous step (a graph save) would.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, m.ms);
      } else {
        connect(m.gen, m.file);
        version = m.version;
        if (m.op === 'ensure') {
          options = m.options;
          await served.ensure(m.embedder);
        } else if (m.op === 'add') {
          await served.add(m.rows);
        } else {
          await served.save();
        }
      }
      reply = { id: m.id, ok: true, value, state: state() };
    } catch (e) {
      reply = { id: m.id, ok: false, state: state(), error: sendable(e) };
      // A connection that met an error may be the problem (a replaced file): open it again next time.
      if (open && reply.error.code?.startsWith('SQLITE_')) {
        try {
          open.db.close();
        } catch {
          // closing a damaged connection may fail too
        }
        open = null;
      }
    }
    if (work) {
      busy--;
      workDone();
    }
    send(reply);
  };
  port.on('message', (m: VectorCall) => void handle(m));
  send({ ready: true });
}

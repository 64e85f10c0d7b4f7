/**
 * glibc malloc's arena cap and trim for this process (native/pb_memory.c, a SQLite extension built at
 * `npm install` and loaded into a private in-memory connection: Node exposes neither, and better-sqlite3's
 * loadExtension is the one native door the project already opens). Without the extension or without glibc
 * (musl, macOS) every call does nothing and says so.
 *
 * Why (docs/operations.md, "Running in 1 GB"): glibc gives each thread that allocates while the others hold
 * the existing arenas one of its own, up to 8 per core, and keeps what is freed there resident. A node's
 * threads (query threads, LSA training, term counts, usearch's graph builders, libuv's pool) each took one;
 * capped at 2 a 100k-paper node settled at 462 MB instead of ~530 MB (MALLOC_ARENA_MAX=2, session 7).
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';

const SUFFIX = process.platform === 'darwin' ? '.dylib' : process.platform === 'win32' ? '.dll' : '.so';
/** Where scripts/build-native.mjs puts the extension. */
export const MEMORY_EXTENSION = fileURLToPath(new URL(`../native/build/pb_memory${SUFFIX}`, import.meta.url));

/** The arena cap `serve` applies when MALLOC_ARENA_MAX is not set (glibc's default: 8 per core). */
export const DEFAULT_ARENA_MAX = 2;

/**
 * Whether the extension is there and loads (false also on Windows and where no C compiler built it); on a
 * C library other than glibc it loads and its calls do nothing.
 */
export function memoryExtension(): { ok: true } | { ok: false; why: string } {
  if (!fs.existsSync(MEMORY_EXTENSION)) return { ok: false, why: `${MEMORY_EXTENSION} is missing (npm install builds it with a C compiler)` };
  return conn() ? { ok: true } : { ok: false, why: `${MEMORY_EXTENSION} does not load` };
}

export interface MallocInfo {
  /** Bytes in the arenas' heaps (all threads'), in use or free. */
  arena: number;
  /** Bytes in chunks mapped on their own (large allocations). */
  mmap: number;
  inUse: number;
  /** Free bytes held in the arenas (resident until trimmed or reused). */
  free: number;
}

let db: SQLite.Database | null | undefined;
/** The connection with the extension, or null (not built, not loadable). Opened once. */
function conn(): SQLite.Database | null {
  if (db !== undefined) return db;
  db = null;
  if (!fs.existsSync(MEMORY_EXTENSION)) return null;
  const d = new SQLite(':memory:');
  try {
    d.loadExtension(MEMORY_EXTENSION);
    db = d;
  } catch {
    d.close();
  }
  return db;
}

const call = (sql: string, ...args: unknown[]): unknown => {
  const d = conn();
  return d ? d.prepare(sql).pluck().get(...args) : null;
};

/**
 * glibc malloc settings for the threads and blocks allocated from now on (mallopt): `arena_max` caps the
 * arenas (call it early: glibc latches its limit once the process has more than 8), `mmap_threshold` gives
 * blocks of that many bytes and more pages of their own, returned when freed. False when it could not be
 * set (no glibc, no extension).
 * @example tuneMalloc('arena_max', 2)
 */
export function tuneMalloc(setting: 'arena_max' | 'mmap_threshold', value: number): boolean {
  return call('SELECT pb_mallopt(?, ?)', setting, value) === 1;
}

/**
 * Give every arena's free pages back to the kernel (malloc_trim(0)); true if any were. A few ms on an
 * idle 100k-paper node (docs/benchmarks.md, "Memory"): call it when a burst of work has ended, not per request.
 */
export function trimMalloc(): boolean {
  return call('SELECT pb_malloc_trim()') === 1;
}

/** glibc's own accounting (mallinfo2), or null where there is none. */
export function mallocInfo(): MallocInfo | null {
  const json = call('SELECT pb_malloc_info()');
  return typeof json === 'string' ? (JSON.parse(json) as MallocInfo) : null;
}

/**
 * After a burst of background work (an import indexed and embedded, a retraining): give what it freed back
 * to the kernel, and say how much in one line. Does nothing where trimming is not available.
 */
export function releaseFreedMemory(log?: { info(o: object, msg: string): void }): void {
  const before = process.memoryUsage.rss();
  const t0 = performance.now();
  if (!trimMalloc()) return;
  const mb = (b: number) => Math.round(b / 2 ** 20);
  log?.info({ rssBeforeMb: mb(before), rssAfterMb: mb(process.memoryUsage.rss()), ms: Math.round((performance.now() - t0) * 10) / 10 }, 'background work done: freed memory given back to the system');
}

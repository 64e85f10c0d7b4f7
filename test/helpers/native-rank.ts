/** Whether tests of pb_bm25 (native/pb_rank.c) must skip: only off CI, and saying why. */
import SQLite from 'better-sqlite3';
import { loadRankExtension } from '../../src/search/native-rank.ts';
import { IN_CI } from './stores.ts';

/** True when the extension does not load here (npm install builds it where a C compiler exists; CI must have it). */
export function skipWithoutNativeRank(what: string): boolean {
  const probe = new SQLite(':memory:');
  const loaded = loadRankExtension(probe);
  probe.close();
  if (loaded.ok) return false;
  if (IN_CI) throw new Error(`CI=true and the native ranking extension does not load: ${loaded.why}`);
  console.log(`# skipping ${what}: ${loaded.why}`);
  return true;
}

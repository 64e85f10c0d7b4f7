/**
 * The index's status for `paperboy index status`, `/metrics` and `/readyz`: papers, lag, embedder,
 * vectors, what serves them, size on disk and what ranks keywords.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { EmbedderProvider } from './embedders/factory.ts';
import type { SearchIndex } from './keyword/types.ts';
import type { ChangeFeed, IndexStatus } from './search-types.ts';
import type { ServedVectors } from './vectors/served-vectors.ts';

/** Bytes of every file under `dir`: the keyword index, stored vectors, saved vector index, embedder model. */
export function dirBytes(dir: string): number {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    n += e.isDirectory() ? dirBytes(p) : fs.statSync(p, { throwIfNoEntry: false })?.size ?? 0;
  }
  return n;
}

const TERM_STATS = { unneeded: 'not needed at this size', current: 'current', stale: 'missing or over 1% old: counted per statement until refreshed' };

export async function indexStatus(o: { dir: string; index: SearchIndex; feed: ChangeFeed; embedder?: EmbedderProvider | undefined; vectors: ServedVectors }): Promise<IndexStatus> {
  const { index } = o;
  const catalogSeq = await o.feed.head();
  const lastSeq = index.lastSeq();
  const e = o.embedder?.current();
  return {
    indexed: index.count(),
    lastSeq,
    catalogSeq,
    lag: Math.max(0, catalogSeq - lastSeq),
    embedder: e?.id ?? o.embedder?.spec ?? 'none',
    embedderState: o.embedder?.state() ?? 'none (keyword only)',
    vectors: index.vectors.count(),
    vectorIndex: o.vectors.describe(),
    vectorsPending: e ? index.vectors.pendingCount() : 0,
    sizeBytes: dirBytes(o.dir),
    file: index.file,
    ranking: index.ranking.fn === 'pb_bm25' ? `pb_bm25 (native; common-word counts ${TERM_STATS[index.termStatsState()]})` : `FTS5 bm25() (${index.ranking.why})`,
  };
}

/**
 * Group commit for votes on PostgreSQL: votes arriving while earlier ones are with the database wait
 * and go together in one statement. At low load a vote goes alone at once (no added wait); under
 * load each database round trip carries many votes, so the per-statement costs — the pg client's
 * encoding and parsing, a syscall each way, PostgreSQL's parse/plan/commit — are paid once per batch
 * instead of once per vote (bench:votes, docs/benchmarks.md "Votes").
 *
 * Exactness: requests for the same member and paper within one batch are reduced, in arrival order,
 * to one net operation on the votes row (`flip` for an odd number of toggles, `set`/`clear` when an up
 * or down is among them, `read` for an even number of toggles), applied atomically by the statement;
 * what the row held just before (learned from whether the insert or delete took effect) then gives
 * each request its own answer in order. A `flip` that lost a race with another node (its delete
 * found nothing and its insert found a row) goes again in the next batch, as the single-vote path
 * looks again. Counter rows are locked in paper order, so two nodes' batches never deadlock on them;
 * a deadlock on vote rows (two nodes' batches touching the same members' votes in opposite orders)
 * is retried.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';

export type VoteIntent = 'up' | 'down' | 'toggle';

export interface AppliedVote {
  paperId: number;
  /** The paper's imported baseline count. */
  baseline: number;
  voted: boolean;
  /** The exact local vote count after this vote. */
  votes: number;
}

interface Pending {
  userId: number;
  arxivId: string;
  intent: VoteIntent;
  now: string;
  resolve: (v: AppliedVote | null) => void;
  reject: (e: unknown) => void;
}

type NetOp = 'flip' | 'set' | 'clear' | 'read';

interface Row {
  n: string | number;
  paper_id: string | number;
  baseline: number;
  added: boolean;
  removed: boolean;
  had: boolean;
  votes: number | null;
  before: number | null;
}

/** Requests of one batch per (member, paper), in arrival order, with their net operation. */
function reduce(items: Pending[]): Array<{ key: string; items: Pending[]; op: NetOp }> {
  const groups = new Map<string, Pending[]>();
  for (const p of items) {
    const key = `${p.userId}\u0000${p.arxivId}`;
    const g = groups.get(key);
    if (g) g.push(p);
    else groups.set(key, [p]);
  }
  return [...groups].map(([key, g]) => {
    const absolute = g.findLastIndex((p) => p.intent !== 'toggle');
    const togglesAfter = g.length - absolute - 1;
    let op: NetOp;
    if (absolute < 0) op = g.length % 2 ? 'flip' : 'read';
    else op = (g[absolute]!.intent === 'up') !== (togglesAfter % 2 === 1) ? 'set' : 'clear';
    return { key, items: g, op };
  });
}

const MAX_BATCH = 500;
const MAX_IN_FLIGHT = 2;
const DEADLOCK = '40P01';

export interface VoteBatcher {
  vote(userId: number, arxivId: string, intent: VoteIntent, now: string): Promise<AppliedVote | null>;
}

export function createVoteBatcher(db: Kysely<Database>): VoteBatcher {
  let queue: Pending[] = [];
  let inFlight = 0;

  const run = async (batch: Pending[]): Promise<void> => {
    const groups = reduce(batch);
    // Sorted by member and paper: vote rows are taken in one order by every batch.
    groups.sort((a, b) => (a.items[0]!.userId - b.items[0]!.userId) || (a.items[0]!.arxivId < b.items[0]!.arxivId ? -1 : 1));
    const users = groups.map((g) => g.items[0]!.userId);
    const papers = groups.map((g) => g.items[0]!.arxivId);
    const ops = groups.map((g) => g.op);
    const at = groups[0]!.items[0]!.now;
    const statement = sql<Row>`
      WITH input AS (
        SELECT * FROM unnest(${users}::bigint[], ${papers}::text[], ${ops}::text[]) WITH ORDINALITY AS t(user_id, arxiv_id, op, n)
      ),
      j AS (SELECT input.user_id, input.op, input.n, p.id AS paper_id, p.upvotes FROM input JOIN papers p ON p.arxiv_id = input.arxiv_id),
      del AS (
        DELETE FROM votes v USING j WHERE v.user_id = j.user_id AND v.paper_id = j.paper_id AND j.op IN ('flip', 'clear')
        RETURNING v.user_id, v.paper_id
      ),
      ins AS (
        INSERT INTO votes (user_id, paper_id, created_at)
        SELECT j.user_id, j.paper_id, ${at} FROM j
        WHERE j.op = 'set' OR (j.op = 'flip' AND NOT EXISTS (SELECT 1 FROM del WHERE del.user_id = j.user_id AND del.paper_id = j.paper_id))
        ORDER BY j.user_id, j.paper_id
        ON CONFLICT (user_id, paper_id) DO NOTHING
        RETURNING user_id, paper_id
      ),
      delta AS (
        SELECT paper_id, sum(d)::int AS d FROM (SELECT paper_id, -1 AS d FROM del UNION ALL SELECT paper_id, 1 FROM ins) x GROUP BY paper_id
      ),
      cnt AS (
        INSERT INTO paper_counts (paper_id, votes, comments, dirty)
        SELECT paper_id, d, 0, 1 FROM delta WHERE d <> 0 ORDER BY paper_id
        ON CONFLICT (paper_id) DO UPDATE SET votes = paper_counts.votes + excluded.votes, dirty = 1
        RETURNING paper_id, votes
      )
      SELECT j.n, j.paper_id, j.upvotes AS baseline,
        EXISTS (SELECT 1 FROM ins WHERE ins.user_id = j.user_id AND ins.paper_id = j.paper_id) AS added,
        EXISTS (SELECT 1 FROM del WHERE del.user_id = j.user_id AND del.paper_id = j.paper_id) AS removed,
        EXISTS (SELECT 1 FROM votes v WHERE v.user_id = j.user_id AND v.paper_id = j.paper_id) AS had,
        (SELECT cnt.votes FROM cnt WHERE cnt.paper_id = j.paper_id) AS votes,
        (SELECT c.votes FROM paper_counts c WHERE c.paper_id = j.paper_id) AS before
      FROM j`;
    let rows: Row[];
    for (let attempt = 0; ; attempt++) {
      try {
        rows = (await statement.execute(db)).rows;
        break;
      } catch (e) {
        if ((e as { code?: string }).code === DEADLOCK && attempt < 5) continue;
        throw e;
      }
    }
    const byN = new Map(rows.map((r) => [Number(r.n), r]));
    const again: Pending[] = [];
    groups.forEach((g, i) => {
      const r = byN.get(i + 1);
      if (!r) {
        for (const p of g.items) p.resolve(null); // no such paper
        return;
      }
      // What the row held just before this statement changed it (the snapshot's for `read`).
      let s0: boolean;
      if (g.op === 'flip') {
        if (!r.added && !r.removed) {
          again.push(...g.items); // lost a race with another node: look again
          return;
        }
        s0 = r.removed;
      } else if (g.op === 'set') s0 = !r.added;
      else if (g.op === 'clear') s0 = r.removed;
      else s0 = r.had;
      const votes = r.votes ?? r.before ?? 0;
      let state = s0;
      for (const p of g.items) {
        state = p.intent === 'up' ? true : p.intent === 'down' ? false : !state;
        p.resolve({ paperId: Number(r.paper_id), baseline: r.baseline, voted: state, votes });
      }
    });
    if (again.length) queue = [...again, ...queue];
  };

  // Keys (member, paper) with a batch at the database: their later requests wait for it, so one
  // member's requests on one paper are applied in arrival order on this node.
  const busy = new Set<string>();
  const keyOf = (p: Pending) => `${p.userId}\u0000${p.arxivId}`;

  const pump = () => {
    while (inFlight < MAX_IN_FLIGHT && queue.length) {
      const batch: Pending[] = [];
      const rest: Pending[] = [];
      const held = new Set<string>();
      const keys = new Set<string>();
      for (const p of queue) {
        const k = keyOf(p);
        if (busy.has(k) || held.has(k) || (batch.length >= MAX_BATCH && !keys.has(k))) {
          held.add(k);
          rest.push(p);
        } else {
          batch.push(p);
          keys.add(k);
        }
      }
      if (batch.length === 0) return;
      queue = rest;
      for (const k of keys) busy.add(k);
      inFlight++;
      run(batch)
        .catch((e: unknown) => {
          for (const p of batch) p.reject(e);
        })
        .finally(() => {
          for (const k of keys) busy.delete(k);
          inFlight--;
          pump();
        });
    }
  };

  return {
    vote(userId, arxivId, intent, now) {
      return new Promise((resolve, reject) => {
        queue.push({ userId, arxivId, intent, now, resolve, reject });
        pump();
      });
    },
  };
}

/**
 * Vote benchmark: `npm run bench:votes -- [options]`. Two `paperboy serve` processes on one fresh
 * PostgreSQL database with the bundled demo papers; 200 signed-in members (sessions made with the
 * session service, CSRF tokens read from a page over HTTP as a browser does) send 10,000 vote toggles
 * over HTTP, `--concurrency` at a time, alternating between the nodes, on random papers — the same
 * member may toggle the same paper concurrently. Then it checks the counts: the votes table, the
 * exact counters and what both nodes show after the fold must all equal the parity of each member's
 * toggles per paper (over both runs, see --rate). Closing line: `votes: N toggles, X votes/s, p95 Y ms,
 * counts exact: yes|no (…)`.
 *
 * Beside it, the same toggles at the same concurrency straight against the database (two pools,
 * like two nodes), four ways: our vote statement one per vote, the same statements batched as the
 * nodes run them (vote-batcher.ts), a naive read-modify-write counter (read the count, write
 * count ± 1), and our statement plus a catalog sequence bump per vote (what folding avoids). These show what the design costs and what the naive one loses.
 *
 *   --toggles N       (default 10000)          --users N        (default 200)
 *   --papers N        papers voted on (default 100, at most the demo's)
 *   --concurrency N   requests in flight (default 100)
 *   --skip-db         only the HTTP run
 *   --profile DIR     write each node's CPU profile (.cpuprofile) into DIR when it stops
 *   --no-batching     the nodes run one statement per vote (VOTE_BATCHING=false), for comparison
 *   --probe           first, the same number of `GET /healthz` at the same concurrency through the same
 *                     client: the floor that the client, HTTP and the nodes' hooks set without a vote
 *   --no-idle-wait    vote as soon as the nodes are ready, during their start-up work (as runs before
 *                     session 8 did)
 *   --rate R          after the closed-loop run, a second plan of the same size sent open loop: votes
 *                     arrive at R a second (Poisson arrivals, fixed seed) whatever the answers' speed, as
 *                     200 people clicking do, and each latency counts from the vote's scheduled time (so a
 *                     slow answer cannot hide the votes queued behind it). Default 1000, the goal's rate;
 *                     0 skips it. With it, the closing line's votes/s is the closed loop's (the capacity) and
 *                     its p95 this run's (the latency at the goal's rate); each run's figures are beside it.
 */
import fs from 'node:fs';
import http from 'node:http';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { createApp } from '../src/app.ts';
import { withNextSeq } from '../src/catalog/papers.repo.ts';
import { community } from '../src/community/index.ts';
import { applySingleVotePg, applyVote } from '../src/community/votes.repo.ts';
import { loadConfig } from '../src/config.ts';
import { loadDemoData } from '../src/ingest/demo.ts';
import { openStore, type Store } from '../src/store/db.ts';
import { startNode, type NodeProcess } from '../test/helpers/nodes.ts';
import { createPgDatabase, tempDir } from '../test/helpers/stores.ts';

const { values } = parseArgs({
  options: {
    toggles: { type: 'string', default: '10000' },
    users: { type: 'string', default: '200' },
    papers: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '100' },
    'skip-db': { type: 'boolean', default: false },
    'keep-database': { type: 'boolean', default: false },
    profile: { type: 'string' },
    'no-batching': { type: 'boolean', default: false },
    probe: { type: 'boolean', default: false },
    'no-idle-wait': { type: 'boolean', default: false },
    rate: { type: 'string', default: '1000' },
  },
});
const TOGGLES = Number(values.toggles);
const USERS = Number(values.users);
const CONCURRENCY = Number(values.concurrency);
const RATE = Number(values.rate);

interface Toggle {
  user: number;
  paper: number;
}

/** A seeded pseudo-random source in [0, 1): the same sequence in every run. */
function random(seed: number): () => number {
  let s = seed;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}

/** A fixed pseudo-random plan (same in every run and every variant): who toggles which paper. */
function plan(papers: number, seed = 0x9e3779b9): Toggle[] {
  const rnd = random(seed);
  return Array.from({ length: TOGGLES }, () => ({ user: Math.floor(rnd() * USERS), paper: Math.floor(rnd() * papers) }));
}

/** Expected local votes per paper: the pairs (member, paper) toggled an odd number of times. */
function expectedCounts(toggles: Toggle[], papers: number): number[] {
  const parity = new Map<string, number>();
  for (const t of toggles) parity.set(`${t.user}:${t.paper}`, (parity.get(`${t.user}:${t.paper}`) ?? 0) ^ 1);
  const out = new Array<number>(papers).fill(0);
  for (const [k, v] of parity) if (v) out[Number(k.split(':')[1])]! += 1;
  return out;
}

/** Run `count` tasks with `concurrency` in flight; returns each task's latency (ms) and the wall time. */
async function pool(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<{ ms: number[]; seconds: number }> {
  const ms = new Array<number>(count);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      for (let i = next++; i < count; i = next++) {
        const t = performance.now();
        await task(i);
        ms[i] = performance.now() - t;
      }
    }),
  );
  return { ms, seconds: (performance.now() - started) / 1000 };
}

/**
 * Run `count` tasks open loop: task i starts at its scheduled time (Poisson arrivals at `rate` a second,
 * seeded), however many are still unanswered. Each latency counts from the scheduled start, so time spent
 * waiting behind a slow answer (in the client's timers or its connection pool) is counted, not omitted.
 * Returns the latencies, the wall time from the first scheduled start to the last answer, and how late the
 * client itself started tasks (its own lag, which would otherwise pass for the server's).
 */
async function openLoop(count: number, rate: number, task: (i: number) => Promise<void>): Promise<{ ms: number[]; seconds: number; lateP99: number }> {
  const rnd = random(0x5bd1e995);
  const due = new Array<number>(count);
  for (let i = 0, t = 0; i < count; i++) due[i] = t += -Math.log(1 - rnd());
  // Scaled so that the last vote is due at count / rate: the run offers exactly `rate` a second, with
  // Poisson's bursts inside it (a seed's sum of gaps differs from its mean by ~1% at 10,000).
  const scale = (count * 1000) / rate / due[count - 1]!;
  for (let i = 0; i < count; i++) due[i]! *= scale;
  const ms = new Array<number>(count);
  const late = new Array<number>(count);
  const started = performance.now();
  const running: Array<Promise<void>> = [];
  for (let next = 0; next < count; ) {
    const now = performance.now() - started;
    for (; next < count && due[next]! <= now; next++) {
      const i = next;
      late[i] = now - due[i]!;
      running.push(task(i).then(() => void (ms[i] = performance.now() - started - due[i]!)));
    }
    if (next < count) await new Promise((r) => setTimeout(r, Math.max(0, due[next]! - (performance.now() - started))));
  }
  await Promise.all(running);
  return { ms, seconds: (performance.now() - started) / 1000, lateP99: quantile(late, 0.99) };
}

/**
 * CPU seconds (user + system) used so far by these processes, from /proc (Linux; 0 elsewhere): where a
 * vote's CPU goes between the client, the nodes and PostgreSQL.
 */
function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]); // utime, stime (fields 14 and 15)
    } catch {
      // gone, or no /proc
    }
  }
  return ticks / 100; // USER_HZ
}

/** PostgreSQL's processes (its backends included), by command name. */
function postgresPids(): number[] {
  try {
    return fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((d) => {
      try {
        return fs.readFileSync(`/proc/${d}/comm`, 'utf8').trim() === 'postgres';
      } catch {
        return false;
      }
    }).map(Number);
  } catch {
    return [];
  }
}

/**
 * Wait until these processes are idle: a node answers /readyz before its start-up work is done (training
 * the built-in embedder in a worker, embedding every demo paper), and that work took the cores the votes
 * are measured on. Idle: under 10% of a core over a second, three seconds running; at most 3 minutes.
 */
async function untilIdle(pids: number[]): Promise<void> {
  const started = Date.now();
  let quiet = 0;
  let last = cpuSeconds(pids);
  while (quiet < 3 && Date.now() - started < 180_000) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = cpuSeconds(pids);
    quiet = now - last < 0.1 * pids.length ? quiet + 1 : 0;
    last = now;
  }
  console.error(`nodes idle after ${((Date.now() - started) / 1000).toFixed(0)} s of start-up work${quiet < 3 ? ' (gave up waiting: still busy)' : ''}`);
}

const quantile = (ms: number[], q: number) => [...ms].sort((a, b) => a - b)[Math.floor(ms.length * q)]!;
const p95 = (ms: number[]) => quantile(ms, 0.95);
const spread = (ms: number[]) => `p50 ${quantile(ms, 0.5).toFixed(1)} ms, p95 ${p95(ms).toFixed(1)} ms, p99 ${quantile(ms, 0.99).toFixed(1)} ms`;

function post(agent: http.Agent, base: string, path: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: string }> {
  const u = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = http.request({ agent, host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (data += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function get(agent: http.Agent, url: string, headers: Record<string, string>): Promise<{ status: number; body: string; cookies: string[] }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers }, (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (data += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data, cookies: res.headers['set-cookie'] ?? [] }));
      })
      .on('error', reject);
  });
}

async function main(): Promise<void> {
  const db = await createPgDatabase();
  const nodes: NodeProcess[] = [];
  try {
    // Migrate and load the demo catalog once, before the nodes start (as an operator would).
    const app = await createApp(loadConfig({ DATABASE_URL: db.url, DATA_DIR: tempDir(), LOG_LEVEL: 'warn' }));
    await loadDemoData(app);
    const paperRows = await app.store.db.selectFrom('papers').select(['id', 'arxiv_id', 'upvotes']).orderBy('id').limit(Number(values.papers)).execute();
    const P = paperRows.length;
    console.error(`catalog ready: voting on ${P} papers; starting two app nodes`);
    const env = { DATABASE_URL: db.url, DATA_DIR: tempDir(), LOG_LEVEL: 'warn', COUNTS_FOLD_MS: '1000', RATE_LIMITS: 'vote-ip=off', VOTE_BATCHING: values['no-batching'] ? 'false' : 'true' };
    const nodeArgs = values.profile ? ['--cpu-prof', `--cpu-prof-dir=${values.profile}`] : [];
    nodes.push(...(await Promise.all([startNode(env, 60_000, nodeArgs), startNode(env, 60_000, nodeArgs)])));
    if (!values['no-idle-wait']) await untilIdle(nodes.map((n) => n.proc.pid!));

    // 200 members with sessions; each reads a page over HTTP for its CSRF cookie and token.
    const c = community(app);
    // One connection per member at most, as each member's browser would have (the open loop may have more
    // votes unanswered than the closed loop's concurrency).
    const agent = new http.Agent({ keepAlive: true, maxSockets: Math.max(CONCURRENCY, USERS) });
    const members: Array<{ cookie: string; csrf: string }> = [];
    for (let i = 0; i < USERS; i++) {
      const { user } = await c.signIn.ensureUser(`member${i}@bench.example`);
      const secret = await c.sessions.start(user.id, { userAgent: 'bench', ip: '127.0.0.1' });
      const page = await get(agent, `${nodes[i % 2]!.url}/settings`, { cookie: `pb_session=${secret}` });
      const csrfCookie = page.cookies.map((x) => /^pb_csrf=([^;]+)/.exec(x)?.[1]).find(Boolean);
      const token = /<meta name="csrf-token" content="([^"]+)">/.exec(page.body)?.[1];
      if (page.status !== 200 || !csrfCookie || !token) throw new Error(`member ${i} could not open /settings (${page.status})`);
      members.push({ cookie: `pb_session=${secret}; pb_csrf=${csrfCookie}`, csrf: token });
    }
    console.error(`${USERS} members signed in; ${TOGGLES} toggles, ${CONCURRENCY} in flight`);

    if (values.probe) {
      const floor = await pool(TOGGLES, CONCURRENCY, async (i) => {
        const r = await get(agent, `${nodes[i % 2]!.url}/healthz`, {});
        if (r.status !== 200) throw new Error(`GET /healthz: HTTP ${r.status}`);
      });
      console.error(`probe: ${TOGGLES} GET /healthz, ${CONCURRENCY} in flight: ${Math.round(TOGGLES / floor.seconds)} requests/s, ${spread(floor.ms)}`);
    }

    const toggles = plan(P);
    const second = RATE > 0 ? plan(P, 0x27d4eb2f) : [];
    const expected = expectedCounts([...toggles, ...second], P);
    let failures = 0;
    const vote = async (t: Toggle, i: number) => {
      const m = members[t.user]!;
      const r = await post(agent, nodes[i % 2]!.url, '/votes', { cookie: m.cookie, 'x-csrf-token': m.csrf, 'content-type': 'application/json', accept: 'application/json' }, JSON.stringify({ paper: paperRows[t.paper]!.arxiv_id, vote: 'toggle' }));
      if (r.status !== 200) {
        failures++;
        if (failures <= 3) console.error(`toggle ${i}: HTTP ${r.status} ${r.body.slice(0, 200)}`);
      }
    };
    const cpuPids = { client: [process.pid], nodes: nodes.map((n) => n.proc.pid!) };
    /** Runs one load and says where the cores went meanwhile (processes that ended during it are missed). */
    const measured = async <R extends { seconds: number }>(label: string, load: () => Promise<R>): Promise<R> => {
      const cpuBefore = Object.fromEntries(Object.entries(cpuPids).map(([k, v]) => [k, cpuSeconds(v)]));
      // PostgreSQL's backends come and go with the pools (idle ones close after 10 s): each one's CPU
      // before, and backends that start during the votes count whole.
      const pgBefore = new Map(postgresPids().map((pid) => [pid, cpuSeconds([pid])]));
      const result = await load();
      console.error(`CPU during ${label} (${result.seconds.toFixed(2)} s wall, 2 cores = ${(2 * result.seconds).toFixed(2)} s): ` +
        Object.entries(cpuPids).map(([k, v]) => `${k} ${(cpuSeconds(v) - cpuBefore[k]!).toFixed(2)} s`).join(', ') +
        `, postgres ${postgresPids().reduce((sum, pid) => sum + cpuSeconds([pid]) - (pgBefore.get(pid) ?? 0), 0).toFixed(2)} s`);
      return result;
    };
    const run = await measured('the closed-loop votes', () => pool(TOGGLES, CONCURRENCY, (i) => vote(toggles[i]!, i)));
    const rate = TOGGLES / run.seconds;
    console.error(`HTTP votes, closed loop (${CONCURRENCY} in flight): ${Math.round(rate)} votes/s, ${spread(run.ms)}`);
    let open: Awaited<ReturnType<typeof openLoop>> | undefined;
    if (RATE > 0) {
      await untilIdle(nodes.map((n) => n.proc.pid!));
      open = await measured(`the open-loop votes`, () => openLoop(second.length, RATE, (i) => vote(second[i]!, i)));
      console.error(`HTTP votes, open loop (${RATE}/s offered): ${Math.round(second.length / open.seconds)} votes/s answered, ${spread(open.ms)} from each vote's scheduled time; the client started votes late by p99 ${open.lateP99.toFixed(1)} ms`);
    }

    // Exactness: the votes table, the counters, and what each node shows after the fold.
    const store = app.store;
    const byPaper = new Map((await store.db.selectFrom('votes').select(['paper_id', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('paper_id').execute()).map((r) => [Number(r.paper_id), Number(r.n)]));
    const counters = new Map((await store.db.selectFrom('paper_counts').select(['paper_id', 'votes']).execute()).map((r) => [Number(r.paper_id), r.votes]));
    let exact = failures === 0;
    paperRows.forEach((p, i) => {
      if ((byPaper.get(Number(p.id)) ?? 0) !== expected[i] || (counters.get(Number(p.id)) ?? 0) !== expected[i]) exact = false;
    });
    const deadline = Date.now() + 15_000;
    for (const node of nodes) {
      for (let i = 0; i < P; ) {
        const shown = JSON.parse((await get(agent, `${node.url}/api/papers/${paperRows[i]!.arxiv_id}`, {})).body).upvotes as number;
        if (shown === paperRows[i]!.upvotes + expected[i]!) i++;
        else if (Date.now() > deadline) {
          exact = false;
          const id = Number(paperRows[i]!.id);
          console.error(`node ${node.port} shows ${shown} for ${paperRows[i]!.arxiv_id} (id ${id}), expected ${paperRows[i]!.upvotes + expected[i]!}: votes ${byPaper.get(id) ?? 0}, counter ${counters.get(id) ?? 0}`);
          break;
        } else await new Promise((r) => setTimeout(r, 200));
      }
    }
    agent.destroy();
    await Promise.all(nodes.map((n) => n.kill()));
    nodes.length = 0;

    const closedLine = `${TOGGLES} toggles, ${Math.round(rate)} votes/s, p95 ${p95(run.ms).toFixed(1)} ms`;
    const failed = failures ? ` (${failures} failed requests)` : '';
    // With an open-loop run, the closing line keeps the issue's form with the two measures the goal names,
    // each where it means something: votes/s is the capacity (closed loop: as fast as answers come, at
    // --concurrency in flight, where latency is only queueing: Little's law gives mean latency = in flight /
    // rate), p95 the latency at the goal's rate offered open loop (people click whatever the answers' speed).
    // Both runs' own figures are said beside it.
    const closing = open
      ? `votes: ${TOGGLES} toggles, ${Math.round(rate)} votes/s, p95 ${p95(open.ms).toFixed(1)} ms, counts exact: ${exact ? 'yes' : 'no'}${failed} ` +
        `(votes/s: closed loop, ${CONCURRENCY} in flight, p95 ${p95(run.ms).toFixed(1)} ms there; p95: open loop, ${second.length} more toggles at ${RATE}/s offered, ${Math.round(second.length / open.seconds)}/s answered, p50 ${quantile(open.ms, 0.5).toFixed(1)} ms, p99 ${quantile(open.ms, 0.99).toFixed(1)} ms)`
      : `votes: ${closedLine}, counts exact: ${exact ? 'yes' : 'no'}${failed}`;
    // Said now too: the comparisons below take minutes on a busy machine and may fail there.
    console.error(`HTTP: ${closing}`);
    if (!values['skip-db']) await compareInDatabase(store, db.url, paperRows.map((p) => ({ id: Number(p.id), arxivId: p.arxiv_id })), toggles, expectedCounts(toggles, P));
    await app.close();
    console.log(closing);
  } finally {
    await Promise.all(nodes.map((n) => n.kill()));
    if (values['keep-database']) console.error(`kept database: ${db.url}`);
    else await db.drop();
  }
}

/** The same toggles, straight against the database through two pools: three ways of counting. */
async function compareInDatabase(store: Store, url: string, papers: Array<{ id: number; arxivId: string }>, toggles: Toggle[], expected: number[]): Promise<void> {
  const paperIds = papers.map((p) => p.id);
  const pools = [openStore(url, { poolSize: 10 }), openStore(url, { poolSize: 10 })];
  const users = (await store.db.selectFrom('users').select('id').orderBy('id').execute()).map((r) => Number(r.id));
  const reset = async () => {
    await store.db.deleteFrom('votes').execute();
    await store.db.deleteFrom('paper_counts').execute();
  };
  const now = new Date().toISOString();
  const variants: Array<{ name: string; vote: (s: Store, user: number, paper: number, arxivId: string) => Promise<void> }> = [
    { name: 'vote statement, one per vote (votes row + counter)', vote: async (s, u, _p, a) => void (await applySingleVotePg(s.db, u, a, 'toggle', now)) },
    { name: 'vote statements batched (group commit, what the nodes run)', vote: async (s, u, _p, a) => void (await applyVote(s, u, a, 'toggle', now)) },
    {
      name: 'naive read-modify-write counter',
      vote: async (s, u, p) => {
        // The votes row is still exact (its primary key); the counter is read, then written back.
        const had = await s.db.deleteFrom('votes').where('user_id', '=', u).where('paper_id', '=', p).executeTakeFirst();
        const delta = Number(had.numDeletedRows) === 1 ? -1 : 1;
        if (delta === 1) await s.db.insertInto('votes').values({ user_id: u, paper_id: p, created_at: now }).onConflict((oc) => oc.doNothing()).execute();
        const row = await s.db.selectFrom('paper_counts').select('votes').where('paper_id', '=', p).executeTakeFirst();
        if (!row) await s.db.insertInto('paper_counts').values({ paper_id: p, votes: delta, dirty: 1 }).onConflict((oc) => oc.column('paper_id').doUpdateSet({ votes: delta })).execute();
        else await s.db.updateTable('paper_counts').set({ votes: row.votes + delta, dirty: 1 }).where('paper_id', '=', p).execute();
      },
    },
    {
      name: 'vote transaction + a sequence bump per vote',
      vote: async (s, u, p, a) => {
        await applySingleVotePg(s.db, u, a, 'toggle', now);
        await withNextSeq(s, async (trx, nextSeq) => {
          await trx.updateTable('papers').set({ local_upvotes: sql`(select votes from paper_counts where paper_id = ${p})`, seq: nextSeq() }).where('id', '=', p).execute();
        });
      },
    },
  ];
  for (const v of variants) {
    await reset();
    let run: Awaited<ReturnType<typeof pool>>;
    try {
      run = await pool(toggles.length, CONCURRENCY, async (i) => {
        const t = toggles[i]!;
        await v.vote(pools[i % 2]!, users[t.user]!, paperIds[t.paper]!, papers[t.paper]!.arxivId);
      });
    } catch (e) {
      // An overloaded shared machine can time a connection out: report it and go on to the next variant.
      console.log(`  database only, ${v.name}: failed (${(e as Error).message.slice(0, 160)})`);
      continue;
    }
    const counters = new Map((await store.db.selectFrom('paper_counts').select(['paper_id', 'votes']).execute()).map((r) => [Number(r.paper_id), r.votes]));
    let lost = 0;
    paperIds.forEach((id, i) => (lost += Math.abs((counters.get(id) ?? 0) - expected[i]!)));
    console.log(
      `  database only, ${v.name}: ${Math.round(toggles.length / run.seconds)} votes/s, p95 ${p95(run.ms).toFixed(1)} ms, counts exact: ${lost === 0 ? 'yes' : `no (counters off by ${lost} in total)`}`,
    );
  }
  await Promise.all(pools.map((p) => p.close()));
}

await main();

/**
 * Benchmark servers: `paperboy serve` as a child process on a free port, its CPU time, and a wait until
 * it is idle (a fresh node trains its embedder and embeds the catalog in the background).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Start `paperboy serve` on a free port and wait for /readyz; `env` adds settings (e.g. LOG_LEVEL),
 * `nodeArgs` Node's own options (e.g. --cpu-prof, which NODE_OPTIONS does not take).
 */
export async function startServer(databaseUrl: string, dataDir: string, env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<{ url: string; proc: ChildProcess }> {
  const port = await freePort();
  const proc = spawn(process.execPath, [...nodeArgs, 'bin/paperboy.js', 'serve'], {
    env: { ...process.env, DATABASE_URL: databaseUrl, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', DEMO_DATA: 'false', RATE_LIMITS: 'off', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  // A fresh node indexes the whole catalog before /readyz answers 200: minutes at 80k papers on a busy machine.
  for (let i = 0; i < 3000; i++) {
    if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) return { url, proc };
    } catch {
      // starting
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  proc.kill('SIGTERM'); // not left running behind a failed benchmark
  throw new Error('server did not become ready in 600 s');
}

/** CPU seconds a process (or, with `tid`, one of its threads) has used (Linux /proc; undefined elsewhere). */
export function cpuSeconds(pid: number, tid?: number): number | undefined {
  try {
    // Fields after the command name: state is 3rd, utime 14th, stime 15th (1-based over the whole line).
    const fields = fs.readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks; USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

/**
 * Wait until the servers are idle. A fresh node trains its embedder and embeds the whole catalog in
 * the background after /readyz says ready; measuring then would charge that one-off work to the routes.
 */
export async function settle(procs: ChildProcess[], maxSeconds = 900): Promise<void> {
  const t = performance.now();
  for (;;) {
    const before = procs.map((p) => cpuSeconds(p.pid!));
    if (before.some((c) => c === undefined)) return;
    await new Promise((r) => setTimeout(r, 3000));
    const busy = procs.map((p, i) => (cpuSeconds(p.pid!)! - before[i]!) / 3);
    // Below a fifth of a core: idle nodes still poll (the index follower, the jobs lease), and on
    // PostgreSQL that alone costs 5–10% of a core per node; embedding keeps a node near a whole core.
    // Profiled (--cpu-prof), every isolate's sampling thread adds ~4% of a core: an idle node with two
    // query threads and a vector thread sat at ~27% and never settled. Half a core then.
    if (busy.every((b, i) => b < (procs[i]!.spawnargs.includes('--cpu-prof') ? 0.5 : 0.2))) break;
    if ((performance.now() - t) / 1000 > maxSeconds) {
      console.error(`servers still busy after ${maxSeconds} s (${busy.map((b) => `${Math.round(b * 100)}%`).join(', ')} CPU): measuring anyway`);
      break;
    }
  }
  console.error(`servers idle after ${((performance.now() - t) / 1000).toFixed(0)} s of background work`);
}


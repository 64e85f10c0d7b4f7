/**
 * Real `paperboy serve` processes for black-box tests: spawned from bin/paperboy.js on a free port,
 * ready when /readyz answers, with their JSON log lines collected.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

export interface NodeProcess {
  port: number;
  url: string;
  proc: ChildProcess;
  /** Parsed JSON log lines (stdout) so far. */
  logs: Array<Record<string, unknown>>;
  /** Everything on stderr so far. */
  stderr: () => string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Start `paperboy serve` with extra environment; resolves once /readyz is 200 (or rejects with its stderr).
 * The deadline is generous: on a shared 2-core machine under load a node took over 20 s to start
 * (tsx compiles the sources first); a passing start is not slowed by it (readiness is polled).
 */
export async function startNode(env: Record<string, string>, timeoutMs = 60_000, nodeArgs: string[] = []): Promise<NodeProcess> {
  const port = await freePort();
  // `nodeArgs`: flags for node itself, e.g. `--cpu-prof` (bench:votes --profile); not allowed in NODE_OPTIONS.
  const proc = spawn(process.execPath, [...nodeArgs, path.resolve('bin/paperboy.js'), 'serve'], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', DEMO_DATA: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  let buf = '';
  proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buf += chunk;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      try {
        logs.push(JSON.parse(line));
      } catch {
        logs.push({ raw: line });
      }
    }
  });
  let err = '';
  proc.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const node: NodeProcess = {
    port,
    url,
    proc,
    logs,
    stderr: () => err,
    exited,
    async kill(signal = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
  const deadline = Date.now() + timeoutMs;
  let last = 'not listening';
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`paperboy serve exited with ${proc.exitCode}: ${err}`);
    try {
      const r = await fetch(`${url}/readyz`);
      if (r.ok) return node;
      last = `${r.status} ${await r.text()}`;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await node.kill('SIGKILL');
      const tail = logs.slice(-5).map((l) => JSON.stringify(l).slice(0, 300)).join('\n');
      throw new Error(`paperboy serve not ready after ${timeoutMs} ms (last /readyz: ${last}): ${err}\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A PostgreSQL cluster of a test's own, on a spare port, for tests that break the database on purpose:
 * freeze it (SIGSTOP: connections open, nothing answers), thaw it, stop it, start it again. Built
 * with the machine's initdb/pg_ctl (/usr/lib/postgresql/<version>/bin), run as the `postgres` OS user
 * when the test runs as root (initdb refuses root). Missing binaries skip with a reason, except under CI.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './nodes.ts';
import { IN_CI } from './stores.ts';

const run = promisify(execFile);

function binDir(): string | null {
  const base = '/usr/lib/postgresql';
  if (!fs.existsSync(base)) return null;
  const versions = fs.readdirSync(base).filter((v) => fs.existsSync(path.join(base, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(base, versions[0], 'bin') : null;
}

/** Null when a cluster can be made here, else why not (under CI=true that is an error). */
export function clusterSkipReason(): string | null {
  if (binDir()) return null;
  const why = 'no initdb under /usr/lib/postgresql/*/bin (apt-get install postgresql)';
  if (IN_CI) throw new Error(`CI=true and ${why}`);
  console.log(`# skipping own-cluster test: ${why}`);
  return why;
}

export interface PgCluster {
  port: number;
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  adminUrl: string;
  /** A fresh database in the cluster; its URL. */
  createDatabase(name: string): Promise<string>;
  /** SIGSTOP the server and every backend: sockets stay open, nothing answers. */
  freeze(): Promise<void>;
  thaw(): Promise<void>;
  /** Stop the server (fast shutdown: connections are closed). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stop for good and delete the cluster's files. */
  destroy(): Promise<void>;
}

/** Run a cluster command as `postgres` when we are root. */
async function asPostgres(bin: string, args: string[]): Promise<string> {
  const root = process.getuid?.() === 0;
  const { stdout } = root ? await run('runuser', ['-u', 'postgres', '--', bin, ...args]) : await run(bin, args);
  return stdout;
}

export async function startCluster(): Promise<PgCluster> {
  const bin = binDir();
  if (!bin) throw new Error('no initdb');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-pgcluster-'));
  const data = path.join(dir, 'data');
  fs.mkdirSync(data);
  if (process.getuid?.() === 0) await run('chown', ['-R', 'postgres:postgres', dir]);
  await asPostgres(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=40`;
  const pgCtl = (args: string[]) => asPostgres(path.join(bin, 'pg_ctl'), ['-D', data, ...args]);
  const start = async () => {
    await pgCtl(['-o', opts, '-l', path.join(dir, 'log'), '-w', '-t', '30', 'start']);
  };
  await start();
  const pids = async (): Promise<number[]> => {
    const main = Number(fs.readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const { stdout } = await run('ps', ['-o', 'pid=', '--ppid', String(main)]).catch(() => ({ stdout: '' }));
    return [main, ...stdout.split('\n').map((s) => Number(s.trim())).filter((n) => n > 0)];
  };
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    port,
    adminUrl,
    async createDatabase(name) {
      await asPostgres(path.join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', name]);
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    async freeze() {
      for (const pid of await pids()) process.kill(pid, 'SIGSTOP');
    },
    async thaw() {
      for (const pid of (await pids()).reverse()) process.kill(pid, 'SIGCONT');
    },
    async stop() {
      await pgCtl(['-m', 'fast', '-w', 'stop']);
    },
    start,
    async destroy() {
      try {
        if (fs.existsSync(path.join(data, 'postmaster.pid'))) {
          for (const pid of await pids()) process.kill(pid, 'SIGCONT');
          await pgCtl(['-m', 'immediate', '-w', 'stop']);
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

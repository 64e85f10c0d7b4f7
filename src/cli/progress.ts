/**
 * Progress for long commands: a redrawn bar with rate and ETA on a terminal, a plain line every few
 * seconds otherwise (logs and CI keep a readable record).
 */
import type { Progress } from '../ingest/pipeline.ts';
import { terminalSafe } from './terminal-text.ts';

export interface ProgressReporter {
  update(p: Progress): void;
  done(): void;
}

function fmtDuration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  if (s < 60) return `${Math.round(s)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export function createProgress(
  label: string,
  total: number | undefined,
  opts: { tty: boolean; write: (s: string) => void; intervalMs?: number; now?: () => number },
): ProgressReporter {
  const now = opts.now ?? (() => performance.now());
  const start = now();
  const interval = opts.intervalMs ?? (opts.tty ? 100 : 5000);
  let last = -Infinity;
  let lastP: Progress = { read: 0, rejected: 0 };
  let drew = false;

  const line = (p: Progress): string => {
    const secs = (now() - start) / 1000;
    const rate = secs > 0 ? p.read / secs : 0;
    const t = p.total ?? total;
    const parts = [`${label}`];
    if (t) {
      const frac = Math.min(1, p.read / t);
      if (opts.tty) {
        const width = 24;
        const filled = Math.round(frac * width);
        parts.push(`[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`);
      }
      parts.push(`${(frac * 100).toFixed(1)}%`, `${p.read}/${t}`);
      parts.push(`ETA ${fmtDuration(rate > 0 ? (t - p.read) / rate : Infinity)}`);
    } else {
      parts.push(`${p.read} read`);
    }
    parts.push(`${Math.round(rate)}/s`);
    if (p.rejected) parts.push(`${p.rejected} rejected`);
    // A note names the file being read: a file name can hold control characters.
    if (p.note) parts.push(terminalSafe(p.note));
    return parts.join(' ');
  };

  return {
    update(p) {
      lastP = p;
      const t = now();
      if (t - last < interval) return;
      last = t;
      if (opts.tty) {
        opts.write(`\r\x1b[2K${line(p)}`);
        drew = true;
      } else {
        opts.write(`${line(p)}\n`);
      }
    },
    done() {
      if (opts.tty && drew) opts.write(`\r\x1b[2K${line(lastP)}\n`);
    },
  };
}

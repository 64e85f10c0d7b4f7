/**
 * The process's logger: JSON lines (pino) for machines, or readable lines for a person at a terminal —
 * `LOG_FORMAT=auto` picks readable when stdout is a TTY. Requests log one line each (web/server.ts):
 * `12:04:31 INFO  web  GET /papers?week=2025-W02 200 4.1 ms`.
 */
import type { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { Config } from './config.ts';

const REDACT = ['req.headers.authorization', 'req.headers.cookie'];

interface RequestLine {
  component?: string;
  req?: { method?: string; url?: string };
  res?: { statusCode?: number };
  responseTime?: number;
}

/** The message part of a readable line: the component, then a request's method, URL, status and time. */
export function readableMessage(log: Record<string, unknown>, messageKey: string): string {
  const l = log as RequestLine;
  const component = l.component ? `${l.component}  ` : '';
  if (l.req?.method && l.res?.statusCode !== undefined) {
    const ms = typeof l.responseTime === 'number' ? ` ${l.responseTime.toFixed(1)} ms` : '';
    return `${component}${l.req.method} ${l.req.url ?? ''} ${l.res.statusCode}${ms}`;
  }
  return `${component}${String(log[messageKey] ?? '')}`;
}

/**
 * @example createLogger(config) // pretty on a terminal, JSON when piped
 */
export function createLogger(config: Pick<Config, 'logLevel' | 'logFormat'>, out: Writable & { isTTY?: boolean } = process.stdout): Logger {
  const readable = config.logFormat === 'pretty' || (config.logFormat === 'auto' && Boolean(out.isTTY));
  if (!readable) return pino({ level: config.logLevel, redact: REDACT }, out);
  // In-process and synchronous (not a worker transport): lines appear in order with the CLI's own output.
  const stream = pretty({
    destination: out,
    sync: true,
    colorize: Boolean(out.isTTY),
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname,component,reqId,req,res,responseTime',
    singleLine: true,
    messageFormat: readableMessage,
  });
  return pino({ level: config.logLevel, redact: REDACT }, stream);
}

/**
 * Errors across a worker thread's port: sent as their message, code and name (a structured clone keeps
 * neither an AppError's class nor SQLite's code), and made again on the main thread, so a catalogued
 * error keeps its code and a SQLite damage code still reaches the repair.
 */
import { AppError, ERROR_CODES, type ErrorCode } from '../errors.ts';

export interface SentError {
  message: string;
  code: string | undefined;
  name: string;
}

export function sendable(e: unknown): SentError {
  const err = e as { message?: unknown; code?: unknown; name?: unknown };
  return { message: String(err?.message ?? e), code: typeof err?.code === 'string' ? err.code : undefined, name: typeof err?.name === 'string' ? err.name : 'Error' };
}

/** An error as a thread sent it: our catalogue's, or one carrying its code (SQLite's). */
export function received(e: SentError): Error {
  if (e.name === 'AppError' && e.code && e.code in ERROR_CODES) return new AppError(e.code as ErrorCode, e.message);
  return Object.assign(new Error(e.message), { code: e.code });
}

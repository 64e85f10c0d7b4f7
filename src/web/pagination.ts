/**
 * Cursor pagination for JSON list endpoints. A cursor is opaque to clients: base64url of a small JSON
 * object the endpoint defines (a keyset position or a pinned offset). Clients pass `next_cursor` back
 * as `?cursor=` until it is null; a tampered or foreign cursor is a clear 400, never a crash.
 */
import { AppError } from '../errors.ts';

export const MAX_LIMIT = 100;
export const DEFAULT_LIMIT = 20;

/**
 * Encode a cursor position.
 * @example encodeCursor({ o: 40, d: '2026-08-21' }) // 'eyJvIjo0MCwiZCI6IjIwMjYtMDgtMjEifQ'
 */
export function encodeCursor(position: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/**
 * Decode a cursor and check its fields with `check`, which returns the typed position or null.
 * @throws AppError BAD_REQUEST when the cursor is not one this endpoint issued
 */
export function decodeCursor<T>(cursor: string, check: (v: Record<string, unknown>) => T | null): T {
  let parsed: unknown;
  try {
    // eslint-disable-next-line no-restricted-syntax -- caught below and answered as BAD_REQUEST
    if (!/^[A-Za-z0-9_-]{1,512}$/.test(cursor)) throw new Error('not base64url');
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new AppError('BAD_REQUEST', 'cursor is not valid: pass back the next_cursor value of a previous page unchanged');
  }
  const typed = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? check(parsed as Record<string, unknown>) : null;
  if (typed === null) throw new AppError('BAD_REQUEST', 'cursor does not belong to this list: start again without cursor');
  return typed;
}

/** JSON schema fragments shared by list endpoints, so the OpenAPI document describes them once. */
export const pageQuerySchema = {
  limit: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT, description: 'items per page' },
  cursor: { type: 'string', maxLength: 512, description: 'opaque: the next_cursor of the previous page' },
} as const;

export interface Page<T> {
  items: T[];
  /** Pass as `?cursor=` for the next page; null on the last page. */
  next_cursor: string | null;
}

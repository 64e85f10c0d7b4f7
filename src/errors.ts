/**
 * One catalogue of errors with stable codes: callers and tests match on `code`, users read `message`.
 */

export const ERROR_CODES = {
  CONFIG_INVALID: 500,
  BAD_REQUEST: 400,
  INVALID_ARXIV_ID: 400,
  INVALID_DATE: 400,
  INVALID_QUERY: 400,
  NOT_FOUND: 404,
  PAPER_NOT_FOUND: 404,
  INGEST_BAD_FILE: 422,
  INGEST_BAD_RECORD: 422,
  INGEST_PATH_NOT_FOUND: 404,
  UPSTREAM_UNAVAILABLE: 503,
  UPSTREAM_BAD_RESPONSE: 502,
  /** The upstream service understood the request and refused it (an OAI-PMH badArgument, …). */
  UPSTREAM_REJECTED: 502,
  DB_UNAVAILABLE: 503,
  /** A job run's lease was lost (another node took it over): the run is aborted, its signal carries this. */
  LEASE_LOST: 409,
  /** A file a command was asked to write could not be written (named in the message). */
  WRITE_FAILED: 500,
  /** A database migration failed (named in the message): the database answered, the change did not apply. */
  MIGRATION_FAILED: 500,
  EMBEDDER_FAILED: 502,
  EMBEDDER_AUTH: 401,
  INDEX_NOT_READY: 503,
  /** Search (src/search/pool): the query thread answering a query stopped before it answered (it is replaced; retry). */
  SEARCH_WORKER_FAILED: 503,
  /** Search (src/search/vectors): the vector thread stopped before it answered a semantic or hybrid query (it is replaced; retry). */
  VECTOR_THREAD_FAILED: 503,
  /** An SMTP server refused or did not take a message (details: responseCode, transient). */
  MAIL_FAILED: 502,
  USAGE: 400,
  /** An unexpected failure (a bug): the answer says only that something went wrong; the log has the stack. */
  INTERNAL: 500,
  /** The path exists, but not for this method; the answer's `Allow` header lists the methods that work. */
  METHOD_NOT_ALLOWED: 405,
  /** A request body over the server's body limit. */
  PAYLOAD_TOO_LARGE: 413,
  /** A URL over the server's length limit (or a path parameter over its own). */
  URI_TOO_LONG: 414,
  /** A request body in a content type the route does not take. */
  UNSUPPORTED_MEDIA_TYPE: 415,
  /** Too many requests from one client (IP or account) for a named limit; `Retry-After` says when to try again. */
  RATE_LIMITED: 429,
  /** Request headers over the server's size limit. */
  HEADERS_TOO_LARGE: 431,
  /** A JSON body that does not parse (or is empty where JSON was announced). */
  INVALID_JSON: 400,
  /** The request (its headers or body) did not arrive within the server's request timeout. */
  REQUEST_TIMEOUT: 408,
  /** A URL that cannot be decoded (malformed percent-encoding, invalid UTF-8). */
  INVALID_URL: 400,
  /** Community (src/community): accounts, sessions, CSRF, permissions. */
  SIGN_IN_REQUIRED: 401,
  TOKEN_INVALID: 401,
  CSRF_INVALID: 403,
  FORBIDDEN: 403,
  USER_BANNED: 403,
  SIGNIN_LINK_INVALID: 400,
  INVITE_INVALID: 400,
  REGISTRATION_CLOSED: 403,
  USER_NOT_FOUND: 404,
  CONFLICT: 409,
  FIELD_TOO_LONG: 400,
  COMMENT_NOT_FOUND: 404,
  THREAD_LOCKED: 403,
  NEW_ACCOUNT_LIMIT: 429,
  SUBMISSION_REFUSED: 422,
  /** Community, authors (src/community/claims*): authorship claims. */
  CLAIM_NOT_FOUND: 404,
  CLAIM_REFUSED: 409,
  /** Collections (src/community/collections*): a private collection is "not found" to everyone but its owner. */
  COLLECTION_NOT_FOUND: 404,
  /** Too many collections for one member, or papers in one collection (the message says which limit). */
  COLLECTION_LIMIT: 422,
  /** Digest subscriptions (src/digest/subscriptions*). */
  SUBSCRIPTION_INVALID: 400,
  /** A confirmation, manage or feed link that is unknown, expired or forged. */
  SUBSCRIPTION_LINK_INVALID: 404,
  /** A manage or feed link from before the subscriber unsubscribed. */
  SUBSCRIPTION_LINK_REVOKED: 410,
  SUBSCRIBER_NOT_FOUND: 404,
  /** A paper moderators hid: gone on purpose (its HTML page stays and says why; moderators still read it). */
  PAPER_HIDDEN: 410,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, opts: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_CODES[code];
    this.details = opts.details;
  }
}

export function isAppError(e: unknown, code?: ErrorCode): e is AppError {
  return e instanceof AppError && (code === undefined || e.code === code);
}

/** The message of any thrown value, for one-line reports. */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

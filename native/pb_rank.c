/*
 * pb_rank: a SQLite loadable extension adding one FTS5 auxiliary function, pb_bm25().
 *
 * pb_bm25(fts, idf, w0, w1, …) is FTS5's built-in bm25(fts, w0, w1, …) (fts5_aux.c, same k1 = 1.2,
 * b = 0.75, same per-column weights, same average document length, same arithmetic) except for where a
 * phrase's idf comes from. bm25() counts every phrase's matching rows the first time it scores a row of
 * a statement: at 1M papers that is 3–6 ms for each common word in each statement, whatever the LIMIT
 * (bench/fts5-idf-cost.ts). pb_bm25() takes the idf of phrase i from the i-th little-endian float64 of
 * the blob `idf`; a negative (or missing) entry means "count it yourself", exactly as bm25() does. The
 * caller passes idfs it has already counted (common words), so each is counted once, not per statement.
 *
 * Returns what bm25() returns: a lower-is-better score (the negated BM25 sum).
 * Also pb_forget(rowid) and pb_lengths_load(table), for the row-length cache below, and pb_scored(): how
 * many rows the latest statement scored. A statement ordered by the score scores every row it matched,
 * so that is the statement's match count, and a page needs no second count(*) pass over the same
 * postings (80k papers, two common words: ~2,500 rows, 0.65 ms of a 3.1 ms keyword page).
 * And pb_marks(), FTS5's highlight() and snippet() for a page's rows without a MATCH (pb_marks.c).
 * Built by scripts/build-native.mjs at `npm install`; without a C compiler the index uses bm25().
 */
#include <math.h>
#include <string.h>
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT1

/*
 * Row lengths (tokens in all columns), by rowid, for the connection: FTS5's xColumnSize reads the row's
 * record in the %_docsize table, which is over half the cost of scoring a row (1M papers: 6.3 of 11.4 ms for
 * a statement scoring 11k rows). Filled as rows are scored (or all at once by pb_lengths_load) and
 * cleared for a row by pb_forget(rowid), which the index calls for every row it deletes or rewrites.
 */
#define LEN_UNKNOWN 0xFFFFFFFFu
#define LEN_MAX_ROWID (1 << 24) /* 64 MiB at most; rows above are looked up every time */
typedef struct LenCache {
  unsigned int *a;
  sqlite3_int64 n;
  /* Rows pb_bm25 scored in the connection's latest statement that called it (pb_scored()). */
  sqlite3_int64 scored;
} LenCache;

static int lenSlot(LenCache *c, sqlite3_int64 id) {
  if (id < 0 || id >= LEN_MAX_ROWID) return 0;
  if (id >= c->n) {
    sqlite3_int64 n = c->n ? c->n : 1024;
    while (n <= id) n *= 2;
    if (n > LEN_MAX_ROWID) n = LEN_MAX_ROWID;
    unsigned int *a = (unsigned int *)sqlite3_realloc64(c->a, sizeof(unsigned int) * n);
    if (!a) return 0;
    for (sqlite3_int64 i = c->n; i < n; i++) a[i] = LEN_UNKNOWN;
    c->a = a;
    c->n = n;
  }
  return 1;
}

static void lenCacheFree(void *p) {
  LenCache *c = (LenCache *)p;
  if (c) sqlite3_free(c->a);
  sqlite3_free(c);
}

typedef struct Bm25Data {
  int nPhrase;
  double avgdl;
  double *aIDF;
  double *aFreq;
} Bm25Data;

static int countCb(const Fts5ExtensionApi *pApi, Fts5Context *pFts, void *pUserData) {
  (void)pApi;
  (void)pFts;
  (*(sqlite3_int64 *)pUserData)++;
  return SQLITE_OK;
}

/* Per-statement data, computed on the first row as bm25() does (fts5Bm25GetData). */
static int getData(const Fts5ExtensionApi *pApi, Fts5Context *pFts, sqlite3_value *idfArg, Bm25Data **pp) {
  Bm25Data *p = (Bm25Data *)pApi->xGetAuxdata(pFts, 0);
  if (p) {
    *pp = p;
    return SQLITE_OK;
  }
  int nPhrase = pApi->xPhraseCount(pFts);
  p = (Bm25Data *)sqlite3_malloc64(sizeof(Bm25Data) + sizeof(double) * 2 * (nPhrase > 0 ? nPhrase : 1));
  if (!p) return SQLITE_NOMEM;
  memset(p, 0, sizeof(Bm25Data) + sizeof(double) * 2 * (nPhrase > 0 ? nPhrase : 1));
  p->nPhrase = nPhrase;
  p->aIDF = (double *)&p[1];
  p->aFreq = &p->aIDF[nPhrase > 0 ? nPhrase : 1];

  sqlite3_int64 nRow = 0, nToken = 0;
  int rc = pApi->xRowCount(pFts, &nRow);
  if (rc == SQLITE_OK) rc = pApi->xColumnTotalSize(pFts, -1, &nToken);
  if (rc == SQLITE_OK) p->avgdl = (double)nToken / (double)nRow;

  const unsigned char *given = idfArg ? (const unsigned char *)sqlite3_value_blob(idfArg) : 0;
  int nGiven = idfArg ? sqlite3_value_bytes(idfArg) / 8 : 0;
  for (int i = 0; rc == SQLITE_OK && i < nPhrase; i++) {
    double idf = -1.0;
    if (i < nGiven) memcpy(&idf, given + 8 * i, 8); /* little-endian hosts (x86-64, arm64) */
    if (!(idf >= 0.0)) {
      sqlite3_int64 nHit = 0;
      rc = pApi->xQueryPhrase(pFts, i, (void *)&nHit, countCb);
      idf = log((nRow - nHit + 0.5) / (nHit + 0.5));
      if (idf <= 0.0) idf = 1e-6;
    }
    p->aIDF[i] = idf;
  }
  if (rc == SQLITE_OK) rc = pApi->xSetAuxdata(pFts, p, sqlite3_free);
  /* A new statement (its first scored row): its count starts here. */
  if (rc == SQLITE_OK) ((LenCache *)pApi->xUserData(pFts))->scored = 0;
  if (rc != SQLITE_OK) {
    sqlite3_free(p);
    return rc;
  }
  *pp = p;
  return SQLITE_OK;
}

static void pbBm25(const Fts5ExtensionApi *pApi, Fts5Context *pFts, sqlite3_context *pCtx, int nVal, sqlite3_value **apVal) {
  const double k1 = 1.2, b = 0.75;
  Bm25Data *p = 0;
  int rc = getData(pApi, pFts, nVal > 0 ? apVal[0] : 0, &p);
  if (rc != SQLITE_OK) {
    sqlite3_result_error_code(pCtx, rc);
    return;
  }
  /* Each phrase's instances in (column, offset) order: the same sums as bm25's pass over xInst, which
   * first merges every phrase's instances into one array (the slower part of scoring a row). */
  for (int ip = 0; rc == SQLITE_OK && ip < p->nPhrase; ip++) {
    Fts5PhraseIter iter;
    int ic, io;
    double f = 0.0;
    rc = pApi->xPhraseFirst(pFts, ip, &iter, &ic, &io);
    for (; rc == SQLITE_OK && ic >= 0; pApi->xPhraseNext(pFts, &iter, &ic, &io)) {
      f += (nVal - 1 > ic) ? sqlite3_value_double(apVal[ic + 1]) : 1.0;
    }
    p->aFreq[ip] = f;
  }
  int nTok = 0;
  if (rc == SQLITE_OK) {
    LenCache *c = (LenCache *)pApi->xUserData(pFts);
    c->scored++;
    sqlite3_int64 id = pApi->xRowid(pFts);
    if (lenSlot(c, id) && c->a[id] != LEN_UNKNOWN) {
      nTok = (int)c->a[id];
    } else {
      rc = pApi->xColumnSize(pFts, -1, &nTok);
      if (rc == SQLITE_OK && id >= 0 && id < c->n) c->a[id] = (unsigned int)nTok;
    }
  }
  double score = 0.0;
  for (int i = 0; rc == SQLITE_OK && i < p->nPhrase; i++) {
    score += p->aIDF[i] * ((p->aFreq[i] * (k1 + 1.0)) / (p->aFreq[i] + k1 * (1 - b + b * (double)nTok / p->avgdl)));
  }
  if (rc == SQLITE_OK) sqlite3_result_double(pCtx, -1.0 * score);
  else sqlite3_result_error_code(pCtx, rc);
}

/* pb_forget(rowid): the row was deleted or rewritten; its length is looked up again when next scored. */
static void pbForget(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  LenCache *c = (LenCache *)sqlite3_user_data(ctx);
  sqlite3_int64 id = sqlite3_value_int64(argv[0]);
  if (id >= 0 && id < c->n) c->a[id] = LEN_UNKNOWN;
  sqlite3_result_null(ctx);
}

/* pb_scored(): rows scored by the latest statement that called pb_bm25 on this connection. */
static void pbScored(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  (void)argv;
  sqlite3_result_int64(ctx, ((LenCache *)sqlite3_user_data(ctx))->scored);
}

/* SQLite's varint (most significant 7-bit group first), as FTS5 writes its docsize records. */
static int getVarint32(const unsigned char *p, int n, int *pi, unsigned int *v) {
  unsigned int x = 0;
  for (int k = 0; *pi < n && k < 5; k++) {
    unsigned char b = p[(*pi)++];
    x = (x << 7) | (unsigned int)(b & 0x7f);
    if (!(b & 0x80)) {
      *v = x;
      return 1;
    }
  }
  return 0;
}

/* pb_lengths_load(table): read every row's length from main.<table>_docsize (one pass) into the cache;
 * returns the number of rows read. The record is one varint per column (FTS5's docsize format). */
static void pbLengthsLoad(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  LenCache *c = (LenCache *)sqlite3_user_data(ctx);
  const char *table = (const char *)sqlite3_value_text(argv[0]);
  char *sql = sqlite3_mprintf("SELECT id, sz FROM main.\"%w_docsize\"", table ? table : "");
  sqlite3_stmt *st = 0;
  int rc = sql ? sqlite3_prepare_v2(sqlite3_context_db_handle(ctx), sql, -1, &st, 0) : SQLITE_NOMEM;
  sqlite3_free(sql);
  sqlite3_int64 rows = 0;
  while (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
    sqlite3_int64 id = sqlite3_column_int64(st, 0);
    const unsigned char *b = (const unsigned char *)sqlite3_column_blob(st, 1);
    int n = sqlite3_column_bytes(st, 1), i = 0;
    unsigned int total = 0, v;
    while (i < n && getVarint32(b, n, &i, &v)) total += v;
    if (lenSlot(c, id)) c->a[id] = total;
    rows++;
  }
  if (rc == SQLITE_OK) rc = sqlite3_finalize(st);
  else sqlite3_finalize(st);
  if (rc != SQLITE_OK) sqlite3_result_error_code(ctx, rc);
  else sqlite3_result_int64(ctx, rows);
}

/* pb_marks.c: FTS5's highlight() and snippet() for a plain query, from a row's text alone. */
int pbMarksRegister(sqlite3 *db, fts5_api *api);

static fts5_api *fts5Api(sqlite3 *db) {
  fts5_api *pRet = 0;
  sqlite3_stmt *pStmt = 0;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &pStmt, 0) == SQLITE_OK) {
    sqlite3_bind_pointer(pStmt, 1, (void *)&pRet, "fts5_api_ptr", 0);
    sqlite3_step(pStmt);
  }
  sqlite3_finalize(pStmt);
  return pRet;
}

#ifdef _WIN32
__declspec(dllexport)
#endif
int sqlite3_pbrank_init(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi) {
  SQLITE_EXTENSION_INIT2(pApi);
  fts5_api *api = fts5Api(db);
  if (!api || api->iVersion < 2) {
    *pzErrMsg = sqlite3_mprintf("pb_rank: this SQLite has no FTS5 (version 2+) API");
    return SQLITE_ERROR;
  }
  LenCache *c = (LenCache *)sqlite3_malloc64(sizeof(LenCache));
  if (!c) return SQLITE_NOMEM;
  memset(c, 0, sizeof(LenCache));
  /* The FTS5 function owns the cache (freed when the connection closes); the two SQL functions share it. */
  int rc = api->xCreateFunction(api, "pb_bm25", c, pbBm25, lenCacheFree);
  if (rc != SQLITE_OK) {
    lenCacheFree(c);
    return rc;
  }
  rc = sqlite3_create_function_v2(db, "pb_forget", 1, SQLITE_UTF8, c, pbForget, 0, 0, 0);
  if (rc == SQLITE_OK) rc = sqlite3_create_function_v2(db, "pb_lengths_load", 1, SQLITE_UTF8, c, pbLengthsLoad, 0, 0, 0);
  if (rc == SQLITE_OK) rc = sqlite3_create_function_v2(db, "pb_scored", 0, SQLITE_UTF8, c, pbScored, 0, 0, 0);
  if (rc == SQLITE_OK) rc = pbMarksRegister(db, api);
  return rc;
}

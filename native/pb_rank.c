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
 * Built by scripts/build-native.mjs at `npm install`; without a C compiler the index uses bm25().
 */
#include <math.h>
#include <string.h>
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT1

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
  memset(p->aFreq, 0, sizeof(double) * p->nPhrase);
  int nInst = 0;
  rc = pApi->xInstCount(pFts, &nInst);
  for (int i = 0; rc == SQLITE_OK && i < nInst; i++) {
    int ip, ic, io;
    rc = pApi->xInst(pFts, i, &ip, &ic, &io);
    if (rc == SQLITE_OK) p->aFreq[ip] += (nVal - 1 > ic) ? sqlite3_value_double(apVal[ic + 1]) : 1.0;
  }
  int nTok = 0;
  if (rc == SQLITE_OK) rc = pApi->xColumnSize(pFts, -1, &nTok);
  double score = 0.0;
  for (int i = 0; rc == SQLITE_OK && i < p->nPhrase; i++) {
    score += p->aIDF[i] * ((p->aFreq[i] * (k1 + 1.0)) / (p->aFreq[i] + k1 * (1 - b + b * (double)nTok / p->avgdl)));
  }
  if (rc == SQLITE_OK) sqlite3_result_double(pCtx, -1.0 * score);
  else sqlite3_result_error_code(pCtx, rc);
}

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
  return api->xCreateFunction(api, "pb_bm25", 0, pbBm25, 0);
}

/*
 * pb_marks(): FTS5's highlight() of the title and snippet() of the abstract for one row and a plain
 * query (words AND-ed or OR-ed, optionally NOT some words), computed from the row's text alone, without
 * a MATCH. Part of the pb_rank extension (pb_rank.c registers it).
 *
 * Why: highlight.ts marked a page of 20 hits in JS (ascii-marks.ts, ASCII text only) or through a
 * scratch FTS5 table (any other text). In a query thread under bench:http that was about half of the
 * thread's time, most of it tokenizing abstracts in JS. Here the text is split once by the index's own
 * tokenizers, taken from the FTS5 API (unicode61 with remove_diacritics 2; porter over it stems only the
 * tokens that can be a query word's term: see Marker), so the terms are the index's by construction, in
 * any script, and the marks and the snippet window follow
 * fts5_aux.c (SQLite 3.53: fts5HighlightCb, fts5CInstIterNext, fts5SentenceFinderCb, fts5SnippetScore,
 * fts5SnippetFunction) line by line, for one column and single-token phrases.
 *
 *   pb_marks(spec, open, close, ellipsis, ntokens, title, abstract, authors, expansion)
 *
 * spec is "AND w1 w2 …" or "OR w1 w2 …", each word ASCII letters and digits (one token), an excluded
 * word prefixed with '-'. Returns NULL when the row does not match the query as FTS5 would decide it
 * (every word / any word in some column, no excluded word in any column); else a blob: the marked
 * title's length in bytes (4 bytes, little-endian), the marked title, then the marked snippet (UTF-8).
 * The caller bounds the texts' lengths (highlight.ts sends only short titles and abstracts here).
 */
#include <string.h>
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3

#define MAX_WORDS 64

typedef struct Query {
  int nPhrase;            /* positive words first, then excluded ones (FTS5's phrase order) */
  int nPositive;
  int isAnd;
  unsigned char first[256]; /* first bytes of the terms */
  char *azTerm[MAX_WORDS]; /* each word's term as the tokenizer makes it */
  int anTerm[MAX_WORDS];
} Query;

/*
 * Two tokenizers: `split` (unicode61, remove_diacritics 2) cuts the text into folded tokens, and `stem`
 * (porter over the same) gives a token its term. Porter rewrites only a word's ending, so a token can
 * have a query word's term only if its folded form starts with that term's first byte: only those
 * tokens are stemmed. Stemming every token was ~15 µs of a ~1.5 kB abstract; splitting alone is cheaper.
 */
typedef struct Marker {
  fts5_tokenizer split, stem;
  Fts5Tokenizer *pSplit, *pStem;
} Marker;

/* One column's tokens (byte offsets), its phrase instances (position order, lower phrase first) and
 * which phrases occur in it. */
typedef struct Col {
  const Query *q;
  Marker *m;
  int nTok, nTokAlloc;
  int *aStart, *aEnd;
  int nInst, nInstAlloc;
  int *aInstPhrase, *aInstPos;
  unsigned char seen[MAX_WORDS];
  int keepTokens;         /* 0: only which phrases occur (authors, expansion) */
  int oom;
} Col;

static int growInts(int **pa, int *pnAlloc, int need, int **pb) {
  if (need <= *pnAlloc) return 1;
  int n = *pnAlloc ? *pnAlloc * 2 : 256;
  while (n < need) n *= 2;
  int *a = (int *)sqlite3_realloc64(*pa, sizeof(int) * (sqlite3_int64)n);
  if (!a) return 0;
  *pa = a;
  if (pb) {
    int *b = (int *)sqlite3_realloc64(*pb, sizeof(int) * (sqlite3_int64)n);
    if (!b) return 0;
    *pb = b;
  }
  *pnAlloc = n;
  return 1;
}

/* A query word's term: what the tokenizer makes of it as a document token (one token: letters and digits). */
typedef struct TermOut { char *z; int n; int count; } TermOut;
static int termToken(void *pCtx, int tflags, const char *pToken, int nToken, int iStart, int iEnd) {
  (void)iStart, (void)iEnd;
  TermOut *t = (TermOut *)pCtx;
  if (tflags & FTS5_TOKEN_COLOCATED) return SQLITE_OK;
  if (t->count++ == 0) {
    t->z = sqlite3_mprintf("%.*s", nToken, pToken);
    if (!t->z) return SQLITE_NOMEM;
    t->n = nToken;
  }
  return SQLITE_OK;
}

/* The term of the token at `pos` (stemmed again from its folded form), compared with the query's terms. */
typedef struct StemCtx { Col *c; int pos; int count; } StemCtx;
static int stemToken(void *pCtx, int tflags, const char *pToken, int nToken, int iStart, int iEnd) {
  (void)iStart, (void)iEnd;
  StemCtx *t = (StemCtx *)pCtx;
  if (tflags & FTS5_TOKEN_COLOCATED) return SQLITE_OK;
  if (t->count++) return SQLITE_OK;
  Col *c = t->c;
  const Query *q = c->q;
  for (int p = 0; p < q->nPhrase; p++) {
    if (q->anTerm[p] != nToken || memcmp(q->azTerm[p], pToken, nToken) != 0) continue;
    c->seen[p] = 1;
    /* Excluded phrases have no instances in a matching row; only positive ones are marked. */
    if (c->keepTokens && p < q->nPositive) {
      int alloc = c->nInstAlloc;
      if (!growInts(&c->aInstPhrase, &alloc, c->nInst + 1, &c->aInstPos)) return (c->oom = 1, SQLITE_NOMEM);
      c->nInstAlloc = alloc;
      c->aInstPhrase[c->nInst] = p;
      c->aInstPos[c->nInst] = t->pos;
      c->nInst++;
    }
  }
  return SQLITE_OK;
}

static int colToken(void *pCtx, int tflags, const char *pToken, int nToken, int iStart, int iEnd) {
  Col *c = (Col *)pCtx;
  if (tflags & FTS5_TOKEN_COLOCATED) return SQLITE_OK;
  int pos = c->nTok++;
  if (c->keepTokens) {
    int alloc = c->nTokAlloc;
    if (!growInts(&c->aStart, &alloc, c->nTok, &c->aEnd)) return (c->oom = 1, SQLITE_NOMEM);
    c->nTokAlloc = alloc;
    c->aStart[pos] = iStart;
    c->aEnd[pos] = iEnd;
  }
  if (nToken == 0 || !c->q->first[(unsigned char)pToken[0]]) return SQLITE_OK;
  StemCtx t = {c, pos, 0};
  int rc = c->m->stem.xTokenize(c->m->pStem, (void *)&t, FTS5_TOKENIZE_DOCUMENT, pToken, nToken, stemToken);
  if (rc != SQLITE_OK) return rc;
  /* A folded token is one token again; anything else would be a tokenizer this file does not know. */
  return t.count == 1 ? SQLITE_OK : SQLITE_ERROR;
}

static void colFree(Col *c) {
  sqlite3_free(c->aStart);
  sqlite3_free(c->aEnd);
  sqlite3_free(c->aInstPhrase);
  sqlite3_free(c->aInstPos);
}

static int tokenizeCol(Marker *m, Col *c, const Query *q, sqlite3_value *v, int keepTokens, const char **pz, int *pn) {
  memset(c, 0, sizeof(Col));
  c->q = q;
  c->m = m;
  c->keepTokens = keepTokens;
  const char *z = (const char *)sqlite3_value_text(v);
  int n = sqlite3_value_bytes(v);
  if (!z) z = "", n = 0;
  if (pz) *pz = z, *pn = n;
  int rc = m->split.xTokenize(m->pSplit, (void *)c, FTS5_TOKENIZE_DOCUMENT, z, n, colToken);
  if (c->oom) rc = SQLITE_NOMEM;
  return rc;
}

static void queryFree(void *p) {
  Query *q = (Query *)p;
  if (!q) return;
  for (int i = 0; i < q->nPhrase; i++) sqlite3_free(q->azTerm[i]);
  sqlite3_free(q);
}

/* The spec parsed and its words' terms; NULL with *pzErr set when it is malformed. */
static Query *queryParse(Marker *m, const char *spec, const char **pzErr) {
  Query *q = (Query *)sqlite3_malloc64(sizeof(Query));
  if (!q) return (*pzErr = "out of memory", (Query *)0);
  memset(q, 0, sizeof(Query));
  const char *s = spec;
  if (strncmp(s, "AND ", 4) == 0) q->isAnd = 1, s += 4;
  else if (strncmp(s, "OR ", 3) == 0) s += 3;
  else return (queryFree(q), *pzErr = "pb_marks: the spec must start with AND or OR", (Query *)0);
  /* Two passes: positive words, then excluded ones, so phrase numbers follow FTS5's order. */
  for (int pass = 0; pass < 2; pass++) {
    for (const char *w = s; *w;) {
      while (*w == ' ') w++;
      if (!*w) break;
      int excluded = *w == '-';
      const char *b = w + excluded;
      const char *e = b;
      while (*e && *e != ' ') e++;
      if (excluded == pass) {
        if (e == b) return (queryFree(q), *pzErr = "pb_marks: an empty word in the spec", (Query *)0);
        for (const char *x = b; x < e; x++) {
          char ch = *x;
          if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'))) return (queryFree(q), *pzErr = "pb_marks: a word of the spec is not ASCII letters and digits", (Query *)0);
        }
        if (q->nPhrase == MAX_WORDS) return (queryFree(q), *pzErr = "pb_marks: too many words in the spec", (Query *)0);
        TermOut t = {0, 0, 0};
        int rc = m->stem.xTokenize(m->pStem, (void *)&t, FTS5_TOKENIZE_DOCUMENT, b, (int)(e - b), termToken);
        if (rc != SQLITE_OK || t.count != 1) {
          sqlite3_free(t.z);
          return (queryFree(q), *pzErr = "pb_marks: a word of the spec is not one token", (Query *)0);
        }
        q->azTerm[q->nPhrase] = t.z;
        q->anTerm[q->nPhrase] = t.n;
        q->first[(unsigned char)t.z[0]] = 1;
        q->nPhrase++;
        if (!pass) q->nPositive++;
      }
      w = e;
    }
  }
  if (q->nPositive == 0) return (queryFree(q), *pzErr = "pb_marks: the spec has no word to find", (Query *)0);
  return q;
}

/* Text into the output as fts5HighlightAppend puts it (sqlite3_mprintf's "%.*s"): up to a NUL byte, if any. */
static void appendText(sqlite3_str *out, const char *z, int n) {
  if (n <= 0) return;
  const char *nul = (const char *)memchr(z, 0, (size_t)n);
  sqlite3_str_append(out, z, nul ? (int)(nul - z) : n);
}

/* fts5HighlightCb over a column's tokens, for the range [from, to] (to < 0: the whole text). */
typedef struct Hl {
  sqlite3_str *out;
  const char *z;
  int iOff, bOpen;
  int k;                  /* coalesced-instance iterator: next instance index, current span */
  int iStart, iEnd;
} Hl;

static void spanNext(const Col *c, Hl *h) {
  h->iStart = -1;
  h->iEnd = -1;
  while (h->k < c->nInst) {
    int io = c->aInstPos[h->k];
    int iEnd = io; /* every phrase is one token */
    if (h->iStart < 0) h->iStart = io, h->iEnd = iEnd;
    else if (io <= h->iEnd) { if (iEnd > h->iEnd) h->iEnd = iEnd; }
    else break;
    h->k++;
  }
}

static void markRange(const Col *c, Hl *h, const char *open, const char *close, int from, int to) {
  for (int iPos = 0; iPos < c->nTok; iPos++) {
    int iStartOff = c->aStart[iPos], iEndOff = c->aEnd[iPos];
    if (to >= 0) {
      if (iPos < from || iPos > to) continue;
      if (from && iPos == from) h->iOff = iStartOff;
    }
    if (h->bOpen && (iPos <= h->iStart || h->iStart < 0) && iStartOff > h->iOff) {
      sqlite3_str_appendall(h->out, close);
      h->bOpen = 0;
    }
    if (iPos == h->iStart && h->bOpen == 0) {
      appendText(h->out, h->z + h->iOff, iStartOff - h->iOff);
      sqlite3_str_appendall(h->out, open);
      h->iOff = iStartOff;
      h->bOpen = 1;
    }
    if (iPos == h->iEnd) {
      if (h->bOpen == 0) {
        sqlite3_str_appendall(h->out, open);
        h->bOpen = 1;
      }
      appendText(h->out, h->z + h->iOff, iEndOff - h->iOff);
      h->iOff = iEndOff;
      spanNext(c, h);
    }
    if (iPos == to) {
      if (h->bOpen) {
        if (h->iStart >= 0 && iPos >= h->iStart) {
          appendText(h->out, h->z + h->iOff, iEndOff - h->iOff);
          h->iOff = iEndOff;
        }
        sqlite3_str_appendall(h->out, close);
        h->bOpen = 0;
      }
      appendText(h->out, h->z + h->iOff, iEndOff - h->iOff);
      h->iOff = iEndOff;
    }
  }
}

/* fts5SnippetScore for one column. */
static int snippetScore(const Col *c, int nPhrase, unsigned char *aSeen, int iPos, int nToken, int *piPos) {
  int nScore = 0, iFirst = -1, iLast = 0;
  sqlite3_int64 iEnd = (sqlite3_int64)iPos + nToken;
  memset(aSeen, 0, nPhrase);
  for (int i = 0; i < c->nInst; i++) {
    int ip = c->aInstPhrase[i], iOff = c->aInstPos[i];
    if (iOff >= iPos && iOff < iEnd) {
      nScore += aSeen[ip] ? 1 : 1000;
      aSeen[ip] = 1;
      if (iFirst < 0) iFirst = iOff;
      iLast = iOff + 1;
    }
  }
  if (piPos) {
    sqlite3_int64 iAdj = iFirst - (nToken - (iLast - iFirst)) / 2;
    if (iAdj + nToken > c->nTok) iAdj = c->nTok - nToken;
    if (iAdj < 0) iAdj = 0;
    *piPos = (int)iAdj;
  }
  return nScore;
}

/* The tokens that start a sentence (fts5SentenceFinderCb): the first, and any after '.' or ':' and whitespace. */
static int sentenceStarts(const Col *c, const char *z, int **paFirst) {
  int n = 0, nAlloc = 0;
  int *a = 0;
  for (int pos = 0; pos < c->nTok; pos++) {
    int add = 0;
    if (pos == 0) add = 1;
    else {
      int iStartOff = c->aStart[pos], i;
      char ch = 0;
      for (i = iStartOff - 1; i >= 0; i--) {
        ch = z[i];
        if (ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r') break;
      }
      add = i != iStartOff - 1 && (ch == '.' || ch == ':');
    }
    if (add) {
      if (!growInts(&a, &nAlloc, n + 1, 0)) return (sqlite3_free(a), -1);
      a[n++] = pos;
    }
  }
  *paFirst = a;
  return n;
}

/* snippet(page, col, open, close, ellipsis, nToken) of the column `c` over text z[0..n). */
static int snippet(const Col *c, int nPhrase, const char *z, int n, const char *open, const char *close, const char *ellips, int nToken, sqlite3_str *out) {
  unsigned char aSeen[MAX_WORDS];
  int *aFirst = 0;
  int nFirst = sentenceStarts(c, z, &aFirst);
  if (nFirst < 0) return SQLITE_NOMEM;
  int nBestScore = 0, iBestStart = 0;
  int nDocsize = c->nTok;
  for (int ii = 0; ii < c->nInst; ii++) {
    int io = c->aInstPos[ii], iAdj;
    int nScore = snippetScore(c, nPhrase, aSeen, io, nToken, &iAdj);
    if (nScore > nBestScore) nBestScore = nScore, iBestStart = iAdj;
    if (nFirst && nDocsize > nToken) {
      int jj;
      for (jj = 0; jj < nFirst - 1; jj++) if (aFirst[jj + 1] > io) break;
      if (aFirst[jj] < io) {
        nScore = snippetScore(c, nPhrase, aSeen, aFirst[jj], nToken, 0) + (aFirst[jj] == 0 ? 120 : 100);
        if (nScore > nBestScore) nBestScore = nScore, iBestStart = aFirst[jj];
      }
    }
  }
  sqlite3_free(aFirst);
  Hl h = {out, z, 0, 0, 0, -1, -1};
  spanNext(c, &h);
  int iRangeEnd = iBestStart + nToken - 1;
  if (iBestStart > 0) sqlite3_str_appendall(out, ellips);
  while (h.iStart >= 0 && h.iStart < iBestStart) spanNext(c, &h);
  markRange(c, &h, open, close, iBestStart, iRangeEnd);
  if (h.bOpen) sqlite3_str_appendall(out, close);
  if (iRangeEnd >= nDocsize - 1) appendText(out, z + h.iOff, n - h.iOff);
  else sqlite3_str_appendall(out, ellips);
  return SQLITE_OK;
}

static void pbMarks(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  Marker *m = (Marker *)sqlite3_user_data(ctx);
  (void)argc;
  Query *q = (Query *)sqlite3_get_auxdata(ctx, 0);
  if (!q) {
    const char *spec = (const char *)sqlite3_value_text(argv[0]);
    const char *zErr = "pb_marks: the spec is NULL";
    q = spec ? queryParse(m, spec, &zErr) : 0;
    if (!q) return sqlite3_result_error(ctx, zErr, -1);
    sqlite3_set_auxdata(ctx, 0, q, queryFree);
    q = (Query *)sqlite3_get_auxdata(ctx, 0);
    if (!q) return sqlite3_result_error_nomem(ctx);
  }
  const char *open = (const char *)sqlite3_value_text(argv[1]);
  const char *close = (const char *)sqlite3_value_text(argv[2]);
  const char *ellips = (const char *)sqlite3_value_text(argv[3]);
  int nToken = sqlite3_value_int(argv[4]);
  if (!open || !close || !ellips || nToken < 1 || nToken > 1000) return sqlite3_result_error(ctx, "pb_marks: open, close and ellipsis must be text and ntokens 1 to 1000", -1);

  Col cols[4];
  const char *zTitle = 0, *zAbstract = 0;
  int nTitle = 0, nAbstract = 0, nCols = 2, rc;
  memset(cols, 0, sizeof(cols));
  rc = tokenizeCol(m, &cols[0], q, argv[5], 1, &zTitle, &nTitle);
  if (rc == SQLITE_OK) rc = tokenizeCol(m, &cols[1], q, argv[6], 1, &zAbstract, &nAbstract);
  /* Whether the row matches: each positive phrase (AND) or any (OR) in some column, no excluded one in
   * any. Authors and expansion are tokenized only when the title and abstract do not decide it. */
  int matches = 0;
  for (int pass = 0; rc == SQLITE_OK && pass < 2; pass++) {
    int found = 0, all = 1, excluded = 0;
    for (int p = 0; p < q->nPhrase; p++) {
      int in = 0;
      for (int i = 0; i < nCols; i++) in |= cols[i].seen[p];
      if (p < q->nPositive) found += in, all &= in;
      else excluded |= in;
    }
    int positive = q->isAnd ? all : found > 0;
    /* Decided without the other columns: no match on an excluded word, a match when nothing is excluded. */
    if (pass == 0 && (excluded || (positive && q->nPositive == q->nPhrase))) {
      matches = positive && !excluded;
      break;
    }
    if (pass == 1) {
      matches = positive && !excluded;
      break;
    }
    rc = tokenizeCol(m, &cols[2], q, argv[7], 0, 0, 0);
    if (rc == SQLITE_OK) rc = tokenizeCol(m, &cols[3], q, argv[8], 0, 0, 0);
    nCols = 4;
  }
  if (rc == SQLITE_OK && matches) {
    sqlite3_str *out = sqlite3_str_new(0);
    sqlite3_str_appendchar(out, 4, ' ');
    Hl h = {out, zTitle, 0, 0, 0, -1, -1};
    spanNext(&cols[0], &h);
    markRange(&cols[0], &h, open, close, 0, -1);
    if (h.bOpen) sqlite3_str_appendall(out, close);
    appendText(out, zTitle + h.iOff, nTitle - h.iOff);
    int titleBytes = sqlite3_str_length(out) - 4;
    rc = snippet(&cols[1], q->nPhrase, zAbstract, nAbstract, open, close, ellips, nToken, out);
    if (rc == SQLITE_OK) rc = sqlite3_str_errcode(out);
    int total = sqlite3_str_length(out);
    unsigned char *b = (unsigned char *)sqlite3_str_finish(out);
    if (rc == SQLITE_OK && b) {
      b[0] = titleBytes & 0xff, b[1] = (titleBytes >> 8) & 0xff, b[2] = (titleBytes >> 16) & 0xff, b[3] = (titleBytes >> 24) & 0xff;
      sqlite3_result_blob(ctx, b, total, sqlite3_free);
    } else {
      sqlite3_free(b);
      if (rc == SQLITE_OK) rc = SQLITE_NOMEM;
    }
  } else if (rc == SQLITE_OK) {
    sqlite3_result_null(ctx);
  }
  for (int i = 0; i < 4; i++) colFree(&cols[i]);
  if (rc != SQLITE_OK) sqlite3_result_error_code(ctx, rc);
}

static void markerFree(void *p) {
  Marker *m = (Marker *)p;
  if (!m) return;
  if (m->pSplit) m->split.xDelete(m->pSplit);
  if (m->pStem) m->stem.xDelete(m->pStem);
  sqlite3_free(m);
}

/* Register pb_marks() on `db`, with a tokenizer built as the index's: porter over unicode61, remove_diacritics 2. */
int pbMarksRegister(sqlite3 *db, fts5_api *api) {
  Marker *m = (Marker *)sqlite3_malloc64(sizeof(Marker));
  if (!m) return SQLITE_NOMEM;
  memset(m, 0, sizeof(Marker));
  void *pSplitUser = 0, *pStemUser = 0;
  const char *azStem[] = {"unicode61", "remove_diacritics", "2"};
  int rc = api->xFindTokenizer(api, "unicode61", &pSplitUser, &m->split);
  if (rc == SQLITE_OK) rc = m->split.xCreate(pSplitUser, azStem + 1, 2, &m->pSplit);
  if (rc == SQLITE_OK) rc = api->xFindTokenizer(api, "porter", &pStemUser, &m->stem);
  if (rc == SQLITE_OK) rc = m->stem.xCreate(pStemUser, azStem, 3, &m->pStem);
  if (rc != SQLITE_OK) {
    markerFree(m);
    return rc;
  }
  return sqlite3_create_function_v2(db, "pb_marks", 9, SQLITE_UTF8 | SQLITE_DETERMINISTIC, m, pbMarks, 0, 0, markerFree);
}

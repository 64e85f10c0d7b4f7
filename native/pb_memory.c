/*
 * pb_memory: a SQLite loadable extension that gives a Node process two of glibc malloc's controls, which
 * Node itself does not expose (better-sqlite3's loadExtension is the one native door the project already
 * opens; src/native-memory.ts loads this into an in-memory connection).
 *
 *   pb_mallopt(name, n)     mallopt(): 'arena_max' is what MALLOC_ARENA_MAX=n does, from inside the process.
 *                           glibc gives every thread that allocates while others hold the existing arenas
 *                           an arena of its own (up to 8 per core) and keeps what is freed in it; a node's
 *                           worker threads (query threads, LSA training, term counts, usearch's builders,
 *                           libuv's pool) each got one. glibc latches the limit when it first needs it
 *                           (after 8 arenas), so called early the cap holds for every later thread.
 *                           'mmap_threshold' (MALLOC_MMAP_THRESHOLD_): blocks from n bytes up get pages of
 *                           their own, returned to the kernel when freed. Setting it also stops glibc from
 *                           raising it to the size of each large block freed (up to 32 MB), after which
 *                           blocks of many MB were carved from the arenas and stayed resident once freed.
 *                           Returns 1 when set, 0 when glibc refused, NULL without glibc.
 *   pb_malloc_trim()        malloc_trim(0): give the free pages of every arena back to the kernel (a freed
 *                           chunk inside a heap stays resident until then). Returns 1 if memory was
 *                           released, 0 if not, NULL without glibc.
 *   pb_malloc_info()        mallinfo2() of the main arena and totals as JSON text (NULL without glibc 2.33+):
 *                           {"arena":…,"mmap":…,"inUse":…,"free":…} in bytes.
 * On other C libraries (musl, macOS) the functions do nothing and return NULL.
 */
#include <stdlib.h> /* defines __GLIBC__ on glibc */
#include <string.h>
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT1
#if defined(__GLIBC__)
#include <malloc.h>
#endif

static void pbMallopt(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
#if defined(__GLIBC__)
  const char *name = (const char *)sqlite3_value_text(argv[0]);
  int n = sqlite3_value_int(argv[1]);
  int param;
  if (name && strcmp(name, "arena_max") == 0) param = M_ARENA_MAX;
  else if (name && strcmp(name, "mmap_threshold") == 0) param = M_MMAP_THRESHOLD;
  else {
    sqlite3_result_error(ctx, "pb_mallopt: the setting is arena_max or mmap_threshold", -1);
    return;
  }
  if (n < 1) {
    sqlite3_result_error(ctx, "pb_mallopt: the value must be at least 1", -1);
    return;
  }
  sqlite3_result_int(ctx, mallopt(param, n));
#else
  (void)argv;
  sqlite3_result_null(ctx);
#endif
}

static void pbTrim(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  (void)argv;
#if defined(__GLIBC__)
  sqlite3_result_int(ctx, malloc_trim(0));
#else
  sqlite3_result_null(ctx);
#endif
}

static void pbInfo(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  (void)argv;
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
  struct mallinfo2 m = mallinfo2();
  char *json = sqlite3_mprintf("{\"arena\":%llu,\"mmap\":%llu,\"inUse\":%llu,\"free\":%llu}", (unsigned long long)m.arena,
                               (unsigned long long)m.hblkhd, (unsigned long long)(m.uordblks + m.hblkhd), (unsigned long long)m.fordblks);
  if (!json) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  sqlite3_result_text(ctx, json, -1, sqlite3_free);
#else
  sqlite3_result_null(ctx);
#endif
}

#ifdef _WIN32
__declspec(dllexport)
#endif
int sqlite3_pbmemory_init(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi) {
  (void)pzErrMsg;
  SQLITE_EXTENSION_INIT2(pApi);
  int rc = sqlite3_create_function_v2(db, "pb_mallopt", 2, SQLITE_UTF8, 0, pbMallopt, 0, 0, 0);
  if (rc == SQLITE_OK) rc = sqlite3_create_function_v2(db, "pb_malloc_trim", 0, SQLITE_UTF8, 0, pbTrim, 0, 0, 0);
  if (rc == SQLITE_OK) rc = sqlite3_create_function_v2(db, "pb_malloc_info", 0, SQLITE_UTF8, 0, pbInfo, 0, 0, 0);
  return rc;
}

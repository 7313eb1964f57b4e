/*
 * verity_bm25(): an FTS5 ranking function that scores exactly like FTS5's built-in bm25() but takes
 * each phrase's document frequency from the caller instead of counting it.
 *
 * FTS5's bm25() finds each phrase's document frequency by walking that phrase's whole doclist
 * (xQueryPhrase) once per query, so a question with a common term costs time in proportion to the
 * index, however few chunks it matches. Verity already knows those frequencies (fts5vocab), so it
 * passes them in and the cost follows the chunks that match.
 *
 *   verity_bm25(<fts table>, <frequencies>, <column weight>...)
 *
 * <frequencies> is a blob of native-endian float64, one per phrase in the MATCH expression, in
 * order; a negative value (or a missing one) means "unknown" and that phrase is counted the way
 * bm25() counts it. Column weights work as in bm25(). The result is the BM25 score, higher is better
 * (bm25() returns it negated). k1 = 1.2, b = 0.75, as bm25().
 *
 * Build: scripts/build-native.mjs (npm ci runs it). Licence: Apache-2.0, as the rest of Verity.
 */
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT1

#include <math.h>
#include <string.h>

typedef struct QueryData {
  int phraseCount;
  double averageLength;
  double *idf;
  double *frequency;
} QueryData;

static int countRow(const Fts5ExtensionApi *api, Fts5Context *fts, void *context) {
  (void)api;
  (void)fts;
  (*(sqlite3_int64 *)context)++;
  return SQLITE_OK;
}

/* Per-query data: average length and each phrase's IDF, computed on the first row and kept. */
static int queryData(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_value *frequencies,
                     QueryData **out) {
  QueryData *data = (QueryData *)api->xGetAuxdata(fts, 0);
  if (data) {
    *out = data;
    return SQLITE_OK;
  }
  int phraseCount = api->xPhraseCount(fts);
  sqlite3_int64 bytes = (sqlite3_int64)sizeof(QueryData) + (sqlite3_int64)sizeof(double) * 2 * (phraseCount + 1);
  data = (QueryData *)sqlite3_malloc64(bytes);
  if (!data) return SQLITE_NOMEM;
  memset(data, 0, bytes);
  data->phraseCount = phraseCount;
  data->idf = (double *)&data[1];
  data->frequency = &data->idf[phraseCount + 1];

  sqlite3_int64 rows = 0, tokens = 0;
  int rc = api->xRowCount(fts, &rows);
  if (rc == SQLITE_OK) rc = api->xColumnTotalSize(fts, -1, &tokens);
  data->averageLength = rows > 0 ? (double)tokens / (double)rows : 1.0;

  const unsigned char *given = (const unsigned char *)sqlite3_value_blob(frequencies);
  int givenCount = sqlite3_value_bytes(frequencies) / (int)sizeof(double);
  for (int i = 0; rc == SQLITE_OK && i < phraseCount; i++) {
    double hits = -1.0;
    if (given && i < givenCount) memcpy(&hits, given + i * sizeof(double), sizeof(double));
    if (!(hits >= 0.0)) {
      sqlite3_int64 counted = 0;
      rc = api->xQueryPhrase(fts, i, (void *)&counted, countRow);
      hits = (double)counted;
    }
    double idf = log(((double)rows - hits + 0.5) / (hits + 0.5));
    data->idf[i] = idf <= 0.0 ? 1e-6 : idf;
  }
  if (rc == SQLITE_OK) rc = api->xSetAuxdata(fts, data, sqlite3_free);
  if (rc != SQLITE_OK) {
    sqlite3_free(data);
    return rc;
  }
  *out = data;
  return SQLITE_OK;
}

static void verityBm25(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *context,
                       int argumentCount, sqlite3_value **arguments) {
  const double k1 = 1.2;
  const double b = 0.75;
  if (argumentCount < 1) {
    sqlite3_result_error(context, "verity_bm25(table, frequencies, weights...): frequencies missing", -1);
    return;
  }
  QueryData *data = 0;
  int rc = queryData(api, fts, arguments[0], &data);
  int instances = 0;
  if (rc == SQLITE_OK) {
    memset(data->frequency, 0, sizeof(double) * data->phraseCount);
    rc = api->xInstCount(fts, &instances);
  }
  for (int i = 0; rc == SQLITE_OK && i < instances; i++) {
    int phrase, column, offset;
    rc = api->xInst(fts, i, &phrase, &column, &offset);
    if (rc == SQLITE_OK) {
      double weight = argumentCount - 1 > column ? sqlite3_value_double(arguments[column + 1]) : 1.0;
      data->frequency[phrase] += weight;
    }
  }
  int length = 0;
  if (rc == SQLITE_OK) rc = api->xColumnSize(fts, -1, &length);
  if (rc != SQLITE_OK) {
    sqlite3_result_error_code(context, rc);
    return;
  }
  double norm = k1 * (1.0 - b + b * (double)length / data->averageLength);
  double score = 0.0;
  for (int i = 0; i < data->phraseCount; i++) {
    double f = data->frequency[i];
    score += data->idf[i] * ((f * (k1 + 1.0)) / (f + norm));
  }
  sqlite3_result_double(context, score);
}

#ifdef _WIN32
__declspec(dllexport)
#endif
int sqlite3_verityfts_init(sqlite3 *db, char **error, const sqlite3_api_routines *routines) {
  SQLITE_EXTENSION_INIT2(routines);
  fts5_api *fts = 0;
  sqlite3_stmt *statement = 0;
  int rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &statement, 0);
  if (rc == SQLITE_OK) {
    sqlite3_bind_pointer(statement, 1, (void *)&fts, "fts5_api_ptr", 0);
    sqlite3_step(statement);
    rc = sqlite3_finalize(statement);
  }
  if (rc != SQLITE_OK || !fts || fts->iVersion < 2) {
    *error = sqlite3_mprintf("verity_fts5: this SQLite has no FTS5");
    return SQLITE_ERROR;
  }
  return fts->xCreateFunction(fts, "verity_bm25", 0, verityBm25, 0);
}

/*
 * lake/parquet.c: data and position delete files written as Parquet by DuckDB. Rows go into a
 * temp table (an ordinal column plus the table's columns in their DuckDB types) through the
 * appender, a data chunk at a time; finishing COPYs them in insertion order (DuckDB keeps it
 * while preserve_insertion_order is on, its default; a sort would hold the file's rows twice),
 * so a row's position in the file is its ordinal, with Iceberg field ids on every column. The
 * ordinal finds a row of the file still being filled (scan.c). Never decides
 * file names or syncs (batch.c and commit.c do).
 * Spec: reference/iceberg.md sections 2 (types, FIELD_IDS) and 7 (position delete files).
 */
#include "lake/lake_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool lake__duck_exec(duckdb_connection con, const char *sql, am_err_t *err)
{
    duckdb_result res;
    if (duckdb_query(con, sql, &res) == DuckDBError) {
        const char *msg = duckdb_result_error(&res);
        am_err_set(err, AM_SQLSTATE_IO, "duckdb: %s", msg ? msg : "query failed");
        duckdb_destroy_result(&res);
        return false;
    }
    duckdb_destroy_result(&res);
    return true;
}

duckdb_logical_type lake__pq_logical_type(am_coltype_t t)
{
    switch (t.type) {
    case AM_TYPE_BOOL:
        return duckdb_create_logical_type(DUCKDB_TYPE_BOOLEAN);
    case AM_TYPE_INT16:
    case AM_TYPE_INT32:
        return duckdb_create_logical_type(DUCKDB_TYPE_INTEGER);
    case AM_TYPE_INT64:
        return duckdb_create_logical_type(DUCKDB_TYPE_BIGINT);
    case AM_TYPE_FLOAT32:
        return duckdb_create_logical_type(DUCKDB_TYPE_FLOAT);
    case AM_TYPE_FLOAT64:
        return duckdb_create_logical_type(DUCKDB_TYPE_DOUBLE);
    case AM_TYPE_DECIMAL:
        return duckdb_create_decimal_type((uint8_t)t.precision, (uint8_t)t.scale);
    case AM_TYPE_STRING:
        return duckdb_create_logical_type(DUCKDB_TYPE_VARCHAR);
    case AM_TYPE_BINARY:
        return duckdb_create_logical_type(DUCKDB_TYPE_BLOB);
    case AM_TYPE_DATE:
        return duckdb_create_logical_type(DUCKDB_TYPE_DATE);
    case AM_TYPE_TIME:
        return duckdb_create_logical_type(DUCKDB_TYPE_TIME);
    case AM_TYPE_TIMESTAMP:
        return duckdb_create_logical_type(DUCKDB_TYPE_TIMESTAMP);
    case AM_TYPE_TIMESTAMPTZ:
        return duckdb_create_logical_type(DUCKDB_TYPE_TIMESTAMP_TZ);
    case AM_TYPE_UUID:
        return duckdb_create_logical_type(DUCKDB_TYPE_UUID);
    case AM_TYPE_LIST: {
        duckdb_logical_type elem = lake__pq_logical_type(am_coltype_elem(t));
        duckdb_logical_type list = duckdb_create_list_type(elem);
        duckdb_destroy_logical_type(&elem);
        return list;
    }
    }
    AM_ASSERT(!"unknown am_type_t");
    return NULL;
}

/* CREATE TEMP TABLE am_tmp_N (ord BIGINT, c0 T0, c1 T1, ...): positional names, so any
 * source column name is fine here; COPY renames them. */
static bool create_temp(lake__pq_t *w, am_err_t *err)
{
    am_buf_t sql;
    am_buf_init(&sql);
    am_buf_printf(&sql, "CREATE TEMP TABLE %s (ord BIGINT", w->table);
    for (size_t i = 0; i < w->n_cols; i++) {
        char type[48];
        lake__type_duckdb(w->cols[i].type, type, sizeof type);
        am_buf_printf(&sql, ", c%zu %s", i, type);
    }
    am_buf_puts(&sql, ")");
    bool ok = lake__duck_exec(w->lake->con, sql.data, err);
    am_buf_destroy(&sql);
    return ok;
}

/* Best effort: a leftover temp table costs memory only until lake_close. */
static void drop_temp(lake_t *lake, const char *table)
{
    char drop[80];
    (void)snprintf(drop, sizeof drop, "DROP TABLE IF EXISTS temp.main.%s", table);
    am_err_t err = {0};
    if (!lake__duck_exec(lake->con, drop, &err))
        am_log_warn("lake", "could not drop temp table", AM_KV_STR("table", table),
                    AM_KV_ERR(&err));
}

/* Every row puts a value in every vector: their handles and data are looked up once a chunk
 * (a row's DuckDB calls were a tenth of a copy's appending thread). */
static void chunk_ptrs(lake__pq_t *w)
{
    if (!w->vecs) {
        w->vecs = am_xcalloc(w->n_cols + 1, sizeof(duckdb_vector));
        w->data = am_xcalloc(w->n_cols + 1, sizeof(void *));
    }
    for (size_t i = 0; i <= w->n_cols; i++) {
        w->vecs[i] = duckdb_data_chunk_get_vector(w->chunk, i);
        w->data[i] = duckdb_vector_get_data(w->vecs[i]);
    }
}

static void make_chunk(lake__pq_t *w)
{
    duckdb_logical_type *types = am_xcalloc(w->n_cols + 1, sizeof(duckdb_logical_type));
    types[0] = duckdb_create_logical_type(DUCKDB_TYPE_BIGINT);
    for (size_t i = 0; i < w->n_cols; i++)
        types[i + 1] = lake__pq_logical_type(w->cols[i].type);
    w->chunk = duckdb_create_data_chunk(types, w->n_cols + 1);
    for (size_t i = 0; i <= w->n_cols; i++)
        duckdb_destroy_logical_type(&types[i]);
    free(types);
    chunk_ptrs(w);
}

bool lake__pq_begin(lake__pq_t *w, lake_t *lake, const lake_column_t *cols, size_t n, am_err_t *err)
{
    memset(w, 0, sizeof *w);
    w->lake = lake;
    w->cols = cols;
    w->n_cols = n;
    (void)snprintf(w->table, sizeof w->table, "am_tmp_%llu", (unsigned long long)++lake->tmp_seq);
    if (!create_temp(w, err))
        return false;
    if (duckdb_appender_create_ext(lake->con, "temp", "main", w->table, &w->app) == DuckDBError) {
        am_err_set(err, AM_SQLSTATE_INTERNAL, "duckdb: appender on %s: %s", w->table,
                   duckdb_appender_error(w->app));
        duckdb_appender_destroy(&w->app);
        drop_temp(lake, w->table);
        return false;
    }
    make_chunk(w);
    w->open = true;
    return true;
}

bool lake__pq_begin_stream(lake__pq_t *w, lake_t *lake, const lake_column_t *cols, size_t n,
                           const char *abs_path, const int32_t *field_ids, const int32_t *elem_ids,
                           const char *schema_json, am_err_t *err)
{
    memset(w, 0, sizeof *w);
    w->lake = lake;
    w->cols = cols;
    w->n_cols = n;
    if (!lake__pqs_open(w, abs_path, field_ids, elem_ids, schema_json, err))
        return false;
    make_chunk(w);
    w->open = true;
    return true;
}

/* A streamed file's full chunk goes to the COPY; the next rows go into a new one. */
static bool push_chunk(lake__pq_t *w, am_err_t *err)
{
    if (w->chunk_rows == 0)
        return true;
    duckdb_data_chunk_set_size(w->chunk, w->chunk_rows);
    duckdb_data_chunk c = w->chunk;
    int64_t bytes = w->n_bytes - w->pushed_bytes;
    w->pushed_bytes = w->n_bytes;
    w->chunk_rows = 0;
    make_chunk(w);
    return lake__pqs_push(w, c, bytes, err);
}

static bool flush_chunk(lake__pq_t *w, am_err_t *err)
{
    if (w->stream)
        return push_chunk(w, err);
    if (w->chunk_rows == 0)
        return true;
    duckdb_data_chunk_set_size(w->chunk, w->chunk_rows);
    if (duckdb_append_data_chunk(w->app, w->chunk) == DuckDBError)
        return am_err_set(err, AM_SQLSTATE_INTERNAL, "duckdb: append to %s: %s", w->table,
                          duckdb_appender_error(w->app));
    duckdb_data_chunk_reset(w->chunk);
    chunk_ptrs(w); /* a reset may give the vectors other buffers */
    w->chunk_rows = 0;
    return true;
}

bool lake__pq_append(lake__pq_t *w, const am_value_t *vals, am_err_t *err)
{
    AM_ASSERT(w->open);
    idx_t r = w->chunk_rows;
    ((int64_t *)w->data[0])[r] = w->n_rows;
    int64_t bytes = 8;
    for (size_t i = 0; i < w->n_cols; i++) {
        if (!lake__value_put_at(w->vecs[i + 1], w->data[i + 1], &w->cols[i], r, &vals[i], err))
            return false; /* the row is not counted: the next append overwrites it */
        /* vals has n_cols entries; the analyzer loses that across the DuckDB calls */
        bool present = vals[i].kind == AM_VALUE_PRESENT; /* NOLINT(clang-analyzer-core.*) */
        bytes += 8 + (present ? (int64_t)vals[i].len + 16 * (int64_t)vals[i].n_items : 0);
    }
    w->n_bytes += bytes;
    w->chunk_rows++;
    w->n_rows++;
    if (w->chunk_rows == duckdb_vector_size())
        return flush_chunk(w, err);
    return true;
}

bool lake__pq_flush(lake__pq_t *w, am_err_t *err)
{
    if (w->stream) /* callers check lake__batch_not_streamed first */
        return am_err_set(err, AM_SQLSTATE_INTERNAL, "a streamed data file cannot be queried");
    if (!flush_chunk(w, err))
        return false;
    if (duckdb_appender_flush(w->app) == DuckDBError)
        return am_err_set(err, AM_SQLSTATE_INTERNAL, "duckdb: flush %s: %s", w->table,
                          duckdb_appender_error(w->app));
    return true;
}

/* FIELD_IDS {"a": 1, "tags": {__duckdb_field_id: 2, element: 5}}: DuckDB names a list's
 * child "element" in the Parquet schema, and takes nested ids by that name. */
static void field_ids_sql(const lake_column_t *cols, size_t n, const int32_t *field_ids,
                          const int32_t *elem_ids, am_buf_t *sql)
{
    am_buf_puts(sql, "FIELD_IDS {");
    for (size_t i = 0; i < n; i++) {
        am_buf_puts(sql, i ? ", " : "");
        lake__phys_name(cols, n, i, sql);
        /* the id arrays have n entries; the analyzer loses that across the calls above */
        int32_t id = field_ids[i]; /* NOLINT(clang-analyzer-core.*) */
        if (elem_ids && elem_ids[i] > 0)
            am_buf_printf(sql, ": {__duckdb_field_id: %d, element: %d}", id, elem_ids[i]);
        else
            am_buf_printf(sql, ": %d", id);
    }
    am_buf_puts(sql, "}");
}

int64_t lake__pq_group_rows(int64_t bytes, int64_t rows)
{
    if (rows <= 0 || bytes <= 0)
        return LAKE_ROW_GROUP_N;
    int64_t per_row = bytes / rows + 1;
    int64_t g = LAKE_ROW_GROUP_BYTES / per_row;
    g -= g % LAKE_ROW_GROUP_MIN;
    return g < LAKE_ROW_GROUP_MIN ? LAKE_ROW_GROUP_MIN
           : g > LAKE_ROW_GROUP_N ? LAKE_ROW_GROUP_N
                                  : g;
}

int64_t lake__pq_file_group_rows(int64_t bytes, int64_t rows)
{
    int64_t g = lake__pq_group_rows(bytes, rows);
    int64_t all = rows + (LAKE_ROW_GROUP_MIN - rows % LAKE_ROW_GROUP_MIN) % LAKE_ROW_GROUP_MIN;
    return all > 0 && all < g ? all : g;
}

void lake__pq_copy_options(am_buf_t *sql, const lake_column_t *cols, size_t n,
                           const int32_t *field_ids, const int32_t *elem_ids,
                           const char *schema_json, int64_t group_rows)
{
    /* Groups of about LAKE_ROW_GROUP_BYTES: fetching rows by position (unchanged TOAST values)
     * decodes whole row groups, and one group (all its columns) is held in the writer's memory;
     * wide rows (where TOASTed values live) get fewer rows a group, narrow ones up to
     * LAKE_ROW_GROUP_N (DuckDB sizes groups by bytes only when it may reorder rows). */
    /* RETURN_STATS: the footer's statistics come back for the manifest (colstats.c) */
    am_buf_printf(sql, " (FORMAT parquet, RETURN_STATS, ROW_GROUP_SIZE %lld, ",
                  (long long)group_rows);
    /* DuckDB sets up each string column's dictionary for a full page (1 MB) whatever the rows:
     * for a flush's few hundred rows that allocation, the buffer pool's eviction and the
     * allocator trim it sets off cost more than writing the file */
    int64_t dict_page = group_rows * 64;
    am_buf_printf(sql, "STRING_DICTIONARY_PAGE_SIZE_LIMIT %lld, ",
                  (long long)(dict_page < 65536     ? 65536
                              : dict_page > 1048576 ? 1048576
                                                    : dict_page));
    field_ids_sql(cols, n, field_ids, elem_ids, sql);
    if (schema_json) {
        /* as Java writes it: readers that map by name (icebird) find each field's name in
         * this file through it, whatever the field is called now */
        am_buf_puts(sql, ", KV_METADATA {\"iceberg.schema\": ");
        am_sql_literal(sql, schema_json);
        am_buf_puts(sql, "}");
    }
    am_buf_puts(sql, ")");
}

void lake__pq_copy_sql(const lake__pq_t *w, const char *from, const char *abs_path,
                       const int32_t *field_ids, const int32_t *elem_ids, const char *schema_json,
                       int64_t group_rows, am_buf_t *sql)
{
    am_buf_puts(sql, "COPY (SELECT ");
    for (size_t i = 0; i < w->n_cols; i++) {
        am_buf_printf(sql, "%sc%zu AS ", i ? ", " : "", i);
        lake__phys_name(w->cols, w->n_cols, i, sql);
    }
    am_buf_printf(sql, " FROM %s) TO ", from);
    am_sql_literal(sql, abs_path);
    lake__pq_copy_options(sql, w->cols, w->n_cols, field_ids, elem_ids, schema_json, group_rows);
}

void lake__pq_abort(lake__pq_t *w)
{
    if (!w->open)
        return;
    if (w->stream) {
        lake__pqs_abort(w);
    } else if (w->table[0]) { /* a finished stream has neither */
        duckdb_appender_destroy(&w->app);
        drop_temp(w->lake, w->table);
    }
    duckdb_destroy_data_chunk(&w->chunk);
    free(w->vecs);
    free(w->data);
    w->vecs = NULL;
    w->data = NULL;
    w->open = false;
    if (w->n_bytes >= LAKE_PURGE_BYTES)
        lake__allocator_purge(w->lake->bytes_per_file / 2);
}

bool lake__pq_finish(lake__pq_t *w, const char *abs_path, const int32_t *field_ids,
                     const int32_t *elem_ids, const char *schema_json, am_err_t *err)
{
    AM_ASSERT(w->open);
    if (w->stream) {
        /* the file's options were given when it began */
        bool ok = push_chunk(w, err) && lake__pqs_finish(w, err);
        lake__pq_abort(w);
        return ok;
    }
    bool ok = lake__pq_flush(w, err);
    if (ok && duckdb_appender_close(w->app) == DuckDBError)
        ok = am_err_set(err, AM_SQLSTATE_INTERNAL, "duckdb: close appender of %s: %s", w->table,
                        duckdb_appender_error(w->app));
    if (ok) {
        am_buf_t sql;
        am_buf_init(&sql);
        char from[64];
        (void)snprintf(from, sizeof from, "temp.main.%s", w->table);
        lake__pq_copy_sql(w, from, abs_path, field_ids, elem_ids, schema_json,
                          lake__pq_file_group_rows(w->n_bytes, w->n_rows), &sql);
        duckdb_result res;
        if (duckdb_query(w->lake->con, sql.data, &res) == DuckDBError) {
            const char *msg = duckdb_result_error(&res);
            ok = am_err_set(err, AM_SQLSTATE_IO, "duckdb: %s", msg ? msg : "query failed");
        } else if (field_ids) {
            int64_t rows = 0;
            (void)lake__colstats_result(&res, w->cols, field_ids, w->n_cols, &rows, &w->metrics,
                                        &w->metrics_len);
        }
        duckdb_destroy_result(&res);
        am_buf_destroy(&sql);
        if (!ok)
            am_err_prefix(err, "write \"%s\"", abs_path);
    }
    lake__pq_abort(w);
    return ok;
}

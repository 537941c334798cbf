/*
 * lake/scan.c: reading rows back through the lake's DuckDB: every live row's key columns and
 * position (the mirror's primary-key index after a restart) and one row's values by position
 * (unchanged TOAST columns). Values come out in the am_value_t form lake_batch_append takes.
 * Runs on the table's thread; writes nothing.
 */
#include "lake/lake_internal.h"

#include <stdlib.h>
#include <string.h>

#define SQLSTATE_CANCELED "57014"

/* Executes a prepared statement streaming; calls fn for every chunk of the result. */
typedef bool (*chunk_fn_t)(void *ud, duckdb_data_chunk chunk, am_err_t *err);

static bool run_prepared(duckdb_prepared_statement stmt, chunk_fn_t fn, void *ud, am_err_t *err)
{
    duckdb_result res;
    if (duckdb_execute_prepared_streaming(stmt, &res) == DuckDBError) {
        am_err_set(err, AM_SQLSTATE_IO, "duckdb: %s", duckdb_result_error(&res));
        duckdb_destroy_result(&res);
        return false;
    }
    bool ok = true;
    duckdb_data_chunk chunk;
    while (ok && (chunk = duckdb_fetch_chunk(res)) != NULL) {
        ok = fn(ud, chunk, err);
        duckdb_destroy_data_chunk(&chunk);
    }
    if (ok && duckdb_result_error(&res))
        ok = am_err_set(err, AM_SQLSTATE_IO, "duckdb: %s", duckdb_result_error(&res));
    duckdb_destroy_result(&res);
    return ok;
}

static bool prepare(duckdb_connection con, const char *sql, duckdb_prepared_statement *stmt,
                    am_err_t *err)
{
    if (duckdb_prepare(con, sql, stmt) != DuckDBError)
        return true;
    am_err_set(err, AM_SQLSTATE_IO, "duckdb: %s", duckdb_prepare_error(*stmt));
    duckdb_destroy_prepare(stmt);
    return false;
}

static bool stream_query(duckdb_connection con, const char *sql, chunk_fn_t fn, void *ud,
                         am_err_t *err)
{
    duckdb_prepared_statement stmt = NULL;
    if (!prepare(con, sql, &stmt, err))
        return false;
    bool ok = run_prepared(stmt, fn, ud, err);
    duckdb_destroy_prepare(&stmt);
    return ok;
}

/* ---- scan_keys --------------------------------------------------------------------------- */

typedef struct key_scan {
    lake_table_t *t;
    lake_column_t *keys; /* the scanned columns */
    size_t *key_pos;     /* their positions in the table's columns */
    size_t n_keys;
    am_value_t *vals;
    am_map_t *ids; /* data file URI -> file id */
    am_arena_t *arena;
    const char *last_uri; /* cache: consecutive rows mostly share a file */
    uint32_t last_len;
    int32_t last_id;
    bool (*fn)(void *ud, const am_value_t *key_vals, lake_pos_t pos);
    void *ud;
} key_scan_t;

static bool file_id(key_scan_t *k, const am_value_t *uri, int32_t *id, am_err_t *err)
{
    if (k->last_uri && uri->len == k->last_len && memcmp(uri->s, k->last_uri, uri->len) == 0) {
        *id = k->last_id;
        return true;
    }
    uint64_t v = 0;
    if (!am_map_get(k->ids, uri->s, uri->len, &v))
        return am_err_set(err, AM_SQLSTATE_INTERNAL, "scan returned an unknown file \"%.*s\"",
                          (int)uri->len, uri->s);
    k->last_uri = am_arena_strndup(k->arena, uri->s, uri->len);
    k->last_len = uri->len;
    k->last_id = (int32_t)v;
    *id = k->last_id;
    return true;
}

static bool key_chunk(void *ud, duckdb_data_chunk chunk, am_err_t *err)
{
    key_scan_t *k = ud;
    static const lake_column_t uri_col = {.name = LAKE_FILENAME_COL, .type = {AM_TYPE_STRING}};
    static const lake_column_t row_col = {.name = "file_row_number", .type = {AM_TYPE_INT64}};
    duckdb_vector uris = duckdb_data_chunk_get_vector(chunk, 0);
    duckdb_vector rows = duckdb_data_chunk_get_vector(chunk, 1);
    idx_t n = duckdb_data_chunk_get_size(chunk);
    k->last_uri = NULL;
    am_arena_reset(k->arena);
    for (idx_t r = 0; r < n; r++) {
        am_value_t uri, row;
        lake_pos_t pos = {0};
        if (!lake__value_get(uris, &uri_col, r, k->arena, &uri, err) ||
            !lake__value_get(rows, &row_col, r, k->arena, &row, err) ||
            !file_id(k, &uri, &pos.file, err))
            return false;
        pos.row = row.i;
        for (size_t c = 0; c < k->n_keys; c++)
            if (!lake__value_get(duckdb_data_chunk_get_vector(chunk, c + 2), &k->keys[c], r,
                                 k->arena, &k->vals[c], err))
                return false;
        if (!k->fn(k->ud, k->vals, pos))
            return am_err_set(err, SQLSTATE_CANCELED, "key scan stopped by its callback");
    }
    return true;
}

static bool key_scan_sql(const key_scan_t *k, am_buf_t *sql, am_err_t *err)
{
    am_buf_puts(sql, "SELECT d." LAKE_FILENAME_COL ", d.file_row_number");
    if (k->n_keys > 0)
        am_buf_puts(sql, ", ");
    lake__plan_project_pick(sql, k->t->meta.cols, k->t->meta.n_cols, k->key_pos, k->n_keys);
    am_buf_puts(sql, " FROM ");
    const lake__meta_t *m = &k->t->meta;
    return lake__plan_from(sql, m, &k->t->state, m->cols, m->n_cols, err);
}

bool lake_table_scan_keys(lake_table_t *t,
                          bool (*fn)(void *ud, const am_value_t *key_vals, lake_pos_t pos),
                          void *ud, am_err_t *err)
{
    size_t *cols = am_xcalloc(t->meta.n_cols + 1, sizeof *cols);
    size_t n = 0;
    for (size_t i = 0; i < t->meta.n_cols; i++)
        if (t->meta.cols[i].is_key)
            cols[n++] = i;
    bool ok = lake_table_scan(t, cols, n, fn, ud, err);
    free(cols);
    return ok;
}

bool lake_table_scan(lake_table_t *t, const size_t *cols, size_t n,
                     bool (*fn)(void *ud, const am_value_t *vals, lake_pos_t pos), void *ud,
                     am_err_t *err)
{
    if (lake__plan_n_live(&t->state) == 0)
        return true;
    if (t->state.n_data > (size_t)t->lake->file_id_max + 1)
        return am_err_set(err, "54000",
                          "table %s.%s: %zu data files, more than positions can address (%d)",
                          t->schema, t->name, t->state.n_data, t->lake->file_id_max + 1);
    key_scan_t k = {.t = t, .fn = fn, .ud = ud};
    k.keys = am_xcalloc(n + 1, sizeof *k.keys);
    k.vals = am_xcalloc(n + 1, sizeof *k.vals);
    k.key_pos = am_xcalloc(n + 1, sizeof *k.key_pos);
    for (size_t i = 0; i < n; i++) {
        AM_ASSERT(cols[i] < t->meta.n_cols);
        k.key_pos[k.n_keys] = cols[i];
        k.keys[k.n_keys++] = t->meta.cols[cols[i]];
    }
    k.ids = am_map_new();
    for (size_t i = 0; i < t->state.n_data; i++)
        if (t->state.data[i].live)
            am_map_put(k.ids, t->state.data[i].path, strlen(t->state.data[i].path), i);
    k.arena = am_arena_new((size_t)64 * 1024);
    am_buf_t sql;
    am_buf_init(&sql);
    bool ok =
        key_scan_sql(&k, &sql, err) && stream_query(t->lake->con, sql.data, key_chunk, &k, err);
    if (!ok)
        am_err_prefix(err, "table %s.%s: scan", t->schema, t->name);
    am_buf_destroy(&sql);
    am_arena_free(k.arena);
    am_map_free(k.ids);
    free(k.keys);
    free(k.key_pos);
    free(k.vals);
    return ok;
}

/* ---- fetch_row --------------------------------------------------------------------------- */

typedef struct row_fetch {
    const lake_column_t *cols;
    size_t n_cols;
    am_arena_t *arena;
    am_value_t *out;
    int64_t found;
} row_fetch_t;

static bool row_chunk(void *ud, duckdb_data_chunk chunk, am_err_t *err)
{
    row_fetch_t *f = ud;
    idx_t n = duckdb_data_chunk_get_size(chunk);
    for (idx_t r = 0; r < n; r++, f->found++) {
        if (f->found > 0)
            continue;
        for (size_t c = 0; c < f->n_cols; c++) {
            am_value_t *v = &f->out[c];
            if (!lake__value_get(duckdb_data_chunk_get_vector(chunk, c), &f->cols[c], r, f->arena,
                                 v, err))
                return false;
            if (v->kind == AM_VALUE_PRESENT &&
                (f->cols[c].type.type == AM_TYPE_STRING || f->cols[c].type.type == AM_TYPE_BINARY))
                v->s = am_arena_memdup(f->arena, v->s ? v->s : "", v->len);
        }
    }
    return true;
}

/* The row from the batch's temp table (not yet a Parquet file). */
static void pending_row_sql(lake_table_t *t, int64_t row, am_buf_t *sql)
{
    am_buf_puts(sql, "SELECT ");
    for (size_t i = 0; i < t->meta.n_cols; i++)
        am_buf_printf(sql, "%sc%zu", i ? ", " : "", i);
    am_buf_printf(sql, " FROM temp.main.%s WHERE ord = %lld", t->batch->pq.table, (long long)row);
}

void lake__table_fetch_forget(lake_table_t *t)
{
    if (t->fetch_stmt)
        duckdb_destroy_prepare(&t->fetch_stmt);
    t->fetch_stmt = NULL;
    free(t->fetch_uri);
    t->fetch_uri = NULL;
}

/* The statement reading one row of uri by position ($1), kept for the next fetch from the
 * same file (updates of unchanged TOAST values tend to hit the same recent files). */
static bool fetch_stmt(lake_table_t *t, const char *uri, am_err_t *err)
{
    if (t->fetch_stmt && strcmp(t->fetch_uri, uri) == 0)
        return true;
    lake__table_fetch_forget(t);
    am_buf_t sql;
    am_buf_init(&sql);
    am_buf_puts(&sql, "SELECT ");
    lake__plan_project(&sql, t->meta.cols, t->meta.n_cols);
    am_buf_puts(&sql, " FROM (SELECT ");
    bool ok = lake__plan_file_columns(&sql, &t->meta, uri, t->meta.cols, t->meta.n_cols, err);
    am_buf_puts(&sql, " FROM read_parquet(");
    am_sql_literal(&sql, uri);
    am_buf_puts(&sql, ", file_row_number = true) AS d WHERE d.file_row_number = $1) AS d");
    ok = ok && prepare(t->lake->con, sql.data, &t->fetch_stmt, err);
    am_buf_destroy(&sql);
    if (ok)
        t->fetch_uri = am_xstrdup(uri);
    else
        t->fetch_stmt = NULL;
    return ok;
}

static bool fetch_query(lake_table_t *t, lake_pos_t pos, const char *uri, row_fetch_t *f,
                        am_err_t *err)
{
    lake_batch_t *b = t->batch;
    if (b && b->pq.open && (size_t)pos.file == t->state.n_data + b->n_files - 1) {
        if (!lake__pq_flush(&b->pq, err))
            return false;
        am_buf_t sql;
        am_buf_init(&sql);
        pending_row_sql(t, pos.row, &sql);
        bool ok = stream_query(t->lake->con, sql.data, row_chunk, f, err);
        am_buf_destroy(&sql);
        return ok;
    }
    if (!fetch_stmt(t, uri, err))
        return false;
    if (duckdb_bind_int64(t->fetch_stmt, 1, pos.row) == DuckDBError)
        return am_err_set(err, AM_SQLSTATE_INTERNAL, "duckdb: could not bind a row position");
    return run_prepared(t->fetch_stmt, row_chunk, f, err);
}

bool lake_table_fetch_row(lake_table_t *t, lake_pos_t pos, am_arena_t *arena, am_value_t *out,
                          am_err_t *err)
{
    const char *uri = lake__table_file_uri(t, pos.file, pos.row, err);
    if (!uri)
        return false;
    row_fetch_t f = {.cols = t->meta.cols, .n_cols = t->meta.n_cols, .arena = arena, .out = out};
    bool ok = fetch_query(t, pos, uri, &f, err);
    if (ok && f.found != 1)
        ok = am_err_set(err, "XX001", "file \"%s\" has %lld rows at position %lld", uri,
                        (long long)f.found, (long long)pos.row);
    if (!ok)
        am_err_prefix(err, "table %s.%s: fetch row", t->schema, t->name);
    return ok;
}

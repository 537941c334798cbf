/*
 * lake/scan.c: reading rows back through the lake's DuckDB: every live row's key columns and
 * position (the mirror's primary-key index after a restart), the same for some data files,
 * for the rows some delete files delete and for given positions (an index catching up with
 * the commits after its checkpoint, or undoing a batch), and one row's values by position
 * (unchanged TOAST columns). Values come out in the am_value_t form lake_batch_append takes.
 * Runs on the table's thread; writes nothing.
 */
#include "lake/lake_internal.h"

#include <stdio.h>
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

bool lake__scan_query(duckdb_connection con, const char *sql, chunk_fn_t fn, void *ud,
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
    const lake__state_t *state; /* the files scanned: the current snapshot's, or a part */
    const char *tail;           /* SQL after the FROM clause (a join), or NULL */
    lake_column_t *keys;        /* the scanned columns */
    size_t *key_pos;            /* their positions in the table's columns */
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
    if (!lake__plan_from(sql, m, k->state, m->cols, m->n_cols, err))
        return false;
    if (k->tail)
        am_buf_puts(sql, k->tail);
    return true;
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

/* fn over the live rows of state's live data files (ids as in the table's state), joined
 * with tail when given. */
static bool scan_state(lake_table_t *t, const lake__state_t *state, const char *tail,
                       const size_t *cols, size_t n,
                       bool (*fn)(void *ud, const am_value_t *vals, lake_pos_t pos), void *ud,
                       am_err_t *err)
{
    if (lake__plan_n_live(state) == 0)
        return true;
    if (state->n_data > (size_t)t->lake->file_id_max + 1)
        return am_err_set(err, "54000",
                          "table %s.%s: %zu data files, more than positions can address (%d)",
                          t->schema, t->name, state->n_data, t->lake->file_id_max + 1);
    key_scan_t k = {.t = t, .state = state, .tail = tail, .fn = fn, .ud = ud};
    k.keys = am_xcalloc(n + 1, sizeof *k.keys);
    k.vals = am_xcalloc(n + 1, sizeof *k.vals);
    k.key_pos = am_xcalloc(n + 1, sizeof *k.key_pos);
    for (size_t i = 0; i < n; i++) {
        AM_ASSERT(cols[i] < t->meta.n_cols);
        k.key_pos[k.n_keys] = cols[i];
        k.keys[k.n_keys++] = t->meta.cols[cols[i]];
    }
    k.ids = am_map_new();
    for (size_t i = 0; i < state->n_data; i++)
        if (state->data[i].live)
            am_map_put(k.ids, state->data[i].path, strlen(state->data[i].path), i);
    k.arena = am_arena_new((size_t)64 * 1024);
    am_buf_t sql;
    am_buf_init(&sql);
    bool ok =
        key_scan_sql(&k, &sql, err) && lake__scan_query(t->lake->con, sql.data, key_chunk, &k, err);
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

bool lake_table_scan(lake_table_t *t, const size_t *cols, size_t n,
                     bool (*fn)(void *ud, const am_value_t *vals, lake_pos_t pos), void *ud,
                     am_err_t *err)
{
    return scan_state(t, &t->state, NULL, cols, n, fn, ud, err);
}

/* ---- parts of the table -------------------------------------------------------------------- */

/* A view of the table's state with only the data files marked in pick live (ids kept) and its
 * delete files or none. Shares the state's strings: free with view_free. */
static lake__state_t view_new(const lake_table_t *t, const bool *pick, bool deletes)
{
    lake__state_t v = {0};
    const lake__state_t *s = &t->state;
    v.data = am_xcalloc(s->n_data + 1, sizeof *v.data);
    v.n_data = s->n_data;
    for (size_t i = 0; i < s->n_data; i++) {
        v.data[i] = s->data[i];
        v.data[i].live = s->data[i].live && pick[i];
    }
    if (deletes) {
        v.dels = s->dels;
        v.n_dels = s->n_dels;
    }
    return v;
}

static void view_free(lake__state_t *v)
{
    free(v->data);
}

bool lake_table_scan_files(lake_table_t *t, const size_t *cols, size_t n, const int32_t *ids,
                           size_t n_ids,
                           bool (*fn)(void *ud, const am_value_t *vals, lake_pos_t pos), void *ud,
                           am_err_t *err)
{
    bool *pick = am_xcalloc(t->state.n_data + 1, sizeof *pick);
    for (size_t i = 0; i < n_ids; i++)
        if (ids[i] >= 0 && (size_t)ids[i] < t->state.n_data)
            pick[ids[i]] = true;
    lake__state_t v = view_new(t, pick, true);
    bool ok = scan_state(t, &v, NULL, cols, n, fn, ud, err);
    view_free(&v);
    free(pick);
    return ok;
}

typedef struct pick_ctx {
    lake_table_t *t;
    bool *pick; /* per data file id */
    am_arena_t *arena;
} pick_ctx_t;

/* Marks in pick the live data files that the file_path column of a result names. */
static bool pick_chunk(void *ud, duckdb_data_chunk chunk, am_err_t *err)
{
    pick_ctx_t *p = ud;
    static const lake_column_t path_col = {.name = "file_path", .type = {AM_TYPE_STRING}};
    duckdb_vector v = duckdb_data_chunk_get_vector(chunk, 0);
    idx_t n = duckdb_data_chunk_get_size(chunk);
    for (idx_t r = 0; r < n; r++) {
        am_value_t path;
        if (!lake__value_get(v, &path_col, r, p->arena, &path, err))
            return false;
        for (size_t i = 0; i < p->t->state.n_data; i++) {
            const char *d = p->t->state.data[i].path;
            if (p->t->state.data[i].live && strlen(d) == path.len &&
                memcmp(d, path.s, path.len) == 0)
                p->pick[i] = true;
        }
    }
    return true;
}

/* read_parquet([uris...]) as SQL text. */
static void uri_list(am_buf_t *sql, const char *const *uris, size_t n)
{
    am_buf_puts(sql, "read_parquet([");
    for (size_t i = 0; i < n; i++) {
        am_buf_puts(sql, i ? ", " : "");
        am_sql_literal(sql, uris[i]);
    }
    am_buf_puts(sql, "])");
}

bool lake_table_scan_deleted(lake_table_t *t, const size_t *cols, size_t n,
                             const char *const *del_uris, size_t n_dels, const int32_t *ids,
                             size_t n_ids,
                             bool (*fn)(void *ud, const am_value_t *vals, lake_pos_t pos), void *ud,
                             am_err_t *err)
{
    if (n_dels == 0)
        return true;
    bool *pick = am_xcalloc(t->state.n_data + 1, sizeof *pick);
    pick_ctx_t p = {t, pick, am_arena_new(0)};
    am_buf_t sql, tail;
    am_buf_init(&sql);
    am_buf_init(&tail);
    /* only the data files the deletes name are read */
    am_buf_puts(&sql, "SELECT DISTINCT file_path FROM ");
    uri_list(&sql, del_uris, n_dels);
    bool ok = lake__scan_query(t->lake->con, sql.data, pick_chunk, &p, err);
    if (ids) {
        bool *allowed = am_xcalloc(t->state.n_data + 1, sizeof *allowed);
        for (size_t i = 0; i < n_ids; i++)
            if (ids[i] >= 0 && (size_t)ids[i] < t->state.n_data)
                allowed[ids[i]] = true;
        for (size_t i = 0; i < t->state.n_data; i++)
            pick[i] = pick[i] && allowed[i];
        free(allowed);
    }

    am_buf_puts(&tail, " SEMI JOIN ");
    uri_list(&tail, del_uris, n_dels);
    am_buf_puts(&tail,
                " AS x ON x.file_path = d." LAKE_FILENAME_COL " AND x.pos = d.file_row_number");
    lake__state_t v = view_new(t, pick, false);
    ok = ok && scan_state(t, &v, tail.data, cols, n, fn, ud, err);
    if (!ok)
        am_err_prefix(err, "table %s.%s: rows of delete files", t->schema, t->name);
    view_free(&v);
    am_buf_destroy(&sql);
    am_buf_destroy(&tail);
    am_arena_free(p.arena);
    free(pick);
    return ok;
}

/* The positions into a temp table (file_path, pos) through the appender. */
static bool positions_table(lake_table_t *t, const lake_pos_t *pos, size_t n_pos, bool *pick,
                            const char *name, am_err_t *err)
{
    char sql[128];
    (void)snprintf(sql, sizeof sql, "CREATE TEMP TABLE %s (file_path VARCHAR, pos BIGINT)", name);
    if (!lake__duck_exec(t->lake->con, sql, err))
        return false;
    duckdb_appender app;
    if (duckdb_appender_create_ext(t->lake->con, "temp", "main", name, &app) == DuckDBError) {
        am_err_set(err, AM_SQLSTATE_INTERNAL, "duckdb: appender on %s: %s", name,
                   duckdb_appender_error(app));
        duckdb_appender_destroy(&app);
        return false;
    }
    bool ok = true;
    for (size_t i = 0; ok && i < n_pos; i++) {
        int32_t id = pos[i].file;
        if (id < 0 || (size_t)id >= t->state.n_data) {
            ok = am_err_set(err, AM_SQLSTATE_INVALID_PARAMETER,
                            "table %s.%s: no committed data file %d", t->schema, t->name, id);
            break;
        }
        pick[id] = true;
        ok = duckdb_appender_begin_row(app) != DuckDBError &&
             duckdb_append_varchar(app, t->state.data[id].path) != DuckDBError &&
             duckdb_append_int64(app, pos[i].row) != DuckDBError &&
             duckdb_appender_end_row(app) != DuckDBError;
        if (!ok)
            am_err_set(err, AM_SQLSTATE_INTERNAL, "duckdb: append to %s: %s", name,
                       duckdb_appender_error(app));
    }
    if (duckdb_appender_destroy(&app) == DuckDBError && ok)
        ok = am_err_set(err, AM_SQLSTATE_INTERNAL, "duckdb: closing the appender on %s", name);
    return ok;
}

bool lake_table_scan_rows(lake_table_t *t, const size_t *cols, size_t n, const lake_pos_t *pos,
                          size_t n_pos, bool (*fn)(void *ud, const am_value_t *vals, lake_pos_t p),
                          void *ud, am_err_t *err)
{
    if (n_pos == 0)
        return true;
    char name[48];
    (void)snprintf(name, sizeof name, "am_pos_%llu", (unsigned long long)++t->lake->tmp_seq);
    bool *pick = am_xcalloc(t->state.n_data + 1, sizeof *pick);
    bool ok = positions_table(t, pos, n_pos, pick, name, err);
    am_buf_t tail;
    am_buf_init(&tail);
    am_buf_printf(&tail,
                  " SEMI JOIN (SELECT DISTINCT file_path, pos FROM temp.main.%s) AS x"
                  " ON x.file_path = d." LAKE_FILENAME_COL " AND x.pos = d.file_row_number",
                  name);
    /* removed files too: a position the caller holds may be in a file a truncate removed */
    lake__state_t v = view_new(t, pick, false);
    for (size_t i = 0; i < v.n_data; i++)
        v.data[i].live = pick[i];
    ok = ok && scan_state(t, &v, tail.data, cols, n, fn, ud, err);
    view_free(&v);
    am_buf_destroy(&tail);
    char drop[96];
    (void)snprintf(drop, sizeof drop, "DROP TABLE IF EXISTS temp.main.%s", name);
    am_err_t e = {0};
    if (!lake__duck_exec(t->lake->con, drop, &e))
        am_log_warn("lake", "could not drop temp table", AM_KV_STR("table", name), AM_KV_ERR(&e));
    free(pick);
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
        if (!lake__batch_not_streamed(b, err) || !lake__batch_fill(b, err) ||
            !lake__pq_flush(&b->pq, err))
            return false;
        am_buf_t sql;
        am_buf_init(&sql);
        pending_row_sql(t, pos.row, &sql);
        bool ok = lake__scan_query(t->lake->con, sql.data, row_chunk, f, err);
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

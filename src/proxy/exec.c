/*
 * proxy/exec.c: one prepared DuckDB statement to the client. Streams: rows leave per DuckDB
 * data chunk (duckdb_pending_prepared_streaming + duckdb_fetch_chunk), never a whole result in
 * memory, except for cursors that must stay open while other statements run (materialize). A
 * cursor may stop after N rows and go on later (Execute with a row limit, PortalSuspended).
 * Columns are described by the SQL compiler (PostgreSQL names and types), not by DuckDB.
 * EXPLAIN's plan comes back as PostgreSQL shows one: a "QUERY PLAN" text column, a row a line.
 */
#include "proxy/proxy_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void proxy__cursor_open(proxy_cursor_t *c, duckdb_prepared_statement ps, const proxy_sqlcol_t *cols,
                        size_t n_cols, const proxy_pgcat_t *cat)
{
    memset(c, 0, sizeof *c);
    c->ps = ps;
    c->n_cols = n_cols;
    c->cat = cat ? proxy__pgcat_ref((proxy_pgcat_t *)cat) : NULL;
    c->cols = am_xcalloc(n_cols + 1, sizeof *c->cols);
    c->formats = am_xcalloc(n_cols + 1, sizeof *c->formats);
    idx_t duck_cols = duckdb_prepared_statement_column_count(ps);
    for (size_t i = 0; i < n_cols; i++) {
        proxy_col_t *col = &c->cols[i];
        col->name = am_xstrdup(cols[i].name);
        col->ltype = i < duck_cols ? duckdb_prepared_statement_column_logical_type(ps, i)
                                   : duckdb_create_logical_type(DUCKDB_TYPE_VARCHAR);
        col->pg = proxy__pgtype_base(cat, cols[i].type);
        col->relid = cols[i].relid;
        col->attnum = cols[i].attnum;
        proxy__col_describe(cat, col);
    }
}

bool proxy__cursor_set_formats(proxy_cursor_t *c, const int16_t *f, size_t n,
                               const proxy_pgcat_t *cat, am_err_t *err)
{
    for (size_t i = 0; i < c->n_cols; i++) {
        c->formats[i] = proxy__bind_format(f, n, i);
        if (c->formats[i] == 1 && !proxy__type_has_binary(cat, c->cols[i].oid))
            return am_err_set(err, AM_SQLSTATE_UNSUPPORTED,
                              "binary output of type %u (column \"%s\") is not supported on the "
                              "mirror; ask for text",
                              c->cols[i].oid, c->cols[i].name);
        if (c->formats[i] != 0 && c->formats[i] != 1)
            return am_err_set(err, AM_SQLSTATE_PROTOCOL_VIOLATION, "unsupported format code: %d",
                              c->formats[i]);
    }
    return true;
}

/* A query's rows are described even when they have no columns (SELECT FROM t). */
static void rowdesc(am_buf_t *out, const proxy_col_t *cols, size_t n, const int16_t *formats)
{
    size_t off = proxy__wire_rowdesc_begin(out, (uint16_t)n);
    for (size_t i = 0; i < n; i++)
        proxy__wire_rowdesc_field_at(out, cols[i].name, cols[i].relid, cols[i].attnum, cols[i].oid,
                                     cols[i].typlen, cols[i].typmod, formats[i]);
    proxy__msg_end(out, off);
}

void proxy__cursor_rowdesc(proxy_session_t *s, const proxy_cursor_t *c)
{
    rowdesc(&s->out, c->cols, c->n_cols, c->formats);
}

void proxy__rowdesc_send(proxy_session_t *s, const proxy_sqlcol_t *cols, size_t n,
                         const int16_t *formats, size_t n_formats)
{
    proxy_col_t *pc = am_xcalloc(n + 1, sizeof *pc);
    int16_t *f = am_xcalloc(n + 1, sizeof *f);
    for (size_t i = 0; i < n; i++) {
        pc[i].name = cols[i].name;
        pc[i].pg = proxy__pgtype_base(s->cat, cols[i].type);
        pc[i].relid = cols[i].relid;
        pc[i].attnum = cols[i].attnum;
        proxy__col_describe(s->cat, &pc[i]);
        f[i] = proxy__bind_format(formats, n_formats, i);
    }
    rowdesc(&s->out, pc, n, f);
    free(pc);
    free(f);
}

bool proxy__cursor_bind(const proxy_cursor_t *c, duckdb_prepared_statement ps, am_err_t *err)
{
    for (size_t i = 0; i < c->n_args; i++) {
        bool ok = c->args[i] ? duckdb_bind_varchar_length(ps, i + 1, c->args[i], c->arg_lens[i]) ==
                                   DuckDBSuccess
                             : duckdb_bind_null(ps, i + 1) == DuckDBSuccess;
        if (!ok)
            return am_err_set(err, AM_SQLSTATE_BAD_INPUT, "could not bind parameter $%zu", i + 1);
    }
    return true;
}

/* DuckDB's 64-bit DECIMAL product overflowed (sqlc_oper.c keeps products inside aggregates
 * narrow) and no row has passed yet: the widened statement takes over. False when there is
 * none or it cannot be prepared (the narrow one then reports its overflow as it is). */
static bool widen(proxy_cursor_t *c, const char *msg)
{
    if (!c->wide_sql || !msg || c->n_sent > 0 || c->n_total > 0 ||
        !strstr(msg, "Overflow in multiplication of DECIMAL"))
        return false;
    duckdb_prepared_statement wide = NULL;
    am_err_t ignored = {0};
    bool ok = duckdb_prepare(c->con, c->wide_sql, &wide) == DuckDBSuccess &&
              proxy__cursor_bind(c, wide, &ignored);
    free(c->wide_sql);
    c->wide_sql = NULL;
    free(c->cache_sql); /* the narrow statement would overflow again: not kept */
    c->cache_sql = NULL;
    if (!ok) {
        duckdb_destroy_prepare(&wide);
        return false;
    }
    if (c->chunk)
        duckdb_destroy_data_chunk(&c->chunk);
    if (c->has_result)
        duckdb_destroy_result(&c->result);
    c->has_result = false;
    c->chunk_row = c->chunk_size = 0;
    c->done = false;
    duckdb_destroy_prepare(&c->ps);
    c->ps = wide;
    am_log_debug("proxy", "a DECIMAL product overflowed 64 bits: running the statement in 128");
    return true;
}

static bool start(proxy_cursor_t *c, am_err_t *err)
{
    if (c->materialize || c->is_explain) {
        c->has_result = true;
        if (duckdb_execute_prepared(c->ps, &c->result) == DuckDBSuccess)
            return true;
        if (widen(c, duckdb_result_error(&c->result)))
            return start(c, err);
        proxy__duck_error(err, duckdb_result_error_type(&c->result),
                          duckdb_result_error(&c->result));
        return false;
    }
    duckdb_pending_result pend = NULL;
    if (duckdb_pending_prepared_streaming(c->ps, &pend) != DuckDBSuccess) {
        proxy__duck_error(err, DUCKDB_ERROR_INVALID, duckdb_pending_error(pend));
        duckdb_destroy_pending(&pend);
        return false;
    }
    duckdb_state st = duckdb_execute_pending(pend, &c->result);
    duckdb_destroy_pending(&pend);
    c->has_result = true;
    if (st != DuckDBSuccess && widen(c, duckdb_result_error(&c->result)))
        return start(c, err);
    if (st != DuckDBSuccess) {
        proxy__duck_error(err, duckdb_result_error_type(&c->result),
                          duckdb_result_error(&c->result));
        return false;
    }
    return true;
}

/* Next chunk into c->chunk; false on error; c->done at the end. */
static bool next_chunk(proxy_cursor_t *c, am_err_t *err)
{
    if (c->chunk)
        duckdb_destroy_data_chunk(&c->chunk);
    c->chunk = duckdb_fetch_chunk(c->result);
    c->chunk_row = 0;
    c->chunk_size = c->chunk ? duckdb_data_chunk_get_size(c->chunk) : 0;
    if (c->chunk && c->chunk_size > 0) {
        /* the executed plan's types: a statement with parameters may be prepared before
         * DuckDB knows its result types (they read INVALID until bound) */
        idx_t nv = duckdb_data_chunk_get_column_count(c->chunk);
        for (size_t i = 0; i < c->n_cols && i < nv; i++) {
            c->cols[i].vec = duckdb_data_chunk_get_vector(c->chunk, i);
            duckdb_logical_type lt = duckdb_vector_get_column_type(c->cols[i].vec);
            duckdb_type was = c->cols[i].type;
            duckdb_destroy_logical_type(&c->cols[i].ltype);
            c->cols[i].ltype = lt;
            c->cols[i].type = duckdb_get_type_id(lt);
            /* how a value goes out (an array's binary plan) follows the type it has now: a
             * numeric[] described while INVALID went out as DuckDB's text[] */
            if (was != c->cols[i].type || was == DUCKDB_TYPE_LIST)
                proxy__col_describe(c->cat, &c->cols[i]);
        }
        return true;
    }
    const char *m = duckdb_result_error(&c->result);
    if (m && widen(c, m))
        return start(c, err) && next_chunk(c, err);
    if (m) {
        proxy__duck_error(err, duckdb_result_error_type(&c->result), m);
        return false;
    }
    c->done = !c->chunk || c->chunk_size == 0;
    return true;
}

/* EXPLAIN: DuckDB's (key, plan text) row becomes one row per line of the plan. */
static void send_explain(proxy_session_t *s, proxy_cursor_t *c)
{
    duckdb_vector v =
        duckdb_data_chunk_get_vector(c->chunk, duckdb_data_chunk_get_column_count(c->chunk) - 1);
    duckdb_string_t *str = (duckdb_string_t *)duckdb_vector_get_data(v) + c->chunk_row;
    const char *p = duckdb_string_t_data(str);
    size_t n = duckdb_string_t_length(*str);
    for (size_t i = 0; i < n;) {
        size_t e = i;
        while (e < n && p[e] != '\n')
            e++;
        size_t off = proxy__wire_datarow_begin(&s->out, 1);
        am_buf_put_u32(&s->out, (uint32_t)(e - i));
        am_buf_append(&s->out, p + i, e - i);
        proxy__msg_end(&s->out, off);
        c->n_sent++;
        i = e + 1;
    }
    c->chunk_row++;
}

static void send_row(proxy_session_t *s, proxy_cursor_t *c)
{
    if (c->is_explain) {
        send_explain(s, c);
        return;
    }
    size_t off = proxy__wire_datarow_begin(&s->out, (uint16_t)c->n_cols);
    for (size_t i = 0; i < c->n_cols; i++)
        (void)proxy__value_encode(s, &c->cols[i], c->cols[i].vec, c->chunk_row, c->formats[i],
                                  &s->out);
    proxy__msg_end(&s->out, off);
    c->chunk_row++;
    c->n_sent++;
    c->n_total++;
}

bool proxy__cursor_fetch(proxy_session_t *s, proxy_cursor_t *c, uint64_t max_rows, bool *suspended,
                         am_err_t *err)
{
    *suspended = false;
    c->n_sent = 0;
    if (!c->has_result && !start(c, err))
        return false;
    while (!c->done) {
        if (max_rows > 0 && c->n_sent >= max_rows) {
            *suspended = true;
            return true;
        }
        if (!c->chunk || c->chunk_row >= c->chunk_size) {
            if (!next_chunk(c, err))
                return false;
            continue;
        }
        send_row(s, c);
        if (s->out.len >= PROXY_FLUSH_BYTES)
            proxy__maybe_flush(s);
        if (s->io_failed)
            return am_err_set(err, AM_SQLSTATE_CONNECTION_FAILURE, "client went away");
    }
    return true;
}

bool proxy__cursor_rows(proxy_session_t *s, proxy_cursor_t *c,
                        bool (*fn)(void *ud, proxy_cursor_t *c, idx_t row), void *ud, am_err_t *err)
{
    if (!c->has_result && !start(c, err))
        return false;
    while (!c->done) {
        if (!c->chunk || c->chunk_row >= c->chunk_size) {
            if (!next_chunk(c, err))
                return false;
            continue;
        }
        if (!fn(ud, c, c->chunk_row++))
            return s->io_failed
                       ? am_err_set(err, AM_SQLSTATE_CONNECTION_FAILURE, "client went away")
                       : false;
    }
    return true;
}

bool proxy__cursor_run(proxy_cursor_t *c, am_err_t *err)
{
    return c->has_result || start(c, err);
}

bool proxy__cursor_skip(proxy_cursor_t *c, uint64_t max_rows, am_err_t *err)
{
    c->n_sent = 0;
    if (!c->has_result && !start(c, err))
        return false;
    while (!c->done && (max_rows == 0 || c->n_sent < max_rows)) {
        if (!c->chunk || c->chunk_row >= c->chunk_size) {
            if (!next_chunk(c, err))
                return false;
            continue;
        }
        idx_t n = c->chunk_size - c->chunk_row;
        if (max_rows > 0 && n > max_rows - c->n_sent)
            n = max_rows - c->n_sent;
        c->chunk_row += n;
        c->n_sent += n;
    }
    return true;
}

void proxy__cursor_tag(const proxy_cursor_t *c, char *tag, size_t tag_len)
{
    if (c->is_explain)
        snprintf(tag, tag_len, "EXPLAIN");
    else
        snprintf(tag, tag_len, "SELECT %llu", (unsigned long long)c->n_sent);
}

void proxy__cursor_close(proxy_cursor_t *c)
{
    if (c->chunk)
        duckdb_destroy_data_chunk(&c->chunk);
    if (c->has_result)
        duckdb_destroy_result(&c->result);
    for (size_t i = 0; i < c->n_cols; i++) {
        free(c->cols[i].name);
        duckdb_destroy_logical_type(&c->cols[i].ltype);
    }
    free(c->cols);
    free(c->formats);
    if (c->ps && c->cache && c->cache_sql) {
        proxy__stmt_give(c->cache, c->cache_sql, c->cache_cat, c->cache_gen, c->ps);
        c->cache_sql = NULL;
        c->cache_cat = NULL;
    } else if (c->ps) {
        duckdb_destroy_prepare(&c->ps);
    }
    free(c->cache_sql);
    proxy__pgcat_unref(c->cache_cat);
    proxy__pgcat_unref(c->cat);
    free(c->wide_sql);
    for (size_t i = 0; i < c->n_args; i++)
        free(c->args[i]);
    free(c->args);
    free(c->arg_lens);
    memset(c, 0, sizeof *c);
}

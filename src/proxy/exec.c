/*
 * proxy/exec.c: one prepared read from DuckDB to the client. Streams: rows leave per DuckDB
 * data chunk (duckdb_pending_prepared_streaming + duckdb_fetch_chunk), never a whole result
 * in memory. A cursor may stop after N rows and go on later (Execute with a row limit,
 * PortalSuspended).
 */
#include "proxy/proxy_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool needs_cast(duckdb_prepared_statement ps, size_t *n_bad)
{
    idx_t n = duckdb_prepared_statement_column_count(ps);
    *n_bad = 0;
    for (idx_t i = 0; i < n; i++) {
        duckdb_logical_type t = duckdb_prepared_statement_column_logical_type(ps, i);
        *n_bad += !proxy__type_supported(t);
        duckdb_destroy_logical_type(&t);
    }
    return *n_bad > 0;
}

/* SELECT * REPLACE (CAST("c" AS VARCHAR) AS "c") FROM (<sql>) for each column DuckDB must print. */
static char *cast_wrap(duckdb_prepared_statement ps, const char *sql)
{
    am_buf_t b;
    am_buf_init(&b);
    am_buf_puts(&b, "SELECT * REPLACE (");
    idx_t n = duckdb_prepared_statement_column_count(ps);
    bool first = true;
    for (idx_t i = 0; i < n; i++) {
        duckdb_logical_type t = duckdb_prepared_statement_column_logical_type(ps, i);
        bool bad = !proxy__type_supported(t);
        duckdb_destroy_logical_type(&t);
        if (!bad)
            continue;
        const char *name = duckdb_prepared_statement_column_name(ps, i);
        if (!first)
            am_buf_puts(&b, ", ");
        first = false;
        am_buf_puts(&b, "CAST(");
        am_sql_ident(&b, name ? name : "");
        am_buf_puts(&b, " AS VARCHAR) AS ");
        am_sql_ident(&b, name ? name : "");
        duckdb_free((void *)name);
    }
    am_buf_printf(&b, ") FROM (%s\n) AS am_q", sql);
    return am_buf_steal(&b, NULL);
}

duckdb_prepared_statement proxy__prepare_read(duckdb_connection con, const char *sql, am_err_t *err)
{
    duckdb_prepared_statement ps = proxy__guard_prepare(con, sql, err);
    size_t n_bad = 0;
    if (!ps || duckdb_prepared_statement_type(ps) != DUCKDB_STATEMENT_TYPE_SELECT ||
        !needs_cast(ps, &n_bad))
        return ps;
    char *wrapped = cast_wrap(ps, sql);
    duckdb_prepared_statement ps2 = proxy__guard_prepare(con, wrapped, err);
    free(wrapped);
    if (!ps2)
        return ps; /* e.g. duplicate column names: keep the original, its values print raw */
    duckdb_destroy_prepare(&ps);
    return ps2;
}

/* DuckDB names a column by its expression; the renamed compatibility functions
 * (proxy/sqltext.c) show as PostgreSQL names them: am_version() -> version. */
static char *column_name(const char *name)
{
    if (!name)
        return am_xstrdup("?column?");
    size_t n = strlen(name);
    if (strncmp(name, "am_", 3) == 0 && n > 5 && strcmp(name + n - 2, "()") == 0)
        return am_xstrndup(name + 3, n - 5);
    return am_xstrdup(name);
}

bool proxy__cursor_open(proxy_cursor_t *c, duckdb_prepared_statement ps, am_err_t *err)
{
    (void)err;
    memset(c, 0, sizeof *c);
    c->ps = ps;
    c->stype = duckdb_prepared_statement_type(ps);
    c->n_cols = duckdb_prepared_statement_column_count(ps);
    c->cols = am_xcalloc(c->n_cols + 1, sizeof *c->cols);
    c->formats = am_xcalloc(c->n_cols + 1, sizeof *c->formats);
    for (size_t i = 0; i < c->n_cols; i++) {
        const char *name = duckdb_prepared_statement_column_name(ps, i);
        c->cols[i].name = column_name(name);
        duckdb_free((void *)name);
        c->cols[i].ltype = duckdb_prepared_statement_column_logical_type(ps, i);
        proxy__col_describe(&c->cols[i]);
    }
    return true;
}

void proxy__cursor_set_formats(proxy_cursor_t *c, const int16_t *f, size_t n)
{
    for (size_t i = 0; i < c->n_cols; i++)
        c->formats[i] = proxy__bind_format(f, n, i);
}

void proxy__cursor_rowdesc(proxy_session_t *s, const proxy_cursor_t *c)
{
    if (c->n_cols == 0) {
        proxy__wire_empty(&s->out, 'n');
        return;
    }
    size_t off = proxy__wire_rowdesc_begin(&s->out, (uint16_t)c->n_cols);
    for (size_t i = 0; i < c->n_cols; i++) {
        const proxy_col_t *col = &c->cols[i];
        proxy__wire_rowdesc_field(&s->out, col->name, col->oid, col->typlen, col->typmod,
                                  c->formats[i]);
    }
    proxy__msg_end(&s->out, off);
}

static bool start(proxy_cursor_t *c, am_err_t *err)
{
    if (c->materialize) {
        c->has_result = true;
        if (duckdb_execute_prepared(c->ps, &c->result) == DuckDBSuccess)
            return true;
        proxy__duck_error(err, duckdb_result_error_type(&c->result),
                          duckdb_result_error(&c->result));
        return false;
    }
    duckdb_pending_result pend = NULL;
    if (duckdb_pending_prepared_streaming(c->ps, &pend) != DuckDBSuccess) {
        const char *m = duckdb_pending_error(pend);
        proxy__duck_error(
            err, strstr(m ? m : "", "nterrupt") ? DUCKDB_ERROR_INTERRUPT : DUCKDB_ERROR_INVALID, m);
        duckdb_destroy_pending(&pend);
        return false;
    }
    duckdb_state st = duckdb_execute_pending(pend, &c->result);
    duckdb_destroy_pending(&pend);
    c->has_result = true;
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
    if (c->chunk && c->chunk_size > 0)
        return true;
    const char *m = duckdb_result_error(&c->result);
    if (m) {
        proxy__duck_error(err, duckdb_result_error_type(&c->result), m);
        return false;
    }
    c->done = !c->chunk || c->chunk_size == 0;
    return true;
}

static void send_row(proxy_session_t *s, proxy_cursor_t *c)
{
    size_t off = proxy__wire_datarow_begin(&s->out, (uint16_t)c->n_cols);
    for (size_t i = 0; i < c->n_cols; i++) {
        duckdb_vector v = duckdb_data_chunk_get_vector(c->chunk, i);
        (void)proxy__value_encode(s, c->cols[i].ltype, v, c->chunk_row, c->formats[i], &s->out);
    }
    proxy__msg_end(&s->out, off);
    c->chunk_row++;
    c->n_sent++;
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
    if (c->stype == DUCKDB_STATEMENT_TYPE_EXPLAIN)
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
    if (c->ps)
        duckdb_destroy_prepare(&c->ps);
    memset(c, 0, sizeof *c);
}

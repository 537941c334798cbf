/*
 * proxy/simple.c: the simple query protocol. A Query string is split into statements; each
 * is a connection-level command (proxy/session.c) or a read run in DuckDB; the first error
 * ends the string; one ReadyForQuery closes it.
 * Spec: postgres.md §4.4.
 */
#include "proxy/proxy_internal.h"

#include <stdlib.h>
#include <string.h>

bool proxy__run_statement(proxy_session_t *s, const char *sql, am_err_t *err)
{
    am_buf_t rw;
    am_buf_init(&rw);
    proxy__sql_rewrite(sql, strlen(sql), &rw);
    duckdb_prepared_statement ps = proxy__prepare_read(s->con, rw.data, err);
    char **names = ps ? proxy__colnames(s->con, rw.data, ps) : NULL;
    am_buf_destroy(&rw);
    if (!ps)
        return false;
    proxy_cursor_t c;
    bool suspended = false;
    bool opened = proxy__cursor_open(&c, ps, err);
    if (opened)
        proxy__cursor_rename(&c, names);
    proxy__colnames_free(names, duckdb_prepared_statement_column_count(ps));
    if (!opened)
        return false;
    proxy__cursor_rowdesc(s, &c);
    bool ok = proxy__cursor_fetch(s, &c, 0, &suspended, err);
    if (ok) {
        char tag[64];
        proxy__cursor_tag(&c, tag, sizeof tag);
        proxy__wire_complete(&s->out, tag);
    }
    proxy__cursor_close(&c);
    return ok;
}

/* One statement of the string; false on error (err filled). */
static bool run_one(proxy_session_t *s, const char *stmt, size_t len, am_err_t *err)
{
    if (s->tx == 'E' && !proxy__session_ends_tx(stmt, len))
        return am_err_set(err, PROXY_SQLSTATE_IN_FAILED_TX,
                          "current transaction is aborted, commands ignored until end of "
                          "transaction block");
    bool handled = false;
    if (!proxy__session_command(s, stmt, len, &handled, true, err))
        return false;
    if (handled)
        return true;
    if (s->tx == 'T' && !proxy__duck_tx_begin(s, err))
        return false;
    return proxy__run_statement(s, stmt, err);
}

void proxy__simple_query(proxy_session_t *s, const char *sql)
{
    size_t len = strlen(sql), n = 0;
    proxy__extended_drop_unnamed(s);
    proxy_span_t *spans = proxy__sql_split(sql, len, &n);
    if (n == 0)
        proxy__wire_empty(&s->out, 'I');
    for (size_t i = 0; i < n; i++) {
        char *stmt = am_xstrndup(sql + spans[i].off, spans[i].len);
        am_err_t err = {0};
        bool ok = run_one(s, stmt, spans[i].len, &err);
        free(stmt);
        if (!ok) {
            proxy__send_error(s, &err);
            proxy__session_fail_tx(s);
            break;
        }
        if (s->io_failed)
            break;
    }
    free(spans);
    proxy__wire_ready(&s->out, s->tx);
}

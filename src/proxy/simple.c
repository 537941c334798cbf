/*
 * proxy/simple.c: the simple query protocol. The Query string is parsed with PostgreSQL's
 * grammar into statements; each runs in turn (a read through query.c, a session statement
 * through stmt.c); the first error ends the string; one ReadyForQuery closes it. Several
 * statements outside a block run in one implicit transaction, as in PostgreSQL: one now(),
 * and under REPEATABLE READ one snapshot.
 * Spec: postgres.md section 4.4.
 */
#include "proxy/proxy_internal.h"

#include <stdlib.h>
#include <string.h>

static bool run_query(proxy_session_t *s, const struct PgQuery__Node *node, am_err_t *err)
{
    if (!proxy__session_read_tx(s, err))
        return false;
    proxy_cursor_t c;
    proxy_params_t none = {0};
    if (!proxy__query_open(s, node, NULL, 0, &none, &c, err))
        return false;
    bool suspended = false;
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
static bool run_one(proxy_session_t *s, const proxy_sqlstmt_t *st, am_err_t *err)
{
    if (s->tx == 'E' && !proxy__stmt_ends_failed_tx(st->node))
        return am_err_set(err, PROXY_SQLSTATE_IN_FAILED_TX,
                          "current transaction is aborted, commands ignored until end of "
                          "transaction block");
    proxy_stmt_kind_t kind;
    if (!proxy__stmt_kind(st->node, &kind, err))
        return false;
    /* a lone statement is a transaction of its own: no DuckDB one needed to share a snapshot */
    if (s->implicit_block)
        proxy__session_implicit_begin(s);
    else
        proxy__session_stmt_begin(s);
    proxy__session_stmt_snapshot(s);
    if (kind == PROXY_STMT_QUERY)
        return run_query(s, st->node, err);
    return proxy__stmt_utility(s, st->node, st->text, true, err);
}

void proxy__simple_query(proxy_session_t *s, const char *sql)
{
    (void)proxy__prep_drop(s, "");
    proxy__portal_drop(s, "");
    proxy_sqlparse_t parse;
    am_err_t err = {0};
    int pos = 0;
    if (!proxy__sql_parse(sql, &parse, &pos, &err)) {
        proxy__send_error_at(s, &err, pos);
        proxy__session_fail_tx(s);
        proxy__wire_ready(&s->out, s->tx);
        return;
    }
    if (parse.n_stmts == 0)
        proxy__wire_empty(&s->out, 'I');
    s->implicit_block = parse.n_stmts > 1;
    for (size_t i = 0; i < parse.n_stmts; i++) {
        memset(&err, 0, sizeof err);
        int64_t start = am_mono_us();
        bool ok = run_one(s, &parse.stmts[i], &err);
        proxy__metrics_query(ok ? NULL : &err, start);
        if (!ok) {
            proxy__send_error(s, &err);
            proxy__session_fail_tx(s);
            break;
        }
        if (s->io_failed)
            break;
    }
    proxy__sql_parse_destroy(&parse);
    s->implicit_block = false;
    /* the implicit transaction of the string ends, and what SET TRANSACTION gave it */
    if (s->tx == 'I' && s->implicit_tx) {
        proxy__session_sync(s);
    } else if (s->tx == 'I') {
        proxy__portal_end_tx(s, true);
        free(s->tx_isolation);
        s->tx_isolation = NULL;
    }
    proxy__wire_ready(&s->out, s->tx);
}

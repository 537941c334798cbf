/*
 * proxy/sql_parse.c: client SQL through PostgreSQL 15's own grammar (libpg_query, Debian's
 * libpg-query-dev): comments, E'' and U&'' strings, dollar quoting, several statements in one
 * Query message and $n parameters are read exactly as PostgreSQL reads them. The tree comes
 * back as protobuf-c structs (pg_query/pg_query.pb-c.h) that the compiler walks.
 * Must not: look at the text itself; every decision is made on the tree.
 */
#include "proxy/sql_internal.h"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <stdlib.h>
#include <string.h>

/* Statement text of stmts[i]: stmt_len 0 means "to the end of the string". */
static char *stmt_text(const char *sql, const PgQuery__RawStmt *rs)
{
    size_t len = strlen(sql), off = (size_t)rs->stmt_location;
    if (rs->stmt_location < 0 || off > len)
        off = len;
    size_t n = rs->stmt_len > 0 ? (size_t)rs->stmt_len : len - off;
    if (n > len - off)
        n = len - off;
    while (n > 0 && (sql[off] == ' ' || sql[off] == '\n' || sql[off] == '\t' || sql[off] == '\r')) {
        off++;
        n--;
    }
    return am_xstrndup(sql + off, n);
}

bool proxy__sql_parse(const char *sql, proxy_sqlparse_t *out, int *position, am_err_t *err)
{
    memset(out, 0, sizeof *out);
    *position = 0;
    PgQueryProtobufParseResult r = pg_query_parse_protobuf(sql);
    if (r.error) {
        *position = r.error->cursorpos;
        am_err_set(err, AM_SQLSTATE_SYNTAX, "%s",
                   r.error->message ? r.error->message : "syntax error");
        pg_query_free_protobuf_parse_result(r);
        return false;
    }
    out->tree =
        pg_query__parse_result__unpack(NULL, r.parse_tree.len, (const uint8_t *)r.parse_tree.data);
    pg_query_free_protobuf_parse_result(r);
    if (!out->tree)
        return am_err_set(err, AM_SQLSTATE_INTERNAL, "libpg_query: cannot read its parse tree");
    out->stmts = am_xcalloc(out->tree->n_stmts + 1, sizeof *out->stmts);
    for (size_t i = 0; i < out->tree->n_stmts; i++) {
        const PgQuery__RawStmt *rs = out->tree->stmts[i];
        if (!rs || !rs->stmt)
            continue;
        out->stmts[out->n_stmts].node = rs->stmt;
        out->stmts[out->n_stmts].text = stmt_text(sql, rs);
        out->n_stmts++;
    }
    return true;
}

void proxy__sql_parse_destroy(proxy_sqlparse_t *p)
{
    for (size_t i = 0; i < p->n_stmts; i++)
        free(p->stmts[i].text);
    free(p->stmts);
    if (p->tree)
        pg_query__parse_result__free_unpacked(p->tree, NULL);
    memset(p, 0, sizeof *p);
}

/*
 * proxy/sqlc_util.c: small helpers of the SQL compiler: arena strings, the identifiers and
 * literals we write into DuckDB SQL, failing with a SQLSTATE, type names for messages.
 */
#include "proxy/sqlc_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

char *sqlc_printf(sqlc_ctx_t *c, const char *fmt, ...)
{
    am_buf_t b;
    am_buf_init(&b);
    va_list ap;
    va_start(ap, fmt);
    am_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    char *s = am_arena_strndup(c->arena, b.data ? b.data : "", b.len);
    am_buf_destroy(&b);
    return s;
}

char *sqlc_strdup(sqlc_ctx_t *c, const char *s)
{
    return am_arena_strdup(c->arena, s ? s : "");
}

char *sqlc_ident(sqlc_ctx_t *c, const char *name)
{
    am_buf_t b;
    am_buf_init(&b);
    am_sql_ident(&b, name);
    char *s = am_arena_strndup(c->arena, b.data, b.len);
    am_buf_destroy(&b);
    return s;
}

char *sqlc_literal(sqlc_ctx_t *c, const char *s)
{
    am_buf_t b;
    am_buf_init(&b);
    am_sql_literal(&b, s);
    char *r = am_arena_strndup(c->arena, b.data, b.len);
    am_buf_destroy(&b);
    return r;
}

char *sqlc_alias(sqlc_ctx_t *c, char kind)
{
    return sqlc_printf(c, "%c%d", kind, ++c->next_alias);
}

bool sqlc_fail(sqlc_ctx_t *c, const char *sqlstate, const char *fmt, ...)
{
    char msg[sizeof c->err->msg];
    va_list ap;
    va_start(ap, fmt);
    (void)vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return am_err_set(c->err, sqlstate, "%s", msg);
}

/* The parse bounds a tree's depth (sql_parse.c), but not the stack a level takes: a subquery
 * level is many frames, and a sanitizer's frames are several times larger. What is kept back
 * is room for the deepest stretch between two checks and for what runs after a failure. */
#define STACK_RESERVE ((size_t)512 * 1024)

bool sqlc_stack_ok(sqlc_ctx_t *c)
{
    if (am_stack_left() >= STACK_RESERVE)
        return true;
    return sqlc_fail(c, "54001", "stack depth limit exceeded");
}

const char *sqlc_str(const sqlc_node_t *n)
{
    if (n && n->node_case == PG_QUERY__NODE__NODE_STRING && n->string)
        return n->string->sval;
    return NULL;
}

sqlc_val_t sqlc_val_of(char *sql, proxy_pgtype_ref_t t)
{
    sqlc_val_t v;
    memset(&v, 0, sizeof v);
    v.sql = sql;
    v.type = t;
    return v;
}

proxy_pgtype_ref_t sqlc_type(uint32_t oid)
{
    return (proxy_pgtype_ref_t){oid, -1};
}

bool sqlc_type_eq(proxy_pgtype_ref_t a, proxy_pgtype_ref_t b)
{
    return a.oid == b.oid && a.typmod == b.typmod;
}

char *sqlc_duck_type(sqlc_ctx_t *c, proxy_pgtype_ref_t t)
{
    am_buf_t b;
    am_buf_init(&b);
    proxy__pgtype_duck(c->cat, t, &b);
    char *s = am_arena_strndup(c->arena, b.data, b.len);
    am_buf_destroy(&b);
    return s;
}

const char *sqlc_type_name(sqlc_ctx_t *c, proxy_pgtype_ref_t t)
{
    const char *sql = proxy__pgtype_sql_name(t.oid);
    if (sql)
        return sql;
    uint32_t elem = proxy__pgtype_elem(c->cat, t.oid);
    if (elem)
        return sqlc_printf(c, "%s[]", sqlc_type_name(c, sqlc_type(elem)));
    const proxy_pgtype_info_t *b = proxy__pgtype_builtin(t.oid);
    if (b)
        return b->name;
    const proxy_pgtype_t *pt = c->cat ? proxy__pgcat_type(c->cat, t.oid) : NULL;
    if (pt)
        return pt->name;
    return sqlc_printf(c, "%u", t.oid);
}

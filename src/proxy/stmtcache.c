/*
 * proxy/stmtcache.c: a session's DuckDB statements, kept for the next run of the same compiled
 * SQL. duckdb_prepare binds and plans the whole statement, and DuckDB binds it again when it
 * runs (its catalog moved, or its Parquet scan cannot be reused): a dashboard repeating a query
 * paid for both every time. A kept statement is rebound by DuckDB at execution whenever the
 * views changed, so it reads the same files a fresh one would; it is kept per served catalog,
 * because its result types (described to the client before it runs) come from the bind that
 * made it. A statement belongs to one cursor at a time: taken out while a cursor runs it, given
 * back when the cursor closes. Must not: share statements between sessions (each has its own
 * DuckDB connection).
 */
#include "proxy/proxy_internal.h"

#include <stdlib.h>
#include <string.h>

static void entry_free(proxy_stmt_entry_t *e)
{
    free(e->sql);
    duckdb_destroy_prepare(&e->ps);
    proxy__pgcat_unref(e->cat);
    memset(e, 0, sizeof *e);
}

/* Statements of a catalog no longer served never hit again: their memory and the old
 * catalog's go at the session's next statement. */
static void drop_other_catalogs(proxy_stmt_cache_t *c, const struct proxy_pgcat *cat)
{
    for (size_t i = 0; i < c->n;)
        if (c->e[i].cat != cat) {
            entry_free(&c->e[i]);
            c->e[i] = c->e[--c->n];
        } else {
            i++;
        }
}

duckdb_prepared_statement proxy__stmt_take(proxy_stmt_cache_t *c, const char *sql,
                                           const struct proxy_pgcat *cat)
{
    drop_other_catalogs(c, cat);
    for (size_t i = 0; i < c->n; i++) {
        proxy_stmt_entry_t *e = &c->e[i];
        if (strcmp(e->sql, sql) != 0)
            continue;
        duckdb_prepared_statement ps = e->ps;
        e->ps = NULL;
        entry_free(e);
        c->e[i] = c->e[--c->n];
        if (duckdb_clear_bindings(ps) == DuckDBSuccess)
            return ps;
        duckdb_destroy_prepare(&ps);
        return NULL;
    }
    return NULL;
}

void proxy__stmt_give(proxy_stmt_cache_t *c, char *sql, struct proxy_pgcat *cat,
                      duckdb_prepared_statement ps)
{
    drop_other_catalogs(c, cat);
    if (c->n == PROXY_STMT_CACHE_SIZE) {
        size_t lru = 0;
        for (size_t i = 1; i < c->n; i++)
            if (c->e[i].used < c->e[lru].used)
                lru = i;
        entry_free(&c->e[lru]);
        c->e[lru] = c->e[--c->n];
    }
    c->e[c->n++] = (proxy_stmt_entry_t){.sql = sql, .cat = cat, .ps = ps, .used = ++c->clock};
}

void proxy__stmt_cache_clear(proxy_stmt_cache_t *c)
{
    for (size_t i = 0; i < c->n; i++)
        entry_free(&c->e[i]);
    c->n = 0;
}

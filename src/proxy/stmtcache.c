/*
 * proxy/stmtcache.c: a session's DuckDB statements, kept for the next run of the same compiled
 * SQL. duckdb_prepare binds and plans the whole statement, and DuckDB binds a statement that
 * scans Parquet again when it runs: a dashboard repeating a query paid for both every time.
 * A statement whose plan scans no file (an empty table's view) runs as it was bound, so a kept
 * one is used only while the views are those it was bound under: views_gen is even and has
 * not moved since (a refresh makes it odd while it swaps the views, then even again). It is
 * kept per served catalog too, since its result types were described from that bind.
 * A statement belongs to one cursor at a time: taken out while a cursor runs it, given back
 * when the cursor closes. Inside a READ COMMITTED block the same holds for the views the
 * block's DuckDB transaction reads (its snapshot, taken after BEGIN): the caller keeps
 * statements there only while views_gen is still what it was at BEGIN, and so never tags a
 * statement bound under an older snapshot with a newer gen (query.c says why other blocks keep
 * none). Must not: share statements between sessions (each has its own DuckDB connection).
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

static void remove_at(proxy_stmt_cache_t *c, size_t i)
{
    entry_free(&c->e[i]);
    c->e[i] = c->e[--c->n];
}

duckdb_prepared_statement proxy__stmt_take(proxy_stmt_cache_t *c, const char *sql,
                                           const struct proxy_pgcat *cat, uint64_t gen)
{
    if (c->cat != cat || c->gen != gen) { /* the views moved: what was kept never hits again */
        proxy__stmt_cache_clear(c);
        c->cat = cat;
        c->gen = gen;
    }
    for (size_t i = 0; i < c->n; i++) {
        if (strcmp(c->e[i].sql, sql) != 0)
            continue;
        duckdb_prepared_statement ps = c->e[i].ps;
        c->e[i].ps = NULL;
        remove_at(c, i);
        if (duckdb_clear_bindings(ps) == DuckDBSuccess)
            return ps;
        duckdb_destroy_prepare(&ps);
        return NULL;
    }
    return NULL;
}

void proxy__stmt_give(proxy_stmt_cache_t *c, char *sql, struct proxy_pgcat *cat, uint64_t gen,
                      duckdb_prepared_statement ps)
{
    /* odd: prepared while views were being swapped, bound under either; not the views the
     * session's last statement read: a cursor that outlived them */
    if ((gen & 1) || gen != c->gen || cat != c->cat) {
        free(sql);
        proxy__pgcat_unref(cat);
        duckdb_destroy_prepare(&ps);
        return;
    }
    if (c->n == PROXY_STMT_CACHE_SIZE) {
        size_t lru = 0;
        for (size_t i = 1; i < c->n; i++)
            if (c->e[i].used < c->e[lru].used)
                lru = i;
        remove_at(c, lru);
    }
    c->e[c->n++] = (proxy_stmt_entry_t){.sql = sql, .cat = cat, .ps = ps, .used = ++c->clock};
}

void proxy__stmt_cache_clear(proxy_stmt_cache_t *c)
{
    for (size_t i = 0; i < c->n; i++)
        entry_free(&c->e[i]);
    c->n = 0;
}

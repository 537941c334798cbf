/*
 * tests/fuzz/fuzz_pgcat.c: the served catalog model (proxy/pgcat*.c) on arbitrary bytes, as a
 * damaged warehouse could hand them over. Each input parses or fails with XX001; a model that
 * parses is walked through every look-up and loaded into DuckDB (inside a transaction that is
 * rolled back), which runs every text-to-value conversion on its rows. Nothing may crash or
 * leak. Corpus: small catalog documents shaped like the writer's, some damaged.
 */
#include <stdint.h>
#include <string.h>

#include "proxy/pgcat_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static duckdb_database db;
static duckdb_connection con;

static void exec(const char *sql)
{
    duckdb_result r;
    (void)duckdb_query(con, sql, &r);
    duckdb_destroy_result(&r);
}

static void walk(proxy_pgcat_t *cat)
{
    am_buf_t duck;
    am_buf_init(&duck);
    for (size_t i = 0; i < proxy__pgcat_n_rels(cat); i++) {
        const proxy_pgrel_t *r = proxy__pgcat_rel_at(cat, i);
        AM_ASSERT(proxy__pgcat_rel(cat, r->oid) == r);
        AM_ASSERT(proxy__pgcat_rel_find(cat, r->nspname, r->name) == r);
        for (size_t k = 0; k < r->n_cols; k++) {
            am_buf_reset(&duck);
            proxy__pgtype_duck(cat, (proxy_pgtype_ref_t){r->cols[k].type_oid, r->cols[k].typmod},
                               &duck);
        }
        (void)proxy__pgcat_serve(cat, r->nspname, r->name);
    }
    for (size_t i = 0; i < cat->n_types; i++) {
        const proxy_pgtype_t *t = &cat->types[i];
        AM_ASSERT(proxy__pgcat_type_find(cat, t->nspname, t->name) == t);
        (void)proxy__pgtype_base(cat, (proxy_pgtype_ref_t){t->oid, -1});
    }
    (void)proxy__pgcat_proc_name(cat, 24, NULL);
    (void)proxy__pgcat_role_find(cat, "postgres");
    am_buf_destroy(&duck);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!db && (duckdb_open(NULL, &db) == DuckDBError || duckdb_connect(db, &con) == DuckDBError))
        return 0;
    am_err_t err = {0};
    proxy_pgcat_t *cat = proxy__pgcat_parse((const char *)data, size, &err);
    if (!cat) {
        AM_ASSERT(strcmp(err.sqlstate, "XX001") == 0 && err.msg[0] != '\0');
        return 0;
    }
    walk(cat);
    exec("BEGIN");
    if (!proxy__pgcat_duck_load(cat, con, &err))
        AM_ASSERT(err.msg[0] != '\0');
    exec("ROLLBACK");
    proxy__pgcat_unref(cat);
    return 0;
}

/*
 * tests/mirror/test_catalog.c: the write path keeps the served catalog: the initial copy
 * publishes the document captured under its snapshot and the watermark names it; a restart
 * with an unchanged catalog writes nothing new; a changed one is published and named by a
 * watermark at the same durable LSN; later watermarks keep naming it. Real PostgreSQL, real
 * lake in a temp warehouse, mirror_run on a thread of its own.
 */
#include <pthread.h>
#include <stdatomic.h>

#include "../source/source_test.h"
#include "../support/catalog_fixture.h"
#include "lake/lake.h"
#include "mirror/mirror.h"

typedef struct runner {
    mirror_t *m;
    atomic_bool stop;
    pthread_t thread;
    bool ok;
    am_err_t err;
} runner_t;

static void *run_thread(void *ud)
{
    runner_t *r = ud;
    r->ok = mirror_run(r->m, &r->stop, &r->err);
    return NULL;
}

static bool streaming(void *ud)
{
    mirror_status_t st;
    mirror_status(((runner_t *)ud)->m, &st);
    return st.phase == MIRROR_STREAMING || st.phase == MIRROR_FAILED;
}

static void runner_start(runner_t *r, const char *db, const char *warehouse)
{
    source_options_t so = srct_options(db, cf_tables, CF_N_TABLES);
    /* measures has no key: mirrored insert-only */
    mirror_table_spec_t specs[CF_N_TABLES];
    for (size_t i = 0; i < CF_N_TABLES; i++)
        specs[i] = (mirror_table_spec_t){cf_tables[i].schema, cf_tables[i].name,
                                         strcmp(cf_tables[i].name, "measures") == 0, false};
    mirror_options_t o = {
        .source = so, .specs = specs, .n_specs = CF_N_TABLES, .warehouse = warehouse};
    r->m = mirror_new(&o);
    atomic_init(&r->stop, false);
    cr_assert_eq(pthread_create(&r->thread, NULL, run_thread, r), 0);
    cr_assert(amt_wait_until(streaming, r, 120000), "the mirror did not reach streaming");
    mirror_status_t st;
    mirror_status(r->m, &st);
    cr_assert_eq(st.phase, MIRROR_STREAMING, "mirror failed: %s", st.last_error);
}

static void runner_stop(runner_t *r)
{
    atomic_store(&r->stop, true);
    pthread_join(r->thread, NULL);
    cr_assert(r->ok, "mirror_run: %s %s", r->err.sqlstate, r->err.msg);
    mirror_free(r->m);
}

static lake_watermark_t watermark(const char *warehouse)
{
    lake_watermark_t wm = {0};
    bool found = false;
    am_err_t err = {0};
    cr_assert(lake_watermark_read(warehouse, &wm, &found, &err), "%s", err.msg);
    cr_assert(found, "no watermark");
    return wm;
}

static json_t *catalog_doc(const char *warehouse, const char *name)
{
    am_buf_t b;
    am_buf_init(&b);
    am_err_t err = {0};
    cr_assert(lake_catalog_read(warehouse, name, &b, &err), "%s", err.msg);
    json_t *j = cf_parse(&b);
    am_buf_destroy(&b);
    return j;
}

static const char *comment_of_customers(json_t *doc, const char *oid)
{
    return cf_lookup(cf_rel(doc, "pg_catalog", "pg_description"), "objoid", oid, "objsubid", "0",
                     "description");
}

typedef struct lsn_wait {
    const char *warehouse;
    am_lsn_t past;
} lsn_wait_t;

static bool watermark_past(void *ud)
{
    lsn_wait_t *w = ud;
    lake_watermark_t wm = watermark(w->warehouse);
    bool moved = wm.lsn > w->past;
    lake_watermark_destroy(&wm);
    return moved;
}

/* After a restart that found the catalog changed: 00000002.json, named at the durable LSN,
 * and still named once data flushes. */
static void check_changed(PGconn *c, const char *warehouse, const char *oid, am_lsn_t copied_at)
{
    lake_watermark_t wm = watermark(warehouse);
    cr_assert_str_eq(wm.catalog, "00000002.json");
    cr_assert_eq(wm.lsn, copied_at);
    cr_assert_eq(wm.n_tables, CF_N_TABLES);
    lake_watermark_destroy(&wm);
    json_t *doc = catalog_doc(warehouse, "00000002.json");
    cr_assert_str_eq(comment_of_customers(doc, oid), "changed while down");
    json_decref(doc);
    amt_pg_exec(c, "INSERT INTO measures VALUES ('2024-06-01', 2.5)");
    lsn_wait_t w = {.warehouse = warehouse, .past = copied_at};
    cr_assert(amt_wait_until(watermark_past, &w, 60000), "no flush after the insert");
    wm = watermark(warehouse);
    cr_assert_str_eq(wm.catalog, "00000002.json");
    lake_watermark_destroy(&wm);
}

Test(mirror, writer_keeps_the_catalog_named_by_the_watermark, .timeout = 300)
{
    const char *db = "mirror_catalog";
    cf_create(db);
    char *warehouse = amt_tmpdir(db);
    PGconn *c = amt_pg_connect(db);
    /* the document carries pg_class rows, statistics included, of the system catalogs too:
     * the fixture's DDL leaves those for autovacuum, which, on a loaded machine, got to them
     * between two starts and made the unchanged restart below find a changed catalog */
    amt_pg_exec(c, "VACUUM (ANALYZE)");
    char *oid = amt_pg_value(c, "SELECT 'customers'::regclass::oid");
    runner_t r = {0};
    runner_start(&r, db, warehouse);
    lake_watermark_t wm = watermark(warehouse);
    cr_assert_str_eq(wm.catalog, "00000001.json");
    json_t *doc = catalog_doc(warehouse, wm.catalog);
    am_lsn_t doc_lsn = 0;
    cr_assert(am_lsn_parse(json_string_value(json_object_get(doc, "lsn")), &doc_lsn));
    cr_assert_eq(doc_lsn, wm.lsn, "the copy's catalog records the consistent point");
    cr_assert_str_eq(comment_of_customers(doc, oid), "people who buy");
    json_decref(doc);
    am_lsn_t copied_at = wm.lsn;
    lake_watermark_destroy(&wm);
    runner_stop(&r);

    /* unchanged catalog: nothing new */
    runner_start(&r, db, warehouse);
    wm = watermark(warehouse);
    cr_assert_str_eq(wm.catalog, "00000001.json");
    lake_watermark_destroy(&wm);
    am_buf_t none;
    am_buf_init(&none);
    am_err_t err = {0};
    cr_assert_not(lake_catalog_read(warehouse, "00000002.json", &none, &err));
    am_buf_destroy(&none);
    runner_stop(&r);

    /* changed while the mirror was down: published, named at the same durable LSN */
    amt_pg_exec(c, "COMMENT ON TABLE customers IS 'changed while down'");
    runner_start(&r, db, warehouse);
    check_changed(c, warehouse, oid, copied_at);
    runner_stop(&r);
    free(oid);
    PQfinish(c);
    cr_assert(am_remove_tree(warehouse, &err), "%s", err.msg);
    free(warehouse);
}

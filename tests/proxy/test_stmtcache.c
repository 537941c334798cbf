/*
 * tests/proxy/test_stmtcache.c: a session's DuckDB statements kept between runs of the same
 * SQL (proxy/stmtcache.c), every answer compared with the same session on PostgreSQL: two SQL
 * cursors and a plain run of one statement open at once; new rows after the views moved, also
 * into a table that had none (a plan without a Parquet scan, which DuckDB does not bind again
 * by itself); the same prepared query with different parameters; DISCARD PLANS and DISCARD
 * ALL in between; inside READ COMMITTED blocks, where a statement is kept while the block's
 * views are those it was bound under, and REPEATABLE READ ones, which keep none (and whose
 * snapshot of an empty table holds across a refresh).
 */
#include "proxy_test.h"

#include "health/health.h"

static const char items_sql[] = "CREATE TABLE items (id int PRIMARY KEY, label text);"
                                "INSERT INTO items SELECT i, 'item ' || i "
                                "FROM generate_series(1, 6) i";
static const source_table_ref_t items_tables[] = {{"public", "items"}};

#define ALL_ITEMS "SELECT id, label FROM items ORDER BY id"

static void same_params(PGconn *px, PGconn *pg, const char *sql, const char *param)
{
    pt_expect_same_params(px, pg, sql, 1, (const char *const[]){param}, 0);
}

Test(proxy, a_kept_statement_serves_every_cursor_and_follows_the_views)
{
    pt_mirror_t m = pt_mirror_open("proxy_stmtcache", items_sql, items_tables, 1);
    pt_proxy_t t = pt_start_mirror(&m);
    PGconn *px = pt_connect(&t), *pg = pt_pg_connect(m.db);
    static const char *const steps[] = {
        ALL_ITEMS,
        ALL_ITEMS,
        "BEGIN",
        "DECLARE a CURSOR FOR " ALL_ITEMS,
        "DECLARE b CURSOR FOR " ALL_ITEMS,
        "FETCH 2 FROM a",
        "FETCH 3 FROM b",
        ALL_ITEMS, /* while both cursors hold a statement of the same SQL */
        "FETCH 2 FROM a",
        "CLOSE a",
        "FETCH ALL FROM b",
        "CLOSE b",
        "COMMIT",
        ALL_ITEMS,
        "DISCARD PLANS",
        ALL_ITEMS,
        "DISCARD ALL",
        ALL_ITEMS,
    };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        pt_expect_same(px, pg, steps[i]);

    /* the statement kept from the runs above reads the new watermark's files */
    pt_mirror_exec(&m, "INSERT INTO items SELECT i, 'late ' || i FROM generate_series(7, 9) i;"
                       "DELETE FROM items WHERE id = 2");
    am_err_t err = {0};
    cr_assert(proxy_refresh(t.p, &err), "%s", err.msg);
    pt_expect_same(px, pg, ALL_ITEMS);
    pt_expect_same(px, pg, "SELECT count(*) FROM items");

    /* one SQL text, different parameters: each run binds its own */
    static const char by_id[] = "SELECT id, label FROM items WHERE id < $1 ORDER BY id";
    same_params(px, pg, by_id, "4");
    same_params(px, pg, by_id, "9");
    same_params(px, pg, by_id, "1");
    same_params(px, pg, by_id, "x"); /* 22P02 from the kept statement too */
    same_params(px, pg, by_id, "8");
    PQfinish(px);
    PQfinish(pg);
    pt_stop(&t);
    pt_mirror_close(&m);
}

/* More distinct statements than a session keeps: the least recent go, answers stay right. */
Test(proxy, many_distinct_statements_in_one_session)
{
    pt_mirror_t m = pt_mirror_open("proxy_stmtmany", items_sql, items_tables, 1);
    pt_proxy_t t = pt_start_mirror(&m);
    PGconn *px = pt_connect(&t), *pg = pt_pg_connect(m.db);
    for (int round = 0; round < 3; round++)
        for (int i = 0; i < 40; i++) {
            char sql[120];
            snprintf(sql, sizeof sql,
                     "SELECT id, label, %d AS k FROM items WHERE id > %d ORDER BY id", i, i % 7);
            pt_expect_same(px, pg, sql);
        }
    PQfinish(px);
    PQfinish(pg);
    pt_stop(&t);
    pt_mirror_close(&m);
}

/* An empty table's view reads no file: DuckDB runs a kept plan of it as it was bound, so a kept
 * statement must not outlive the views it was bound under. */
Test(proxy, a_kept_statement_sees_rows_arrive_in_an_empty_table)
{
    pt_mirror_t m = pt_mirror_open(
        "proxy_stmtempty", "CREATE TABLE items (id int PRIMARY KEY, label text)", items_tables, 1);
    pt_proxy_t t = pt_start_mirror(&m);
    PGconn *px = pt_connect(&t), *pg = pt_pg_connect(m.db);
    pt_expect_same(px, pg, "SELECT count(*) FROM items");
    pt_expect_same(px, pg, ALL_ITEMS);
    pt_expect_same(px, pg, "SELECT count(*) FROM items");
    /* the rows arrive while a REPEATABLE READ block reads the empty view: what the block
     * prepares then is bound under its old snapshot, and must not serve the session after it */
    pt_expect_same(px, pg, "BEGIN ISOLATION LEVEL REPEATABLE READ");
    pt_expect_same(px, pg, "SELECT count(*) FROM items");
    pt_mirror_exec(&m, "INSERT INTO items VALUES (1, 'one'), (2, 'two')");
    am_err_t err = {0};
    cr_assert(proxy_refresh(t.p, &err), "%s", err.msg);
    pt_expect_same(px, pg, ALL_ITEMS);
    pt_expect_same(px, pg, "COMMIT");
    pt_expect_same(px, pg, "SELECT count(*) FROM items");
    pt_expect_same(px, pg, ALL_ITEMS);

    /* and inside a block, where the views a statement reads are the block's */
    pt_expect_same(px, pg, "BEGIN ISOLATION LEVEL REPEATABLE READ");
    pt_expect_same(px, pg, "SELECT count(*) FROM items");
    pt_mirror_exec(&m, "INSERT INTO items VALUES (3, 'three')");
    cr_assert(proxy_refresh(t.p, &err), "%s", err.msg);
    pt_expect_value(px, "SELECT count(*) FROM items", "2");
    pt_expect_same(px, pg, "COMMIT");
    pt_expect_same(px, pg, "SELECT count(*) FROM items");
    pt_expect_same(px, pg, ALL_ITEMS);
    PQfinish(px);
    PQfinish(pg);
    pt_stop(&t);
    pt_mirror_close(&m);
}

/* Statements the proxy took from a session's cache, as /metrics counts them (this process's). */
static double kept_count(void)
{
    return health_metric_value(
        health_metric("arctic_mirror_proxy_statements_total", "", HEALTH_COUNTER, "plan=\"kept\""));
}

static void expect_kept(PGconn *px, PGconn *pg, const char *sql, bool kept)
{
    double before = kept_count();
    pt_expect_same(px, pg, sql);
    cr_assert_eq(kept_count(), before + (kept ? 1 : 0), "%s: %s", sql,
                 kept ? "its statement was prepared again" : "a kept statement was used");
}

/* psycopg2 and JDBC without autocommit run every query in a block: a block keeps statements
 * too, as long as its DuckDB transaction reads the views they were bound under. */
Test(proxy, a_transaction_block_keeps_statements_while_its_views_stand)
{
    pt_mirror_t m = pt_mirror_open("proxy_stmtblock", items_sql, items_tables, 1);
    pt_proxy_t t = pt_start_mirror(&m);
    PGconn *px = pt_connect(&t), *pg = pt_pg_connect(m.db);
    am_err_t err = {0};
    expect_kept(px, pg, "BEGIN", false);
    expect_kept(px, pg, ALL_ITEMS, false);
    expect_kept(px, pg, ALL_ITEMS, true);
    expect_kept(px, pg, "COMMIT", false);
    expect_kept(px, pg, ALL_ITEMS, true);

    /* READ COMMITTED: the block moves to the new views, and keeps statements from there on */
    expect_kept(px, pg, "BEGIN", false);
    expect_kept(px, pg, ALL_ITEMS, true);
    pt_mirror_exec(&m, "INSERT INTO items VALUES (7, 'seven')");
    cr_assert(proxy_refresh(t.p, &err), "%s", err.msg);
    expect_kept(px, pg, ALL_ITEMS, false);
    expect_kept(px, pg, ALL_ITEMS, true);
    expect_kept(px, pg, "COMMIT", false);

    /* REPEATABLE READ: DuckDB takes the block's snapshot at the first statement that reads
     * the catalog, which a kept one may not do, so the block prepares its own; across a refresh
     * it answers from its snapshot, and what it prepared does not serve the session later */
    expect_kept(px, pg, "BEGIN ISOLATION LEVEL REPEATABLE READ", false);
    expect_kept(px, pg, ALL_ITEMS, false);
    pt_mirror_exec(&m, "INSERT INTO items VALUES (8, 'eight'); DELETE FROM items WHERE id = 1");
    cr_assert(proxy_refresh(t.p, &err), "%s", err.msg);
    expect_kept(px, pg, ALL_ITEMS, false);
    expect_kept(px, pg, ALL_ITEMS, false);
    expect_kept(px, pg, "COMMIT", false);
    expect_kept(px, pg, ALL_ITEMS, false);
    expect_kept(px, pg, ALL_ITEMS, true);
    PQfinish(px);
    PQfinish(pg);
    pt_stop(&t);
    pt_mirror_close(&m);
}

/*
 * tests/proxy/test_catalog.c: views over a real lake warehouse: a table created and committed
 * through lake.h, a watermark written, then queried through the proxy (unqualified and
 * schema-qualified); a new watermark swaps the views by itself (the poller) and through
 * proxy_refresh; psql's \dt, \d and \l and psycopg2 see the table; DuckDB runs with
 * PostgreSQL's integer division, NULL order and identifier case.
 */
#include "proxy_test.h"

#include "lake/lake.h"

static const lake_column_t cols[] = {
    {.name = "id", .type = {.type = AM_TYPE_INT64}, .required = true, .is_key = true},
    {.name = "name", .type = {.type = AM_TYPE_STRING}},
    {.name = "amount", .type = {.type = AM_TYPE_DECIMAL, .precision = 12, .scale = 2}},
};

typedef struct fixture {
    lake_t *lake;
    lake_table_t *users;
    char *warehouse;
} fixture_t;

static void add_rows(fixture_t *f, int64_t from, int64_t to, am_lsn_t lsn)
{
    lake_batch_t *b = lake_batch_new(f->users);
    for (int64_t i = from; i < to; i++) {
        char name[32], amt[32];
        int n = snprintf(name, sizeof name, "user-%lld", (long long)i);
        int a = snprintf(amt, sizeof amt, "%lld.25", (long long)i);
        am_value_t v[3] = {
            {.kind = AM_VALUE_PRESENT, .i = i},
            {.kind = AM_VALUE_PRESENT, .s = name, .len = (uint32_t)n},
            {.kind = AM_VALUE_PRESENT, .s = amt, .len = (uint32_t)a},
        };
        lake_pos_t pos;
        am_err_t err = {0};
        cr_assert(lake_batch_append(b, v, &pos, &err), "append: %s", err.msg);
    }
    am_err_t err = {0};
    cr_assert(lake_batch_commit(b, lsn, &err), "commit: %s", err.msg);
    lake_batch_free(b);
    lake_watermark_table_t wt = {
        .schema = "public", .name = "users", .snapshot_id = lake_table_snapshot_id(f->users)};
    lake_watermark_t wm = {
        .lsn = lsn, .written_at_ms = am_now_us() / 1000, .tables = &wt, .n_tables = 1};
    cr_assert(lake_watermark_write(f->lake, &wm, &err), "watermark: %s", err.msg);
}

static fixture_t fixture_open(const char *test)
{
    fixture_t f;
    f.warehouse = amt_tmpdir(test);
    am_err_t err = {0};
    f.lake = lake_open(f.warehouse, &err);
    cr_assert_not_null(f.lake, "lake_open: %s", err.msg);
    f.users = lake_table_create(f.lake, "public", "users", cols, 3, &err);
    cr_assert_not_null(f.users, "lake_table_create: %s", err.msg);
    return f;
}

static void fixture_close(fixture_t *f)
{
    lake_table_close(f->users);
    lake_close(f->lake);
    am_err_t err = {0};
    cr_expect(am_remove_tree(f->warehouse, &err), "%s", err.msg);
    free(f->warehouse);
}

static pt_proxy_t start_on(const char *warehouse)
{
    proxy_options_t o = {.listen_host = "127.0.0.1",
                         .user = PT_USER,
                         .password = PT_PASSWORD,
                         .database = PT_DB,
                         .warehouse = warehouse};
    am_err_t err = {0};
    pt_proxy_t t = {.p = proxy_start(&o, &err), .warehouse = strdup(warehouse)};
    cr_assert_not_null(t.p, "proxy_start: %s", err.msg);
    return t;
}

typedef struct lsn_wait {
    proxy_t *p;
    am_lsn_t lsn;
} lsn_wait_t;

static bool lsn_visible(void *ud)
{
    lsn_wait_t *w = ud;
    return proxy_visible_lsn(w->p) == w->lsn;
}

Test(proxy, lake_tables_are_views_that_follow_the_watermark)
{
    fixture_t f = fixture_open("lakeviews");
    add_rows(&f, 0, 10, 0x1000);
    pt_proxy_t t = start_on(f.warehouse);
    cr_expect_eq(proxy_visible_lsn(t.p), 0x1000);
    PGconn *c = pt_connect(&t);
    pt_expect_value(c, "SELECT count(*) FROM users", "10");
    pt_expect_value(c, "SELECT count(*) FROM public.users", "10");
    pt_expect_value(c, "SELECT name FROM users WHERE id = 7", "user-7");
    pt_expect_value(c, "SELECT amount FROM users WHERE id = 3", "3.25");

    /* the poller notices the new watermark without proxy_refresh */
    add_rows(&f, 10, 15, 0x2000);
    lsn_wait_t w = {t.p, 0x2000};
    cr_assert(amt_wait_until(lsn_visible, &w, 10000), "views never moved to 0/2000");
    pt_expect_value(c, "SELECT count(*) FROM users", "15");

    add_rows(&f, 15, 16, 0x3000);
    am_err_t err = {0};
    cr_assert(proxy_refresh(t.p, &err), "%s", err.msg);
    cr_expect_eq(proxy_visible_lsn(t.p), 0x3000);
    pt_expect_value(c, "SELECT count(*) FROM users", "16");
    PQfinish(c);
    proxy_stop(t.p);
    free(t.warehouse);
    fixture_close(&f);
}

Test(proxy, a_transaction_keeps_its_snapshot_of_the_views)
{
    fixture_t f = fixture_open("lakesnap");
    add_rows(&f, 0, 4, 0x1000);
    pt_proxy_t t = start_on(f.warehouse);
    PGconn *c = pt_connect(&t);
    PQclear(PQexec(c, "BEGIN"));
    pt_expect_value(c, "SELECT count(*) FROM users", "4");
    add_rows(&f, 4, 6, 0x2000);
    am_err_t err = {0};
    cr_assert(proxy_refresh(t.p, &err), "%s", err.msg);
    pt_expect_value(c, "SELECT count(*) FROM users", "4");
    PQclear(PQexec(c, "COMMIT"));
    pt_expect_value(c, "SELECT count(*) FROM users", "6");
    PQfinish(c);
    proxy_stop(t.p);
    free(t.warehouse);
    fixture_close(&f);
}

Test(proxy, empty_warehouse_serves_no_tables)
{
    pt_proxy_t t = pt_start("emptywh");
    cr_expect_eq(proxy_visible_lsn(t.p), 0);
    am_err_t err = {0};
    cr_expect(proxy_check(t.p, &err), "%s", err.msg);
    PGconn *c = pt_connect(&t);
    pt_expect_error(c, "SELECT * FROM users", "42P01");
    PQfinish(c);
    pt_stop(&t);
}

Test(proxy, compatibility_functions)
{
    pt_proxy_t t = pt_start("compat");
    PGconn *c = pt_connect(&t);
    char *v = pt_value(c, "SELECT version()");
    cr_expect(v && strncmp(v, "PostgreSQL 15.0 (Arctic Mirror)", 31) == 0, "version: %s", v);
    free(v);
    pt_expect_value(c, "SELECT current_database()", PT_DB);
    pt_expect_value(c, "SELECT current_schema()", "public");
    pt_expect_value(c, "SELECT pg_catalog.pg_get_userbyid(10)", PT_USER);
    pt_expect_value(c, "SHOW search_path", "\"$user\", public");
    pt_expect_value(c, "SELECT pg_catalog.pg_encoding_to_char(6)", "UTF8");
    PQfinish(c);
    pt_stop(&t);
}

static char *read_out(const char *dir)
{
    char *path = NULL;
    cr_assert(asprintf(&path, "%s/out.txt", dir) > 0);
    am_buf_t b;
    am_buf_init(&b);
    am_err_t err = {0};
    cr_assert(am_file_read_all(path, &b, &err), "%s", err.msg);
    free(path);
    return am_buf_steal(&b, NULL);
}

Test(proxy, psql_lists_mirrored_tables)
{
    fixture_t f = fixture_open("psqldt");
    add_rows(&f, 0, 3, 0x1000);
    pt_proxy_t t = start_on(f.warehouse);
    char *out_dir = amt_tmpdir("psqldt-out");
    int st = amt_system("PGPASSWORD='%s' psql -X -A -t -h 127.0.0.1 -p %d -U %s -d %s "
                        "-c '\\dt' -c 'SELECT count(*) FROM users' > %s/out.txt 2>&1",
                        PT_PASSWORD, proxy_port(t.p), PT_USER, PT_DB, out_dir);
    char *out = read_out(out_dir);
    cr_expect_eq(st, 0, "psql failed: %s", out);
    cr_expect(strstr(out, "public|users|table|" PT_USER) != NULL, "\\dt output: %s", out);
    cr_expect(strstr(out, "\n3\n") != NULL, "count output: %s", out);
    free(out);
    am_err_t rm = {0};
    cr_expect(am_remove_tree(out_dir, &rm), "%s", rm.msg);
    free(out_dir);
    proxy_stop(t.p);
    free(t.warehouse);
    fixture_close(&f);
}

Test(proxy, psycopg2_reads_through_the_proxy)
{
    fixture_t f = fixture_open("psycopg");
    add_rows(&f, 0, 5, 0x1000);
    pt_proxy_t t = start_on(f.warehouse);
    char *out_dir = amt_tmpdir("psycopg-out");
    int st = amt_system("/usr/bin/python3 %s/tests/proxy/psycopg2_client.py %d '%s' %s %s "
                        "> %s/out.txt 2>&1",
                        amt_root(), proxy_port(t.p), PT_PASSWORD, PT_USER, PT_DB, out_dir);
    char *out = read_out(out_dir);
    cr_expect_eq(st, 0, "psycopg2 client failed: %s", out);
    cr_expect(strstr(out, "ok") != NULL, "%s", out);
    free(out);
    am_err_t rm = {0};
    cr_expect(am_remove_tree(out_dir, &rm), "%s", rm.msg);
    free(out_dir);
    proxy_stop(t.p);
    free(t.warehouse);
    fixture_close(&f);
}

Test(proxy, duckdb_divides_sorts_and_folds_as_postgresql)
{
    pt_proxy_t t = pt_start("pgsemantics");
    PGconn *c = pt_connect(&t);
    pt_expect_value(c, "SELECT 7 / 2", "3");
    pt_expect_value(c, "SELECT -7 / 2", "-3");
    pt_expect_value(c, "SELECT 7.0 / 2 = 3.5", "t");
    pt_expect_value(c,
                    "SELECT string_agg(coalesce(x::VARCHAR, 'null'), ',' ORDER BY x DESC) "
                    "FROM (VALUES (1), (NULL), (2)) v(x)",
                    "null,2,1");
    PGresult *r = PQexec(c, "SELECT x FROM (VALUES (1), (NULL), (2)) v(x) ORDER BY x");
    cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "%s", PQerrorMessage(c));
    cr_expect(PQgetisnull(r, 2, 0), "NULL sorts last ascending");
    PQclear(r);
    r = PQexec(c, "SELECT 1 AS Total, 2 AS \"Mixed\"");
    cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "%s", PQerrorMessage(c));
    cr_expect_str_eq(PQfname(r, 0), "total");
    cr_expect_str_eq(PQfname(r, 1), "Mixed");
    PQclear(r);
    PQfinish(c);
    pt_stop(&t);
}

Test(proxy, psql_describes_a_table_and_lists_the_database)
{
    fixture_t f = fixture_open("psqld");
    add_rows(&f, 0, 3, 0x1000);
    pt_proxy_t t = start_on(f.warehouse);
    char *out_dir = amt_tmpdir("psqld-out");
    int st = amt_system("PGPASSWORD='%s' psql -X -A -t -h 127.0.0.1 -p %d -U %s -d %s "
                        "-c '\\d users' -c '\\l' > %s/out.txt 2>&1",
                        PT_PASSWORD, proxy_port(t.p), PT_USER, PT_DB, out_dir);
    char *out = read_out(out_dir);
    cr_expect_eq(st, 0, "psql failed: %s", out);
    cr_expect(strstr(out, "id|bigint|") != NULL, "\\d users: %s", out);
    cr_expect(strstr(out, "name|text|") != NULL, "\\d users: %s", out);
    cr_expect(strstr(out, "amount|numeric(12,2)|") != NULL, "\\d users: %s", out);
    cr_expect(strstr(out, PT_DB "|" PT_USER "|UTF8|") != NULL, "\\l: %s", out);
    free(out);
    am_err_t rm = {0};
    cr_expect(am_remove_tree(out_dir, &rm), "%s", rm.msg);
    free(out_dir);
    proxy_stop(t.p);
    free(t.warehouse);
    fixture_close(&f);
}

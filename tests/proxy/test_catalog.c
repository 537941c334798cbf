/*
 * tests/proxy/test_catalog.c: views over a real mirrored warehouse (pt_mirror_open: a source
 * database, its catalog captured and its tables copied as the writer does), queried through
 * the proxy unqualified and schema-qualified and compared with the source itself; a new
 * watermark swaps the views by itself (the poller) and through proxy_refresh; a REPEATABLE
 * READ transaction keeps its snapshot, a READ COMMITTED one moves on; psql's \dt, \d and \l
 * and psycopg2 see the table as they see it on PostgreSQL; PostgreSQL's integer division,
 * NULL order and identifier case.
 */
#include "proxy_test.h"

static const char users_sql[] =
    "CREATE TABLE users (id bigint PRIMARY KEY, name text, amount numeric(12,2));"
    "INSERT INTO users SELECT i, 'user-' || i, i + 0.25 FROM generate_series(0, %d) i";
static const source_table_ref_t users_table[] = {{"public", "users"}};

/* db with users holding ids 0 .. n-1, mirrored. */
static pt_mirror_t users_mirror(const char *db, int n)
{
    char sql[sizeof users_sql + 16];
    snprintf(sql, sizeof sql, users_sql, n - 1);
    return pt_mirror_open(db, sql, users_table, 1);
}

/* Adds users from .. to-1 on the source and mirrors them in a new watermark. */
static void add_users(pt_mirror_t *m, int from, int to)
{
    char sql[200];
    snprintf(sql, sizeof sql,
             "INSERT INTO users SELECT i, 'user-' || i, i + 0.25 FROM generate_series(%d, %d) i",
             from, to - 1);
    pt_mirror_exec(m, sql);
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

static void expect_users(PGconn *px, PGconn *pg)
{
    pt_expect_same(px, pg, "SELECT count(*) FROM users");
    pt_expect_same(px, pg, "SELECT count(*) FROM public.users");
    pt_expect_same(px, pg, "SELECT name FROM users WHERE id = 7");
    pt_expect_same(px, pg, "SELECT amount FROM users WHERE id = 3");
    pt_expect_same(px, pg, "SELECT * FROM users ORDER BY id");
}

Test(proxy, lake_tables_are_views_that_follow_the_watermark)
{
    pt_mirror_t m = users_mirror("proxy_lakeviews", 10);
    pt_proxy_t t = pt_start_mirror(&m);
    cr_expect_eq(proxy_visible_lsn(t.p), m.lsn);
    PGconn *c = pt_connect(&t);
    PGconn *pg = pt_pg_connect(m.db);
    expect_users(c, pg);

    /* the poller notices the new watermark without proxy_refresh */
    add_users(&m, 10, 15);
    lsn_wait_t w = {t.p, m.lsn};
    cr_assert(amt_wait_until(lsn_visible, &w, 10000), "views never moved to the new watermark");
    expect_users(c, pg);

    add_users(&m, 15, 16);
    am_err_t err = {0};
    cr_assert(proxy_refresh(t.p, &err), "%s", err.msg);
    cr_expect_eq(proxy_visible_lsn(t.p), m.lsn);
    expect_users(c, pg);
    pt_expect_value(c, "SELECT count(*) FROM users", "16");
    PQfinish(c);
    PQfinish(pg);
    pt_stop(&t);
    pt_mirror_close(&m);
}

Test(proxy, a_repeatable_read_transaction_keeps_its_snapshot_of_the_views)
{
    pt_mirror_t m = users_mirror("proxy_lakesnap", 4);
    pt_proxy_t t = pt_start_mirror(&m);
    PGconn *c = pt_connect(&t);
    pt_exec(c, "BEGIN ISOLATION LEVEL REPEATABLE READ");
    pt_expect_value(c, "SELECT count(*) FROM users", "4");
    add_users(&m, 4, 6);
    am_err_t err = {0};
    cr_assert(proxy_refresh(t.p, &err), "%s", err.msg);
    pt_expect_value(c, "SELECT count(*) FROM users", "4");
    pt_exec(c, "COMMIT");
    pt_expect_value(c, "SELECT count(*) FROM users", "6");
    PQfinish(c);
    pt_stop(&t);
    pt_mirror_close(&m);
}

/* The first value of the one result a pipelined query gives (its NULL terminator read too). */
static char *pipeline_value(PGconn *c)
{
    PGresult *r = PQgetResult(c);
    cr_assert(r && PQresultStatus(r) == PGRES_TUPLES_OK, "%s", PQerrorMessage(c));
    char *v = am_xstrdup(PQgetvalue(r, 0, 0));
    PQclear(r);
    cr_assert_null(PQgetResult(c));
    return v;
}

/* The first value of the next result of a simple query string of several statements. */
static char *pipeline_value_of_string(PGconn *c)
{
    PGresult *r = PQgetResult(c);
    cr_assert(r && PQresultStatus(r) == PGRES_TUPLES_OK, "%s", PQerrorMessage(c));
    char *v = am_xstrdup(PQgetvalue(r, 0, 0));
    PQclear(r);
    return v;
}

/* Two queries of one extended-protocol implicit transaction (a pipeline, no Sync between
 * them) with new rows made visible between the two: the count the second query sees. */
static char *count_across_refresh(pt_mirror_t *m, pt_proxy_t *t, PGconn *c, int from, int to)
{
    const char *q = "SELECT count(*) FROM users";
    cr_assert(PQenterPipelineMode(c));
    cr_assert(PQsendQueryParams(c, q, 0, NULL, NULL, NULL, NULL, 0));
    cr_assert(PQsendFlushRequest(c) && PQflush(c) == 0);
    free(pipeline_value(c));
    add_users(m, from, to);
    am_err_t err = {0};
    cr_assert(proxy_refresh(t->p, &err), "%s", err.msg);
    cr_assert(PQsendQueryParams(c, q, 0, NULL, NULL, NULL, NULL, 0));
    cr_assert(PQpipelineSync(c));
    char *v = pipeline_value(c);
    PGresult *r = PQgetResult(c);
    cr_assert(r && PQresultStatus(r) == PGRES_PIPELINE_SYNC);
    PQclear(r);
    cr_assert(PQexitPipelineMode(c));
    return v;
}

/* Outside a block PostgreSQL still runs the statements up to Sync (and those of one simple
 * query string) in one transaction: under REPEATABLE READ they share the first one's snapshot,
 * under READ COMMITTED each takes a new one; now() is the transaction's start throughout. */
Test(proxy, an_implicit_transaction_keeps_one_snapshot_under_repeatable_read)
{
    pt_mirror_t m = users_mirror("proxy_implicitsnap", 4);
    pt_proxy_t t = pt_start_mirror(&m);
    PGconn *c = pt_connect(&t);
    char *seen = count_across_refresh(&m, &t, c, 4, 6);
    cr_expect_str_eq(seen, "6", "read committed: the second statement sees the new rows");
    free(seen);
    pt_exec(c, "SET default_transaction_isolation = 'repeatable read'");
    seen = count_across_refresh(&m, &t, c, 6, 9);
    cr_expect_str_eq(seen, "6", "repeatable read: the second statement sees the first's rows");
    free(seen);
    pt_expect_value(c, "SELECT count(*) FROM users", "9");

    /* a simple query string of two statements: one transaction, one now() */
    cr_assert(PQsendQuery(c, "SELECT now()::text; SELECT now()::text"));
    char *first = pipeline_value_of_string(c);
    char *second = pipeline_value_of_string(c);
    cr_assert_null(PQgetResult(c));
    cr_expect_str_eq(first, second);
    free(first);
    free(second);
    PQfinish(c);
    pt_stop(&t);
    pt_mirror_close(&m);
}

/* PostgreSQL's READ COMMITTED (the default) takes a new snapshot for every statement: once
 * the views have moved, the next statement of an open transaction sees the new rows. */
Test(proxy, a_read_committed_transaction_sees_the_new_watermark)
{
    pt_mirror_t m = users_mirror("proxy_lakerc", 4);
    pt_proxy_t t = pt_start_mirror(&m);
    PGconn *c = pt_connect(&t);
    pt_exec(c, "BEGIN");
    pt_expect_value(c, "SHOW transaction_isolation", "read committed");
    pt_expect_value(c, "SELECT count(*) FROM users", "4");
    add_users(&m, 4, 6);
    am_err_t err = {0};
    cr_assert(proxy_refresh(t.p, &err), "%s", err.msg);
    pt_expect_value(c, "SELECT count(*) FROM users", "6");
    pt_exec(c, "COMMIT");
    PQfinish(c);
    pt_stop(&t);
    pt_mirror_close(&m);
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

static void expect_version(PGconn *c)
{
    char *v = pt_value(c, "SELECT version()");
    cr_expect(v && strncmp(v, "PostgreSQL 15.0 (Arctic Mirror)", 31) == 0, "version: %s", v);
    free(v);
}

Test(proxy, compatibility_functions_answer_as_the_source)
{
    pt_mirror_t m = users_mirror("proxy_compat", 1);
    pt_proxy_t t = pt_start_mirror(&m);
    PGconn *c = pt_connect(&t);
    PGconn *pg = pt_pg_connect(m.db);
    expect_version(c);
    static const char *const same[] = {
        "SELECT current_database()",
        "SELECT current_schema()",
        "SELECT current_schemas(true)",
        "SELECT current_user, session_user",
        "SELECT pg_catalog.pg_get_userbyid(10)",
        "SHOW search_path",
        "SELECT pg_catalog.pg_encoding_to_char(6)",
    };
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
        pt_expect_same(c, pg, same[i]);
    PQfinish(c);
    PQfinish(pg);
    pt_stop(&t);
    pt_mirror_close(&m);
}

/* Without a catalog the proxy knows only the built-in schemas and public: PostgreSQL's answers
 * for a database where "$user" names no schema and role 10 is unknown. */
Test(proxy, compatibility_functions_without_a_catalog)
{
    pt_proxy_t t = pt_start("compat");
    PGconn *c = pt_connect(&t);
    expect_version(c);
    pt_expect_value(c, "SELECT current_database()", PT_DB);
    pt_expect_value(c, "SELECT current_user", PT_USER);
    pt_expect_value(c, "SELECT current_schema()", "public");
    pt_expect_value(c, "SHOW search_path", "\"$user\", public");
    pt_expect_value(c, "SELECT pg_catalog.pg_get_userbyid(10)", "unknown (OID=10)");
    pt_expect_value(c, "SELECT pg_catalog.pg_encoding_to_char(6)", "UTF8");
    PQfinish(c);
    pt_stop(&t);
}

/* What psql -X -A -t prints for cmd against host:port as user (caller frees). */
static char *psql_out(const char *host, int port, const char *user, const char *password,
                      const char *db, const char *cmd)
{
    char *dir = amt_tmpdir("psql-out");
    int st = amt_system("PGPASSWORD='%s' psql -X -A -t -h %s -p %d -U %s -d %s -c '%s' "
                        "> %s/out.txt 2>&1",
                        password, host, port, user, db, cmd, dir);
    char *path = NULL;
    cr_assert(asprintf(&path, "%s/out.txt", dir) > 0);
    am_buf_t b;
    am_buf_init(&b);
    am_err_t err = {0};
    cr_assert(am_file_read_all(path, &b, &err), "%s", err.msg);
    cr_expect_eq(st, 0, "psql -c '%s' on port %d failed: %s", cmd, port, b.data);
    free(path);
    cr_expect(am_remove_tree(dir, &err), "%s", err.msg);
    free(dir);
    char *out = am_buf_steal(&b, NULL);
    return out ? out : strdup("");
}

static char *psql_proxy(const pt_proxy_t *t, const char *cmd)
{
    return psql_out("127.0.0.1", proxy_port(t->p), t->user, t->password, t->database, cmd);
}

static char *psql_pg(const char *db, const char *cmd)
{
    return psql_out(amt_env("AM_TEST_PGHOST"), atoi(amt_env("AM_TEST_PGPORT")),
                    amt_env("AM_TEST_PGUSER"), amt_env("AM_TEST_PGPASSWORD"), db, cmd);
}

static void expect_psql_same(const pt_proxy_t *t, const char *db, const char *cmd)
{
    char *px = psql_proxy(t, cmd), *pg = psql_pg(db, cmd);
    cr_expect_str_eq(px, pg, "psql %s\n  proxy:\n%s\n  PostgreSQL:\n%s", cmd, px, pg);
    free(px);
    free(pg);
}

Test(proxy, psql_lists_mirrored_tables)
{
    pt_mirror_t m = users_mirror("proxy_psqldt", 3);
    pt_proxy_t t = pt_start_mirror(&m);
    expect_psql_same(&t, m.db, "\\dt");
    expect_psql_same(&t, m.db, "SELECT count(*) FROM users");
    pt_stop(&t);
    pt_mirror_close(&m);
}

Test(proxy, psycopg2_reads_through_the_proxy)
{
    pt_mirror_t m = users_mirror("proxy_psycopg", 5);
    pt_proxy_t t = pt_start_mirror(&m);
    char *out_dir = amt_tmpdir("psycopg-out");
    int st = amt_system("/usr/bin/python3 %s/tests/proxy/psycopg2_client.py %d '%s' %s %s "
                        "> %s/out.txt 2>&1",
                        amt_root(), proxy_port(t.p), t.password, t.user, t.database, out_dir);
    char *path = NULL;
    cr_assert(asprintf(&path, "%s/out.txt", out_dir) > 0);
    am_buf_t b;
    am_buf_init(&b);
    am_err_t err = {0};
    cr_assert(am_file_read_all(path, &b, &err), "%s", err.msg);
    cr_expect_eq(st, 0, "psycopg2 client failed: %s", b.data);
    cr_expect(b.data && strstr(b.data, "ok") != NULL, "%s", b.data);
    am_buf_destroy(&b);
    free(path);
    cr_expect(am_remove_tree(out_dir, &err), "%s", err.msg);
    free(out_dir);
    pt_stop(&t);
    pt_mirror_close(&m);
}

Test(proxy, divides_sorts_and_folds_as_postgresql)
{
    pt_proxy_t t = pt_start("pgsemantics");
    PGconn *c = pt_connect(&t);
    PGconn *pg = pt_pg_connect("postgres");
    static const char *const same[] = {
        "SELECT 7 / 2",
        "SELECT -7 / 2",
        "SELECT 7.0 / 2 = 3.5",
        "SELECT string_agg(coalesce(x::varchar, 'null'), ',' ORDER BY x DESC) "
        "FROM (VALUES (1), (NULL), (2)) v(x)",
        "SELECT x FROM (VALUES (1), (NULL), (2)) v(x) ORDER BY x",
        "SELECT x FROM (VALUES (1), (NULL), (2)) v(x) ORDER BY x DESC",
        "SELECT 1 AS Total, 2 AS \"Mixed\"",
    };
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
        pt_expect_same(c, pg, same[i]);
    PQfinish(c);
    PQfinish(pg);
    pt_stop(&t);
}

Test(proxy, psql_describes_a_table_and_lists_the_database)
{
    pt_mirror_t m = users_mirror("proxy_psqld", 3);
    pt_proxy_t t = pt_start_mirror(&m);
    expect_psql_same(&t, m.db, "\\d users");
    /* the catalog copies only the mirrored database's pg_database row: \l lists that one,
     * exactly as PostgreSQL lists it among the others */
    char *px = psql_proxy(&t, "\\l"), *pg = psql_pg(m.db, "\\l");
    char prefix[64];
    snprintf(prefix, sizeof prefix, "%s|", m.db);
    const char *line = strstr(pg, prefix);
    cr_assert(line && (line == pg || line[-1] == '\n'), "\\l on PostgreSQL lacks %s: %s", m.db, pg);
    size_t len = strcspn(line, "\n") + 1;
    cr_expect(strlen(px) == len && strncmp(px, line, len) == 0,
              "\\l\n  proxy:\n%s\n  PostgreSQL's line:\n%.*s", px, (int)len, line);
    free(px);
    free(pg);
    pt_stop(&t);
    pt_mirror_close(&m);
}

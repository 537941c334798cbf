/*
 * tests/source/test_conn.c: conninfo quoting, source_open's checks and connections, the
 * WAL position and the health ping (source/conn.c) against the real PostgreSQL.
 */
#include "source_test.h"

static const char *conninfo_value(const char *ci, const char *key)
{
    static char out[256];
    char *errmsg = NULL;
    PQconninfoOption *opts = PQconninfoParse(ci, &errmsg);
    cr_assert(opts != NULL, "libpq refused %s: %s", ci, errmsg ? errmsg : "");
    out[0] = '\0';
    bool found = false;
    for (PQconninfoOption *o = opts; o->keyword; o++)
        if (strcmp(o->keyword, key) == 0 && o->val) {
            snprintf(out, sizeof out, "%s", o->val);
            found = true;
        }
    PQconninfoFree(opts);
    return found ? out : NULL;
}

Test(source, conninfo_quotes_values_and_forces_settings)
{
    source_options_t o = {.host = "db.example",
                          .port = 5433,
                          .user = "it's me",
                          .password = "p\\a'ss word",
                          .database = "my db"};
    char *ci = source_conninfo(&o, "replication=database");
    cr_assert_str_eq(conninfo_value(ci, "password"), "p\\a'ss word");
    cr_assert_str_eq(conninfo_value(ci, "user"), "it's me");
    cr_assert_str_eq(conninfo_value(ci, "dbname"), "my db");
    cr_assert_str_eq(conninfo_value(ci, "port"), "5433");
    cr_assert_str_eq(conninfo_value(ci, "replication"), "database");
    cr_assert_str_eq(conninfo_value(ci, "application_name"), "arctic-mirror");
    const char *options = conninfo_value(ci, "options");
    cr_assert(strstr(options, "-c DateStyle=ISO") && strstr(options, "-c TimeZone=UTC") &&
                  strstr(options, "-c extra_float_digits=3") &&
                  strstr(options, "-c IntervalStyle=postgres"),
              "%s", options);
    free(ci);
    source_options_t bare = {.database = "d"};
    ci = source_conninfo(&bare, NULL);
    cr_assert_null(conninfo_value(ci, "host"));
    cr_assert_null(conninfo_value(ci, "port"));
    free(ci);
}

Test(source, open_connects_sql_and_replication)
{
    amt_create_db("src_open_connects");
    PGconn *c = amt_pg_connect("src_open_connects");
    amt_pg_exec(c, "CREATE TABLE t (id int PRIMARY KEY)");
    source_table_ref_t tables[] = {{"public", "t"}};
    source_options_t o = srct_options("src_open_connects", tables, 1);
    source_t *src = srct_open(&o);
    char *n = amt_pg_value(c, "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                              "'src_open_connects' AND application_name = 'arctic-mirror'");
    cr_assert_str_eq(n, "2", "a SQL and a walsender connection");
    free(n);
    n = amt_pg_value(c, "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                        "'src_open_connects' AND backend_type = 'walsender'");
    cr_assert_str_eq(n, "1");
    free(n);
    am_lsn_t lsn = 0;
    am_err_t err = {0};
    cr_assert(source_current_wal_lsn(src, &lsn, &err), "%s", err.msg);
    cr_assert_gt(lsn, 0);
    source_close(src);
    PQfinish(c);
}

Test(source, open_missing_table_is_42P01)
{
    amt_create_db("src_open_missing");
    PGconn *c = amt_pg_connect("src_open_missing");
    amt_pg_exec(c, "CREATE TABLE present (id int PRIMARY KEY)");
    source_table_ref_t tables[] = {{"public", "present"}, {"public", "absent"}};
    source_options_t o = srct_options("src_open_missing", tables, 2);
    am_err_t err = {0};
    cr_assert_null(source_open(&o, &err));
    cr_assert_str_eq(err.sqlstate, "42P01");
    cr_assert(strstr(err.msg, "public.absent") != NULL, "%s", err.msg);
    char *n = amt_pg_value(c, "SELECT count(*) FROM pg_publication");
    cr_assert_str_eq(n, "0", "nothing created when a table is missing");
    free(n);
    PQfinish(c);
}

Test(source, open_bad_password_is_class_08)
{
    amt_create_db("src_open_badpw");
    source_options_t o = srct_options("src_open_badpw", NULL, 0);
    o.password = "wrong";
    am_err_t err = {0};
    cr_assert_null(source_open(&o, &err));
    cr_assert(strncmp(err.sqlstate, "08", 2) == 0, "%s %s", err.sqlstate, err.msg);
    cr_assert(strstr(err.msg, "libpq: ") != NULL, "%s", err.msg);
    cr_assert_null(strchr(err.msg, '\n'), "one line: %s", err.msg);
}

Test(source, ping_reports_latency_and_failure)
{
    source_options_t o = srct_options("postgres", NULL, 0);
    int64_t us = -1;
    am_err_t err = {0};
    cr_assert(source_ping(&o, &us, &err), "%s", err.msg);
    cr_assert_geq(us, 0);
    o.database = "no_such_database_here";
    cr_assert_not(source_ping(&o, &us, &err));
    cr_assert(strncmp(err.sqlstate, "08", 2) == 0, "%s %s", err.sqlstate, err.msg);
}

/*
 * tests/proxy/test_session.c: connection-level settings: the startup packet's "options"
 * (libpq's PGOPTIONS) set parameters as PostgreSQL's -c and --name=value do, and steer the
 * output (TimeZone, extra_float_digits) from the first query on.
 */
#include "proxy_test.h"

Test(proxy, startup_options_set_parameters)
{
    pt_proxy_t t = pt_start("options");
    PGconn *c = pt_connect_extra(&t, "options='-c TimeZone=Asia/Kolkata "
                                     "--extra-float-digits=0 -capplication_name=a\\\\ b'");
    cr_expect_str_eq(PQparameterStatus(c, "TimeZone"), "Asia/Kolkata");
    cr_expect_str_eq(PQparameterStatus(c, "application_name"), "a b");
    pt_expect_value(c, "SHOW extra_float_digits", "0");
    pt_expect_value(c, "SELECT TIMESTAMPTZ '2024-01-01 00:00:00+00'", "2024-01-01 05:30:00+05:30");
    pt_expect_value(c, "SELECT 0.1::float8 + 0.2::float8", "0.3");
    PQfinish(c);
    /* a bad value is left out, as other startup parameters are; the session still starts */
    c = pt_connect_extra(&t, "options='-c TimeZone=No/Such_Zone -c nosuch=1'");
    cr_expect_str_eq(PQparameterStatus(c, "TimeZone"), "Etc/UTC");
    PQfinish(c);
    pt_stop(&t);
}

/* RESET ALL and DISCARD ALL go back to the configured timeouts (proxy.statement_timeout,
 * proxy.idle_in_transaction_session_timeout), as RESET of one name does, not to 0. */
Test(proxy, reset_all_restores_configured_timeouts)
{
    pt_proxy_t t = {
        .user = PT_USER, .password = PT_PASSWORD, .database = PT_DB, .own_warehouse = true};
    t.warehouse = amt_tmpdir("reset_all");
    proxy_options_t o = {.listen_host = "127.0.0.1",
                         .user = PT_USER,
                         .password = PT_PASSWORD,
                         .database = PT_DB,
                         .warehouse = t.warehouse,
                         .statement_timeout_ms = 5000,
                         .idle_in_tx_timeout_ms = 250};
    am_err_t err = {0};
    t.p = proxy_start(&o, &err);
    cr_assert_not_null(t.p, "proxy_start: %s %s", err.sqlstate, err.msg);
    PGconn *c = pt_connect(&t);
    static const char *const resets[] = {"RESET ALL", "DISCARD ALL", "RESET statement_timeout"};
    for (size_t i = 0; i < sizeof resets / sizeof *resets; i++) {
        free(pt_value(c, "SET statement_timeout = 0"));
        free(pt_value(c, "SET idle_in_transaction_session_timeout = '1min'"));
        pt_expect_value(c, "SHOW statement_timeout", "0");
        free(pt_value(c, resets[i]));
        pt_expect_value(c, "SHOW statement_timeout", "5s");
        if (i < 2)
            pt_expect_value(c, "SHOW idle_in_transaction_session_timeout", "250ms");
    }
    PQfinish(c);
    pt_stop(&t);
}

/* The last warning or notice a connection received: "SQLSTATE message". */
static void keep_notice(void *arg, const PGresult *r)
{
    char *last = arg;
    const char *code = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    const char *msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
    snprintf(last, 256, "%s %s", code ? code : "?", msg ? msg : "?");
}

/* Statement, then what PostgreSQL says about it (a warning, or an error's code and message). */
static void expect_as_postgres(PGconn *px, char *px_last, PGconn *pg, char *pg_last,
                               const char *sql)
{
    px_last[0] = pg_last[0] = '\0';
    PGresult *a = PQexec(px, sql), *b = PQexec(pg, sql);
    cr_expect_eq(PQresultStatus(a), PQresultStatus(b), "%s: %s / %s", sql,
                 PQresStatus(PQresultStatus(a)), PQresStatus(PQresultStatus(b)));
    if (PQresultStatus(b) == PGRES_FATAL_ERROR) {
        cr_expect_str_eq(PQresultErrorField(a, PG_DIAG_SQLSTATE),
                         PQresultErrorField(b, PG_DIAG_SQLSTATE), "%s", sql);
        const char *ma = PQresultErrorField(a, PG_DIAG_MESSAGE_PRIMARY);
        const char *mb = PQresultErrorField(b, PG_DIAG_MESSAGE_PRIMARY);
        cr_expect_str_eq(ma ? ma : "", mb, "%s: \"%s\", PostgreSQL \"%s\"", sql, ma ? ma : "", mb);
    }
    if (PQresultStatus(b) == PGRES_TUPLES_OK && PQntuples(b) > 0 && PQntuples(a) > 0)
        cr_expect_str_eq(PQgetvalue(a, 0, 0), PQgetvalue(b, 0, 0), "%s", sql);
    cr_expect_str_eq(px_last, pg_last, "%s: the warning", sql);
    PQclear(a);
    PQclear(b);
}

Test(proxy, transaction_statements_outside_a_block_warn_as_postgres_does)
{
    pt_proxy_t t = pt_start("outside_block");
    PGconn *px = pt_connect(&t), *pg = pt_pg_connect("postgres");
    char px_last[256], pg_last[256];
    PQsetNoticeReceiver(px, keep_notice, px_last);
    PQsetNoticeReceiver(pg, keep_notice, pg_last);
    static const char *const sqls[] = {
        "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE",
        "SET TRANSACTION READ ONLY",
        "SET LOCAL statement_timeout = 1000",
        "COMMIT",
        "ROLLBACK",
        "COPY (SELECT 1) TO STDOUT (FORMAT 1)",
        "COPY (SELECT 1) TO STDOUT (FORMAT 2.5)",
        /* several statements in one string are one implicit block: no warning, it applies */
        "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE; SHOW transaction_isolation",
        "SHOW transaction_isolation",
        "COPY (SELECT 1) TO STDOUT (FORMAT 'json')",
    };
    for (size_t i = 0; i < sizeof sqls / sizeof *sqls; i++)
        expect_as_postgres(px, px_last, pg, pg_last, sqls[i]);
    /* and the isolation a block then reports is the default, not the one set outside */
    PQclear(PQexec(px, "BEGIN"));
    pt_expect_value(px, "SHOW transaction_isolation", "read committed");
    PQclear(PQexec(px, "COMMIT"));
    PQfinish(px);
    PQfinish(pg);
    pt_stop(&t);
}

/* SET is transactional: a block's SET goes when it rolls back, SET LOCAL when it ends, a
 * savepoint's rollback undoes what came after it, a string of statements is one block; the
 * value and ParameterStatus after each string are PostgreSQL's. */
Test(proxy, settings_follow_transactions_as_postgres_does)
{
    pt_proxy_t t = pt_start("tx_settings");
    PGconn *px = pt_connect(&t), *pg = pt_pg_connect("postgres");
    char px_last[256], pg_last[256];
    PQsetNoticeReceiver(px, keep_notice, px_last);
    PQsetNoticeReceiver(pg, keep_notice, pg_last);
    static const char *const sqls[] = {
        "SET TimeZone = 'UTC'",
        "BEGIN",
        "SET LOCAL TimeZone = 'Asia/Tokyo'",
        "SHOW TimeZone",
        "COMMIT",
        "SHOW TimeZone",
        "BEGIN",
        "SET TimeZone = 'Asia/Tokyo'",
        "ROLLBACK",
        "SHOW TimeZone",
        "BEGIN",
        "SET TimeZone = 'Europe/Paris'",
        "SAVEPOINT a",
        "SET TimeZone = 'Asia/Tokyo'",
        "ROLLBACK TO a",
        "SHOW TimeZone",
        "COMMIT",
        "SHOW TimeZone",
        "BEGIN",
        "SET extra_float_digits = 0",
        "SELECT 1/0",
        "ROLLBACK",
        "SHOW extra_float_digits",
        "SET LOCAL TimeZone = 'Asia/Tokyo'; SHOW TimeZone",
        "SHOW TimeZone",
        "SET TimeZone = 'Asia/Tokyo'; SELECT 1/0",
        "SHOW TimeZone",
        "SET TimeZone = 'Asia/Tokyo'; COMMIT",
        "SHOW TimeZone",
        "BEGIN; SET LOCAL TimeZone = 'UTC'; SET TimeZone = 'Europe/Paris'; COMMIT",
        "SHOW TimeZone",
        "BEGIN; SET TimeZone = 'UTC'; SET LOCAL TimeZone = 'Asia/Tokyo'; COMMIT",
        "SHOW TimeZone",
        "BEGIN",
        "SAVEPOINT a",
        "SET LOCAL TimeZone = 'Europe/Paris'",
        "RELEASE a",
        "SHOW TimeZone",
        "ROLLBACK TO a",
        "ROLLBACK",
        "SHOW TimeZone",
        "BEGIN",
        "SAVEPOINT a",
        "SAVEPOINT b",
        "SET TimeZone = 'Europe/Paris'",
        "ROLLBACK TO a",
        "SHOW TimeZone",
        "ROLLBACK TO b",
        "ROLLBACK TO a",
        "RELEASE a",
        "RELEASE a",
        "ROLLBACK",
        "SET my.x = 'q'",
        "BEGIN",
        "SET my.y = 'z'",
        "SET LOCAL my.x = 'r'",
        "SHOW my.x",
        "ROLLBACK",
        "SHOW my.x",
        "SHOW my.y",
        /* savepoints taken with nothing changed share the copy below them */
        "BEGIN",
        "SAVEPOINT a",
        "SET TimeZone = 'Europe/Paris'",
        "SAVEPOINT b",
        "RELEASE b",
        "SAVEPOINT c",
        "SET TimeZone = 'Asia/Tokyo'",
        "ROLLBACK TO c",
        "SHOW TimeZone",
        "SAVEPOINT d",
        "SAVEPOINT e",
        "SET LOCAL TimeZone = 'UTC'",
        "ROLLBACK TO e",
        "SHOW TimeZone",
        "ROLLBACK TO a",
        "SHOW TimeZone",
        "SAVEPOINT f",
        "SAVEPOINT f",
        "SET TimeZone = 'Asia/Tokyo'",
        "ROLLBACK TO f",
        "SHOW TimeZone",
        "RELEASE f",
        "ROLLBACK TO f",
        "SHOW TimeZone",
        "COMMIT",
        "SHOW TimeZone",
        /* set_config() is SET (pg_dump opens with the first) */
        "SELECT pg_catalog.set_config('search_path', '', false)",
        "SHOW search_path",
        "SELECT set_config('search_path', 'public', false) AS sp, "
        "set_config('TimeZone', 'Asia/Tokyo', 't')",
        "SHOW TimeZone",
        "BEGIN",
        "SELECT set_config('TimeZone', 'Europe/Paris', true)",
        "SELECT set_config('statement_timeout', '60000', false)",
        "COMMIT",
        "SHOW TimeZone",
        "SHOW statement_timeout",
        "SELECT set_config('statement_timeout', '120000', true)",
        "SHOW statement_timeout",
        "SELECT set_config('my.v', 'a', false), set_config(NULL, 'x', false)",
        "SELECT current_setting('my.v', true)",
        "SELECT set_config('x.y', 'a', 'maybe')",
        "SELECT set_config('search_path'::text, 'public'::varchar, 'on')",
    };
    for (size_t i = 0; i < sizeof sqls / sizeof *sqls; i++) {
        expect_as_postgres(px, px_last, pg, pg_last, sqls[i]);
        cr_expect_str_eq(PQparameterStatus(px, "TimeZone"), PQparameterStatus(pg, "TimeZone"),
                         "after %s: ParameterStatus TimeZone %s, PostgreSQL %s", sqls[i],
                         PQparameterStatus(px, "TimeZone"), PQparameterStatus(pg, "TimeZone"));
    }
    /* the extended protocol's implicit transaction up to Sync: an error rolls the SET back */
    PGconn *both[] = {px, pg};
    for (int k = 0; k < 2; k++) {
        PGconn *c = both[k];
        cr_assert(PQenterPipelineMode(c));
        cr_assert(
            PQsendQueryParams(c, "SET TimeZone = 'Asia/Tokyo'", 0, NULL, NULL, NULL, NULL, 0));
        cr_assert(PQsendQueryParams(c, "SELECT 1/0", 0, NULL, NULL, NULL, NULL, 0));
        cr_assert(PQpipelineSync(c));
        for (int n = 0; n < 16; n++) {
            PGresult *r = PQgetResult(c);
            ExecStatusType st = r ? PQresultStatus(r) : PGRES_COMMAND_OK;
            PQclear(r);
            if (st == PGRES_PIPELINE_SYNC)
                break;
        }
        cr_assert(PQexitPipelineMode(c), "%s", PQerrorMessage(c));
    }
    expect_as_postgres(px, px_last, pg, pg_last, "SHOW TimeZone");
    pt_expect_value(px, "SHOW TimeZone", "UTC");
    /* described before it runs, as a query is */
    for (int k = 0; k < 2; k++) {
        PGresult *r =
            PQprepare(both[k], "sc", "SELECT set_config('my.w', 'b', false) AS w", 0, NULL);
        cr_assert_eq(PQresultStatus(r), PGRES_COMMAND_OK, "%s", PQerrorMessage(both[k]));
        PQclear(r);
        r = PQdescribePrepared(both[k], "sc");
        cr_expect_eq(PQnfields(r), 1);
        cr_expect_str_eq(PQfname(r, 0), "w");
        cr_expect_eq(PQftype(r, 0), 25);
        PQclear(r);
        r = PQexecPrepared(both[k], "sc", 0, NULL, NULL, NULL, 0);
        cr_expect_str_eq(PQgetvalue(r, 0, 0), "b");
        PQclear(r);
    }
    PQfinish(px);
    PQfinish(pg);
    pt_stop(&t);
}

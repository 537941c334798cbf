/*
 * tests/proxy/test_simple.c: the simple query protocol through libpq: statements, empty
 * queries, errors with SQLSTATEs, transaction status, several statements in one string.
 */
#include "proxy_test.h"

#include <arpa/inet.h>

Test(proxy, select_one_through_libpq)
{
    pt_proxy_t t = pt_start("select_one");
    PGconn *c = pt_connect(&t);
    pt_expect_value(c, "SELECT 1", "1");
    pt_expect_value(c, "select 'a' || 'b' AS x", "ab");
    cr_expect_eq(PQserverVersion(c), 150000);
    cr_expect_eq(proxy_n_clients(t.p), 1);
    PQfinish(c);
    pt_stop(&t);
}

Test(proxy, row_description_and_tag)
{
    pt_proxy_t t = pt_start("rowdesc");
    PGconn *c = pt_connect(&t);
    PGconn *pg = pt_pg_connect("postgres");
    const char *q = "SELECT i AS n, i * 2 AS twice FROM generate_series(0, 2) t(i) ORDER BY i";
    pt_expect_same(c, pg, q);
    pt_expect_same(c, pg, "SELECT i::bigint AS n FROM generate_series(0, 2) t(i) ORDER BY i");
    PGresult *r = PQexec(c, q);
    cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "%s", PQerrorMessage(c));
    cr_expect_eq(PQntuples(r), 3);
    cr_expect_eq(PQnfields(r), 2);
    cr_expect_str_eq(PQfname(r, 0), "n");
    cr_expect_str_eq(PQfname(r, 1), "twice");
    cr_expect_eq(PQftype(r, 0), 23);
    cr_expect_str_eq(PQgetvalue(r, 2, 1), "4");
    cr_expect_str_eq(PQcmdStatus(r), "SELECT 3");
    PQclear(r);
    PQfinish(pg);
    PQfinish(c);
    pt_stop(&t);
}

Test(proxy, empty_query_and_semicolons)
{
    pt_proxy_t t = pt_start("empty_query");
    PGconn *c = pt_connect(&t);
    PGresult *r = PQexec(c, "  ;; -- nothing\n");
    cr_expect_eq(PQresultStatus(r), PGRES_EMPTY_QUERY);
    PQclear(r);
    r = PQexec(c, "");
    cr_expect_eq(PQresultStatus(r), PGRES_EMPTY_QUERY);
    PQclear(r);
    PQfinish(c);
    pt_stop(&t);
}

Test(proxy, several_statements_last_result_wins)
{
    pt_proxy_t t = pt_start("multi");
    PGconn *c = pt_connect(&t);
    pt_expect_value(c, "SELECT 1; SELECT 'x;y' AS s; SELECT $$a;b$$ /* ; */", "a;b");
    /* the error stops the string: the third statement never runs */
    cr_assert(PQsendQuery(c, "SELECT 1; SELECT nosuch_col FROM generate_series(1, 1); SELECT 3"));
    int n_ok = 0, n_err = 0;
    PGresult *r;
    while ((r = PQgetResult(c)) != NULL) {
        n_ok += PQresultStatus(r) == PGRES_TUPLES_OK;
        n_err += PQresultStatus(r) == PGRES_FATAL_ERROR;
        PQclear(r);
    }
    cr_expect_eq(n_ok, 1);
    cr_expect_eq(n_err, 1);
    PQfinish(c);
    pt_stop(&t);
}

Test(proxy, errors_carry_sqlstates)
{
    pt_proxy_t t = pt_start("errors");
    PGconn *c = pt_connect(&t);
    PGconn *pg = pt_pg_connect("postgres");
    static const char *const errors[] = {
        "SELEC 1",                                          /* 42601 */
        "SELECT * FROM no_such_table",                      /* 42P01 */
        "SELECT no_such_column FROM generate_series(1, 1)", /* 42703 */
        "SELECT no_such_function(1)",                       /* 42883 */
        "SELECT 'abc'::INTEGER",                            /* 22P02 */
        "SELECT 1 / 0",                                     /* 22012 */
    };
    for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++)
        pt_expect_same(c, pg, errors[i]);
    pt_expect_error(c, "SELECT no_such_column FROM generate_series(1, 1)", "42703");
    /* the connection is still usable */
    pt_expect_value(c, "SELECT 42", "42");
    PQfinish(pg);
    PQfinish(c);
    pt_stop(&t);
}

/* PostgreSQL counts a series of any length (slowly). The mirror must give that count or refuse
 * (0A000), never an error PostgreSQL has no reason to raise. */
Test(proxy, a_series_past_2_32_rows_is_counted_or_refused)
{
    pt_proxy_t t = pt_start("bigseries");
    PGconn *c = pt_connect(&t);
    PGresult *r = PQexec(c, "SELECT count(*) FROM generate_series(1, 5000000000)");
    const char *st = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    if (PQresultStatus(r) == PGRES_TUPLES_OK)
        cr_expect_str_eq(PQgetvalue(r, 0, 0), "5000000000");
    else
        cr_expect_str_eq(st ? st : "-", "0A000", "%s", PQresultErrorMessage(r));
    PQclear(r);
    PQfinish(c);
    pt_stop(&t);
}

Test(proxy, transaction_status_and_failed_block)
{
    pt_proxy_t t = pt_start("tx");
    PGconn *c = pt_connect(&t);
    cr_expect_eq(PQtransactionStatus(c), PQTRANS_IDLE);
    PQclear(PQexec(c, "BEGIN"));
    cr_expect_eq(PQtransactionStatus(c), PQTRANS_INTRANS);
    pt_expect_value(c, "SELECT 7", "7");
    pt_expect_error(c, "SELECT * FROM missing_table", "42P01");
    cr_expect_eq(PQtransactionStatus(c), PQTRANS_INERROR);
    pt_expect_error(c, "SELECT 1", "25P02");
    PGresult *r = PQexec(c, "COMMIT");
    cr_expect_str_eq(PQcmdStatus(r), "ROLLBACK");
    PQclear(r);
    cr_expect_eq(PQtransactionStatus(c), PQTRANS_IDLE);
    PQclear(PQexec(c, "START TRANSACTION READ ONLY"));
    r = PQexec(c, "COMMIT");
    cr_expect_str_eq(PQcmdStatus(r), "COMMIT");
    PQclear(r);
    r = PQexec(c, "ROLLBACK");
    cr_expect_str_eq(PQcmdStatus(r), "ROLLBACK");
    PQclear(r);
    PQfinish(c);
    pt_stop(&t);
}

Test(proxy, savepoints_recover_a_failed_block)
{
    pt_proxy_t t = pt_start("savepoint");
    PGconn *c = pt_connect(&t);
    PQclear(PQexec(c, "BEGIN"));
    PQclear(PQexec(c, "SAVEPOINT a"));
    pt_expect_error(c, "SELECT * FROM missing_table", "42P01");
    PGresult *r = PQexec(c, "ROLLBACK TO SAVEPOINT a");
    cr_expect_eq(PQresultStatus(r), PGRES_COMMAND_OK, "%s", PQerrorMessage(c));
    PQclear(r);
    pt_expect_value(c, "SELECT 5", "5");
    PQclear(PQexec(c, "COMMIT"));
    pt_expect_error(c, "SAVEPOINT b", "25P01");
    PQfinish(c);
    pt_stop(&t);
}

Test(proxy, node_postgres_extended_protocol)
{
    pt_proxy_t t = pt_start("nodepg");
    int st = amt_system("cd %s && AM_ROOT=%s node tests/proxy/node_pg_client.js %d '%s' %s %s "
                        "> %s/out.txt 2>&1",
                        amt_root(), amt_root(), proxy_port(t.p), PT_PASSWORD, PT_USER, PT_DB,
                        t.warehouse);
    char *path = NULL;
    cr_assert(asprintf(&path, "%s/out.txt", t.warehouse) > 0);
    am_buf_t b;
    am_buf_init(&b);
    am_err_t err = {0};
    cr_assert(am_file_read_all(path, &b, &err), "%s", err.msg);
    cr_expect_eq(st, 0, "node client failed: %s", b.data);
    cr_expect(b.data && strstr(b.data, "ok") != NULL, "%s", b.data);
    am_buf_destroy(&b);
    free(path);
    pt_stop(&t);
}

Test(proxy, libpq_prepared_statements_and_describe)
{
    pt_proxy_t t = pt_start("prepared");
    PGconn *c = pt_connect(&t);
    PGresult *r = PQprepare(
        c, "q1", "SELECT i * $1::INTEGER AS v FROM generate_series(0, 4) t(i) ORDER BY i", 1, NULL);
    cr_assert_eq(PQresultStatus(r), PGRES_COMMAND_OK, "%s", PQerrorMessage(c));
    PQclear(r);
    r = PQdescribePrepared(c, "q1");
    cr_assert_eq(PQresultStatus(r), PGRES_COMMAND_OK, "%s", PQerrorMessage(c));
    cr_expect_eq(PQnparams(r), 1);
    cr_expect_eq(PQparamtype(r, 0), 23, "$1::INTEGER is an int4 parameter");
    cr_expect_eq(PQnfields(r), 1);
    cr_expect_str_eq(PQfname(r, 0), "v");
    PQclear(r);
    const char *vals[1] = {"3"};
    r = PQexecPrepared(c, "q1", 1, vals, NULL, NULL, 0);
    cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "%s", PQerrorMessage(c));
    cr_expect_eq(PQntuples(r), 5);
    cr_expect_str_eq(PQgetvalue(r, 4, 0), "12");
    PQclear(r);
    r = PQprepare(c, "q1", "SELECT 1", 0, NULL);
    cr_expect_str_eq(PQresultErrorField(r, PG_DIAG_SQLSTATE), "42P05");
    PQclear(r);
    r = PQexecPrepared(c, "nosuch", 0, NULL, NULL, NULL, 0);
    cr_expect_str_eq(PQresultErrorField(r, PG_DIAG_SQLSTATE), "26000");
    PQclear(r);
    r = PQprepare(c, "two", "SELECT 1; SELECT 2", 0, NULL);
    cr_expect_str_eq(PQresultErrorField(r, PG_DIAG_SQLSTATE), "42601");
    PQclear(r);
    /* binary parameters */
    uint32_t be = htonl(20);
    const char *bvals[1] = {(const char *)&be};
    int lens[1] = {4}, fmts[1] = {1};
    r = PQexecParams(c, "SELECT $1::INTEGER + 1", 1, (const Oid[]){23}, bvals, lens, fmts, 0);
    cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "%s", PQerrorMessage(c));
    cr_expect_str_eq(PQgetvalue(r, 0, 0), "21");
    PQclear(r);
    /* SHOW and SET through the extended protocol */
    r = PQexecParams(c, "SHOW DateStyle", 0, NULL, NULL, NULL, NULL, 0);
    cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "%s", PQerrorMessage(c));
    cr_expect_str_eq(PQgetvalue(r, 0, 0), "ISO, MDY");
    PQclear(r);
    r = PQexecParams(c, "SET application_name = 'ext'", 0, NULL, NULL, NULL, NULL, 0);
    cr_expect_eq(PQresultStatus(r), PGRES_COMMAND_OK, "%s", PQerrorMessage(c));
    PQclear(r);
    cr_expect_str_eq(PQparameterStatus(c, "application_name"), "ext");
    PQfinish(c);
    pt_stop(&t);
}

/* PostgreSQL reads every parameter with its type's input function at Bind, so a value its type
 * refuses fails even where the plan would never evaluate it (a filter that is always false,
 * an empty relation); DuckDB evaluates it only where its plan does. */
static void expect_bind_error(PGconn *c, const char *sql, Oid type, const char *value,
                              const char *sqlstate, const char *what)
{
    const char *vals[1] = {value};
    PGresult *r = PQexecParams(c, sql, 1, type ? (const Oid[]){type} : NULL, vals, NULL, NULL, 0);
    cr_expect_eq(PQresultStatus(r), PGRES_FATAL_ERROR, "%s: %s answered", what, sql);
    const char *st = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    cr_expect_str_eq(st ? st : "", sqlstate, "%s: %s", what, PQresultErrorMessage(r));
    PQclear(r);
}

Test(proxy, a_parameter_its_type_refuses_fails_at_bind_whatever_the_plan)
{
    pt_proxy_t t = pt_start("param_check");
    PGconn *c = pt_connect(&t);
    const char *never = "SELECT 1 FROM generate_series(1, 3) g WHERE g * $1 BETWEEN 7 AND 0";
    expect_bind_error(c, never, 0, "1.25", "22P02", "an int8 read in C");
    expect_bind_error(c, "SELECT 1 WHERE false AND $1::int2 IS NULL", 0, "70000", "22003",
                      "int2 out of range");
    expect_bind_error(c, "SELECT 1 WHERE false AND $1::numeric IS NULL", 0, "1..2", "22P02",
                      "numeric");
    expect_bind_error(c, "SELECT 1 WHERE false AND $1::float8 IS NULL", 0, "x", "22P02", "float8");
    expect_bind_error(c, "SELECT 1 WHERE false AND $1::date IS NULL", 0, "2024-13-01", "22008",
                      "a date, read by DuckDB");
    expect_bind_error(c, "SELECT 1 WHERE false", 16, "maybe", "22P02",
                      "a declared boolean the statement never uses");
    /* the same statement with good values still answers, twice (its check is kept) */
    for (int i = 0; i < 2; i++) {
        const char *vals[2] = {"2", "2024-02-29"};
        PGresult *r =
            PQexecParams(c, "SELECT $1::int8 * 2, $2::date + 1", 2, NULL, vals, NULL, NULL, 0);
        cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "%s", PQerrorMessage(c));
        cr_expect_str_eq(PQgetvalue(r, 0, 0), "4");
        cr_expect_str_eq(PQgetvalue(r, 0, 1), "2024-03-01");
        PQclear(r);
    }
    pt_expect_value(c, "SELECT 1", "1"); /* the session goes on */
    PQfinish(c);
    pt_stop(&t);
}

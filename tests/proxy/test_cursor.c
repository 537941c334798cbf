/*
 * tests/proxy/test_cursor.c: SQL cursors (DECLARE / FETCH / MOVE / CLOSE) as psycopg2's
 * named cursors use them: forward fetches in pieces with PostgreSQL's tags, other statements
 * between fetches, WITH HOLD across COMMIT, the errors PostgreSQL gives, FETCH through the
 * extended protocol.
 */
#include "proxy_test.h"

static PGresult *run(PGconn *c, const char *sql, ExecStatusType want)
{
    PGresult *r = PQexec(c, sql);
    cr_assert_eq(PQresultStatus(r), want, "%s: %s %s", sql, PQresStatus(PQresultStatus(r)),
                 PQerrorMessage(c));
    return r;
}

static void expect_fetch(PGconn *c, const char *sql, int n, const char *first, const char *tag)
{
    PGresult *r = run(c, sql, PGRES_TUPLES_OK);
    cr_expect_eq(PQntuples(r), n, "%s: %d rows", sql, PQntuples(r));
    if (n > 0 && first)
        cr_expect_str_eq(PQgetvalue(r, 0, 0), first, "%s: first %s", sql, PQgetvalue(r, 0, 0));
    cr_expect_str_eq(PQcmdStatus(r), tag, "%s: tag %s", sql, PQcmdStatus(r));
    cr_expect_str_eq(PQfname(r, 0), "n");
    PQclear(r);
}

static void expect_command(PGconn *c, const char *sql, const char *tag)
{
    PGresult *r = run(c, sql, PGRES_COMMAND_OK);
    cr_expect_str_eq(PQcmdStatus(r), tag, "%s: tag %s", sql, PQcmdStatus(r));
    PQclear(r);
}

Test(proxy, declare_fetch_move_close)
{
    pt_proxy_t t = pt_start("cursor");
    PGconn *c = pt_connect(&t);
    expect_command(c, "BEGIN", "BEGIN");
    expect_command(c,
                   "DECLARE \"Named\" CURSOR WITHOUT HOLD FOR SELECT i AS n, i * 2 AS twice "
                   "FROM range(10) t(i) ORDER BY i",
                   "DECLARE CURSOR");
    expect_fetch(c, "FETCH FORWARD 3 FROM \"Named\"", 3, "0", "FETCH 3");
    expect_fetch(c, "FETCH \"Named\"", 1, "3", "FETCH 1");
    expect_command(c, "MOVE 2 IN \"Named\"", "MOVE 2");
    /* another statement between fetches leaves the cursor where it was */
    pt_expect_value(c, "SELECT 42", "42");
    expect_fetch(c, "FETCH NEXT FROM \"Named\"", 1, "6", "FETCH 1");
    expect_fetch(c, "FETCH ALL FROM \"Named\"", 3, "7", "FETCH 3");
    expect_fetch(c, "FETCH FORWARD 5 FROM \"Named\"", 0, NULL, "FETCH 0");
    expect_command(c, "CLOSE \"Named\"", "CLOSE CURSOR");
    pt_expect_error(c, "FETCH 1 FROM \"Named\"", "34000");
    expect_command(c, "ROLLBACK", "ROLLBACK");
    PQfinish(c);
    pt_stop(&t);
}

Test(proxy, cursors_end_with_their_transaction_unless_held)
{
    pt_proxy_t t = pt_start("cursor_hold");
    PGconn *c = pt_connect(&t);
    pt_expect_error(c, "DECLARE c CURSOR FOR SELECT 1 AS n", "25P01");
    expect_command(c, "BEGIN", "BEGIN");
    expect_command(c, "DECLARE c CURSOR FOR SELECT i AS n FROM range(4) t(i) ORDER BY i",
                   "DECLARE CURSOR");
    expect_command(c, "DECLARE h CURSOR WITH HOLD FOR SELECT i AS n FROM range(4) t(i) ORDER BY i",
                   "DECLARE CURSOR");
    pt_expect_error(c, "DECLARE h CURSOR FOR SELECT 1", "42P03");
    expect_command(c, "ROLLBACK", "ROLLBACK");
    /* a rollback takes the block's cursors, held or not */
    pt_expect_error(c, "FETCH 1 FROM h", "34000");
    expect_command(c, "BEGIN", "BEGIN");
    expect_command(c, "DECLARE h CURSOR WITH HOLD FOR SELECT i AS n FROM range(4) t(i) ORDER BY i",
                   "DECLARE CURSOR");
    expect_command(c, "DECLARE c CURSOR FOR SELECT 1 AS n", "DECLARE CURSOR");
    expect_command(c, "COMMIT", "COMMIT");
    pt_expect_error(c, "FETCH 1 FROM c", "34000");
    expect_fetch(c, "FETCH 2 FROM h", 2, "0", "FETCH 2");
    expect_command(c, "CLOSE ALL", "CLOSE CURSOR ALL");
    pt_expect_error(c, "FETCH 1 FROM h", "34000");
    PQfinish(c);
    pt_stop(&t);
}

Test(proxy, cursors_scan_forward_and_read_only)
{
    pt_proxy_t t = pt_start("cursor_errors");
    PGconn *c = pt_connect(&t);
    expect_command(c, "BEGIN", "BEGIN");
    expect_command(c, "DECLARE c SCROLL CURSOR FOR SELECT i AS n FROM range(4) t(i)",
                   "DECLARE CURSOR");
    pt_expect_error(c, "FETCH BACKWARD 1 FROM c", "55000");
    expect_command(c, "ROLLBACK", "ROLLBACK");
    expect_command(c, "BEGIN", "BEGIN");
    pt_expect_error(c, "DECLARE w CURSOR FOR DELETE FROM x", "25006");
    expect_command(c, "ROLLBACK", "ROLLBACK");
    pt_expect_error(c, "FETCH 1 FROM nosuch", "34000");
    pt_expect_error(c, "CLOSE nosuch", "34000");
    PQfinish(c);
    pt_stop(&t);
}

Test(proxy, fetch_through_the_extended_protocol)
{
    pt_proxy_t t = pt_start("cursor_ext");
    PGconn *c = pt_connect(&t);
    expect_command(c, "BEGIN", "BEGIN");
    expect_command(c, "DECLARE c CURSOR FOR SELECT i AS n FROM range(5) t(i) ORDER BY i",
                   "DECLARE CURSOR");
    for (int round = 0; round < 2; round++) {
        PGresult *r = PQexecParams(c, "FETCH 2 FROM c", 0, NULL, NULL, NULL, NULL, 0);
        cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "%s", PQerrorMessage(c));
        cr_expect_eq(PQntuples(r), 2);
        cr_expect_str_eq(PQfname(r, 0), "n");
        cr_expect_str_eq(PQgetvalue(r, 0, 0), round == 0 ? "0" : "2");
        cr_expect_str_eq(PQcmdStatus(r), "FETCH 2");
        PQclear(r);
    }
    expect_command(c, "COMMIT", "COMMIT");
    PQfinish(c);
    pt_stop(&t);
}

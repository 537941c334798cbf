/*
 * tests/proxy/pgfn_more_test.h: the comparison harness of the test_pgfn_more*.c tests, on top
 * of pgfn_num_test.h (header-only: the test build compiles only tests/<module>/test_*.c): an
 * error compares with PostgreSQL's DETAIL and HINT too, which the am_* functions append to
 * their message after "\nDETAIL:  " and "\nHINT:  ".
 */
#ifndef AM_TESTS_PGFN_MORE_TEST_H
#define AM_TESTS_PGFN_MORE_TEST_H

#include "pgfn_num_test.h"

/* PostgreSQL's answer as text, an error with its DETAIL and HINT lines. */
static NT_UNUSED char *moret_pg_text(numt_t *t, const char *sql)
{
    PGresult *r = PQexec(t->pg, sql);
    if (PQresultStatus(r) == PGRES_TUPLES_OK) {
        char *out = NULL;
        for (int row = 0; row < PQntuples(r); row++)
            for (int c = 0; c < PQnfields(r); c++)
                numt_append(&out, PQgetisnull(r, row, c) ? "NULL" : PQgetvalue(r, row, c),
                            row == 0 && c == 0);
        PQclear(r);
        return out ? out : strdup("");
    }
    const char *d = PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL);
    const char *h = PQresultErrorField(r, PG_DIAG_MESSAGE_HINT);
    char *out = numt_fmt("ERROR %s %s%s%s%s%s", PQresultErrorField(r, PG_DIAG_SQLSTATE),
                         PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY), d ? "\nDETAIL:  " : "",
                         d ? d : "", h ? "\nHINT:  " : "", h ? h : "");
    PQclear(r);
    return out;
}

/* Compares the answers of two statements; takes ownership of both. */
static NT_UNUSED void moret_check(numt_t *t, char *pg_sql, char *duck_sql)
{
    char *want = moret_pg_text(t, pg_sql);
    char *got = numt_duck_text(t, duck_sql);
    t->cases++;
    if (strcmp(want, got) != 0) {
        t->failures++;
        cr_log_error(
            "%s: mismatch\n  PostgreSQL: %s\n    -> %.400s\n  DuckDB:     %s\n    -> %.400s",
            t->name, pg_sql, want, duck_sql, got);
    }
    free(want);
    free(got);
    free(pg_sql);
    free(duck_sql);
}

#endif

/*
 * tests/proxy/pgfn_num_test.h: the comparison harness of the test_pgfn_num*.c tests
 * (header-only: the test build compiles only tests/<module>/test_*.c). Each case is one SELECT
 * on the suite's PostgreSQL and one on an in-memory DuckDB with the am_* functions registered;
 * both answers become text (columns joined by '|', NULL as "NULL", an error as
 * "ERROR <SQLSTATE> <message>") and must be equal. Mismatches print both texts and are counted;
 * numt_close fails the test if there was any.
 */
#ifndef AM_TESTS_PGFN_NUM_TEST_H
#define AM_TESTS_PGFN_NUM_TEST_H

#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proxy/pgfn_internal.h"
#include "proxy/pgfn_num.h"
#include "../support/testlib.h"

#define NT_UNUSED __attribute__((unused))

typedef struct numt {
    PGconn *pg;
    duckdb_database db;
    duckdb_connection duck;
    int cases;
    int failures;
    const char *name;
} numt_t;

/* Connects to PostgreSQL, opens DuckDB and registers every am_* function. */
static NT_UNUSED void numt_open(numt_t *t, const char *name)
{
    memset(t, 0, sizeof *t);
    t->name = name;
    t->pg = amt_pg_connect("postgres");
    cr_assert(duckdb_open(NULL, &t->db) == DuckDBSuccess);
    cr_assert(duckdb_connect(t->db, &t->duck) == DuckDBSuccess);
    am_err_t err = {0};
    cr_assert(proxy__pgfn_register(t->duck, &err), "register: %s", err.msg);
}

/* Prints the number of cases compared; fails the test on any mismatch. */
static NT_UNUSED void numt_close(numt_t *t)
{
    fprintf(stderr, "%s: %d cases compared with PostgreSQL, %d mismatches\n", t->name, t->cases,
            t->failures);
    duckdb_disconnect(&t->duck);
    duckdb_close(&t->db);
    PQfinish(t->pg);
    cr_assert_eq(t->failures, 0, "%s: %d of %d cases differ from PostgreSQL", t->name, t->failures,
                 t->cases);
}

static NT_UNUSED char *numt_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static NT_UNUSED char *numt_fmt(const char *fmt, ...)
{
    char *s = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0)
        cr_assert_fail("out of memory");
    va_end(ap);
    return s;
}

static NT_UNUSED void numt_append(char **acc, const char *part, bool first)
{
    char *s = numt_fmt("%s%s%s", *acc ? *acc : "", first ? "" : "|", part);
    free(*acc);
    *acc = s;
}

/* PostgreSQL's answer as text. */
static NT_UNUSED char *numt_pg_text(numt_t *t, const char *sql)
{
    PGresult *r = PQexec(t->pg, sql);
    char *out = NULL;
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        out = numt_fmt("ERROR %s %s", PQresultErrorField(r, PG_DIAG_SQLSTATE),
                       PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY));
    } else {
        for (int row = 0; row < PQntuples(r); row++)
            for (int c = 0; c < PQnfields(r); c++)
                numt_append(&out, PQgetisnull(r, row, c) ? "NULL" : PQgetvalue(r, row, c),
                            row == 0 && c == 0);
    }
    PQclear(r);
    return out ? out : strdup("");
}

/* One DuckDB value as PostgreSQL would print its type: booleans t/f, floats by float8out. */
static NT_UNUSED char *numt_duck_value(duckdb_result *res, idx_t c, idx_t row)
{
    if (duckdb_value_is_null(res, c, row))
        return strdup("NULL");
    char buf[PROXY_FLOAT_OUT_LEN];
    switch (duckdb_column_type(res, c)) {
    case DUCKDB_TYPE_BOOLEAN:
        return strdup(duckdb_value_boolean(res, c, row) ? "t" : "f");
    case DUCKDB_TYPE_DOUBLE:
        proxy__f8_out(duckdb_value_double(res, c, row), 1, buf);
        return strdup(buf);
    case DUCKDB_TYPE_FLOAT:
        proxy__f4_out(duckdb_value_float(res, c, row), 1, buf);
        return strdup(buf);
    default: {
        char *v = duckdb_value_varchar(res, c, row);
        char *s = strdup(v);
        duckdb_free(v);
        return s;
    }
    }
}

/* DuckDB's answer as text; an error "Invalid Input Error: 22012 division by zero" becomes
 * "ERROR 22012 division by zero". */
static NT_UNUSED char *numt_duck_text(numt_t *t, const char *sql)
{
    duckdb_result res;
    char *out = NULL;
    if (duckdb_query(t->duck, sql, &res) == DuckDBError) {
        const char *msg = duckdb_result_error(&res);
        const char *p = strstr(msg, "Error: ");
        out = numt_fmt("ERROR %s", p ? p + 7 : msg);
    } else {
        for (idx_t row = 0; row < duckdb_row_count(&res); row++)
            for (idx_t c = 0; c < duckdb_column_count(&res); c++) {
                char *v = numt_duck_value(&res, c, row);
                numt_append(&out, v, row == 0 && c == 0);
                free(v);
            }
    }
    duckdb_destroy_result(&res);
    return out ? out : strdup("");
}

/* Compares the answers of two complete statements. */
static NT_UNUSED void numt_check(numt_t *t, const char *pg_sql, const char *duck_sql)
{
    char *want = numt_pg_text(t, pg_sql);
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
}

/* Takes ownership of both statements. */
static NT_UNUSED void numt_check_own(numt_t *t, char *pg_sql, char *duck_sql)
{
    numt_check(t, pg_sql, duck_sql);
    free(pg_sql);
    free(duck_sql);
}

/* ---- values ------------------------------------------------------------------------------ */

typedef struct numt_rng {
    uint64_t s;
} numt_rng_t;

static NT_UNUSED uint64_t numt_rand(numt_rng_t *r)
{
    r->s = r->s * 6364136223846793005ULL + 1442695040888963407ULL;
    return r->s >> 17;
}

static NT_UNUSED int numt_pick(numt_rng_t *r, const int *choices, size_t n)
{
    return choices[numt_rand(r) % n];
}

/* Numeric text of many shapes: signs, 0-120 integer digits, scales 0-40, leading fractional
 * zeros, exponents, NaN and infinities now and then. */
static NT_UNUSED const char *numt_rand_numeric(numt_rng_t *r, char *buf, size_t len)
{
    static const char *const specials[] = {"NaN", "Infinity", "-Infinity", "0",   "0.000",
                                           "1",   "-1",       "1.0",       "0.5", "-0.5"};
    static const int int_digits[] = {0, 0, 1, 2, 3, 5, 8, 12, 19, 20, 30, 38, 50, 120};
    static const int frac_digits[] = {0, 0, 1, 2, 3, 4, 5, 8, 10, 16, 20, 30, 40};
    if (numt_rand(r) % 20 == 0)
        return strcpy(buf, specials[numt_rand(r) % (sizeof specials / sizeof *specials)]);
    int ni = numt_pick(r, int_digits, sizeof int_digits / sizeof *int_digits);
    int nf = numt_pick(r, frac_digits, sizeof frac_digits / sizeof *frac_digits);
    size_t n = 0;
    if (numt_rand(r) % 5 < 2)
        buf[n++] = '-';
    buf[n++] = (char)('1' + numt_rand(r) % 9);
    for (int i = 1; i < ni; i++)
        buf[n++] = (char)('0' + numt_rand(r) % 10);
    if (ni == 0)
        buf[n - 1] = '0';
    if (nf > 0) {
        buf[n++] = '.';
        int zeros = numt_rand(r) % 5 == 0 ? nf / 2 : 0;
        for (int i = 0; i < nf; i++)
            buf[n++] = i < zeros ? '0' : (char)('0' + numt_rand(r) % 10);
    }
    if (numt_rand(r) % 10 == 0)
        n += (size_t)snprintf(buf + n, len - n, "e%d", (int)(numt_rand(r) % 61) - 30);
    buf[n] = '\0';
    return buf;
}

/* Values every test uses. */
static const char *const numt_edges[] NT_UNUSED = {
    "0",
    "-0",
    "0.00",
    "1",
    "-1",
    "0.5",
    "-0.5",
    "1.5",
    "2.5",
    "-2.5",
    "0.1",
    "1e-20",
    "-1e-20",
    "123.456",
    "-123.456",
    "9999.9999",
    "10000",
    "0.0001",
    "0.00005",
    "1e20",
    "-1e20",
    "12345678901234567890123456789012345678",
    "-99999999999999999999999999999999999999",
    "0.12345678901234567890123456789012345678",
    "1234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901"
    "234567890",
    "3.14159265358979323846264338327950288419716939937510582097494459230781640628620899862803",
    "2147483647",
    "-2147483648",
    "9223372036854775807",
    "-9223372036854775808",
    "32767",
    "-32768",
    "NaN",
    "Infinity",
    "-Infinity"};
#define NUMT_N_EDGES (sizeof numt_edges / sizeof numt_edges[0])

#endif

/*
 * tests/proxy/pgfn_json_test.h: what the json family's tests share (header-only: the test
 * build compiles only tests/<module>/test_*.c). Every case runs a query on the real
 * PostgreSQL 15 of the suite and the matching query on an in-memory DuckDB with the am_*
 * functions registered; the two outcomes must be the same text: every row and column, or the
 * same error (SQLSTATE, message, DETAIL, HINT).
 *
 * Query templates take arguments by position: $1 is argument 1 as a string literal, @1 as a
 * text array (PostgreSQL ARRAY[...]::text[], DuckDB [...]::VARCHAR[]; elements separated by
 * '|', \N for NULL, "{}" for the empty array), #1 verbatim. A NULL argument is NULL.
 */
#ifndef AM_PGFN_JSON_TEST_H
#define AM_PGFN_JSON_TEST_H

#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proxy/pgfn_internal.h"
#include "proxy/pgfn_json.h"
#include "../support/testlib.h"

#define JT_UNUSED __attribute__((unused))

typedef struct jt {
    PGconn *pg;
    duckdb_database db;
    duckdb_connection duck;
    int cases;
    int failures;
} jt_t;

static JT_UNUSED jt_t jt_open(void)
{
    jt_t t = {0};
    t.pg = amt_pg_connect("postgres");
    amt_pg_exec(t.pg, "SET DateStyle = ISO, YMD; SET TimeZone = 'Europe/Paris'; "
                      "SET IntervalStyle = postgres");
    cr_assert_eq(duckdb_open(NULL, &t.db), DuckDBSuccess);
    cr_assert_eq(duckdb_connect(t.db, &t.duck), DuckDBSuccess);
    am_err_t err = {0};
    cr_assert(proxy__pgfn_register(t.duck, &err), "register: %s", err.msg);
    return t;
}

static JT_UNUSED void jt_close(jt_t *t, const char *name)
{
    fprintf(stderr, "%s: %d PostgreSQL-compared cases, %d mismatches\n", name, t->cases,
            t->failures);
    duckdb_disconnect(&t->duck);
    duckdb_close(&t->db);
    PQfinish(t->pg);
}

static JT_UNUSED void jt_quote(am_buf_t *b, const char *s)
{
    am_buf_putc(b, '\'');
    for (; *s; s++) {
        if (*s == '\'')
            am_buf_putc(b, '\'');
        am_buf_putc(b, *s);
    }
    am_buf_putc(b, '\'');
}

static JT_UNUSED void jt_list(am_buf_t *b, const char *spec, bool pg)
{
    am_buf_puts(b, pg ? "ARRAY[" : "[");
    if (strcmp(spec, "{}") != 0) {
        const char *p = spec;
        for (;;) {
            const char *e = strchr(p, '|');
            size_t n = e ? (size_t)(e - p) : strlen(p);
            char *el = am_xstrndup(p, n);
            if (p != spec)
                am_buf_puts(b, ", ");
            if (strcmp(el, "\\N") == 0)
                am_buf_puts(b, "NULL");
            else
                jt_quote(b, el);
            free(el);
            if (!e)
                break;
            p = e + 1;
        }
    }
    am_buf_puts(b, pg ? "]::text[]" : "]::VARCHAR[]");
}

/* tpl with every "%T" replaced by type (json or jsonb). Caller frees. */
static JT_UNUSED char *jt_typed(const char *tpl, const char *type)
{
    am_buf_t b;
    am_buf_init(&b);
    for (const char *p = tpl; *p; p++) {
        if (p[0] == '%' && p[1] == 'T') {
            am_buf_puts(&b, type);
            p++;
        } else {
            am_buf_putc(&b, *p);
        }
    }
    return am_buf_steal(&b, NULL);
}

/* The query of template tpl with args substituted (caller frees). */
static JT_UNUSED char *jt_render(const char *tpl, const char *const *args, bool pg)
{
    am_buf_t b;
    am_buf_init(&b);
    for (const char *p = tpl; *p; p++) {
        if ((*p == '$' || *p == '@' || *p == '#') && p[1] >= '1' && p[1] <= '9') {
            const char *a = args[p[1] - '1'];
            if (!a)
                am_buf_puts(&b, "NULL");
            else if (*p == '$')
                jt_quote(&b, a);
            else if (*p == '@')
                jt_list(&b, a, pg);
            else
                am_buf_puts(&b, a);
            p++;
        } else {
            am_buf_putc(&b, *p);
        }
    }
    return am_buf_steal(&b, NULL);
}

static JT_UNUSED void jt_cell(am_buf_t *b, const char *v, bool as_float)
{
    if (!v) {
        am_buf_puts(b, "\\N");
    } else if (as_float) {
        double d = strtod(v, NULL);
        if (isnan(d))
            am_buf_puts(b, "NaN");
        else
            am_buf_printf(b, "%.17g", d);
    } else {
        am_buf_puts(b, v);
    }
}

/* PostgreSQL's outcome: rows "|"-joined columns, one per line; or ERROR ... */
static JT_UNUSED char *jt_pg(jt_t *t, const char *sql, bool as_float)
{
    PGresult *r = PQexec(t->pg, sql);
    am_buf_t b;
    am_buf_init(&b);
    am_buf_append(&b, "", 0); /* no rows: an empty string */
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        const char *d = PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL);
        const char *h = PQresultErrorField(r, PG_DIAG_MESSAGE_HINT);
        const char *st = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        const char *m = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
        am_buf_printf(&b, "ERROR %s %s", st ? st : "?", m ? m : PQerrorMessage(t->pg));
        if (d)
            am_buf_printf(&b, "\nDETAIL: %s", d);
        if (h)
            am_buf_printf(&b, "\nHINT: %s", h);
    } else {
        for (int i = 0; i < PQntuples(r); i++)
            for (int j = 0; j < PQnfields(r); j++) {
                am_buf_puts(&b, j ? "|" : i ? "\n" : "");
                jt_cell(&b, PQgetisnull(r, i, j) ? NULL : PQgetvalue(r, i, j), as_float);
            }
    }
    PQclear(r);
    return am_buf_steal(&b, NULL);
}

static JT_UNUSED char *jt_duck(jt_t *t, const char *sql, bool as_float)
{
    duckdb_result r;
    am_buf_t b;
    am_buf_init(&b);
    am_buf_append(&b, "", 0);
    if (duckdb_query(t->duck, sql, &r) != DuckDBSuccess) {
        /* "<Kind> Error: <SQLSTATE> <message>..." */
        const char *e = duckdb_result_error(&r);
        const char *p = e ? strstr(e, "Error: ") : NULL;
        am_buf_printf(&b, "ERROR %s", p ? p + 7 : e ? e : "?");
    } else {
        for (idx_t i = 0; i < duckdb_row_count(&r); i++)
            for (idx_t j = 0; j < duckdb_column_count(&r); j++) {
                am_buf_puts(&b, j ? "|" : i ? "\n" : "");
                char *v = duckdb_value_is_null(&r, j, i) ? NULL : duckdb_value_varchar(&r, j, i);
                jt_cell(&b, v, as_float);
                duckdb_free(v);
            }
    }
    duckdb_destroy_result(&r);
    return am_buf_steal(&b, NULL);
}

/* One case: the two queries of templates pg_tpl and duck_tpl with the same arguments. */
static JT_UNUSED void jt_case_f(jt_t *t, const char *pg_tpl, const char *duck_tpl,
                                const char *const *args, bool as_float)
{
    char *pq = jt_render(pg_tpl, args, true), *dq = jt_render(duck_tpl, args, false);
    char *pr = jt_pg(t, pq, as_float), *dr = jt_duck(t, dq, as_float);
    t->cases++;
    if (strcmp(pr, dr) != 0) {
        t->failures++;
        cr_expect_fail("mismatch\n  postgres: %s\n  => %s\n  duckdb:   %s\n  => %s", pq, pr, dq,
                       dr);
    }
    free(pq);
    free(dq);
    free(pr);
    free(dr);
}

static JT_UNUSED void jt_case(jt_t *t, const char *pg_tpl, const char *duck_tpl, const char *a1,
                              const char *a2, const char *a3, const char *a4)
{
    const char *args[] = {a1, a2, a3, a4};
    jt_case_f(t, pg_tpl, duck_tpl, args, false);
}

/* A value computed by PostgreSQL (first column of the first row; NULL for SQL NULL or an
 * error), to feed the DuckDB side the text the emitter would pass. Caller frees. */
static JT_UNUSED char *jt_pg_text(jt_t *t, const char *sql)
{
    PGresult *r = PQexec(t->pg, sql);
    char *v = NULL;
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
        v = strdup(PQgetvalue(r, 0, 0));
    PQclear(r);
    return v;
}

/* Documents every function is tried on: valid json, some of them invalid jsonb. */
static const char *const jt_docs[] JT_UNUSED = {
    "1",
    "-0",
    "0.0",
    "-0.00",
    "1.0",
    "1.50",
    "1e2",
    "1E+2",
    "1.0e2",
    "1e-2",
    "-1.5e-3",
    "123.456e1",
    "0.1e1",
    "100e-2",
    "12345678901234567890123456789012345678901234567890",
    "0.000000000000000000000000000000000000001",
    "1e100",
    "-1e-20",
    "1e05",
    "0e10",
    "true",
    "false",
    "null",
    "\"\"",
    "\"a\"",
    "\"\\u00e9\"",
    "\"\\ud834\\udd1e\"",
    "\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"",
    "\"\\u001f\\u007f\\u0001\"",
    "\"é\"",
    "\"\x7f\"",
    " 1 ",
    "\t[ 1 ,\n2 ]\r\n",
    "[]",
    "{}",
    "[[]]",
    "[{}]",
    "{\"a\":{}}",
    " [ ] ",
    " { } ",
    "[1, \"2\", null, true, [3], {\"x\": 4}]",
    "{\"a\": 1, \"b\": [1, 2, {\"c\": \"d\"}], \"e\": null}",
    "[[[[[\"deep\"]]]]]",
    "{\"a\":1,\"a\":2}",
    "{\"b\":1,\"a\":2,\"aa\":3,\"\":4}",
    "{\"a\": [1, 2 ,  3] , \"b\":\"x\\u0041\", \"c\" : { \"d\" :null}}",
    "{\"\\u0041\": 1, \"A\": 2}",
    "{\"é\":1,\"z\":2,\"ab\":3,\"b\":[]}",
    "[1.0, 1, 1.00, -0, 0, 0.0, 1e0]",
    "{\"n\": 12345678901234567890.123456789}",
    "{\"a\":null,\"b\":{\"c\":null,\"d\":[null,{\"e\":null}]}}",
    "[\"a\", \"b\", \"a\", 1, \"1\"]",
    "{\"a\": \"b\", \"c\": \"d\", \"1\": \"x\"}",
    "[[1, 2], [3, 4], {\"a\": [5]}]",
    "{\"key with spaces\": \"value\\twith\\ttabs\"}",
    "{\"a\": {\"b\": {\"c\": {\"d\": 1}}}, \"x\": [0, [1, [2, [3]]]]}",
    "\"\\u0000\"",
    "{\"a\": \"\\u0000\", \"b\": 1}",
    "[\"\\ud800\"]",
    "\"\\udc00x\"",
    "{\"\\u0000\": 1}",
    "[1e1000000]",
    "[1e-20000]",
};

#endif /* AM_PGFN_JSON_TEST_H */

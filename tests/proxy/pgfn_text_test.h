/*
 * tests/proxy/pgfn_text_test.h: the comparison harness of the `text` family's tests (header
 * only: the test build compiles only tests/<module>/test_*.c). Each case is one expression
 * evaluated on the suite's real PostgreSQL 15 and one on an in-memory DuckDB with the am_*
 * functions registered; the texts (or SQLSTATEs and messages) must be equal.
 */
#ifndef AM_PGFN_TEXT_TEST_H
#define AM_PGFN_TEXT_TEST_H

#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proxy/pgfn_internal.h"
#include "../support/testlib.h"

#define TT_UNUSED __attribute__((unused))

/* How the DuckDB value becomes PostgreSQL's text output. */
typedef enum tt_kind {
    TT_TEXT = 0, /* VARCHAR, integers: CAST AS VARCHAR */
    TT_LIST,     /* VARCHAR[]: am_array_out */
    TT_BLOB,     /* BLOB: \x and lower-case hex, as bytea_output hex */
    TT_BOOL,     /* BOOLEAN: true / false, as boolean::text */
    TT_LIST2,    /* VARCHAR[][] of regexp_matches: one array text per inner list, joined by | */
} tt_kind_t;

typedef struct tt_case {
    const char *pg;   /* PostgreSQL expression */
    const char *duck; /* DuckDB expression with am_* functions */
    tt_kind_t kind;
    int refuse; /* 0: same answer; TT_REFUSED: the mirror refuses (0A000) what PostgreSQL
                 * answers; TT_SAME_OR_REFUSED: either (random patterns) */
} tt_case_t;

#define TT_REFUSED 1
#define TT_SAME_OR_REFUSED 2

typedef struct tt_outcome {
    bool error;
    bool null;
    char sqlstate[6];
    char *text; /* value, or "message[\ndetail]" */
} tt_outcome_t;

typedef struct tt_env {
    PGconn *pg;
    duckdb_database db;
    duckdb_connection con;
    int n_cases, n_failed, n_refused;
} tt_env_t;

static TT_UNUSED void tt_open(tt_env_t *e)
{
    memset(e, 0, sizeof *e);
    e->pg = amt_pg_connect("postgres");
    PQclear(PQexec(e->pg, "SET extra_float_digits = 1"));
    cr_assert_eq(duckdb_open(NULL, &e->db), DuckDBSuccess);
    cr_assert_eq(duckdb_connect(e->db, &e->con), DuckDBSuccess);
    am_err_t err = {0};
    cr_assert(proxy__pgfn_register(e->con, &err), "register: %s %s", err.sqlstate, err.msg);
}

static TT_UNUSED void tt_close(tt_env_t *e)
{
    duckdb_disconnect(&e->con);
    duckdb_close(&e->db);
    PQfinish(e->pg);
}

static TT_UNUSED void tt_outcome_free(tt_outcome_t *o)
{
    free(o->text);
    memset(o, 0, sizeof *o);
}

static TT_UNUSED char *tt_strdup(const char *s)
{
    char *d = strdup(s ? s : "");
    cr_assert_not_null(d);
    return d;
}

static TT_UNUSED tt_outcome_t tt_pg(tt_env_t *e, const char *expr)
{
    tt_outcome_t o = {0};
    char *q = NULL;
    cr_assert(asprintf(&q, "SELECT (%s)::text", expr) >= 0);
    PGresult *r = PQexec(e->pg, q);
    free(q);
    if (PQresultStatus(r) == PGRES_TUPLES_OK) {
        o.null = PQgetisnull(r, 0, 0);
        o.text = tt_strdup(o.null ? "" : PQgetvalue(r, 0, 0));
    } else {
        o.error = true;
        const char *st = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        snprintf(o.sqlstate, sizeof o.sqlstate, "%s", st ? st : "?????");
        const char *msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
        const char *det = PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL);
        cr_assert(asprintf(&o.text, "%s%s%s", msg ? msg : "", det ? "\n" : "", det ? det : "") >=
                  0);
    }
    PQclear(r);
    return o;
}

/* The query that turns the DuckDB value into PostgreSQL's text: prefix, expression, suffix. */
static TT_UNUSED char *tt_wrap(tt_kind_t k, const char *expr)
{
    const char *pre = "SELECT CAST((", *post = ") AS VARCHAR)";
    switch (k) {
    case TT_LIST:
        pre = "SELECT am_array_out((", post = "), ',')";
        break;
    case TT_BLOB:
        pre = "SELECT '\\x' || lower(hex((", post = ")))";
        break;
    case TT_BOOL:
        pre = "SELECT CASE (", post = ") WHEN true THEN 'true' WHEN false THEN 'false' END";
        break;
    case TT_LIST2:
        pre = "SELECT coalesce(array_to_string(list_transform((";
        post = "), x -> am_array_out(x, ',')), '|'), '')";
        break;
    default:
        break;
    }
    char *q = NULL;
    cr_assert(asprintf(&q, "%s%s%s", pre, expr, post) >= 0);
    return q;
}

static TT_UNUSED tt_outcome_t tt_duck(tt_env_t *e, const char *expr, tt_kind_t kind)
{
    tt_outcome_t o = {0};
    char *q = tt_wrap(kind, expr);
    duckdb_result r;
    if (duckdb_query(e->con, q, &r) == DuckDBSuccess) {
        duckdb_data_chunk ch = duckdb_fetch_chunk(r);
        cr_assert_not_null(ch, "no rows: %s", q);
        duckdb_vector v = duckdb_data_chunk_get_vector(ch, 0);
        uint64_t *valid = duckdb_vector_get_validity(v);
        o.null = valid && !duckdb_validity_row_is_valid(valid, 0);
        duckdb_string_t *s = duckdb_vector_get_data(v);
        o.text = o.null ? tt_strdup("")
                        : strndup(duckdb_string_t_data(&s[0]), duckdb_string_t_length(s[0]));
        duckdb_destroy_data_chunk(&ch);
    } else {
        o.error = true;
        const char *m = duckdb_result_error(&r);
        /* "<DuckDB's kind> Error: <SQLSTATE> <message>": find the SQLSTATE after the prefix */
        const char *p = m ? strstr(m, "Error: ") : NULL;
        p = p ? p + 7 : (m ? m : "");
        if (strlen(p) > 6 && p[5] == ' ') {
            memcpy(o.sqlstate, p, 5);
            o.text = tt_strdup(p + 6);
        } else {
            snprintf(o.sqlstate, sizeof o.sqlstate, "?????");
            o.text = tt_strdup(m);
        }
    }
    duckdb_destroy_result(&r);
    free(q);
    return o;
}

static TT_UNUSED bool tt_same(const tt_outcome_t *a, const tt_outcome_t *b)
{
    if (a->error != b->error || a->null != b->null)
        return false;
    if (a->error && strcmp(a->sqlstate, b->sqlstate) != 0)
        return false;
    return strcmp(a->text, b->text) == 0;
}

static TT_UNUSED void tt_show(const char *who, const tt_outcome_t *o)
{
    if (o->error)
        fprintf(stderr, "    %s: ERROR %s %s\n", who, o->sqlstate, o->text);
    else
        fprintf(stderr, "    %s: %s\n", who, o->null ? "NULL" : o->text);
}

static TT_UNUSED void tt_run_one(tt_env_t *e, const tt_case_t *c)
{
    tt_outcome_t p = tt_pg(e, c->pg);
    tt_outcome_t d = tt_duck(e, c->duck, c->kind);
    e->n_cases++;
    bool refused = d.error && strcmp(d.sqlstate, "0A000") == 0;
    bool ok;
    if (c->refuse == TT_REFUSED)
        ok = refused;
    else if (c->refuse == TT_SAME_OR_REFUSED)
        ok = refused || tt_same(&p, &d);
    else
        ok = tt_same(&p, &d);
    e->n_refused += refused && ok;
    if (!ok) {
        e->n_failed++;
        fprintf(stderr, "MISMATCH%s: %s  |  %s\n",
                c->refuse == TT_REFUSED ? " (expected refusal)" : "", c->pg, c->duck);
        tt_show("postgres", &p);
        tt_show("duckdb  ", &d);
    }
    tt_outcome_free(&p);
    tt_outcome_free(&d);
}

/* Runs every case of the table; fails the test naming how many differed. */
static TT_UNUSED void tt_run(const tt_case_t *cases, size_t n)
{
    tt_env_t e;
    tt_open(&e);
    for (size_t i = 0; i < n; i++)
        tt_run_one(&e, &cases[i]);
    fprintf(stderr, "pgfn_text: %d cases compared with PostgreSQL, %d refused, %d differ\n",
            e.n_cases, e.n_refused, e.n_failed);
    tt_close(&e);
    cr_assert_eq(e.n_failed, 0, "%d of %d cases differ from PostgreSQL (see stderr)", e.n_failed,
                 e.n_cases);
}

#endif /* AM_PGFN_TEXT_TEST_H */

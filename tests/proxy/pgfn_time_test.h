/*
 * tests/proxy/pgfn_time_test.h: the time family's comparison harness (header-only). Each case
 * is a PostgreSQL expression and a DuckDB expression over the same typed arguments ($1..$6,
 * "type:text"); PostgreSQL computes the argument values, the harness hands DuckDB the same
 * values in its representation (docs/pgface.md section 2), and both answers are compared as
 * text, or by SQLSTATE and message when PostgreSQL fails. {tz}, {ds}, {is} in the DuckDB
 * expression are the session's TimeZone, DateStyle and IntervalStyle as quoted literals.
 */
#ifndef AM_PGFN_TIME_TEST_H
#define AM_PGFN_TIME_TEST_H

#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proxy/pgfn_internal.h"
#include "../support/testlib.h"

#define TT_UNUSED __attribute__((unused))

typedef struct tt {
    PGconn *pg;
    duckdb_database db;
    duckdb_connection con;
    char tz[80], ds[40], is[40];
    char now[96];       /* {now}: the PostgreSQL transaction's start, as a DuckDB TIMESTAMPTZ */
    bool in_tx;         /* inside tt_begin/tt_commit: each case runs under a savepoint */
    bool allow_refusal; /* a DuckDB 0A000 counts as a refusal, not a difference */
    bool allow_range;   /* so does a DuckDB 22008 where PostgreSQL answers (past 294247 AD) */
    int n, failed, refused;
} tt_t;

static TT_UNUSED void tt_set(tt_t *t, const char *tz, const char *ds, const char *is)
{
    PGresult *r = PQexecParams(t->pg, "SELECT set_config('TimeZone', $1, false)", 1, NULL,
                               (const char *[]){tz}, NULL, NULL, 0);
    cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "SET TimeZone %s: %s", tz,
                 PQerrorMessage(t->pg));
    PQclear(r);
    amt_pg_exec(t->pg, "SET DateStyle = '%s'", ds);
    amt_pg_exec(t->pg, "SET IntervalStyle = '%s'", is);
    char *v = amt_pg_value(t->pg, "SHOW TimeZone");
    snprintf(t->tz, sizeof t->tz, "%s", v);
    free(v);
    v = amt_pg_value(t->pg, "SHOW DateStyle");
    snprintf(t->ds, sizeof t->ds, "%s", v);
    free(v);
    snprintf(t->is, sizeof t->is, "%s", is);
}

static TT_UNUSED tt_t *tt_open(void)
{
    tt_t *t = calloc(1, sizeof *t);
    t->pg = amt_pg_connect("postgres");
    cr_assert_eq(duckdb_open(NULL, &t->db), DuckDBSuccess);
    cr_assert_eq(duckdb_connect(t->db, &t->con), DuckDBSuccess);
    duckdb_result r;
    (void)duckdb_query(t->con, "SET TimeZone = 'UTC'", &r);
    duckdb_destroy_result(&r);
    am_err_t err = {0};
    cr_assert(proxy__pgfn_register(t->con, &err), "register: %s", err.msg);
    tt_set(t, "UTC", "ISO, MDY", "postgres");
    return t;
}

static TT_UNUSED void tt_close(tt_t *t)
{
    fprintf(stderr, "pgfn_time: %d cases compared with PostgreSQL, %d differ, %d refused (0A000)\n",
            t->n, t->failed, t->refused);
    cr_expect_eq(t->failed, 0, "%d of %d cases differ from PostgreSQL", t->failed, t->n);
    duckdb_disconnect(&t->con);
    duckdb_close(&t->db);
    PQfinish(t->pg);
    free(t);
}

static TT_UNUSED void tt_quote(am_buf_t *b, const char *s)
{
    am_buf_putc(b, '\'');
    for (; *s; s++) {
        if (*s == '\'')
            am_buf_putc(b, '\'');
        am_buf_putc(b, *s);
    }
    am_buf_putc(b, '\'');
}

/* One PostgreSQL query: its text, or NULL with *state/msg set. */
static TT_UNUSED char *tt_pg(tt_t *t, const char *sql, char state[6], char *msg, size_t cap)
{
    PGresult *r = PQexec(t->pg, sql);
    char *out = NULL;
    if (PQresultStatus(r) == PGRES_TUPLES_OK) {
        out = strdup(PQgetisnull(r, 0, 0) ? "<NULL>" : PQgetvalue(r, 0, 0));
    } else {
        const char *s = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        const char *m = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
        snprintf(state, 6, "%s", s ? s : "?????");
        snprintf(msg, cap, "%s", m ? m : PQerrorMessage(t->pg));
    }
    PQclear(r);
    return out;
}

/* The DuckDB literal for one "type:text" argument, computed by PostgreSQL. */
static TT_UNUSED bool tt_arg(tt_t *t, const char *arg, am_buf_t *pg, am_buf_t *duck)
{
    const char *colon = strchr(arg, ':');
    cr_assert_not_null(colon, "argument %s", arg);
    char type[32];
    snprintf(type, sizeof type, "%.*s", (int)(colon - arg), arg);
    am_buf_t q;
    am_buf_init(&q);
    am_buf_puts(pg, "(");
    tt_quote(pg, colon + 1);
    am_buf_printf(pg, "::%s)", type);
    const char *conv = NULL;
    if (strcmp(type, "timestamp") == 0 || strcmp(type, "timestamptz") == 0)
        conv = "CASE WHEN isfinite(v) THEN 'make_timestamp(' || (extract(epoch from v) * "
               "1000000)::bigint || '::BIGINT)' WHEN v > now() THEN '''infinity''::TIMESTAMP' "
               "ELSE '''-infinity''::TIMESTAMP' END";
    else if (strcmp(type, "date") == 0)
        conv = "CASE WHEN isfinite(v) THEN '(DATE ''1970-01-01'' + ' || (v - date "
               "'1970-01-01') || ')' WHEN v > now() THEN '''infinity''::DATE' ELSE "
               "'''-infinity''::DATE' END";
    else if (strcmp(type, "interval") == 0)
        conv = "'(to_months(' || (extract(year from v) * 12 + extract(month from v)) || ') + "
               "to_days(' || extract(day from v) || ') + to_microseconds(' || "
               "(extract(hour from v) * 3600000000 + extract(minute from v) * 60000000 + "
               "extract(microseconds from v)) || '::BIGINT))'";
    else if (strcmp(type, "time") == 0)
        conv = "'(TIME ''00:00:00'' + to_microseconds(' || (extract(epoch from v) * "
               "1000000)::bigint || '::BIGINT))'";
    else if (strcmp(type, "float8") == 0 || strcmp(type, "int4") == 0 || strcmp(type, "int8") == 0)
        conv = "'(''' || v || ''')::' || (CASE pg_typeof(v)::text WHEN 'integer' THEN 'INTEGER' "
               "WHEN 'bigint' THEN 'BIGINT' ELSE 'DOUBLE' END)";
    if (!conv) { /* text */
        tt_quote(duck, colon + 1);
        am_buf_destroy(&q);
        return true;
    }
    am_buf_printf(&q, "SELECT %s FROM (SELECT ", conv);
    am_buf_puts(&q, "(");
    tt_quote(&q, colon + 1);
    am_buf_printf(&q, "::%s) AS v) s", type);
    char st[6], msg[256];
    char *v = tt_pg(t, q.data, st, msg, sizeof msg);
    am_buf_destroy(&q);
    if (!v)
        return false;
    if (strcmp(type, "timestamptz") == 0)
        am_buf_printf(duck, "CAST(%s AS TIMESTAMPTZ)", v);
    else
        am_buf_puts(duck, v);
    free(v);
    return true;
}

static TT_UNUSED void tt_subst(const char *tmpl, const tt_t *t, am_buf_t *args, am_buf_t *out)
{
    for (const char *p = tmpl; *p; p++) {
        if (*p == '$' && p[1] >= '1' && p[1] <= '8') {
            am_buf_append(out, args[p[1] - '1'].data, args[p[1] - '1'].len);
            p++;
        } else if (strncmp(p, "{now}", 5) == 0) {
            am_buf_puts(out, t->now);
            p += 4;
        } else if (strncmp(p, "{tz}", 4) == 0 || strncmp(p, "{ds}", 4) == 0 ||
                   strncmp(p, "{is}", 4) == 0) {
            tt_quote(out, p[1] == 't' ? t->tz : p[1] == 'd' ? t->ds : t->is);
            p += 3;
        } else {
            am_buf_putc(out, *p);
        }
    }
}

/* float8 as PostgreSQL prints it (extra_float_digits 1): shortest round-trip digits. */
static TT_UNUSED char *tt_float(double v)
{
    char tmp[64];
    if (isnan(v))
        return strdup("NaN");
    if (isinf(v))
        return strdup(v > 0 ? "Infinity" : "-Infinity");
    int prec = 1;
    for (; prec < 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*e", prec - 1, v);
        if (strtod(tmp, NULL) == v)
            break;
    }
    snprintf(tmp, sizeof tmp, "%.*e", prec - 1, v);
    int exp10 = atoi(strchr(tmp, 'e') + 1);
    if (exp10 < -4 || exp10 >= 15)
        return strdup(tmp);
    int decimals = prec - 1 - exp10;
    snprintf(tmp, sizeof tmp, "%.*f", decimals < 0 ? 0 : decimals, v);
    return strdup(tmp);
}

/* DuckDB's answer, or NULL with state/msg from "<SQLSTATE> <message>" in its error. */
static TT_UNUSED char *tt_duck(tt_t *t, const char *sql, char state[6], char *msg, size_t cap)
{
    duckdb_result r;
    char *out = NULL;
    if (duckdb_query(t->con, sql, &r) == DuckDBSuccess) {
        if (duckdb_value_is_null(&r, 0, 0)) {
            out = strdup("<NULL>");
        } else if (duckdb_column_type(&r, 0) == DUCKDB_TYPE_DOUBLE) {
            out = tt_float(duckdb_value_double(&r, 0, 0));
        } else {
            char *v = duckdb_value_varchar(&r, 0, 0);
            out = strdup(v ? v : "<?>");
            duckdb_free(v);
        }
    } else {
        const char *e = duckdb_result_error(&r);
        const char *p = e;
        /* DuckDB prefixes its error class ("Invalid Input Error: "); ours follows. */
        while (p && *p) {
            if (strlen(p) > 6 && p[5] == ' ' &&
                strspn(p, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") >= 5 && (p == e || p[-1] == ' '))
                break;
            p++;
        }
        if (p && *p) {
            snprintf(state, 6, "%.5s", p);
            snprintf(msg, cap, "%s", p + 6);
        } else {
            snprintf(state, 6, "DUCK!");
            snprintf(msg, cap, "%s", e ? e : "?");
        }
    }
    duckdb_destroy_result(&r);
    return out;
}

/* Compares one case; args are "type:text" strings, NULL-terminated. */
static TT_UNUSED void tt_check(tt_t *t, const char *pg_tmpl, const char *duck_tmpl, ...)
{
    am_buf_t pa[8], da[8], pg, dk;
    int n = 0;
    va_list ap;
    if (t->in_tx)
        PQclear(PQexec(t->pg, "SAVEPOINT tt"));
    va_start(ap, duck_tmpl);
    for (const char *a; n < 8 && (a = va_arg(ap, const char *)) != NULL; n++) {
        am_buf_init(&pa[n]);
        am_buf_init(&da[n]);
        if (strncmp(a, "lit:", 4) == 0) {
            tt_quote(&pa[n], a + 4);
            tt_quote(&da[n], a + 4);
            continue;
        }
        if (strncmp(a, "null:", 5) == 0) {
            am_buf_puts(&pa[n], a + 5);
            am_buf_puts(&da[n], a + 5);
            continue;
        }
        char st[6] = "", msg[256] = "";
        if (!tt_arg(t, a, &pa[n], &da[n])) {
            /* the argument itself fails in PostgreSQL: nothing to compare */
            am_buf_puts(&da[n], "NULL");
        }
        (void)st, (void)msg;
    }
    va_end(ap);
    am_buf_init(&pg);
    am_buf_init(&dk);
    am_buf_puts(&pg, "SELECT (");
    tt_subst(pg_tmpl, t, pa, &pg);
    am_buf_puts(&pg, ")::text");
    am_buf_puts(&dk, "SELECT ");
    tt_subst(duck_tmpl, t, da, &dk);
    char ps[6] = "", pm[512] = "", ds[6] = "", dm[512] = "";
    char *pv = tt_pg(t, pg.data, ps, pm, sizeof pm);
    if (t->in_tx)
        PQclear(PQexec(t->pg, "ROLLBACK TO SAVEPOINT tt; RELEASE SAVEPOINT tt"));
    char *dv = tt_duck(t, dk.data, ds, dm, sizeof dm);
    bool same = (pv && dv && strcmp(pv, dv) == 0) ||
                (!pv && !dv && strcmp(ps, ds) == 0 && strcmp(pm, dm) == 0);
    t->n++;
    if (getenv("TT_VERBOSE")) /* every case, for reading */
        fprintf(stderr, "CASE %s\n  pg:   %s%s%s\n  duck: %s%s%s\n", dk.data, pv ? pv : ps,
                pv ? "" : " ", pv ? "" : pm, dv ? dv : ds, dv ? "" : " ", dv ? "" : dm);
    if (!same && !dv &&
        ((t->allow_refusal && strcmp(ds, "0A000") == 0) ||
         (t->allow_range && pv && strcmp(ds, "22008") == 0 && strstr(dm, "out of range")))) {
        t->refused++;
    } else if (!same) {
        t->failed++;
        fprintf(stderr,
                "DIFF [tz=%s ds=%s is=%s]\n  pg:   %s\n    -> %s%s%s\n  duck: %s\n    -> %s%s%s\n",
                t->tz, t->ds, t->is, pg.data, pv ? pv : ps, pv ? "" : " ", pv ? "" : pm, dk.data,
                dv ? dv : ds, dv ? "" : " ", dv ? "" : dm);
    }
    free(pv);
    free(dv);
    am_buf_destroy(&pg);
    am_buf_destroy(&dk);
    for (int i = 0; i < n; i++) {
        am_buf_destroy(&pa[i]);
        am_buf_destroy(&da[i]);
    }
}

/* A transaction on PostgreSQL: now() stays put, {now} is its value; each case runs under a
 * savepoint so that an error does not end the transaction. */
static TT_UNUSED void tt_begin(tt_t *t)
{
    amt_pg_exec(t->pg, "BEGIN");
    am_buf_t pg, duck;
    am_buf_init(&pg);
    am_buf_init(&duck);
    cr_assert(tt_arg(t, "timestamptz:now", &pg, &duck), "now()");
    snprintf(t->now, sizeof t->now, "%s", duck.data);
    am_buf_destroy(&pg);
    am_buf_destroy(&duck);
    t->in_tx = true;
}

static TT_UNUSED void tt_commit(tt_t *t)
{
    t->in_tx = false;
    amt_pg_exec(t->pg, "COMMIT");
}

#endif

/*
 * tests/proxy/proxy_test.h: helpers the proxy tests share (header-only: the test build
 * compiles only tests/<module>/test_*.c). A proxy on an ephemeral port over a temp
 * warehouse, libpq connections to it, and one-value queries.
 */
#ifndef AM_PROXY_TEST_H
#define AM_PROXY_TEST_H

#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proxy/proxy.h"
#include "../support/testlib.h"

#define PT_UNUSED __attribute__((unused))
#define PT_USER "reader"
#define PT_PASSWORD "s3cret pw"
#define PT_DB "mirror"

typedef struct pt_proxy {
    proxy_t *p;
    char *warehouse;
} pt_proxy_t;

static PT_UNUSED pt_proxy_t pt_start_max(const char *test, int max_clients)
{
    pt_proxy_t t;
    t.warehouse = amt_tmpdir(test);
    proxy_options_t o = {.listen_host = "127.0.0.1",
                         .port = 0,
                         .user = PT_USER,
                         .password = PT_PASSWORD,
                         .database = PT_DB,
                         .warehouse = t.warehouse,
                         .max_clients = max_clients};
    am_err_t err = {0};
    t.p = proxy_start(&o, &err);
    cr_assert_not_null(t.p, "proxy_start: %s %s", err.sqlstate, err.msg);
    cr_assert_gt(proxy_port(t.p), 0);
    return t;
}

static PT_UNUSED pt_proxy_t pt_start(const char *test)
{
    return pt_start_max(test, 0);
}

static PT_UNUSED void pt_stop(pt_proxy_t *t)
{
    proxy_stop(t->p);
    t->p = NULL;
    am_err_t err = {0};
    cr_assert(am_remove_tree(t->warehouse, &err), "%s", err.msg);
    free(t->warehouse);
}

/* conninfo for the proxy; extra is appended ("" for none). Caller frees. */
static PT_UNUSED char *pt_conninfo(const pt_proxy_t *t, const char *extra)
{
    char *ci = NULL;
    if (asprintf(&ci,
                 "host=127.0.0.1 port=%d user=%s password='%s' dbname=%s sslmode=prefer "
                 "connect_timeout=10 %s",
                 proxy_port(t->p), PT_USER, PT_PASSWORD, PT_DB, extra) < 0)
        cr_assert_fail("out of memory");
    return ci;
}

static PT_UNUSED PGconn *pt_connect_extra(const pt_proxy_t *t, const char *extra)
{
    char *ci = pt_conninfo(t, extra);
    PGconn *c = PQconnectdb(ci);
    free(ci);
    cr_assert_eq(PQstatus(c), CONNECTION_OK, "connect to proxy: %s", PQerrorMessage(c));
    return c;
}

static PT_UNUSED PGconn *pt_connect(const pt_proxy_t *t)
{
    return pt_connect_extra(t, "");
}

/* Runs sql that must return rows or a command; first value of the first row (caller frees). */
static PT_UNUSED char *pt_value(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK)
        cr_assert_fail("proxy query failed: %s\n  %s", sql, PQerrorMessage(c));
    char *v = NULL;
    if (PQntuples(r) > 0 && PQnfields(r) > 0 && !PQgetisnull(r, 0, 0))
        v = strdup(PQgetvalue(r, 0, 0));
    PQclear(r);
    return v;
}

static PT_UNUSED void pt_expect_value(PGconn *c, const char *sql, const char *want)
{
    char *v = pt_value(c, sql);
    cr_expect_str_eq(v ? v : "(null)", want, "%s -> %s, want %s", sql, v ? v : "(null)", want);
    free(v);
}

/* Runs sql that must fail with sqlstate. */
static PT_UNUSED void pt_expect_error(PGconn *c, const char *sql, const char *sqlstate)
{
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);
    const char *got = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    cr_expect(st == PGRES_FATAL_ERROR && got && strcmp(got, sqlstate) == 0,
              "%s: want error %s, got status %s sqlstate %s: %s", sql, sqlstate, PQresStatus(st),
              got ? got : "-", PQerrorMessage(c));
    PQclear(r);
}

#endif

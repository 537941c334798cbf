/*
 * tests/support/testlib.c: helpers for tests against the real PostgreSQL the suite started.
 */
#include "testlib.h"

#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

const char *amt_env(const char *name)
{
    const char *v = getenv(name);
    if (!v || !*v)
        cr_assert_fail("environment variable %s is not set: run the tests through scripts/test.sh",
                       name);
    return v;
}

char *amt_conninfo(const char *dbname)
{
    char *s = NULL;
    if (asprintf(&s, "host=%s port=%s user=%s password=%s dbname=%s", amt_env("AM_TEST_PGHOST"),
                 amt_env("AM_TEST_PGPORT"), amt_env("AM_TEST_PGUSER"),
                 amt_env("AM_TEST_PGPASSWORD"), dbname) < 0)
        cr_assert_fail("out of memory");
    return s;
}

PGconn *amt_pg_connect(const char *dbname)
{
    char *ci = amt_conninfo(dbname);
    PGconn *c = PQconnectdb(ci);
    free(ci);
    if (PQstatus(c) != CONNECTION_OK)
        cr_assert_fail("connect to %s: %s", dbname, PQerrorMessage(c));
    return c;
}

static PGresult *exec_v(PGconn *c, const char *fmt, va_list ap)
{
    char *sql = NULL;
    if (vasprintf(&sql, fmt, ap) < 0)
        cr_assert_fail("out of memory");
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        cr_assert_fail("SQL failed: %s\n  %s", sql, PQerrorMessage(c));
    free(sql);
    return r;
}

void amt_pg_exec(PGconn *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    PQclear(exec_v(c, fmt, ap));
    va_end(ap);
}

char *amt_pg_value(PGconn *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    PGresult *r = exec_v(c, fmt, ap);
    va_end(ap);
    char *v = NULL;
    if (PQntuples(r) > 0 && PQnfields(r) > 0 && !PQgetisnull(r, 0, 0))
        v = strdup(PQgetvalue(r, 0, 0));
    PQclear(r);
    return v;
}

void amt_create_db(const char *name)
{
    PGconn *c = amt_pg_connect("postgres");
    amt_pg_exec(c,
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                "WHERE database = '%s'",
                name);
    amt_pg_exec(c, "DROP DATABASE IF EXISTS \"%s\" WITH (FORCE)", name);
    amt_pg_exec(c, "CREATE DATABASE \"%s\"", name);
    PQfinish(c);
}

char *amt_tmpdir(const char *name)
{
    const char *base = getenv("AM_TEST_TMP");
    char *tmpl = NULL;
    if (asprintf(&tmpl, "%s/%s-XXXXXX", base && *base ? base : "/tmp", name) < 0)
        cr_assert_fail("out of memory");
    if (!mkdtemp(tmpl))
        cr_assert_fail("mkdtemp %s failed", tmpl);
    chmod(tmpl, 0755);
    return tmpl;
}

bool amt_wait_until(bool (*pred)(void *ud), void *ud, int timeout_ms)
{
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        if (pred(ud))
            return true;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long elapsed = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
        if (elapsed > timeout_ms)
            return false;
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

int amt_system(const char *fmt, ...)
{
    char *cmd = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&cmd, fmt, ap) < 0)
        cr_assert_fail("out of memory");
    va_end(ap);
    int st = system(cmd);
    free(cmd);
    if (st == -1 || !WIFEXITED(st))
        return -1;
    return WEXITSTATUS(st);
}

const char *amt_root(void)
{
    const char *r = getenv("AM_TEST_ROOT");
    return r && *r ? r : ".";
}

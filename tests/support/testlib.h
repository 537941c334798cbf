/*
 * tests/support/testlib.h: what every Criterion test shares. The suite runs against the real
 * PostgreSQL 15 that scripts/test.sh started (AM_TEST_PG* in the environment); each test makes
 * its own database, slot, publication and temp warehouse named after itself.
 */
#ifndef AM_TESTLIB_H
#define AM_TESTLIB_H

#include <stdbool.h>

#include <libpq-fe.h>

/* Environment variable or a test failure naming it. */
const char *amt_env(const char *name);
/* libpq keyword/value conninfo for dbname on the test server (caller frees). */
char *amt_conninfo(const char *dbname);
/* Connects or fails the test. */
PGconn *amt_pg_connect(const char *dbname);
/* Runs SQL (printf-style) that must succeed (command or tuples); fails the test otherwise. */
void amt_pg_exec(PGconn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* First column of the first row as a string (caller frees), or NULL for SQL NULL. */
char *amt_pg_value(PGconn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Drops (with any replication slots on it) and re-creates database name. */
void amt_create_db(const char *name);
/* A fresh directory under $AM_TEST_TMP (or /tmp) whose name starts with name (caller frees). */
char *amt_tmpdir(const char *name);
/* Polls pred every 20 ms until it is true or timeout_ms passes. */
bool amt_wait_until(bool (*pred)(void *ud), void *ud, int timeout_ms);
/* Runs a shell command (printf-style); returns its exit status (-1 if it did not exit). */
int amt_system(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Repository root (the tests run from it; AM_TEST_ROOT overrides). */
const char *amt_root(void);

#endif

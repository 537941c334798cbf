/*
 * tests/proxy/test_guard.c: clients read the mirror and nothing else: no files outside the
 * warehouse, no COPY, ATTACH, INSTALL/LOAD, no tables, no DuckDB settings, no PRAGMA.
 */
#include "proxy_test.h"

#include <unistd.h>

Test(proxy, cannot_read_files_outside_the_warehouse)
{
    pt_proxy_t t = pt_start("files");
    PGconn *c = pt_connect(&t);
    pt_expect_error(c, "SELECT * FROM read_csv('/etc/passwd')", "42501");
    pt_expect_error(c, "SELECT * FROM read_text('/etc/passwd')", "42501");
    pt_expect_error(c, "SELECT * FROM read_blob('/etc/hostname')", "42501");
    pt_expect_error(c, "SELECT * FROM glob('/etc/*')", "42501");
    pt_expect_error(c, "SELECT * FROM read_parquet('/tmp/../etc/x.parquet')", "42501");
    pt_expect_error(c, "EXPLAIN ANALYZE SELECT * FROM read_text('/etc/passwd')", "42501");
    PQfinish(c);
    pt_stop(&t);
}

Test(proxy, writes_and_ddl_are_refused_25006)
{
    pt_proxy_t t = pt_start("ddl");
    PGconn *c = pt_connect(&t);
    pt_expect_error(c, "CREATE TABLE t (a INT)", "25006");
    pt_expect_error(c, "CREATE TEMP TABLE t AS SELECT 1", "25006");
    pt_expect_error(c, "CREATE VIEW v AS SELECT 1", "25006");
    pt_expect_error(c, "CREATE MACRO m(a) AS a", "25006");
    pt_expect_error(c, "INSERT INTO pg_class VALUES (1)", "25006");
    pt_expect_error(c, "DROP VIEW pg_class", "25006");
    pt_expect_error(c, "COPY (SELECT 1) TO '/tmp/am_proxy_copy.csv'", "25006");
    pt_expect_error(c, "ATTACH '/tmp/am_proxy_attach.db' AS x", "25006");
    pt_expect_error(c, "EXPLAIN ANALYZE CREATE TABLE t AS SELECT 1", "25006");
    pt_expect_error(c, "EXPORT DATABASE '/tmp/am_proxy_export'", "25006");
    cr_expect(access("/tmp/am_proxy_copy.csv", F_OK) != 0, "COPY wrote a file");
    cr_expect(access("/tmp/am_proxy_attach.db", F_OK) != 0, "ATTACH created a file");
    PQfinish(c);
    pt_stop(&t);
}

Test(proxy, extensions_pragmas_and_settings_are_refused_42501)
{
    pt_proxy_t t = pt_start("ext");
    PGconn *c = pt_connect(&t);
    pt_expect_error(c, "INSTALL httpfs", "42501");
    pt_expect_error(c, "LOAD httpfs", "42501");
    pt_expect_error(c, "PRAGMA enable_profiling", "42501");
    pt_expect_error(c, "CALL pragma_version()", "42501");
    pt_expect_error(c, "SET GLOBAL enable_external_access = true", "42601");
    pt_expect_error(c, "SET enable_external_access = true", "42704");
    pt_expect_error(c, "RESET allowed_directories", "42704");
    pt_expect_error(c, "PREPARE p AS SELECT 1", "42501");
    PQfinish(c);
    pt_stop(&t);
}

Test(proxy, reads_still_work_after_refusals)
{
    pt_proxy_t t = pt_start("reads");
    PGconn *c = pt_connect(&t);
    pt_expect_error(c, "CREATE TABLE t (a INT)", "25006");
    pt_expect_value(c, "SELECT count(*) FROM range(10)", "10");
    pt_expect_value(c, "WITH x AS (SELECT 3 AS a) SELECT a FROM x", "3");
    pt_expect_value(c, "FROM range(2) SELECT count(*)", "2");
    PGresult *r = PQexec(c, "EXPLAIN SELECT 1");
    cr_expect_eq(PQresultStatus(r), PGRES_TUPLES_OK, "%s", PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
    pt_stop(&t);
}

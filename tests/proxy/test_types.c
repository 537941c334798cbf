/*
 * tests/proxy/test_types.c: values reach libpq with PostgreSQL's type OIDs and typmods, in
 * PostgreSQL's text output and binary formats, compared with the suite's PostgreSQL: literal
 * expressions, and the columns of a mirrored table (each lake type served as the source
 * column's PostgreSQL type); the session's TimeZone and extra_float_digits steer the output.
 */
#include "proxy_test.h"

#include <arpa/inet.h>

/*
 * SELECT <expr> AS v on both servers, text and binary. DuckDB-only types the old proxy
 * printed (TINYINT, HUGEINT, UBIGINT, ENUM(...), STRUCT literals) are no longer visible to
 * clients: their PostgreSQL-visible equivalents are smallint, numeric and the mirrored
 * table's columns below (int2, enum, ...).
 */
static const char *const exprs[] = {
    "true",
    "false",
    "1::smallint",
    "(-32768)::SMALLINT",
    "2147483647::INTEGER",
    "(-9223372036854775808)::BIGINT",
    "170141183460469231731687303715884105727::numeric",
    "18446744073709551615::numeric",
    "1.50::DECIMAL(10,2)",
    "-0.05::DECIMAL(10,2)",
    "0.000001::DECIMAL(18,6)",
    "12345678901234567890.123::DECIMAL(38,3)",
    "0.1::REAL",
    "1234567::REAL",
    "0.1::float8 + 0.2::float8",
    "1e15::double precision",
    "1e14::float8",
    "0.00001::float8",
    "0.0001::float8",
    "'inf'::float8",
    "-'inf'::float8",
    "'nan'::float8",
    "-0.0::float8",
    "'héllo'::VARCHAR",
    "'héllo'::text",
    "'ab'::char(4)",
    "'\\x00AB10'::bytea",
    "DATE '2024-03-01'",
    "DATE '0044-03-15 BC'",
    "'infinity'::DATE",
    "TIME '12:00:01.5'",
    "TIMESTAMP '2024-03-01 12:34:56.789'",
    "TIMESTAMP '2024-03-01 12:34:56'",
    "TIMESTAMPTZ '2024-03-01 12:34:56.789+00'",
    "'-infinity'::TIMESTAMP",
    "INTERVAL '1 day 2 hours 3 minutes 4.5 seconds'",
    "INTERVAL '1 year 2 months' - INTERVAL '3 days'",
    "-INTERVAL '1 hour'",
    "TIMETZ '12:00:00+02'",
    "'6ba7b810-9dad-11d1-80b4-00c04fd430c8'::UUID",
    "ARRAY[1, NULL, 3]",
    "'{}'::INTEGER[]",
    "ARRAY['a b', 'c,d', 'e\"f', 'g\\h', 'NULL', '', NULL, 'plain']",
    "'{\"b\": [1, 2.50], \"a\": null}'::json",
    "'{\"b\": [1, 2.50], \"a\": null}'::jsonb",
    "NULL::INTEGER",
};

/* sql in binary on both servers: the same bytes, timetz's included. */
static void expect_binary_same(PGconn *c, PGconn *pg, const char *sql)
{
    pt_expect_same_params(c, pg, sql, 0, NULL, 1);
}

Test(proxy, types_print_as_postgresql_does)
{
    pt_proxy_t t = pt_start("types");
    PGconn *c = pt_connect(&t);
    PGconn *pg = pt_pg_connect("postgres");
    for (size_t i = 0; i < sizeof exprs / sizeof exprs[0]; i++) {
        char *sql = NULL;
        cr_assert(asprintf(&sql, "SELECT %s AS v", exprs[i]) > 0);
        pt_expect_same(c, pg, sql);
        expect_binary_same(c, pg, sql);
        free(sql);
    }
    PQfinish(pg);
    PQfinish(c);
    pt_stop(&t);
}

/* Values PostgreSQL has that the mirror cannot represent are refused, never approximated
 * (the old proxy printed a nested list as text): multidimensional arrays, arrays with other
 * lower bounds, text search types. */
Test(proxy, types_the_mirror_cannot_represent_are_refused)
{
    pt_proxy_t t = pt_start("types_refused");
    PGconn *c = pt_connect(&t);
    pt_expect_error(c, "SELECT ARRAY[[1, 2], [3, 4]] AS v", "0A000");
    pt_expect_error(c, "SELECT '[2:3]={1,2}'::int[] AS v", "0A000");
    pt_expect_error(c, "SELECT 'a b'::tsvector AS v", "0A000");
    PQfinish(c);
    pt_stop(&t);
}

/* One column per lake type and per PostgreSQL type stored as text or a list. */
static const char columns_sql[] =
    "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');"
    "CREATE DOMAIN posint AS integer CHECK (VALUE > 0);"
    "CREATE TABLE vals (id int PRIMARY KEY, b bool, i2 smallint, i4 integer, i8 bigint, o oid,"
    " n numeric, n10 numeric(10,2), n38 numeric(38,3), f4 real, f8 double precision,"
    " t text, vc varchar(10), ch char(5), by bytea, d date, tm time, tmz timetz,"
    " ts timestamp, ts3 timestamp(3), tz timestamptz, u uuid, j json, jb jsonb,"
    " e mood, dom posint, ia int[], ta text[], na numeric(10,2)[]);"
    "INSERT INTO vals VALUES"
    " (1, true, -32768, 2147483647, -9223372036854775808, 4294967295,"
    "  170141183460469231731687303715884105727, 12345678.91, -0.001, 0.1, 0.1,"
    "  'héllo', 'a\"b,c', 'ab', '\\x00ab10', '2024-03-01', '12:00:01.5', '12:00:00+02',"
    "  '2024-03-01 12:34:56.789', '2024-03-01 12:34:56.7891', '2024-03-01 12:34:56.789+00',"
    "  '6ba7b810-9dad-11d1-80b4-00c04fd430c8',"
    "  '{\"b\": [1, 2.50], \"a\": null}', '{\"b\": [1, 2.50], \"a\": null}', 'happy', 7,"
    "  '{1,NULL,3}', '{\"a b\",\"c,d\",\"e\\\"f\",NULL,\"NULL\",\"\"}', '{1.50,-0.05}'),"
    " (2, false, 32767, -2147483648, 9223372036854775807, 0, 'NaN', -99999999.99, 0, 'NaN',"
    "  '-Infinity', '', '', '', '\\x', '0044-03-15 BC', '24:00:00', '00:00:00-15:59',"
    "  'infinity', '-infinity', '1999-12-31 23:59:59.999999-08', NULL, '[]',"
    "  '{}', 'sad', 1, '{}', '{}', NULL),"
    " (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
    "  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)";
static const source_table_ref_t columns_table[] = {{"public", "vals"}};

/* Every row of table, all columns at once, then each column on its own with its pg_typeof
 * (one bad column should not hide another), in text and in binary. */
static void expect_table_same(PGconn *c, PGconn *pg, const char *table)
{
    char *all = NULL;
    cr_assert(asprintf(&all, "SELECT * FROM %s ORDER BY id", table) > 0);
    pt_expect_same(c, pg, all);
    free(all);
    char *cols = amt_pg_value(pg,
                              "SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute "
                              "WHERE attrelid = '%s'::regclass AND attnum > 1",
                              table);
    char *save = NULL;
    for (char *col = strtok_r(cols, ",", &save); col; col = strtok_r(NULL, ",", &save)) {
        char *sql = NULL;
        cr_assert(asprintf(&sql, "SELECT %s, pg_typeof(%s) FROM %s ORDER BY id", col, col, table) >
                  0);
        pt_expect_same(c, pg, sql);
        expect_binary_same(c, pg, sql);
        free(sql);
    }
    free(cols);
}

Test(proxy, mirrored_columns_print_as_postgresql_does)
{
    pt_mirror_t m = pt_mirror_open("proxy_types_cols", columns_sql, columns_table, 1);
    pt_proxy_t t = pt_start_mirror(&m);
    PGconn *c = pt_connect(&t);
    PGconn *pg = pt_pg_connect(m.db);
    expect_table_same(c, pg, "vals");
    PQfinish(pg);
    PQfinish(c);
    pt_stop(&t);
    pt_mirror_close(&m);
}

/* Intervals are stored as their text and read back with the type's input function. */
static const char intervals_sql[] =
    "CREATE TABLE ivals (id int PRIMARY KEY, iv interval, ia interval[]);"
    "INSERT INTO ivals VALUES (1, '1 year 2 mons -3 days 04:05:06.5', '{\"1 day\",NULL}'),"
    " (2, '-1 hour', '{}'), (3, NULL, NULL)";
static const source_table_ref_t intervals_table[] = {{"public", "ivals"}};

Test(proxy, mirrored_interval_columns_print_as_postgresql_does)
{
    pt_mirror_t m = pt_mirror_open("proxy_types_ivals", intervals_sql, intervals_table, 1);
    pt_proxy_t t = pt_start_mirror(&m);
    PGconn *c = pt_connect(&t);
    PGconn *pg = pt_pg_connect(m.db);
    expect_table_same(c, pg, "ivals");
    PQfinish(pg);
    PQfinish(c);
    pt_stop(&t);
    pt_mirror_close(&m);
}

Test(proxy, decimal_typmod_in_row_description)
{
    pt_proxy_t t = pt_start("typmod");
    PGconn *c = pt_connect(&t);
    PGconn *pg = pt_pg_connect("postgres");
    PGresult *r = PQexec(c, "SELECT 1.5::DECIMAL(10,2) AS d");
    cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK);
    cr_expect_eq(PQfmod(r, 0), 655366);
    PQclear(r);
    pt_expect_same(c, pg,
                   "SELECT 1.5::DECIMAL(10,2) AS d, 'x'::varchar(7) AS v, "
                   "'y'::char(3) AS ch, 1.5::numeric AS n");
    PQfinish(pg);
    PQfinish(c);
    pt_stop(&t);
}

Test(proxy, timestamptz_follows_the_session_time_zone)
{
    pt_proxy_t t = pt_start("tz");
    PGconn *c = pt_connect(&t);
    PGconn *pg = pt_pg_connect("postgres");
    static const char *const steps[] = {
        "SET TimeZone = 'America/New_York'",
        "SELECT TIMESTAMPTZ '2024-03-01 12:34:56.789+00'",
        "SELECT TIMESTAMPTZ '2024-07-01 12:00:00+00'",
        /* POSIX sign, as PostgreSQL reads it: '+05:30' is 5:30 WEST of UTC */
        "SET TIME ZONE '+05:30'",
        "SELECT TIMESTAMPTZ '2024-03-01 12:34:56+00'",
        "SET TimeZone = 'Mars/Olympus'", /* 22023 */
        "RESET TimeZone",
        "SELECT TIMESTAMPTZ '2024-03-01 12:34:56.789+00'",
    };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        pt_expect_same(c, pg, steps[i]);
        if (i == 0)
            cr_expect_str_eq(PQparameterStatus(c, "TimeZone"), "America/New_York");
    }
    pt_expect_value(c, "SELECT TIMESTAMPTZ '2024-03-01 12:34:56.789+00'",
                    "2024-03-01 12:34:56.789+00");
    PQfinish(pg);
    PQfinish(c);
    pt_stop(&t);
}

Test(proxy, extra_float_digits_zero_gives_15_digits)
{
    pt_proxy_t t = pt_start("efd");
    PGconn *c = pt_connect(&t);
    PGconn *pg = pt_pg_connect("postgres");
    static const char *const steps[] = {
        "SET extra_float_digits = 0",
        "SELECT 0.1::float8 + 0.2::float8, 0.1::real * 3, 1e100::float8 / 3",
        "SET extra_float_digits TO 3",
        "SELECT 0.1::float8 + 0.2::float8, 0.1::real * 3, 1e100::float8 / 3",
        "SET extra_float_digits = -15",
        "SELECT 0.1::float8 + 0.2::float8, 0.1::real * 3, 1e100::float8 / 3",
    };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        pt_expect_same(c, pg, steps[i]);
    PQclear(PQexec(c, "SET extra_float_digits = 0"));
    pt_expect_value(c, "SELECT 0.1::float8 + 0.2::float8", "0.3");
    PQfinish(pg);
    PQfinish(c);
    pt_stop(&t);
}

static uint32_t be32(const char *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return ntohl(v);
}

Test(proxy, binary_results_through_exec_params)
{
    pt_proxy_t t = pt_start("binres");
    PGconn *c = pt_connect(&t);
    PGconn *pg = pt_pg_connect("postgres");
    const char *q = "SELECT 42::INTEGER AS i, 'x'::VARCHAR AS s, 1.25::float8 AS d, "
                    "DATE '2000-01-02' AS dt, 12.5::DECIMAL(6,2) AS n";
    pt_expect_same_params(c, pg, q, 0, NULL, 1);
    PGresult *r = PQexecParams(c, q, 0, NULL, NULL, NULL, NULL, 1);
    cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "%s", PQerrorMessage(c));
    cr_expect_eq(PQfformat(r, 0), 1);
    cr_expect_eq(be32(PQgetvalue(r, 0, 0)), 42u);
    cr_expect_str_eq(PQgetvalue(r, 0, 1), "x");
    uint64_t bits = (uint64_t)be32(PQgetvalue(r, 0, 2)) << 32 | be32(PQgetvalue(r, 0, 2) + 4);
    double d;
    memcpy(&d, &bits, 8);
    cr_expect_eq(d, 1.25);
    cr_expect_eq(be32(PQgetvalue(r, 0, 3)), 1u);
    /* numeric 12.50: ndigits 2, weight 0, sign 0, dscale 2, digits 12 5000 */
    const unsigned char want[] = {0, 2, 0, 0, 0, 0, 0, 2, 0, 12, 0x13, 0x88};
    cr_expect_eq(PQgetlength(r, 0, 4), (int)sizeof want);
    cr_expect(memcmp(PQgetvalue(r, 0, 4), want, sizeof want) == 0, "numeric binary differs");
    PQclear(r);
    PQfinish(pg);
    PQfinish(c);
    pt_stop(&t);
}

/* DECIMAL products inside aggregates are multiplied in 64 bits (DuckDB's fast path); one that
 * overflows there runs the statement again in 128 bits before any row is sent, so the answer
 * is PostgreSQL's either way, in the simple and the extended protocol. */
Test(proxy, decimal_products_in_aggregates_match_when_they_overflow_64_bits)
{
    pt_proxy_t t = pt_start("decmul");
    PGconn *c = pt_connect(&t);
    PGconn *pg = pt_pg_connect("postgres");
    static const char *const sqls[] = {
        "SELECT sum(x * y), count(*) FROM (VALUES (1.50::numeric(12,2), 2.25::numeric(13,2)), "
        "(3.10::numeric(12,2), 4.00::numeric(13,2))) t(x, y)",
        "SELECT sum(x * y), sum(x * y * y), avg(x * y) FROM (VALUES (9999999999.99::numeric(12,2), "
        "99999999999.99::numeric(13,2)), (1.50::numeric(12,2), 2.00::numeric(13,2))) t(x, y)",
        "SELECT g, sum(x * y) FROM (VALUES (1, 9999999999.99::numeric(12,2), "
        "99999999999.99::numeric(13,2)), (2, 1.00::numeric(12,2), 1.00::numeric(13,2))) t(g, x, y) "
        "GROUP BY g ORDER BY g",
        "SELECT x * y FROM (VALUES (9999999999.99::numeric(12,2), 99999999999.99::numeric(13,2))) "
        "t(x, y)",
    };
    for (size_t i = 0; i < sizeof sqls / sizeof sqls[0]; i++)
        pt_expect_same(c, pg, sqls[i]);
    const char *params[] = {"9999999999.99", "99999999999.99"};
    pt_expect_same_params(c, pg,
                          "SELECT sum(x * y) FROM (VALUES ($1::numeric(12,2), $2::numeric(13,2)), "
                          "(1.00::numeric(12,2), 2.00::numeric(13,2))) t(x, y)",
                          2, params, 0);
    PQfinish(pg);
    PQfinish(c);
    pt_stop(&t);
}

/*
 * tests/proxy/test_types.c: DuckDB values reach libpq with PostgreSQL type OIDs and in
 * PostgreSQL's text output; binary results decode to the same values.
 */
#include "proxy_test.h"

#include <arpa/inet.h>

typedef struct type_case {
    const char *expr;
    unsigned oid;
    const char *text;
} type_case_t;

static const type_case_t cases[] = {
    {"true", 16, "t"},
    {"false", 16, "f"},
    {"1::TINYINT", 21, "1"},
    {"(-32768)::SMALLINT", 21, "-32768"},
    {"2147483647::INTEGER", 23, "2147483647"},
    {"(-9223372036854775808)::BIGINT", 20, "-9223372036854775808"},
    {"170141183460469231731687303715884105727::HUGEINT", 1700,
     "170141183460469231731687303715884105727"},
    {"18446744073709551615::UBIGINT", 1700, "18446744073709551615"},
    {"1.50::DECIMAL(10,2)", 1700, "1.50"},
    {"-0.05::DECIMAL(10,2)", 1700, "-0.05"},
    {"0.000001::DECIMAL(18,6)", 1700, "0.000001"},
    {"12345678901234567890.123::DECIMAL(38,3)", 1700, "12345678901234567890.123"},
    {"0.1::REAL", 700, "0.1"},
    {"1234567::REAL", 700, "1.234567e+06"},
    {"0.1::DOUBLE + 0.2::DOUBLE", 701, "0.30000000000000004"},
    {"1e15::DOUBLE", 701, "1e+15"},
    {"1e14::DOUBLE", 701, "100000000000000"},
    {"0.00001::DOUBLE", 701, "1e-05"},
    {"0.0001::DOUBLE", 701, "0.0001"},
    {"'inf'::DOUBLE", 701, "Infinity"},
    {"-'inf'::DOUBLE", 701, "-Infinity"},
    {"'nan'::DOUBLE", 701, "NaN"},
    {"-0.0::DOUBLE", 701, "-0"},
    {"'héllo'::VARCHAR", 25, "héllo"},
    {"'\\x00\\xAB\\x10'::BLOB", 17, "\\x00ab10"},
    {"DATE '2024-03-01'", 1082, "2024-03-01"},
    {"DATE '0044-03-15 (BC)'", 1082, "0044-03-15 BC"},
    {"'infinity'::DATE", 1082, "infinity"},
    {"TIME '12:00:01.5'", 1083, "12:00:01.5"},
    {"TIMESTAMP '2024-03-01 12:34:56.789'", 1114, "2024-03-01 12:34:56.789"},
    {"TIMESTAMP '2024-03-01 12:34:56'", 1114, "2024-03-01 12:34:56"},
    {"TIMESTAMPTZ '2024-03-01 12:34:56.789+00'", 1184, "2024-03-01 12:34:56.789+00"},
    {"'-infinity'::TIMESTAMP", 1114, "-infinity"},
    {"INTERVAL '1 day 2 hours 3 minutes 4.5 seconds'", 1186, "1 day 02:03:04.5"},
    {"INTERVAL '1 year 2 months' - INTERVAL '3 days'", 1186, "1 year 2 mons -3 days"},
    {"-INTERVAL '1 hour'", 1186, "-01:00:00"},
    {"'6ba7b810-9dad-11d1-80b4-00c04fd430c8'::UUID", 2950, "6ba7b810-9dad-11d1-80b4-00c04fd430c8"},
    {"[1, NULL, 3]", 1007, "{1,NULL,3}"},
    {"[[1, 2], [3, 4]]", 25, "{{1,2},{3,4}}"},
    {"[]::INTEGER[]", 1007, "{}"},
    {"['a b', 'c,d', 'e\"f', 'g\\h', 'NULL', '', NULL, 'plain']", 1009,
     "{\"a b\",\"c,d\",\"e\\\"f\",\"g\\\\h\",\"NULL\",\"\",NULL,plain}"},
    {"{'x': 1, 'y': 'a b'}", 25, "(1,\"a b\")"},
    {"'abc'::ENUM('abc', 'def')", 25, "abc"},
    {"TIMETZ '12:00:00+02'", 25, "12:00:00+02"},
    {"NULL::INTEGER", 23, NULL},
};

Test(proxy, duckdb_types_print_as_postgresql_does)
{
    pt_proxy_t t = pt_start("types");
    PGconn *c = pt_connect(&t);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *sql = NULL;
        cr_assert(asprintf(&sql, "SELECT %s AS v", cases[i].expr) > 0);
        PGresult *r = PQexec(c, sql);
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            cr_expect_fail("%s: %s", sql, PQerrorMessage(c));
        } else {
            cr_expect_eq(PQftype(r, 0), cases[i].oid, "%s: OID %u, want %u", sql, PQftype(r, 0),
                         cases[i].oid);
            if (!cases[i].text)
                cr_expect(PQgetisnull(r, 0, 0), "%s: want NULL", sql);
            else
                cr_expect_str_eq(PQgetvalue(r, 0, 0), cases[i].text, "%s: got %s, want %s", sql,
                                 PQgetvalue(r, 0, 0), cases[i].text);
        }
        PQclear(r);
        free(sql);
    }
    PQfinish(c);
    pt_stop(&t);
}

Test(proxy, decimal_typmod_in_row_description)
{
    pt_proxy_t t = pt_start("typmod");
    PGconn *c = pt_connect(&t);
    PGresult *r = PQexec(c, "SELECT 1.5::DECIMAL(10,2) AS d");
    cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK);
    cr_expect_eq(PQfmod(r, 0), 655366);
    PQclear(r);
    PQfinish(c);
    pt_stop(&t);
}

Test(proxy, timestamptz_follows_the_session_time_zone)
{
    pt_proxy_t t = pt_start("tz");
    PGconn *c = pt_connect(&t);
    const char *q = "SELECT TIMESTAMPTZ '2024-03-01 12:34:56.789+00'";
    PQclear(PQexec(c, "SET TimeZone = 'America/New_York'"));
    cr_expect_str_eq(PQparameterStatus(c, "TimeZone"), "America/New_York");
    pt_expect_value(c, q, "2024-03-01 07:34:56.789-05");
    pt_expect_value(c, "SELECT TIMESTAMPTZ '2024-07-01 12:00:00+00'", "2024-07-01 08:00:00-04");
    /* POSIX sign, as PostgreSQL reads it: '+05:30' is 5:30 WEST of UTC */
    PQclear(PQexec(c, "SET TIME ZONE '+05:30'"));
    pt_expect_value(c, "SELECT TIMESTAMPTZ '2024-03-01 12:34:56+00'", "2024-03-01 07:04:56-05:30");
    pt_expect_error(c, "SET TimeZone = 'Mars/Olympus'", "22023");
    PQclear(PQexec(c, "RESET TimeZone"));
    pt_expect_value(c, q, "2024-03-01 12:34:56.789+00");
    PQfinish(c);
    pt_stop(&t);
}

Test(proxy, extra_float_digits_zero_gives_15_digits)
{
    pt_proxy_t t = pt_start("efd");
    PGconn *c = pt_connect(&t);
    PQclear(PQexec(c, "SET extra_float_digits = 0"));
    pt_expect_value(c, "SELECT 0.1::DOUBLE + 0.2::DOUBLE", "0.3");
    PQclear(PQexec(c, "SET extra_float_digits TO 3"));
    pt_expect_value(c, "SELECT 0.1::DOUBLE + 0.2::DOUBLE", "0.30000000000000004");
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
    PGresult *r = PQexecParams(c,
                               "SELECT 42::INTEGER AS i, 'x'::VARCHAR AS s, 1.25::DOUBLE AS d, "
                               "DATE '2000-01-02' AS dt, 12.5::DECIMAL(6,2) AS n",
                               0, NULL, NULL, NULL, NULL, 1);
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
    PQfinish(c);
    pt_stop(&t);
}

/*
 * tests/source/test_value.c: source_type_map and source_value_parse for the scalar types
 * (source/value.c), checked against what the real PostgreSQL prints and stores: every value
 * keeps its text, NaN has no decimal (22003), uuids are checked and kept as text.
 */
#include <math.h>

#include "source_test.h"

/* A connection printing values the way every source connection does. */
static PGconn *truth_conn(void)
{
    PGconn *c = amt_pg_connect("postgres");
    amt_pg_exec(c, "SET DateStyle = ISO; SET TimeZone = 'UTC'; SET extra_float_digits = 3; "
                   "SET bytea_output = hex; SET IntervalStyle = postgres");
    return c;
}

/* PostgreSQL's text of expr, parsed as t (the text is kept in the arena). */
static am_value_t pg_parse(PGconn *c, am_arena_t *a, am_coltype_t t, const char *expr)
{
    char *text = amt_pg_value(c, "SELECT (%s)", expr); /* the output function, as COPY */
    cr_assert(text != NULL, "%s is NULL", expr);
    char *kept = am_arena_strdup(a, text);
    free(text);
    am_value_t v;
    am_err_t err = {0};
    cr_assert(source_value_parse(t, kept, strlen(kept), a, &v, &err), "%s (%s): %s %s", expr, kept,
              err.sqlstate, err.msg);
    return v;
}

static const char *pg_str(PGconn *c, am_arena_t *a, am_coltype_t t, const char *expr)
{
    am_value_t v = pg_parse(c, a, t, expr);
    return srct_str(&v);
}

static am_coltype_t ty(am_type_t t)
{
    return (am_coltype_t){.type = t};
}

static void expect_bad(am_coltype_t t, const char *text)
{
    am_value_t v;
    am_err_t err = {0};
    am_arena_t *a = am_arena_new(0);
    cr_assert_not(source_value_parse(t, text, strlen(text), a, &v, &err), "%s accepted as %s", text,
                  am_type_name(t.type));
    cr_assert_str_eq(err.sqlstate, "22P02");
    cr_assert(strstr(err.msg, am_type_name(t.type)) != NULL, "%s", err.msg);
    cr_assert(strstr(err.msg, text) != NULL || strlen(text) > 64, "%s", err.msg);
    am_arena_free(a);
}

Test(source, type_map_scalars)
{
    cr_assert_eq(source_type_map(16, -1).type, AM_TYPE_BOOL);
    cr_assert_eq(source_type_map(21, -1).type, AM_TYPE_INT16);
    cr_assert_eq(source_type_map(23, -1).type, AM_TYPE_INT32);
    cr_assert_eq(source_type_map(20, -1).type, AM_TYPE_INT64);
    cr_assert_eq(source_type_map(26, -1).type, AM_TYPE_INT64);
    cr_assert_eq(source_type_map(700, -1).type, AM_TYPE_FLOAT32);
    cr_assert_eq(source_type_map(701, -1).type, AM_TYPE_FLOAT64);
    cr_assert_eq(source_type_map(1082, -1).type, AM_TYPE_DATE);
    cr_assert_eq(source_type_map(1083, -1).type, AM_TYPE_TIME);
    cr_assert_eq(source_type_map(1114, -1).type, AM_TYPE_TIMESTAMP);
    cr_assert_eq(source_type_map(1184, -1).type, AM_TYPE_TIMESTAMPTZ);
    cr_assert_eq(source_type_map(17, -1).type, AM_TYPE_BINARY);
    cr_assert_eq(source_type_map(2950, -1).type, AM_TYPE_UUID);
    cr_assert_eq(source_type_map(28, -1).type, AM_TYPE_INT64, "xid");
    cr_assert_eq(source_type_map(29, -1).type, AM_TYPE_INT64, "cid");
    /* text, varchar, bpchar, name, json, jsonb, inet, interval, timetz, money, bit, regclass,
     * and arrays or user types before relation.c resolves them */
    const uint32_t strings[] = {25,   1043, 1042, 19,   114,  3802, 869,
                                1186, 1266, 790,  1560, 2205, 1007, 16390};
    for (size_t i = 0; i < AM_ARRAY_LEN(strings); i++)
        cr_assert_eq(source_type_map(strings[i], -1).type, AM_TYPE_STRING, "oid %u", strings[i]);
}

/* The typmods PostgreSQL itself stores for numeric(p,s), read from pg_attribute. */
Test(source, type_map_numeric_typmods)
{
    amt_create_db("src_type_map_numeric");
    PGconn *c = amt_pg_connect("src_type_map_numeric");
    amt_pg_exec(c, "CREATE TABLE t (a numeric(10,2), b numeric(38,38), c numeric(38,0), "
                   "d numeric(39,2), e numeric, f numeric(1,0), g numeric(5,-2), h numeric(3,5))");
    static const struct {
        const char *col;
        am_type_t type;
        int precision, scale;
    } want[] = {{"a", AM_TYPE_DECIMAL, 10, 2}, {"b", AM_TYPE_DECIMAL, 38, 38},
                {"c", AM_TYPE_DECIMAL, 38, 0}, {"d", AM_TYPE_STRING, 0, 0},
                {"e", AM_TYPE_STRING, 0, 0},   {"f", AM_TYPE_DECIMAL, 1, 0},
                {"g", AM_TYPE_STRING, 0, 0},   {"h", AM_TYPE_STRING, 0, 0}};
    for (size_t i = 0; i < AM_ARRAY_LEN(want); i++) {
        char *typmod = amt_pg_value(c,
                                    "SELECT atttypmod FROM pg_attribute WHERE attrelid = "
                                    "'t'::regclass AND attname = '%s'",
                                    want[i].col);
        am_coltype_t t = source_type_map(1700, atoi(typmod));
        cr_assert_eq(t.type, want[i].type, "column %s typmod %s", want[i].col, typmod);
        if (t.type == AM_TYPE_DECIMAL) {
            cr_assert_eq(t.precision, want[i].precision, "column %s", want[i].col);
            cr_assert_eq(t.scale, want[i].scale, "column %s", want[i].col);
        }
        free(typmod);
    }
    PQfinish(c);
}

Test(source, value_bool_and_integers)
{
    PGconn *c = truth_conn();
    am_arena_t *a = am_arena_new(0);
    cr_assert_eq(pg_parse(c, a, ty(AM_TYPE_BOOL), "true").i, 1);
    cr_assert_eq(pg_parse(c, a, ty(AM_TYPE_BOOL), "false").i, 0);
    cr_assert_eq(pg_parse(c, a, ty(AM_TYPE_INT16), "(-32768)::int2").i, -32768);
    cr_assert_eq(pg_parse(c, a, ty(AM_TYPE_INT16), "32767::int2").i, 32767);
    cr_assert_eq(pg_parse(c, a, ty(AM_TYPE_INT32), "(-2147483648)::int4").i, INT32_MIN);
    cr_assert_eq(pg_parse(c, a, ty(AM_TYPE_INT32), "2147483647::int4").i, INT32_MAX);
    cr_assert_eq(pg_parse(c, a, ty(AM_TYPE_INT64), "(-9223372036854775808)::int8").i, INT64_MIN);
    cr_assert_eq(pg_parse(c, a, ty(AM_TYPE_INT64), "9223372036854775807::int8").i, INT64_MAX);
    cr_assert_eq(pg_parse(c, a, ty(AM_TYPE_INT64), "4294967295::oid").i, INT64_C(4294967295));
    cr_assert_eq(pg_parse(c, a, ty(AM_TYPE_INT32), "0::int4").i, 0);
    /* the text stays with the value: a column stored as text takes it verbatim */
    cr_assert_str_eq(pg_str(c, a, ty(AM_TYPE_INT32), "(-42)::int4"), "-42");
    expect_bad(ty(AM_TYPE_INT16), "32768");
    expect_bad(ty(AM_TYPE_INT32), "2147483648");
    expect_bad(ty(AM_TYPE_INT64), "9223372036854775808");
    expect_bad(ty(AM_TYPE_INT64), "-");
    expect_bad(ty(AM_TYPE_INT64), "");
    expect_bad(ty(AM_TYPE_INT32), " 1");
    expect_bad(ty(AM_TYPE_INT32), "1.0");
    expect_bad(ty(AM_TYPE_BOOL), "yes");
    expect_bad(ty(AM_TYPE_BOOL), "");
    am_arena_free(a);
    PQfinish(c);
}

/* Each float PostgreSQL prints parses to the double PostgreSQL holds (compared bit for bit
 * against the float8 PostgreSQL computes from the same value). */
static void check_float(PGconn *c, am_arena_t *a, am_type_t t, const char *literal)
{
    const char *cast = t == AM_TYPE_FLOAT32 ? "float4" : "float8";
    char expr[256];
    snprintf(expr, sizeof expr, "'%s'::%s", literal, cast);
    am_value_t v = pg_parse(c, a, ty(t), expr);
    char *exact = amt_pg_value(c, "SELECT ('%s'::%s)::float8::text", literal, cast);
    double want = strcmp(exact, "NaN") == 0         ? NAN
                  : strcmp(exact, "Infinity") == 0  ? INFINITY
                  : strcmp(exact, "-Infinity") == 0 ? -INFINITY
                                                    : strtod(exact, NULL);
    if (isnan(want))
        cr_assert(isnan(v.f), "%s", literal);
    else
        cr_assert(memcmp(&v.f, &want, sizeof want) == 0, "%s: got %.17g want %.17g", literal, v.f,
                  want);
    free(exact);
}

Test(source, value_floats)
{
    PGconn *c = truth_conn();
    am_arena_t *a = am_arena_new(0);
    const char *f8[] = {"0.30000000000000004",
                        "1e15",
                        "100000000000000",
                        "1e-05",
                        "0.0001",
                        "-0",
                        "NaN",
                        "Infinity",
                        "-Infinity",
                        "1.7976931348623157e308",
                        "5e-324",
                        "-2.2250738585072014e-308",
                        "123456789.125"};
    for (size_t i = 0; i < AM_ARRAY_LEN(f8); i++)
        check_float(c, a, AM_TYPE_FLOAT64, f8[i]);
    const char *f4[] = {"0.1",       "1.234567e+06", "-0",    "NaN",     "Infinity",
                        "-Infinity", "3.4028235e38", "1e-45", "16777217"};
    for (size_t i = 0; i < AM_ARRAY_LEN(f4); i++)
        check_float(c, a, AM_TYPE_FLOAT32, f4[i]);
    am_value_t z = pg_parse(c, a, ty(AM_TYPE_FLOAT64), "'-0'::float8");
    cr_assert(signbit(z.f), "-0 keeps its sign");
    expect_bad(ty(AM_TYPE_FLOAT64), "inf");
    expect_bad(ty(AM_TYPE_FLOAT64), "0x10");
    expect_bad(ty(AM_TYPE_FLOAT64), "1e999");
    expect_bad(ty(AM_TYPE_FLOAT64), "1.5x");
    expect_bad(ty(AM_TYPE_FLOAT32), "");
    am_arena_free(a);
    PQfinish(c);
}

Test(source, value_decimals_and_long_numeric)
{
    PGconn *c = truth_conn();
    am_arena_t *a = am_arena_new(0);
    am_coltype_t d10_2 = {.type = AM_TYPE_DECIMAL, .precision = 10, .scale = 2};
    cr_assert_str_eq(pg_str(c, a, d10_2, "1.5::numeric(10,2)"), "1.50");
    cr_assert_str_eq(pg_str(c, a, d10_2, "-0.5::numeric(10,2)"), "-0.50");
    am_coltype_t d38 = {.type = AM_TYPE_DECIMAL, .precision = 38, .scale = 0};
    am_value_t big = pg_parse(c, a, d38, "123456789012345678901234567890::numeric(38,0)");
    cr_assert_str_eq(srct_str(&big), "123456789012345678901234567890");
    /* numeric(p,s) admits NaN; no decimal holds it: an error naming the value, never NULL */
    const char *specials[] = {"NaN", "Infinity", "-Infinity"};
    for (size_t i = 0; i < AM_ARRAY_LEN(specials); i++) {
        am_value_t v;
        am_err_t err = {0};
        const char *text = specials[i];
        cr_assert_not(source_value_parse(d10_2, text, strlen(text), a, &v, &err), "%s", text);
        cr_assert_str_eq(err.sqlstate, "22003");
        cr_assert(strstr(err.msg, text) && strstr(err.msg, "decimal(10,2)"), "%s", err.msg);
    }
    char *nan_text = amt_pg_value(c, "SELECT 'NaN'::numeric(10,2)");
    cr_assert_str_eq(nan_text, "NaN", "PostgreSQL stores NaN in numeric(10,2)");
    free(nan_text);
    /* unconstrained numeric (and p > 38) is kept as its exact text, NaN and infinity too */
    am_value_t s = pg_parse(c, a, ty(AM_TYPE_STRING),
                            "'-123456789012345678901234567890.000000000000000000001'::numeric");
    cr_assert_str_eq(srct_str(&s), "-123456789012345678901234567890.000000000000000000001");
    cr_assert_str_eq(pg_str(c, a, ty(AM_TYPE_STRING), "'NaN'::numeric"), "NaN");
    cr_assert_str_eq(pg_str(c, a, ty(AM_TYPE_STRING), "'-Infinity'::numeric"), "-Infinity");
    expect_bad(d10_2, "1.");
    expect_bad(d10_2, ".5");
    expect_bad(d10_2, "1e5");
    expect_bad(d10_2, "--1");
    am_arena_free(a);
    PQfinish(c);
}

Test(source, value_bytea_all_bytes)
{
    PGconn *c = truth_conn();
    am_arena_t *a = am_arena_new(0);
    am_value_t v = pg_parse(c, a, ty(AM_TYPE_BINARY),
                            "(SELECT decode(string_agg(lpad(to_hex(i), 2, '0'), '' ORDER BY i), "
                            "'hex') FROM generate_series(0, 255) i)");
    cr_assert_eq(v.kind, AM_VALUE_PRESENT);
    cr_assert_eq(v.len, 256);
    for (int i = 0; i < 256; i++)
        cr_assert_eq((uint8_t)v.s[i], i, "byte %d", i);
    am_value_t empty = pg_parse(c, a, ty(AM_TYPE_BINARY), "''::bytea");
    cr_assert_eq(empty.kind, AM_VALUE_PRESENT);
    cr_assert_eq(empty.len, 0);
    expect_bad(ty(AM_TYPE_BINARY), "\\x0");
    expect_bad(ty(AM_TYPE_BINARY), "\\xzz");
    expect_bad(ty(AM_TYPE_BINARY), "abc");
    am_arena_free(a);
    PQfinish(c);
}

Test(source, value_strings_verbatim)
{
    PGconn *c = truth_conn();
    am_arena_t *a = am_arena_new(0);
    am_value_t v = pg_parse(c, a, ty(AM_TYPE_STRING), "E'tab\\there\\nnew\\\\line \u00e9\u4e2d'");
    cr_assert_str_eq(srct_str(&v), "tab\there\nnew\\line \u00e9\u4e2d");
    cr_assert_str_eq(pg_str(c, a, ty(AM_TYPE_STRING), "'{1,NULL,3}'::int[]"), "{1,NULL,3}");
    cr_assert_str_eq(pg_str(c, a, ty(AM_TYPE_STRING), "'1 day 02:03:04.5'::interval"),
                     "1 day 02:03:04.5");
    cr_assert_str_eq(pg_str(c, a, ty(AM_TYPE_STRING), "'{\"b\":2,\"a\":[1,2]}'::jsonb"),
                     "{\"a\": [1, 2], \"b\": 2}");
    am_value_t empty;
    am_err_t err = {0};
    cr_assert(source_value_parse(ty(AM_TYPE_STRING), "", 0, a, &empty, &err));
    cr_assert_eq(empty.kind, AM_VALUE_PRESENT);
    cr_assert_eq(empty.len, 0);
    am_arena_free(a);
    PQfinish(c);
}

Test(source, value_uuids_are_checked_and_kept_as_text)
{
    PGconn *c = truth_conn();
    am_arena_t *a = am_arena_new(0);
    cr_assert_str_eq(pg_str(c, a, ty(AM_TYPE_UUID), "'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'::uuid"),
                     "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    cr_assert_str_eq(pg_str(c, a, ty(AM_TYPE_UUID), "'{00000000000000000000000000000000}'::uuid"),
                     "00000000-0000-0000-0000-000000000000");
    expect_bad(ty(AM_TYPE_UUID), "a0eebc999c0b4ef8bb6d6bb9bd380a11");
    expect_bad(ty(AM_TYPE_UUID), "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11");
    expect_bad(ty(AM_TYPE_UUID), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1");
    expect_bad(ty(AM_TYPE_UUID), "a0eebc99-9c0b-4ef8-bb6d_6bb9bd380a11");
    am_arena_free(a);
    PQfinish(c);
}

Test(source, value_error_clips_long_values)
{
    char text[300];
    memset(text, '9', sizeof text - 1);
    text[sizeof text - 1] = '\0';
    am_value_t v;
    am_err_t err = {0};
    cr_assert_not(source_value_parse(ty(AM_TYPE_INT64), text, strlen(text), NULL, &v, &err));
    cr_assert_str_eq(err.sqlstate, "22P02");
    cr_assert(strlen(err.msg) < 200, "%s", err.msg);
    cr_assert(strstr(err.msg, "...") != NULL, "%s", err.msg);
}

/*
 * tests/lake/test_values.c: decimal text <-> scaled integers (exact, any precision up to 38),
 * the conversion between am_value_t and DuckDB vectors.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "lake/lake_internal.h"

static __int128 parse_ok(const char *s, int p, int sc)
{
    __int128 v = 0;
    bool is_null = true;
    cr_assert(lake__decimal_parse(s, strlen(s), p, sc, &v, &is_null), "%s", s);
    cr_assert_not(is_null, "%s", s);
    return v;
}

static void format_is(__int128 v, int scale, const char *want)
{
    char out[64];
    size_t n = lake__decimal_format(v, scale, out, sizeof out);
    cr_assert_str_eq(out, want);
    cr_assert_eq(n, strlen(want));
}

Test(lake, decimal_parse)
{
    cr_assert(parse_ok("1.50", 12, 2) == 150);
    cr_assert(parse_ok("1.5", 12, 2) == 150, "fewer digits are padded");
    cr_assert(parse_ok("-0.01", 12, 2) == -1);
    cr_assert(parse_ok("+7", 3, 0) == 7);
    cr_assert(parse_ok("007.10", 3, 2) == 710, "leading zeros do not count");
    cr_assert(parse_ok("2.000", 3, 1) == 20, "trailing zeros past the scale are fine");
    cr_assert(parse_ok("9999999999999999.99", 18, 2) == (__int128)999999999999999999LL);
    __int128 big = parse_ok("-99999999999999999999999999999999999999", 38, 0);
    cr_assert(big < 0);
    format_is(big, 0, "-99999999999999999999999999999999999999");
    const char *bad[] = {"", "-", ".", "1.234", "abc", "1e5", "12345", "1..2", "1 "};
    for (size_t i = 0; i < AM_ARRAY_LEN(bad); i++) {
        __int128 v;
        bool is_null;
        cr_assert_not(lake__decimal_parse(bad[i], strlen(bad[i]), 5, 2, &v, &is_null), "%s",
                      bad[i]);
    }
    __int128 v;
    bool is_null = false;
    cr_assert(lake__decimal_parse("NaN", 3, 5, 2, &v, &is_null) && is_null);
    cr_assert(lake__decimal_parse("-Infinity", 9, 5, 2, &v, &is_null) && is_null);
}

Test(lake, decimal_format)
{
    format_is(150, 2, "1.50");
    format_is(-1, 2, "-0.01");
    format_is(0, 2, "0.00");
    format_is(0, 0, "0");
    format_is(12345, 0, "12345");
    format_is(5, 3, "0.005");
}

Test(lake, values_through_a_data_chunk)
{
    const lake_column_t cols[] = {
        {.name = "d", .type = {AM_TYPE_DECIMAL, 30, 3}},
        {.name = "s", .type = {AM_TYPE_STRING, 0, 0}},
        {.name = "i", .type = {AM_TYPE_INT32, 0, 0}},
    };
    duckdb_logical_type types[3] = {duckdb_create_decimal_type(30, 3),
                                    duckdb_create_logical_type(DUCKDB_TYPE_VARCHAR),
                                    duckdb_create_logical_type(DUCKDB_TYPE_INTEGER)};
    duckdb_data_chunk chunk = duckdb_create_data_chunk(types, 3);
    am_value_t in[3][3] = {
        {{.kind = AM_VALUE_PRESENT, .s = "-12.5", .len = 5},
         {.kind = AM_VALUE_PRESENT, .s = "a string longer than twelve", .len = 27},
         {.kind = AM_VALUE_PRESENT, .i = -7}},
        {{.kind = AM_VALUE_NULL}, {.kind = AM_VALUE_NULL}, {.kind = AM_VALUE_NULL}},
        {{.kind = AM_VALUE_PRESENT, .s = "NaN", .len = 3},
         {.kind = AM_VALUE_PRESENT, .s = "", .len = 0},
         {.kind = AM_VALUE_PRESENT, .i = INT32_MAX}},
    };
    am_err_t err = {0};
    for (idx_t r = 0; r < 3; r++)
        for (idx_t c = 0; c < 3; c++)
            cr_assert(lake__value_put(duckdb_data_chunk_get_vector(chunk, c), &cols[c], r,
                                      &in[r][c], &err),
                      "%s", err.msg);
    am_value_t out;
    am_arena_t *arena = am_arena_new(0);
    cr_assert(
        lake__value_get(duckdb_data_chunk_get_vector(chunk, 0), &cols[0], 0, arena, &out, &err));
    cr_assert_eq(out.len, 7);
    cr_assert(memcmp(out.s, "-12.500", 7) == 0);
    cr_assert(
        lake__value_get(duckdb_data_chunk_get_vector(chunk, 1), &cols[1], 0, arena, &out, &err));
    cr_assert(out.len == 27 && memcmp(out.s, "a string longer than twelve", 27) == 0);
    for (idx_t c = 0; c < 3; c++) {
        cr_assert(lake__value_get(duckdb_data_chunk_get_vector(chunk, c), &cols[c], 1, arena, &out,
                                  &err));
        cr_assert_eq(out.kind, AM_VALUE_NULL);
    }
    cr_assert(
        lake__value_get(duckdb_data_chunk_get_vector(chunk, 0), &cols[0], 2, arena, &out, &err));
    cr_assert_eq(out.kind, AM_VALUE_NULL, "NaN has no Iceberg value: NULL");
    cr_assert(
        lake__value_get(duckdb_data_chunk_get_vector(chunk, 2), &cols[2], 2, arena, &out, &err));
    cr_assert_eq(out.i, INT32_MAX);
    am_value_t too_big = {.kind = AM_VALUE_PRESENT, .i = INT64_C(1) << 40};
    cr_assert_not(
        lake__value_put(duckdb_data_chunk_get_vector(chunk, 2), &cols[2], 0, &too_big, &err));
    am_value_t unchanged = {.kind = AM_VALUE_UNCHANGED};
    cr_assert_not(
        lake__value_put(duckdb_data_chunk_get_vector(chunk, 2), &cols[2], 0, &unchanged, &err));
    am_value_t bad_dec = {.kind = AM_VALUE_PRESENT, .s = "1.2345", .len = 6};
    cr_assert_not(
        lake__value_put(duckdb_data_chunk_get_vector(chunk, 0), &cols[0], 0, &bad_dec, &err));
    cr_assert_str_eq(err.sqlstate, AM_SQLSTATE_BAD_INPUT);
    am_arena_free(arena);
    duckdb_destroy_data_chunk(&chunk);
    for (int i = 0; i < 3; i++)
        duckdb_destroy_logical_type(&types[i]);
}

/*
 * tests/lake/test_values.c: decimal text <-> scaled integers (exact, any precision up to 38),
 * the conversion between am_value_t and DuckDB vectors (uuids and lists included).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "lake/lake_internal.h"
#include "lake_test.h"

static __int128 parse_ok(const char *s, int p, int sc)
{
    __int128 v = 0;
    bool special = true;
    cr_assert(lake__decimal_parse(s, strlen(s), p, sc, &v, &special), "%s", s);
    cr_assert_not(special, "%s", s);
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
        bool special = true;
        cr_assert_not(lake__decimal_parse(bad[i], strlen(bad[i]), 5, 2, &v, &special), "%s",
                      bad[i]);
        cr_assert_not(special, "%s", bad[i]);
    }
    /* no decimal holds NaN or an infinity: refused, never NULL */
    __int128 v;
    bool special = false;
    cr_assert(!lake__decimal_parse("NaN", 3, 5, 2, &v, &special) && special);
    cr_assert(!lake__decimal_parse("-Infinity", 9, 5, 2, &v, &special) && special);
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
        {.name = "d", .type = {AM_TYPE_DECIMAL, 30, 3, 0}},
        {.name = "s", .type = {AM_TYPE_STRING, 0, 0, 0}},
        {.name = "i", .type = {AM_TYPE_INT32, 0, 0, 0}},
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
        {{.kind = AM_VALUE_PRESENT, .s = "0.001", .len = 5},
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
    cr_assert(out.len == 5 && memcmp(out.s, "0.001", 5) == 0);
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
    am_value_t nan = {.kind = AM_VALUE_PRESENT, .s = "NaN", .len = 3};
    cr_assert_not(lake__value_put(duckdb_data_chunk_get_vector(chunk, 0), &cols[0], 0, &nan, &err));
    cr_assert_str_eq(err.sqlstate, "22003");
    cr_assert(strstr(err.msg, "\"d\"") && strstr(err.msg, "NaN"), "%s", err.msg);
    am_arena_free(arena);
    duckdb_destroy_data_chunk(&chunk);
    for (int i = 0; i < 3; i++)
        duckdb_destroy_logical_type(&types[i]);
}

Test(lake, values_uuids_keep_their_text)
{
    const lake_column_t col = {.name = "u", .type = {AM_TYPE_UUID, 0, 0, 0}};
    duckdb_logical_type type = duckdb_create_logical_type(DUCKDB_TYPE_UUID);
    duckdb_data_chunk chunk = duckdb_create_data_chunk(&type, 1);
    duckdb_vector vec = duckdb_data_chunk_get_vector(chunk, 0);
    const char *uuids[] = {
        "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "00000000-0000-0000-0000-000000000000",
        "ffffffff-ffff-ffff-ffff-ffffffffffff", "80000000-0000-0000-7fff-ffffffffffff"};
    am_err_t err = {0};
    for (idx_t r = 0; r < 4; r++) {
        am_value_t v = {.kind = AM_VALUE_PRESENT, .s = uuids[r], .len = 36};
        cr_assert(lake__value_put(vec, &col, r, &v, &err), "%s", err.msg);
    }
    am_arena_t *arena = am_arena_new(0);
    for (idx_t r = 0; r < 4; r++) {
        am_value_t out;
        cr_assert(lake__value_get(vec, &col, r, arena, &out, &err), "%s", err.msg);
        cr_assert(out.len == 36 && memcmp(out.s, uuids[r], 36) == 0, "%.*s", (int)out.len, out.s);
    }
    am_value_t bad = {
        .kind = AM_VALUE_PRESENT, .s = "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1x", .len = 36};
    cr_assert_not(lake__value_put(vec, &col, 0, &bad, &err));
    cr_assert_str_eq(err.sqlstate, AM_SQLSTATE_BAD_INPUT);
    am_arena_free(arena);
    duckdb_destroy_data_chunk(&chunk);
    duckdb_destroy_logical_type(&type);
}

/* DuckDB itself reads the uuid the lake wrote as the text it was given. */
Test(lake, values_uuid_layout_is_duckdbs)
{
    char *dir;
    lake_t *lake = lt_lake_open("uuid_layout", &dir);
    const lake_column_t cols[] = {{.name = "u", .type = {AM_TYPE_UUID, 0, 0, 0}}};
    am_err_t err = {0};
    lake_table_t *t = lake_table_create(lake, "public", "u", cols, 1, &err);
    cr_assert_not_null(t, "%s", err.msg);
    lake_batch_t *b = lake_batch_new(t);
    const char *u = "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11";
    am_value_t v = {.kind = AM_VALUE_PRESENT, .s = u, .len = 36};
    lake_pos_t pos;
    cr_assert(lake_batch_append(b, &v, &pos, &err), "%s", err.msg);
    lt_commit(b, 10);
    lake_batch_free(b);
    duckdb_database db;
    duckdb_connection con;
    lt_duck(&db, &con);
    char *plan = lt_plan(dir, "u", lake_table_snapshot_id(t));
    char sql[4096];
    snprintf(
        sql, sizeof sql,
        "SELECT u::VARCHAR || ':' || (u > '80000000-0000-0000-0000-000000000000'::UUID)::VARCHAR "
        "FROM %s",
        plan);
    char *got = lt_query_text(con, sql);
    cr_assert_str_eq(got, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11:true");
    free(got);
    free(plan);
    duckdb_disconnect(&con);
    duckdb_close(&db);
    lake_table_close(t);
    lake_close(lake);
    free(dir);
}

static am_value_t text_item(const char *s)
{
    if (!s)
        return (am_value_t){.kind = AM_VALUE_NULL};
    return (am_value_t){.kind = AM_VALUE_PRESENT, .s = s, .len = (uint32_t)strlen(s)};
}

/* Rows of lists through one chunk, twice (the chunk is reset as the appender does). */
Test(lake, values_lists_through_a_data_chunk)
{
    const lake_column_t cols[] = {
        {.name = "s", .type = {AM_TYPE_LIST, 0, 0, AM_TYPE_STRING}},
        {.name = "d", .type = {AM_TYPE_LIST, 8, 2, AM_TYPE_DECIMAL}},
    };
    duckdb_logical_type vc = duckdb_create_logical_type(DUCKDB_TYPE_VARCHAR);
    duckdb_logical_type dc = duckdb_create_decimal_type(8, 2);
    duckdb_logical_type types[2] = {duckdb_create_list_type(vc), duckdb_create_list_type(dc)};
    duckdb_data_chunk chunk = duckdb_create_data_chunk(types, 2);
    am_value_t s1[] = {text_item("a long string past the inline size"), text_item(NULL),
                       text_item("")};
    am_value_t d1[] = {text_item("1.50"), text_item(NULL)};
    am_value_t rows[3][2] = {
        {{.kind = AM_VALUE_PRESENT, .items = s1, .n_items = 3},
         {.kind = AM_VALUE_PRESENT, .items = d1, .n_items = 2}},
        {{.kind = AM_VALUE_PRESENT, .n_items = 0}, {.kind = AM_VALUE_NULL}},
        {{.kind = AM_VALUE_PRESENT, .items = s1 + 2, .n_items = 1},
         {.kind = AM_VALUE_PRESENT, .items = d1, .n_items = 1}},
    };
    am_err_t err = {0};
    am_arena_t *arena = am_arena_new(0);
    for (int round = 0; round < 2; round++) {
        for (idx_t r = 0; r < 3; r++)
            for (idx_t c = 0; c < 2; c++)
                cr_assert(lake__value_put(duckdb_data_chunk_get_vector(chunk, c), &cols[c], r,
                                          &rows[r][c], &err),
                          "%s", err.msg);
        duckdb_data_chunk_set_size(chunk, 3);
        am_value_t out;
        duckdb_vector sv = duckdb_data_chunk_get_vector(chunk, 0);
        duckdb_vector dv = duckdb_data_chunk_get_vector(chunk, 1);
        cr_assert(lake__value_get(sv, &cols[0], 0, arena, &out, &err), "%s", err.msg);
        cr_assert_eq(out.n_items, 3);
        cr_assert(out.items[0].len == 34 && memcmp(out.items[0].s, s1[0].s, 34) == 0);
        cr_assert_eq(out.items[1].kind, AM_VALUE_NULL);
        cr_assert(out.items[2].kind == AM_VALUE_PRESENT && out.items[2].len == 0);
        cr_assert(lake__value_get(dv, &cols[1], 0, arena, &out, &err), "%s", err.msg);
        cr_assert(out.n_items == 2 && out.items[0].len == 4 && !memcmp(out.items[0].s, "1.50", 4));
        cr_assert(lake__value_get(sv, &cols[0], 1, arena, &out, &err), "%s", err.msg);
        cr_assert(out.kind == AM_VALUE_PRESENT && out.n_items == 0, "empty, not NULL");
        cr_assert(lake__value_get(dv, &cols[1], 1, arena, &out, &err), "%s", err.msg);
        cr_assert_eq(out.kind, AM_VALUE_NULL);
        cr_assert(lake__value_get(sv, &cols[0], 2, arena, &out, &err), "%s", err.msg);
        cr_assert(out.n_items == 1 && out.items[0].len == 0);
        duckdb_data_chunk_reset(chunk);
        cr_assert_eq(duckdb_list_vector_get_size(duckdb_data_chunk_get_vector(chunk, 0)), 0,
                     "a reset chunk starts its lists' children over");
    }
    am_value_t nan_item = text_item("NaN");
    am_value_t nan = {.kind = AM_VALUE_PRESENT, .items = &nan_item, .n_items = 1};
    cr_assert_not(lake__value_put(duckdb_data_chunk_get_vector(chunk, 1), &cols[1], 0, &nan, &err));
    cr_assert_str_eq(err.sqlstate, "22003");
    am_arena_free(arena);
    duckdb_destroy_data_chunk(&chunk);
    for (int i = 0; i < 2; i++)
        duckdb_destroy_logical_type(&types[i]);
    duckdb_destroy_logical_type(&vc);
    duckdb_destroy_logical_type(&dc);
}

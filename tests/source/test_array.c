/*
 * tests/source/test_array.c: PostgreSQL array text -> list values (source/array.c): every
 * element as PostgreSQL itself subscripts it (quotes, escapes, NULL, empty strings, braces and
 * delimiters inside elements, box's ';'), element types parsed as scalars, and the shapes the
 * lake cannot hold refused by name (0A000), never flattened or shifted.
 */
#include "source_test.h"

static PGconn *truth_conn(void)
{
    PGconn *c = amt_pg_connect("postgres");
    amt_pg_exec(c, "SET DateStyle = ISO; SET TimeZone = 'UTC'; SET extra_float_digits = 3; "
                   "SET bytea_output = hex; SET IntervalStyle = postgres");
    return c;
}

static am_coltype_t list_of(am_type_t elem)
{
    return (am_coltype_t){.type = AM_TYPE_LIST, .elem = elem};
}

static am_value_t parse_array(am_arena_t *a, am_coltype_t t, char delim, const char *text)
{
    source_column_t col = {.name = "c", .type = t, .elem_delim = delim};
    am_value_t v;
    am_err_t err = {0};
    cr_assert(source_column_parse(&col, text, strlen(text), a, &v, &err), "%s: %s %s", text,
              err.sqlstate, err.msg);
    cr_assert_eq(v.kind, AM_VALUE_PRESENT);
    cr_assert(v.len == strlen(text) && memcmp(v.s, text, v.len) == 0, "the text stays");
    return v;
}

/* expr (a text[]) as PostgreSQL prints it parses to exactly the elements PostgreSQL holds. */
static void check_text_array(PGconn *c, am_arena_t *a, const char *expr)
{
    char *text = amt_pg_value(c, "SELECT (%s)::text", expr);
    char *n = amt_pg_value(c, "SELECT coalesce(cardinality(%s), 0)", expr);
    am_value_t v = parse_array(a, list_of(AM_TYPE_STRING), ',', text);
    cr_assert_eq(v.n_items, (uint32_t)atoi(n), "%s", text);
    for (uint32_t i = 0; i < v.n_items; i++) {
        char *want = amt_pg_value(c, "SELECT (%s)[%u]", expr, i + 1);
        if (!want) {
            cr_assert_eq(v.items[i].kind, AM_VALUE_NULL, "%s element %u", text, i + 1);
            continue;
        }
        cr_assert_str_eq(srct_str(&v.items[i]), want, "%s element %u", text, i + 1);
        free(want);
    }
    free(n);
    free(text);
}

Test(source, array_text_elements_match_postgres)
{
    PGconn *c = truth_conn();
    am_arena_t *a = am_arena_new(0);
    const char *exprs[] = {
        "ARRAY['plain', NULL, '', 'NULL', 'null', 'a b', 'x\"y', E'back\\\\slash', '{}', ',', "
        "'}{', ' lead', E'tab\\there', E'new\\nline', '\u00e9\u4e2d']::text[]",
        "'{}'::text[]",
        "ARRAY[NULL]::text[]",
        "ARRAY['\"']::text[]",
        "ARRAY[E'\\\\\"\\\\']::text[]",
        "ARRAY['NULLx', 'xNULL', 'Null']::text[]",
    };
    for (size_t i = 0; i < AM_ARRAY_LEN(exprs); i++)
        check_text_array(c, a, exprs[i]);
    am_arena_free(a);
    PQfinish(c);
}

Test(source, array_elements_parse_as_their_type)
{
    PGconn *c = truth_conn();
    am_arena_t *a = am_arena_new(0);
    char *text = amt_pg_value(c, "SELECT ARRAY[1, NULL, -2147483648]::int4[]::text");
    am_value_t v = parse_array(a, list_of(AM_TYPE_INT32), ',', text);
    cr_assert(v.n_items == 3 && v.items[0].i == 1 && v.items[1].kind == AM_VALUE_NULL &&
              v.items[2].i == INT32_MIN);
    free(text);
    am_coltype_t d8_2 = {.type = AM_TYPE_LIST, .precision = 8, .scale = 2, .elem = AM_TYPE_DECIMAL};
    text = amt_pg_value(c, "SELECT ARRAY[1.5, NULL, -0.01]::numeric(8,2)[]::text");
    v = parse_array(a, d8_2, ',', text);
    cr_assert(v.n_items == 3 && strcmp(srct_str(&v.items[0]), "1.50") == 0 &&
              strcmp(srct_str(&v.items[2]), "-0.01") == 0);
    free(text);
    text = amt_pg_value(c, "SELECT ARRAY['infinity', '2024-03-01']::date[]::text");
    v = parse_array(a, list_of(AM_TYPE_DATE), ',', text);
    cr_assert(v.n_items == 2 && v.items[0].i == AM_DATE_INFINITY && v.items[1].i == 19783);
    free(text);
    text = amt_pg_value(c, "SELECT ARRAY['\\x00ff'::bytea, '']::bytea[]::text");
    v = parse_array(a, list_of(AM_TYPE_BINARY), ',', text);
    cr_assert(v.n_items == 2 && v.items[0].len == 2 && (uint8_t)v.items[0].s[1] == 0xff &&
                  v.items[1].len == 0,
              "%s", text);
    free(text);
    text = amt_pg_value(c, "SELECT ARRAY['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11']::uuid[]::text");
    v = parse_array(a, list_of(AM_TYPE_UUID), ',', text);
    cr_assert_str_eq(srct_str(&v.items[0]), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    free(text);
    /* box prints with ';' between elements, and ',' inside each */
    text = amt_pg_value(c, "SELECT ARRAY['((0,0),(1,1))', '((2,2),(3,3))']::box[]::text");
    v = parse_array(a, list_of(AM_TYPE_STRING), ';', text);
    cr_assert_eq(v.n_items, 2, "%s", text);
    cr_assert_str_eq(srct_str(&v.items[1]), "(3,3),(2,2)");
    free(text);
    am_arena_free(a);
    PQfinish(c);
}

static void expect_error(am_coltype_t t, const char *text, const char *sqlstate)
{
    am_arena_t *a = am_arena_new(0);
    source_column_t col = {.name = "c", .type = t, .elem_delim = ','};
    am_value_t v;
    am_err_t err = {0};
    cr_assert_not(source_column_parse(&col, text, strlen(text), a, &v, &err), "%s accepted", text);
    cr_assert_str_eq(err.sqlstate, sqlstate, "%s: %s", text, err.msg);
    am_arena_free(a);
}

Test(source, array_shapes_the_lake_cannot_hold_are_refused)
{
    PGconn *c = truth_conn();
    const char *shapes[] = {"'{{1,2},{3,4}}'::int4[]", "'[2:3]={1,2}'::int4[]",
                            "'[0:0]={7}'::int4[]", "'{{{1}},{{2}}}'::int4[]",
                            "array_fill(7, ARRAY[1], ARRAY[1])::int4[]"};
    for (size_t i = 0; i < AM_ARRAY_LEN(shapes); i++) {
        char *text = amt_pg_value(c, "SELECT (%s)::text", shapes[i]);
        am_arena_t *a = am_arena_new(0);
        source_column_t col = {.name = "c", .type = list_of(AM_TYPE_INT32), .elem_delim = ','};
        am_value_t v;
        am_err_t err = {0};
        bool ok = source_column_parse(&col, text, strlen(text), a, &v, &err);
        /* a lower bound of 1 given explicitly prints as a plain array */
        if (strcmp(text, "{7}") == 0) {
            cr_assert(ok && v.n_items == 1 && v.items[0].i == 7, "%s", err.msg);
        } else {
            cr_assert_not(ok, "%s accepted", text);
            cr_assert_str_eq(err.sqlstate, "0A000", "%s", err.msg);
            cr_assert(strstr(err.msg, text) != NULL, "%s", err.msg);
        }
        am_arena_free(a);
        free(text);
    }
    PQfinish(c);
    am_coltype_t d8_2 = {.type = AM_TYPE_LIST, .precision = 8, .scale = 2, .elem = AM_TYPE_DECIMAL};
    expect_error(d8_2, "{1.00,NaN}", "22003");
    const char *bad[] = {"{1,}",  "{,1}", "{1,,2}",   "1,2",   "{1", "{\"1}",
                         "{1\"}", "{1}x", "{\"1\"x}", "{a{b}", "",   "{1 ,2}"};
    for (size_t i = 0; i < AM_ARRAY_LEN(bad); i++)
        expect_error(list_of(AM_TYPE_INT32), bad[i], "22P02");
    expect_error(list_of(AM_TYPE_STRING), "{a\\b}", "22P02");
    expect_error(list_of(AM_TYPE_STRING), "{\"a\\\"}", "22P02");
}

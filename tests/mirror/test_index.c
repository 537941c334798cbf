#include <criterion/criterion.h>
#include <string.h>

#include "mirror/mirror_internal.h"

Test(mirror, pos_pack_round_trips)
{
    lake_pos_t cases[] = {{0, 0}, {1, 1}, {8388607, (INT64_C(1) << 40) - 1}, {42, 123456789}};
    for (size_t i = 0; i < AM_ARRAY_LEN(cases); i++) {
        lake_pos_t back = mirror__pos_unpack(mirror__pos_pack(cases[i]));
        cr_assert_eq(back.file, cases[i].file);
        cr_assert_eq(back.row, cases[i].row);
    }
}

Test(mirror, key_encoding_distinguishes_columns_and_matches_float_widths)
{
    am_buf_t a, b;
    am_buf_init(&a);
    am_buf_init(&b);
    am_coltype_t types[] = {{.type = AM_TYPE_STRING}, {.type = AM_TYPE_STRING}};
    /* ("ab","c") and ("a","bc") must not collide */
    am_value_t v1[] = {{.kind = AM_VALUE_PRESENT, .s = "ab", .len = 2},
                       {.kind = AM_VALUE_PRESENT, .s = "c", .len = 1}};
    am_value_t v2[] = {{.kind = AM_VALUE_PRESENT, .s = "a", .len = 1},
                       {.kind = AM_VALUE_PRESENT, .s = "bc", .len = 2}};
    mirror__key_encode(&a, v1, NULL, 2, types);
    mirror__key_encode(&b, v2, NULL, 2, types);
    cr_assert(a.len != b.len || memcmp(a.data, b.data, a.len) != 0);

    /* a float4 key parsed from text (double 0.1) equals the lake's widened float (0.1f) */
    am_coltype_t ft[] = {{.type = AM_TYPE_FLOAT32}};
    am_value_t f1 = {.kind = AM_VALUE_PRESENT, .f = 0.1};
    am_value_t f2 = {.kind = AM_VALUE_PRESENT, .f = (double)0.1f};
    mirror__key_encode(&a, &f1, NULL, 1, ft);
    mirror__key_encode(&b, &f2, NULL, 1, ft);
    cr_assert_eq(a.len, b.len);
    cr_assert(memcmp(a.data, b.data, a.len) == 0);

    /* cols picks and orders the key columns out of a full row */
    am_value_t row[] = {{.kind = AM_VALUE_PRESENT, .i = 7}, {.kind = AM_VALUE_PRESENT, .i = 9}};
    size_t cols[] = {1};
    am_coltype_t it[] = {{.type = AM_TYPE_INT64}};
    am_value_t only = {.kind = AM_VALUE_PRESENT, .i = 9};
    mirror__key_encode(&a, row, cols, 1, it);
    mirror__key_encode(&b, &only, NULL, 1, it);
    cr_assert(a.len == b.len && memcmp(a.data, b.data, a.len) == 0);
    am_buf_destroy(&a);
    am_buf_destroy(&b);
}

Test(mirror, key_encoding_of_lists_keeps_element_boundaries_and_nulls)
{
    am_buf_t a, b;
    am_buf_init(&a);
    am_buf_init(&b);
    am_coltype_t lt[] = {{.type = AM_TYPE_LIST, .elem = AM_TYPE_STRING}};
    /* {ab,c} and {a,bc}, {a,NULL} and {a}: all different keys */
    am_value_t i1[] = {{.kind = AM_VALUE_PRESENT, .s = "ab", .len = 2},
                       {.kind = AM_VALUE_PRESENT, .s = "c", .len = 1}};
    am_value_t i2[] = {{.kind = AM_VALUE_PRESENT, .s = "a", .len = 1},
                       {.kind = AM_VALUE_PRESENT, .s = "bc", .len = 2}};
    am_value_t i3[] = {{.kind = AM_VALUE_PRESENT, .s = "a", .len = 1}, {.kind = AM_VALUE_NULL}};
    am_value_t l1 = {.kind = AM_VALUE_PRESENT, .items = i1, .n_items = 2};
    am_value_t l2 = {.kind = AM_VALUE_PRESENT, .items = i2, .n_items = 2};
    am_value_t l3 = {.kind = AM_VALUE_PRESENT, .items = i3, .n_items = 2};
    am_value_t l4 = {.kind = AM_VALUE_PRESENT, .items = i3, .n_items = 1};
    const am_value_t *all[] = {&l1, &l2, &l3, &l4};
    for (size_t x = 0; x < 4; x++)
        for (size_t y = x + 1; y < 4; y++) {
            mirror__key_encode(&a, all[x], NULL, 1, lt);
            mirror__key_encode(&b, all[y], NULL, 1, lt);
            cr_assert(a.len != b.len || memcmp(a.data, b.data, a.len) != 0, "%zu vs %zu", x, y);
        }
    /* the same list from the stream (text kept in s) and from the lake (no text) is one key */
    am_value_t from_stream = l1;
    from_stream.s = "{ab,c}";
    from_stream.len = 6;
    mirror__key_encode(&a, &from_stream, NULL, 1, lt);
    mirror__key_encode(&b, &l1, NULL, 1, lt);
    cr_assert(a.len == b.len && memcmp(a.data, b.data, a.len) == 0);
    am_buf_destroy(&a);
    am_buf_destroy(&b);
}

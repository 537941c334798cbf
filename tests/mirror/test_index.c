/*
 * tests/mirror/test_index.c: the identity index: positions packed, keys encoded so the stream
 * and the lake's scan meet, and positions remapped when the lake moves rows (compaction,
 * renumbered file ids).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "mirror/mirror_internal.h"
#include "../lake/lake_test.h"

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

/* ---- the index follows the lake's row positions ------------------------------------------- */

static void key_set(mirror_table_t *t, const char *key)
{
    am_buf_reset(&t->key_buf);
    am_buf_append(&t->key_buf, key, strlen(key));
}

static void put(mirror_table_t *t, const char *key, int32_t file, int64_t row)
{
    key_set(t, key);
    mirror__index_put(t, (lake_pos_t){file, row});
}

static void expect_take(mirror_table_t *t, const char *key, int32_t file, int64_t row)
{
    key_set(t, key);
    lake_pos_t pos;
    cr_assert(mirror__index_take(t, &pos), "key %s", key);
    cr_assert(pos.file == file && pos.row == row, "key %s at %d/%lld, expected %d/%lld", key,
              pos.file, (long long)pos.row, file, (long long)row);
}

/* Three one-row files, a truncate, then two rows in file 3: a renumbering makes it file 0. */
static lake_table_t *renumbered_table(lake_t **lake, char **dir)
{
    *lake = lt_lake_open("index_remap", dir);
    lake_table_t *lt = lt_create(*lake, "orders");
    lake_batch_t *b = lake_batch_new(lt);
    for (int i = 0; i < 3; i++) {
        lt_append(b, i, i + 1, NULL);
        lt_commit(b, (am_lsn_t)i + 1);
    }
    lake_batch_truncate(b);
    lt_append(b, 10, 12, NULL);
    lt_commit(b, 9);
    lake_batch_free(b);
    return lt;
}

Test(mirror, index_remap_follows_renumbered_files_and_flags_lost_rows)
{
    lake_t *lake;
    char *dir;
    lake_table_t *lt = renumbered_table(&lake, &dir);
    mirror_table_t t = {.schema = "public", .name = "orders", .pk = mirror__pk_new(true)};
    am_buf_init(&t.key_buf);
    put(&t, "a", 3, 0);
    put(&t, "b", 3, 1);
    put(&t, "c", 3, 1); /* a key naming two rows: a duplicate list */
    put(&t, "c", 3, 0);
    lake_remap_t *remap = lake_table_renumber(lt);
    am_err_t err = {0};
    cr_assert(mirror__index_remap(&t, remap, &err), "%s", err.msg);
    expect_take(&t, "a", 0, 0);
    expect_take(&t, "b", 0, 1);
    expect_take(&t, "c", 0, 1); /* oldest first, as before */
    expect_take(&t, "c", 0, 0);
    lake_remap_free(remap);

    /* a key naming a row the lake removed: the index and the lake disagree */
    put(&t, "x", 0, 0);
    put(&t, "gone", 5, 0);
    remap = lake_table_renumber(lt);
    cr_assert_not(mirror__index_remap(&t, remap, &err));
    cr_assert_str_eq(err.sqlstate, "XX000");
    cr_assert(strstr(err.msg, "public.orders") && strstr(err.msg, "1 rows"), "%s", err.msg);
    lake_remap_free(remap);
    mirror__pk_free(t.pk);
    am_buf_destroy(&t.key_buf);
    lake_table_close(lt);
    lake_close(lake);
    free(dir);
}

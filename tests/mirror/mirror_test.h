/*
 * tests/mirror/mirror_test.h: what the mirror's table-level tests share (header-only: the test
 * build compiles only tests/<module>/test_*.c): the table "m" whose stream order differs from
 * its lake order, rows of it, and a mirror_table_t bound to a lake table.
 */
#ifndef AM_MIRROR_TEST_H
#define AM_MIRROR_TEST_H

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "mirror/mirror_internal.h"

#define MT_UNUSED __attribute__((unused))

/* The stream sends columns in PostgreSQL's order; here it differs from the lake's on purpose:
 * attnums 1 name, 2 id, 3 amount, 4 ts; the lake holds id, name, ts, amount (lt_cols). */
static MT_UNUSED source_column_t rel_cols[] = {
    {.name = "name", .type = {.type = AM_TYPE_STRING}},
    {.name = "id", .type = {.type = AM_TYPE_INT64}, .is_key = true},
    {.name = "amount", .type = {.type = AM_TYPE_DECIMAL, .precision = 12, .scale = 2}},
    {.name = "ts", .type = {.type = AM_TYPE_TIMESTAMPTZ}},
};
static MT_UNUSED source_relation_t m_rel = {.relid = 4242,
                                            .schema = "public",
                                            .name = "m",
                                            .replident = 'd',
                                            .cols = rel_cols,
                                            .n_cols = 4};
static MT_UNUSED const int16_t m_attnums[] = {1, 2, 3, 4};

static MT_UNUSED void set_row(am_value_t v[4], int64_t id, const char *name, const char *amount)
{
    memset(v, 0, 4 * sizeof *v);
    if (name)
        v[0] = (am_value_t){.kind = AM_VALUE_PRESENT, .s = name, .len = (uint32_t)strlen(name)};
    else
        v[0].kind = AM_VALUE_UNCHANGED;
    v[1] = (am_value_t){.kind = AM_VALUE_PRESENT, .i = id};
    v[2] = (am_value_t){.kind = AM_VALUE_PRESENT, .s = amount, .len = (uint32_t)strlen(amount)};
    v[3] = (am_value_t){.kind = AM_VALUE_PRESENT, .i = INT64_C(1700000000000000) + id};
}

/* A rec: attnums 1..n named names[i], lake fields fields[i], identity key[]. */
static MT_UNUSED void make_rec(mirror_table_t *t, const char *const *names, const int32_t *fields,
                               size_t n, const int16_t *key, size_t n_key, char replident)
{
    source_table_state_t st = {.relid = 4242,
                               .schema = "public",
                               .name = "m",
                               .relkind = 'r',
                               .replident = replident,
                               .key = (int16_t *)key,
                               .n_key = n_key};
    source_attr_t *attrs = calloc(n, sizeof *attrs);
    for (size_t i = 0; i < n; i++)
        attrs[i] = (source_attr_t){.attnum = (int16_t)(i + 1), .name = (char *)names[i]};
    st.attrs = attrs;
    st.n_attrs = n;
    mirror__rec_from_state(&t->rec, &st, fields, n);
    t->has_rec = true;
    free(attrs);
}

static MT_UNUSED void setup_table(mirror_table_t *t, lake_table_t *lt)
{
    memset(t, 0, sizeof *t);
    t->schema = strdup("public");
    t->name = strdup("m");
    static const char *const names[] = {"name", "id", "amount", "ts"};
    static const int32_t fields[] = {2, 1, 4, 3}; /* lt_cols: id 1, name 2, ts 3, amount 4 */
    static const int16_t key[] = {2};
    make_rec(t, names, fields, 4, key, 1, 'd');
    am_err_t err = {0};
    cr_assert(mirror__table_setup(t, lt, &err), "%s", err.msg);
    cr_assert(mirror__table_bind(t, &m_rel, m_attnums, 0, &err), "%s", err.msg);
}

#endif

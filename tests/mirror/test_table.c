/*
 * Applying changes to one mirrored table: column mapping from the stream's relation order,
 * updates that carry unchanged TOAST values (from a row of the same batch and from a committed
 * Parquet file), deletes, truncate, and the primary-key index rebuilt from the lake. Real lake
 * on a temp directory, checked through lake_read_plan in a private DuckDB.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "../lake/lake_test.h"
#include "mirror/mirror_internal.h"

/* The stream sends columns in PostgreSQL's order; here it differs from the lake's on purpose. */
static source_column_t rel_cols[] = {
    {.name = "name", .type = {.type = AM_TYPE_STRING}},
    {.name = "id", .type = {.type = AM_TYPE_INT64}, .is_key = true},
    {.name = "amount", .type = {.type = AM_TYPE_DECIMAL, .precision = 12, .scale = 2}},
    {.name = "ts", .type = {.type = AM_TYPE_TIMESTAMPTZ}},
};
static source_relation_t rel = {.relid = 4242,
                                .schema = "public",
                                .name = "m",
                                .replident = 'd',
                                .cols = rel_cols,
                                .n_cols = 4};

static void set_row(am_value_t v[4], int64_t id, const char *name, const char *amount)
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

static void setup_table(mirror_table_t *t, lake_table_t *lt)
{
    memset(t, 0, sizeof *t);
    t->schema = strdup("public");
    t->name = strdup("m");
    am_err_t err = {0};
    cr_assert(mirror__table_setup(t, lt, &err), "%s", err.msg);
    cr_assert(mirror__table_bind_relation(t, &rel, &err), "%s", err.msg);
}

static char *rows_text(const char *dir, lake_table_t *lt)
{
    duckdb_database db;
    duckdb_connection con;
    lt_duck(&db, &con);
    char *plan = lt_plan(dir, "m", lake_table_snapshot_id(lt));
    char *sql = NULL;
    cr_assert(asprintf(&sql,
                       "SELECT coalesce(string_agg(id || ':' || name || ':' || amount, ',' "
                       "ORDER BY id), '') FROM %s",
                       plan) > 0);
    char *out = lt_query_text(con, sql);
    free(sql);
    free(plan);
    duckdb_disconnect(&con);
    duckdb_close(&db);
    return out;
}

Test(mirror, table_applies_changes_and_keeps_unchanged_toast_values)
{
    char *dir;
    lake_t *lake = lt_lake_open("mirror-table", &dir);
    mirror_table_t t;
    setup_table(&t, lt_create(lake, "m"));
    am_err_t err = {0};
    am_value_t v[4], old[4];
    const char *names[] = {"", "one", "two", "three", "four", "five"};
    for (int64_t i = 1; i <= 5; i++) {
        set_row(v, i, names[i], "1.00");
        cr_assert(mirror__table_insert(&t, v, true, &err), "%s", err.msg);
    }
    set_row(v, 2, NULL, "2.50"); /* name unchanged: from the row appended in this batch */
    cr_assert(mirror__table_update(&t, NULL, v, &err), "%s", err.msg);
    set_row(old, 3, "three", "1.00");
    cr_assert(mirror__table_delete(&t, old, &err), "%s", err.msg);
    cr_assert(mirror__table_commit(&t, 100, &err), "%s", err.msg);
    cr_assert_eq(t.lake_lsn, 100);

    set_row(v, 4, NULL, "4.75"); /* name unchanged: from the committed Parquet file */
    cr_assert(mirror__table_update(&t, NULL, v, &err), "%s", err.msg);
    set_row(old, 5, "five", "1.00"); /* key change 5 -> 6 comes with the old key */
    set_row(v, 6, "six", "6.00");
    cr_assert(mirror__table_update(&t, old, v, &err), "%s", err.msg);
    cr_assert(mirror__table_commit(&t, 200, &err), "%s", err.msg);

    char *got = rows_text(dir, t.lt);
    cr_assert_str_eq(got, "1:one:1.00,2:two:2.50,4:four:4.75,6:six:6.00");
    free(got);
    mirror__table_destroy(&t);

    /* after a restart the index comes back from the lake and deletes still find their rows */
    setup_table(&t, lt_open(lake, "m"));
    cr_assert(mirror__index_rebuild(&t, &err), "%s", err.msg);
    cr_assert_eq(am_map_count(t.index), 4);
    cr_assert_eq(t.lake_lsn, 200);
    set_row(old, 2, "two", "2.50");
    cr_assert(mirror__table_delete(&t, old, &err), "%s", err.msg);
    cr_assert(mirror__table_commit(&t, 300, &err), "%s", err.msg);
    got = rows_text(dir, t.lt);
    cr_assert_str_eq(got, "1:one:1.00,4:four:4.75,6:six:6.00");
    free(got);

    mirror__table_truncate(&t);
    set_row(v, 9, "nine", "9.00");
    cr_assert(mirror__table_insert(&t, v, true, &err), "%s", err.msg);
    cr_assert(mirror__table_commit(&t, 400, &err), "%s", err.msg);
    got = rows_text(dir, t.lt);
    cr_assert_str_eq(got, "9:nine:9.00");
    free(got);
    mirror__table_destroy(&t);
    lake_close(lake);
    free(dir);
}

Test(mirror, table_refuses_a_changed_schema_naming_the_column)
{
    char *dir;
    lake_t *lake = lt_lake_open("mirror-schema", &dir);
    mirror_table_t t;
    setup_table(&t, lt_create(lake, "m"));
    source_column_t cols[5];
    memcpy(cols, rel_cols, sizeof rel_cols);
    cols[4] = (source_column_t){.name = "added", .type = {.type = AM_TYPE_INT32}};
    source_relation_t wider = rel;
    wider.cols = cols;
    wider.n_cols = 5;
    am_err_t err = {0};
    cr_assert_not(mirror__table_bind_relation(&t, &wider, &err));
    cr_assert_str_eq(err.sqlstate, "0A000");
    cr_assert(strstr(err.msg, "\"added\"") != NULL, "%s", err.msg);
    mirror__table_destroy(&t);
    lake_close(lake);
    free(dir);
}

/*
 * tests/lake/test_parquet.c: the data files' row groups: narrow rows come in groups of 16,384,
 * wide rows (TOAST-sized text) in smaller ones, so one group's column stays a few MB in the
 * writer and a read by position decodes little; never below DuckDB's 2,048.
 */
#include "lake_test.h"

#include "lake/lake_internal.h"

Test(lake, row_groups_shrink_for_wide_rows)
{
    cr_assert_eq(lake__pq_group_rows(0, 0), LAKE_ROW_GROUP_N);
    cr_assert_eq(lake__pq_group_rows(10 * 1000, 1000), LAKE_ROW_GROUP_N);
    cr_assert_eq(lake__pq_group_rows(INT64_C(6400) * 1000, 1000), LAKE_ROW_GROUP_MIN);
    cr_assert_eq(lake__pq_group_rows(INT64_C(1) << 40, 1), LAKE_ROW_GROUP_MIN);
    int64_t g = lake__pq_group_rows(INT64_C(1500) * 1000, 1000);
    cr_assert(g % LAKE_ROW_GROUP_MIN == 0 && g > LAKE_ROW_GROUP_MIN && g < LAKE_ROW_GROUP_N, "%lld",
              (long long)g);
}

Test(lake, a_file_of_wide_rows_has_small_row_groups)
{
    char *dir;
    lake_t *lake = lt_lake_open("wide_rows", &dir);
    lake_table_t *t = lt_create(lake, "orders");
    lake_batch_t *b = lake_batch_new(t);
    char *wide = malloc(6000);
    memset(wide, 'w', 6000);
    am_err_t err = {0};
    for (int64_t i = 0; i < 5000; i++) {
        am_value_t v[LT_NCOLS] = {
            {.kind = AM_VALUE_PRESENT, .i = i},
            {.kind = AM_VALUE_PRESENT, .s = wide, .len = 6000},
        };
        lake_pos_t pos;
        cr_assert(lake_batch_append(b, v, &pos, &err), "%s", err.msg);
    }
    lt_commit(b, 1);
    lake_batch_free(b);
    duckdb_database db;
    duckdb_connection con;
    lt_duck(&db, &con);
    const char *uri = lake_table_data_file(t, 0);
    cr_assert_not_null(uri);
    char sql[1024];
    snprintf(sql, sizeof sql,
             "SELECT max(row_group_num_rows) FROM parquet_metadata('%s') WHERE path_in_schema = "
             "'name'",
             uri + strlen("file://"));
    cr_assert_eq(lt_query_int(con, sql), LAKE_ROW_GROUP_MIN);
    duckdb_disconnect(&con);
    duckdb_close(&db);
    free(wide);
    lake_table_close(t);
    lake_close(lake);
    free(dir);
}

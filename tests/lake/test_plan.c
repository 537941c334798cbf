/*
 * tests/lake/test_plan.c: the read side checked against independent readers. lake_read_plan's
 * SQL run in a fresh DuckDB returns exactly the live rows at any snapshot; icebird (Node)
 * reads the table directory to the same rows and values; python3-avro parses every manifest
 * and manifest list the commits wrote and finds a field id on every field; the Parquet files
 * carry Iceberg field ids and delete files their reserved ids, sorted.
 */
#include "lake_test.h"

#include <dirent.h>
#include <jansson.h>

static void exec_ok(duckdb_connection con, const char *sql)
{
    free(lt_query_text(con, sql));
}

/* A table of rows 0..59 minus deletes of every 7th row, committed in three snapshots. */
static lake_table_t *build_table(lake_t *lake, int64_t snaps[3])
{
    lake_table_t *t = lt_create(lake, "orders");
    lake_batch_t *b = lake_batch_new(t);
    lake_pos_t pos[60];
    lt_append(b, 0, 40, pos);
    lt_commit(b, 0x100);
    snaps[0] = lake_table_snapshot_id(t);
    lt_append(b, 40, 60, pos + 40);
    lt_commit(b, 0x200);
    snaps[1] = lake_table_snapshot_id(t);
    am_err_t err = {0};
    for (int i = 0; i < 60; i += 7)
        cr_assert(lake_batch_delete(b, pos[i], &err), "%s", err.msg);
    lt_commit(b, 0x300);
    snaps[2] = lake_table_snapshot_id(t);
    lake_batch_free(b);
    return t;
}

static long long count_at(duckdb_connection con, const char *dir, int64_t snap, const char *where)
{
    char *plan = lt_plan(dir, "orders", snap);
    char *sql = NULL;
    cr_assert(asprintf(&sql, "SELECT count(*) FROM %s p %s", plan, where) > 0);
    long long n = lt_query_int(con, sql);
    free(sql);
    free(plan);
    return n;
}

Test(lake, read_plan_returns_live_rows_at_each_snapshot)
{
    char *dir;
    lake_t *lake = lt_lake_open("plan_rows", &dir);
    int64_t snaps[3];
    lake_table_t *t = build_table(lake, snaps);
    duckdb_database db;
    duckdb_connection con;
    lt_duck(&db, &con);
    cr_assert_eq(count_at(con, dir, snaps[0], ""), 40);
    cr_assert_eq(count_at(con, dir, snaps[1], ""), 60);
    cr_assert_eq(count_at(con, dir, snaps[2], ""), 60 - 9);
    cr_assert_eq(count_at(con, dir, snaps[2], "WHERE id % 7 = 0"), 0);
    cr_assert_eq(count_at(con, dir, -1, ""), 0);
    /* values: the row with id 12 exactly as appended */
    char *plan = lt_plan(dir, "orders", snaps[2]);
    char *sql = NULL;
    cr_assert(asprintf(&sql,
                       "SELECT name || '|' || epoch_us(ts) || '|' || amount::VARCHAR || '|' || "
                       "coalesce(CAST((SELECT amount FROM %s q WHERE id = 13) AS VARCHAR), 'null')"
                       " FROM %s p WHERE id = 12",
                       plan, plan) > 0);
    char *v = lt_query_text(con, sql);
    cr_assert_str_eq(v, "name-12|1700000000000012|12.50|null");
    free(v);
    free(sql);
    /* the plan's columns carry the table's types */
    cr_assert(asprintf(&sql, "CREATE VIEW v AS SELECT * FROM %s p", plan) > 0);
    exec_ok(con, sql);
    free(sql);
    v = lt_query_text(con, "SELECT string_agg(column_name || ' ' || data_type, ', ' ORDER BY "
                           "ordinal_position) FROM information_schema.columns WHERE "
                           "table_name = 'v'");
    cr_assert_str_eq(v, "id BIGINT, name VARCHAR, ts TIMESTAMP WITH TIME ZONE, amount "
                        "DECIMAL(12,2)");
    free(v);
    free(plan);
    /* truncate: the plan is typed and empty */
    lake_batch_t *b = lake_batch_new(t);
    lake_batch_truncate(b);
    lt_commit(b, 0x400);
    lake_batch_free(b);
    cr_assert_eq(count_at(con, dir, lake_table_snapshot_id(t), ""), 0);
    cr_assert_eq(count_at(con, dir, snaps[1], ""), 60, "old snapshots still read");
    am_buf_t empty;
    am_buf_init(&empty);
    am_err_t err = {0};
    cr_assert(lake_read_plan(dir, "public", "orders", lake_table_snapshot_id(t), &empty, &err));
    cr_assert(strstr(empty.data, "WHERE false") != NULL, "%s", empty.data);
    am_buf_destroy(&empty);
    cr_assert_not(lake_read_plan(dir, "public", "orders", 12345, &empty, &err));
    cr_assert_not(lake_read_plan(dir, "public", "missing", -1, &empty, &err));
    cr_assert_str_eq(err.sqlstate, "42P01");
    duckdb_disconnect(&con);
    duckdb_close(&db);
    lake_table_close(t);
    lake_close(lake);
    free(dir);
}

Test(lake, icebird_reads_the_same_rows)
{
    char *dir;
    lake_t *lake = lt_lake_open("icebird", &dir);
    int64_t snaps[3];
    lake_table_t *t = build_table(lake, snaps);
    char out[600];
    snprintf(out, sizeof out, "%s/icebird.json", dir);
    int rc = amt_system("node %s/tests/lake/icebird_read.mjs %s/public/orders > %s", amt_root(),
                        dir, out);
    cr_assert_eq(rc, 0, "icebird failed to read the table");
    json_error_t jerr;
    json_t *j = json_load_file(out, 0, &jerr);
    cr_assert_not_null(j, "%s", jerr.text);
    cr_assert_eq(json_integer_value(json_object_get(j, "rows")), 60 - 9);
    json_t *data = json_object_get(j, "data");
    size_t k = 0;
    for (int i = 0; i < 60; i++) {
        if (i % 7 == 0)
            continue;
        json_t *row = json_array_get(data, k++);
        char want[32];
        snprintf(want, sizeof want, "%d", i);
        cr_assert_str_eq(json_string_value(json_object_get(row, "id")), want);
        snprintf(want, sizeof want, "name-%d", i);
        cr_assert_str_eq(json_string_value(json_object_get(row, "name")), want);
        json_t *amount = json_object_get(row, "amount");
        if (i % 10 == 3)
            cr_assert(json_is_null(amount), "row %d", i);
        else
            cr_assert_float_eq(json_number_value(amount), i + 0.5, 1e-9, "row %d", i);
        cr_assert_str_eq(json_string_value(json_object_get(row, "ts")), "2023-11-14T22:13:20.000Z");
    }
    json_decref(j);
    lake_table_close(t);
    lake_close(lake);
    free(dir);
}

/* Every field in a dump's ids map has an id (none is null). */
static void all_ids_present(json_t *dump, const char *file)
{
    const char *path;
    json_t *id;
    int n = 0;
    json_object_foreach(json_object_get(dump, "ids"), path, id)
    {
        cr_assert(json_is_integer(id), "%s: %s has no field id", file, path);
        n++;
    }
    cr_assert_gt(n, 10, "%s", file);
}

Test(lake, python_avro_reads_every_manifest_of_a_table)
{
    char *dir;
    lake_t *lake = lt_lake_open("py_table", &dir);
    int64_t snaps[3];
    lake_table_t *t = build_table(lake, snaps);
    char meta[600];
    snprintf(meta, sizeof meta, "%s/public/orders/metadata", dir);
    DIR *d = opendir(meta);
    cr_assert_not_null(d);
    struct dirent *e;
    int lists = 0, manifests = 0;
    while ((e = readdir(d)) != NULL) {
        if (!strstr(e->d_name, ".avro"))
            continue;
        char out[700];
        snprintf(out, sizeof out, "%s/%s.json", dir, e->d_name);
        int rc = amt_system("/usr/bin/python3 %s/tests/lake/avro_dump.py %s/%s > %s", amt_root(),
                            meta, e->d_name, out);
        cr_assert_eq(rc, 0, "python3-avro could not read %s", e->d_name);
        json_error_t jerr;
        json_t *j = json_load_file(out, 0, &jerr);
        cr_assert_not_null(j, "%s", jerr.text);
        all_ids_present(j, e->d_name);
        json_t *m = json_object_get(j, "meta");
        if (strncmp(e->d_name, "snap-", 5) == 0) {
            lists++;
            cr_assert_not_null(json_object_get(m, "parent-snapshot-id"));
            cr_assert_not_null(json_object_get(m, "sequence-number"));
        } else {
            manifests++;
            const char *keys[] = {"schema",         "schema-id",
                                  "partition-spec", "partition-spec-id",
                                  "format-version", "content"};
            for (size_t i = 0; i < AM_ARRAY_LEN(keys); i++)
                cr_assert_not_null(json_object_get(m, keys[i]), "%s: %s", e->d_name, keys[i]);
        }
        json_decref(j);
    }
    closedir(d);
    cr_assert_eq(lists, 3);
    cr_assert_eq(manifests, 3, "two data manifests and one delete manifest");
    lake_table_close(t);
    lake_close(lake);
    free(dir);
}

Test(lake, parquet_files_carry_field_ids)
{
    char *dir;
    lake_t *lake = lt_lake_open("pq_ids", &dir);
    int64_t snaps[3];
    lake_table_t *t = build_table(lake, snaps);
    duckdb_database db;
    duckdb_connection con;
    lt_duck(&db, &con);
    char sql[1200];
    snprintf(sql, sizeof sql,
             "SELECT string_agg(name || '=' || field_id, ',' ORDER BY name) FROM "
             "parquet_schema('%s/public/orders/data/*-deletes.parquet') WHERE field_id IS NOT "
             "NULL",
             dir);
    char *v = lt_query_text(con, sql);
    cr_assert_str_eq(v, "file_path=2147483546,pos=2147483545");
    free(v);
    snprintf(sql, sizeof sql,
             "SELECT count(DISTINCT file_name) || ':' || string_agg(DISTINCT name || '=' || "
             "field_id, ',' ORDER BY name || '=' || field_id) FROM parquet_schema(["
             "'%s/public/orders/data/*.parquet']) WHERE field_id IS NOT NULL AND file_name NOT "
             "LIKE '%%-deletes.parquet'",
             dir);
    v = lt_query_text(con, sql);
    cr_assert_str_eq(v, "2:amount=4,id=1,name=2,ts=3");
    free(v);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FILTER (WHERE pf > file_path OR (pf = file_path AND pp >= pos)) "
             "|| '/' || count(*) FROM (SELECT file_path, pos, lag(file_path) OVER w AS pf, "
             "lag(pos) OVER w AS pp FROM read_parquet('%s/public/orders/data/*-deletes.parquet', "
             "file_row_number = true) WINDOW w AS (ORDER BY file_row_number))",
             dir);
    v = lt_query_text(con, sql);
    cr_assert_str_eq(v, "0/9", "delete rows are sorted by file_path, pos");
    free(v);
    duckdb_disconnect(&con);
    duckdb_close(&db);
    lake_table_close(t);
    lake_close(lake);
    free(dir);
}

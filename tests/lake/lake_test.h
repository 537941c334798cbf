/*
 * tests/lake/lake_test.h: helpers the lake tests share (header-only: the test build compiles
 * only tests/<module>/test_*.c). A temp warehouse per test, the standard test table, and a
 * private DuckDB for checking what the lake wrote.
 */
#ifndef AM_LAKE_TEST_H
#define AM_LAKE_TEST_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <duckdb.h>

#include "lake/lake.h"
#include "../support/testlib.h"

#define LT_UNUSED __attribute__((unused))

/* id BIGINT key, name VARCHAR, ts TIMESTAMPTZ, amount DECIMAL(12,2): the brief's table. */
static const lake_column_t lt_cols[] = {
    {.name = "id", .type = {.type = AM_TYPE_INT64}, .required = true, .is_key = true},
    {.name = "name", .type = {.type = AM_TYPE_STRING}},
    {.name = "ts", .type = {.type = AM_TYPE_TIMESTAMPTZ}},
    {.name = "amount", .type = {.type = AM_TYPE_DECIMAL, .precision = 12, .scale = 2}},
};
#define LT_NCOLS 4

static LT_UNUSED lake_t *lt_lake_open(const char *test, char **dir_out)
{
    char *dir = amt_tmpdir(test);
    am_err_t err = {0};
    lake_t *lake = lake_open(dir, &err);
    cr_assert_not_null(lake, "lake_open: %s", err.msg);
    *dir_out = dir;
    return lake;
}

static LT_UNUSED lake_table_t *lt_create(lake_t *lake, const char *name)
{
    am_err_t err = {0};
    lake_table_t *t = lake_table_create(lake, "public", name, lt_cols, LT_NCOLS, &err);
    cr_assert_not_null(t, "lake_table_create: %s", err.msg);
    return t;
}

static LT_UNUSED lake_table_t *lt_open(lake_t *lake, const char *name)
{
    am_err_t err = {0};
    lake_table_t *t = lake_table_open(lake, "public", name, &err);
    cr_assert_not_null(t, "lake_table_open: %s", err.msg);
    return t;
}

/* Row i of the standard table: id i, name "name-i", ts 1.7e15 + i, amount "i.50" (NULL when
 * i % 10 == 3). name_buf must outlive the append. */
static LT_UNUSED void lt_row(int64_t i, char *name_buf, size_t len, char *amt_buf, size_t alen,
                             am_value_t v[LT_NCOLS])
{
    memset(v, 0, LT_NCOLS * sizeof *v);
    int n = snprintf(name_buf, len, "name-%lld", (long long)i);
    int a = snprintf(amt_buf, alen, "%lld.50", (long long)i);
    v[0] = (am_value_t){.kind = AM_VALUE_PRESENT, .i = i};
    v[1] = (am_value_t){.kind = AM_VALUE_PRESENT, .s = name_buf, .len = (uint32_t)n};
    v[2] = (am_value_t){.kind = AM_VALUE_PRESENT, .i = INT64_C(1700000000000000) + i};
    v[3] = (am_value_t){
        .kind = i % 10 == 3 ? AM_VALUE_NULL : AM_VALUE_PRESENT, .s = amt_buf, .len = (uint32_t)a};
}

/* Appends rows [from, to) and records each position in pos[i - from] (pos may be NULL). */
static LT_UNUSED void lt_append(lake_batch_t *b, int64_t from, int64_t to, lake_pos_t *pos)
{
    for (int64_t i = from; i < to; i++) {
        char name[32], amt[32];
        am_value_t v[LT_NCOLS];
        lt_row(i, name, sizeof name, amt, sizeof amt, v);
        lake_pos_t p;
        am_err_t err = {0};
        cr_assert(lake_batch_append(b, v, &p, &err), "append %lld: %s", (long long)i, err.msg);
        if (pos)
            pos[i - from] = p;
    }
}

static LT_UNUSED void lt_commit(lake_batch_t *b, am_lsn_t lsn)
{
    am_err_t err = {0};
    cr_assert(lake_batch_commit(b, lsn, &err), "commit: %s", err.msg);
}

/* A private DuckDB to check files with; the caller disconnects and closes. */
static LT_UNUSED void lt_duck(duckdb_database *db, duckdb_connection *con)
{
    cr_assert_eq(duckdb_open(NULL, db), DuckDBSuccess);
    cr_assert_eq(duckdb_connect(*db, con), DuckDBSuccess);
}

/* First column of the first row as text (caller frees; "NULL" for SQL NULL). */
static LT_UNUSED char *lt_query_text(duckdb_connection con, const char *sql)
{
    duckdb_result res;
    if (duckdb_query(con, sql, &res) == DuckDBError) {
        char *msg = strdup(duckdb_result_error(&res));
        duckdb_destroy_result(&res);
        cr_assert_fail("duckdb: %s\n  %s", msg, sql);
    }
    char *v = NULL;
    if (duckdb_row_count(&res) > 0)
        v = duckdb_value_varchar(&res, 0, 0);
    char *out = strdup(v ? v : "NULL");
    duckdb_free(v);
    duckdb_destroy_result(&res);
    return out;
}

static LT_UNUSED long long lt_query_int(duckdb_connection con, const char *sql)
{
    char *s = lt_query_text(con, sql);
    long long v = atoll(s);
    free(s);
    return v;
}

/* lake_read_plan at the table's current snapshot, wrapped as "(<plan>)" for FROM clauses. */
static LT_UNUSED char *lt_plan(const char *warehouse, const char *name, int64_t snapshot_id)
{
    am_buf_t sql;
    am_buf_init(&sql);
    am_err_t err = {0};
    cr_assert(lake_read_plan(warehouse, "public", name, snapshot_id, &sql, &err), "plan: %s",
              err.msg);
    char *out = NULL;
    cr_assert(asprintf(&out, "(%s)", sql.data) > 0);
    am_buf_destroy(&sql);
    return out;
}

#ifdef AM_LAKE_INTERNAL_H
#include <dirent.h>
#include <jansson.h>

/* Adds every file a snapshot reaches (manifest list, manifests, live files) to set. */
static LT_UNUSED void lt_snapshot_files(const char *ml, am_map_t *set)
{
    lake__state_t st;
    am_err_t err = {0};
    cr_assert(lake__state_load(ml, &st, &err), "%s", err.msg);
    am_map_put(set, ml, strlen(ml), 1);
    for (size_t i = 0; i < st.n_mrefs; i++)
        am_map_put(set, st.mrefs[i].path, strlen(st.mrefs[i].path), 1);
    for (size_t i = 0; i < st.n_data; i++)
        am_map_put(set, st.data[i].path, strlen(st.data[i].path), 1);
    for (size_t i = 0; i < st.n_dels; i++)
        am_map_put(set, st.dels[i].path, strlen(st.dels[i].path), 1);
    lake__state_destroy(&st);
}

/* No failed commit left a file behind: everything in data/ and every .avro in metadata/ is
 * reached from some snapshot, and no temp file remains. */
static LT_UNUSED void lt_expect_no_orphans(const char *warehouse, const char *name)
{
    char table[512];
    snprintf(table, sizeof table, "%s/public/%s", warehouse, name);
    lake__meta_t m;
    am_err_t err = {0};
    cr_assert(lake__meta_load_dir(table, &m, &err), "%s", err.msg);
    am_map_t *set = am_map_new();
    size_t i;
    json_t *snap;
    json_array_foreach(json_object_get(m.root, "snapshots"), i, snap)
        lt_snapshot_files(json_string_value(json_object_get(snap, "manifest-list")), set);
    const char *sub[] = {"data", "metadata"};
    for (size_t k = 0; k < 2; k++) {
        char path[600];
        snprintf(path, sizeof path, "%s/%s", table, sub[k]);
        DIR *d = opendir(path);
        cr_assert_not_null(d, "%s", path);
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            cr_assert_neq(e->d_name[0], '.', "temp file left: %s/%s", path, e->d_name);
            if (k == 1 && !strstr(e->d_name, ".avro"))
                continue;
            char uri[1200];
            snprintf(uri, sizeof uri, "file://%s/%s", path, e->d_name);
            uint64_t v;
            cr_assert(am_map_get(set, uri, strlen(uri), &v), "orphan file %s", uri);
            am_map_del(set, uri, strlen(uri));
        }
        closedir(d);
    }
    /* and everything a kept snapshot reaches exists */
    cr_assert_eq(am_map_count(set), 0, "%zu files reached by snapshots are missing",
                 am_map_count(set));
    am_map_free(set);
    lake__meta_destroy(&m);
}

#endif /* AM_LAKE_INTERNAL_H */

#endif

/*
 * tests/lake/test_maintain.c: what keeps a long-running table bounded: manifests merged once a
 * snapshot lists many, snapshots expired past the kept count with the files only they reach
 * removed, metadata files past the metadata log removed; and through all of it the table
 * reads the same rows (DuckDB, icebird) and nothing reachable is missing.
 */
#include "lake/lake_internal.h" /* lowers the thresholds; before lake_test.h */
#include "lake_test.h"

static int count_files(const char *dir, const char *sub, const char *suffix)
{
    char path[600];
    snprintf(path, sizeof path, "%s/public/orders/%s", dir, sub);
    DIR *d = opendir(path);
    cr_assert_not_null(d, "%s", path);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name), sl = strlen(suffix);
        n += len >= sl && strcmp(e->d_name + len - sl, suffix) == 0;
    }
    closedir(d);
    return n;
}

static long long plan_count(const char *dir, int64_t snap)
{
    duckdb_database db;
    duckdb_connection con;
    lt_duck(&db, &con);
    char *plan = lt_plan(dir, "orders", snap);
    char *sql = NULL;
    cr_assert(asprintf(&sql, "SELECT count(*) FROM %s p", plan) > 0);
    long long n = lt_query_int(con, sql);
    free(sql);
    free(plan);
    duckdb_disconnect(&con);
    duckdb_close(&db);
    return n;
}

Test(lake, merge_and_expire_keep_the_table_bounded)
{
    char *dir;
    lake_t *lake = lt_lake_open("maintain", &dir);
    lake->merge_manifests = 4;
    lake->keep_snapshots = 3;
    lake->metadata_log_max = 2;
    lake_table_t *t = lt_create(lake, "orders");
    lake_batch_t *b = lake_batch_new(t);
    lake_pos_t pos[200];
    int64_t live = 0;
    am_err_t err = {0};
    for (int c = 0; c < 20; c++) {
        lt_append(b, c * 10, c * 10 + 10, pos + c * 10);
        live += 10;
        for (int k = 0; c % 3 == 2 && k < 3; k++) { /* a row of each of the last 3 commits */
            if (c > 12 && c - k <= 12)
                continue; /* truncated */
            cr_assert(lake_batch_delete(b, pos[(c - k) * 10 + 1], &err), "%s", err.msg);
            live--;
        }
        if (c == 12) { /* truncate: files of earlier snapshots become unreachable later */
            lake_batch_truncate(b);
            lt_append(b, 500, 505, NULL);
            live = 5;
        }
        lt_commit(b, (am_lsn_t)(100 + c));
        cr_assert_eq(lake_table_live_rows(t), live, "commit %d", c);
        cr_assert_lt(t->state.n_mrefs, 4 + 3, "commit %d: %zu manifests", c, t->state.n_mrefs);
        lt_expect_no_orphans(dir, "orders");
        cr_assert_eq(plan_count(dir, lake_table_snapshot_id(t)), live, "commit %d", c);
    }
    lake_batch_free(b);
    cr_assert_eq(json_array_size(json_object_get(t->meta.root, "snapshots")), 3);
    cr_assert_eq(json_array_size(json_object_get(t->meta.root, "snapshot-log")), 3);
    cr_assert_eq(json_array_size(json_object_get(t->meta.root, "metadata-log")), 2);
    cr_assert_eq(count_files(dir, "metadata", ".metadata.json"), 3, "v19..v21 remain");
    cr_assert_eq(count_files(dir, "metadata", ".avro") <= 3 * 7, true);
    lake_table_close(t);

    t = lt_open(lake, "orders");
    cr_assert_eq(lake_table_live_rows(t), live);
    cr_assert_eq(lake_table_lsn(t), 119);
    int64_t snap = lake_table_snapshot_id(t);
    lake_table_close(t);
    char out[600];
    snprintf(out, sizeof out, "%s/icebird.json", dir);
    cr_assert_eq(amt_system("node %s/tests/lake/icebird_read.mjs %s/public/orders > %s", amt_root(),
                            dir, out),
                 0);
    json_error_t jerr;
    json_t *j = json_load_file(out, 0, &jerr);
    cr_assert_not_null(j, "%s", jerr.text);
    cr_assert_eq(json_integer_value(json_object_get(j, "rows")), live);
    json_decref(j);
    cr_assert_eq(plan_count(dir, snap), live);
    lake_close(lake);
    free(dir);
}

Test(lake, merged_manifests_keep_sequence_numbers)
{
    char *dir;
    lake_t *lake = lt_lake_open("merge_seq", &dir);
    lake->merge_manifests = 3;
    lake_table_t *t = lt_create(lake, "orders");
    lake_batch_t *b = lake_batch_new(t);
    lake_pos_t pos[40];
    for (int c = 0; c < 4; c++) {
        lt_append(b, c * 10, c * 10 + 10, pos + c * 10);
        lt_commit(b, (am_lsn_t)c + 1);
    }
    am_err_t err = {0};
    cr_assert(lake_batch_delete(b, pos[0], &err), "%s", err.msg);
    lt_commit(b, 9);
    lake_batch_free(b);
    lake_table_close(t);
    t = lt_open(lake, "orders");
    /* the merge rewrote the first files as EXISTING entries with their original seqs */
    for (size_t i = 0; i < t->state.n_data; i++)
        cr_assert_eq(t->state.data[i].data_seq, t->state.data[i].file_seq);
    int64_t min_seq = INT64_MAX, max_seq = 0;
    for (size_t i = 0; i < t->state.n_data; i++) {
        min_seq = t->state.data[i].data_seq < min_seq ? t->state.data[i].data_seq : min_seq;
        max_seq = t->state.data[i].data_seq > max_seq ? t->state.data[i].data_seq : max_seq;
    }
    cr_assert_eq(min_seq, 1);
    cr_assert_eq(max_seq, 4);
    cr_assert_eq(t->state.dels[0].data_seq, 5);
    cr_assert_eq(lake_table_live_rows(t), 39);
    lake_table_close(t);
    lake_close(lake);
    free(dir);
}

/*
 * tests/lake/test_maintain.c: what keeps a long-running table bounded: manifests merged once a
 * snapshot lists many, snapshots expired past the kept count with the files only they reach
 * removed, metadata files past the metadata log removed; and through all of it the table
 * reads the same rows (DuckDB, icebird) and nothing reachable is missing. With a file
 * retention, expired files stay until the orphan sweep finds them old enough; the sweep
 * removes what crashed commits left and nothing a snapshot reaches.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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
    lake_set_file_retention(lake, 0); /* expired files go at once: none is ever an orphan */
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

/* ---- file retention and orphan files ----------------------------------------------------- */

static char *table_file(const char *dir, const char *sub, const char *name)
{
    char *p = NULL;
    cr_assert(asprintf(&p, "%s/public/orders/%s/%s", dir, sub, name) > 0);
    return p;
}

static void age_file(const char *path, int64_t age_ms);

static void make_file(const char *path, int64_t age_ms)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    cr_assert(fd >= 0, "%s", path);
    cr_assert_eq(write(fd, "junk", 4), 4);
    close(fd);
    if (age_ms > 0)
        age_file(path, age_ms);
}

static void age_file(const char *path, int64_t age_ms)
{
    struct timespec ts[2];
    clock_gettime(CLOCK_REALTIME, &ts[0]);
    ts[0].tv_sec -= age_ms / 1000;
    ts[1] = ts[0];
    cr_assert_eq(utimensat(AT_FDCWD, path, ts, 0), 0, "%s", path);
}

/* Ages every file in one of the table's directories. */
static void age_dir(const char *dir, const char *sub, int64_t age_ms)
{
    char *path = NULL;
    cr_assert(asprintf(&path, "%s/public/orders/%s", dir, sub) > 0);
    DIR *d = opendir(path);
    cr_assert_not_null(d, "%s", path);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char *f = table_file(dir, sub, e->d_name);
        age_file(f, age_ms);
        free(f);
    }
    closedir(d);
    free(path);
}

static void one_commit(lake_table_t *t, int64_t id, bool truncate, am_lsn_t lsn)
{
    lake_batch_t *b = lake_batch_new(t);
    if (truncate)
        lake_batch_truncate(b);
    lt_append(b, id, id + 1, NULL);
    lt_commit(b, lsn);
    lake_batch_free(b);
}

Test(lake, orphan_sweep_removes_only_old_unreferenced_files)
{
    char *dir;
    lake_t *lake = lt_lake_open("orphans", &dir);
    lake->metadata_log_max = 2;
    lake_table_t *t = lt_create(lake, "orders");
    for (int c = 0; c < 6; c++)
        one_commit(t, c, false, (am_lsn_t)c + 1);
    /* what crashed commits leave, an hour old; and one just written */
    const char *old_names[][2] = {{"data", "11111111-dead-s0.parquet"},
                                  {"data", ".22222222-s0.parquet.0123.tmp"},
                                  {"metadata", "33333333-m0.avro"},
                                  {"metadata", "snap-1-1-44444444.avro"},
                                  {"metadata", "v1.metadata.json"}};
    for (size_t i = 0; i < AM_ARRAY_LEN(old_names); i++) {
        char *p = table_file(dir, old_names[i][0], old_names[i][1]);
        make_file(p, 3600 * 1000);
        free(p);
    }
    char *young = table_file(dir, "data", "55555555-young-s0.parquet");
    char *foreign = table_file(dir, "data", "README");
    make_file(young, 0);
    make_file(foreign, 3600 * 1000);
    int64_t removed = 0;
    am_err_t err = {0};
    cr_assert(lake_table_remove_orphans(t, 60 * 1000, &removed, &err), "%s", err.msg);
    cr_assert_eq(removed, (int64_t)AM_ARRAY_LEN(old_names));
    cr_assert(am_path_exists(young), "younger than the newest commit by the margin: kept");
    cr_assert(am_path_exists(foreign), "not a file of ours: kept");
    unlink(young);
    unlink(foreign);
    free(young);
    free(foreign);
    lt_expect_no_orphans(dir, "orders");
    cr_assert_eq(plan_count(dir, lake_table_snapshot_id(t)), 6);
    lake_table_close(t);
    lake_close(lake);
    free(dir);
}

Test(lake, expired_files_stay_for_the_retention_then_the_sweep_removes_them)
{
    char *dir;
    lake_t *lake = lt_lake_open("retention", &dir);
    lake->keep_snapshots = 2;
    lake_set_file_retention(lake, 60 * 1000);
    lake_table_t *t = lt_create(lake, "orders");
    one_commit(t, 1, false, 1);
    char *first = lake__uri_path(t->state.data[0].path);
    json_t *snap0 = json_array_get(json_object_get(t->meta.root, "snapshots"), 0);
    char *list = lake__uri_path(json_string_value(json_object_get(snap0, "manifest-list")));
    char *manifest = lake__uri_path(t->state.mrefs[0].path);
    char *meta1 = table_file(dir, "metadata", "v1.metadata.json");
    lake->metadata_log_max = 1;
    one_commit(t, 2, true, 2); /* the first file is live in the first snapshot only */
    one_commit(t, 3, false, 3);
    one_commit(t, 4, false, 4); /* the first snapshot expires */
    /* a reader that read an older metadata file (Spark planning while the writer commits)
     * still finds everything it leads to: metadata, manifest list, manifest, data */
    const char *old[] = {first, list, manifest, meta1};
    for (size_t i = 0; i < AM_ARRAY_LEN(old); i++)
        cr_assert(am_path_exists(old[i]), "stamped, not removed: %s", old[i]);
    int64_t removed = 0;
    am_err_t err = {0};
    cr_assert(lake_table_remove_orphans(t, 60 * 1000, &removed, &err), "%s", err.msg);
    cr_assert_eq(removed, 0);
    for (size_t i = 0; i < AM_ARRAY_LEN(old); i++)
        cr_assert(am_path_exists(old[i]), "stamped at expiry, younger than the retention");
    age_dir(dir, "data", 120 * 1000); /* what the next snapshot expired was stamped as well */
    age_dir(dir, "metadata", 120 * 1000);
    cr_assert(lake_table_remove_orphans(t, 60 * 1000, &removed, &err), "%s", err.msg);
    cr_assert_geq(removed, (int64_t)AM_ARRAY_LEN(old));
    for (size_t i = 0; i < AM_ARRAY_LEN(old); i++)
        cr_assert_not(am_path_exists(old[i]), "%s", old[i]);
    lt_expect_no_orphans(dir, "orders");
    cr_assert_eq(plan_count(dir, lake_table_snapshot_id(t)), 3);
    free(first);
    free(list);
    free(manifest);
    free(meta1);
    lake_table_close(t);
    lake_close(lake);
    free(dir);
}

static void set_mtime_ms(const char *path, int64_t ms)
{
    struct timespec ts[2] = {{.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000}};
    ts[1] = ts[0];
    cr_assert_eq(utimensat(AT_FDCWD, path, ts, 0), 0, "%s", path);
}

Test(lake, compactor_sweep_reads_the_table_from_disk_and_keeps_a_margin)
{
    char *dir;
    lake_t *lake = lt_lake_open("sweep_off_thread", &dir);
    lake_table_t *t = lt_create(lake, "orders");
    for (int c = 0; c < 3; c++)
        one_commit(t, c, false, (am_lsn_t)c + 1);
    char *old = table_file(dir, "data", "11111111-dead-s0.parquet");
    char *old_list = table_file(dir, "metadata", "snap-1-1-44444444.avro");
    make_file(old, 3600 * 1000);
    make_file(old_list, 3600 * 1000);
    /* a batch in flight: written after the newest commit, its time from a clock that may trail
     * the commit's; with no retention the table's own sweep would take it, this one must not */
    char *in_flight = table_file(dir, "data", "55555555-in-flight-s0.parquet");
    make_file(in_flight, 0);
    set_mtime_ms(in_flight, t->meta.last_updated_ms - 500);
    am_err_t err = {0};
    lake_compactor_t *c = lake_compactor_new(dir, INT64_C(64) << 20, &err);
    cr_assert_not_null(c, "%s", err.msg);
    int64_t removed = 0;
    cr_assert(lake_compactor_sweep(c, lake_table_location(t), 0, &removed, &err), "%s", err.msg);
    cr_assert_eq(removed, 2);
    cr_assert_not(am_path_exists(old));
    cr_assert_not(am_path_exists(old_list));
    cr_assert(am_path_exists(in_flight), "younger than the newest commit by a second: kept");
    cr_assert_not(lake_compactor_sweep(c, "public/absent", 0, &removed, &err));
    cr_assert_str_eq(err.sqlstate, "42P01", "%s", err.msg);
    lake_compactor_free(c);
    cr_assert(lake_table_remove_orphans(t, 0, &removed, &err), "%s", err.msg);
    cr_assert_eq(removed, 1, "on the table's thread nothing is in flight: no floor");
    one_commit(t, 3, false, 4);
    lt_expect_no_orphans(dir, "orders");
    cr_assert_eq(plan_count(dir, lake_table_snapshot_id(t)), 4);
    free(old);
    free(old_list);
    free(in_flight);
    lake_table_close(t);
    lake_close(lake);
    free(dir);
}

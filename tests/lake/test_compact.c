/*
 * tests/lake/test_compact.c: compaction as a "replace" snapshot: small files merged with their
 * position deletes folded in, rows read back exactly (DuckDB, icebird) at positions the remap
 * gives, deletes committed while a job ran translated to the new files, a truncate meanwhile
 * making the job not apply, the deleted-rows threshold, file ids given back and their limit an
 * error before anything is written, and the merged file written in primary-key order.
 */
#include "lake/lake_internal.h" /* thresholds, state and summaries; before lake_test.h */
#include "lake_test.h"

static lake_maintain_options_t opts(int max_small)
{
    lake_maintain_options_t o;
    lake_maintain_defaults(&o);
    o.max_small_files = max_small;
    o.min_deletes = 32; /* the tests' tables are small */
    return o;
}

/* n commits of per rows each, ids from 0; pos[i] is where id i landed. */
static void fill(lake_table_t *t, int n, int per, lake_pos_t *pos)
{
    lake_batch_t *b = lake_batch_new(t);
    for (int c = 0; c < n; c++) {
        lt_append(b, (int64_t)c * per, (int64_t)(c + 1) * per, pos + c * per);
        lt_commit(b, (am_lsn_t)c + 1);
    }
    lake_batch_free(b);
}

static void delete_ids(lake_table_t *t, const lake_pos_t *pos, const int *ids, size_t n,
                       am_lsn_t lsn)
{
    lake_batch_t *b = lake_batch_new(t);
    am_err_t err = {0};
    for (size_t i = 0; i < n; i++)
        cr_assert(lake_batch_delete(b, pos[ids[i]], &err), "%s", err.msg);
    lt_commit(b, lsn);
    lake_batch_free(b);
}

/* Plans and runs a job on a compactor of its own, as the maintenance thread would. */
static lake_compact_job_t *plan_run(const char *dir, lake_table_t *t,
                                    const lake_maintain_options_t *o)
{
    lake_compact_job_t *job = lake_compact_plan(t, o);
    cr_assert_not_null(job, "no compaction planned");
    am_err_t err = {0};
    lake_compactor_t *c = lake_compactor_new(dir, INT64_C(64) << 20, &err);
    cr_assert_not_null(c, "%s", err.msg);
    cr_assert(lake_compact_run(c, job, &err), "run: %s", err.msg);
    lake_compactor_free(c);
    return job;
}

static lake_remap_t *commit_job(lake_table_t *t, lake_compact_job_t *job)
{
    lake_remap_t *remap = NULL;
    am_err_t err = {0};
    cr_assert(lake_compact_commit(t, job, &remap, &err), "commit: %s", err.msg);
    cr_assert_not_null(remap);
    lake_compact_job_free(job);
    return remap;
}

/* count(*) and sum(id) of the table's current snapshot, by a DuckDB of the test's own. */
static void totals(const char *dir, lake_table_t *t, long long *count, long long *sum)
{
    duckdb_database db;
    duckdb_connection con;
    lt_duck(&db, &con);
    char *plan = lt_plan(dir, lake_table_name(t), lake_table_snapshot_id(t));
    char *sql = NULL;
    cr_assert(asprintf(&sql, "SELECT count(*) FROM %s p", plan) > 0);
    *count = lt_query_int(con, sql);
    free(sql);
    cr_assert(asprintf(&sql, "SELECT coalesce(sum(id), 0) FROM %s p", plan) > 0);
    *sum = lt_query_int(con, sql);
    free(sql);
    free(plan);
    duckdb_disconnect(&con);
    duckdb_close(&db);
}

static const char *last_summary(lake_table_t *t, const char *key)
{
    json_t *snaps = json_object_get(t->meta.root, "snapshots");
    json_t *last = json_array_get(snaps, json_array_size(snaps) - 1);
    return json_string_value(json_object_get(json_object_get(last, "summary"), key));
}

/* The id of the row at pos (fetched from its Parquet file). */
static int64_t id_at(lake_table_t *t, lake_pos_t pos)
{
    am_arena_t *arena = am_arena_new(4096);
    am_value_t row[LT_NCOLS];
    am_err_t err = {0};
    cr_assert(lake_table_fetch_row(t, pos, arena, row, &err), "fetch %d/%lld: %s", pos.file,
              (long long)pos.row, err.msg);
    int64_t id = row[0].i;
    am_arena_free(arena);
    return id;
}

static bool in_list(int id, const int *ids, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (ids[i] == id)
            return true;
    return false;
}

typedef struct scan_check {
    const lake_pos_t *want; /* by id */
    int n;
} scan_check_t;

static bool scan_same(void *ud, const am_value_t *key, lake_pos_t pos)
{
    const scan_check_t *sc = ud;
    cr_assert(key[0].i >= 0 && key[0].i < sc->n);
    cr_assert(pos.file == sc->want[key[0].i].file && pos.row == sc->want[key[0].i].row,
              "id %lld at %d/%lld after a reopen, %d/%lld by the remap", (long long)key[0].i,
              pos.file, (long long)pos.row, sc->want[key[0].i].file,
              (long long)sc->want[key[0].i].row);
    return true;
}

Test(lake, compaction_merges_small_files_and_folds_their_deletes)
{
    char *dir;
    lake_t *lake = lt_lake_open("compact_merge", &dir);
    lake_set_file_retention(lake, 0); /* expired files go at once: none is an orphan */
    lake_table_t *t = lt_create(lake, "orders");
    lake_pos_t pos[200];
    fill(t, 20, 10, pos);
    static const int gone[] = {5,   15,  25,  100, 101, 102, 103,
                               104, 105, 106, 107, 108, 109}; /* file 10 entirely */
    delete_ids(t, pos, gone, 3, 30);
    delete_ids(t, pos, gone + 3, 10, 31);
    int64_t base_seq = t->meta.last_seq;
    lake_maintain_options_t o = opts(8);
    lake_compact_job_t *job = plan_run(dir, t, &o);
    lake_compact_stats_t st;
    lake_compact_job_stats(job, &st);
    cr_assert_eq(st.files_in, 20);
    cr_assert_eq(st.deletes_in, 2);
    cr_assert_eq(st.rows_out, 187);
    lake_remap_t *remap = commit_job(t, job);

    cr_assert_eq(lake_table_live_files(t), 1, "one data file, no delete file left");
    cr_assert_str_eq(last_summary(t, "operation"), "replace");
    cr_assert_str_eq(last_summary(t, "deleted-data-files"), "20");
    cr_assert_str_eq(last_summary(t, "added-data-files"), "1");
    cr_assert_str_eq(last_summary(t, "removed-delete-files"), "2");
    cr_assert_str_eq(last_summary(t, LAKE_SUMMARY_LSN), "0/1F", "the parent's LSN");
    /* the new file's rows are as old as the snapshot the job read (Java's rewrite) */
    cr_assert_eq(t->state.data[0].data_seq, base_seq);
    cr_assert_eq(t->state.data[0].file_seq, base_seq + 1);
    /* its manifest entry has column metrics (test_colstats.c checks what they say) */
    cr_assert(t->state.data[0].metrics && t->state.data[0].metrics_len > 12);
    long long count, sum;
    totals(dir, t, &count, &sum);
    long long want_sum = 199 * 200 / 2;
    for (size_t i = 0; i < AM_ARRAY_LEN(gone); i++)
        want_sum -= gone[i];
    cr_assert_eq(count, 187);
    cr_assert_eq(sum, want_sum);

    lake_pos_t now[200];
    for (int i = 0; i < 200; i++) {
        now[i] = pos[i];
        bool live = lake_remap_pos(remap, &now[i]);
        cr_assert_eq(live, !in_list(i, gone, AM_ARRAY_LEN(gone)), "id %d", i);
        if (live)
            cr_assert_eq(id_at(t, now[i]), i, "id %d after the remap", i);
    }
    lake_remap_free(remap);
    lake_table_close(t);

    /* a reopen numbers the files as the remap did, and reads the metrics back */
    t = lt_open(lake, "orders");
    cr_assert(t->state.data[0].metrics && t->state.data[0].metrics_len > 12);
    size_t key = 0;
    am_err_t err = {0};
    scan_check_t sc = {.want = now, .n = 200};
    cr_assert(lake_table_scan(t, &key, 1, scan_same, &sc, &err), "%s", err.msg);
    lake_table_close(t);
    char out[600];
    snprintf(out, sizeof out, "%s/icebird.json", dir);
    cr_assert_eq(amt_system("node %s/tests/lake/icebird_read.mjs %s/public/orders > %s", amt_root(),
                            dir, out),
                 0, "icebird could not read the compacted table");
    json_error_t jerr;
    json_t *j = json_load_file(out, 0, &jerr);
    cr_assert_not_null(j, "%s", jerr.text);
    cr_assert_eq(json_integer_value(json_object_get(j, "rows")), 187);
    long long isum = 0;
    size_t i;
    json_t *row;
    json_array_foreach(json_object_get(j, "data"), i, row) isum +=
        atoll(json_string_value(json_object_get(row, "id")));
    cr_assert_eq(isum, want_sum, "icebird reads the same ids");
    json_decref(j);
    lt_expect_no_orphans(dir, "orders");
    lake_close(lake);
    free(dir);
}

Test(lake, deletes_committed_while_a_job_ran_move_to_the_new_files)
{
    char *dir;
    lake_t *lake = lt_lake_open("compact_moved", &dir);
    lake_table_t *t = lt_create(lake, "orders");
    lake_pos_t pos[100];
    fill(t, 10, 10, pos);
    lake_maintain_options_t o = opts(4);
    lake_compact_job_t *job = plan_run(dir, t, &o);

    /* meanwhile: two rows of rewritten files deleted, rows appended, one of those deleted */
    static const int gone[] = {3, 47};
    lake_batch_t *b = lake_batch_new(t);
    am_err_t err = {0};
    for (size_t i = 0; i < 2; i++)
        cr_assert(lake_batch_delete(b, pos[gone[i]], &err), "%s", err.msg);
    lake_pos_t fresh[5];
    lt_append(b, 1000, 1005, fresh);
    lt_commit(b, 40);
    cr_assert(lake_batch_delete(b, fresh[2], &err), "%s", err.msg);
    lt_commit(b, 41);
    lake_batch_free(b);

    lake_remap_t *remap = commit_job(t, job);
    cr_assert_str_eq(last_summary(t, "operation"), "replace");
    cr_assert_str_eq(last_summary(t, LAKE_SUMMARY_LSN), "0/29");
    long long count, sum;
    totals(dir, t, &count, &sum);
    cr_assert_eq(count, 100 - 2 + 5 - 1);
    cr_assert_eq(sum, 99 * 100 / 2 - 3 - 47 + 1000 + 1001 + 1003 + 1004);

    /* the index's positions follow: row 50 is deleted through its new position */
    lake_pos_t p50 = pos[50], p1004 = fresh[4];
    cr_assert(lake_remap_pos(remap, &p50));
    cr_assert(lake_remap_pos(remap, &p1004), "a file the job did not read keeps its rows");
    cr_assert_eq(id_at(t, p1004), 1004);
    lake_remap_free(remap);
    b = lake_batch_new(t);
    cr_assert(lake_batch_delete(b, p50, &err), "%s", err.msg);
    lt_commit(b, 42);
    lake_batch_free(b);
    totals(dir, t, &count, &sum);
    cr_assert_eq(count, 101);
    cr_assert_eq(sum, 99 * 100 / 2 - 3 - 47 - 50 + 1000 + 1001 + 1003 + 1004);
    lake_table_close(t);
    lt_expect_no_orphans(dir, "orders");
    lake_close(lake);
    free(dir);
}

Test(lake, a_truncate_while_a_job_ran_makes_it_not_apply)
{
    char *dir;
    lake_t *lake = lt_lake_open("compact_conflict", &dir);
    lake_table_t *t = lt_create(lake, "orders");
    lake_pos_t pos[60];
    fill(t, 6, 10, pos);
    lake_maintain_options_t o = opts(4);
    lake_compact_job_t *job = plan_run(dir, t, &o);
    lake_batch_t *b = lake_batch_new(t);
    lake_batch_truncate(b);
    lt_append(b, 500, 503, NULL);
    lt_commit(b, 50);
    lake_batch_free(b);
    int64_t snap = lake_table_snapshot_id(t);
    lake_remap_t *remap = NULL;
    am_err_t err = {0};
    cr_assert_not(lake_compact_commit(t, job, &remap, &err));
    cr_assert_str_eq(err.sqlstate, LAKE_SQLSTATE_CONFLICT, "%s", err.msg);
    cr_assert_null(remap);
    cr_assert_eq(lake_table_snapshot_id(t), snap, "nothing was committed");
    lake_compact_job_free(job); /* removes the files it wrote */
    lt_expect_no_orphans(dir, "orders");
    long long count, sum;
    totals(dir, t, &count, &sum);
    cr_assert_eq(count, 3);
    lake_table_close(t);
    lake_close(lake);
    free(dir);
}

Test(lake, deleted_rows_threshold_rewrites_the_files_with_many_deletes)
{
    char *dir;
    lake_t *lake = lt_lake_open("compact_ratio", &dir);
    lake_table_t *t = lt_create(lake, "orders");
    lake_pos_t pos[200];
    fill(t, 2, 100, pos);
    int gone[32];
    for (int i = 0; i < 30; i++)
        gone[i] = i * 3; /* 30 % of the first file */
    gone[30] = 150;
    gone[31] = 151; /* 2 % of the second */
    delete_ids(t, pos, gone, 32, 10);
    lake_maintain_options_t o = opts(1000);
    o.small_file_bytes = 1; /* nothing is small: only the deleted rows count */
    cr_assert_null(lake_compact_plan(t, &(lake_maintain_options_t){.compact = false}));
    lake_compact_job_t *job = plan_run(dir, t, &o);
    lake_remap_t *remap = commit_job(t, job);
    cr_assert_str_eq(last_summary(t, "deleted-data-files"), "1", "only the first file");
    /* the second file, its 2 deletes in a merged delete file, the first file rewritten */
    cr_assert_eq(lake_table_live_files(t), 3);
    cr_assert_eq(t->state.n_dels, 1);
    cr_assert_eq(t->state.dels[0].record_count, 2);
    cr_assert_not_null(t->state.dels[0].referenced, "one target: referenced_data_file");
    long long count, sum;
    totals(dir, t, &count, &sum);
    cr_assert_eq(count, 168);
    for (int i = 0; i < 200; i++) {
        lake_pos_t p = pos[i];
        if (lake_remap_pos(remap, &p))
            cr_assert_eq(id_at(t, p), i);
        else
            cr_assert(in_list(i, gone, 32), "id %d lost", i);
    }
    lake_remap_free(remap);
    cr_assert_null(lake_compact_plan(t, &o), "under the threshold again");
    lake_table_close(t);
    lake_close(lake);
    free(dir);
}

static int count_parquet(const char *dir)
{
    int n = 0;
    char path[600];
    snprintf(path, sizeof path, "%s/public/orders/data", dir);
    DIR *d = opendir(path);
    cr_assert_not_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strstr(e->d_name, ".parquet") != NULL;
    closedir(d);
    return n;
}

Test(lake, file_ids_are_given_back_and_their_limit_fails_before_writing)
{
    char *dir;
    lake_t *lake = lt_lake_open("compact_ids", &dir);
    lake->file_id_max = 4;
    lake_table_t *t = lt_create(lake, "orders");
    lake_pos_t pos[3];
    fill(t, 3, 1, pos); /* ids 0, 1, 2 */
    lake_batch_t *b = lake_batch_new(t);
    lake_batch_truncate(b);
    lake_pos_t kept[2];
    lt_append(b, 10, 11, kept); /* id 3 */
    lt_commit(b, 10);
    lt_append(b, 11, 12, kept + 1); /* id 4: the last one */
    lt_commit(b, 11);
    int files = count_parquet(dir);
    char name[32], amt[32];
    am_value_t v[LT_NCOLS];
    lt_row(12, name, sizeof name, amt, sizeof amt, v);
    lake_pos_t p;
    am_err_t err = {0};
    cr_assert_not(lake_batch_append(b, v, &p, &err));
    cr_assert_str_eq(err.sqlstate, "54000");
    cr_assert(strstr(err.msg, "public.orders") != NULL, "names the table: %s", err.msg);
    cr_assert_eq(count_parquet(dir), files, "nothing was written");
    lake_batch_free(b);

    lake_remap_t *remap = lake_table_renumber(t);
    cr_assert_eq(lake_table_n_file_ids(t), 2);
    for (int i = 0; i < 3; i++) {
        lake_pos_t q = pos[i];
        cr_assert_not(lake_remap_pos(remap, &q), "truncated row %d", i);
    }
    for (int i = 0; i < 2; i++) {
        lake_pos_t q = kept[i];
        cr_assert(lake_remap_pos(remap, &q));
        cr_assert_eq(q.file, i);
        cr_assert_eq(id_at(t, q), 10 + i);
    }
    lake_remap_free(remap);
    b = lake_batch_new(t);
    lt_append(b, 12, 13, NULL); /* id 2 now */
    lt_commit(b, 12);
    lake_batch_free(b);
    long long count, sum;
    totals(dir, t, &count, &sum);
    cr_assert_eq(count, 3);
    cr_assert_eq(sum, 33);
    lake_table_close(t);
    lake_close(lake);
    free(dir);
}

/* Every commit spans the key range (commit c holds ids c, c + COMMITS, ...), as updates
 * spread over a table do: compaction writes the merged file in key order, so its row groups
 * split the key range and a range filter skips all but one. */
Test(lake, compaction_writes_rows_in_key_order_so_row_groups_split_the_key_range)
{
    enum { COMMITS = 30, PER = 9000, N = COMMITS * PER };
    char *dir;
    lake_t *lake = lt_lake_open("compact_sorted", &dir);
    lake_table_t *t = lt_create(lake, "orders");
    lake_pos_t *pos = calloc(N, sizeof *pos); /* by id */
    cr_assert_not_null(pos);
    lake_batch_t *b = lake_batch_new(t);
    for (int c = 0; c < COMMITS; c++) {
        for (int k = 0; k < PER; k++) {
            int64_t id = (int64_t)k * COMMITS + c;
            lt_append(b, id, id + 1, &pos[id]);
        }
        lt_commit(b, (am_lsn_t)c + 1);
    }
    lake_batch_free(b);
    static const int gone[] = {0, 1, 29, 30, 4500, 77777, N - 1};
    delete_ids(t, pos, gone, AM_ARRAY_LEN(gone), 40);
    lake_maintain_options_t o = opts(8);
    lake_compact_job_t *job = plan_run(dir, t, &o);
    lake_compact_stats_t st;
    lake_compact_job_stats(job, &st);
    cr_assert_eq(st.rows_out, N - (int64_t)AM_ARRAY_LEN(gone));
    cr_assert_eq(st.rows_sorted, st.rows_out, "the one output was sorted");
    lake_remap_t *remap = commit_job(t, job);
    cr_assert_eq(lake__plan_n_live(&t->state), 1, "one data file");

    /* the remap puts each live id on the row after the previous live id's */
    int64_t want_row = 0;
    for (int i = 0; i < N; i++) {
        bool live = lake_remap_pos(remap, &pos[i]);
        cr_assert_eq(live, !in_list(i, gone, AM_ARRAY_LEN(gone)), "id %d", i);
        if (!live)
            continue;
        cr_assert(pos[i].file == 0 && pos[i].row == want_row, "id %d at %d/%lld, want 0/%lld", i,
                  pos[i].file, (long long)pos[i].row, (long long)want_row);
        want_row++;
        if (i % 4999 == 2) /* a fetch decodes a row group: a sample, both groups */
            cr_assert_eq(id_at(t, pos[i]), i, "id %d after the remap", i);
    }
    lake_remap_free(remap);

    /* the file says so too: ids ascend with the row, the row groups' ranges are disjoint */
    duckdb_database db;
    duckdb_connection con;
    lt_duck(&db, &con);
    const char *path = t->state.data[0].path + strlen("file://");
    char *sql = NULL;
    cr_assert(asprintf(&sql,
                       "SELECT count(*) FROM (SELECT id - lag(id) OVER (ORDER BY file_row_number) "
                       "AS step FROM read_parquet('%s', file_row_number = true)) WHERE step <= 0",
                       path) > 0);
    cr_assert_eq(lt_query_int(con, sql), 0, "ids ascend through the file");
    free(sql);
    cr_assert(
        asprintf(&sql,
                 "SELECT count(*) || '/' || count(*) FILTER (WHERE lo <= prev) FROM (SELECT "
                 "CAST(stats_min_value AS BIGINT) AS lo, lag(CAST(stats_max_value AS BIGINT)) "
                 "OVER (ORDER BY row_group_id) AS prev FROM parquet_metadata('%s') WHERE "
                 "path_in_schema = 'id')",
                 path) > 0);
    char *groups = lt_query_text(con, sql);
    int n_groups = 0, overlapping = -1;
    cr_assert_eq(sscanf(groups, "%d/%d", &n_groups, &overlapping), 2, "%s", groups);
    cr_assert(n_groups >= 2 && overlapping == 0,
              "%d row groups, %d overlapping the one before (the file was not sorted)", n_groups,
              overlapping);
    free(groups);
    free(sql);
    duckdb_disconnect(&con);
    duckdb_close(&db);
    lake_table_close(t);

    /* a reopen's scan finds every row where the remap said */
    t = lt_open(lake, "orders");
    size_t key = 0;
    am_err_t err = {0};
    scan_check_t sc = {.want = pos, .n = N};
    cr_assert(lake_table_scan(t, &key, 1, scan_same, &sc, &err), "%s", err.msg);
    lake_table_close(t);
    lake_close(lake);
    free(pos);
    free(dir);
}

/* Merges every file of t (ids 0..n-1, pos by id) and checks that the one output was written
 * sorted: each id lands on the row of its own number. */
static void merge_in_key_order(const char *dir, lake_table_t *t, lake_pos_t *pos, int n)
{
    lake_maintain_options_t o = opts(8);
    lake_compact_job_t *job = plan_run(dir, t, &o);
    lake_compact_stats_t st;
    lake_compact_job_stats(job, &st);
    cr_assert_eq(st.rows_sorted, n);
    lake_remap_t *remap = commit_job(t, job);
    for (int i = 0; i < n; i++) {
        cr_assert(lake_remap_pos(remap, &pos[i]));
        cr_assert(pos[i].file == 0 && pos[i].row == i, "id %d at %d/%lld", i, pos[i].file,
                  (long long)pos[i].row);
    }
    lake_remap_free(remap);
}

/* Rows of t's first data file (read with file_row_number) for which where holds. */
static long long count_in_merged(lake_table_t *t, const char *where)
{
    duckdb_database db;
    duckdb_connection con;
    lt_duck(&db, &con);
    char *sql = NULL;
    cr_assert(asprintf(&sql,
                       "SELECT count(*) FROM read_parquet('%s', file_row_number = true) WHERE %s",
                       t->state.data[0].path + strlen("file://"), where) > 0);
    long long n = lt_query_int(con, sql);
    free(sql);
    duckdb_disconnect(&con);
    duckdb_close(&db);
    return n;
}

/* A column named file_index hides DuckDB's virtual one: the merge then tells files apart by
 * path, and the column keeps its own values. */
Test(lake, a_column_named_file_index_is_read_as_itself_when_sorting)
{
    static const lake_column_t cols[] = {
        {.name = "id", .type = {.type = AM_TYPE_INT64}, .required = true, .is_key = true},
        {.name = "File_Index", .type = {.type = AM_TYPE_INT64}},
    };
    enum { COMMITS = 12, PER = 50, N = COMMITS * PER };
    char *dir;
    lake_t *lake = lt_lake_open("compact_file_index", &dir);
    am_err_t err = {0};
    lake_table_t *t = lake_table_create(lake, "public", "odd", cols, 2, &err);
    cr_assert_not_null(t, "%s", err.msg);
    lake_pos_t pos[N];
    lake_batch_t *b = lake_batch_new(t);
    for (int c = 0; c < COMMITS; c++) {
        for (int k = 0; k < PER; k++) {
            int64_t id = (int64_t)k * COMMITS + c;
            am_value_t v[2] = {{.kind = AM_VALUE_PRESENT, .i = id},
                               {.kind = AM_VALUE_PRESENT, .i = 7 - id}};
            cr_assert(lake_batch_append(b, v, &pos[id], &err), "%s", err.msg);
        }
        lt_commit(b, (am_lsn_t)c + 1);
    }
    lake_batch_free(b);
    merge_in_key_order(dir, t, pos, N);
    cr_assert_eq(count_in_merged(t, "id <> file_row_number OR \"File_Index\" <> 7 - id"), 0,
                 "rows in id order, each with its own File_Index");
    lake_table_close(t);
    lake_close(lake);
    free(dir);
}

/* Files of two schemas (a column renamed, one added between them) are read by one read_parquet
 * each: the merge tells files apart by path, and each field lands under its current name. */
Test(lake, files_of_two_schemas_merge_in_key_order)
{
    enum { COMMITS = 12, PER = 40, N = COMMITS * PER };
    static const lake_column_t first[] = {
        {.name = "id", .type = {.type = AM_TYPE_INT64}, .required = true, .is_key = true},
        {.name = "v", .type = {.type = AM_TYPE_INT64}},
    };
    char *dir;
    lake_t *lake = lt_lake_open("compact_schemas", &dir);
    am_err_t err = {0};
    lake_table_t *t = lake_table_create(lake, "public", "evo", first, 2, &err);
    cr_assert_not_null(t, "%s", err.msg);
    lake_pos_t pos[N];
    lake_batch_t *b = lake_batch_new(t);
    for (int c = 0; c < COMMITS; c++) {
        if (c == COMMITS / 2) {
            lake_column_t next[] = {
                {.name = "id",
                 .type = {.type = AM_TYPE_INT64},
                 .required = true,
                 .is_key = true,
                 .field_id = 1},
                {.name = "v2", .type = {.type = AM_TYPE_INT64}, .field_id = 2},
                {.name = "extra", .type = {.type = AM_TYPE_INT64}},
            };
            cr_assert(lake_table_set_schema(t, next, 3, &err), "%s", err.msg);
        }
        for (int k = 0; k < PER; k++) {
            int64_t id = (int64_t)k * COMMITS + c;
            am_value_t v[3] = {{.kind = AM_VALUE_PRESENT, .i = id},
                               {.kind = AM_VALUE_PRESENT, .i = 2 * id},
                               {.kind = AM_VALUE_PRESENT, .i = -id}};
            cr_assert(lake_batch_append(b, v, &pos[id], &err), "%s", err.msg);
        }
        lt_commit(b, (am_lsn_t)c + 1);
    }
    lake_batch_free(b);
    merge_in_key_order(dir, t, pos, N);
    /* rows written under the first schema have no extra; id % COMMITS tells which commit */
    char *where = NULL;
    cr_assert(asprintf(&where,
                       "id <> file_row_number OR v2 <> 2 * id OR (extra IS NULL) <> (id %% %d < "
                       "%d) OR extra <> -id",
                       COMMITS, COMMITS / 2) > 0);
    cr_assert_eq(count_in_merged(t, where), 0, "rows in id order, each field under its name");
    free(where);
    lake_table_close(t);
    lake_close(lake);
    free(dir);
}

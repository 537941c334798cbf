/*
 * tests/lake/test_commit.c: batches committed as snapshots: appends, deletes, truncate,
 * snapshot summaries and sequence numbers, reopening from disk, and commits that survive
 * storage faults (fail the nth write or rename: the table stays at its previous snapshot, and
 * a retry commits; fail the nth fsync: the error is fatal (XX000), nothing is removed, and the
 * table a restart reopens is consistent, at either snapshot).
 */
#include <errno.h>
#include <jansson.h>
#include <sys/stat.h>

#include "lake/lake_internal.h" /* before lake_test.h: the orphan checks */
#include "lake_test.h"

static json_t *load_metadata(const char *warehouse, const char *name, int version)
{
    char path[512];
    snprintf(path, sizeof path, "%s/public/%s/metadata/v%d.metadata.json", warehouse, name,
             version);
    json_error_t jerr;
    json_t *j = json_load_file(path, 0, &jerr);
    cr_assert_not_null(j, "%s: %s", path, jerr.text);
    return j;
}

static const char *summary_get(json_t *meta, const char *key)
{
    json_t *snaps = json_object_get(meta, "snapshots");
    json_t *last = json_array_get(snaps, json_array_size(snaps) - 1);
    return json_string_value(json_object_get(json_object_get(last, "summary"), key));
}

Test(lake, create_writes_v1_without_snapshot)
{
    char *dir;
    lake_t *lake = lt_lake_open("create_v1", &dir);
    lake_table_t *t = lt_create(lake, "users");
    cr_assert_eq(lake_table_snapshot_id(t), -1);
    cr_assert_eq(lake_table_lsn(t), 0);
    cr_assert_eq(lake_table_live_rows(t), 0);
    json_t *m = load_metadata(dir, "users", 1);
    cr_assert_eq(json_integer_value(json_object_get(m, "format-version")), 2);
    cr_assert_eq(json_integer_value(json_object_get(m, "current-snapshot-id")), -1);
    cr_assert_eq(json_integer_value(json_object_get(m, "last-column-id")), 4);
    json_t *schema = json_array_get(json_object_get(m, "schemas"), 0);
    json_t *f0 = json_array_get(json_object_get(schema, "fields"), 0);
    json_t *f1 = json_array_get(json_object_get(schema, "fields"), 1);
    json_t *f3 = json_array_get(json_object_get(schema, "fields"), 3);
    cr_assert(json_is_true(json_object_get(f0, "required")));
    cr_assert(json_is_false(json_object_get(f1, "required")));
    cr_assert_str_eq(json_string_value(json_object_get(f3, "type")), "decimal(12,2)");
    cr_assert_eq(
        json_integer_value(json_array_get(json_object_get(schema, "identifier-field-ids"), 0)), 1);
    char expect[600];
    snprintf(expect, sizeof expect, "file://%s/public/users", dir);
    cr_assert_str_eq(json_string_value(json_object_get(m, "location")), expect);
    json_decref(m);
    char hint[600];
    snprintf(hint, sizeof hint, "%s/public/users/metadata/version-hint.text", dir);
    FILE *f = fopen(hint, "rb");
    char buf[16] = {0};
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(buf, "1");
    lake_table_close(t);
    am_err_t err = {0};
    cr_assert_null(lake_table_create(lake, "public", "users", lt_cols, LT_NCOLS, &err));
    cr_assert_str_eq(err.sqlstate, "42P07");
    lake_close(lake);
    free(dir);
}

Test(lake, open_missing_table_is_42P01)
{
    char *dir;
    lake_t *lake = lt_lake_open("open_missing", &dir);
    am_err_t err = {0};
    cr_assert_null(lake_table_open(lake, "public", "nope", &err));
    cr_assert_str_eq(err.sqlstate, "42P01");
    lake_close(lake);
    free(dir);
}

Test(lake, append_commit_reopen)
{
    char *dir;
    lake_t *lake = lt_lake_open("append_reopen", &dir);
    lake_table_t *t = lt_create(lake, "orders");
    lake_batch_t *b = lake_batch_new(t);
    lake_pos_t pos[100];
    lt_append(b, 0, 100, pos);
    cr_assert_eq(lake_batch_n_appended(b), 100);
    cr_assert_eq(pos[0].file, 0);
    cr_assert_eq(pos[99].row, 99);
    lt_commit(b, UINT64_C(0x16B374D848));
    lake_batch_free(b);
    int64_t snap = lake_table_snapshot_id(t);
    cr_assert_gt(snap, 0);
    cr_assert_lt(snap, INT64_C(1) << 53);
    cr_assert_eq(lake_table_lsn(t), UINT64_C(0x16B374D848));
    cr_assert_eq(lake_table_live_rows(t), 100);
    lake_table_close(t);

    t = lt_open(lake, "orders");
    cr_assert_eq(lake_table_snapshot_id(t), snap);
    cr_assert_eq(lake_table_lsn(t), UINT64_C(0x16B374D848));
    cr_assert_eq(lake_table_live_rows(t), 100);
    cr_assert_eq(lake_table_n_columns(t), 4);
    const lake_column_t *cols = lake_table_columns(t);
    cr_assert(cols[0].is_key && cols[0].required);
    cr_assert_eq(cols[3].type.type, AM_TYPE_DECIMAL);
    cr_assert_eq(cols[3].type.scale, 2);
    lake_table_close(t);

    json_t *m = load_metadata(dir, "orders", 2);
    cr_assert_str_eq(summary_get(m, "operation"), "append");
    cr_assert_str_eq(summary_get(m, "arctic-mirror.lsn"), "16/B374D848");
    cr_assert_str_eq(summary_get(m, "added-records"), "100");
    cr_assert_str_eq(summary_get(m, "total-records"), "100");
    cr_assert_str_eq(summary_get(m, "total-data-files"), "1");
    cr_assert_eq(json_integer_value(json_object_get(m, "last-sequence-number")), 1);
    json_t *s0 = json_array_get(json_object_get(m, "snapshots"), 0);
    cr_assert_eq(json_integer_value(json_object_get(s0, "schema-id")), 0);
    cr_assert_eq(json_integer_value(json_object_get(s0, "sequence-number")), 1);
    cr_assert_null(json_object_get(s0, "parent-snapshot-id"));
    json_t *main_ref = json_object_get(json_object_get(m, "refs"), "main");
    cr_assert_eq(json_integer_value(json_object_get(main_ref, "snapshot-id")), snap);
    cr_assert_eq(json_array_size(json_object_get(m, "metadata-log")), 1);
    json_decref(m);
    lake_close(lake);
    free(dir);
}

Test(lake, deletes_and_sequence_numbers)
{
    char *dir;
    lake_t *lake = lt_lake_open("deletes_seq", &dir);
    lake_table_t *t = lt_create(lake, "orders");
    lake_batch_t *b = lake_batch_new(t);
    lake_pos_t pos[50];
    lt_append(b, 0, 50, pos);
    lt_commit(b, 100);
    int64_t first = lake_table_snapshot_id(t);
    /* delete rows of the committed file and of this batch's own file, plus new rows */
    lake_pos_t more[10];
    lt_append(b, 50, 60, more);
    am_err_t err = {0};
    cr_assert(lake_batch_delete(b, pos[3], &err), "%s", err.msg);
    cr_assert(lake_batch_delete(b, pos[7], &err), "%s", err.msg);
    cr_assert(lake_batch_delete(b, more[0], &err), "%s", err.msg);
    cr_assert(lake_batch_delete(b, pos[3], &err), "duplicate delete is fine: %s", err.msg);
    lake_pos_t bad = {.file = 0, .row = 50};
    cr_assert_not(lake_batch_delete(b, bad, &err));
    cr_assert_eq(lake_batch_n_deleted(b), 4);
    lt_commit(b, 200);
    cr_assert_eq(lake_table_live_rows(t), 57);
    lake_batch_free(b);

    json_t *m = load_metadata(dir, "orders", 3);
    cr_assert_str_eq(summary_get(m, "operation"), "overwrite");
    cr_assert_str_eq(summary_get(m, "added-position-deletes"), "3");
    cr_assert_str_eq(summary_get(m, "total-position-deletes"), "3");
    cr_assert_str_eq(summary_get(m, "total-records"), "60");
    cr_assert_str_eq(summary_get(m, "total-delete-files"), "1");
    cr_assert_eq(json_integer_value(json_object_get(m, "last-sequence-number")), 2);
    json_t *s1 = json_array_get(json_object_get(m, "snapshots"), 1);
    cr_assert_eq(json_integer_value(json_object_get(s1, "parent-snapshot-id")), first);
    json_decref(m);

    b = lake_batch_new(t);
    cr_assert(lake_batch_delete(b, pos[10], &err), "%s", err.msg);
    lt_commit(b, 300);
    lake_batch_free(b);
    m = load_metadata(dir, "orders", 4);
    cr_assert_str_eq(summary_get(m, "operation"), "delete");
    json_decref(m);
    lake_table_close(t);

    t = lt_open(lake, "orders");
    cr_assert_eq(lake_table_live_rows(t), 56);
    cr_assert_eq(lake_table_lsn(t), 300);
    lake_table_close(t);
    lake_close(lake);
    free(dir);
}

Test(lake, empty_batch_commits_nothing)
{
    char *dir;
    lake_t *lake = lt_lake_open("empty_batch", &dir);
    lake_table_t *t = lt_create(lake, "orders");
    lake_batch_t *b = lake_batch_new(t);
    lt_commit(b, 5);
    cr_assert_eq(lake_table_snapshot_id(t), -1);
    lake_batch_truncate(b); /* truncating an empty table changes nothing */
    lt_commit(b, 6);
    cr_assert_eq(lake_table_snapshot_id(t), -1);
    lake_batch_free(b);
    char path[512];
    snprintf(path, sizeof path, "%s/public/orders/metadata/v2.metadata.json", dir);
    cr_assert_not(am_path_exists(path));
    lake_table_close(t);
    lake_close(lake);
    free(dir);
}

/* Entries of the current snapshot's manifests with status st (their seqs must be explicit). */
static int count_status(const char *ml_uri, int32_t st, int64_t snap_id)
{
    am_buf_t b;
    am_buf_init(&b);
    am_err_t err = {0};
    cr_assert(am_file_read_all(ml_uri + 7, &b, &err), "%s", err.msg);
    lake__mref_t *refs = NULL;
    size_t n = 0;
    cr_assert(lake__mlist_decode((const uint8_t *)b.data, b.len, ml_uri, &refs, &n, &err));
    int found = 0;
    for (size_t i = 0; i < n; i++) {
        am_buf_reset(&b);
        cr_assert(am_file_read_all(refs[i].path + 7, &b, &err), "%s", err.msg);
        lake__entry_t *es = NULL;
        size_t k = 0;
        cr_assert(
            lake__manifest_decode((const uint8_t *)b.data, b.len, refs[i].path, &es, &k, &err));
        for (size_t j = 0; j < k; j++) {
            if (es[j].status == st) {
                found++;
                cr_assert_geq(es[j].f.data_seq, 1, "DELETED entries carry their data seq");
                cr_assert_geq(es[j].f.file_seq, 1);
                cr_assert_eq(es[j].f.snapshot_id, snap_id);
            }
            lake__file_destroy(&es[j].f);
        }
        free(es);
        lake__mref_destroy(&refs[i]);
    }
    free(refs);
    am_buf_destroy(&b);
    return found;
}

Test(lake, truncate_removes_committed_rows_keeps_later_appends)
{
    char *dir;
    lake_t *lake = lt_lake_open("truncate", &dir);
    lake_table_t *t = lt_create(lake, "orders");
    lake_batch_t *b = lake_batch_new(t);
    lake_pos_t pos[20];
    lt_append(b, 0, 20, pos);
    lt_commit(b, 10);
    am_err_t err = {0};
    cr_assert(lake_batch_delete(b, pos[1], &err), "%s", err.msg);
    lt_commit(b, 11);
    lt_append(b, 100, 105, NULL); /* before the truncate: removed too */
    lake_batch_truncate(b);
    cr_assert_not(lake_batch_delete(b, pos[2], &err), "committed rows are gone after truncate");
    lt_append(b, 200, 203, NULL);
    cr_assert_eq(lake_batch_n_appended(b), 3);
    lt_commit(b, 12);
    lake_batch_free(b);
    cr_assert_eq(lake_table_live_rows(t), 3);
    json_t *m = load_metadata(dir, "orders", 4);
    cr_assert_str_eq(summary_get(m, "operation"), "overwrite");
    cr_assert_str_eq(summary_get(m, "deleted-data-files"), "1");
    cr_assert_str_eq(summary_get(m, "deleted-records"), "20");
    cr_assert_str_eq(summary_get(m, "removed-position-deletes"), "1");
    cr_assert_str_eq(summary_get(m, "total-records"), "3");
    cr_assert_str_eq(summary_get(m, "total-delete-files"), "0");
    json_decref(m);
    /* the data file and the delete file are DELETED entries of rewritten manifests */
    cr_assert_eq(count_status(t->meta.manifest_list, 2, lake_table_snapshot_id(t)), 2);
    lake_table_close(t);
    t = lt_open(lake, "orders");
    cr_assert_eq(lake_table_live_rows(t), 3);
    /* truncate alone: operation delete, no rows left */
    b = lake_batch_new(t);
    lake_batch_truncate(b);
    lt_commit(b, 13);
    lake_batch_free(b);
    cr_assert_eq(lake_table_live_rows(t), 0);
    m = load_metadata(dir, "orders", 5);
    cr_assert_str_eq(summary_get(m, "operation"), "delete");
    json_decref(m);
    lake_table_close(t);
    t = lt_open(lake, "orders");
    cr_assert_eq(lake_table_live_rows(t), 0);
    cr_assert_eq(lake_table_lsn(t), 13);
    lake_table_close(t);
    lake_close(lake);
    free(dir);
}

Test(lake, drop_removes_table)
{
    char *dir;
    lake_t *lake = lt_lake_open("drop", &dir);
    lake_table_t *t = lt_create(lake, "gone");
    lake_batch_t *b = lake_batch_new(t);
    lt_append(b, 0, 3, NULL);
    lt_commit(b, 1);
    lake_batch_free(b);
    lake_table_close(t);
    am_err_t err = {0};
    cr_assert(lake_table_drop(lake, "public", "gone", &err), "%s", err.msg);
    cr_assert(lake_table_drop(lake, "nosuchschema", "never", &err), "%s", err.msg);
    cr_assert_null(lake_table_open(lake, "public", "gone", &err));
    cr_assert_str_eq(err.sqlstate, "42P01");
    t = lt_create(lake, "gone");
    lake_table_close(t);
    lake_close(lake);
    free(dir);
}

Test(lake, bad_names_and_columns_are_rejected)
{
    char *dir;
    lake_t *lake = lt_lake_open("bad_names", &dir);
    am_err_t err = {0};
    cr_assert_null(lake_table_create(lake, "public", "a/b", lt_cols, LT_NCOLS, &err));
    cr_assert_null(lake_table_create(lake, "..", "t", lt_cols, LT_NCOLS, &err));
    cr_assert_null(lake_table_create(lake, "public", "t", lt_cols, 0, &err));
    lake_column_t dup[2] = {lt_cols[0], lt_cols[0]};
    cr_assert_null(lake_table_create(lake, "public", "t", dup, 2, &err));
    lake_column_t dec = {.name = "d", .type = {.type = AM_TYPE_DECIMAL, .precision = 40}};
    cr_assert_null(lake_table_create(lake, "public", "t", &dec, 1, &err));
    lake_close(lake);
    free(dir);
}

/* ---- durability under storage faults ----------------------------------------------------- */

/* Commits 5 rows with fault (op, nth) armed; checks the invariant either way, then retries. */
static bool commit_with_fault(lake_t *lake, storage_op_t op, int nth, int64_t *rows)
{
    lake_table_t *t = lt_open(lake, "orders");
    int64_t before = lake_table_snapshot_id(t);
    storage_t *st = lake->st;
    lake_batch_t *b = lake_batch_new(t);
    lt_append(b, 1000 + *rows, 1005 + *rows, NULL);
    storage_fault_arm(st, op, nth, op == STORAGE_OP_WRITE ? ENOSPC : EIO);
    am_err_t err = {0};
    bool ok = lake_batch_commit(b, 500 + (am_lsn_t)*rows, &err);
    storage_fault_arm(st, op, 0, 0);
    lake_batch_free(b);
    int64_t after = lake_table_snapshot_id(t);
    lake_table_close(t);
    /* what is on disk agrees with what commit said */
    t = lt_open(lake, "orders");
    if (ok) {
        *rows += 5;
        cr_assert_neq(after, before);
        cr_assert_eq(lake_table_snapshot_id(t), after);
    } else if (op == STORAGE_OP_FSYNC) {
        /* fatal: the write path would stop here; a restart finds the table at one of the two */
        cr_assert_str_eq(err.sqlstate, STORAGE_SQLSTATE_SYNC, "%s", err.msg);
        if (lake_table_snapshot_id(t) != before)
            *rows += 5; /* published before the failed fsync: the rows count below checks it */
    } else {
        cr_assert_str_neq(err.sqlstate, "", "a failed commit sets err");
        cr_assert_eq(after, before, "op %d nth %d: %s", op, nth, err.msg);
        cr_assert_eq(lake_table_snapshot_id(t), before, "op %d nth %d: %s", op, nth, err.msg);
    }
    cr_assert_eq(lake_table_live_rows(t), *rows);
    lake_table_close(t);
    return ok;
}

Test(lake, commit_survives_every_storage_fault)
{
    char *dir;
    lake_t *lake = lt_lake_open("faults", &dir);
    lake_table_t *t = lt_create(lake, "orders");
    lake_table_close(t);
    int64_t rows = 0;
    for (int op = 0; op < STORAGE_OP_COUNT_; op++) {
        int failures = 0;
        for (int nth = 1; nth < 30; nth++) {
            if (!commit_with_fault(lake, (storage_op_t)op, nth, &rows))
                failures++;
            else if (failures > 0)
                break; /* nth is past the last call of op in a commit */
        }
        cr_assert_gt(failures, 0, "op %d never failed a commit", op);
    }
    /* what failed fsyncs left (never removed at the time) goes with the orphan sweep */
    lake_table_t *last = lt_open(lake, "orders");
    lake_batch_t *b = lake_batch_new(last);
    lt_append(b, 5000, 5001, NULL);
    rows++;
    lt_commit(b, 9999);
    lake_batch_free(b);
    int64_t removed = 0;
    am_err_t err = {0};
    cr_assert(lake_table_remove_orphans(last, 0, &removed, &err), "%s", err.msg);
    lake_table_close(last);
    lt_expect_no_orphans(dir, "orders");
    /* the table is consistent and readable by DuckDB */
    duckdb_database db;
    duckdb_connection con;
    lt_duck(&db, &con);
    lake_table_t *t2 = lt_open(lake, "orders");
    char *plan = lt_plan(dir, "orders", lake_table_snapshot_id(t2));
    char sql[65536];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", plan);
    cr_assert_eq(lt_query_int(con, sql), rows);
    free(plan);
    lake_table_close(t2);
    duckdb_disconnect(&con);
    duckdb_close(&db);
    lake_close(lake);
    free(dir);
}

/* Docs change in a new schema (same field ids and types) and no snapshot; commits after it
 * carry the new schema, a reopen reads the docs back, and an unchanged set writes nothing. */
Test(lake, set_docs_is_a_metadata_only_commit)
{
    char *dir;
    lake_t *lake = lt_lake_open("set_docs", &dir);
    lake_table_t *t = lt_create(lake, "orders");
    lake_batch_t *b = lake_batch_new(t);
    lt_append(b, 0, 5, NULL);
    lt_commit(b, 100);
    int64_t snap = lake_table_snapshot_id(t);
    const char *docs[LT_NCOLS] = {"pg:20:-1:bigint", "pg:1043:14:character varying(10)", NULL,
                                  "pg:1700:786438:numeric(12,2)"};
    am_err_t err = {0};
    cr_assert(lake_table_set_docs(t, docs, &err), "%s", err.msg);
    cr_assert_eq(lake_table_snapshot_id(t), snap, "no new snapshot");
    cr_assert_str_eq(lake_table_columns(t)[1].doc, docs[1]);
    cr_assert_null(lake_table_columns(t)[2].doc);
    json_t *m = load_metadata(dir, "orders", 3);
    cr_assert_eq(json_integer_value(json_object_get(m, "current-schema-id")), 1);
    cr_assert_eq(json_integer_value(json_object_get(m, "current-snapshot-id")), snap);
    cr_assert_eq(json_array_size(json_object_get(m, "snapshots")), 1);
    cr_assert_eq(json_array_size(json_object_get(m, "metadata-log")), 2);
    json_t *schemas = json_object_get(m, "schemas");
    cr_assert_eq(json_array_size(schemas), 2);
    json_t *old = json_object_get(json_array_get(schemas, 0), "fields");
    json_t *cur = json_object_get(json_array_get(schemas, 1), "fields");
    for (size_t i = 0; i < LT_NCOLS; i++) {
        json_t *a = json_array_get(old, i), *c = json_array_get(cur, i);
        cr_assert(json_equal(json_object_get(a, "id"), json_object_get(c, "id")));
        cr_assert(json_equal(json_object_get(a, "type"), json_object_get(c, "type")));
        cr_assert(json_equal(json_object_get(a, "required"), json_object_get(c, "required")));
        cr_assert_null(json_object_get(a, "doc"));
        if (docs[i])
            cr_assert_str_eq(json_string_value(json_object_get(c, "doc")), docs[i]);
        else
            cr_assert_null(json_object_get(c, "doc"));
    }
    json_decref(m);
    cr_assert(lake_table_set_docs(t, docs, &err), "%s", err.msg);
    char path[600];
    snprintf(path, sizeof path, "%s/public/orders/metadata/v4.metadata.json", dir);
    cr_assert_not(am_path_exists(path), "the same docs again write nothing");

    lt_append(b, 5, 8, NULL);
    lt_commit(b, 200);
    lake_batch_free(b);
    m = load_metadata(dir, "orders", 4);
    json_t *snaps = json_object_get(m, "snapshots");
    cr_assert_eq(json_integer_value(json_object_get(json_array_get(snaps, 1), "schema-id")), 1);
    json_decref(m);
    lake_table_close(t);

    t = lt_open(lake, "orders");
    cr_assert_str_eq(lake_table_columns(t)[3].doc, docs[3]);
    cr_assert_eq(lake_table_live_rows(t), 8);
    lake_table_close(t);
    lt_expect_no_orphans(dir, "orders");
    lake_close(lake);
    free(dir);
}

/* The writer's byte budget (lake_set_file_bytes) rolls a batch to a new data file long before
 * the row count does; every row stays where its position says, and all of them commit, with
 * DuckDB held to its floor (lake_set_memory_limit) and its spill directory gone after close. */
Test(lake, batch_rolls_data_files_at_the_byte_budget)
{
    char *dir;
    lake_t *lake = lt_lake_open("roll_bytes", &dir);
    lake_set_file_bytes(lake, 1); /* raised to the 1 MB floor */
    cr_assert_eq(lake->bytes_per_file, INT64_C(1) << 20);
    am_err_t err = {0};
    cr_assert(lake_set_memory_limit(lake, 1, &err), "%s", err.msg); /* raised to 32 MB */
    char *spill = strdup(lake->spill_dir);
    char *limit = lt_query_text(lake->con, "SELECT current_setting('memory_limit')");
    cr_assert_str_eq(limit, "32.0 MiB");
    free(limit);
    char *tmpdir = lt_query_text(lake->con, "SELECT current_setting('temp_directory')");
    cr_assert_str_eq(tmpdir, spill);
    free(tmpdir);
    lake_table_t *t = lt_create(lake, "orders");
    lake_batch_t *b = lake_batch_new(t);
    enum { N = 100000 };
    lake_pos_t *pos = calloc(N, sizeof *pos);
    lt_append(b, 0, N, pos);
    cr_assert_gt(pos[N - 1].file, 0, "one file of %d rows: nothing rolled at 1 MB", N);
    for (int i = 1; i < N; i++) {
        bool next_row = pos[i].file == pos[i - 1].file && pos[i].row == pos[i - 1].row + 1;
        bool next_file = pos[i].file == pos[i - 1].file + 1 && pos[i].row == 0;
        cr_assert(next_row || next_file, "row %d at file %d row %lld", i, pos[i].file,
                  (long long)pos[i].row);
    }
    lt_commit(b, 7);
    lake_batch_free(b);
    cr_assert_eq(lake_table_live_rows(t), N);
    duckdb_database db;
    duckdb_connection con;
    lt_duck(&db, &con);
    char *plan = lt_plan(dir, "orders", lake_table_snapshot_id(t));
    char *sql = NULL;
    cr_assert(asprintf(&sql, "SELECT count(*) + sum(id) FROM %s", plan) > 0);
    cr_assert_eq(lt_query_int(con, sql), N + (long long)N * (N - 1) / 2);
    free(sql);
    free(plan);
    duckdb_disconnect(&con);
    duckdb_close(&db);
    free(pos);
    lake_table_close(t);
    lake_close(lake);
    struct stat sb;
    cr_assert_neq(stat(spill, &sb), 0, "lake_close leaves %s behind", spill);
    free(spill);
    free(dir);
}

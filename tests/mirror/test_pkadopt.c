/*
 * An index made current without a full scan: a checkpoint caught up with the commits after it
 * (updates, deletes, inserts, rows of new files deleted later, a truncate) ends up equal, key
 * for key and position for position, to an index rebuilt from the lake; an image made for
 * another key is refused; an uncommitted batch taken back out leaves the committed index; a
 * compaction's remap moves entries and refuses one that would lose a row, and a checkpoint from
 * before the compaction still catches up exactly. Real lake, compactor and DuckDB, temp dir.
 */
#include "../lake/lake_test.h"
#include "mirror_test.h"

#include "lake/lake_internal.h" /* rows_per_file, to get several files from few rows */

static void upsert(mirror_table_t *t, int64_t id, const char *name, bool update)
{
    am_value_t v[4], old[4];
    am_err_t err = {0};
    set_row(v, id, name, "1.00");
    if (!update) {
        cr_assert(mirror__table_insert(t, v, true, &err), "%s", err.msg);
        return;
    }
    set_row(old, id, "?", "1.00");
    cr_assert(mirror__table_update(t, old, v, &err), "%s", err.msg);
}

static void delete_id(mirror_table_t *t, int64_t id)
{
    am_value_t old[4];
    am_err_t err = {0};
    set_row(old, id, "?", "1.00");
    cr_assert(mirror__table_delete(t, old, &err), "%s", err.msg);
}

static void commit(mirror_table_t *t, am_lsn_t lsn)
{
    am_err_t err = {0};
    cr_assert(mirror__table_commit(t, lsn, &err), "%s", err.msg);
}

/* Every key 0..max: both indexes hold it at the same position, or neither does. */
static void expect_same_index(mirror_table_t *a, mirror_table_t *b, int64_t max)
{
    cr_assert_eq(mirror__pk_rows(a->pk), mirror__pk_rows(b->pk));
    for (int64_t id = 0; id <= max; id++) {
        am_value_t key = {.kind = AM_VALUE_PRESENT, .i = id};
        lake_pos_t pa = {0}, pb = {0};
        mirror__key_encode(&a->key_buf, &key, NULL, 1, a->key_types);
        mirror__key_encode(&b->key_buf, &key, NULL, 1, b->key_types);
        bool fa = mirror__index_take(a, &pa), fb = mirror__index_take(b, &pb);
        cr_assert_eq(fa, fb, "key %lld: %d vs %d", (long long)id, fa, fb);
        cr_assert(!fa || (pa.file == pb.file && pa.row == pb.row),
                  "key %lld: file %d row %lld vs file %d row %lld", (long long)id, pa.file,
                  (long long)pa.row, pb.file, (long long)pb.row);
    }
}

static storage_t *store_at(const char *dir)
{
    am_err_t err = {0};
    storage_t *st = storage_local_new(dir, &err);
    cr_assert_not_null(st, "%s", err.msg);
    return st;
}

/* t's index written as a checkpoint at rel. */
static void checkpoint(mirror_table_t *t, storage_t *st, const char *rel)
{
    mirror_pkimage_t im;
    mirror__pkimage_of(t, &im, false);
    am_err_t err = {0};
    cr_assert(mirror__pkfile_write(st, rel, &im, &err), "%s", err.msg);
    im.pk = NULL;
    mirror__pkimage_destroy(&im);
}

/* A fresh table object (file ids numbered afresh) whose index is the checkpoint caught up. */
static void adopt_from(mirror_table_t *t, lake_t *lake, storage_t *st, const char *rel)
{
    setup_table(t, lt_open(lake, "m"));
    mirror_pkimage_t im;
    am_err_t err = {0};
    cr_assert(mirror__pkfile_read(st, rel, &im, &err), "%s", err.msg);
    cr_assert(mirror__index_adopt(t, &im, &err), "%s", err.msg);
}

static void rebuilt(mirror_table_t *t, lake_t *lake)
{
    setup_table(t, lt_open(lake, "m"));
    am_err_t err = {0};
    cr_assert(mirror__index_rebuild(t, &err), "%s", err.msg);
}

Test(mirror, checkpoint_catches_up_with_later_commits)
{
    char *dir;
    lake_t *lake = lt_lake_open("pkadopt-catch", &dir);
    lake->rows_per_file = 100;
    storage_t *st = store_at(dir);
    mirror_table_t t;
    setup_table(&t, lt_create(lake, "m"));
    for (int64_t id = 1; id <= 300; id++)
        upsert(&t, id, "first", false);
    commit(&t, 100);
    checkpoint(&t, st, "1.pkidx");
    for (int64_t id = 1; id <= 20; id++) /* deletes in old files, rows in a new one */
        upsert(&t, id, "second", true);
    for (int64_t id = 50; id <= 60; id++)
        delete_id(&t, id);
    for (int64_t id = 301; id <= 350; id++)
        upsert(&t, id, "new", false);
    commit(&t, 200);
    delete_id(&t, 310); /* rows of a file added after the checkpoint */
    upsert(&t, 305, "third", true);
    upsert(&t, 7, "third", true); /* a row updated twice since */
    commit(&t, 300);
    mirror__table_destroy(&t);

    mirror_table_t a, b;
    adopt_from(&a, lake, st, "1.pkidx");
    cr_assert_eq(mirror__pk_rows(a.pk), 300 - 11 + 50 - 1);
    cr_assert_gt(a.index_changes, 0);
    rebuilt(&b, lake);
    expect_same_index(&a, &b, 400);
    mirror__table_destroy(&a);
    mirror__table_destroy(&b);
    storage_free(st);
    lake_close(lake);
    free(dir);
}

Test(mirror, checkpoint_before_a_truncate_keeps_only_what_came_after)
{
    char *dir;
    lake_t *lake = lt_lake_open("pkadopt-trunc", &dir);
    storage_t *st = store_at(dir);
    mirror_table_t t;
    setup_table(&t, lt_create(lake, "m"));
    for (int64_t id = 1; id <= 50; id++)
        upsert(&t, id, "before", false);
    commit(&t, 100);
    checkpoint(&t, st, "1.pkidx");
    mirror__table_truncate(&t);
    for (int64_t id = 40; id <= 44; id++)
        upsert(&t, id, "after", false);
    commit(&t, 200);
    mirror__table_destroy(&t);
    mirror_table_t a, b;
    adopt_from(&a, lake, st, "1.pkidx");
    cr_assert_eq(mirror__pk_rows(a.pk), 5);
    rebuilt(&b, lake);
    expect_same_index(&a, &b, 60);
    mirror__table_destroy(&a);
    mirror__table_destroy(&b);
    storage_free(st);
    lake_close(lake);
    free(dir);
}

Test(mirror, an_image_made_for_another_key_is_refused)
{
    char *dir;
    lake_t *lake = lt_lake_open("pkadopt-key", &dir);
    mirror_table_t t;
    setup_table(&t, lt_create(lake, "m"));
    upsert(&t, 1, "x", false);
    commit(&t, 100);
    mirror_pkimage_t im;
    mirror__pkimage_of(&t, &im, true);
    im.key_sig ^= 1;
    t.pk = mirror__pk_new(false);
    am_err_t err = {0};
    cr_assert_not(mirror__index_adopt(&t, &im, &err));
    cr_assert(strstr(err.msg, "another key") != NULL, "%s", err.msg);
    cr_assert_eq(mirror__pk_rows(t.pk), 0);
    mirror__table_destroy(&t);
    lake_close(lake);
    free(dir);
}

Test(mirror, rollback_takes_an_open_batch_back_out)
{
    char *dir;
    lake_t *lake = lt_lake_open("pkadopt-undo", &dir);
    lake->rows_per_file = 30;
    mirror_table_t t;
    setup_table(&t, lt_create(lake, "m"));
    for (int64_t id = 1; id <= 100; id++)
        upsert(&t, id, "committed", false);
    commit(&t, 100);
    for (int64_t id = 1; id <= 40; id++) /* across rolled files of the open batch */
        upsert(&t, id, "open", true);
    for (int64_t id = 90; id <= 95; id++)
        delete_id(&t, id);
    for (int64_t id = 101; id <= 140; id++)
        upsert(&t, id, "open", false);
    upsert(&t, 120, "again", true);
    delete_id(&t, 130);
    am_err_t err = {0};
    cr_assert(mirror__index_rollback(&t, &err), "%s", err.msg);
    mirror_table_t b;
    rebuilt(&b, lake);
    expect_same_index(&t, &b, 150);
    mirror__table_destroy(&b);
    mirror__table_truncate(&t);
    cr_assert_not(mirror__index_rollback(&t, &err), "a truncate is not undone");
    cr_assert_str_eq(err.sqlstate, AM_SQLSTATE_UNSUPPORTED);
    mirror__table_destroy(&t);
    lake_close(lake);
    free(dir);
}

/* A compaction of every small file of t's table, committed (lake_compact_commit's remap). */
static lake_remap_t *compact(mirror_table_t *t, const char *dir)
{
    lake_maintain_options_t o;
    lake_maintain_defaults(&o);
    o.max_small_files = 2;
    lake_compact_job_t *job = lake_compact_plan(t->lt, &o);
    cr_assert_not_null(job, "no compaction planned");
    am_err_t err = {0};
    lake_compactor_t *c = lake_compactor_new(dir, INT64_C(64) << 20, &err);
    cr_assert_not_null(c, "%s", err.msg);
    cr_assert(lake_compact_run(c, job, &err), "run: %s", err.msg);
    lake_compactor_free(c);
    lake_remap_t *remap = NULL;
    cr_assert(lake_compact_commit(t->lt, job, &remap, &err), "commit: %s", err.msg);
    lake_compact_job_free(job);
    return remap;
}

Test(mirror, remap_follows_a_compaction_and_an_older_checkpoint_still_catches_up)
{
    char *dir;
    lake_t *lake = lt_lake_open("pkadopt-remap", &dir);
    lake->rows_per_file = 50;
    storage_t *st = store_at(dir);
    mirror_table_t t;
    setup_table(&t, lt_create(lake, "m"));
    for (int64_t id = 0; id < 100; id++)
        upsert(&t, id, "x", false);
    commit(&t, 100);
    delete_id(&t, 3);
    upsert(&t, 60, "y", true);
    commit(&t, 200);
    checkpoint(&t, st, "1.pkidx"); /* names the files the compaction removes */
    int64_t changes = t.index_changes;
    lake_remap_t *remap = compact(&t, dir);
    am_err_t err = {0};
    cr_assert(mirror__index_remap(&t, remap, &err), "%s", err.msg);
    lake_remap_free(remap);
    cr_assert_gt(t.index_changes, changes, "rows moved to new files count as changes");
    upsert(&t, 200, "after", false);
    delete_id(&t, 10);
    commit(&t, 300);

    mirror_table_t b;
    rebuilt(&b, lake);
    mirror_table_t a;
    adopt_from(&a, lake, st, "1.pkidx");
    expect_same_index(&a, &b, 200);
    mirror__table_destroy(&b);
    rebuilt(&b, lake);
    expect_same_index(&t, &b, 200); /* the remapped index, the one that kept streaming */
    mirror__table_destroy(&a);
    mirror__table_destroy(&b);

    /* a key naming a row the lake does not have: the index and the lake disagree */
    am_value_t key = {.kind = AM_VALUE_PRESENT, .i = 9999};
    mirror__key_encode(&t.key_buf, &key, NULL, 1, t.key_types);
    mirror__index_put(&t, (lake_pos_t){(int32_t)lake_table_n_file_ids(t.lt) + 5, 0});
    remap = lake_table_renumber(t.lt);
    cr_assert_not(mirror__index_remap(&t, remap, &err));
    lake_remap_free(remap);
    cr_assert_str_eq(err.sqlstate, "XX000");
    cr_assert(strstr(err.msg, "public.m") && strstr(err.msg, "1 rows"), "%s", err.msg);
    lake_pos_t p = {0};
    cr_assert(mirror__index_take(&t, &p));
    cr_assert(p.file == (int32_t)lake_table_n_file_ids(t.lt) + 5, "left as it was");
    mirror__table_destroy(&t);
    storage_free(st);
    lake_close(lake);
    free(dir);
}

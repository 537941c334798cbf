/*
 * An index made current without a full scan: a checkpoint caught up with the commits after it
 * (updates, deletes, inserts, rows of new files deleted later, a truncate) ends up equal, key
 * for key and position for position, to an index rebuilt from the lake; an image made for
 * another key is refused; an uncommitted batch taken back out leaves the committed index; a
 * compaction's map moves entries and refuses one that would lose a row. Real lake, temp dir.
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

Test(mirror, remap_moves_entries_and_refuses_to_lose_one)
{
    char *dir;
    lake_t *lake = lt_lake_open("pkadopt-remap", &dir);
    lake->rows_per_file = 50;
    mirror_table_t t;
    setup_table(&t, lt_create(lake, "m"));
    for (int64_t id = 0; id < 100; id++)
        upsert(&t, id, "x", false);
    commit(&t, 100);
    delete_id(&t, 3);
    commit(&t, 200);
    /* file 0 rewritten into a file 7 in reverse order, its deleted row 3 left out */
    lake_pos_t to[50];
    for (int r = 0; r < 50; r++)
        to[r] = r == 3 ? (lake_pos_t){-1, 0} : (lake_pos_t){7, 49 - r};
    mirror_remap_file_t map = {.file = 0, .to = to, .n_rows = 50};
    am_err_t err = {0};
    cr_assert(mirror__index_remap(&t, &map, 1, &err), "%s", err.msg);
    for (int64_t id = 0; id < 100; id += 7) {
        am_value_t key = {.kind = AM_VALUE_PRESENT, .i = id};
        mirror__key_encode(&t.key_buf, &key, NULL, 1, t.key_types);
        lake_pos_t p = {0};
        cr_assert_eq(mirror__index_take(&t, &p), id != 3);
        if (id < 50 && id != 3)
            cr_assert(p.file == 7 && p.row == 49 - id, "id %lld at %d/%lld", (long long)id, p.file,
                      (long long)p.row);
        else if (id != 3)
            cr_assert(p.file == 1 && p.row == id - 50);
        if (id != 3)
            mirror__index_put(&t, p);
    }
    /* a map that drops a row the index still holds: nothing moves */
    lake_pos_t lose[50];
    for (int r = 0; r < 50; r++)
        lose[r] = r == 10 ? (lake_pos_t){-1, 0} : (lake_pos_t){8, r};
    mirror_remap_file_t bad = {.file = 1, .to = lose, .n_rows = 50};
    cr_assert_not(mirror__index_remap(&t, &bad, 1, &err));
    cr_assert(strstr(err.msg, "did not keep") != NULL, "%s", err.msg);
    am_value_t key = {.kind = AM_VALUE_PRESENT, .i = 70};
    mirror__key_encode(&t.key_buf, &key, NULL, 1, t.key_types);
    lake_pos_t p = {0};
    cr_assert(mirror__index_take(&t, &p));
    cr_assert(p.file == 1 && p.row == 20, "left as it was");
    mirror__table_destroy(&t);
    lake_close(lake);
    free(dir);
}

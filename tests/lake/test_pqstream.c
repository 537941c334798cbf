/*
 * tests/lake/test_pqstream.c: a batch that only appends (lake_batch_stream, the initial copy)
 * writes the same rows at the same positions as one through the temp table: files that roll
 * over mid-batch, a file smaller than the rows that start its COPY, NULLs and strings; a batch
 * freed before its commit leaves no file; what needs the temp table is refused with an error,
 * and a commit makes the batch an ordinary one again; a COPY that cannot write fails the batch
 * with an error naming the file instead of hanging.
 */
#include "lake/lake_internal.h" /* rows_per_file, to roll files; before lake_test.h */

#include "lake_test.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

static void expect_rows(lake_table_t *t, const lake_pos_t *pos, int64_t n)
{
    for (int64_t i = 0; i < n; i += n / 97 + 1) {
        am_arena_t *arena = am_arena_new(0);
        am_value_t out[LT_NCOLS];
        am_err_t err = {0};
        cr_assert(lake_table_fetch_row(t, pos[i], arena, out, &err), "row %lld: %s", (long long)i,
                  err.msg);
        char name[32], amt[32];
        am_value_t want[LT_NCOLS];
        lt_row(i, name, sizeof name, amt, sizeof amt, want);
        cr_assert_eq(out[0].i, i, "row at file %d pos %lld", pos[i].file, (long long)pos[i].row);
        cr_assert(out[1].len == want[1].len && memcmp(out[1].s, want[1].s, want[1].len) == 0);
        cr_assert_eq(out[2].i, want[2].i);
        cr_assert_eq(out[3].kind, want[3].kind, "row %lld amount", (long long)i);
        am_arena_free(arena);
    }
}

static int64_t count_files(const char *dir, const char *name)
{
    char path[600];
    snprintf(path, sizeof path, "%s/public/%s/data", dir, name);
    DIR *d = opendir(path);
    if (!d)
        return 0;
    int64_t n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        n += strstr(e->d_name, ".parquet") != NULL;
    closedir(d);
    return n;
}

Test(lake, a_streamed_batch_writes_what_the_temp_table_would)
{
    char *dir;
    lake_t *lake = lt_lake_open("pqstream", &dir);
    lake->rows_per_file = 70000; /* past the queue and the rows that start a COPY */
    enum { N = 150000 };
    lake_pos_t *streamed = calloc(N, sizeof *streamed), *plain = calloc(N, sizeof *plain);

    lake_table_t *a = lt_create(lake, "streamed");
    lake_batch_t *b = lake_batch_new(a);
    lake_batch_stream(b);
    lt_append(b, 0, N, streamed);
    lt_commit(b, 1);
    lake_table_t *p = lt_create(lake, "plain");
    lake_batch_t *c = lake_batch_new(p);
    lt_append(c, 0, N, plain);
    lt_commit(c, 1);
    for (int64_t i = 0; i < N; i++)
        cr_assert(streamed[i].file == plain[i].file && streamed[i].row == plain[i].row, "row %lld",
                  (long long)i);
    cr_assert_eq(lake_table_live_rows(a), N);
    expect_rows(a, streamed, N);
    cr_assert_eq(count_files(dir, "streamed"), 3);

    /* after its commit the batch updates like any other: a fill is taken again */
    am_err_t err = {0};
    char name[32], amt[32];
    am_value_t v[LT_NCOLS];
    lt_row(7, name, sizeof name, amt, sizeof amt, v);
    v[1] = (am_value_t){.kind = AM_VALUE_UNCHANGED};
    lake_pos_t at;
    cr_assert(lake_batch_delete(b, streamed[7], &err), "%s", err.msg);
    cr_assert(lake_batch_append_fill(b, v, streamed[7], &at, &err), "%s", err.msg);
    lt_commit(b, 2);
    lake_batch_free(b);
    lake_batch_free(c);
    lake_table_close(p);
    lt_expect_no_orphans(dir, "streamed");
    lake_table_close(a);

    /* a file smaller than the rows that start its COPY, read back after a reopen */
    lake_table_t *s = lt_create(lake, "small");
    b = lake_batch_new(s);
    lake_batch_stream(b);
    lt_append(b, 0, 10, streamed);
    lt_commit(b, 1);
    lake_batch_free(b);
    lake_table_close(s);
    s = lt_open(lake, "small");
    cr_assert_eq(lake_table_live_rows(s), 10);
    expect_rows(s, streamed, 10);
    lake_table_close(s);
    free(streamed);
    free(plain);
    lake_close(lake);
    free(dir);
}

Test(lake, a_streamed_batch_refuses_fills_and_leaves_nothing_when_freed)
{
    char *dir;
    lake_t *lake = lt_lake_open("pqstream_refuse", &dir);
    lake->rows_per_file = 30000;
    lake_table_t *t = lt_create(lake, "orders");
    lake_batch_t *b = lake_batch_new(t);
    lake_pos_t old[5];
    lt_append(b, 0, 5, old);
    lt_commit(b, 1);
    lake_batch_stream(b);
    lt_append(b, 5, 80005, NULL); /* two files written, a third being written */
    char name[32], amt[32];
    am_value_t v[LT_NCOLS];
    lt_row(3, name, sizeof name, amt, sizeof amt, v);
    v[1] = (am_value_t){.kind = AM_VALUE_UNCHANGED};
    lake_pos_t at;
    am_err_t err = {0};
    cr_assert_not(lake_batch_append_fill(b, v, old[3], &at, &err));
    cr_assert(strstr(err.msg, "only appends") != NULL, "%s", err.msg);
    cr_assert_geq(count_files(dir, "orders"), 3); /* the third once its COPY opened it */
    lake_batch_free(b); /* gives the open file up and removes the written ones */
    cr_assert_eq(count_files(dir, "orders"), 1);
    lt_expect_no_orphans(dir, "orders");
    cr_assert_eq(lake_table_live_rows(t), 5);
    lake_table_close(t);
    lake_close(lake);
    free(dir);
}

Test(lake, a_streamed_file_that_cannot_be_written_fails_the_batch)
{
    char *dir;
    lake_t *lake = lt_lake_open("pqstream_fail", &dir);
    lake_table_t *t = lt_create(lake, "orders");
    /* data/ is a plain file: no one, root included, can create a file under it */
    char path[600];
    snprintf(path, sizeof path, "%s/public/orders/data", dir);
    (void)rmdir(path);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fclose(f);
    lake_batch_t *b = lake_batch_new(t);
    lake_batch_stream(b);
    am_err_t err = {0};
    bool ok = true;
    for (int64_t i = 0; ok && i < 100000; i++) {
        char name[32], amt[32];
        am_value_t v[LT_NCOLS];
        lt_row(i, name, sizeof name, amt, sizeof amt, v);
        lake_pos_t pos;
        ok = lake_batch_append(b, v, &pos, &err);
    }
    if (ok)
        ok = lake_batch_commit(b, 1, &err);
    cr_assert_not(ok, "the batch should fail");
    cr_assert(strstr(err.msg, "data/") != NULL, "%s", err.msg);
    lake_batch_free(b);
    lake_table_close(t);
    lake_close(lake);
    free(dir);
}

/*
 * tests/lake/test_fill.c: rows appended with values still to come from committed rows (UPDATEs
 * that left TOASTed values alone) get exactly the values of the rows named, whichever columns
 * each lacks, across several source files and a data file that rolls over mid-batch; reading
 * the open file gives complete rows; a position that is not a committed row is refused.
 */
#include "lake_test.h"

#include "lake/lake_internal.h" /* rows_per_file, to roll files with few rows */

#define N_ROWS 100

static void expect_row(lake_table_t *t, lake_pos_t pos, int64_t i, bool new_ts)
{
    am_arena_t *arena = am_arena_new(0);
    am_value_t out[LT_NCOLS];
    am_err_t err = {0};
    cr_assert(lake_table_fetch_row(t, pos, arena, out, &err), "row %lld: %s", (long long)i,
              err.msg);
    char name[32], amt[32];
    am_value_t want[LT_NCOLS];
    lt_row(i, name, sizeof name, amt, sizeof amt, want);
    cr_assert_eq(out[0].i, i);
    cr_assert(out[1].kind == AM_VALUE_PRESENT && out[1].len == want[1].len &&
                  memcmp(out[1].s, want[1].s, want[1].len) == 0,
              "row %lld name %.*s", (long long)i, (int)out[1].len, out[1].s);
    cr_assert_eq(out[2].i, new_ts ? -i : want[2].i, "row %lld ts", (long long)i);
    cr_assert_eq(out[3].kind, want[3].kind, "row %lld amount", (long long)i);
    if (want[3].kind == AM_VALUE_PRESENT)
        cr_assert(out[3].len == want[3].len && memcmp(out[3].s, want[3].s, want[3].len) == 0,
                  "row %lld amount %.*s", (long long)i, (int)out[3].len, out[3].s);
    am_arena_free(arena);
}

Test(lake, fill_takes_unchanged_values_from_the_rows_named)
{
    char *dir;
    lake_t *lake = lt_lake_open("fill", &dir);
    lake->rows_per_file = 40; /* committed rows in files of 40, 40, 20 */
    lake_table_t *t = lt_create(lake, "orders");
    lake_batch_t *b = lake_batch_new(t);
    lake_pos_t old[N_ROWS], now[N_ROWS];
    lt_append(b, 0, N_ROWS, old);
    lt_commit(b, 1);
    lake->rows_per_file = 25; /* the new rows roll over mid-batch: closing a file fills it */
    am_err_t err = {0};
    for (int64_t i = N_ROWS - 1; i >= 0; i--) {
        char name[32], amt[32];
        am_value_t v[LT_NCOLS];
        lt_row(i, name, sizeof name, amt, sizeof amt, v);
        v[2].i = -i;
        if (i % 3 != 2)
            v[1] = (am_value_t){.kind = AM_VALUE_UNCHANGED};
        if (i % 2 == 0)
            v[3] = (am_value_t){.kind = AM_VALUE_UNCHANGED};
        cr_assert(lake_batch_delete(b, old[i], &err), "%s", err.msg);
        cr_assert(lake_batch_append_fill(b, v, old[i], &now[i], &err), "%lld: %s", (long long)i,
                  err.msg);
    }
    /* rows of the open file read back complete, before it is written */
    expect_row(t, now[0], 0, true);
    expect_row(t, now[1], 1, true);
    lt_commit(b, 2);
    lake_batch_free(b);
    lake_table_close(t);

    t = lt_open(lake, "orders");
    cr_assert_eq(lake_table_live_rows(t), N_ROWS);
    for (int64_t i = 0; i < N_ROWS; i++)
        expect_row(t, now[i], i, true);
    lake_table_close(t);
    lake_close(lake);
    free(dir);
}

Test(lake, fill_refuses_a_position_that_is_not_a_committed_row)
{
    char *dir;
    lake_t *lake = lt_lake_open("fill_refuses", &dir);
    lake_table_t *t = lt_create(lake, "orders");
    lake_batch_t *b = lake_batch_new(t);
    lake_pos_t old[3], pos;
    lt_append(b, 0, 3, old);
    char name[32], amt[32];
    am_value_t v[LT_NCOLS];
    lt_row(7, name, sizeof name, amt, sizeof amt, v);
    v[1] = (am_value_t){.kind = AM_VALUE_UNCHANGED};
    am_err_t err = {0};
    /* a row of this batch is not committed yet */
    cr_assert_not(lake_batch_append_fill(b, v, old[0], &pos, &err));
    cr_assert_str_eq(err.sqlstate, AM_SQLSTATE_INVALID_PARAMETER);
    cr_assert(strstr(err.msg, "public.orders") != NULL, "%s", err.msg);
    lt_commit(b, 1);
    lake_pos_t past = {.file = old[0].file, .row = 3};
    err = (am_err_t){0};
    cr_assert_not(lake_batch_append_fill(b, v, past, &pos, &err));
    /* the batch is still usable, and a row with nothing unchanged is a plain append */
    lt_row(7, name, sizeof name, amt, sizeof amt, v);
    cr_assert(lake_batch_append_fill(b, v, old[1], &pos, &err), "%s", err.msg);
    lt_commit(b, 2);
    cr_assert_eq(lake_table_live_rows(t), 4);
    lake_batch_free(b);
    lake_table_close(t);
    lake_close(lake);
    free(dir);
}

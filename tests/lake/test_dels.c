/* A batch's deleted positions past its memory share go to sorted runs in a temp file
 * (lake/dels.c): the delete file is the same set, sorted the same way, whichever way it was
 * written. */
#include "lake/lake_internal.h"

#include "lake_test.h"

#define ROWS 120
#define NEW 40
#define NEW_ID 200
#define ALL (ROWS + NEW)
#define MEM 16 /* positions kept in memory: bytes_per_file / 4 / 8 */

/* xorshift: the same deletes every run */
static uint64_t next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static int pos_cmp(const void *a, const void *b)
{
    const lake_pos_t *x = a, *y = b;
    if (x->file != y->file)
        return x->file < y->file ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

static size_t unique(lake_pos_t *p, size_t n)
{
    qsort(p, n, sizeof *p, pos_cmp);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (k == 0 || pos_cmp(&p[k - 1], &p[i]) != 0)
            p[k++] = p[i];
    return k;
}

/* The table's live ids at snapshot snap, "1,2,..." ("NULL" when none; caller frees). */
static char *live_ids(duckdb_connection con, const char *dir, int64_t snap)
{
    char *plan = lt_plan(dir, "orders", snap);
    char sql[4096];
    snprintf(sql, sizeof sql, "SELECT string_agg(id::VARCHAR, ',' ORDER BY id) FROM %s", plan);
    free(plan);
    return lt_query_text(con, sql);
}

/* Deletes `n` random committed rows (some twice), over the budget when n > MEM; checks what the
 * batch hands back, commits, and checks the table and its delete file. */
static void run(const char *name, int n)
{
    char *dir;
    lake_t *lake = lt_lake_open(name, &dir);
    lake->rows_per_file = 40;
    lake_table_t *t = lt_create(lake, "orders");
    lake_batch_t *b = lake_batch_new(t);
    lake_pos_t pos[ALL];
    lt_append(b, 0, ROWS, pos); /* three data files */
    lt_commit(b, 1);
    lt_append(b, NEW_ID, NEW_ID + NEW, pos + ROWS); /* a fourth, in the batch itself */
    lake->bytes_per_file = MEM * 4 * 8;

    bool gone[ALL] = {false};
    lake_pos_t asked[2 * ROWS];
    size_t n_asked = 0;
    uint64_t seed = 0x2545f4914f6cdd1du;
    am_err_t err = {0};
    for (int i = 0; i < n; i++) {
        size_t r = next(&seed) % ALL;
        gone[r] = true;
        asked[n_asked++] = pos[r];
        cr_assert(lake_batch_delete(b, pos[r], &err), "%s", err.msg);
    }
    cr_assert_eq(lake_batch_n_deleted(b), n);
    cr_assert_eq(b->n_runs > 0, n >= MEM, "%zu runs for %d deletes", b->n_runs, n);
    lake_pos_t *all = NULL;
    size_t n_all = 0;
    cr_assert(lake_batch_deletes(b, &all, &n_all, &err), "%s", err.msg);
    /* repeats may or may not come back: compare the sets */
    n_all = unique(all, n_all);
    n_asked = unique(asked, n_asked);
    cr_assert_eq(n_all, n_asked);
    for (size_t i = 0; i < n_all; i++)
        cr_assert(all[i].file == asked[i].file && all[i].row == asked[i].row,
                  "position %zu: %d/%lld, wanted %d/%lld", i, all[i].file, (long long)all[i].row,
                  asked[i].file, (long long)asked[i].row);
    free(all);
    lt_commit(b, 2);
    lake_batch_free(b);
    int64_t snap = lake_table_snapshot_id(t);
    lake_table_close(t);

    int n_gone = 0;
    char want[ALL * 5 + 1] = "", *w = want;
    for (int r = 0; r < ALL; r++) {
        if (gone[r])
            n_gone++;
        else
            w += sprintf(w, "%s%d", w == want ? "" : ",", r < ROWS ? r : NEW_ID + r - ROWS);
    }
    duckdb_database db;
    duckdb_connection con;
    lt_duck(&db, &con);
    char *got = live_ids(con, dir, snap);
    cr_assert_str_eq(got, w == want ? "NULL" : want, "%s: the live rows", name);
    free(got);
    /* one delete file: each position once, sorted by file_path then pos */
    char sql[1024];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FILTER (WHERE pf > file_path OR (pf = file_path AND pp >= pos)) "
             "|| '/' || count(*) || '/' || count(DISTINCT file_path) FROM (SELECT file_path, "
             "pos, lag(file_path) OVER w AS pf, lag(pos) OVER w AS pp FROM "
             "read_parquet('%s/public/orders/data/*-deletes.parquet', file_row_number = true) "
             "WINDOW w AS (ORDER BY file_row_number))",
             dir);
    got = lt_query_text(con, sql);
    int files = 0;
    for (int f = 0; f < ALL / 40; f++)
        for (int r = f * 40; r < (f + 1) * 40; r++)
            if (gone[r]) {
                files++;
                break;
            }
    char expect[64];
    snprintf(expect, sizeof expect, "0/%d/%d", n_gone, files);
    cr_assert_str_eq(got, expect, "%s: disorder/rows/files of the delete file", name);
    free(got);
    duckdb_disconnect(&con);
    duckdb_close(&db);
    lake_close(lake);
    free(dir);
}

Test(lake, deletes_in_memory_make_a_sorted_delete_file)
{
    run("dels_mem", MEM - 1);
}

Test(lake, deletes_spilled_to_runs_make_the_same_sorted_file)
{
    run("dels_moved", 90);
}

/* A truncate forgets spilled deletes with the rest. */
Test(lake, spilled_deletes_go_with_a_truncate)
{
    char *dir;
    lake_t *lake = lt_lake_open("dels_trunc", &dir);
    lake_table_t *t = lt_create(lake, "orders");
    lake_batch_t *b = lake_batch_new(t);
    lake_pos_t pos[ROWS];
    lt_append(b, 0, ROWS, pos);
    lt_commit(b, 1);
    lake->bytes_per_file = MEM * 4 * 8;
    am_err_t err = {0};
    for (int r = 0; r < 50; r++)
        cr_assert(lake_batch_delete(b, pos[r], &err), "%s", err.msg);
    cr_assert(b->n_runs > 0);
    lake_batch_truncate(b);
    cr_assert_eq(lake_batch_n_deleted(b), 0);
    cr_assert_eq(b->spill_fd, -1);
    lt_append(b, 500, 503, NULL);
    lt_commit(b, 2);
    int64_t snap = lake_table_snapshot_id(t);
    lake_batch_free(b);
    lake_table_close(t);
    duckdb_database db;
    duckdb_connection con;
    lt_duck(&db, &con);
    char *got = live_ids(con, dir, snap);
    cr_assert_str_eq(got, "500,501,502");
    free(got);
    duckdb_disconnect(&con);
    duckdb_close(&db);
    lake_close(lake);
    free(dir);
}

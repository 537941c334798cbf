/*
 * tests/lake/test_scan.c: reading rows back: every type comes out of fetch_row in the
 * am_value_t form append took (ints in .i, decimals as text with the column's scale, string
 * and binary bytes, uuids as text, lists item by item, infinities as DuckDB's), scan_keys sees
 * exactly the live rows with their positions after a reopen, and rows of the open batch (temp table
 * or rolled file) can be fetched too.
 */
#include "lake_test.h"

#include "lake/lake_internal.h" /* rows_per_file, to roll files with few rows */

static const lake_column_t all_cols[] = {
    {.name = "k1", .type = {AM_TYPE_INT32, 0, 0, 0}, .required = true, .is_key = true},
    {.name = "k2", .type = {AM_TYPE_STRING, 0, 0, 0}, .required = true, .is_key = true},
    {.name = "b", .type = {AM_TYPE_BOOL, 0, 0, 0}},
    {.name = "i16", .type = {AM_TYPE_INT16, 0, 0, 0}},
    {.name = "i64", .type = {AM_TYPE_INT64, 0, 0, 0}},
    {.name = "f32", .type = {AM_TYPE_FLOAT32, 0, 0, 0}},
    {.name = "f64", .type = {AM_TYPE_FLOAT64, 0, 0, 0}},
    {.name = "dec", .type = {AM_TYPE_DECIMAL, 12, 2, 0}},
    {.name = "bigdec", .type = {AM_TYPE_DECIMAL, 38, 10, 0}},
    {.name = "bin", .type = {AM_TYPE_BINARY, 0, 0, 0}},
    {.name = "d", .type = {AM_TYPE_DATE, 0, 0, 0}},
    {.name = "t", .type = {AM_TYPE_TIME, 0, 0, 0}},
    {.name = "ts", .type = {AM_TYPE_TIMESTAMP, 0, 0, 0}},
    {.name = "tstz", .type = {AM_TYPE_TIMESTAMPTZ, 0, 0, 0}},
    {.name = "with \"quote\"", .type = {AM_TYPE_STRING, 0, 0, 0}},
    {.name = "u", .type = {AM_TYPE_UUID, 0, 0, 0}},
    {.name = "li", .type = {AM_TYPE_LIST, 0, 0, AM_TYPE_INT16}},
    {.name = "ls", .type = {AM_TYPE_LIST, 0, 0, AM_TYPE_STRING}},
    {.name = "ld", .type = {AM_TYPE_LIST, 8, 2, AM_TYPE_DECIMAL}},
};
#define N_ALL 19

#define P(field, v)                                                                                \
    {                                                                                              \
        .kind = AM_VALUE_PRESENT, .field = v                                                       \
    }
#define S(str)                                                                                     \
    {                                                                                              \
        .kind = AM_VALUE_PRESENT, .s = str, .len = sizeof(str) - 1                                 \
    }

static const am_value_t ints[] = {P(i, 1), {0}, P(i, -32768)};
static const am_value_t strs[] = {S("x"), S(""), {0}, S("a longer element, past inlining")};
static const am_value_t decs[] = {S("1.50"), S("-0.01")};

static const am_value_t row_a[N_ALL] = {
    P(i, 1),
    S("alpha"),
    P(i, 1),
    P(i, -32768),
    P(i, INT64_MIN + 1),
    P(f, 1.5),
    P(f, -2.25e300),
    S("1.5"),
    S("-12345678901234567890.0123456789"),
    {.kind = AM_VALUE_PRESENT, .s = "\0\xff", .len = 2},
    P(i, -719528),
    P(i, 86399999999),
    P(i, -62135596800000000),
    P(i, 1700000000123456),
    S("it's \"quoted\""),
    S("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
    {.kind = AM_VALUE_PRESENT, .items = ints, .n_items = 3},
    {.kind = AM_VALUE_PRESENT, .items = strs, .n_items = 4},
    {.kind = AM_VALUE_PRESENT, .items = decs, .n_items = 2},
};
/* NULLs, DuckDB's infinities, empty lists */
static const am_value_t row_b[N_ALL] = {
    P(i, 2),
    S("beta"),
    P(i, 0),
    {0},
    {0},
    {0},
    {0},
    {0},
    {0},
    {0},
    P(i, AM_DATE_NEG_INFINITY),
    {0},
    P(i, AM_TS_INFINITY),
    P(i, AM_TS_NEG_INFINITY),
    {0},
    {0},
    {.kind = AM_VALUE_PRESENT},
    {.kind = AM_VALUE_PRESENT},
    {0},
};

static void expect_same(const am_value_t *want, const am_value_t *got, const lake_column_t *c)
{
    cr_assert_eq(got->kind, want->kind, "column %s", c->name);
    if (want->kind != AM_VALUE_PRESENT)
        return;
    if (c->type.type == AM_TYPE_LIST) {
        lake_column_t elem = {.name = c->name, .type = am_coltype_elem(c->type)};
        cr_assert_eq(got->n_items, want->n_items, "column %s", c->name);
        for (uint32_t k = 0; k < want->n_items; k++)
            expect_same(&want->items[k], &got->items[k], &elem);
        return;
    }
    switch (c->type.type) {
    case AM_TYPE_FLOAT32:
    case AM_TYPE_FLOAT64:
        cr_assert_float_eq(got->f, want->f, 1e-6 * (got->f < 0 ? -got->f : got->f) + 1e-9, "%s",
                           c->name);
        break;
    case AM_TYPE_DECIMAL:
    case AM_TYPE_STRING:
    case AM_TYPE_BINARY:
    case AM_TYPE_UUID:
        break;
    default:
        cr_assert_eq(got->i, want->i, "column %s", c->name);
        return;
    }
    if (c->type.type == AM_TYPE_DECIMAL && strcmp(c->name, "dec") == 0) {
        cr_assert(got->len == 4 && memcmp(got->s, "1.50", 4) == 0, "scale 2 text: %.*s",
                  (int)got->len, got->s);
        return;
    }
    if (c->type.type == AM_TYPE_STRING || c->type.type == AM_TYPE_BINARY ||
        c->type.type == AM_TYPE_DECIMAL || c->type.type == AM_TYPE_UUID)
        cr_assert(got->len == want->len && memcmp(got->s, want->s, want->len) == 0,
                  "column %s: %.*s", c->name, (int)got->len, got->s);
}

typedef struct seen {
    int n;
    lake_pos_t pos[8];
    int32_t k1[8];
    char k2[8][16];
} seen_t;

static bool on_key(void *ud, const am_value_t *keys, lake_pos_t pos)
{
    seen_t *s = ud;
    cr_assert_lt(s->n, 8);
    s->pos[s->n] = pos;
    s->k1[s->n] = (int32_t)keys[0].i;
    snprintf(s->k2[s->n], sizeof s->k2[0], "%.*s", (int)keys[1].len, keys[1].s);
    s->n++;
    return true;
}

Test(lake, every_type_round_trips)
{
    char *dir;
    lake_t *lake = lt_lake_open("all_types", &dir);
    am_err_t err = {0};
    lake_table_t *t = lake_table_create(lake, "public", "all", all_cols, N_ALL, &err);
    cr_assert_not_null(t, "%s", err.msg);
    lake_batch_t *b = lake_batch_new(t);
    lake_pos_t pa, pb;
    cr_assert(lake_batch_append(b, row_a, &pa, &err), "%s", err.msg);
    cr_assert(lake_batch_append(b, row_b, &pb, &err), "%s", err.msg);
    /* fetch from the batch's temp table, before any Parquet file exists */
    am_arena_t *arena = am_arena_new(0);
    am_value_t out[N_ALL];
    cr_assert(lake_table_fetch_row(t, pa, arena, out, &err), "%s", err.msg);
    for (int c = 0; c < N_ALL; c++)
        expect_same(&row_a[c], &out[c], &all_cols[c]);
    lt_commit(b, 7);
    lake_batch_free(b);
    lake_table_close(t);

    t = lt_open(lake, "all");
    cr_assert_eq(lake_table_columns(t)[3].type.type, AM_TYPE_INT16);
    seen_t s = {0};
    cr_assert(lake_table_scan_keys(t, on_key, &s, &err), "%s", err.msg);
    cr_assert_eq(s.n, 2);
    int a = s.k1[0] == 1 ? 0 : 1;
    cr_assert_eq(s.k1[a], 1);
    cr_assert_str_eq(s.k2[a], "alpha");
    cr_assert_str_eq(s.k2[1 - a], "beta");
    am_arena_reset(arena);
    cr_assert(lake_table_fetch_row(t, s.pos[a], arena, out, &err), "%s", err.msg);
    for (int c = 0; c < N_ALL; c++)
        expect_same(&row_a[c], &out[c], &all_cols[c]);
    cr_assert(lake_table_fetch_row(t, s.pos[1 - a], arena, out, &err), "%s", err.msg);
    for (int c = 0; c < N_ALL; c++)
        expect_same(&row_b[c], &out[c], &all_cols[c]);
    lake_pos_t nowhere = {.file = 9, .row = 0};
    cr_assert_not(lake_table_fetch_row(t, nowhere, arena, out, &err));
    am_arena_free(arena);
    lake_table_close(t);
    lake_close(lake);
    free(dir);
}

static bool count_key(void *ud, const am_value_t *keys, lake_pos_t pos)
{
    int64_t *ids = ud;
    cr_assert_eq(ids[keys[0].i], -1, "key %lld seen twice", (long long)keys[0].i);
    ids[keys[0].i] = ((int64_t)pos.file << 32) | pos.row;
    return true;
}

Test(lake, scan_keys_after_deletes_and_rolled_files)
{
    char *dir;
    lake_t *lake = lt_lake_open("scan_keys", &dir);
    lake->rows_per_file = 40; /* 100 rows -> files of 40, 40, 20 */
    lake_table_t *t = lt_create(lake, "orders");
    lake_batch_t *b = lake_batch_new(t);
    lake_pos_t pos[100];
    lt_append(b, 0, 100, pos);
    cr_assert_eq(pos[39].file, 0);
    cr_assert_eq(pos[40].file, 1);
    cr_assert_eq(pos[40].row, 0);
    cr_assert_eq(pos[99].file, 2);
    /* fetch a row of a rolled (already written) file of the open batch */
    am_arena_t *arena = am_arena_new(0);
    am_value_t out[LT_NCOLS];
    am_err_t err = {0};
    cr_assert(lake_table_fetch_row(t, pos[45], arena, out, &err), "%s", err.msg);
    cr_assert_eq(out[0].i, 45);
    cr_assert(lake_batch_delete(b, pos[46], &err), "%s", err.msg);
    lt_commit(b, 1);
    for (int i = 0; i < 100; i += 3)
        cr_assert(lake_batch_delete(b, pos[i], &err), "%s", err.msg);
    lt_commit(b, 2);
    lake_batch_free(b);
    int64_t live = lake_table_live_rows(t);
    cr_assert_eq(live, 100 - 34 - 1);
    lake_table_close(t);

    t = lt_open(lake, "orders");
    cr_assert_eq(lake_table_live_rows(t), live);
    int64_t ids[100];
    for (int i = 0; i < 100; i++)
        ids[i] = -1;
    cr_assert(lake_table_scan_keys(t, count_key, ids, &err), "%s", err.msg);
    int n = 0;
    for (int i = 0; i < 100; i++) {
        bool deleted = i % 3 == 0 || i == 46;
        cr_assert_eq(ids[i] == -1, deleted, "row %d", i);
        if (deleted)
            continue;
        n++;
        lake_pos_t p = {.file = (int32_t)(ids[i] >> 32), .row = ids[i] & 0xffffffff};
        am_arena_reset(arena);
        cr_assert(lake_table_fetch_row(t, p, arena, out, &err), "%s", err.msg);
        cr_assert_eq(out[0].i, i, "position of key %d holds key %lld", i, (long long)out[0].i);
    }
    cr_assert_eq(n, live);
    am_arena_free(arena);
    lake_table_close(t);
    lake_close(lake);
    free(dir);
}

static bool stop_at_once(void *ud, const am_value_t *keys, lake_pos_t pos)
{
    (void)ud;
    (void)keys;
    (void)pos;
    return false;
}

Test(lake, scan_keys_stops_when_callback_says_so)
{
    char *dir;
    lake_t *lake = lt_lake_open("scan_stop", &dir);
    lake_table_t *t = lt_create(lake, "orders");
    lake_batch_t *b = lake_batch_new(t);
    lt_append(b, 0, 10, NULL);
    lt_commit(b, 1);
    lake_batch_free(b);
    am_err_t err = {0};
    cr_assert_not(lake_table_scan_keys(t, stop_at_once, NULL, &err));
    cr_assert_str_eq(err.sqlstate, "57014");
    lake_table_close(t);
    lake_close(lake);
    free(dir);
}

typedef struct seen_ids {
    int64_t ids[200];
    lake_pos_t pos[200];
    int n;
} seen_ids_t;

static bool note_id(void *ud, const am_value_t *keys, lake_pos_t pos)
{
    seen_ids_t *s = ud;
    cr_assert_lt(s->n, 200);
    s->ids[s->n] = keys[0].i;
    s->pos[s->n++] = pos;
    return true;
}

static bool seen_has(const seen_ids_t *s, int64_t id)
{
    for (int i = 0; i < s->n; i++)
        if (s->ids[i] == id)
            return true;
    return false;
}

/* What an index catching up from a checkpoint reads: only some files, the rows of some delete
 * files, rows at positions (deleted ones too); file ids and URIs name the same files. */
Test(lake, scans_of_files_deletes_and_positions)
{
    char *dir;
    lake_t *lake = lt_lake_open("scan_parts", &dir);
    lake->rows_per_file = 40;
    lake_table_t *t = lt_create(lake, "orders");
    lake_batch_t *b = lake_batch_new(t);
    lake_pos_t pos[120];
    lt_append(b, 0, 80, pos); /* files 0 and 1 */
    lt_commit(b, 1);
    am_err_t err = {0};
    for (int i = 0; i < 80; i += 10) /* deletes of the first commit's rows, a delete file */
        cr_assert(lake_batch_delete(b, pos[i], &err), "%s", err.msg);
    lt_append(b, 80, 120, pos + 80); /* file 2 */
    cr_assert(lake_batch_delete(b, pos[85], &err), "%s", err.msg);
    lake_pos_t *all = NULL;
    size_t n_all = 0;
    cr_assert(lake_batch_deletes(b, &all, &n_all, &err), "%s", err.msg);
    cr_assert_eq(n_all, 9);
    cr_assert_eq(all[0].row, 0);
    cr_assert_eq(all[8].file, pos[85].file);
    free(all);
    cr_assert_eq(lake_batch_n_deleted(b), 9);
    cr_assert_not(lake_batch_truncated(b));
    lt_commit(b, 2);
    lake_batch_free(b);
    lake_table_close(t);

    t = lt_open(lake, "orders");
    cr_assert_eq(lake_table_n_file_ids(t), 3);
    cr_assert_eq(lake_table_n_delete_files(t), 1);
    cr_assert_not_null(lake_table_data_file(t, 2));
    cr_assert_null(lake_table_data_file(t, 3));
    size_t key = 0;
    seen_ids_t s = {0};
    int32_t only[] = {2};
    cr_assert(lake_table_scan_files(t, &key, 1, only, 1, note_id, &s, &err), "%s", err.msg);
    cr_assert_eq(s.n, 39); /* file 2 minus row 85 */
    cr_assert(seen_has(&s, 80) && !seen_has(&s, 85) && !seen_has(&s, 10));

    memset(&s, 0, sizeof s);
    const char *del = lake_table_delete_file(t, 0);
    int32_t first_two[] = {0, 1};
    cr_assert(lake_table_scan_deleted(t, &key, 1, &del, 1, first_two, 2, note_id, &s, &err), "%s",
              err.msg);
    cr_assert_eq(s.n, 8, "only the rows of files 0 and 1");
    memset(&s, 0, sizeof s);
    cr_assert(lake_table_scan_deleted(t, &key, 1, &del, 1, NULL, 0, note_id, &s, &err), "%s",
              err.msg);
    cr_assert_eq(s.n, 9);
    for (int i = 0; i < s.n; i++) {
        cr_assert(s.ids[i] % 10 == 0 || s.ids[i] == 85, "id %lld", (long long)s.ids[i]);
        cr_assert_str_eq(lake_table_data_file(t, s.pos[i].file),
                         lake_table_data_file(t, s.ids[i] < 40   ? 0
                                                 : s.ids[i] < 80 ? 1
                                                                 : 2));
        cr_assert_eq(s.pos[i].row, s.ids[i] % 40);
    }

    memset(&s, 0, sizeof s);
    lake_pos_t want[] = {{0, 0}, {0, 5}, {1, 39}, {0, 5}};
    cr_assert(lake_table_scan_rows(t, &key, 1, want, 4, note_id, &s, &err), "%s", err.msg);
    cr_assert_eq(s.n, 3); /* a deleted row too, the repeated position once */
    cr_assert(seen_has(&s, 0) && seen_has(&s, 5) && seen_has(&s, 79));
    lake_pos_t bad = {7, 0};
    cr_assert_not(lake_table_scan_rows(t, &key, 1, &bad, 1, note_id, &s, &err));
    lake_table_close(t);
    lake_close(lake);
    free(dir);
}

static bool ordinal_is_row(void *ud, const am_value_t *keys, lake_pos_t pos)
{
    int64_t *n = ud;
    cr_assert_eq(pos.file, keys[0].i / 400000);
    cr_assert_eq(pos.row, keys[0].i % 400000, "id %lld at row %lld", (long long)keys[0].i,
                 (long long)pos.row);
    (*n)++;
    return true;
}

Test(lake, rows_land_at_their_append_order_in_large_files)
{
    char *dir;
    lake_t *lake = lt_lake_open("scan_order", &dir);
    lake->rows_per_file = 400000;
    am_err_t err = {0};
    /* more threads than rows groups per core: a parallel COPY must still keep the order */
    cr_assert(lake__duck_exec(lake->con, "SET threads = 8", &err), "%s", err.msg);
    lake_table_t *t = lt_create(lake, "orders");
    lake_batch_t *b = lake_batch_new(t);
    lt_append(b, 0, 1000000, NULL);
    lt_commit(b, 1);
    lake_batch_free(b);
    lake_table_close(t);
    t = lt_open(lake, "orders");
    int64_t n = 0;
    size_t key = 0;
    cr_assert(lake_table_scan(t, &key, 1, ordinal_is_row, &n, &err), "%s", err.msg);
    cr_assert_eq(n, 1000000);
    lake_table_close(t);
    lake_close(lake);
    free(dir);
}

/* A batch's deletes are packed and sorted in place at commit: the delete file lists them by
 * data file URI (not by file id) and then position, once each, whatever order they came in. */
Test(lake, delete_file_is_sorted_by_path_then_pos)
{
    char *dir;
    lake_t *lake = lt_lake_open("scan_del_order", &dir);
    lake->rows_per_file = 10;
    lake_table_t *t = lt_create(lake, "orders");
    lake_batch_t *b = lake_batch_new(t);
    lake_pos_t pos[60];
    lt_append(b, 0, 60, pos); /* six files */
    lt_commit(b, 1);
    am_err_t err = {0};
    for (int i = 59; i >= 0; i -= 3) {
        cr_assert(lake_batch_delete(b, pos[i], &err), "%s", err.msg);
        cr_assert(lake_batch_delete(b, pos[i], &err), "%s", err.msg); /* repeats merge */
    }
    cr_assert_eq(lake_batch_n_deleted(b), 40);
    lt_commit(b, 2);
    lake_batch_free(b);
    cr_assert_eq(lake_table_n_delete_files(t), 1);
    cr_assert_eq(lake_table_live_rows(t), 40);
    char *del = am_xasprintf("%s", lake_table_delete_file(t, 0));
    const char *abs = strncmp(del, "file://", 7) == 0 ? del + 7 : del;
    char *sql = am_xasprintf(
        "SELECT count(*), count(DISTINCT (file_path, pos)) FROM read_parquet('%s')", abs);
    duckdb_result r;
    cr_assert_eq(duckdb_query(lake->con, sql, &r), DuckDBSuccess, "%s", duckdb_result_error(&r));
    cr_assert_eq(duckdb_value_int64(&r, 0, 0), 20);
    cr_assert_eq(duckdb_value_int64(&r, 1, 0), 20);
    duckdb_destroy_result(&r);
    free(sql);
    sql = am_xasprintf("SELECT count(*) FROM (SELECT file_path, pos, lag(file_path) OVER w AS pf, "
                       "lag(pos) OVER w AS pp FROM (SELECT *, row_number() OVER () AS rn FROM "
                       "read_parquet('%s')) WINDOW w AS (ORDER BY rn)) WHERE pf IS NOT NULL AND "
                       "(file_path < pf OR (file_path = pf AND pos <= pp))",
                       abs);
    cr_assert_eq(duckdb_query(lake->con, sql, &r), DuckDBSuccess, "%s", duckdb_result_error(&r));
    cr_assert_eq(duckdb_value_int64(&r, 0, 0), 0, "rows out of order");
    duckdb_destroy_result(&r);
    free(sql);
    free(del);
    lake_table_close(t);
    lake_close(lake);
    free(dir);
}

/*
 * tests/lake/test_colstats.c: every data file's manifest entry carries its columns' metrics
 * (sizes, value and null counts, lower and upper bounds in Iceberg's single-value
 * serialization), read back by python3-avro, an independent reader; they survive a manifest
 * rewrite, and a column whose bounds cannot be known exactly gets none.
 */
#include "lake_test.h"

#include <dirent.h>
#include <jansson.h>

#include "lake/lake_internal.h"

enum { C_ID, C_I4, C_I2, C_NAME, C_D, C_TS, C_TSTZ, C_F8, C_F4, C_DEC, C_B, C_U, C_TAGS, NC };

static const lake_column_t cs_cols[NC] = {
    {.name = "id", .type = {.type = AM_TYPE_INT64}, .required = true, .is_key = true},
    {.name = "i4", .type = {.type = AM_TYPE_INT32}},
    {.name = "i2", .type = {.type = AM_TYPE_INT16}},
    {.name = "name", .type = {.type = AM_TYPE_STRING}},
    {.name = "d", .type = {.type = AM_TYPE_DATE}},
    {.name = "ts", .type = {.type = AM_TYPE_TIMESTAMP}},
    {.name = "tstz", .type = {.type = AM_TYPE_TIMESTAMPTZ}},
    {.name = "f8", .type = {.type = AM_TYPE_FLOAT64}},
    {.name = "f4", .type = {.type = AM_TYPE_FLOAT32}},
    {.name = "dec", .type = {.type = AM_TYPE_DECIMAL, .precision = 12, .scale = 2}},
    {.name = "b", .type = {.type = AM_TYPE_BOOL}},
    {.name = "u", .type = {.type = AM_TYPE_UUID}},
    {.name = "tags", .type = {.type = AM_TYPE_LIST, .elem = AM_TYPE_STRING}},
};

#define P(x) ((am_value_t){.kind = AM_VALUE_PRESENT, .i = (x)})
#define F(x) ((am_value_t){.kind = AM_VALUE_PRESENT, .f = (x)})
#define S(x) ((am_value_t){.kind = AM_VALUE_PRESENT, .s = (x), .len = (uint32_t)strlen(x)})
#define N ((am_value_t){.kind = AM_VALUE_NULL})

static void append_rows(lake_batch_t *b)
{
    static const am_value_t tag = {.kind = AM_VALUE_PRESENT, .s = "t", .len = 1};
    am_value_t tags = {.kind = AM_VALUE_PRESENT, .n_items = 1, .items = &tag};
    am_value_t rows[3][NC] = {
        {P(7), P(3), P(1), S("b"), P(0), P(0), P(0), F(1.5), F(0.5), S("-5.00"), P(1),
         S("6ba7b810-9dad-11d1-80b4-00c04fd430c8"), tags},
        {P(-5), N, P(2), S("a"), P(-1), P(INT64_C(1700000000123456)), P(-1000000), F(-0.0), F(0.0),
         S("9999999999.99"), P(0), N, N},
        {P(100), P(-2), P(3), S("\xc3\xa4"), P(AM_DATE_INFINITY), P(-1000000),
         P(INT64_C(1700000000123456)), F(-2.25), F(0.0), S("0.10"), N, N, tags},
    };
    for (int r = 0; r < 3; r++) {
        lake_pos_t pos;
        am_err_t err = {0};
        cr_assert(lake_batch_append(b, rows[r], &pos, &err), "row %d: %s", r, err.msg);
    }
}

/* The data manifests' entries of the table, as python3-avro reads them. */
static json_t *data_entries(const char *dir)
{
    char meta[600];
    snprintf(meta, sizeof meta, "%s/public/stats/metadata", dir);
    DIR *d = opendir(meta);
    cr_assert_not_null(d);
    json_t *all = json_array();
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!strstr(e->d_name, ".avro") || strncmp(e->d_name, "snap-", 5) == 0)
            continue;
        char out[800];
        snprintf(out, sizeof out, "%s/%s.json", dir, e->d_name);
        int rc = amt_system("/usr/bin/python3 %s/tests/lake/avro_dump.py %s/%s > %s", amt_root(),
                            meta, e->d_name, out);
        cr_assert_eq(rc, 0, "python3-avro could not read %s", e->d_name);
        json_error_t jerr;
        json_t *j = json_load_file(out, 0, &jerr);
        cr_assert_not_null(j, "%s", jerr.text);
        if (strcmp(json_string_value(json_object_get(json_object_get(j, "meta"), "content")),
                   "data") == 0) {
            json_t *rec;
            size_t i;
            json_array_foreach(json_object_get(j, "records"), i, rec)
                json_array_append(all, json_object_get(rec, "data_file"));
        }
        json_decref(j);
    }
    closedir(d);
    return all;
}

/* The value of key id in one of a data_file's metric maps (an array of key/value objects). */
static json_t *metric(json_t *df, const char *map, int id)
{
    json_t *m = json_object_get(df, map), *kv;
    size_t i;
    json_array_foreach(m, i, kv) if (json_integer_value(json_object_get(kv, "key")) ==
                                     id) return json_object_get(kv, "value");
    return NULL;
}

static void expect_bound(json_t *df, int id, const char *lower, const char *upper)
{
    json_t *lo = metric(df, "lower_bounds", id), *hi = metric(df, "upper_bounds", id);
    if (!lower) {
        cr_expect_null(lo, "field %d has no lower bound", id);
        cr_expect_null(hi, "field %d has no upper bound", id);
        return;
    }
    cr_assert_not_null(lo, "field %d: lower bound missing", id);
    cr_assert_not_null(hi, "field %d: upper bound missing", id);
    cr_expect_str_eq(json_string_value(lo), lower, "field %d lower", id);
    cr_expect_str_eq(json_string_value(hi), upper, "field %d upper", id);
}

static void expect_metrics(json_t *df, const int32_t *ids)
{
    for (int c = 0; c < NC; c++) {
        json_t *v = metric(df, "value_counts", ids[c]);
        if (c == C_TAGS) {
            cr_expect_null(v, "a list has no metrics of its own");
            continue;
        }
        cr_assert_not_null(v, "field %d has a value count", ids[c]);
        cr_expect_eq(json_integer_value(v), 3, "field %d counts every row", ids[c]);
        cr_expect_gt(json_integer_value(metric(df, "column_sizes", ids[c])), 0);
        int nulls = c == C_I4 || c == C_B ? 1 : c == C_U ? 2 : 0;
        cr_expect_eq(json_integer_value(metric(df, "null_value_counts", ids[c])), nulls,
                     "field %d null count", ids[c]);
    }
    /* NaN counts: 0 where DuckDB saw none in a float column, absent elsewhere */
    json_t *nan8 = metric(df, "nan_value_counts", ids[C_F8]);
    json_t *nan4 = metric(df, "nan_value_counts", ids[C_F4]);
    cr_expect(json_is_integer(nan8) && json_integer_value(nan8) == 0, "f8 has no NaN");
    cr_expect(json_is_integer(nan4) && json_integer_value(nan4) == 0, "f4 has no NaN");
    cr_expect_null(metric(df, "nan_value_counts", ids[C_ID]), "only floats count NaNs");
    expect_bound(df, ids[C_ID], "fbffffffffffffff", "6400000000000000");
    expect_bound(df, ids[C_I4], "feffffff", "03000000");
    expect_bound(df, ids[C_I2], "01000000", "03000000");
    expect_bound(df, ids[C_NAME], "61", "c3a4");
    expect_bound(df, ids[C_D], "ffffffff", "ffffff7f"); /* infinity is the lake's INT32_MAX */
    expect_bound(df, ids[C_TS], "c0bdf0ffffffffff", "40222018240a0600");
    expect_bound(df, ids[C_TSTZ], "c0bdf0ffffffffff", "40222018240a0600");
    expect_bound(df, ids[C_F8], "00000000000002c0", "000000000000f83f");
    expect_bound(df, ids[C_F4], "00000080", "0000003f"); /* a zero lower bound is -0.0 */
    expect_bound(df, ids[C_DEC], "fe0c", "00e8d4a50fff");
    expect_bound(df, ids[C_B], NULL, NULL); /* DuckDB returns no bounds for booleans */
    expect_bound(df, ids[C_U], NULL, NULL);
}

Test(lake, data_files_carry_column_metrics_through_manifest_rewrites)
{
    char *dir;
    lake_t *lake = lt_lake_open("colstats", &dir);
    am_err_t err = {0};
    lake_table_t *t = lake_table_create(lake, "public", "stats", cs_cols, NC, &err);
    cr_assert_not_null(t, "%s", err.msg);
    int32_t ids[NC];
    for (int c = 0; c < NC; c++)
        ids[c] = lake_table_columns(t)[c].field_id;
    lake_batch_t *b = lake_batch_new(t);
    append_rows(b);
    lt_commit(b, 0x100);
    json_t *es = data_entries(dir);
    cr_assert_eq(json_array_size(es), 1);
    expect_metrics(json_array_get(es, 0), ids);
    json_decref(es);
    /* reopened, the table reads its manifests back; enough commits to merge them (20) make the
     * first file's entry be written again from what was read */
    lake_batch_free(b);
    lake_table_close(t);
    t = lt_open(lake, "stats");
    b = lake_batch_new(t);
    for (int i = 0; i < 22; i++) {
        append_rows(b);
        lt_commit(b, 0x200 + (am_lsn_t)i);
    }
    lake_batch_free(b);
    es = data_entries(dir);
    cr_assert_gt(json_array_size(es), 20);
    json_t *df;
    size_t i;
    json_array_foreach(es, i, df) expect_metrics(df, ids);
    json_decref(es);
    lake_table_close(t);
    lake_close(lake);
    free(dir);
}

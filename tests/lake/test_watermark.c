/*
 * tests/lake/test_watermark.c: <warehouse>/_arctic/watermark.json round trips (LSN in X/X
 * text, every table's snapshot), a missing one is "not found", a broken one an error; and the
 * warehouse health probe.
 */
#include "lake_test.h"

#include <jansson.h>

Test(lake, watermark_round_trip)
{
    char *dir;
    lake_t *lake = lt_lake_open("watermark", &dir);
    lake_watermark_t wm = {0};
    bool found = true;
    am_err_t err = {0};
    cr_assert(lake_watermark_read(dir, &wm, &found, &err), "%s", err.msg);
    cr_assert_not(found);
    cr_assert_eq(wm.n_tables, 0);
    lake_watermark_table_t tables[2] = {
        {.schema = "public",
         .name = "users",
         .snapshot_id = 4187342193462375,
         .index = "4187342193462375.pkidx",
         .publication = "r16390,n2200"},
        {.schema = "sales", .name = "orders", .snapshot_id = -1},
    };
    lake_watermark_t w = {.lsn = UINT64_C(0x16B374D848),
                          .written_at_ms = 1767225600000,
                          .tables = tables,
                          .n_tables = 2};
    cr_assert(lake_watermark_write(lake, &w, &err), "%s", err.msg);
    w.lsn++; /* replaced atomically */
    cr_assert(lake_watermark_write(lake, &w, &err), "%s", err.msg);
    cr_assert(lake_watermark_read(dir, &wm, &found, &err), "%s", err.msg);
    cr_assert(found);
    cr_assert_eq(wm.lsn, UINT64_C(0x16B374D849));
    cr_assert_eq(wm.written_at_ms, 1767225600000);
    cr_assert_eq(wm.n_tables, 2);
    cr_assert_str_eq(wm.tables[0].name, "users");
    cr_assert_eq(wm.tables[0].snapshot_id, 4187342193462375);
    cr_assert_str_eq(wm.tables[1].schema, "sales");
    cr_assert_eq(wm.tables[1].snapshot_id, -1);
    cr_assert_str_eq(wm.tables[0].index, "4187342193462375.pkidx");
    cr_assert_null(wm.tables[1].index, "a table without \"index\" names no checkpoint");
    cr_assert_str_eq(wm.tables[0].publication, "r16390,n2200");
    cr_assert_null(wm.tables[1].publication, "a table without \"publication\" records none");
    cr_assert_null(wm.catalog, "a watermark without \"catalog\" names none");
    lake_watermark_destroy(&wm);
    char path[600];
    snprintf(path, sizeof path, "%s/_arctic/watermark.json", dir);
    json_error_t jerr;
    json_t *j = json_load_file(path, 0, &jerr);
    cr_assert_str_eq(json_string_value(json_object_get(j, "lsn")), "16/B374D849");
    json_decref(j);
    FILE *f = fopen(path, "wb");
    fputs("{\"lsn\":\"zz\",\"tables\":[]}", f);
    fclose(f);
    cr_assert_not(lake_watermark_read(dir, &wm, &found, &err));
    cr_assert_not(found);
    cr_assert(strstr(err.msg, "watermark.json") != NULL, "%s", err.msg);
    lake_close(lake);
    free(dir);
}

static void write_text(const char *dir, const char *text)
{
    char path[600];
    snprintf(path, sizeof path, "%s/_arctic/watermark.json", dir);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

Test(lake, watermark_catalog_round_trips_and_is_checked)
{
    char *dir;
    lake_t *lake = lt_lake_open("watermark_catalog", &dir);
    lake_watermark_t w = {.lsn = 7, .written_at_ms = 1, .catalog = "00000012.json"};
    am_err_t err = {0};
    cr_assert(lake_watermark_write(lake, &w, &err), "%s", err.msg);
    lake_watermark_t wm = {0};
    bool found = false;
    cr_assert(lake_watermark_read(dir, &wm, &found, &err), "%s", err.msg);
    cr_assert_str_eq(wm.catalog, "00000012.json");
    lake_watermark_destroy(&wm);
    write_text(dir, "{\"lsn\":\"0/7\",\"written_at_ms\":1,\"tables\":[],\"catalog\":null}");
    cr_assert(lake_watermark_read(dir, &wm, &found, &err), "%s", err.msg);
    cr_assert_null(wm.catalog);
    lake_watermark_destroy(&wm);
    const char *bad[] = {"\"../../etc/passwd\"", "12", "\"12.json\""};
    for (size_t i = 0; i < AM_ARRAY_LEN(bad); i++) {
        char text[200];
        snprintf(text, sizeof text,
                 "{\"lsn\":\"0/7\",\"written_at_ms\":1,\"tables\":[],\"catalog\":%s}", bad[i]);
        write_text(dir, text);
        cr_assert_not(lake_watermark_read(dir, &wm, &found, &err), "accepted %s", bad[i]);
        cr_assert_str_eq(err.sqlstate, "XX001");
    }
    lake_close(lake);
    free(dir);
}

Test(lake, check_writable)
{
    char *dir = amt_tmpdir("writable");
    am_err_t err = {0};
    cr_assert(lake_check_writable(dir, &err), "%s", err.msg);
    char missing[600];
    snprintf(missing, sizeof missing, "%s/not/there", dir);
    cr_assert_not(lake_check_writable(missing, &err));
    cr_assert(strstr(err.msg, "not writable") != NULL, "%s", err.msg);
    free(dir);
}

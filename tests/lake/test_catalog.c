/*
 * tests/lake/test_catalog.c: _arctic/catalog/NNNNNNNN.json: numbered without overwrite, read
 * back byte for byte, named by the watermark, untrusted names refused, and files the
 * watermark no longer names pruned after it is durable (the newest few stay).
 */
#include "lake_test.h"

#include <sys/stat.h>

static char *write_doc(lake_t *lake, const char *text)
{
    char *name = NULL;
    am_err_t err = {0};
    cr_assert(lake_catalog_write(lake, text, strlen(text), &name, &err), "%s", err.msg);
    return name;
}

static bool catalog_exists(const char *dir, const char *name)
{
    char path[700];
    snprintf(path, sizeof path, "%s/_arctic/catalog/%s", dir, name);
    struct stat st;
    return stat(path, &st) == 0;
}

Test(lake, catalog_files_are_numbered_and_read_back)
{
    char *dir;
    lake_t *lake = lt_lake_open("catalog", &dir);
    char *a = write_doc(lake, "{\"format\":1}");
    char *b = write_doc(lake, "{\"format\":1,\"x\":\"\xc3\xa9\"}");
    cr_assert_str_eq(a, "00000001.json");
    cr_assert_str_eq(b, "00000002.json");
    am_buf_t out;
    am_buf_init(&out);
    am_err_t err = {0};
    cr_assert(lake_catalog_read(dir, b, &out, &err), "%s", err.msg);
    cr_assert_str_eq(out.data, "{\"format\":1,\"x\":\"\xc3\xa9\"}");
    /* a number someone else took is skipped, never overwritten */
    char path[700];
    snprintf(path, sizeof path, "%s/_arctic/catalog/00000007.json", dir);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    fputs("taken", f);
    fclose(f);
    char *c = write_doc(lake, "{}");
    cr_assert_str_eq(c, "00000008.json");
    am_buf_reset(&out);
    cr_assert(lake_catalog_read(dir, "00000007.json", &out, &err), "%s", err.msg);
    cr_assert_str_eq(out.data, "taken");
    free(a);
    free(b);
    free(c);
    am_buf_destroy(&out);
    lake_close(lake);
    free(dir);
}

Test(lake, catalog_read_refuses_untrusted_names)
{
    char *dir;
    lake_t *lake = lt_lake_open("catalog_names", &dir);
    free(write_doc(lake, "{}"));
    const char *bad[] = {
        "../watermark.json", "1.json", "0000000a.json",  "00000001.jso",  "00000001.json/",
        "/etc/passwd",       "",       "000000001.json", "00000001.JSON", "00000001.json\n"};
    for (size_t i = 0; i < AM_ARRAY_LEN(bad); i++) {
        am_buf_t out;
        am_buf_init(&out);
        am_err_t err = {0};
        cr_assert_not(lake_catalog_read(dir, bad[i], &out, &err), "accepted \"%s\"", bad[i]);
        cr_assert_str_eq(err.sqlstate, "22023", "%s", bad[i]);
        am_buf_destroy(&out);
    }
    am_buf_t out;
    am_buf_init(&out);
    am_err_t err = {0};
    cr_assert_not(lake_catalog_read(dir, NULL, &out, &err));
    cr_assert_not(lake_catalog_read(dir, "00000002.json", &out, &err));
    cr_assert_str_eq(err.sqlstate, "58P01");
    am_buf_destroy(&out);
    lake_close(lake);
    free(dir);
}

Test(lake, watermark_names_the_catalog_and_prunes_older_files)
{
    char *dir;
    lake_t *lake = lt_lake_open("catalog_prune", &dir);
    char *names[6];
    for (int i = 0; i < 6; i++)
        names[i] = write_doc(lake, "{}");
    /* the watermark names an older file: it stays, and so do the newest three */
    lake_watermark_t w = {.lsn = 42, .written_at_ms = 1, .catalog = names[1]};
    am_err_t err = {0};
    cr_assert(lake_watermark_write(lake, &w, &err), "%s", err.msg);
    bool keep[6] = {false, true, false, true, true, true};
    for (int i = 0; i < 6; i++)
        cr_assert_eq(catalog_exists(dir, names[i]), keep[i], "%s", names[i]);
    lake_watermark_t wm = {0};
    bool found = false;
    cr_assert(lake_watermark_read(dir, &wm, &found, &err), "%s", err.msg);
    cr_assert(found);
    cr_assert_str_eq(wm.catalog, "00000002.json");
    lake_watermark_destroy(&wm);
    /* a watermark without a catalog prunes nothing */
    w.catalog = NULL;
    cr_assert(lake_watermark_write(lake, &w, &err), "%s", err.msg);
    cr_assert(catalog_exists(dir, names[1]));
    for (int i = 0; i < 6; i++)
        free(names[i]);
    lake_close(lake);
    free(dir);
}

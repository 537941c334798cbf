/*
 * lake/catalog.c: <warehouse>/_arctic/catalog/NNNNNNNN.json, the documents the watermark
 * names in "catalog" (the source's catalog rows, which the proxy serves). The lake stores
 * them as opaque bytes: it never looks inside. Each file is published once under the next
 * free number (temp file, fsync, link(2), fsync the directory) and never overwritten; after a
 * durable watermark, files it does not name are removed except the newest few, so a reader
 * that read the previous watermark a moment ago still finds its file.
 */
#include "lake/lake_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CATALOG_DIR "_arctic/catalog"
#define CATALOG_MAX_NUMBER 99999999u
/* Unnamed files kept after a watermark: readers of the last few watermarks still find theirs. */
#define CATALOG_KEEP 3

bool lake__catalog_name_ok(const char *name)
{
    if (!name || strlen(name) != 13 || strcmp(name + 8, ".json") != 0)
        return false;
    for (int i = 0; i < 8; i++)
        if (name[i] < '0' || name[i] > '9')
            return false;
    return true;
}

typedef struct catalog_list {
    uint32_t *numbers;
    size_t n;
    size_t cap;
} catalog_list_t;

static bool collect(const char *name, void *ud)
{
    catalog_list_t *l = ud;
    if (!lake__catalog_name_ok(name))
        return true;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->numbers = am_xrealloc(l->numbers, l->cap * sizeof *l->numbers);
    }
    l->numbers[l->n++] = (uint32_t)strtoul(name, NULL, 10);
    return true;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* The catalog files present, numbers ascending. */
static bool list_catalogs(lake_t *lake, catalog_list_t *l, am_err_t *err)
{
    memset(l, 0, sizeof *l);
    if (!storage_list(lake->st, CATALOG_DIR, collect, l, err)) {
        free(l->numbers);
        return false;
    }
    if (l->n)
        qsort(l->numbers, l->n, sizeof *l->numbers, cmp_u32);
    return true;
}

bool lake_catalog_write(lake_t *lake, const char *json, size_t len, char **name_out, am_err_t *err)
{
    catalog_list_t l;
    if (!storage_mkdirs(lake->st, CATALOG_DIR, err) || !list_catalogs(lake, &l, err)) {
        am_err_prefix(err, "catalog");
        return false;
    }
    uint32_t next = l.n ? l.numbers[l.n - 1] + 1 : 1;
    free(l.numbers);
    /* another writer may take a number between the listing and the link: try the next one */
    for (int attempt = 0; attempt < 100 && next <= CATALOG_MAX_NUMBER; attempt++, next++) {
        char rel[64];
        (void)snprintf(rel, sizeof rel, CATALOG_DIR "/%08u.json", next);
        am_err_t e = {0};
        if (storage_publish(lake->st, rel, json, len, &e)) {
            *name_out = am_xstrdup(rel + sizeof CATALOG_DIR);
            am_log_info("lake", "wrote catalog", AM_KV_STR("name", *name_out),
                        AM_KV_I64("bytes", len));
            return true;
        }
        if (strcmp(e.sqlstate, STORAGE_SQLSTATE_EXISTS) != 0) {
            *err = e;
            am_err_prefix(err, "catalog %08u.json", next);
            return false;
        }
    }
    return am_err_set(err, AM_SQLSTATE_IO, "catalog: no free file number after %u", next - 1);
}

bool lake_catalog_read(const char *warehouse, const char *name, am_buf_t *out, am_err_t *err)
{
    if (!lake__catalog_name_ok(name))
        return am_err_set(err, AM_SQLSTATE_INVALID_PARAMETER,
                          "catalog name \"%.40s\" is not of the form NNNNNNNN.json",
                          name ? name : "(null)");
    char *path = am_xasprintf("%s/" CATALOG_DIR "/%s", warehouse, name);
    bool ok;
    if (!am_path_exists(path))
        ok = am_err_set(err, STORAGE_SQLSTATE_MISSING, "catalog %s does not exist", path);
    else
        ok = am_file_read_all(path, out, err);
    free(path);
    return ok;
}

void lake__catalog_prune(lake_t *lake, const char *keep)
{
    catalog_list_t l;
    am_err_t err = {0};
    if (!list_catalogs(lake, &l, &err)) {
        am_log_warn("lake", "could not list catalog files", AM_KV_ERR(&err));
        return;
    }
    uint32_t keep_n = (uint32_t)strtoul(keep, NULL, 10);
    for (size_t i = 0; i + CATALOG_KEEP < l.n; i++) {
        if (l.numbers[i] == keep_n)
            continue;
        char rel[64];
        (void)snprintf(rel, sizeof rel, CATALOG_DIR "/%08u.json", l.numbers[i]);
        lake__remove_quietly(lake, rel);
    }
    free(l.numbers);
}

/*
 * lake/watermark.c: <warehouse>/_arctic/watermark.json, the one LSN every table is mirrored to
 * and the snapshot of each table at that LSN, so readers see all tables at one moment.
 * Written atomically (temp file, fsync, rename, fsync dir); read by any thread, parsing it as
 * untrusted bytes.
 *   {"lsn":"16/B374D848","written_at_ms":1767225600000,
 *    "tables":[{"schema":"public","name":"users","snapshot_id":4187342193462375}],
 *    "catalog":"00000003.json"}
 * "catalog" (catalog.c) is optional: watermarks written before it existed parse without it.
 */
#include "lake/lake_internal.h"

#include <stdlib.h>
#include <string.h>

#define WATERMARK_DIR "_arctic"
#define WATERMARK_REL WATERMARK_DIR "/watermark.json"

bool lake_watermark_write(lake_t *lake, const lake_watermark_t *wm, am_err_t *err)
{
    char lsn[32];
    am_lsn_format(wm->lsn, lsn, sizeof lsn);
    json_t *tables = json_array();
    for (size_t i = 0; i < wm->n_tables; i++)
        json_array_append_new(tables, json_pack("{s:s, s:s, s:I}", "schema", wm->tables[i].schema,
                                                "name", wm->tables[i].name, "snapshot_id",
                                                (json_int_t)wm->tables[i].snapshot_id));
    json_t *root = json_pack("{s:s, s:I, s:o}", "lsn", lsn, "written_at_ms",
                             (json_int_t)wm->written_at_ms, "tables", tables);
    AM_ASSERT(root != NULL);
    if (wm->catalog) {
        AM_ASSERT(lake__catalog_name_ok(wm->catalog));
        json_object_set_new(root, "catalog", json_string(wm->catalog));
    }
    char *text = json_dumps(root, JSON_COMPACT);
    AM_ASSERT(text != NULL);
    json_decref(root);
    bool ok = storage_mkdirs(lake->st, WATERMARK_DIR, err) &&
              storage_write_atomic(lake->st, WATERMARK_REL, text, strlen(text), err);
    if (!ok)
        am_err_prefix(err, "watermark");
    free(text);
    if (ok && wm->catalog)
        lake__catalog_prune(lake, wm->catalog);
    return ok;
}

static bool parse_table(json_t *j, lake_watermark_table_t *t)
{
    const char *schema = json_string_value(json_object_get(j, "schema"));
    const char *name = json_string_value(json_object_get(j, "name"));
    json_t *snap = json_object_get(j, "snapshot_id");
    if (!schema || !name || !json_is_integer(snap))
        return false;
    t->schema = am_xstrdup(schema);
    t->name = am_xstrdup(name);
    t->snapshot_id = json_integer_value(snap);
    return true;
}

static bool parse_watermark(json_t *root, lake_watermark_t *wm)
{
    const char *lsn = json_string_value(json_object_get(root, "lsn"));
    json_t *at = json_object_get(root, "written_at_ms");
    json_t *tables = json_object_get(root, "tables");
    json_t *catalog = json_object_get(root, "catalog");
    if (json_is_null(catalog))
        catalog = NULL;
    if (!lsn || !am_lsn_parse(lsn, &wm->lsn) || !json_is_integer(at) || !json_is_array(tables))
        return false;
    if (catalog && !lake__catalog_name_ok(json_string_value(catalog)))
        return false;
    if (catalog)
        wm->catalog = am_xstrdup(json_string_value(catalog));
    wm->written_at_ms = json_integer_value(at);
    size_t n = json_array_size(tables);
    wm->tables = am_xcalloc(n + 1, sizeof *wm->tables);
    for (size_t i = 0; i < n; i++) {
        if (!parse_table(json_array_get(tables, i), &wm->tables[i]))
            return false;
        wm->n_tables++;
    }
    return true;
}

bool lake_watermark_read(const char *warehouse, lake_watermark_t *wm, bool *found, am_err_t *err)
{
    memset(wm, 0, sizeof *wm);
    *found = false;
    char *path = am_xasprintf("%s/" WATERMARK_REL, warehouse);
    if (!am_path_exists(path)) {
        free(path);
        return true;
    }
    am_buf_t b;
    am_buf_init(&b);
    bool ok = am_file_read_all(path, &b, err);
    if (ok) {
        json_error_t jerr;
        json_t *root = json_loadb(b.data, b.len, 0, &jerr);
        ok = root && parse_watermark(root, wm);
        if (!ok)
            am_err_set(err, "XX001", "watermark %s: not a valid watermark document", path);
        if (root)
            json_decref(root);
    }
    if (ok)
        *found = true;
    else
        lake_watermark_destroy(wm);
    am_buf_destroy(&b);
    free(path);
    return ok;
}

void lake_watermark_destroy(lake_watermark_t *wm)
{
    for (size_t i = 0; i < wm->n_tables; i++) {
        free(wm->tables[i].schema);
        free(wm->tables[i].name);
    }
    free(wm->tables);
    free(wm->catalog);
    memset(wm, 0, sizeof *wm);
}

/*
 * lake/watermark.c: <warehouse>/_arctic/watermark.json, the one LSN every table is mirrored to
 * and the snapshot of each table at that LSN, so readers see all tables at one moment.
 * Written atomically (temp file, fsync, rename, fsync dir); read by any thread, parsing it as
 * untrusted bytes.
 *   {"lsn":"16/B374D848","written_at_ms":1767225600000,
 *    "tables":[{"schema":"public","name":"users","snapshot_id":4187342193462375,
 *               "location":"public/users","relid":16384,"fp":"...","state":"recopy",
 *               "index":"4187342193462375.pkidx","publication":"r16390"}],
 *    "gone":[{"schema":"public","name":"old","snapshot_id":-1,"location":"public/old",...}],
 *    "catalog":"00000003.json","slot":"arctic_mirror","slot_lsn":"16/A0000000",
 *    "recopy":true,"publications":"main=16400:5829"}
 * Everything after "tables"' schema, name and snapshot_id is optional: watermarks written
 * before those existed parse without them (location then is "<schema>/<name>").
 */
#include "lake/lake_internal.h"

#include <stdlib.h>
#include <string.h>

#define WATERMARK_DIR "_arctic"
#define WATERMARK_REL WATERMARK_DIR "/watermark.json"

static json_t *table_json(const lake_watermark_table_t *t)
{
    json_t *o = json_pack("{s:s, s:s, s:I}", "schema", t->schema, "name", t->name, "snapshot_id",
                          (json_int_t)t->snapshot_id);
    AM_ASSERT(o != NULL); /* names are UTF-8: they came from the source as text */
    if (t->location)
        json_object_set_new(o, "location", json_string(t->location));
    if (t->relid)
        json_object_set_new(o, "relid", json_integer(t->relid));
    if (t->fp)
        json_object_set_new(o, "fp", json_string(t->fp));
    if (t->state)
        json_object_set_new(o, "state", json_string(t->state));
    if (t->index)
        json_object_set_new(o, "index", json_string(t->index));
    if (t->publication)
        json_object_set_new(o, "publication", json_string(t->publication));
    return o;
}

static json_t *tables_json(const lake_watermark_table_t *tables, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, table_json(&tables[i]));
    return a;
}

bool lake_watermark_write(lake_t *lake, const lake_watermark_t *wm, am_err_t *err)
{
    char lsn[32];
    am_lsn_format(wm->lsn, lsn, sizeof lsn);
    json_t *root =
        json_pack("{s:s, s:I, s:o}", "lsn", lsn, "written_at_ms", (json_int_t)wm->written_at_ms,
                  "tables", tables_json(wm->tables, wm->n_tables));
    AM_ASSERT(root != NULL);
    if (wm->n_gone)
        json_object_set_new(root, "gone", tables_json(wm->gone, wm->n_gone));
    if (wm->catalog) {
        AM_ASSERT(lake__catalog_name_ok(wm->catalog));
        json_object_set_new(root, "catalog", json_string(wm->catalog));
    }
    if (wm->slot) {
        json_object_set_new(root, "slot", json_string(wm->slot));
        json_object_set_new(root, "slot_lsn",
                            json_string(am_lsn_format(wm->slot_lsn, lsn, sizeof lsn)));
    }
    if (wm->recopy)
        json_object_set_new(root, "recopy", json_true());
    if (wm->publications)
        json_object_set_new(root, "publications", json_string(wm->publications));
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

/* An optional string member: absent or null is NULL; anything else must be a string. */
static bool opt_str(json_t *j, const char *key, char **out)
{
    json_t *v = json_object_get(j, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return true;
    if (!json_is_string(v))
        return false;
    *out = am_xstrdup(json_string_value(v));
    return true;
}

static bool parse_table(json_t *j, lake_watermark_table_t *t)
{
    const char *schema = json_string_value(json_object_get(j, "schema"));
    const char *name = json_string_value(json_object_get(j, "name"));
    json_t *snap = json_object_get(j, "snapshot_id");
    json_t *relid = json_object_get(j, "relid");
    if (!schema || !name || !json_is_integer(snap) ||
        (relid && (!json_is_integer(relid) || json_integer_value(relid) < 0 ||
                   json_integer_value(relid) > UINT32_MAX)))
        return false;
    t->schema = am_xstrdup(schema);
    t->name = am_xstrdup(name);
    t->snapshot_id = json_integer_value(snap);
    t->relid = relid ? (uint32_t)json_integer_value(relid) : 0;
    if (!opt_str(j, "location", &t->location) || !opt_str(j, "fp", &t->fp) ||
        !opt_str(j, "state", &t->state) || !opt_str(j, "index", &t->index) ||
        !opt_str(j, "publication", &t->publication))
        return false;
    if (!t->location)
        t->location = am_xasprintf("%s/%s", schema, name);
    return true;
}

static bool parse_tables(json_t *arr, lake_watermark_table_t **out, size_t *n_out)
{
    size_t n = json_array_size(arr);
    *out = am_xcalloc(n + 1, sizeof **out);
    for (size_t i = 0; i < n; i++) {
        /* counted first, so destroy frees a half-parsed entry */
        (*n_out)++;
        if (!parse_table(json_array_get(arr, i), &(*out)[i]))
            return false;
    }
    return true;
}

static bool parse_slot(json_t *root, lake_watermark_t *wm)
{
    const char *slot_lsn = json_string_value(json_object_get(root, "slot_lsn"));
    json_t *recopy = json_object_get(root, "recopy");
    if (!opt_str(root, "slot", &wm->slot) || !opt_str(root, "publications", &wm->publications))
        return false;
    if (slot_lsn && !am_lsn_parse(slot_lsn, &wm->slot_lsn))
        return false;
    if (recopy && !json_is_boolean(recopy))
        return false;
    wm->recopy = json_is_true(recopy);
    return true;
}

static bool parse_watermark(json_t *root, lake_watermark_t *wm)
{
    const char *lsn = json_string_value(json_object_get(root, "lsn"));
    json_t *at = json_object_get(root, "written_at_ms");
    json_t *tables = json_object_get(root, "tables");
    json_t *gone = json_object_get(root, "gone");
    json_t *catalog = json_object_get(root, "catalog");
    if (json_is_null(catalog))
        catalog = NULL;
    if (!lsn || !am_lsn_parse(lsn, &wm->lsn) || !json_is_integer(at) || !json_is_array(tables) ||
        (gone && !json_is_array(gone)))
        return false;
    if (catalog && !lake__catalog_name_ok(json_string_value(catalog)))
        return false;
    if (catalog)
        wm->catalog = am_xstrdup(json_string_value(catalog));
    wm->written_at_ms = json_integer_value(at);
    return parse_tables(tables, &wm->tables, &wm->n_tables) &&
           parse_tables(gone, &wm->gone, &wm->n_gone) && parse_slot(root, wm);
}

bool lake_watermark_parse(const char *text, size_t len, lake_watermark_t *wm)
{
    memset(wm, 0, sizeof *wm);
    json_error_t jerr;
    json_t *root = json_loadb(text, len, 0, &jerr);
    bool ok = root && json_is_object(root) && parse_watermark(root, wm);
    if (root)
        json_decref(root);
    if (!ok)
        lake_watermark_destroy(wm);
    return ok;
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
    if (ok && !lake_watermark_parse(b.data, b.len, wm))
        ok = am_err_set(err, "XX001", "watermark %s: not a valid watermark document", path);
    if (ok)
        *found = true;
    else
        lake_watermark_destroy(wm);
    am_buf_destroy(&b);
    free(path);
    return ok;
}

static void tables_free(lake_watermark_table_t *tables, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(tables[i].schema);
        free(tables[i].name);
        free(tables[i].location);
        free(tables[i].fp);
        free(tables[i].state);
        free(tables[i].index);
        free(tables[i].publication);
    }
    free(tables);
}

void lake_watermark_destroy(lake_watermark_t *wm)
{
    tables_free(wm->tables, wm->n_tables);
    tables_free(wm->gone, wm->n_gone);
    free(wm->catalog);
    free(wm->slot);
    free(wm->publications);
    memset(wm, 0, sizeof *wm);
}

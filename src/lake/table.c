/*
 * lake/table.c: opening, creating, dropping and closing a table, and its accessors. A table
 * lives at <warehouse>/<schema>/<name> (Spark HadoopCatalog layout); opening reloads
 * everything from disk (metadata -> manifest list -> manifests) into lake__state_t, whose
 * data file indexes are the lake_pos_t file ids. Writing is batch.c and commit.c.
 * Spec: reference/iceberg.md sections 0, 1 and 8.
 */
#include "lake/lake_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SQLSTATE_DUPLICATE_TABLE "42P07"

static lake_table_t *table_new(lake_t *lake, const char *schema, const char *name)
{
    lake_table_t *t = am_xcalloc(1, sizeof *t);
    t->lake = lake;
    t->schema = am_xstrdup(schema);
    t->name = am_xstrdup(name);
    t->rel = am_xasprintf("%s/%s", schema, name);
    t->uri_prefix = am_xasprintf("file://%s/%s", lake->warehouse, t->rel);
    t->meta.snap_id = -1;
    t->protect_id = -1;
    lake->n_tables++;
    return t;
}

/* "<schema>/<name>" -> its two components, each a valid directory name. */
static bool location_split(const char *location, char **schema, char **name, am_err_t *err)
{
    const char *slash = location ? strchr(location, '/') : NULL;
    *schema = slash ? am_xstrndup(location, (size_t)(slash - location)) : NULL;
    *name = slash ? am_xstrdup(slash + 1) : NULL;
    if (slash && lake__name_check("schema", *schema, err) && lake__name_check("table", *name, err))
        return true;
    if (!slash)
        am_err_set(err, AM_SQLSTATE_INVALID_PARAMETER,
                   "table location \"%s\" is not <schema>/<table>", location ? location : "");
    free(*schema);
    free(*name);
    *schema = *name = NULL;
    return false;
}

void lake_table_close(lake_table_t *t)
{
    if (!t)
        return;
    AM_ASSERT(t->batch == NULL); /* free the batch first */
    lake__table_fetch_forget(t);
    if (t->staged_props)
        json_decref(t->staged_props);
    lake__meta_destroy(&t->meta);
    lake__state_destroy(&t->state);
    t->lake->n_tables--;
    free(t->schema);
    free(t->name);
    free(t->rel);
    free(t->uri_prefix);
    free(t);
}

lake_table_t *lake_table_open_at(lake_t *lake, const char *location, am_err_t *err)
{
    char *schema = NULL, *name = NULL;
    if (!location_split(location, &schema, &name, err))
        return NULL;
    lake_table_t *t = lake_table_open(lake, schema, name, err);
    free(schema);
    free(name);
    return t;
}

lake_table_t *lake_table_open(lake_t *lake, const char *schema, const char *name, am_err_t *err)
{
    if (!lake__name_check("schema", schema, err) || !lake__name_check("table", name, err))
        return NULL;
    lake_table_t *t = table_new(lake, schema, name);
    char *dir = storage_path(lake->st, t->rel);
    bool ok = lake__meta_load_dir(dir, &t->meta, err) &&
              lake__state_load(t->meta.manifest_list, &t->state, err);
    free(dir);
    if (!ok) {
        am_err_prefix(err, "table %s.%s", schema, name);
        lake_table_close(t);
        return NULL;
    }
    return t;
}

/* A known type; a list of one of the others; decimals within Iceberg's range. */
static bool type_check(const lake_column_t *c, am_err_t *err)
{
    am_type_t t = c->type.type;
    am_type_t base = t == AM_TYPE_LIST ? c->type.elem : t;
    if (t < AM_TYPE_BOOL || t > AM_TYPE_LIST || base < AM_TYPE_BOOL || base >= AM_TYPE_LIST)
        return am_err_set(err, AM_SQLSTATE_INVALID_PARAMETER,
                          "column \"%s\": unknown type %d (element %d)", c->name, (int)t,
                          (int)c->type.elem);
    if (base == AM_TYPE_DECIMAL && (c->type.precision < 1 || c->type.precision > 38 ||
                                    c->type.scale < 0 || c->type.scale > c->type.precision))
        return am_err_set(err, AM_SQLSTATE_INVALID_PARAMETER,
                          "column \"%s\": decimal(%d,%d) is out of Iceberg's range", c->name,
                          c->type.precision, c->type.scale);
    return true;
}

/* Names the lake's own queries add to read_parquet output cannot be column names. */
static bool column_check(const lake_column_t *cols, size_t i, am_err_t *err)
{
    const lake_column_t *c = &cols[i];
    if (!c->name || !*c->name)
        return am_err_set(err, AM_SQLSTATE_INVALID_PARAMETER, "column %zu has no name", i + 1);
    if (strcmp(c->name, "file_row_number") == 0 || strcmp(c->name, LAKE_FILENAME_COL) == 0)
        return am_err_set(err, AM_SQLSTATE_UNSUPPORTED,
                          "column name \"%s\" is reserved by the Parquet reader", c->name);
    if (!type_check(c, err))
        return false;
    for (size_t j = 0; j < i; j++)
        if (strcmp(cols[j].name, c->name) == 0)
            return am_err_set(err, AM_SQLSTATE_INVALID_PARAMETER, "column \"%s\" appears twice",
                              c->name);
    return true;
}

bool lake__columns_check(const lake_column_t *cols, size_t n, am_err_t *err)
{
    if (n == 0)
        return am_err_set(err, AM_SQLSTATE_UNSUPPORTED, "a table needs at least one column");
    for (size_t i = 0; i < n; i++)
        if (!column_check(cols, i, err))
            return false;
    return true;
}

/* v1.metadata.json (no snapshot), published without overwrite, then the hint. */
static bool write_v1(lake_table_t *t, const lake_column_t *cols, size_t n, am_err_t *err)
{
    storage_t *st = t->lake->st;
    char *meta_rel = am_xasprintf("%s/metadata", t->rel);
    char *data_rel = am_xasprintf("%s/data", t->rel);
    char *v1_rel = am_xasprintf("%s/v1.metadata.json", meta_rel);
    char *hint_rel = am_xasprintf("%s/version-hint.text", meta_rel);
    json_t *root = lake__meta_create(t->uri_prefix, cols, n, am_now_us() / 1000);
    char *text = json_dumps(root, JSON_COMPACT);
    AM_ASSERT(text != NULL);
    am_err_t e = {0};
    bool ok = storage_mkdirs(st, meta_rel, &e) && storage_mkdirs(st, data_rel, &e) &&
              storage_publish(st, v1_rel, text, strlen(text), &e);
    if (!ok && strcmp(e.sqlstate, STORAGE_SQLSTATE_EXISTS) == 0)
        am_err_set(err, SQLSTATE_DUPLICATE_TABLE, "table already exists");
    else if (!ok && err)
        *err = e;
    if (ok)
        ok = storage_write_atomic(st, hint_rel, "1", 1, err) &&
             lake__meta_parse(text, strlen(text), v1_rel, &t->meta, err);
    t->meta.version = 1;
    free(text);
    json_decref(root);
    free(meta_rel);
    free(data_rel);
    free(v1_rel);
    free(hint_rel);
    return ok;
}

lake_table_t *lake_table_create(lake_t *lake, const char *schema, const char *name,
                                const lake_column_t *cols, size_t n_cols, am_err_t *err)
{
    if (!lake__name_check("schema", schema, err) || !lake__name_check("table", name, err) ||
        !lake__columns_check(cols, n_cols, err)) {
        am_err_prefix(err, "create table %s.%s", schema ? schema : "", name ? name : "");
        return NULL;
    }
    lake_table_t *t = table_new(lake, schema, name);
    char *dir = storage_path(lake->st, t->rel);
    lake__meta_t probe;
    am_err_t ignored = {0};
    bool exists = lake__meta_load_dir(dir, &probe, &ignored) ||
                  strcmp(ignored.sqlstate, AM_SQLSTATE_UNDEFINED_TABLE) != 0;
    if (exists)
        lake__meta_destroy(&probe);
    free(dir);
    bool ok = exists ? am_err_set(err, SQLSTATE_DUPLICATE_TABLE, "table already exists")
                     : write_v1(t, cols, n_cols, err);
    if (!ok) {
        am_err_prefix(err, "create table %s.%s", schema, name);
        lake_table_close(t);
        return NULL;
    }
    return t;
}

lake_table_t *lake_table_create_at(lake_t *lake, const char *location, const lake_column_t *cols,
                                   size_t n_cols, am_err_t *err)
{
    char *schema = NULL, *name = NULL;
    if (!location_split(location, &schema, &name, err))
        return NULL;
    lake_table_t *t = lake_table_create(lake, schema, name, cols, n_cols, err);
    free(schema);
    free(name);
    return t;
}

bool lake_table_drop_at(lake_t *lake, const char *location, am_err_t *err)
{
    char *schema = NULL, *name = NULL;
    bool ok =
        location_split(location, &schema, &name, err) && lake_table_drop(lake, schema, name, err);
    free(schema);
    free(name);
    return ok;
}

bool lake_table_exists_at(const lake_t *lake, const char *location)
{
    char *schema = NULL, *name = NULL;
    if (!location_split(location, &schema, &name, NULL))
        return false;
    char *rel = am_xasprintf("%s/%s/metadata", schema, name);
    char *dir = storage_path(lake->st, rel);
    bool found = am_path_exists(dir);
    free(dir);
    free(rel);
    free(schema);
    free(name);
    return found;
}

bool lake_table_drop(lake_t *lake, const char *schema, const char *name, am_err_t *err)
{
    if (!lake__name_check("schema", schema, err) || !lake__name_check("table", name, err))
        return false;
    char *rel = am_xasprintf("%s/%s", schema, name);
    bool ok = storage_remove(lake->st, rel, err);
    if (!ok)
        am_err_prefix(err, "drop table %s.%s", schema, name);
    free(rel);
    return ok;
}

const char *lake_table_schema(const lake_table_t *t)
{
    return t->schema;
}

const char *lake_table_name(const lake_table_t *t)
{
    return t->name;
}

const char *lake_table_location(const lake_table_t *t)
{
    return t->rel;
}

size_t lake_table_n_columns(const lake_table_t *t)
{
    return t->meta.n_cols;
}

const lake_column_t *lake_table_columns(const lake_table_t *t)
{
    return t->meta.cols;
}

static bool same_doc(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

bool lake_table_set_docs(lake_table_t *t, const char *const *docs, am_err_t *err)
{
    size_t n = t->meta.n_cols;
    bool changed = false;
    for (size_t i = 0; i < n; i++)
        changed |= !same_doc(docs[i], t->meta.cols[i].doc);
    if (!changed)
        return true;
    lake_column_t *cols = am_xcalloc(n + 1, sizeof *cols);
    memcpy(cols, t->meta.cols, n * sizeof *cols);
    for (size_t i = 0; i < n; i++)
        cols[i].doc = docs[i];
    if (lake__table_staged(t)) {
        /* a commit is coming anyway: the docs go with it (publishing now would lose it) */
        bool ok = lake_table_set_schema(t, cols, n, err);
        free(cols);
        return ok;
    }
    char *prev = am_xasprintf("%s/metadata/v%d.metadata.json", t->uri_prefix, t->meta.version);
    json_t *root = lake__meta_add_schema(&t->meta, cols, am_now_us() / 1000, prev,
                                         (size_t)t->lake->metadata_log_max);
    char *text = root ? json_dumps(root, JSON_COMPACT) : NULL;
    bool ok = text ? lake__meta_publish(t, text, err)
                   : am_err_set(err, "XX001", "the table's schema ids are exhausted");
    if (ok) {
        ok = lake__hint_update(t, err);
        lake__meta_install(t, text);
        lake__remove_old_metadata(t);
    }
    if (!ok)
        am_err_prefix(err, "table %s.%s: record column docs", t->schema, t->name);
    free(text);
    json_decref(root);
    free(prev);
    free(cols);
    return ok;
}

am_lsn_t lake_table_lsn(const lake_table_t *t)
{
    return t->meta.lsn;
}

int64_t lake_table_snapshot_id(const lake_table_t *t)
{
    return t->meta.snap_id;
}

int64_t lake_table_live_rows(const lake_table_t *t)
{
    return lake__state_live_rows(&t->state);
}

size_t lake_table_n_file_ids(const lake_table_t *t)
{
    return t->state.n_data;
}

const char *lake_table_data_file(const lake_table_t *t, int32_t id)
{
    if (id < 0 || (size_t)id >= t->state.n_data || !t->state.data[id].live)
        return NULL;
    return t->state.data[id].path;
}

size_t lake_table_n_delete_files(const lake_table_t *t)
{
    return t->state.n_dels;
}

const char *lake_table_delete_file(const lake_table_t *t, size_t i)
{
    return i < t->state.n_dels ? t->state.dels[i].path : NULL;
}

const char *lake__table_file_uri(lake_table_t *t, int32_t id, int64_t row, am_err_t *err)
{
    size_t n = t->state.n_data;
    const char *uri = NULL;
    int64_t rows = 0;
    bool live = false;
    if (id >= 0 && (size_t)id < n) {
        uri = t->state.data[id].path;
        rows = t->state.data[id].record_count;
        live = t->state.data[id].live && !(t->batch && t->batch->truncate);
    } else if (id >= 0 && t->batch && (size_t)id - n < t->batch->n_files) {
        const lake__pending_t *p = &t->batch->files[(size_t)id - n];
        uri = p->uri;
        rows = p->n_rows;
        live = !p->dropped;
    }
    if (uri && live && row >= 0 && row < rows)
        return uri;
    am_err_set(err, AM_SQLSTATE_INVALID_PARAMETER, "table %s.%s: no live row at file %d row %lld",
               t->schema, t->name, id, (long long)row);
    return NULL;
}

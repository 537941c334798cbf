/*
 * lake/metadata.c: Iceberg v2 table metadata (vN.metadata.json) through jansson: the document
 * of a new table, parsing and validating one read from disk (untrusted: every field is
 * checked, errors name the file), finding the newest version of a table directory, and
 * deriving the next document with one more snapshot. Publishing is the caller's (commit.c).
 * Spec: Iceberg table spec "Table Metadata", "Snapshots"; reference/iceberg.md sections 1, 8.
 */
#include "lake/lake_internal.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define META_SQLSTATE_CORRUPT "XX001"

json_t *lake__meta_create(const char *location, const lake_column_t *cols, size_t n, int64_t now_ms)
{
    int32_t *ids = am_xcalloc(n + 1, sizeof *ids);
    int32_t *elem_ids = am_xcalloc(n + 1, sizeof *elem_ids);
    int32_t last_id = lake__ids_assign(cols, n, ids, elem_ids);
    char uuid[37];
    am_uuid4(uuid);
    char *types = lake__column_types_prop(cols, n);
    json_t *root = json_pack(
        "{s:i, s:s, s:s, s:i, s:I, s:i, s:i, s:[o], s:i, s:[{s:i, s:[]}], s:i, s:i,"
        " s:[{s:i, s:[]}], s:{s:s, s:s}, s:I, s:{}, s:[], s:[], s:[]}",
        "format-version", 2, "table-uuid", uuid, "location", location, "last-sequence-number", 0,
        "last-updated-ms", (json_int_t)now_ms, "last-column-id", (int)last_id, "current-schema-id",
        0, "schemas", lake__schema_json(cols, ids, elem_ids, n, 0), "default-spec-id", 0,
        "partition-specs", "spec-id", 0, "fields", "last-partition-id", 999,
        "default-sort-order-id", 0, "sort-orders", "order-id", 0, "fields", "properties",
        "write.format.default", "parquet", LAKE_PROP_COLUMN_TYPES, types, "current-snapshot-id",
        (json_int_t)-1, "refs", "snapshots", "snapshot-log", "metadata-log");
    free(types);
    free(ids);
    free(elem_ids);
    AM_ASSERT(root != NULL);
    return root;
}

/* ---- parsing ----------------------------------------------------------------------------- */

typedef struct meta_parser {
    const char *what;
    am_err_t *err;
} meta_parser_t;

static bool bad(meta_parser_t *p, const char *sqlstate, const char *fmt, ...) AM_PRINTF(3, 4);

static bool bad(meta_parser_t *p, const char *sqlstate, const char *fmt, ...)
{
    char why[256];
    va_list ap;
    va_start(ap, fmt);
    (void)vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    return am_err_set(p->err, sqlstate, "table metadata %s: %s", p->what, why);
}

static bool get_int64(meta_parser_t *p, json_t *obj, const char *key, int64_t *out)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_integer(v))
        return bad(p, META_SQLSTATE_CORRUPT, "\"%s\" is missing or not an integer", key);
    *out = json_integer_value(v);
    return true;
}

static bool get_int32(meta_parser_t *p, json_t *obj, const char *key, int32_t *out)
{
    int64_t v = 0;
    if (!get_int64(p, obj, key, &v))
        return false;
    if (v < INT32_MIN || v > INT32_MAX)
        return bad(p, META_SQLSTATE_CORRUPT, "\"%s\" is out of range", key);
    *out = (int32_t)v;
    return true;
}

static json_t *find_by_id(json_t *arr, const char *id_key, int64_t id)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        json_t *jid = json_object_get(v, id_key);
        if (json_is_integer(jid) && json_integer_value(jid) == id)
            return v;
    }
    return NULL;
}

static bool parse_field(meta_parser_t *p, json_t *f, lake_column_t *col, int32_t *id,
                        int32_t *elem_id)
{
    const char *name = json_string_value(json_object_get(f, "name"));
    json_t *type = json_object_get(f, "type");
    json_t *req = json_object_get(f, "required");
    json_t *doc = json_object_get(f, "doc");
    if (!json_is_object(f) || !name || !json_is_boolean(req) || !get_int32(p, f, "id", id))
        return bad(p, META_SQLSTATE_CORRUPT, "%s", "schema field lacks id, name or required");
    if (doc && !json_is_string(doc))
        return bad(p, META_SQLSTATE_CORRUPT, "column \"%s\": \"doc\" is not a string", name);
    if (!lake__type_parse_json(type, &col->type, elem_id)) {
        char *text = json_dumps(type, JSON_COMPACT | JSON_ENCODE_ANY);
        bool r = bad(p, AM_SQLSTATE_UNSUPPORTED, "column \"%s\": type %.100s is not supported",
                     name, text ? text : "(missing)");
        free(text);
        return r;
    }
    col->name = am_xstrdup(name);
    col->doc = doc ? am_xstrdup(json_string_value(doc)) : NULL;
    col->required = json_is_true(req);
    col->field_id = *id;
    return true;
}

/* One "type[:key]" token of LAKE_PROP_COLUMN_TYPES that agrees with col's Iceberg type. */
static bool type_token_ok(const char *s, size_t len, const lake_column_t *col, am_coltype_t *t,
                          bool *key)
{
    *key = len > 4 && memcmp(s + len - 4, ":key", 4) == 0;
    if (!lake__type_parse_token(s, *key ? len - 4 : len, t))
        return false;
    return lake__type_same_iceberg(*t, col->type);
}

/* LAKE_PROP_COLUMN_TYPES restores int16 and key flags when it matches the schema. */
static void apply_type_prop(lake__meta_t *m, const char *prop)
{
    am_coltype_t *types = am_xcalloc(m->n_cols + 1, sizeof *types);
    bool *keys = am_xcalloc(m->n_cols + 1, sizeof *keys);
    const char *s = prop;
    size_t i = 0;
    for (; i < m->n_cols; i++) {
        size_t len = strcspn(s, ";");
        if (!type_token_ok(s, len, &m->cols[i], &types[i], &keys[i]))
            break;
        s += len;
        if (*s == ';' && i + 1 < m->n_cols)
            s++;
    }
    if (i == m->n_cols && *s == '\0') {
        for (i = 0; i < m->n_cols; i++) {
            m->cols[i].type = types[i];
            m->cols[i].is_key = m->cols[i].is_key || keys[i];
        }
    }
    free(types);
    free(keys);
}

static void mark_identifiers(lake__meta_t *m, json_t *schema)
{
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(schema, "identifier-field-ids"), i, v)
    {
        for (size_t c = 0; c < m->n_cols; c++)
            if (json_is_integer(v) && json_integer_value(v) == m->field_ids[c])
                m->cols[c].is_key = true;
    }
}

/* The fields of one schema object into cols, ids and elem_ids (n entries each, allocated). */
static bool parse_fields(meta_parser_t *p, json_t *schema, lake_column_t **cols, int32_t **ids,
                         int32_t **elem_ids, size_t *n)
{
    json_t *fields = json_object_get(schema, "fields");
    if (!json_is_array(fields))
        return bad(p, META_SQLSTATE_CORRUPT, "%s", "a schema is missing or has no fields");
    *n = json_array_size(fields);
    *cols = am_xcalloc(*n + 1, sizeof **cols);
    *ids = am_xcalloc(*n + 1, sizeof **ids);
    *elem_ids = am_xcalloc(*n + 1, sizeof **elem_ids);
    for (size_t i = 0; i < *n; i++)
        if (!parse_field(p, json_array_get(fields, i), &(*cols)[i], &(*ids)[i], &(*elem_ids)[i])) {
            *n = i; /* the caller frees what was parsed */
            return false;
        }
    return true;
}

static bool parse_schema(meta_parser_t *p, lake__meta_t *m)
{
    if (!get_int32(p, m->root, "current-schema-id", &m->schema_id) ||
        !get_int32(p, m->root, "last-column-id", &m->last_column_id))
        return false;
    json_t *schema = find_by_id(json_object_get(m->root, "schemas"), "schema-id", m->schema_id);
    if (!parse_fields(p, schema, &m->cols, &m->field_ids, &m->elem_ids, &m->n_cols))
        return false;
    mark_identifiers(m, schema);
    const char *prop = json_string_value(
        json_object_get(json_object_get(m->root, "properties"), LAKE_PROP_COLUMN_TYPES));
    if (prop)
        apply_type_prop(m, prop);
    return true;
}

void lake__schema_destroy(lake__schema_t *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free((char *)s->cols[i].name);
        free((char *)s->cols[i].doc);
    }
    free(s->cols);
    free(s->elem_ids);
    memset(s, 0, sizeof *s);
}

bool lake__meta_schema(const lake__meta_t *m, int32_t schema_id, lake__schema_t *out, am_err_t *err)
{
    memset(out, 0, sizeof *out);
    if (schema_id < 0)
        schema_id = m->schema_id;
    json_t *schema = find_by_id(json_object_get(m->root, "schemas"), "schema-id", schema_id);
    if (!schema)
        return am_err_set(err, AM_SQLSTATE_UNDEFINED_TABLE, "table at %s has no schema %d",
                          m->location, schema_id);
    meta_parser_t p = {.what = m->location, .err = err};
    int32_t *ids = NULL;
    bool ok = parse_fields(&p, schema, &out->cols, &ids, &out->elem_ids, &out->n);
    free(ids); /* cols carry their field ids */
    out->id = schema_id;
    if (!ok)
        lake__schema_destroy(out);
    return ok;
}

int32_t lake__meta_max_schema_id(const lake__meta_t *m)
{
    int64_t max_id = m->schema_id;
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(m->root, "schemas"), i, v)
    {
        json_t *id = json_object_get(v, "schema-id");
        if (json_is_integer(id) && json_integer_value(id) > max_id &&
            json_integer_value(id) <= INT32_MAX)
            max_id = json_integer_value(id);
    }
    return (int32_t)max_id;
}

int32_t lake__file_schema_id(const lake__meta_t *m, const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *tag = strstr(base, LAKE_FILE_SCHEMA_TAG);
    if (tag) {
        char *end = NULL;
        long v = strtol(tag + strlen(LAKE_FILE_SCHEMA_TAG), &end, 10);
        if (end && strcmp(end, ".parquet") == 0 && v >= 0 && v <= INT32_MAX)
            return (int32_t)v;
    }
    int64_t low = m->schema_id;
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(m->root, "schemas"), i, v)
    {
        json_t *id = json_object_get(v, "schema-id");
        if (json_is_integer(id) && json_integer_value(id) < low && json_integer_value(id) >= 0)
            low = json_integer_value(id);
    }
    return (int32_t)low;
}

/* Only unpartitioned tables: every file of ours lives in the one empty partition. */
static bool check_unpartitioned(meta_parser_t *p, lake__meta_t *m)
{
    int32_t spec_id = 0;
    if (!get_int32(p, m->root, "default-spec-id", &spec_id))
        return false;
    json_t *spec = find_by_id(json_object_get(m->root, "partition-specs"), "spec-id", spec_id);
    if (!spec)
        return bad(p, META_SQLSTATE_CORRUPT, "%s", "default partition spec is missing");
    if (json_array_size(json_object_get(spec, "fields")) != 0)
        return bad(p, AM_SQLSTATE_UNSUPPORTED, "%s", "partitioned tables are not supported");
    return true;
}

static bool parse_current_snapshot(meta_parser_t *p, lake__meta_t *m)
{
    m->snap_id = -1;
    json_t *cur = json_object_get(m->root, "current-snapshot-id");
    if (!cur || json_is_null(cur) || (json_is_integer(cur) && json_integer_value(cur) == -1))
        return true;
    if (!json_is_integer(cur))
        return bad(p, META_SQLSTATE_CORRUPT, "%s", "\"current-snapshot-id\" is not an integer");
    m->snap_id = json_integer_value(cur);
    json_t *snap = find_by_id(json_object_get(m->root, "snapshots"), "snapshot-id", m->snap_id);
    const char *ml = json_string_value(json_object_get(snap, "manifest-list"));
    if (!snap || !ml)
        return bad(p, META_SQLSTATE_CORRUPT, "%s",
                   "current snapshot is missing or has no \"manifest-list\"");
    if (!get_int64(p, snap, "sequence-number", &m->snap_seq))
        return false;
    m->manifest_list = am_xstrdup(ml);
    const char *lsn =
        json_string_value(json_object_get(json_object_get(snap, "summary"), LAKE_SUMMARY_LSN));
    if (lsn && !am_lsn_parse(lsn, &m->lsn))
        return bad(p, META_SQLSTATE_CORRUPT, "bad \"" LAKE_SUMMARY_LSN "\" \"%s\"", lsn);
    return true;
}

static bool parse_root(meta_parser_t *p, lake__meta_t *m)
{
    int64_t fv = 0;
    if (!json_is_object(m->root))
        return bad(p, META_SQLSTATE_CORRUPT, "%s", "not a JSON object");
    if (!get_int64(p, m->root, "format-version", &fv))
        return false;
    if (fv != 2)
        return bad(p, AM_SQLSTATE_UNSUPPORTED, "%s", "format-version is not 2");
    const char *loc = json_string_value(json_object_get(m->root, "location"));
    if (!loc || !json_is_string(json_object_get(m->root, "table-uuid")))
        return bad(p, META_SQLSTATE_CORRUPT, "%s", "\"location\" or \"table-uuid\" is missing");
    m->location = am_xstrdup(loc);
    if (!get_int64(p, m->root, "last-sequence-number", &m->last_seq) ||
        !get_int64(p, m->root, "last-updated-ms", &m->last_updated_ms))
        return false;
    return parse_schema(p, m) && check_unpartitioned(p, m) && parse_current_snapshot(p, m);
}

bool lake__meta_parse(const char *text, size_t len, const char *what, lake__meta_t *out,
                      am_err_t *err)
{
    memset(out, 0, sizeof *out);
    json_error_t jerr;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return am_err_set(err, META_SQLSTATE_CORRUPT, "table metadata %s: bad JSON at line %d: %s",
                          what, jerr.line, jerr.text);
    return lake__meta_from_root(root, what, out, err);
}

bool lake__meta_from_root(json_t *root, const char *what, lake__meta_t *out, am_err_t *err)
{
    memset(out, 0, sizeof *out);
    out->snap_id = -1;
    out->root = root;
    meta_parser_t p = {.what = what, .err = err};
    if (!parse_root(&p, out)) {
        lake__meta_destroy(out);
        return false;
    }
    return true;
}

void lake__meta_destroy(lake__meta_t *m)
{
    if (m->root)
        json_decref(m->root);
    for (size_t i = 0; i < m->n_cols; i++) {
        free((char *)m->cols[i].name);
        free((char *)m->cols[i].doc);
    }
    free(m->cols);
    free(m->field_ids);
    free(m->elem_ids);
    free(m->location);
    free(m->manifest_list);
    memset(m, 0, sizeof *m);
    m->snap_id = -1;
}

/* ---- finding the newest version ---------------------------------------------------------- */

/* "vN.metadata.json" -> N, or 0 when name is something else. */
static int32_t version_of(const char *name)
{
    if (name[0] != 'v' || name[1] < '1' || name[1] > '9')
        return 0;
    char *end = NULL;
    long v = strtol(name + 1, &end, 10);
    if (strcmp(end, ".metadata.json") != 0 || v <= 0 || v > INT32_MAX - 1000)
        return 0;
    return (int32_t)v;
}

static int32_t newest_listed(const char *meta_dir)
{
    DIR *d = opendir(meta_dir);
    if (!d)
        return 0;
    int32_t best = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        int32_t v = version_of(e->d_name);
        if (v > best)
            best = v;
    }
    closedir(d);
    return best;
}

/* Digits of version-hint.text (Java trims whitespace, so we do too); 0 when absent or bad. */
static int32_t read_hint(const char *meta_dir)
{
    char *path = am_xasprintf("%s/version-hint.text", meta_dir);
    am_buf_t b;
    am_buf_init(&b);
    int32_t v = 0;
    if (am_path_exists(path) && am_file_read_all(path, &b, NULL) && b.len > 0 && b.len < 16) {
        char *end = NULL;
        long n = strtol(b.data, &end, 10);
        while (end && (*end == '\n' || *end == ' ' || *end == '\r'))
            end++;
        if (end && *end == '\0' && n > 0 && n < INT32_MAX - 1000)
            v = (int32_t)n;
    }
    am_buf_destroy(&b);
    free(path);
    return v;
}

static bool version_exists(const char *meta_dir, int32_t v)
{
    char *path = am_xasprintf("%s/v%d.metadata.json", meta_dir, v);
    bool found = am_path_exists(path);
    free(path);
    return found;
}

bool lake__meta_load_dir(const char *table_dir, lake__meta_t *out, am_err_t *err)
{
    memset(out, 0, sizeof *out);
    char *meta_dir = am_xasprintf("%s/metadata", table_dir);
    int32_t v = read_hint(meta_dir);
    /* a hint that lags is harmless (probe on); one naming a missing file means list */
    if (v == 0 || !version_exists(meta_dir, v))
        v = newest_listed(meta_dir);
    while (v > 0 && version_exists(meta_dir, v + 1))
        v++;
    if (v == 0) {
        free(meta_dir);
        return am_err_set(err, AM_SQLSTATE_UNDEFINED_TABLE, "table \"%s\" has no metadata",
                          table_dir);
    }
    char *path = am_xasprintf("%s/v%d.metadata.json", meta_dir, v);
    am_buf_t b;
    am_buf_init(&b);
    bool ok = am_file_read_all(path, &b, err) && lake__meta_parse(b.data, b.len, path, out, err);
    if (ok)
        out->version = v;
    am_buf_destroy(&b);
    free(path);
    free(meta_dir);
    return ok;
}

bool lake__meta_snapshot_find(const lake__meta_t *m, int64_t id, const char **manifest_list,
                              am_err_t *err)
{
    json_t *snap = find_by_id(json_object_get(m->root, "snapshots"), "snapshot-id", id);
    const char *ml = json_string_value(json_object_get(snap, "manifest-list"));
    if (!snap || !ml)
        return am_err_set(err, AM_SQLSTATE_UNDEFINED_TABLE,
                          "table at %s has no snapshot %lld with a manifest list", m->location,
                          (long long)id);
    *manifest_list = ml;
    return true;
}

int32_t lake__meta_snapshot_schema(const lake__meta_t *m, int64_t id)
{
    json_t *snap = find_by_id(json_object_get(m->root, "snapshots"), "snapshot-id", id);
    json_t *sid = json_object_get(snap, "schema-id");
    if (json_is_integer(sid) && json_integer_value(sid) >= 0 &&
        json_integer_value(sid) <= INT32_MAX)
        return (int32_t)json_integer_value(sid);
    return m->schema_id;
}

char *lake__meta_schema_text(const lake__meta_t *m)
{
    /* from the columns, not the document: a staged schema is not in the document yet */
    json_t *schema = lake__schema_json(m->cols, m->field_ids, m->elem_ids, m->n_cols, m->schema_id);
    char *s = json_dumps(schema, JSON_COMPACT);
    AM_ASSERT(s != NULL);
    json_decref(schema);
    return s;
}

/* ---- the next version -------------------------------------------------------------------- */

/* Appends entry to root[key] (created if absent), keeping at most max entries. */
static void log_append(json_t *root, const char *key, json_t *entry, size_t max)
{
    json_t *arr = json_object_get(root, key);
    if (!json_is_array(arr)) {
        arr = json_array();
        json_object_set_new(root, key, arr);
    }
    json_array_append_new(arr, entry);
    while (max && json_array_size(arr) > max)
        json_array_remove(arr, 0);
}

json_t *lake__meta_add_snapshot(const lake__meta_t *m, const lake__snap_t *s, const char *prev_uri,
                                size_t log_max)
{
    json_t *root = json_deep_copy(m->root);
    json_t *snap = json_pack("{s:I, s:I, s:I, s:O, s:s, s:i}", "sequence-number",
                             (json_int_t)s->seq, "snapshot-id", (json_int_t)s->id, "timestamp-ms",
                             (json_int_t)s->timestamp_ms, "summary", s->summary, "manifest-list",
                             s->manifest_list, "schema-id", (int)m->schema_id);
    AM_ASSERT(root != NULL && snap != NULL);
    if (s->parent_id >= 0)
        json_object_set_new(snap, "parent-snapshot-id", json_integer(s->parent_id));
    log_append(root, "snapshots", snap, 0);
    json_object_set_new(root, "last-sequence-number", json_integer(s->seq));
    json_object_set_new(root, "last-updated-ms", json_integer(s->timestamp_ms));
    json_object_set_new(root, "current-snapshot-id", json_integer(s->id));
    json_t *refs = json_object_get(root, "refs");
    if (!json_is_object(refs)) {
        refs = json_object();
        json_object_set_new(root, "refs", refs);
    }
    json_object_set_new(
        refs, "main", json_pack("{s:I, s:s}", "snapshot-id", (json_int_t)s->id, "type", "branch"));
    log_append(root, "snapshot-log",
               json_pack("{s:I, s:I}", "timestamp-ms", (json_int_t)s->timestamp_ms, "snapshot-id",
                         (json_int_t)s->id),
               0);
    log_append(root, "metadata-log",
               json_pack("{s:I, s:s}", "timestamp-ms", (json_int_t)m->last_updated_ms,
                         "metadata-file", prev_uri),
               log_max);
    return root;
}

void lake__root_put_schema(json_t *root, const lake_column_t *cols, const int32_t *field_ids,
                           const int32_t *elem_ids, size_t n, int32_t schema_id,
                           int32_t last_column_id)
{
    json_t *schemas = json_object_get(root, "schemas");
    if (!find_by_id(schemas, "schema-id", schema_id))
        log_append(root, "schemas", lake__schema_json(cols, field_ids, elem_ids, n, schema_id), 0);
    json_object_set_new(root, "current-schema-id", json_integer(schema_id));
    json_object_set_new(root, "last-column-id", json_integer(last_column_id));
    json_t *props = json_object_get(root, "properties");
    if (!json_is_object(props)) {
        props = json_object();
        json_object_set_new(root, "properties", props);
    }
    char *types = lake__column_types_prop(cols, n);
    json_object_set_new(props, LAKE_PROP_COLUMN_TYPES, json_string(types));
    free(types);
}

json_t *lake__meta_add_schema(const lake__meta_t *m, const lake_column_t *cols, int64_t now_ms,
                              const char *prev_uri, size_t log_max)
{
    int32_t max_id = lake__meta_max_schema_id(m);
    if (max_id >= INT32_MAX) /* a schema-id no writer of ours made: nothing to number */
        return NULL;
    json_t *root = json_deep_copy(m->root);
    AM_ASSERT(root != NULL);
    lake__root_put_schema(root, cols, m->field_ids, m->elem_ids, m->n_cols, max_id + 1,
                          m->last_column_id);
    /* Java rejects a metadata-log entry later than last-updated-ms */
    int64_t updated = now_ms > m->last_updated_ms ? now_ms : m->last_updated_ms;
    json_object_set_new(root, "last-updated-ms", json_integer(updated));
    log_append(root, "metadata-log",
               json_pack("{s:I, s:s}", "timestamp-ms", (json_int_t)m->last_updated_ms,
                         "metadata-file", prev_uri),
               log_max);
    return root;
}

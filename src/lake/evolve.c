/*
 * lake/evolve.c: schema evolution by field id and table properties. Both are staged on the open
 * table and committed with its next snapshot (commit.c), so a new schema and the rows written
 * with it, or a replacement of every row, are one commit that readers see whole. A field keeps
 * its id through renames and widenings; a dropped id is never reused; a field a data file lacks
 * reads NULL (plan.c finds each file's fields by id, through the schema the file was written
 * with). Also here: the snapshot protected from expiry while a watermark still names it.
 * Must not: know why a schema changes (the mirror decides) or write any file.
 * Spec: Iceberg table spec "Schema Evolution", "Schemas and Data Types" (type promotion);
 * reference/iceberg.md section 9.
 */
#include "lake/lake_internal.h"

#include <stdlib.h>
#include <string.h>

/* Iceberg v2's type promotions (and no change); int16 is Iceberg int like int32. */
static bool promotable(am_coltype_t from, am_coltype_t to)
{
    if (lake__type_same_iceberg(from, to))
        return true;
    if (from.type == AM_TYPE_LIST || to.type == AM_TYPE_LIST) {
        if (from.type != to.type)
            return false;
        return promotable(am_coltype_elem(from), am_coltype_elem(to));
    }
    if ((from.type == AM_TYPE_INT16 || from.type == AM_TYPE_INT32) && to.type == AM_TYPE_INT64)
        return true;
    if (from.type == AM_TYPE_FLOAT32 && to.type == AM_TYPE_FLOAT64)
        return true;
    return from.type == AM_TYPE_DECIMAL && to.type == AM_TYPE_DECIMAL && to.scale == from.scale &&
           to.precision >= from.precision;
}

typedef struct staging {
    lake_column_t *cols;
    int32_t *ids;
    int32_t *elem_ids;
    size_t n;
    int32_t last_id;
} staging_t;

static void staging_free(staging_t *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free((char *)s->cols[i].name);
        free((char *)s->cols[i].doc);
    }
    free(s->cols);
    free(s->ids);
    free(s->elem_ids);
}

/* Column i of the new schema: a kept field (its id, element id, required only if it was) or a
 * new optional one. */
static bool stage_column(const lake_table_t *t, const lake_column_t *c, size_t i, staging_t *s,
                         am_err_t *err)
{
    const lake__meta_t *m = &t->meta;
    lake_column_t *out = &s->cols[i];
    *out = *c;
    out->name = am_xstrdup(c->name);
    out->doc = c->doc ? am_xstrdup(c->doc) : NULL;
    s->n = i + 1;
    if (c->field_id == 0) {
        s->ids[i] = ++s->last_id;
        s->elem_ids[i] = c->type.type == AM_TYPE_LIST ? ++s->last_id : 0;
        out->required = false; /* v2 cannot add a required field */
    } else {
        size_t j = 0;
        while (j < m->n_cols && m->field_ids[j] != c->field_id)
            j++;
        if (j == m->n_cols)
            return am_err_set(err, AM_SQLSTATE_INVALID_PARAMETER,
                              "column \"%s\": field id %d is not a column of the table", c->name,
                              c->field_id);
        if (!promotable(m->cols[j].type, c->type)) {
            char from[64], to[64];
            lake__type_iceberg(m->cols[j].type, from, sizeof from);
            lake__type_iceberg(c->type, to, sizeof to);
            return am_err_set(err, AM_SQLSTATE_UNSUPPORTED,
                              "column \"%s\": Iceberg cannot change %s to %s in place", c->name,
                              from, to);
        }
        for (size_t k = 0; k < i; k++)
            if (s->ids[k] == c->field_id)
                return am_err_set(err, AM_SQLSTATE_INVALID_PARAMETER, "field id %d appears twice",
                                  c->field_id);
        s->ids[i] = c->field_id;
        s->elem_ids[i] = m->elem_ids[j];
        out->required = c->required && m->cols[j].required; /* optional never turns required */
    }
    out->field_id = s->ids[i];
    out->is_key = c->is_key && out->required; /* identifier fields must be required */
    return true;
}

bool lake_table_set_schema(lake_table_t *t, const lake_column_t *cols, size_t n_cols, am_err_t *err)
{
    if (t->batch && (t->batch->n_appended > 0 || t->batch->pq.open))
        return am_err_set(err, "55000", "table %s.%s: rows were appended before the schema change",
                          t->schema, t->name);
    if (!lake__columns_check(cols, n_cols, err)) {
        am_err_prefix(err, "table %s.%s: new schema", t->schema, t->name);
        return false;
    }
    lake__meta_t *m = &t->meta;
    staging_t s = {.cols = am_xcalloc(n_cols, sizeof *s.cols),
                   .ids = am_xcalloc(n_cols, sizeof *s.ids),
                   .elem_ids = am_xcalloc(n_cols, sizeof *s.elem_ids),
                   .last_id = m->last_column_id};
    for (size_t i = 0; i < n_cols; i++) {
        if (!stage_column(t, &cols[i], i, &s, err)) {
            staging_free(&s);
            am_err_prefix(err, "table %s.%s", t->schema, t->name);
            return false;
        }
    }
    int32_t schema_id = lake__meta_max_schema_id(m);
    if (schema_id >= INT32_MAX) {
        staging_free(&s);
        return am_err_set(err, "XX001", "table %s.%s: the table's schema ids are exhausted",
                          t->schema, t->name);
    }
    for (size_t i = 0; i < m->n_cols; i++) {
        free((char *)m->cols[i].name);
        free((char *)m->cols[i].doc);
    }
    free(m->cols);
    free(m->field_ids);
    free(m->elem_ids);
    m->cols = s.cols;
    m->field_ids = s.ids;
    m->elem_ids = s.elem_ids;
    m->n_cols = n_cols;
    m->last_column_id = s.last_id;
    if (!t->staged_schema)
        m->schema_id = schema_id + 1;
    t->staged_schema = true;
    lake__table_fetch_forget(t); /* its statement projects the old columns */
    return true;
}

void lake_table_set_property(lake_table_t *t, const char *key, const char *value)
{
    if (!t->staged_props)
        t->staged_props = json_object();
    json_t *v = value ? json_string(value) : json_null();
    if (!v) { /* not UTF-8: properties are JSON strings, so it cannot be kept */
        am_log_warn("lake", "table property is not valid UTF-8, not stored",
                    AM_KV_STR("table", t->rel), AM_KV_STR("key", key));
        return;
    }
    json_object_set_new(t->staged_props, key, v);
}

const char *lake_table_property(const lake_table_t *t, const char *key)
{
    json_t *v = t->staged_props ? json_object_get(t->staged_props, key) : NULL;
    if (!v)
        v = json_object_get(json_object_get(t->meta.root, "properties"), key);
    return json_string_value(v);
}

void lake_table_protect(lake_table_t *t, int64_t snapshot_id)
{
    t->protect_id = snapshot_id;
}

bool lake__table_staged(const lake_table_t *t)
{
    return t->staged_schema || (t->staged_props && json_object_size(t->staged_props) > 0);
}

void lake__table_apply_staged(const lake_table_t *t, json_t *root)
{
    const lake__meta_t *m = &t->meta;
    if (t->staged_schema)
        lake__root_put_schema(root, m->cols, m->field_ids, m->elem_ids, m->n_cols, m->schema_id,
                              m->last_column_id);
    if (!t->staged_props)
        return;
    json_t *props = json_object_get(root, "properties");
    if (!json_is_object(props)) {
        props = json_object();
        json_object_set_new(root, "properties", props);
    }
    const char *key;
    json_t *v;
    json_object_foreach(t->staged_props, key, v)
    {
        if (json_is_null(v))
            json_object_del(props, key);
        else
            json_object_set(props, key, v);
    }
}

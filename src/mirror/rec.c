/*
 * mirror/rec.c: the source state a lake table reflects, kept in its properties
 * (MIRROR_PROP_SOURCE) so a restart knows which attnum each field holds and what the catalog
 * looked like when the lake last agreed with it:
 *   {"relid":16384,"schema":"public","name":"orders","relkind":"r","replident":"d",
 *    "key":[1],"spec":"public.orders","names":["public.orders_old"],
 *    "storage":[[16384,16390,751]],
 *    "cols":[[1,"id",23,-1,true,null,false,false,1], ...]}
 * cols: attnum, name, type oid, typmod, NOT NULL, default expression, missing value for old
 * rows, generated, field id (0 for generated columns, which the lake does not keep), and the
 * chain of a user-defined type (source_attr_t.type_ident; absent from older records).
 * Parsed as untrusted bytes (the lake is on disk): every member is checked.
 * Also the fingerprint of what the served catalog shows of a table (names and columns).
 */
#include "mirror/mirror_internal.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

void mirror__rec_destroy(mirror_rec_t *r)
{
    source_table_state_t *st = &r->st;
    free(st->schema);
    free(st->name);
    free(st->key);
    for (size_t i = 0; i < st->n_attrs; i++) {
        free(st->attrs[i].name);
        free(st->attrs[i].default_expr);
        free(st->attrs[i].type_ident);
    }
    free(st->attrs);
    free(st->storage);
    free(r->fields);
    for (size_t i = 0; i < r->n_names; i++)
        free(r->names[i]);
    free(r->names);
    free(r->spec);
    memset(r, 0, sizeof *r);
}

void mirror__state_copy(source_table_state_t *d, const source_table_state_t *s)
{
    *d = *s;
    d->schema = am_xstrdup(s->schema);
    d->name = am_xstrdup(s->name);
    d->key = am_xcalloc(s->n_key + 1, sizeof *d->key);
    if (s->n_key) /* key and storage may be NULL when empty: memcpy takes no NULL */
        memcpy(d->key, s->key, s->n_key * sizeof *d->key);
    d->attrs = am_xcalloc(s->n_attrs + 1, sizeof *d->attrs);
    for (size_t i = 0; i < s->n_attrs; i++) {
        d->attrs[i] = s->attrs[i];
        d->attrs[i].name = am_xstrdup(s->attrs[i].name);
        d->attrs[i].default_expr =
            s->attrs[i].default_expr ? am_xstrdup(s->attrs[i].default_expr) : NULL;
        d->attrs[i].type_ident = s->attrs[i].type_ident ? am_xstrdup(s->attrs[i].type_ident) : NULL;
    }
    d->storage = am_xcalloc(s->n_storage + 1, sizeof *d->storage);
    if (s->n_storage)
        memcpy(d->storage, s->storage, s->n_storage * sizeof *d->storage);
}

void mirror__rec_copy(mirror_rec_t *dst, const mirror_rec_t *src)
{
    memset(dst, 0, sizeof *dst);
    mirror__state_copy(&dst->st, &src->st);
    dst->fields = am_xcalloc(src->st.n_attrs + 1, sizeof *dst->fields);
    if (src->st.n_attrs)
        memcpy(dst->fields, src->fields, src->st.n_attrs * sizeof *dst->fields);
    dst->names = am_xcalloc(src->n_names + 1, sizeof *dst->names);
    for (size_t i = 0; i < src->n_names; i++)
        dst->names[i] = am_xstrdup(src->names[i]);
    dst->n_names = src->n_names;
    dst->spec = src->spec ? am_xstrdup(src->spec) : NULL;
}

void mirror__rec_from_state(mirror_rec_t *r, const source_table_state_t *st, const int32_t *fields,
                            size_t n_fields)
{
    memset(r, 0, sizeof *r);
    mirror__state_copy(&r->st, st);
    r->fields = am_xcalloc(st->n_attrs + 1, sizeof *r->fields);
    size_t k = 0;
    for (size_t i = 0; i < st->n_attrs; i++)
        if (!st->attrs[i].generated && k < n_fields)
            r->fields[i] = fields[k++];
    r->names = am_xcalloc(1, sizeof *r->names);
}

const source_attr_t *mirror__state_attr(const source_table_state_t *st, int16_t attnum,
                                        size_t *index)
{
    for (size_t i = 0; i < st->n_attrs; i++) {
        if (st->attrs[i].attnum == attnum) {
            if (index)
                *index = i;
            return &st->attrs[i];
        }
    }
    return NULL;
}

int32_t mirror__rec_field(const mirror_rec_t *r, int16_t attnum)
{
    size_t i = 0;
    return mirror__state_attr(&r->st, attnum, &i) ? r->fields[i] : 0;
}

static bool same_text(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

bool mirror__state_equal(const source_table_state_t *a, const source_table_state_t *b)
{
    if (a->relid != b->relid || strcmp(a->schema, b->schema) != 0 ||
        strcmp(a->name, b->name) != 0 || a->replident != b->replident || a->n_key != b->n_key ||
        a->n_attrs != b->n_attrs || a->n_storage != b->n_storage ||
        a->persistence != b->persistence)
        return false;
    if (memcmp(a->key, b->key, a->n_key * sizeof *a->key) != 0)
        return false;
    for (size_t i = 0; i < a->n_storage; i++)
        if (a->storage[i].relid != b->storage[i].relid ||
            a->storage[i].relfilenode != b->storage[i].relfilenode)
            return false;
    for (size_t i = 0; i < a->n_attrs; i++) {
        const source_attr_t *x = &a->attrs[i], *y = &b->attrs[i];
        if (x->attnum != y->attnum || strcmp(x->name, y->name) != 0 || x->type_oid != y->type_oid ||
            x->typmod != y->typmod || x->not_null != y->not_null ||
            x->has_missing != y->has_missing || x->generated != y->generated ||
            !same_text(x->default_expr, y->default_expr) ||
            !same_text(x->type_ident, y->type_ident))
            return false;
    }
    return true;
}

/* FNV-1a over the bytes the served catalog shows of the table. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= UINT64_C(1099511628211);
    }
    return h;
}

uint64_t mirror__state_fp(const source_table_state_t *st)
{
    uint64_t h = UINT64_C(14695981039346656037);
    h = fnv(h, st->schema, strlen(st->schema) + 1);
    h = fnv(h, st->name, strlen(st->name) + 1);
    for (size_t i = 0; i < st->n_attrs; i++) {
        const source_attr_t *a = &st->attrs[i];
        if (a->generated)
            continue;
        h = fnv(h, &a->attnum, sizeof a->attnum);
        h = fnv(h, a->name, strlen(a->name) + 1);
        h = fnv(h, &a->type_oid, sizeof a->type_oid);
        h = fnv(h, &a->typmod, sizeof a->typmod);
        if (a->type_ident) /* absent from older records: their fingerprints stay as they were */
            h = fnv(h, a->type_ident, strlen(a->type_ident) + 1);
    }
    return h ? h : 1; /* 0 means unknown */
}

char *mirror__fp_text(uint64_t fp)
{
    return am_xasprintf("%016llx", (unsigned long long)fp);
}

uint64_t mirror__fp_parse(const char *s)
{
    if (!s || strlen(s) != 16)
        return 0;
    char *end = NULL;
    unsigned long long v = strtoull(s, &end, 16);
    return end && *end == '\0' ? (uint64_t)v : 0;
}

/* ---- JSON ----------------------------------------------------------------------------- */

static json_t *text_or_null(const char *s)
{
    json_t *j = s ? json_string(s) : json_null();
    return j ? j : json_null(); /* not UTF-8: the catalog is, so this does not happen */
}

static json_t *cols_json(const mirror_rec_t *r)
{
    json_t *cols = json_array();
    for (size_t i = 0; i < r->st.n_attrs; i++) {
        const source_attr_t *a = &r->st.attrs[i];
        json_t *ident = a->type_ident ? json_loads(a->type_ident, 0, NULL) : NULL;
        json_t *c = json_pack("[i, o, I, i, b, o, b, b, i, o]", (int)a->attnum,
                              text_or_null(a->name), (json_int_t)a->type_oid, (int)a->typmod,
                              a->not_null, text_or_null(a->default_expr), a->has_missing,
                              a->generated, (int)r->fields[i], ident ? ident : json_null());
        AM_ASSERT(c != NULL);
        json_array_append_new(cols, c);
    }
    return cols;
}

char *mirror__rec_encode(const mirror_rec_t *r)
{
    const source_table_state_t *st = &r->st;
    char kind[2] = {st->relkind, 0}, ident[2] = {st->replident, 0};
    json_t *key = json_array(), *names = json_array(), *storage = json_array();
    for (size_t i = 0; i < st->n_key; i++)
        json_array_append_new(key, json_integer(st->key[i]));
    for (size_t i = 0; i < r->n_names; i++)
        json_array_append_new(names, text_or_null(r->names[i]));
    for (size_t i = 0; i < st->n_storage; i++)
        json_array_append_new(storage, json_pack("[I, I, I]", (json_int_t)st->storage[i].relid,
                                                 (json_int_t)st->storage[i].relfilenode,
                                                 (json_int_t)st->storage[i].xmin));
    json_t *root =
        json_pack("{s:I, s:o, s:o, s:s, s:s, s:o, s:o, s:o, s:o, s:o}", "relid",
                  (json_int_t)st->relid, "schema", text_or_null(st->schema), "name",
                  text_or_null(st->name), "relkind", kind, "replident", ident, "key", key, "spec",
                  text_or_null(r->spec), "names", names, "storage", storage, "cols", cols_json(r));
    AM_ASSERT(root != NULL);
    char *text = json_dumps(root, JSON_COMPACT);
    AM_ASSERT(text != NULL);
    json_decref(root);
    return text;
}

static bool get_uint(const json_t *v, uint64_t max, uint64_t *out)
{
    if (!json_is_integer(v) || json_integer_value(v) < 0 || (uint64_t)json_integer_value(v) > max)
        return false;
    *out = (uint64_t)json_integer_value(v);
    return true;
}

static bool decode_col(const json_t *c, source_attr_t *a, int32_t *field)
{
    uint64_t attnum = 0, type = 0, fid = 0;
    json_t *typmod = json_array_get(c, 3), *def = json_array_get(c, 5);
    json_t *ident = json_array_get(c, 9); /* NULL in records from before it was kept */
    const char *name = json_string_value(json_array_get(c, 1));
    if (!json_is_array(c) || json_array_size(c) < 9 || json_array_size(c) > 10 ||
        !(!ident || json_is_null(ident) || json_is_array(ident)) ||
        !get_uint(json_array_get(c, 0), INT16_MAX, &attnum) || !name ||
        !get_uint(json_array_get(c, 2), UINT32_MAX, &type) || !json_is_integer(typmod) ||
        !(json_is_null(def) || json_is_string(def)) ||
        !get_uint(json_array_get(c, 8), INT32_MAX, &fid))
        return false;
    *a = (source_attr_t){
        .attnum = (int16_t)attnum,
        .name = am_xstrdup(name),
        .type_oid = (uint32_t)type,
        .typmod = (int32_t)json_integer_value(typmod),
        .not_null = json_is_true(json_array_get(c, 4)),
        .default_expr = def && json_is_string(def) ? am_xstrdup(json_string_value(def)) : NULL,
        .has_missing = json_is_true(json_array_get(c, 6)),
        .generated = json_is_true(json_array_get(c, 7)),
        .type_ident = json_is_array(ident) ? json_dumps(ident, JSON_COMPACT) : NULL};
    *field = (int32_t)fid;
    return true;
}

static bool decode_lists(const json_t *root, mirror_rec_t *r)
{
    source_table_state_t *st = &r->st;
    json_t *cols = json_object_get(root, "cols"), *key = json_object_get(root, "key");
    json_t *names = json_object_get(root, "names"), *storage = json_object_get(root, "storage");
    if (!json_is_array(cols) || !json_is_array(key) || !json_is_array(names) ||
        !json_is_array(storage))
        return false;
    size_t n = json_array_size(cols);
    st->attrs = am_xcalloc(n + 1, sizeof *st->attrs);
    r->fields = am_xcalloc(n + 1, sizeof *r->fields);
    for (size_t i = 0; i < n; i++, st->n_attrs++)
        if (!decode_col(json_array_get(cols, i), &st->attrs[i], &r->fields[i]))
            return false;
    st->key = am_xcalloc(json_array_size(key) + 1, sizeof *st->key);
    for (size_t i = 0; i < json_array_size(key); i++, st->n_key++) {
        uint64_t v = 0;
        if (!get_uint(json_array_get(key, i), INT16_MAX, &v))
            return false;
        st->key[i] = (int16_t)v;
    }
    r->names = am_xcalloc(json_array_size(names) + 1, sizeof *r->names);
    for (size_t i = 0; i < json_array_size(names); i++, r->n_names++) {
        const char *s = json_string_value(json_array_get(names, i));
        if (!s)
            return false;
        r->names[i] = am_xstrdup(s);
    }
    st->storage = am_xcalloc(json_array_size(storage) + 1, sizeof *st->storage);
    for (size_t i = 0; i < json_array_size(storage); i++, st->n_storage++) {
        json_t *e = json_array_get(storage, i);
        uint64_t a = 0, b = 0, c = 0;
        if (!get_uint(json_array_get(e, 0), UINT32_MAX, &a) ||
            !get_uint(json_array_get(e, 1), UINT32_MAX, &b) ||
            !get_uint(json_array_get(e, 2), UINT32_MAX, &c))
            return false;
        st->storage[i] = (source_storage_t){(uint32_t)a, (uint32_t)b, (uint32_t)c};
    }
    return true;
}

bool mirror__rec_decode(const char *json, mirror_rec_t *out, am_err_t *err)
{
    memset(out, 0, sizeof *out);
    json_t *root = json_loads(json, 0, NULL);
    uint64_t relid = 0;
    const char *schema = json_string_value(json_object_get(root, "schema"));
    const char *name = json_string_value(json_object_get(root, "name"));
    const char *kind = json_string_value(json_object_get(root, "relkind"));
    const char *ident = json_string_value(json_object_get(root, "replident"));
    const char *spec = json_string_value(json_object_get(root, "spec"));
    bool ok = json_is_object(root) &&
              get_uint(json_object_get(root, "relid"), UINT32_MAX, &relid) && schema && name &&
              kind && ident && strlen(kind) == 1 && strlen(ident) == 1;
    if (ok) {
        out->st.relid = (uint32_t)relid;
        out->st.schema = am_xstrdup(schema);
        out->st.name = am_xstrdup(name);
        out->st.relkind = kind[0];
        out->st.replident = ident[0];
        out->st.persistence = 'p'; /* an unlogged table is never mirrored */
        out->spec = spec ? am_xstrdup(spec) : NULL;
        ok = decode_lists(root, out);
    }
    json_decref(root);
    if (!ok) {
        mirror__rec_destroy(out);
        return am_err_set(err, "XX001", "table property " MIRROR_PROP_SOURCE " is not valid");
    }
    return true;
}

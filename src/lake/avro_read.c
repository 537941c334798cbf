/*
 * lake/avro_read.c: Avro object container reader for manifests and manifest lists that we,
 * Java, PyIceberg or DuckDB wrote, or that broke on disk: untrusted bytes. Parses the writer
 * schema (jansson), then decodes every record into a value tree in an arena. Never writes.
 * Every read goes through am_reader_t; counts are checked against a node budget before any
 * allocation, nesting is bounded, deflate output is capped, so no input can crash us or make
 * us allocate without bound. Errors name the file (what) and say what broke.
 * Hand-written: avro-c's reader cannot give us the field-id attributes of the writer schema,
 * and its error handling aborts on some malformed inputs.
 * Spec: Avro 1.11 "Object Container Files", "Binary Encoding" (see avro.c for the bytes).
 */
#include "lake/lake_internal.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define AVRO_SQLSTATE_CORRUPT "XX001"
#define AVRO_MAX_DEPTH 48
#define AVRO_MAX_NODES (4u << 20)             /* decoded values per file */
#define AVRO_MAX_PAYLOAD (INT64_C(256) << 20) /* decompressed bytes per file */
#define AVRO_MAX_NAMES 512

/* An element of a child list (named, so sizeof reads as what it is). */
typedef const lake__avro_schema_t *schema_ref_t;

struct lake__avro_schema {
    lake__avro_kind_t kind;
    const char *name;       /* named types: record, enum, fixed */
    size_t n;               /* record fields, union branches, enum symbols */
    schema_ref_t *children; /* field types, branches; [0] = array items/map values */
    const char **field_names;
    int32_t *field_ids; /* -1 when a field has none */
    size_t fixed_size;
};

typedef struct parse_ctx {
    am_arena_t *arena;
    const char *what;
    am_err_t *err;
    const char *names[AVRO_MAX_NAMES];
    lake__avro_schema_t *named[AVRO_MAX_NAMES];
    size_t n_names;
} parse_ctx_t;

static const struct {
    const char *name;
    lake__avro_kind_t kind;
} primitives[] = {
    {"null", LAKE_AVRO_NULL},   {"boolean", LAKE_AVRO_BOOLEAN}, {"int", LAKE_AVRO_INT},
    {"long", LAKE_AVRO_LONG},   {"float", LAKE_AVRO_FLOAT},     {"double", LAKE_AVRO_DOUBLE},
    {"bytes", LAKE_AVRO_BYTES}, {"string", LAKE_AVRO_STRING},
};

static lake__avro_schema_t *node_new(parse_ctx_t *c, lake__avro_kind_t kind)
{
    lake__avro_schema_t *s = am_arena_alloc(c->arena, sizeof *s);
    memset(s, 0, sizeof *s);
    s->kind = kind;
    return s;
}

static const lake__avro_schema_t *parse_schema(parse_ctx_t *c, json_t *j, int depth);

static bool schema_fail(parse_ctx_t *c, const char *why)
{
    return am_err_set(c->err, AVRO_SQLSTATE_CORRUPT, "avro file %s: bad schema: %s", c->what, why);
}

static const lake__avro_schema_t *lookup_name(parse_ctx_t *c, const char *name)
{
    for (size_t i = 0; i < AM_ARRAY_LEN(primitives); i++)
        if (strcmp(primitives[i].name, name) == 0)
            return node_new(c, primitives[i].kind);
    const char *dot = strrchr(name, '.');
    const char *shortname = dot ? dot + 1 : name;
    for (size_t i = 0; i < c->n_names; i++)
        if (strcmp(c->names[i], name) == 0 || strcmp(c->names[i], shortname) == 0)
            return c->named[i];
    schema_fail(c, "unknown type name");
    return NULL;
}

static bool register_name(parse_ctx_t *c, json_t *j, lake__avro_schema_t *s)
{
    const char *name = json_string_value(json_object_get(j, "name"));
    if (!name)
        return schema_fail(c, "named type without a name");
    if (c->n_names == AVRO_MAX_NAMES)
        return schema_fail(c, "too many named types");
    s->name = am_arena_strdup(c->arena, name);
    c->names[c->n_names] = s->name;
    c->named[c->n_names++] = s;
    return true;
}

static bool parse_field(parse_ctx_t *c, lake__avro_schema_t *s, size_t i, json_t *f, int depth)
{
    const char *fname = json_string_value(json_object_get(f, "name"));
    json_t *ftype = json_object_get(f, "type");
    if (!json_is_object(f) || !fname || !ftype)
        return schema_fail(c, "record field without name or type");
    s->field_names[i] = am_arena_strdup(c->arena, fname);
    json_t *id = json_object_get(f, "field-id");
    s->field_ids[i] = json_is_integer(id) ? (int32_t)json_integer_value(id) : -1;
    s->children[i] = parse_schema(c, ftype, depth + 1);
    return s->children[i] != NULL;
}

static const lake__avro_schema_t *parse_record(parse_ctx_t *c, json_t *j, int depth)
{
    lake__avro_schema_t *s = node_new(c, LAKE_AVRO_RECORD);
    json_t *fields = json_object_get(j, "fields");
    if (!register_name(c, j, s))
        return NULL;
    if (!json_is_array(fields)) {
        schema_fail(c, "record without fields");
        return NULL;
    }
    s->n = json_array_size(fields);
    s->children = am_arena_alloc(c->arena, (s->n + 1) * sizeof(schema_ref_t));
    s->field_names = am_arena_alloc(c->arena, (s->n + 1) * sizeof *s->field_names);
    s->field_ids = am_arena_alloc(c->arena, (s->n + 1) * sizeof *s->field_ids);
    for (size_t i = 0; i < s->n; i++)
        if (!parse_field(c, s, i, json_array_get(fields, i), depth))
            return NULL;
    return s;
}

static const lake__avro_schema_t *parse_union(parse_ctx_t *c, json_t *j, int depth)
{
    lake__avro_schema_t *s = node_new(c, LAKE_AVRO_UNION);
    s->n = json_array_size(j);
    if (s->n == 0) {
        schema_fail(c, "empty union");
        return NULL;
    }
    s->children = am_arena_alloc(c->arena, s->n * sizeof(schema_ref_t));
    for (size_t i = 0; i < s->n; i++) {
        s->children[i] = parse_schema(c, json_array_get(j, i), depth + 1);
        if (!s->children[i])
            return NULL;
    }
    return s;
}

static const lake__avro_schema_t *parse_container(parse_ctx_t *c, json_t *j, bool map, int depth)
{
    lake__avro_schema_t *s = node_new(c, map ? LAKE_AVRO_MAP : LAKE_AVRO_ARRAY);
    json_t *inner = json_object_get(j, map ? "values" : "items");
    if (!inner) {
        schema_fail(c, map ? "map without values" : "array without items");
        return NULL;
    }
    s->n = 1;
    s->children = am_arena_alloc(c->arena, sizeof(schema_ref_t));
    s->children[0] = parse_schema(c, inner, depth + 1);
    return s->children[0] ? s : NULL;
}

static const lake__avro_schema_t *parse_fixed_enum(parse_ctx_t *c, json_t *j, bool is_enum)
{
    lake__avro_schema_t *s = node_new(c, is_enum ? LAKE_AVRO_ENUM : LAKE_AVRO_FIXED);
    if (!register_name(c, j, s))
        return NULL;
    json_t *v = json_object_get(j, is_enum ? "symbols" : "size");
    if (is_enum ? !json_is_array(v) : (!json_is_integer(v) || json_integer_value(v) < 0)) {
        schema_fail(c, is_enum ? "enum without symbols" : "fixed without a valid size");
        return NULL;
    }
    if (is_enum)
        s->n = json_array_size(v);
    else
        s->fixed_size = (size_t)json_integer_value(v);
    return s;
}

static const lake__avro_schema_t *parse_object(parse_ctx_t *c, json_t *j, int depth)
{
    json_t *type = json_object_get(j, "type");
    const char *t = json_string_value(type);
    if (!t)
        return type ? parse_schema(c, type, depth + 1) : (schema_fail(c, "no type"), NULL);
    if (strcmp(t, "record") == 0 || strcmp(t, "error") == 0)
        return parse_record(c, j, depth);
    if (strcmp(t, "array") == 0 || strcmp(t, "map") == 0)
        return parse_container(c, j, t[0] == 'm', depth);
    if (strcmp(t, "enum") == 0 || strcmp(t, "fixed") == 0)
        return parse_fixed_enum(c, j, t[0] == 'e');
    return lookup_name(c, t);
}

static const lake__avro_schema_t *parse_schema(parse_ctx_t *c, json_t *j, int depth)
{
    if (depth > AVRO_MAX_DEPTH) {
        schema_fail(c, "nested too deeply");
        return NULL;
    }
    if (json_is_string(j))
        return lookup_name(c, json_string_value(j));
    if (json_is_array(j))
        return parse_union(c, j, depth);
    if (json_is_object(j))
        return parse_object(c, j, depth);
    schema_fail(c, "not a string, array or object");
    return NULL;
}

/* ---- values ------------------------------------------------------------------------------ */

typedef struct decode_ctx {
    am_arena_t *arena;
    const char *what;
    am_err_t *err;
    size_t nodes_left;
} decode_ctx_t;

static bool decode_fail(decode_ctx_t *c, const char *why)
{
    return am_err_set(c->err, AVRO_SQLSTATE_CORRUPT, "avro file %s: %s", c->what, why);
}

static bool decode_value(decode_ctx_t *c, am_reader_t *r, const lake__avro_schema_t *s,
                         lake__avro_value_t *out, int depth);

/* Reserves n value nodes against the budget. */
static lake__avro_value_t *values_alloc(decode_ctx_t *c, size_t n)
{
    if (n > c->nodes_left) {
        decode_fail(c, "too many values");
        return NULL;
    }
    c->nodes_left -= n;
    lake__avro_value_t *v = am_arena_alloc(c->arena, (n ? n : 1) * sizeof *v);
    memset(v, 0, (n ? n : 1) * sizeof *v);
    return v;
}

static bool decode_len_bytes(decode_ctx_t *c, am_reader_t *r, lake__avro_value_t *out)
{
    int64_t n = am_read_zigzag(r);
    if (r->failed || n < 0 || (uint64_t)n > am_reader_left(r))
        return decode_fail(c, "bad string or bytes length");
    out->len = (size_t)n;
    out->p = am_read_bytes(r, (size_t)n);
    return true;
}

static bool decode_number(decode_ctx_t *c, am_reader_t *r, lake__avro_kind_t kind,
                          lake__avro_value_t *out)
{
    if (kind == LAKE_AVRO_INT || kind == LAKE_AVRO_LONG) {
        out->i = am_read_zigzag(r);
        if (kind == LAKE_AVRO_INT && (out->i < INT32_MIN || out->i > INT32_MAX))
            return decode_fail(c, "int out of range");
        return true;
    }
    size_t w = kind == LAKE_AVRO_FLOAT ? 4 : 8;
    const uint8_t *p = am_read_bytes(r, w);
    if (!p)
        return decode_fail(c, "truncated float");
    uint64_t bits = 0;
    for (size_t i = 0; i < w; i++)
        bits |= (uint64_t)p[i] << (8 * i);
    if (w == 4) {
        uint32_t b32 = (uint32_t)bits;
        float f;
        memcpy(&f, &b32, sizeof f);
        out->d = f;
    } else {
        memcpy(&out->d, &bits, sizeof out->d);
    }
    return true;
}

static bool decode_record(decode_ctx_t *c, am_reader_t *r, const lake__avro_schema_t *s,
                          lake__avro_value_t *out, int depth)
{
    out->items = values_alloc(c, s->n);
    if (!out->items)
        return false;
    out->n = s->n;
    for (size_t i = 0; i < s->n; i++)
        if (!decode_value(c, r, s->children[i], &out->items[i], depth + 1))
            return false;
    return true;
}

/* Grows *items (arena) to hold need entries; old contents are copied. */
static bool items_grow(decode_ctx_t *c, lake__avro_value_t **items, size_t *cap, size_t need)
{
    if (need <= *cap)
        return true;
    size_t ncap = *cap ? *cap * 2 : 8;
    while (ncap < need)
        ncap *= 2;
    if (ncap - *cap > c->nodes_left)
        return decode_fail(c, "too many values");
    c->nodes_left -= ncap - *cap;
    lake__avro_value_t *n = am_arena_alloc(c->arena, ncap * sizeof *n);
    memset(n, 0, ncap * sizeof *n);
    if (*cap)
        memcpy(n, *items, *cap * sizeof *n);
    *items = n;
    *cap = ncap;
    return true;
}

static bool decode_block_items(decode_ctx_t *c, am_reader_t *r, const lake__avro_schema_t *s,
                               lake__avro_value_t *out, size_t *cap, int64_t count, int depth)
{
    bool map = s->kind == LAKE_AVRO_MAP;
    size_t per = map ? 2 : 1;
    if ((uint64_t)count > c->nodes_left / per)
        return decode_fail(c, "too many array or map items");
    if (!items_grow(c, &out->items, cap, (out->n + (size_t)count) * per))
        return false;
    for (int64_t k = 0; k < count; k++) {
        lake__avro_value_t *slot = &out->items[out->n * per];
        if (map) {
            slot->kind = LAKE_AVRO_STRING;
            if (!decode_len_bytes(c, r, slot))
                return false;
            slot++;
        }
        if (!decode_value(c, r, s->children[0], slot, depth + 1))
            return false;
        out->n++;
    }
    return true;
}

static bool decode_blocks(decode_ctx_t *c, am_reader_t *r, const lake__avro_schema_t *s,
                          lake__avro_value_t *out, int depth)
{
    size_t cap = 0;
    out->n = 0;
    out->items = NULL;
    for (;;) {
        int64_t count = am_read_zigzag(r);
        if (r->failed)
            return decode_fail(c, "truncated array or map");
        if (count == 0)
            break;
        if (count < 0) {
            if (count == INT64_MIN)
                return decode_fail(c, "bad block count");
            count = -count;
            (void)am_read_zigzag(r); /* block byte size: we decode item by item anyway */
        }
        if (!decode_block_items(c, r, s, out, &cap, count, depth))
            return false;
    }
    if (s->kind == LAKE_AVRO_MAP && out->n > 0) {
        /* maps are stored as key,value pairs; expose keys and values separately */
        lake__avro_value_t *vals = values_alloc(c, out->n);
        lake__avro_value_t *keys = values_alloc(c, out->n);
        if (!vals || !keys)
            return false;
        for (size_t i = 0; i < out->n; i++) {
            keys[i] = out->items[2 * i];
            vals[i] = out->items[2 * i + 1];
        }
        out->items = vals;
        out->keys = keys;
    }
    return true;
}

static bool decode_union(decode_ctx_t *c, am_reader_t *r, const lake__avro_schema_t *s,
                         lake__avro_value_t *out, int depth)
{
    int64_t branch = am_read_zigzag(r);
    if (r->failed || branch < 0 || (uint64_t)branch >= s->n)
        return decode_fail(c, "bad union branch");
    return decode_value(c, r, s->children[branch], out, depth + 1);
}

static bool decode_value(decode_ctx_t *c, am_reader_t *r, const lake__avro_schema_t *s,
                         lake__avro_value_t *out, int depth)
{
    if (depth > AVRO_MAX_DEPTH)
        return decode_fail(c, "values nested too deeply");
    out->kind = s->kind;
    out->schema = s;
    switch (s->kind) {
    case LAKE_AVRO_NULL:
        return true;
    case LAKE_AVRO_BOOLEAN:
        out->i = am_read_u8(r) != 0;
        break;
    case LAKE_AVRO_INT:
    case LAKE_AVRO_LONG:
    case LAKE_AVRO_FLOAT:
    case LAKE_AVRO_DOUBLE:
        if (!decode_number(c, r, s->kind, out))
            return false;
        break;
    case LAKE_AVRO_BYTES:
    case LAKE_AVRO_STRING:
        return decode_len_bytes(c, r, out);
    case LAKE_AVRO_FIXED:
        out->len = s->fixed_size;
        out->p = am_read_bytes(r, s->fixed_size);
        break;
    case LAKE_AVRO_ENUM:
        out->i = am_read_zigzag(r);
        if (!r->failed && (out->i < 0 || (uint64_t)out->i >= s->n))
            return decode_fail(c, "bad enum index");
        break;
    case LAKE_AVRO_RECORD:
        return decode_record(c, r, s, out, depth);
    case LAKE_AVRO_ARRAY:
    case LAKE_AVRO_MAP:
        return decode_blocks(c, r, s, out, depth);
    case LAKE_AVRO_UNION:
        return decode_union(c, r, s, out, depth);
    }
    return r->failed ? decode_fail(c, "truncated value") : true;
}

/* ---- container --------------------------------------------------------------------------- */

static bool read_header_meta(decode_ctx_t *c, am_reader_t *r, lake__avro_file_t *f)
{
    size_t cap = 0;
    for (;;) {
        int64_t count = am_read_zigzag(r);
        if (r->failed)
            return decode_fail(c, "truncated header");
        if (count == 0)
            return true;
        if (count < 0) {
            count = count == INT64_MIN ? 0 : -count;
            (void)am_read_zigzag(r);
        }
        if ((uint64_t)count > am_reader_left(r) || f->n_meta + (size_t)count > 4096)
            return decode_fail(c, "bad header metadata count");
        if (f->n_meta + (size_t)count > cap) {
            cap = f->n_meta + (size_t)count;
            f->meta = am_xrealloc(f->meta, cap * sizeof *f->meta);
            f->meta_len = am_xrealloc(f->meta_len, cap * sizeof *f->meta_len);
        }
        for (int64_t i = 0; i < count; i++) {
            lake__avro_value_t k = {0}, v = {0};
            if (!decode_len_bytes(c, r, &k) || !decode_len_bytes(c, r, &v))
                return false;
            f->meta[f->n_meta].key = am_arena_strndup(c->arena, (const char *)k.p, k.len);
            f->meta[f->n_meta].value = am_arena_strndup(c->arena, (const char *)v.p, v.len);
            f->meta_len[f->n_meta++] = v.len;
        }
    }
}

static bool parse_writer_schema(decode_ctx_t *dc, lake__avro_file_t *f)
{
    const char *text = lake__avro_meta_find(f, "avro.schema");
    if (!text)
        return decode_fail(dc, "no avro.schema in header");
    json_error_t jerr;
    f->schema_json = json_loads(text, JSON_DECODE_ANY, &jerr);
    if (!f->schema_json)
        return am_err_set(dc->err, AVRO_SQLSTATE_CORRUPT, "avro file %s: schema is not JSON: %s",
                          dc->what, jerr.text);
    parse_ctx_t *pc = am_xcalloc(1, sizeof *pc);
    pc->arena = f->arena;
    pc->what = dc->what;
    pc->err = dc->err;
    f->schema = parse_schema(pc, f->schema_json, 0);
    free(pc);
    return f->schema != NULL;
}

/* Inflates a raw-deflate block into out (arena), refusing more than limit bytes. */
static bool inflate_block(decode_ctx_t *c, const uint8_t *p, size_t n, int64_t limit, am_buf_t *out)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, -15) != Z_OK)
        return decode_fail(c, "zlib: inflateInit2 failed");
    zs.next_in = (Bytef *)p;
    zs.avail_in = (uInt)n;
    int rc = Z_OK;
    while (rc == Z_OK) {
        am_buf_reserve(out, 65536);
        zs.next_out = (Bytef *)out->data + out->len;
        zs.avail_out = (uInt)(out->cap - out->len - 1);
        size_t before = zs.avail_out;
        rc = inflate(&zs, Z_NO_FLUSH);
        out->len += before - zs.avail_out;
        if ((int64_t)out->len > limit)
            rc = Z_MEM_ERROR;
        if (rc == Z_BUF_ERROR && zs.avail_in == 0)
            break;
    }
    inflateEnd(&zs);
    if (rc != Z_STREAM_END)
        return decode_fail(c, rc == Z_MEM_ERROR ? "block inflates too large" : "bad deflate data");
    return true;
}

typedef struct rec_list {
    lake__avro_value_t *v;
    size_t n, cap;
} rec_list_t;

static bool decode_records(decode_ctx_t *c, const uint8_t *p, size_t n, int64_t count,
                           const lake__avro_file_t *f, rec_list_t *recs)
{
    am_reader_t br = am_reader_init(p, n);
    for (int64_t i = 0; i < count; i++) {
        if (recs->n == recs->cap) {
            recs->cap = recs->cap ? recs->cap * 2 : 16;
            recs->v = am_xrealloc(recs->v, recs->cap * sizeof *recs->v);
        }
        memset(&recs->v[recs->n], 0, sizeof recs->v[0]);
        if (!decode_value(c, &br, f->schema, &recs->v[recs->n], 0))
            return false;
        recs->n++;
    }
    if (br.failed || am_reader_left(&br) != 0)
        return decode_fail(c, "block size does not match its records");
    return true;
}

static bool decode_block(decode_ctx_t *c, am_reader_t *r, const uint8_t *sync, bool deflated,
                         const lake__avro_file_t *f, rec_list_t *recs, int64_t *payload)
{
    int64_t count = am_read_zigzag(r);
    int64_t size = am_read_zigzag(r);
    if (r->failed || count < 0 || size < 0 || (uint64_t)size > am_reader_left(r))
        return decode_fail(c, "bad block header");
    if ((uint64_t)count > c->nodes_left)
        return decode_fail(c, "too many records");
    c->nodes_left -= (size_t)count;
    const uint8_t *p = am_read_bytes(r, (size_t)size);
    const uint8_t *s = am_read_bytes(r, 16);
    if (!s || memcmp(s, sync, 16) != 0)
        return decode_fail(c, "block sync marker mismatch");
    if (!deflated) {
        *payload += size;
        return decode_records(c, p, (size_t)size, count, f, recs);
    }
    am_buf_t raw;
    am_buf_init(&raw);
    bool ok = inflate_block(c, p, (size_t)size, AVRO_MAX_PAYLOAD - *payload, &raw);
    if (ok) {
        *payload += (int64_t)raw.len;
        /* values borrow bytes from the block: keep them in the arena */
        const uint8_t *keep = raw.len ? am_arena_memdup(c->arena, raw.data, raw.len) : NULL;
        ok = decode_records(c, keep, raw.len, count, f, recs);
    }
    am_buf_destroy(&raw);
    return ok;
}

static bool codec_deflated(decode_ctx_t *c, const lake__avro_file_t *f, bool *deflated)
{
    const char *codec = lake__avro_meta_find(f, "avro.codec");
    *deflated = codec && strcmp(codec, "deflate") == 0;
    if (!codec || *deflated || strcmp(codec, "null") == 0)
        return true;
    return am_err_set(c->err, AM_SQLSTATE_UNSUPPORTED,
                      "avro file %s: codec \"%s\" is not supported", c->what, codec);
}

bool lake__avro_decode(const uint8_t *data, size_t len, const char *what, lake__avro_file_t *out,
                       am_err_t *err)
{
    memset(out, 0, sizeof *out);
    out->arena = am_arena_new((size_t)64 * 1024);
    decode_ctx_t c = {.arena = out->arena, .what = what, .err = err, .nodes_left = AVRO_MAX_NODES};
    am_reader_t r = am_reader_init(data, len);
    const uint8_t *magic = am_read_bytes(&r, 4);
    if (!magic || memcmp(magic, "Obj\x01", 4) != 0)
        return decode_fail(&c, "not an Avro object container (bad magic)");
    bool deflated = false;
    if (!read_header_meta(&c, &r, out) || !parse_writer_schema(&c, out) ||
        !codec_deflated(&c, out, &deflated))
        return false;
    const uint8_t *sync = am_read_bytes(&r, 16);
    if (!sync)
        return decode_fail(&c, "truncated header (sync marker)");
    rec_list_t recs = {0};
    int64_t payload = 0;
    bool ok = true;
    while (ok && am_reader_left(&r) > 0)
        ok = decode_block(&c, &r, sync, deflated, out, &recs, &payload);
    out->records = recs.v;
    out->n_records = recs.n;
    return ok;
}

void lake__avro_file_destroy(lake__avro_file_t *f)
{
    if (f->schema_json)
        json_decref(f->schema_json);
    free(f->meta);
    free(f->meta_len);
    free(f->records);
    am_arena_free(f->arena);
    memset(f, 0, sizeof *f);
}

const char *lake__avro_meta_find(const lake__avro_file_t *f, const char *key)
{
    for (size_t i = 0; i < f->n_meta; i++)
        if (strcmp(f->meta[i].key, key) == 0)
            return f->meta[i].value;
    return NULL;
}

const lake__avro_value_t *lake__avro_field(const lake__avro_value_t *rec, int32_t field_id,
                                           const char *name)
{
    if (!rec || rec->kind != LAKE_AVRO_RECORD)
        return NULL;
    const lake__avro_schema_t *s = rec->schema;
    for (size_t i = 0; i < s->n && i < rec->n; i++)
        if (s->field_ids[i] >= 0 && s->field_ids[i] == field_id)
            return &rec->items[i];
    for (size_t i = 0; i < s->n && i < rec->n; i++)
        if (s->field_ids[i] < 0 && strcmp(s->field_names[i], name) == 0)
            return &rec->items[i];
    return NULL;
}

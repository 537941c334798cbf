/*
 * proxy/pgfn_json_sql_get.c: the DuckDB functions for json/jsonb input, casts and the lookup
 * operators (-> ->> #> #>> and *_extract_path*): row functions over pgfn_json_get.c and
 * pgfn_json_num.c. Signatures and refusals: proxy/pgfn_json.h.
 */
#include "proxy/pgfn_json_glue.h"

#include <limits.h>
#include <string.h>

static bool json_in_row(jcall_t *c)
{
    if (!proxy__jfn_json(c, 0, 0))
        return false;
    am_buf_append(&c->out, c->args[0].s.p, c->args[0].s.len);
    return true;
}

static bool jsonb_in_row(jcall_t *c)
{
    proxy_json_t *v = proxy__jfn_json(c, 0, PROXY_JSON_JSONB);
    if (v)
        proxy__jsonb_encode(&c->out, v);
    return v != NULL;
}

static bool identity_row(jcall_t *c)
{
    am_buf_append(&c->out, c->args[0].s.p, c->args[0].s.len);
    return true;
}

/* ---- casts --------------------------------------------------------------------------------- */

static proxy_json_t *cast_source(jcall_t *c, proxy_json_kind_t want, const char *type)
{
    proxy_json_t *v = proxy__jfn_json(c, 0, PROXY_JSON_JSONB);
    if (v && !proxy__jsonb_scalar_for_cast(v, want, type, c->arena, &c->err))
        return NULL;
    return v;
}

static bool to_numeric_row(jcall_t *c)
{
    proxy_json_t *v = cast_source(c, PROXY_JSON_NUMBER, "numeric");
    if (v)
        am_buf_append(&c->out, v->str.p, v->str.len);
    return v != NULL;
}

static bool to_int(jcall_t *c, int bits, const char *type)
{
    proxy_json_t *v = cast_source(c, PROXY_JSON_NUMBER, type);
    return v && proxy__json_numeric_to_int(v->str, bits, &c->i, &c->err);
}

static bool to_int2_row(jcall_t *c)
{
    return to_int(c, 16, "smallint");
}

static bool to_int4_row(jcall_t *c)
{
    return to_int(c, 32, "integer");
}

static bool to_int8_row(jcall_t *c)
{
    return to_int(c, 64, "bigint");
}

static bool to_float(jcall_t *c, bool single)
{
    proxy_json_t *v = cast_source(c, PROXY_JSON_NUMBER, single ? "real" : "double precision");
    return v && proxy__json_numeric_to_float(v->str, single, c->arena, &c->d, &c->err);
}

static bool to_float4_row(jcall_t *c)
{
    return to_float(c, true);
}

static bool to_float8_row(jcall_t *c)
{
    return to_float(c, false);
}

static bool to_bool_row(jcall_t *c)
{
    proxy_json_t *v = cast_source(c, PROXY_JSON_BOOL, "boolean");
    if (v)
        c->b = v->boolean;
    return v != NULL;
}

/* ---- json lookups ---------------------------------------------------------------------------- */

static bool json_lookup(jcall_t *c, const proxy_json_str_t *names, int *idx, size_t npath,
                        bool as_text)
{
    proxy_json_t *v = proxy__jfn_json(c, 0, PROXY_JSON_ESCAPES);
    if (!v)
        return false;
    proxy_json_str_t r = proxy__json_get(v, c->args[0].s.p, names, idx, npath, as_text, c->arena);
    c->null = r.p == NULL;
    if (r.p)
        am_buf_append(&c->out, r.p, r.len);
    return true;
}

static bool json_get_row(jcall_t *c)
{
    return json_lookup(c, &c->args[1].s, NULL, 1, false);
}

static bool json_get_text_row(jcall_t *c)
{
    return json_lookup(c, &c->args[1].s, NULL, 1, true);
}

static bool json_idx_row(jcall_t *c)
{
    int i = (int)c->args[1].i;
    return json_lookup(c, NULL, &i, 1, false);
}

static bool json_idx_text_row(jcall_t *c)
{
    int i = (int)c->args[1].i;
    return json_lookup(c, NULL, &i, 1, true);
}

/* get_path_all: a NULL element gives NULL; every element that reads as an integer is also an
 * index, others never match an array position. */
static bool json_path(jcall_t *c, const proxy_json_str_t *path, size_t n, bool as_text)
{
    int *idx = am_arena_alloc(c->arena, (n ? n : 1) * sizeof *idx);
    for (size_t i = 0; i < n; i++) {
        if (!path[i].p) {
            c->null = true;
            return true;
        }
        if (path[i].len == 0 || !proxy__json_strtoint(path[i].p, path[i].len, c->arena, &idx[i]))
            idx[i] = INT_MIN;
    }
    return json_lookup(c, path, idx, n, as_text);
}

static bool json_path_row(jcall_t *c)
{
    return json_path(c, c->args[1].list, c->args[1].n, false);
}

static bool json_path_text_row(jcall_t *c)
{
    return json_path(c, c->args[1].list, c->args[1].n, true);
}

/* The variadic arguments after the document, as a path. */
static proxy_json_str_t *variadic_path(jcall_t *c)
{
    size_t n = c->n_args - 1;
    proxy_json_str_t *p = am_arena_alloc(c->arena, (n ? n : 1) * sizeof *p);
    for (size_t i = 0; i < n; i++)
        p[i] = c->args[i + 1].s;
    return p;
}

static bool json_extract_row(jcall_t *c)
{
    return json_path(c, variadic_path(c), c->n_args - 1, false);
}

static bool json_extract_text_row(jcall_t *c)
{
    return json_path(c, variadic_path(c), c->n_args - 1, true);
}

/* ---- jsonb lookups --------------------------------------------------------------------------- */

static bool jsonb_result(jcall_t *c, const proxy_json_t *r, bool as_text)
{
    c->null = !r || (as_text && r->kind == PROXY_JSON_NULL);
    if (c->null)
        return true;
    if (as_text)
        proxy__jsonb_as_text(&c->out, r);
    else
        proxy__jsonb_encode(&c->out, r);
    return true;
}

static bool jsonb_get(jcall_t *c, bool as_text)
{
    proxy_json_t *v = proxy__jfn_json(c, 0, PROXY_JSON_JSONB);
    return v && jsonb_result(c, proxy__jsonb_field(v, c->args[1].s.p, c->args[1].s.len), as_text);
}

static bool jsonb_get_row(jcall_t *c)
{
    return jsonb_get(c, false);
}

static bool jsonb_get_text_row(jcall_t *c)
{
    return jsonb_get(c, true);
}

static bool jsonb_idx(jcall_t *c, bool as_text)
{
    proxy_json_t *v = proxy__jfn_json(c, 0, PROXY_JSON_JSONB);
    return v && jsonb_result(c, proxy__jsonb_element(v, c->args[1].i), as_text);
}

static bool jsonb_idx_row(jcall_t *c)
{
    return jsonb_idx(c, false);
}

static bool jsonb_idx_text_row(jcall_t *c)
{
    return jsonb_idx(c, true);
}

static bool jsonb_path(jcall_t *c, const proxy_json_str_t *path, size_t n, bool as_text)
{
    proxy_json_t *v = proxy__jfn_json(c, 0, PROXY_JSON_JSONB);
    return v && jsonb_result(c, proxy__jsonb_get_path(v, path, n, c->arena), as_text);
}

static bool jsonb_path_row(jcall_t *c)
{
    return jsonb_path(c, c->args[1].list, c->args[1].n, false);
}

static bool jsonb_path_text_row(jcall_t *c)
{
    return jsonb_path(c, c->args[1].list, c->args[1].n, true);
}

static bool jsonb_extract_row(jcall_t *c)
{
    return jsonb_path(c, variadic_path(c), c->n_args - 1, false);
}

static bool jsonb_extract_text_row(jcall_t *c)
{
    return jsonb_path(c, variadic_path(c), c->n_args - 1, true);
}

JFN_DEFINE(json_in_fn, json_in_row, JFN_STRICT)
JFN_DEFINE(jsonb_in_fn, jsonb_in_row, JFN_STRICT)
JFN_DEFINE(identity_fn, identity_row, JFN_STRICT)
JFN_DEFINE(to_numeric_fn, to_numeric_row, JFN_STRICT)
JFN_DEFINE(to_int2_fn, to_int2_row, JFN_STRICT)
JFN_DEFINE(to_int4_fn, to_int4_row, JFN_STRICT)
JFN_DEFINE(to_int8_fn, to_int8_row, JFN_STRICT)
JFN_DEFINE(to_float4_fn, to_float4_row, JFN_STRICT)
JFN_DEFINE(to_float8_fn, to_float8_row, JFN_STRICT)
JFN_DEFINE(to_bool_fn, to_bool_row, JFN_STRICT)
JFN_DEFINE(json_get_fn, json_get_row, JFN_STRICT)
JFN_DEFINE(json_get_text_fn, json_get_text_row, JFN_STRICT)
JFN_DEFINE(json_idx_fn, json_idx_row, JFN_STRICT)
JFN_DEFINE(json_idx_text_fn, json_idx_text_row, JFN_STRICT)
JFN_DEFINE(json_path_fn, json_path_row, JFN_STRICT)
JFN_DEFINE(json_path_text_fn, json_path_text_row, JFN_STRICT)
JFN_DEFINE(json_extract_fn, json_extract_row, JFN_STRICT)
JFN_DEFINE(json_extract_text_fn, json_extract_text_row, JFN_STRICT)
JFN_DEFINE(jsonb_get_fn, jsonb_get_row, JFN_STRICT)
JFN_DEFINE(jsonb_get_text_fn, jsonb_get_text_row, JFN_STRICT)
JFN_DEFINE(jsonb_idx_fn, jsonb_idx_row, JFN_STRICT)
JFN_DEFINE(jsonb_idx_text_fn, jsonb_idx_text_row, JFN_STRICT)
JFN_DEFINE(jsonb_path_fn, jsonb_path_row, JFN_STRICT)
JFN_DEFINE(jsonb_path_text_fn, jsonb_path_text_row, JFN_STRICT)
JFN_DEFINE(jsonb_extract_fn, jsonb_extract_row, JFN_STRICT)
JFN_DEFINE(jsonb_extract_text_fn, jsonb_extract_text_row, JFN_STRICT)

#define V "VARCHAR"
#define VL "VARCHAR[]"

static const jfn_def_t defs[] = {
    {"am_json_in", V, {V}, NULL, json_in_fn, 0},
    {"am_jsonb_in", V, {V}, NULL, jsonb_in_fn, 0},
    {"am_jsonb_out_json", V, {V}, NULL, identity_fn, 0},
    {"am_jsonb_to_numeric", V, {V}, NULL, to_numeric_fn, 0},
    {"am_jsonb_to_int2", "SMALLINT", {V}, NULL, to_int2_fn, 0},
    {"am_jsonb_to_int4", "INTEGER", {V}, NULL, to_int4_fn, 0},
    {"am_jsonb_to_int8", "BIGINT", {V}, NULL, to_int8_fn, 0},
    {"am_jsonb_to_float4", "FLOAT", {V}, NULL, to_float4_fn, 0},
    {"am_jsonb_to_float8", "DOUBLE", {V}, NULL, to_float8_fn, 0},
    {"am_jsonb_to_bool", "BOOLEAN", {V}, NULL, to_bool_fn, 0},
    {"am_json_get", V, {V, V}, NULL, json_get_fn, 0},
    {"am_json_get_text", V, {V, V}, NULL, json_get_text_fn, 0},
    {"am_json_idx", V, {V, "INTEGER"}, NULL, json_idx_fn, 0},
    {"am_json_idx_text", V, {V, "INTEGER"}, NULL, json_idx_text_fn, 0},
    {"am_json_path", V, {V, VL}, NULL, json_path_fn, 0},
    {"am_json_path_text", V, {V, VL}, NULL, json_path_text_fn, 0},
    {"am_json_extract_path", V, {V}, V, json_extract_fn, 0},
    {"am_json_extract_path_text", V, {V}, V, json_extract_text_fn, 0},
    {"am_jsonb_get", V, {V, V}, NULL, jsonb_get_fn, 0},
    {"am_jsonb_get_text", V, {V, V}, NULL, jsonb_get_text_fn, 0},
    {"am_jsonb_idx", V, {V, "INTEGER"}, NULL, jsonb_idx_fn, 0},
    {"am_jsonb_idx_text", V, {V, "INTEGER"}, NULL, jsonb_idx_text_fn, 0},
    {"am_jsonb_path", V, {V, VL}, NULL, jsonb_path_fn, 0},
    {"am_jsonb_path_text", V, {V, VL}, NULL, jsonb_path_text_fn, 0},
    {"am_jsonb_extract_path", V, {V}, V, jsonb_extract_fn, 0},
    {"am_jsonb_extract_path_text", V, {V}, V, jsonb_extract_text_fn, 0},
};

bool proxy__pgfn_json_get_register(duckdb_connection con, am_err_t *err)
{
    return proxy__jfn_add_all(con, defs, AM_ARRAY_LEN(defs), err);
}

/*
 * proxy/pgfn_json_sql_funcs.c: the DuckDB functions json(b)_typeof, _array_length,
 * _object_keys, _array_elements(_text), _each(_text), _strip_nulls and jsonb_pretty.
 * Set-returning functions return a LIST the emitter unnests.
 *
 * The json versions follow jsonfuncs.c's callbacks: a function that refuses an array or an
 * object root does so at the root's first token, before PostgreSQL unescapes (and possibly
 * rejects) any string inside it; a function that unescapes strings rejects \u0000 anywhere.
 */
#include "proxy/pgfn_json_glue.h"

#include <stdio.h>
#include <string.h>

static const char *const kind_names[] = {
    [PROXY_JSON_NULL] = "null",    [PROXY_JSON_STRING] = "string", [PROXY_JSON_NUMBER] = "number",
    [PROXY_JSON_BOOL] = "boolean", [PROXY_JSON_ARRAY] = "array",   [PROXY_JSON_OBJECT] = "object"};

/* The kind the json text's first token announces (a scalar is reported as a string). */
static proxy_json_kind_t peek_root(const proxy_json_str_t *s)
{
    for (size_t i = 0; i < s->len; i++) {
        char ch = s->p[i];
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r')
            continue;
        return ch == '{' ? PROXY_JSON_OBJECT : ch == '[' ? PROXY_JSON_ARRAY : PROXY_JSON_STRING;
    }
    return PROXY_JSON_STRING;
}

/* Parses json argument 0, refusing a root of kind refused_kind (with msg) before parsing, and a
 * scalar root (with scalar_msg) after. */
static proxy_json_t *json_root(jcall_t *c, unsigned flags, proxy_json_kind_t refused_kind,
                               const char *msg, const char *scalar_msg)
{
    if (peek_root(&c->args[0].s) == refused_kind) {
        proxy__json_fail(&c->err, "22023", msg);
        return NULL;
    }
    proxy_json_t *v = proxy__jfn_json(c, 0, flags);
    if (v && v->kind != PROXY_JSON_ARRAY && v->kind != PROXY_JSON_OBJECT) {
        proxy__json_fail(&c->err, "22023", scalar_msg);
        return NULL;
    }
    return v;
}

/* A jsonb root that must be of kind want: else the scalar or the other-container message. */
static proxy_json_t *jsonb_root(jcall_t *c, proxy_json_kind_t want, const char *scalar_msg,
                                const char *other_msg)
{
    proxy_json_t *v = proxy__jfn_json(c, 0, PROXY_JSON_JSONB);
    if (v && v->kind != want) {
        bool scalar = v->kind != PROXY_JSON_ARRAY && v->kind != PROXY_JSON_OBJECT;
        proxy__json_fail(&c->err, "22023", scalar ? scalar_msg : other_msg);
        return NULL;
    }
    return v;
}

static bool typeof_row(jcall_t *c, unsigned flags)
{
    proxy_json_t *v = proxy__jfn_json(c, 0, flags);
    if (v)
        am_buf_puts(&c->out, kind_names[v->kind]);
    return v != NULL;
}

static bool json_typeof_row(jcall_t *c)
{
    return typeof_row(c, 0);
}

static bool jsonb_typeof_row(jcall_t *c)
{
    return typeof_row(c, PROXY_JSON_JSONB);
}

static bool json_array_length_row(jcall_t *c)
{
    proxy_json_t *v = json_root(c, 0, PROXY_JSON_OBJECT, "cannot get array length of a non-array",
                                "cannot get array length of a scalar");
    if (v)
        c->i = (int64_t)v->n;
    return v != NULL;
}

static bool jsonb_array_length_row(jcall_t *c)
{
    proxy_json_t *v = jsonb_root(c, PROXY_JSON_ARRAY, "cannot get array length of a scalar",
                                 "cannot get array length of a non-array");
    if (v)
        c->i = (int64_t)v->n;
    return v != NULL;
}

static void push_keys(jcall_t *c, const proxy_json_t *v)
{
    for (size_t i = 0; i < v->n; i++)
        proxy__jfn_push(c, v->pairs[i].key.p, v->pairs[i].key.len);
}

static bool json_object_keys_row(jcall_t *c)
{
    proxy_json_t *v = json_root(c, PROXY_JSON_ESCAPES, PROXY_JSON_ARRAY,
                                "cannot call json_object_keys on an array",
                                "cannot call json_object_keys on a scalar");
    if (v)
        push_keys(c, v);
    return v != NULL;
}

static bool jsonb_object_keys_row(jcall_t *c)
{
    proxy_json_t *v = jsonb_root(c, PROXY_JSON_OBJECT, "cannot call jsonb_object_keys on a scalar",
                                 "cannot call jsonb_object_keys on an array");
    if (v)
        push_keys(c, v);
    return v != NULL;
}

/* One element or value as the json functions return it: the exact text, or for _text the
 * unescaped string / NULL for null. */
static void push_json_value(jcall_t *c, const proxy_json_t *e, bool as_text)
{
    if (as_text && e->kind == PROXY_JSON_NULL)
        proxy__jfn_push(c, NULL, 0);
    else if (as_text && e->kind == PROXY_JSON_STRING)
        proxy__jfn_push(c, e->str.p, e->str.len);
    else
        proxy__jfn_push(c, e->src.p, e->src.len);
}

static void push_jsonb_value(jcall_t *c, const proxy_json_t *e, bool as_text)
{
    if (as_text && e->kind == PROXY_JSON_NULL) {
        proxy__jfn_push(c, NULL, 0);
        return;
    }
    if (as_text)
        proxy__jsonb_as_text(&c->out, e);
    else
        proxy__jsonb_encode(&c->out, e);
    proxy__jfn_push_out(c);
}

static bool json_elements(jcall_t *c, bool as_text)
{
    const char *name = as_text ? "json_array_elements_text" : "json_array_elements";
    char *nonarray = am_arena_alloc(c->arena, 64), *scalar = am_arena_alloc(c->arena, 64);
    snprintf(nonarray, 64, "cannot call %s on a non-array", name);
    snprintf(scalar, 64, "cannot call %s on a scalar", name);
    proxy_json_t *v =
        json_root(c, as_text ? PROXY_JSON_ESCAPES : 0, PROXY_JSON_OBJECT, nonarray, scalar);
    for (size_t i = 0; v && i < v->n; i++)
        push_json_value(c, v->elems[i], as_text);
    return v != NULL;
}

static bool json_elements_row(jcall_t *c)
{
    return json_elements(c, false);
}

static bool json_elements_text_row(jcall_t *c)
{
    return json_elements(c, true);
}

static bool jsonb_elements(jcall_t *c, bool as_text)
{
    proxy_json_t *v = jsonb_root(c, PROXY_JSON_ARRAY, "cannot extract elements from a scalar",
                                 "cannot extract elements from an object");
    for (size_t i = 0; v && i < v->n; i++)
        push_jsonb_value(c, v->elems[i], as_text);
    return v != NULL;
}

static bool jsonb_elements_row(jcall_t *c)
{
    return jsonb_elements(c, false);
}

static bool jsonb_elements_text_row(jcall_t *c)
{
    return jsonb_elements(c, true);
}

static bool json_each(jcall_t *c, bool as_text)
{
    proxy_json_t *v =
        json_root(c, PROXY_JSON_ESCAPES, PROXY_JSON_ARRAY,
                  "cannot deconstruct an array as an object", "cannot deconstruct a scalar");
    for (size_t i = 0; v && i < v->n; i++) {
        proxy__jfn_push(c, v->pairs[i].key.p, v->pairs[i].key.len);
        push_json_value(c, v->pairs[i].value, as_text);
    }
    return v != NULL;
}

static bool json_each_row(jcall_t *c)
{
    return json_each(c, false);
}

static bool json_each_text_row(jcall_t *c)
{
    return json_each(c, true);
}

static bool jsonb_each(jcall_t *c, bool as_text)
{
    const char *msg = as_text ? "cannot call jsonb_each_text on a non-object"
                              : "cannot call jsonb_each on a non-object";
    proxy_json_t *v = jsonb_root(c, PROXY_JSON_OBJECT, msg, msg);
    for (size_t i = 0; v && i < v->n; i++) {
        proxy__jfn_push(c, v->pairs[i].key.p, v->pairs[i].key.len);
        push_jsonb_value(c, v->pairs[i].value, as_text);
    }
    return v != NULL;
}

static bool jsonb_each_row(jcall_t *c)
{
    return jsonb_each(c, false);
}

static bool jsonb_each_text_row(jcall_t *c)
{
    return jsonb_each(c, true);
}

/* json_strip_nulls rebuilds the text: no whitespace, strings and keys re-escaped, numbers as
 * written, object members whose value is null dropped. */
static void strip_json(am_buf_t *out, const proxy_json_t *v)
{
    bool obj = v->kind == PROXY_JSON_OBJECT;
    if (v->kind == PROXY_JSON_STRING) {
        proxy__json_escape(out, v->str.p, v->str.len);
        return;
    }
    if (!obj && v->kind != PROXY_JSON_ARRAY) {
        am_buf_append(out, v->src.p, v->src.len);
        return;
    }
    am_buf_putc(out, obj ? '{' : '[');
    bool first = true;
    for (size_t i = 0; i < v->n; i++) {
        const proxy_json_t *e = obj ? v->pairs[i].value : v->elems[i];
        if (obj && e->kind == PROXY_JSON_NULL)
            continue;
        if (!first)
            am_buf_putc(out, ',');
        first = false;
        if (obj) {
            proxy__json_escape(out, v->pairs[i].key.p, v->pairs[i].key.len);
            am_buf_putc(out, ':');
        }
        strip_json(out, e);
    }
    am_buf_putc(out, obj ? '}' : ']');
}

static bool json_strip_nulls_row(jcall_t *c)
{
    proxy_json_t *v = proxy__jfn_json(c, 0, PROXY_JSON_ESCAPES);
    if (v)
        strip_json(&c->out, v);
    return v != NULL;
}

static bool jsonb_strip_nulls_row(jcall_t *c)
{
    proxy_json_t *v = proxy__jfn_json(c, 0, PROXY_JSON_JSONB);
    if (v)
        proxy__jsonb_encode(&c->out, proxy__jsonb_strip_nulls(c->arena, v));
    return v != NULL;
}

static bool jsonb_pretty_row(jcall_t *c)
{
    proxy_json_t *v = proxy__jfn_json(c, 0, PROXY_JSON_JSONB);
    if (v)
        proxy__jsonb_pretty(&c->out, v);
    return v != NULL;
}

JFN_DEFINE(json_typeof_fn, json_typeof_row, JFN_STRICT)
JFN_DEFINE(jsonb_typeof_fn, jsonb_typeof_row, JFN_STRICT)
JFN_DEFINE(json_array_length_fn, json_array_length_row, JFN_STRICT)
JFN_DEFINE(jsonb_array_length_fn, jsonb_array_length_row, JFN_STRICT)
JFN_DEFINE(json_object_keys_fn, json_object_keys_row, JFN_STRICT)
JFN_DEFINE(jsonb_object_keys_fn, jsonb_object_keys_row, JFN_STRICT)
JFN_DEFINE(json_elements_fn, json_elements_row, JFN_STRICT)
JFN_DEFINE(json_elements_text_fn, json_elements_text_row, JFN_STRICT)
JFN_DEFINE(jsonb_elements_fn, jsonb_elements_row, JFN_STRICT)
JFN_DEFINE(jsonb_elements_text_fn, jsonb_elements_text_row, JFN_STRICT)
JFN_DEFINE(json_each_fn, json_each_row, JFN_STRICT)
JFN_DEFINE(json_each_text_fn, json_each_text_row, JFN_STRICT)
JFN_DEFINE(jsonb_each_fn, jsonb_each_row, JFN_STRICT)
JFN_DEFINE(jsonb_each_text_fn, jsonb_each_text_row, JFN_STRICT)
JFN_DEFINE(json_strip_nulls_fn, json_strip_nulls_row, JFN_STRICT)
JFN_DEFINE(jsonb_strip_nulls_fn, jsonb_strip_nulls_row, JFN_STRICT)
JFN_DEFINE(jsonb_pretty_fn, jsonb_pretty_row, JFN_STRICT)

#define V "VARCHAR"
#define VL "VARCHAR[]"
#define KV "STRUCT(key VARCHAR, value VARCHAR)[]"

static const jfn_def_t defs[] = {
    {"am_json_typeof", V, {V}, NULL, json_typeof_fn, 0},
    {"am_jsonb_typeof", V, {V}, NULL, jsonb_typeof_fn, 0},
    {"am_json_array_length", "INTEGER", {V}, NULL, json_array_length_fn, 0},
    {"am_jsonb_array_length", "INTEGER", {V}, NULL, jsonb_array_length_fn, 0},
    {"am_json_object_keys", VL, {V}, NULL, json_object_keys_fn, 0},
    {"am_jsonb_object_keys", VL, {V}, NULL, jsonb_object_keys_fn, 0},
    {"am_json_array_elements", VL, {V}, NULL, json_elements_fn, 0},
    {"am_json_array_elements_text", VL, {V}, NULL, json_elements_text_fn, 0},
    {"am_jsonb_array_elements", VL, {V}, NULL, jsonb_elements_fn, 0},
    {"am_jsonb_array_elements_text", VL, {V}, NULL, jsonb_elements_text_fn, 0},
    {"am_json_each", KV, {V}, NULL, json_each_fn, 0},
    {"am_json_each_text", KV, {V}, NULL, json_each_text_fn, 0},
    {"am_jsonb_each", KV, {V}, NULL, jsonb_each_fn, 0},
    {"am_jsonb_each_text", KV, {V}, NULL, jsonb_each_text_fn, 0},
    {"am_json_strip_nulls", V, {V}, NULL, json_strip_nulls_fn, 0},
    {"am_jsonb_strip_nulls", V, {V}, NULL, jsonb_strip_nulls_fn, 0},
    {"am_jsonb_pretty", V, {V}, NULL, jsonb_pretty_fn, 0},
};

bool proxy__pgfn_json_funcs_register(duckdb_connection con, am_err_t *err)
{
    return proxy__jfn_add_all(con, defs, AM_ARRAY_LEN(defs), err);
}

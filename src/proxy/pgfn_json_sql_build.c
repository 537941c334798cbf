/*
 * proxy/pgfn_json_sql_build.c: the DuckDB functions to_json(b), json(b)_build_object,
 * json(b)_build_array and the finalisers of json(b)_agg and json(b)_object_agg, over
 * pgfn_json_build.c. Every PostgreSQL argument arrives as two VARCHARs, (text, kind).
 * Formats (json.c): json_build_object '{"a" : 1, "b" : 2}', json_build_array '[1, 2]',
 * json_agg '[1, 2]' with ", \n " before an array element that is not the first,
 * json_object_agg '{ "a" : 1, "b" : 2 }'; the jsonb ones print as jsonb.
 */
#include "proxy/pgfn_json_glue.h"

static bool internal(jcall_t *c, const char *msg)
{
    return proxy__json_fail(&c->err, "XX000", msg);
}

/* PostgreSQL argument j of a (text, kind) variadic list. */
static bool pg_arg(jcall_t *c, size_t j, proxy_json_str_t *text, proxy_json_vkind_t *k)
{
    const jarg_t *t = &c->args[2 * j], *kind = &c->args[2 * j + 1];
    *text = (proxy_json_str_t){NULL, 0};
    *k = (proxy_json_vkind_t){PROXY_JSON_VK_NULL, false, false};
    if (kind->null)
        return internal(c, "json value kind is null");
    *text = t->null ? (proxy_json_str_t){NULL, 0} : t->s;
    return proxy__json_vkind_parse(kind->s, k, c->arena, &c->err);
}

static bool to_json(jcall_t *c, bool jsonb)
{
    proxy_json_str_t t = {0};
    proxy_json_vkind_t k = {0};
    if (!pg_arg(c, 0, &t, &k))
        return false;
    c->null = !t.p || k.base == PROXY_JSON_VK_NULL;
    if (c->null)
        return true;
    if (!jsonb)
        return proxy__json_put(&c->out, t, k, false, c->arena, &c->err);
    proxy_json_t *v = proxy__jsonb_value(t, k, false, c->arena, &c->err);
    if (v)
        proxy__jsonb_encode(&c->out, v);
    return v != NULL;
}

static bool to_json_row(jcall_t *c)
{
    return to_json(c, false);
}

static bool to_jsonb_row(jcall_t *c)
{
    return to_json(c, true);
}

/* Number of PostgreSQL arguments of a builder, or 0 with err if not pairs of keys/values. */
static bool builder_args(jcall_t *c, bool object, bool jsonb, size_t *n)
{
    if (c->n_args % 2)
        return internal(c, "json builder arguments are not (text, kind) pairs");
    *n = c->n_args / 2;
    if (!object || *n % 2 == 0)
        return true;
    proxy__json_fail(&c->err, "22023", "argument list must have even number of elements");
    c->err.hint = jsonb ? "The arguments of jsonb_build_object() must consist of alternating "
                          "keys and values."
                        : "The arguments of json_build_object() must consist of alternating "
                          "keys and values.";
    return false;
}

static bool null_key(jcall_t *c, size_t j, bool jsonb)
{
    if (jsonb)
        return proxy__json_failf(&c->err, c->arena, "22023", "argument %zu: key must not be null",
                                 j + 1);
    proxy__json_failf(&c->err, c->arena, "22023", "argument %zu cannot be null", j + 1);
    c->err.hint = "Object keys should be text.";
    return false;
}

static bool json_build_object_row(jcall_t *c)
{
    size_t n = 0;
    if (!builder_args(c, true, false, &n))
        return false;
    am_buf_putc(&c->out, '{');
    for (size_t j = 0; j < n; j += 2) {
        proxy_json_str_t kt = {0}, vt = {0};
        proxy_json_vkind_t kk = {0}, vk = {0};
        if (j)
            am_buf_append(&c->out, ", ", 2);
        if (!pg_arg(c, j, &kt, &kk) || !pg_arg(c, j + 1, &vt, &vk))
            return false;
        if (!kt.p)
            return null_key(c, j, false);
        if (!proxy__json_put(&c->out, kt, kk, true, c->arena, &c->err))
            return false;
        am_buf_append(&c->out, " : ", 3);
        if (!proxy__json_put(&c->out, vt, vk, false, c->arena, &c->err))
            return false;
    }
    am_buf_putc(&c->out, '}');
    return true;
}

/* row_to_json(record) and to_json(record): composite_to_json's compact form, {"a":1,"b":"x"};
 * the arguments as json_build_object's (a field name, its kind, its text, its kind). */
static bool row_to_json_row(jcall_t *c)
{
    size_t n = 0;
    if (!builder_args(c, true, false, &n))
        return false;
    am_buf_putc(&c->out, '{');
    for (size_t j = 0; j < n; j += 2) {
        proxy_json_str_t kt = {0}, vt = {0};
        proxy_json_vkind_t kk = {0}, vk = {0};
        if (j)
            am_buf_putc(&c->out, ',');
        if (!pg_arg(c, j, &kt, &kk) || !pg_arg(c, j + 1, &vt, &vk))
            return false;
        if (!kt.p)
            return null_key(c, j, false);
        if (!proxy__json_put(&c->out, kt, kk, true, c->arena, &c->err))
            return false;
        am_buf_putc(&c->out, ':');
        if (!proxy__json_put(&c->out, vt, vk, false, c->arena, &c->err))
            return false;
    }
    am_buf_putc(&c->out, '}');
    return true;
}

/* Adds key and value (jsonb) to object o, whose pairs have room. */
static bool jsonb_pair(jcall_t *c, proxy_json_t *o, proxy_json_str_t kt, proxy_json_vkind_t kk,
                       proxy_json_str_t vt, proxy_json_vkind_t vk)
{
    proxy_json_t *key = proxy__jsonb_value(kt, kk, true, c->arena, &c->err);
    proxy_json_t *val = key ? proxy__jsonb_value(vt, vk, false, c->arena, &c->err) : NULL;
    if (!val)
        return false;
    proxy_json_pair_t *p = &o->pairs[o->n++];
    p->key = key->str;
    p->key_src = key->str;
    p->value = val;
    return true;
}

static proxy_json_t *new_container(jcall_t *c, proxy_json_kind_t kind, size_t cap)
{
    proxy_json_t *v = proxy__json_new(c->arena, kind);
    if (kind == PROXY_JSON_OBJECT)
        v->pairs = am_arena_alloc(c->arena, (cap ? cap : 1) * sizeof *v->pairs);
    else
        v->elems = am_arena_alloc(
            c->arena, (cap ? cap : 1) * sizeof *v->elems); /* NOLINT(bugprone-sizeof-expression) */
    return v;
}

static bool jsonb_build_object_row(jcall_t *c)
{
    size_t n = 0;
    if (!builder_args(c, true, true, &n))
        return false;
    proxy_json_t *o = new_container(c, PROXY_JSON_OBJECT, n / 2);
    for (size_t j = 0; j < n; j += 2) {
        proxy_json_str_t kt = {0}, vt = {0};
        proxy_json_vkind_t kk = {0}, vk = {0};
        if (!pg_arg(c, j, &kt, &kk) || !pg_arg(c, j + 1, &vt, &vk))
            return false;
        if (!kt.p)
            return null_key(c, j, true);
        if (!jsonb_pair(c, o, kt, kk, vt, vk))
            return false;
    }
    proxy__jsonb_uniquify(o);
    proxy__jsonb_encode(&c->out, o);
    return true;
}

static bool json_build_array_row(jcall_t *c)
{
    size_t n = 0;
    if (!builder_args(c, false, false, &n))
        return false;
    am_buf_putc(&c->out, '[');
    for (size_t j = 0; j < n; j++) {
        proxy_json_str_t t = {0};
        proxy_json_vkind_t k = {0};
        if (j)
            am_buf_append(&c->out, ", ", 2);
        if (!pg_arg(c, j, &t, &k) || !proxy__json_put(&c->out, t, k, false, c->arena, &c->err))
            return false;
    }
    am_buf_putc(&c->out, ']');
    return true;
}

static bool jsonb_build_array_row(jcall_t *c)
{
    size_t n = 0;
    if (!builder_args(c, false, true, &n))
        return false;
    proxy_json_t *a = new_container(c, PROXY_JSON_ARRAY, n);
    for (size_t j = 0; j < n; j++) {
        proxy_json_str_t t = {0};
        proxy_json_vkind_t k = {0};
        if (!pg_arg(c, j, &t, &k))
            return false;
        if (!(a->elems[a->n++] = proxy__jsonb_value(t, k, false, c->arena, &c->err)))
            return false;
    }
    proxy__jsonb_encode(&c->out, a);
    return true;
}

/* ---- aggregate finalisers ------------------------------------------------------------------ */

/* Element i of list argument a, and its kind from argument kinds (a list, or one kind). */
static bool agg_item(jcall_t *c, size_t a, size_t kinds, size_t i, proxy_json_str_t *t,
                     proxy_json_vkind_t *k)
{
    const jarg_t *ka = &c->args[kinds];
    *t = (proxy_json_str_t){NULL, 0};
    *k = (proxy_json_vkind_t){PROXY_JSON_VK_NULL, false, false};
    if (ka->is_list && ka->n != c->args[a].n)
        return internal(c, "json aggregate: values and kinds differ in length");
    proxy_json_str_t ks = ka->is_list ? ka->list[i] : ka->s;
    if (!ks.p)
        return internal(c, "json value kind is null");
    *t = c->args[a].list[i];
    return proxy__json_vkind_parse(ks, k, c->arena, &c->err);
}

static bool json_agg_row(jcall_t *c)
{
    size_t n = c->args[0].n;
    c->null = n == 0;
    if (c->null)
        return true;
    am_buf_putc(&c->out, '[');
    for (size_t i = 0; i < n; i++) {
        proxy_json_str_t t = {0};
        proxy_json_vkind_t k = {0};
        if (!agg_item(c, 0, 1, i, &t, &k))
            return false;
        if (i)
            am_buf_append(&c->out, ", ", 2);
        if (i && t.p && (k.array || k.composite)) /* json_agg_transfn's whitespace before a
                                                   * structured value */
            am_buf_append(&c->out, "\n ", 2);
        if (!proxy__json_put(&c->out, t, k, false, c->arena, &c->err))
            return false;
    }
    am_buf_putc(&c->out, ']');
    return true;
}

static bool jsonb_agg_row(jcall_t *c)
{
    size_t n = c->args[0].n;
    c->null = n == 0;
    if (c->null)
        return true;
    proxy_json_t *a = new_container(c, PROXY_JSON_ARRAY, n);
    for (size_t i = 0; i < n; i++) {
        proxy_json_str_t t = {0};
        proxy_json_vkind_t k = {0};
        if (!agg_item(c, 0, 1, i, &t, &k))
            return false;
        if (!(a->elems[a->n++] = proxy__jsonb_value(t, k, false, c->arena, &c->err)))
            return false;
    }
    proxy__jsonb_encode(&c->out, a);
    return true;
}

/* Pair i of an object aggregate: (keys, key kinds, values, value kinds) arguments. */
static bool object_agg_item(jcall_t *c, size_t i, proxy_json_str_t *kt, proxy_json_vkind_t *kk,
                            proxy_json_str_t *vt, proxy_json_vkind_t *vk)
{
    if (c->args[2].n != c->args[0].n)
        return internal(c, "json object aggregate: keys and values differ in length");
    if (!agg_item(c, 0, 1, i, kt, kk) || !agg_item(c, 2, 3, i, vt, vk))
        return false;
    if (!kt->p)
        return proxy__json_fail(&c->err, "22023", "field name must not be null");
    return true;
}

static bool json_object_agg_row(jcall_t *c)
{
    size_t n = c->args[0].n;
    c->null = n == 0;
    if (c->null)
        return true;
    am_buf_append(&c->out, "{ ", 2);
    for (size_t i = 0; i < n; i++) {
        proxy_json_str_t kt = {0}, vt = {0};
        proxy_json_vkind_t kk = {0}, vk = {0};
        if (!object_agg_item(c, i, &kt, &kk, &vt, &vk))
            return false;
        if (i)
            am_buf_append(&c->out, ", ", 2);
        if (!proxy__json_put(&c->out, kt, kk, true, c->arena, &c->err))
            return false;
        am_buf_append(&c->out, " : ", 3);
        if (!proxy__json_put(&c->out, vt, vk, false, c->arena, &c->err))
            return false;
    }
    am_buf_append(&c->out, " }", 2);
    return true;
}

static bool jsonb_object_agg_row(jcall_t *c)
{
    size_t n = c->args[0].n;
    c->null = n == 0;
    if (c->null)
        return true;
    proxy_json_t *o = new_container(c, PROXY_JSON_OBJECT, n);
    for (size_t i = 0; i < n; i++) {
        proxy_json_str_t kt = {0}, vt = {0};
        proxy_json_vkind_t kk = {0}, vk = {0};
        if (!object_agg_item(c, i, &kt, &kk, &vt, &vk) || !jsonb_pair(c, o, kt, kk, vt, vk))
            return false;
    }
    proxy__jsonb_uniquify(o);
    proxy__jsonb_encode(&c->out, o);
    return true;
}

JFN_DEFINE(to_json_fn, to_json_row, JFN_NULLS)
JFN_DEFINE(to_jsonb_fn, to_jsonb_row, JFN_NULLS)
JFN_DEFINE(json_build_object_fn, json_build_object_row, JFN_NULLS)
JFN_DEFINE(row_to_json_fn, row_to_json_row, JFN_NULLS)
JFN_DEFINE(jsonb_build_object_fn, jsonb_build_object_row, JFN_NULLS)
JFN_DEFINE(json_build_array_fn, json_build_array_row, JFN_NULLS)
JFN_DEFINE(jsonb_build_array_fn, jsonb_build_array_row, JFN_NULLS)
JFN_DEFINE(json_agg_fn, json_agg_row, JFN_STRICT)
JFN_DEFINE(jsonb_agg_fn, jsonb_agg_row, JFN_STRICT)
JFN_DEFINE(json_object_agg_fn, json_object_agg_row, JFN_STRICT)
JFN_DEFINE(jsonb_object_agg_fn, jsonb_object_agg_row, JFN_STRICT)

#define V "VARCHAR"
#define VL "VARCHAR[]"
#define N PROXY_PGFN_NULLS

static const jfn_def_t defs[] = {
    {"am_to_json", V, {V, V}, NULL, to_json_fn, N},
    {"am_to_jsonb", V, {V, V}, NULL, to_jsonb_fn, N},
    {"am_json_build_object", V, {NULL}, V, json_build_object_fn, N},
    {"am_row_to_json", V, {NULL}, V, row_to_json_fn, N},
    {"am_jsonb_build_object", V, {NULL}, V, jsonb_build_object_fn, N},
    {"am_json_build_array", V, {NULL}, V, json_build_array_fn, N},
    {"am_jsonb_build_array", V, {NULL}, V, jsonb_build_array_fn, N},
    {"am_json_agg_final", V, {VL, VL}, NULL, json_agg_fn, 0},
    {"am_json_agg_final", V, {VL, V}, NULL, json_agg_fn, 0},
    {"am_jsonb_agg_final", V, {VL, VL}, NULL, jsonb_agg_fn, 0},
    {"am_jsonb_agg_final", V, {VL, V}, NULL, jsonb_agg_fn, 0},
    {"am_json_object_agg_final", V, {VL, VL, VL, VL}, NULL, json_object_agg_fn, 0},
    {"am_json_object_agg_final", V, {VL, V, VL, V}, NULL, json_object_agg_fn, 0},
    {"am_jsonb_object_agg_final", V, {VL, VL, VL, VL}, NULL, jsonb_object_agg_fn, 0},
    {"am_jsonb_object_agg_final", V, {VL, V, VL, V}, NULL, jsonb_object_agg_fn, 0},
};

bool proxy__pgfn_json_build_register(duckdb_connection con, am_err_t *err)
{
    return proxy__jfn_add_all(con, defs, AM_ARRAY_LEN(defs), err);
}

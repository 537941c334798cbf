/*
 * proxy/pgfn_json_sql_ops.c: the DuckDB functions for jsonb's operators (@> ? ?| ?& || - #-
 * = <> and the btree comparison) and jsonb_set / jsonb_insert: row functions over
 * pgfn_json_ops.c and pgfn_json_edit.c, with the argument checks jsonfuncs.c and jsonb_op.c
 * make first. Signatures and refusals: proxy/pgfn_json.h.
 */
#include "proxy/pgfn_json_glue.h"

#include <string.h>

static bool is_container(const proxy_json_t *v)
{
    return v->kind == PROXY_JSON_ARRAY || v->kind == PROXY_JSON_OBJECT;
}

static bool two(jcall_t *c, proxy_json_t **a, proxy_json_t **b)
{
    *a = proxy__jfn_json(c, 0, PROXY_JSON_JSONB);
    *b = *a ? proxy__jfn_json(c, 1, PROXY_JSON_JSONB) : NULL;
    return *b != NULL;
}

static bool contains_row(jcall_t *c)
{
    proxy_json_t *a, *b;
    if (!two(c, &a, &b))
        return false;
    c->b = proxy__jsonb_contains(a, b);
    return true;
}

static bool cmp_row(jcall_t *c)
{
    proxy_json_t *a, *b;
    if (!two(c, &a, &b))
        return false;
    c->i = proxy__jsonb_cmp(a, b);
    c->b = c->i == 0;
    return true;
}

static bool ne_row(jcall_t *c)
{
    bool ok = cmp_row(c);
    c->b = !c->b;
    return ok;
}

/* Numbers as the shortest text of their value (1.50 -> 1.5, -0.0 -> 0): jsonb values are
 * equal exactly when these texts are (keys are already sorted and deduplicated). */
static void eqkey_numbers(proxy_json_t *v)
{
    if (v->kind == PROXY_JSON_NUMBER) {
        const char *p = v->str.p;
        size_t n = v->str.len;
        if (memchr(p, '.', n)) {
            while (n > 0 && p[n - 1] == '0')
                n--;
            if (n > 0 && p[n - 1] == '.')
                n--;
        }
        if (n == 2 && p[0] == '-' && p[1] == '0') {
            p++;
            n--;
        }
        v->str.p = p;
        v->str.len = n;
        return;
    }
    for (size_t i = 0; v->kind == PROXY_JSON_ARRAY && i < v->n; i++)
        eqkey_numbers(v->elems[i]);
    for (size_t i = 0; v->kind == PROXY_JSON_OBJECT && i < v->n; i++)
        eqkey_numbers(v->pairs[i].value);
}

static bool eqkey_row(jcall_t *c)
{
    proxy_json_t *v = proxy__jfn_json(c, 0, PROXY_JSON_JSONB);
    if (!v)
        return false;
    eqkey_numbers(v);
    proxy__jsonb_encode(&c->out, v);
    return true;
}

static bool concat_row(jcall_t *c)
{
    proxy_json_t *a, *b;
    if (!two(c, &a, &b))
        return false;
    proxy__jsonb_encode(&c->out, proxy__jsonb_concat(c->arena, a, b));
    return true;
}

static bool exists_row(jcall_t *c)
{
    proxy_json_t *v = proxy__jfn_json(c, 0, PROXY_JSON_JSONB);
    if (v)
        c->b = proxy__jsonb_exists(v, c->args[1].s.p, c->args[1].s.len);
    return v != NULL;
}

/* ?| and ?&: NULL keys are skipped (so ?& of only NULLs is true). */
static bool exists_list(jcall_t *c, bool all)
{
    proxy_json_t *v = proxy__jfn_json(c, 0, PROXY_JSON_JSONB);
    if (!v)
        return false;
    c->b = all;
    for (size_t i = 0; i < c->args[1].n; i++) {
        proxy_json_str_t k = c->args[1].list[i];
        if (k.p && proxy__jsonb_exists(v, k.p, k.len) != all) {
            c->b = !all;
            break;
        }
    }
    return true;
}

static bool exists_any_row(jcall_t *c)
{
    return exists_list(c, false);
}

static bool exists_all_row(jcall_t *c)
{
    return exists_list(c, true);
}

/* The document of a deletion: NULL + error for a scalar; *same when there is nothing to do. */
static proxy_json_t *deletable(jcall_t *c, const char *scalar_msg, bool *same)
{
    proxy_json_t *v = proxy__jfn_json(c, 0, PROXY_JSON_JSONB);
    if (!v)
        return NULL;
    if (!is_container(v)) {
        proxy__json_fail(&c->err, "22023", scalar_msg);
        return NULL;
    }
    *same = v->n == 0;
    if (*same)
        proxy__jsonb_encode(&c->out, v);
    return v;
}

static bool delete_keys(jcall_t *c, const proxy_json_str_t *keys, size_t n)
{
    bool same;
    proxy_json_t *v = deletable(c, "cannot delete from scalar", &same);
    if (v && !same)
        proxy__jsonb_encode(&c->out, proxy__jsonb_delete_keys(c->arena, v, keys, n));
    return v != NULL;
}

static bool delete_row(jcall_t *c)
{
    return delete_keys(c, &c->args[1].s, 1);
}

static bool delete_keys_row(jcall_t *c)
{
    return delete_keys(c, c->args[1].list, c->args[1].n);
}

static bool delete_idx_row(jcall_t *c)
{
    proxy_json_t *v = proxy__jfn_json(c, 0, PROXY_JSON_JSONB);
    if (!v)
        return false;
    if (!is_container(v))
        return proxy__json_fail(&c->err, "22023", "cannot delete from scalar");
    if (v->kind == PROXY_JSON_OBJECT)
        return proxy__json_fail(&c->err, "22023", "cannot delete from object using integer index");
    proxy__jsonb_encode(&c->out, proxy__jsonb_delete_idx(c->arena, v, c->args[1].i));
    return true;
}

static bool set_path(jcall_t *c, const proxy_json_t *v, const proxy_json_t *newval, unsigned op)
{
    const proxy_json_str_t *path = c->args[1].list;
    size_t n = c->args[1].n;
    const proxy_json_t *r = proxy__jsonb_set_path(c->arena, v, path, n, newval, op, &c->err);
    if (r)
        proxy__jsonb_encode(&c->out, r);
    return r != NULL;
}

static bool delete_path_row(jcall_t *c)
{
    bool same;
    proxy_json_t *v = deletable(c, "cannot delete path in scalar", &same);
    if (!v || same)
        return v != NULL;
    return set_path(c, v, NULL, PROXY_JSONB_DELETE);
}

/* jsonb_set(target, path, new [, create_missing true]) */
static bool set_row(jcall_t *c)
{
    bool create = c->n_args < 4 || c->args[3].b;
    proxy_json_t *v = proxy__jfn_json(c, 0, PROXY_JSON_JSONB);
    if (!v)
        return false;
    if (!is_container(v))
        return proxy__json_fail(&c->err, "22023", "cannot set path in scalar");
    proxy_json_t *nv = proxy__jfn_json(c, 2, PROXY_JSON_JSONB);
    if (!nv)
        return false;
    if ((v->n == 0 && !create) || c->args[1].n == 0) {
        proxy__jsonb_encode(&c->out, v);
        return true;
    }
    return set_path(c, v, nv, create ? PROXY_JSONB_CREATE : PROXY_JSONB_REPLACE);
}

/* jsonb_insert(target, path, new [, insert_after false]) */
static bool insert_row(jcall_t *c)
{
    bool after = c->n_args >= 4 && c->args[3].b;
    proxy_json_t *v = proxy__jfn_json(c, 0, PROXY_JSON_JSONB);
    if (!v)
        return false;
    if (!is_container(v))
        return proxy__json_fail(&c->err, "22023", "cannot set path in scalar");
    proxy_json_t *nv = proxy__jfn_json(c, 2, PROXY_JSON_JSONB);
    if (!nv)
        return false;
    if (c->args[1].n == 0) {
        proxy__jsonb_encode(&c->out, v);
        return true;
    }
    return set_path(c, v, nv, after ? PROXY_JSONB_INSERT_AFTER : PROXY_JSONB_INSERT_BEFORE);
}

JFN_DEFINE(contains_fn, contains_row, JFN_STRICT)
JFN_DEFINE(eq_fn, cmp_row, JFN_STRICT)
JFN_DEFINE(ne_fn, ne_row, JFN_STRICT)
JFN_DEFINE(cmp_fn, cmp_row, JFN_STRICT)
JFN_DEFINE(concat_fn, concat_row, JFN_STRICT)
JFN_DEFINE(eqkey_fn, eqkey_row, JFN_STRICT)
JFN_DEFINE(exists_fn, exists_row, JFN_STRICT)
JFN_DEFINE(exists_any_fn, exists_any_row, JFN_STRICT)
JFN_DEFINE(exists_all_fn, exists_all_row, JFN_STRICT)
JFN_DEFINE(delete_fn, delete_row, JFN_STRICT)
JFN_DEFINE(delete_keys_fn, delete_keys_row, JFN_STRICT)
JFN_DEFINE(delete_idx_fn, delete_idx_row, JFN_STRICT)
JFN_DEFINE(delete_path_fn, delete_path_row, JFN_STRICT)
JFN_DEFINE(set_fn, set_row, JFN_STRICT)
JFN_DEFINE(insert_fn, insert_row, JFN_STRICT)

#define V "VARCHAR"
#define VL "VARCHAR[]"
#define B "BOOLEAN"

static const jfn_def_t defs[] = {
    {"am_jsonb_contains", B, {V, V}, NULL, contains_fn, 0},
    {"am_jsonb_eq", B, {V, V}, NULL, eq_fn, 0},
    {"am_jsonb_ne", B, {V, V}, NULL, ne_fn, 0},
    {"am_jsonb_cmp", "INTEGER", {V, V}, NULL, cmp_fn, 0},
    {"am_jsonb_concat", V, {V, V}, NULL, concat_fn, 0},
    {"am_jsonb_eqkey", V, {V}, NULL, eqkey_fn, 0},
    {"am_jsonb_exists", B, {V, V}, NULL, exists_fn, 0},
    {"am_jsonb_exists_any", B, {V, VL}, NULL, exists_any_fn, 0},
    {"am_jsonb_exists_all", B, {V, VL}, NULL, exists_all_fn, 0},
    {"am_jsonb_delete", V, {V, V}, NULL, delete_fn, 0},
    {"am_jsonb_delete_keys", V, {V, VL}, NULL, delete_keys_fn, 0},
    {"am_jsonb_delete_idx", V, {V, "INTEGER"}, NULL, delete_idx_fn, 0},
    {"am_jsonb_delete_path", V, {V, VL}, NULL, delete_path_fn, 0},
    {"am_jsonb_set", V, {V, VL, V}, NULL, set_fn, 0},
    {"am_jsonb_set", V, {V, VL, V, B}, NULL, set_fn, 0},
    {"am_jsonb_insert", V, {V, VL, V}, NULL, insert_fn, 0},
    {"am_jsonb_insert", V, {V, VL, V, B}, NULL, insert_fn, 0},
};

bool proxy__pgfn_json_ops_register(duckdb_connection con, am_err_t *err)
{
    return proxy__jfn_add_all(con, defs, AM_ARRAY_LEN(defs), err);
}

/*
 * proxy/pgfn_json_edit.c: jsonb values built from others: || (jsonb_concat), - (jsonb_delete,
 * jsonb_delete_idx, jsonb_delete_array), #- / jsonb_set / jsonb_insert (setPath in
 * jsonfuncs.c) and jsonb_strip_nulls. Trees are shared, never modified: a changed container is
 * a new node in the arena.
 */
#include "proxy/pgfn_json.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

static bool is_container(const proxy_json_t *v)
{
    return v->kind == PROXY_JSON_ARRAY || v->kind == PROXY_JSON_OBJECT;
}

/* A new array of capacity cap, empty. */
static proxy_json_t *new_array(am_arena_t *arena, size_t cap)
{
    proxy_json_t *a = proxy__json_new(arena, PROXY_JSON_ARRAY);
    a->elems = am_arena_alloc(arena, (cap ? cap : 1) *
                                         sizeof *a->elems); /* NOLINT(bugprone-sizeof-expression) */
    return a;
}

static proxy_json_t *new_object(am_arena_t *arena, size_t cap)
{
    proxy_json_t *o = proxy__json_new(arena, PROXY_JSON_OBJECT);
    o->pairs = am_arena_alloc(arena, (cap ? cap : 1) * sizeof *o->pairs);
    return o;
}

static void push_elems(proxy_json_t *dst, const proxy_json_t *src)
{
    if (src->kind != PROXY_JSON_ARRAY) {
        dst->elems[dst->n++] = (proxy_json_t *)src; /* a raw scalar, or an object */
        return;
    }
    for (size_t i = 0; i < src->n; i++)
        dst->elems[dst->n++] = src->elems[i];
}

const proxy_json_t *proxy__jsonb_concat(am_arena_t *arena, const proxy_json_t *a,
                                        const proxy_json_t *b)
{
    bool ao = a->kind == PROXY_JSON_OBJECT, bo = b->kind == PROXY_JSON_OBJECT;
    /* an empty container on one side gives the other unchanged, when both are objects or
     * both arrays and the other is not a raw scalar */
    if (ao == bo) {
        if (is_container(a) && a->n == 0 && is_container(b))
            return b;
        if (is_container(b) && b->n == 0 && is_container(a))
            return a;
    }
    if (ao && bo) {
        proxy_json_t *o = new_object(arena, a->n + b->n);
        memcpy(o->pairs, a->pairs, a->n * sizeof *o->pairs);
        memcpy(o->pairs + a->n, b->pairs, b->n * sizeof *o->pairs);
        o->n = a->n + b->n;
        proxy__jsonb_uniquify(o); /* b's values win */
        return o;
    }
    size_t na = a->kind == PROXY_JSON_ARRAY ? a->n : 1, nb = b->kind == PROXY_JSON_ARRAY ? b->n : 1;
    proxy_json_t *r = new_array(arena, na + nb);
    push_elems(r, a);
    push_elems(r, b);
    return r;
}

static bool key_is(const proxy_json_str_t *s, const char *key, size_t len)
{
    return s->len == len && memcmp(s->p, key, len) == 0;
}

/* Top-level object pairs or string array elements equal to any of keys (NULLs skipped). */
const proxy_json_t *proxy__jsonb_delete_keys(am_arena_t *arena, const proxy_json_t *v,
                                             const proxy_json_str_t *keys, size_t n_keys)
{
    bool obj = v->kind == PROXY_JSON_OBJECT;
    proxy_json_t *r = obj ? new_object(arena, v->n) : new_array(arena, v->n);
    for (size_t i = 0; i < v->n; i++) {
        const proxy_json_t *e = obj ? NULL : v->elems[i];
        const proxy_json_str_t *s = obj ? &v->pairs[i].key : &e->str;
        bool drop = false;
        for (size_t k = 0; k < n_keys && !drop; k++)
            drop = keys[k].p && (obj || e->kind == PROXY_JSON_STRING) &&
                   key_is(s, keys[k].p, keys[k].len);
        if (drop)
            continue;
        if (obj)
            r->pairs[r->n++] = v->pairs[i];
        else
            r->elems[r->n++] = v->elems[i];
    }
    return r;
}

const proxy_json_t *proxy__jsonb_delete_idx(am_arena_t *arena, const proxy_json_t *v, int64_t idx)
{
    int64_t n = (int64_t)v->n;
    if (idx < 0)
        idx = -idx > n ? n : n + idx;
    if (idx >= n)
        return v;
    proxy_json_t *r = new_array(arena, v->n);
    for (int64_t i = 0; i < n; i++)
        if (i != idx)
            r->elems[r->n++] = v->elems[i];
    return r;
}

const proxy_json_t *proxy__jsonb_strip_nulls(am_arena_t *arena, const proxy_json_t *v)
{
    if (!is_container(v))
        return v;
    bool obj = v->kind == PROXY_JSON_OBJECT;
    proxy_json_t *r = obj ? new_object(arena, v->n) : new_array(arena, v->n);
    for (size_t i = 0; i < v->n; i++) {
        if (!obj) {
            r->elems[r->n++] = (proxy_json_t *)proxy__jsonb_strip_nulls(arena, v->elems[i]);
        } else if (v->pairs[i].value->kind != PROXY_JSON_NULL) {
            r->pairs[r->n] = v->pairs[i];
            r->pairs[r->n++].value =
                (proxy_json_t *)proxy__jsonb_strip_nulls(arena, v->pairs[i].value);
        }
    }
    return r;
}

/* ---- setPath ------------------------------------------------------------------------------ */

typedef struct setpath {
    const proxy_json_str_t *path; /* a NULL p is an SQL NULL element */
    size_t len;
    const proxy_json_t *newval;
    unsigned op;
    am_arena_t *arena;
    proxy_json_err_t *err;
} setpath_t;

static const proxy_json_t *set_path(setpath_t *sp, const proxy_json_t *v, size_t level);

static bool creating(const setpath_t *sp)
{
    return sp->op & (PROXY_JSONB_CREATE | PROXY_JSONB_INSERT_BEFORE | PROXY_JSONB_INSERT_AFTER);
}

static void add_pair(proxy_json_t *o, proxy_json_str_t key, const proxy_json_t *value)
{
    o->pairs[o->n].key = key;
    o->pairs[o->n].key_src = key;
    o->pairs[o->n++].value = (proxy_json_t *)value;
}

/* setPathObject: the matching key is replaced, deleted or descended into; a missing key is
 * added at the last level when creating. */
static const proxy_json_t *set_path_object(setpath_t *sp, const proxy_json_t *v, size_t level)
{
    proxy_json_str_t key = sp->path[level];
    bool last = level == sp->len - 1, done = false;
    proxy_json_t *r = new_object(sp->arena, v->n + 1);
    if (v->n == 0 && creating(sp) && last)
        add_pair(r, key, sp->newval);
    for (size_t i = 0; i < v->n; i++) {
        const proxy_json_pair_t *p = &v->pairs[i];
        if (done || !key_is(&p->key, key.p, key.len)) {
            if (creating(sp) && !done && last && i == v->n - 1)
                add_pair(r, key, sp->newval);
            r->pairs[r->n++] = *p;
            continue;
        }
        done = true;
        if (!last) {
            const proxy_json_t *nv = set_path(sp, p->value, level + 1);
            if (!nv)
                return NULL;
            add_pair(r, p->key, nv);
        } else if (sp->op & (PROXY_JSONB_INSERT_BEFORE | PROXY_JSONB_INSERT_AFTER)) {
            proxy__json_fail(sp->err, "22023", "cannot replace existing key");
            sp->err->hint = "Try using the function jsonb_set to replace key value.";
            return NULL;
        } else if (!(sp->op & PROXY_JSONB_DELETE)) {
            add_pair(r, p->key, sp->newval);
        }
    }
    proxy__jsonb_uniquify(r);
    return r;
}

static bool path_index(const setpath_t *sp, size_t level, int *out)
{
    proxy_json_str_t s = sp->path[level];
    if (proxy__json_strtoint(s.p, s.len, sp->arena, out))
        return true;
    return proxy__json_failf(sp->err, sp->arena, "22P02",
                             "path element at position %zu is not an integer: \"%.*s\"", level + 1,
                             (int)s.len, s.p);
}

static bool set_array_elem(setpath_t *sp, proxy_json_t *r, const proxy_json_t *e, size_t level)
{
    if (level < sp->len - 1) {
        const proxy_json_t *nv = set_path(sp, e, level + 1);
        if (!nv)
            return false;
        r->elems[r->n++] = (proxy_json_t *)nv;
        return true;
    }
    proxy_json_t *nv = (proxy_json_t *)sp->newval;
    if (sp->op & (PROXY_JSONB_INSERT_BEFORE | PROXY_JSONB_CREATE))
        r->elems[r->n++] = nv;
    if (sp->op & (PROXY_JSONB_INSERT_AFTER | PROXY_JSONB_INSERT_BEFORE))
        r->elems[r->n++] = (proxy_json_t *)e;
    if (sp->op & (PROXY_JSONB_INSERT_AFTER | PROXY_JSONB_REPLACE))
        r->elems[r->n++] = nv;
    return true;
}

/* setPathArray: a negative index counts from the end; before the start it prepends (when
 * creating), past the end it appends. */
static const proxy_json_t *set_path_array(setpath_t *sp, const proxy_json_t *v, size_t level)
{
    int idx;
    if (!path_index(sp, level, &idx))
        return NULL;
    int n = (int)v->n;
    if (idx < 0)
        idx = -(int64_t)idx > n ? INT_MIN : n + idx;
    if (idx > 0 && idx > n)
        idx = n;
    bool last = level == sp->len - 1, done = false;
    proxy_json_t *r = new_array(sp->arena, v->n + 1);
    if ((idx == INT_MIN || n == 0) && last && creating(sp)) {
        r->elems[r->n++] = (proxy_json_t *)sp->newval;
        done = true;
    }
    for (int i = 0; i < n; i++) {
        if (i != idx) {
            r->elems[r->n++] = v->elems[i];
            continue;
        }
        done = true;
        if (!set_array_elem(sp, r, v->elems[i], level))
            return NULL;
    }
    if (creating(sp) && !done && last)
        r->elems[r->n++] = (proxy_json_t *)sp->newval;
    return r;
}

static const proxy_json_t *set_path(setpath_t *sp, const proxy_json_t *v, size_t level)
{
    if (!sp->path[level].p) {
        proxy__json_failf(sp->err, sp->arena, "22004", "path element at position %zu is null",
                          level + 1);
        return NULL;
    }
    if (v->kind == PROXY_JSON_ARRAY)
        return set_path_array(sp, v, level);
    if (v->kind == PROXY_JSON_OBJECT)
        return set_path_object(sp, v, level);
    return v;
}

const proxy_json_t *proxy__jsonb_set_path(am_arena_t *arena, const proxy_json_t *v,
                                          const proxy_json_str_t *path, size_t len,
                                          const proxy_json_t *newval, unsigned op,
                                          proxy_json_err_t *err)
{
    setpath_t sp = {path, len, newval, op, arena, err};
    if (len == 0)
        return v;
    return set_path(&sp, v, 0);
}

/*
 * proxy/pgfn_json_get.c: -> ->> #> #>> and json(b)_extract_path(_text).
 *
 * json: PostgreSQL answers these with a streaming parse and callbacks (get_worker in
 * jsonfuncs.c) whose state has quirks a plain tree lookup would not have: a negative index is
 * converted in place by the first array met at its depth, even off the path
 * ('{"x":[1,2,3],"a":[4,5]}'::json #> '{a,-1}' is NULL); a whole-document match keeps the
 * whitespace before a scalar but not after; duplicate keys: the last one wins. So the tree is
 * walked in document order calling the same callbacks with the same state.
 * jsonb: jsonb_object_field, jsonb_array_element and jsonb_get_element, a plain lookup.
 */
#include "proxy/pgfn_json.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

typedef struct getter {
    size_t npath;
    const proxy_json_str_t *names; /* NULL: field callbacks not installed */
    int *idx;                      /* NULL: element callbacks not installed; updated in place */
    bool as_text;
    bool *pathok;
    int *cur;
    const char *input;
    proxy_json_str_t res; /* p NULL: SQL NULL */
    const char *result_start;
    bool next_scalar;
} getter_t;

static const char *src_end(const proxy_json_t *v)
{
    return v->src.p + v->src.len;
}

static void set_result(getter_t *g, const char *start, const char *end)
{
    g->res.p = start;
    g->res.len = (size_t)(end - start);
}

/* Shared by the field and element start callbacks once the path matched at level. */
static void match_start(getter_t *g, size_t level, const proxy_json_t *value)
{
    if (level < g->npath) {
        g->pathok[level] = true;
        return;
    }
    g->res.p = NULL;
    g->result_start = NULL;
    if (g->as_text && value->kind == PROXY_JSON_STRING)
        g->next_scalar = true;
    else
        g->result_start = value->src.p;
}

static void match_end(getter_t *g, size_t level, const proxy_json_t *value)
{
    if (level < g->npath) {
        g->pathok[level] = false;
        return;
    }
    if (!g->result_start)
        return;
    if (value->kind == PROXY_JSON_NULL && g->as_text)
        g->res.p = NULL;
    else
        set_result(g, g->result_start, src_end(value));
    g->result_start = NULL;
}

static bool field_matches(const getter_t *g, size_t level, const proxy_json_pair_t *p)
{
    if (!g->names || level > g->npath || !g->pathok[level - 1])
        return false;
    proxy_json_str_t n = g->names[level - 1];
    return n.len == p->key.len && memcmp(n.p, p->key.p, n.len) == 0;
}

static bool elem_matches(const getter_t *g, size_t level)
{
    return level <= g->npath && g->pathok[level - 1] && g->cur[level - 1] == g->idx[level - 1];
}

static void get_scalar(getter_t *g, const proxy_json_t *v, size_t level)
{
    if (level == 0 && g->npath == 0) {
        if (g->as_text && v->kind == PROXY_JSON_STRING)
            g->next_scalar = true;
        else if (g->as_text && v->kind == PROXY_JSON_NULL)
            g->res.p = NULL;
        else
            set_result(g, g->input, src_end(v));
    }
    if (g->next_scalar) {
        g->res = v->str;
        g->next_scalar = false;
    }
}

static void walk(getter_t *g, const proxy_json_t *v, size_t level);

static void walk_object(getter_t *g, const proxy_json_t *v, size_t level)
{
    bool whole = g->npath == 0 && level == 0;
    if (whole)
        g->result_start = v->src.p;
    for (size_t i = 0; i < v->n; i++) {
        const proxy_json_pair_t *p = &v->pairs[i];
        bool m = field_matches(g, level + 1, p);
        if (m)
            match_start(g, level + 1, p->value);
        walk(g, p->value, level + 1);
        if (m && field_matches(g, level + 1, p))
            match_end(g, level + 1, p->value);
    }
    if (whole)
        set_result(g, g->result_start, src_end(v));
}

static void array_start(getter_t *g, const proxy_json_t *v, size_t level)
{
    if (level < g->npath) {
        g->cur[level] = -1;
        int i = g->idx[level];
        if (i < 0 && i != INT_MIN && -(int64_t)i <= (int64_t)v->n)
            g->idx[level] = i + (int)v->n;
    } else if (level == 0 && g->npath == 0) {
        g->result_start = v->src.p;
    }
}

static void walk_array(getter_t *g, const proxy_json_t *v, size_t level)
{
    if (g->npath == 0 || g->idx)
        array_start(g, v, level);
    for (size_t i = 0; i < v->n; i++) {
        bool m = false;
        if (g->idx) {
            if (level + 1 <= g->npath)
                g->cur[level]++;
            m = elem_matches(g, level + 1);
            if (m)
                match_start(g, level + 1, v->elems[i]);
        }
        walk(g, v->elems[i], level + 1);
        if (m && elem_matches(g, level + 1))
            match_end(g, level + 1, v->elems[i]);
    }
    if (g->npath == 0 && level == 0)
        set_result(g, g->result_start, src_end(v));
}

static void walk(getter_t *g, const proxy_json_t *v, size_t level)
{
    if (v->kind == PROXY_JSON_OBJECT)
        walk_object(g, v, level);
    else if (v->kind == PROXY_JSON_ARRAY)
        walk_array(g, v, level);
    else
        get_scalar(g, v, level);
}

proxy_json_str_t proxy__json_get(const proxy_json_t *root, const char *input,
                                 const proxy_json_str_t *names, int *idx, size_t npath,
                                 bool as_text, am_arena_t *arena)
{
    getter_t g = {.npath = npath, .names = names, .idx = idx, .as_text = as_text, .input = input};
    g.pathok = am_arena_alloc(arena, (npath + 1) * sizeof *g.pathok);
    g.cur = am_arena_alloc(arena, (npath + 1) * sizeof *g.cur);
    memset(g.pathok, 0, (npath + 1) * sizeof *g.pathok);
    memset(g.cur, 0, (npath + 1) * sizeof *g.cur);
    if (npath > 0)
        g.pathok[0] = true;
    walk(&g, root, 0);
    return g.res;
}

bool proxy__json_strtoint(const char *s, size_t len, am_arena_t *arena, int *out)
{
    char *c = am_arena_strndup(arena, s, len), *end = NULL;
    errno = 0;
    long v = strtol(c, &end, 10);
    if (end == c || *end != '\0' || errno != 0 || v < INT_MIN || v > INT_MAX || strlen(c) != len)
        return false;
    *out = (int)v;
    return true;
}

/* ---- jsonb ------------------------------------------------------------------------------ */

const proxy_json_t *proxy__jsonb_field(const proxy_json_t *root, const char *key, size_t len)
{
    return root->kind == PROXY_JSON_OBJECT ? proxy__jsonb_find_key(root, key, len) : NULL;
}

/* A raw scalar is an array of one here too: '"x"'::jsonb -> 0 is "x". */
const proxy_json_t *proxy__jsonb_element(const proxy_json_t *root, int64_t i)
{
    if (root->kind == PROXY_JSON_OBJECT)
        return NULL;
    bool raw = root->kind != PROXY_JSON_ARRAY;
    int64_t n = raw ? 1 : (int64_t)root->n;
    if (i < 0) {
        if (-i > n)
            return NULL;
        i += n;
    }
    if (i >= n)
        return NULL;
    return raw ? root : root->elems[i];
}

const proxy_json_t *proxy__jsonb_get_path(const proxy_json_t *root, const proxy_json_str_t *path,
                                          size_t npath, am_arena_t *arena)
{
    const proxy_json_t *v = root;
    bool container = root->kind == PROXY_JSON_ARRAY || root->kind == PROXY_JSON_OBJECT;
    for (size_t i = 0; i < npath; i++) {
        if (!path[i].p || !container)
            return NULL;
        if (v->kind == PROXY_JSON_OBJECT) {
            v = proxy__jsonb_find_key(v, path[i].p, path[i].len);
        } else {
            int k;
            if (!proxy__json_strtoint(path[i].p, path[i].len, arena, &k) || k == INT_MIN)
                return NULL;
            v = proxy__jsonb_element(v, k);
        }
        if (!v)
            return NULL;
        container = v->kind == PROXY_JSON_ARRAY || v->kind == PROXY_JSON_OBJECT;
    }
    return v;
}

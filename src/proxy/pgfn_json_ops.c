/*
 * proxy/pgfn_json_ops.c: jsonb comparison (compareJsonbContainers), containment
 * (JsonbDeepContains), existence, concatenation and deletion, on proxy_json_t trees parsed
 * with PROXY_JSON_JSONB. A top-level scalar is, as in jsonb, a one-element "raw scalar" array:
 * that is why '[1]' @> '1', '"a"' ? 'a', and why a scalar sorts above an empty array.
 */
#include "proxy/pgfn_json.h"

#include <string.h>

proxy_json_t *proxy__json_new_string(am_arena_t *arena, const char *s, size_t len)
{
    proxy_json_t *v = proxy__json_new(arena, PROXY_JSON_STRING);
    v->str.p = s;
    v->str.len = len;
    return v;
}

/* varstr_cmp under the C collation: bytewise, then length. */
static int text_cmp(proxy_json_str_t a, proxy_json_str_t b)
{
    size_t n = a.len < b.len ? a.len : b.len;
    int c = memcmp(a.p, b.p, n);
    if (c)
        return c < 0 ? -1 : 1;
    return a.len == b.len ? 0 : a.len < b.len ? -1 : 1;
}

static int scalar_cmp(const proxy_json_t *a, const proxy_json_t *b)
{
    switch (a->kind) {
    case PROXY_JSON_STRING:
        return text_cmp(a->str, b->str);
    case PROXY_JSON_NUMBER:
        return proxy__json_numeric_cmp(a->str, b->str);
    case PROXY_JSON_BOOL:
        return a->boolean == b->boolean ? 0 : a->boolean ? 1 : -1;
    default:
        return 0;
    }
}

static bool is_container(const proxy_json_t *v)
{
    return v->kind == PROXY_JSON_ARRAY || v->kind == PROXY_JSON_OBJECT;
}

/* Two values met at the same step of both iterations (never raw scalars). */
static int value_cmp(const proxy_json_t *a, const proxy_json_t *b)
{
    if (a->kind != b->kind)
        return a->kind > b->kind ? 1 : -1;
    if (!is_container(a))
        return scalar_cmp(a, b);
    if (a->n != b->n)
        return a->n > b->n ? 1 : -1;
    for (size_t i = 0; i < a->n; i++) {
        int c;
        if (a->kind == PROXY_JSON_ARRAY) {
            c = value_cmp(a->elems[i], b->elems[i]);
        } else {
            c = text_cmp(a->pairs[i].key, b->pairs[i].key);
            if (!c)
                c = value_cmp(a->pairs[i].value, b->pairs[i].value);
        }
        if (c)
            return c;
    }
    return 0;
}

int proxy__jsonb_cmp(const proxy_json_t *a, const proxy_json_t *b)
{
    bool ar = !is_container(a), br = !is_container(b);
    if (ar && br)
        return value_cmp(a, b);
    if (!ar && !br)
        return value_cmp(a, b);
    /* a raw scalar is an array of one: against an object it is an array (smaller); against
     * an array the element count decides, and at equal counts the raw scalar is smaller */
    const proxy_json_t *c = ar ? b : a;
    int sign = ar ? 1 : -1; /* from the raw scalar's side */
    if (c->kind == PROXY_JSON_OBJECT)
        return -sign;
    if (c->n != 1)
        return c->n < 1 ? sign : -sign;
    return -sign;
}

/* equalsJsonbScalarValue */
static bool scalar_eq(const proxy_json_t *a, const proxy_json_t *b)
{
    if (a->kind != b->kind)
        return false;
    if (a->kind == PROXY_JSON_STRING)
        return a->str.len == b->str.len && memcmp(a->str.p, b->str.p, a->str.len) == 0;
    return scalar_cmp(a, b) == 0;
}

const proxy_json_t *proxy__jsonb_find_key(const proxy_json_t *obj, const char *key, size_t len)
{
    proxy_json_str_t k = {key, len};
    size_t lo = 0, hi = obj->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = proxy__jsonb_key_cmp(obj->pairs[mid].key, k);
        if (c == 0)
            return obj->pairs[mid].value;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static bool deep_contains(const proxy_json_t *a, const proxy_json_t *b);

static bool object_contains(const proxy_json_t *a, const proxy_json_t *b)
{
    if (a->n < b->n)
        return false;
    for (size_t i = 0; i < b->n; i++) {
        const proxy_json_t *bv = b->pairs[i].value;
        const proxy_json_t *av = proxy__jsonb_find_key(a, b->pairs[i].key.p, b->pairs[i].key.len);
        if (!av || is_container(av) != is_container(bv))
            return false;
        if (is_container(av) ? !deep_contains(av, bv) : !scalar_eq(av, bv))
            return false;
    }
    return true;
}

/* Arrays as element lists, so that a raw scalar can stand as a one-element array. */
typedef struct elems {
    const proxy_json_t *const *v;
    size_t n;
} elems_t;

static bool has_scalar(elems_t a, const proxy_json_t *s)
{
    for (size_t i = 0; i < a.n; i++)
        if (!is_container(a.v[i]) && scalar_eq(a.v[i], s))
            return true;
    return false;
}

static bool has_container(elems_t a, const proxy_json_t *c)
{
    for (size_t i = 0; i < a.n; i++)
        if (is_container(a.v[i]) && deep_contains(a.v[i], c))
            return true;
    return false;
}

static bool array_contains(elems_t a, elems_t b)
{
    for (size_t i = 0; i < b.n; i++) {
        const proxy_json_t *e = b.v[i];
        if (is_container(e) ? !has_container(a, e) : !has_scalar(a, e))
            return false;
    }
    return true;
}

static elems_t elems_of(const proxy_json_t *const *root)
{
    if ((*root)->kind == PROXY_JSON_ARRAY)
        return (elems_t){(const proxy_json_t *const *)(*root)->elems, (*root)->n};
    return (elems_t){root, 1};
}

static bool deep_contains(const proxy_json_t *a, const proxy_json_t *b)
{
    if (a->kind != b->kind)
        return false;
    if (a->kind == PROXY_JSON_OBJECT)
        return object_contains(a, b);
    return array_contains(elems_of(&a), elems_of(&b));
}

bool proxy__jsonb_contains(const proxy_json_t *a, const proxy_json_t *b)
{
    if ((a->kind == PROXY_JSON_OBJECT) != (b->kind == PROXY_JSON_OBJECT))
        return false;
    if (a->kind == PROXY_JSON_OBJECT)
        return object_contains(a, b);
    /* a raw scalar may contain a raw scalar; an array may contain either; a raw scalar never
     * contains an array */
    if (!is_container(a) && is_container(b))
        return false;
    return array_contains(elems_of(&a), elems_of(&b));
}

bool proxy__jsonb_exists(const proxy_json_t *root, const char *key, size_t len)
{
    if (root->kind == PROXY_JSON_OBJECT)
        return proxy__jsonb_find_key(root, key, len) != NULL;
    proxy_json_t s = {.kind = PROXY_JSON_STRING, .str = {key, len}};
    return has_scalar(elems_of(&root), &s);
}

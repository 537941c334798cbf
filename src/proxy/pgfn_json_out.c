/*
 * proxy/pgfn_json_out.c: jsonb text as PostgreSQL 15 prints it (JsonbToCString and
 * JsonbToCStringIndent in jsonb.c, escape_json in json.c), and jsonb's object key order
 * (lengthCompareJsonbStringValue: shorter keys first, then bytewise; of duplicate keys the
 * last one wins, uniqueifyJsonbObject).
 */
#include "proxy/pgfn_json.h"

#include <stdlib.h>
#include <string.h>

void proxy__json_escape(am_buf_t *out, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    am_buf_reserve(out, len + 2);
    am_buf_putc(out, '"');
    size_t seg = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        am_buf_append(out, s + seg, i - seg);
        seg = i + 1;
        switch (c) {
        case '\b':
            am_buf_puts(out, "\\b");
            break;
        case '\f':
            am_buf_puts(out, "\\f");
            break;
        case '\n':
            am_buf_puts(out, "\\n");
            break;
        case '\r':
            am_buf_puts(out, "\\r");
            break;
        case '\t':
            am_buf_puts(out, "\\t");
            break;
        case '"':
            am_buf_puts(out, "\\\"");
            break;
        case '\\':
            am_buf_puts(out, "\\\\");
            break;
        default: {
            char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            am_buf_append(out, u, sizeof u);
        }
        }
    }
    am_buf_append(out, s + seg, len - seg);
    am_buf_putc(out, '"');
}

static void put_scalar(am_buf_t *out, const proxy_json_t *v)
{
    switch (v->kind) {
    case PROXY_JSON_NULL:
        am_buf_puts(out, "null");
        break;
    case PROXY_JSON_BOOL:
        am_buf_puts(out, v->boolean ? "true" : "false");
        break;
    case PROXY_JSON_NUMBER:
        am_buf_append(out, v->str.p, v->str.len);
        break;
    default:
        proxy__json_escape(out, v->str.p, v->str.len);
    }
}

void proxy__jsonb_encode(am_buf_t *out, const proxy_json_t *v)
{
    if (v->kind == PROXY_JSON_ARRAY) {
        am_buf_putc(out, '[');
        for (size_t i = 0; i < v->n; i++) {
            if (i)
                am_buf_append(out, ", ", 2);
            proxy__jsonb_encode(out, v->elems[i]);
        }
        am_buf_putc(out, ']');
    } else if (v->kind == PROXY_JSON_OBJECT) {
        am_buf_putc(out, '{');
        for (size_t i = 0; i < v->n; i++) {
            if (i)
                am_buf_append(out, ", ", 2);
            proxy__json_escape(out, v->pairs[i].key.p, v->pairs[i].key.len);
            am_buf_append(out, ": ", 2);
            proxy__jsonb_encode(out, v->pairs[i].value);
        }
        am_buf_putc(out, '}');
    } else {
        put_scalar(out, v);
    }
}

static void indent(am_buf_t *out, size_t level)
{
    am_buf_putc(out, '\n');
    for (size_t i = 0; i < level; i++)
        am_buf_append(out, "    ", 4);
}

/* Every member on its own line, indented four spaces a level; ',' without a space; the
 * closing bracket on its own line even when the container is empty. */
static void pretty(am_buf_t *out, const proxy_json_t *v, size_t level)
{
    bool obj = v->kind == PROXY_JSON_OBJECT;
    if (!obj && v->kind != PROXY_JSON_ARRAY) {
        put_scalar(out, v);
        return;
    }
    am_buf_putc(out, obj ? '{' : '[');
    for (size_t i = 0; i < v->n; i++) {
        if (i)
            am_buf_putc(out, ',');
        indent(out, level + 1);
        if (obj) {
            proxy__json_escape(out, v->pairs[i].key.p, v->pairs[i].key.len);
            am_buf_append(out, ": ", 2);
        }
        pretty(out, obj ? v->pairs[i].value : v->elems[i], level + 1);
    }
    indent(out, level);
    am_buf_putc(out, obj ? '}' : ']');
}

void proxy__jsonb_pretty(am_buf_t *out, const proxy_json_t *v)
{
    pretty(out, v, 0);
}

void proxy__jsonb_as_text(am_buf_t *out, const proxy_json_t *v)
{
    if (v->kind == PROXY_JSON_STRING)
        am_buf_append(out, v->str.p, v->str.len);
    else if (v->kind != PROXY_JSON_NULL)
        proxy__jsonb_encode(out, v);
}

bool proxy__jsonb_canon(am_buf_t *out, const char *text, size_t len, am_arena_t *arena,
                        proxy_json_err_t *err)
{
    proxy_json_t *v = proxy__json_parse(text, len, PROXY_JSON_JSONB, arena, err);
    if (!v)
        return false;
    proxy__jsonb_encode(out, v);
    return true;
}

int proxy__jsonb_key_cmp(proxy_json_str_t a, proxy_json_str_t b)
{
    if (a.len != b.len)
        return a.len < b.len ? -1 : 1;
    return memcmp(a.p, b.p, a.len);
}

/* qsort is not stable: ties on the key are broken by position, later first. */
typedef struct ordered_pair {
    proxy_json_pair_t pair;
    size_t order;
} ordered_pair_t;

static int ordered_cmp(const void *x, const void *y)
{
    const ordered_pair_t *a = x, *b = y;
    int c = proxy__jsonb_key_cmp(a->pair.key, b->pair.key);
    if (c)
        return c;
    return a->order > b->order ? -1 : 1;
}

void proxy__jsonb_uniquify(proxy_json_t *obj)
{
    if (obj->n < 2)
        return;
    ordered_pair_t *tmp = am_xmalloc(obj->n * sizeof *tmp);
    for (size_t i = 0; i < obj->n; i++) {
        tmp[i].pair = obj->pairs[i];
        tmp[i].order = i;
    }
    qsort(tmp, obj->n, sizeof *tmp, ordered_cmp);
    size_t k = 0;
    for (size_t i = 0; i < obj->n; i++)
        if (k == 0 || proxy__jsonb_key_cmp(obj->pairs[k - 1].key, tmp[i].pair.key) != 0)
            obj->pairs[k++] = tmp[i].pair;
    obj->n = k;
    free(tmp);
}

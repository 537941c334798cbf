/*
 * proxy/pgfn_json_build.c: PostgreSQL values as json text (datum_to_json in json.c) and as
 * jsonb values (datum_to_jsonb in jsonb.c), from the (text, kind) pairs the emitter passes
 * (kinds: proxy/pgfn_json.h). Arrays arrive as PostgreSQL's array text and become nested JSON
 * arrays (to_json prints them without spaces: [1,2]).
 *
 * Rules relied on: a number prints as written when it is a JSON number and is quoted
 * otherwise (NaN, Infinity); jsonb stores a number through numeric_in unless its text has an
 * 'N' or 'n'; timestamps print in XSD form (a 'T' between date and time, zone offsets as
 * +hh:mm[:ss]) while date, time and timetz print as their output text; json and jsonb values are
 * inserted as they are; a key (json_build_object, json_object_agg) is always a JSON string, and an
 * array, json or jsonb key is refused.
 */
#include "proxy/pgfn_json.h"

#include <string.h>
#include <strings.h>

static const char *const vkind_names[] = {
    [PROXY_JSON_VK_NULL] = "null",
    [PROXY_JSON_VK_BOOL] = "bool",
    [PROXY_JSON_VK_NUMBER] = "number",
    [PROXY_JSON_VK_STRING] = "string",
    [PROXY_JSON_VK_JSON] = "json",
    [PROXY_JSON_VK_JSONB] = "jsonb",
    [PROXY_JSON_VK_DATE] = "date",
    [PROXY_JSON_VK_TIME] = "time",
    [PROXY_JSON_VK_TIMETZ] = "timetz",
    [PROXY_JSON_VK_TIMESTAMP] = "timestamp",
    [PROXY_JSON_VK_TIMESTAMPTZ] = "timestamptz",
};

bool proxy__json_vkind_parse(proxy_json_str_t s, proxy_json_vkind_t *out, am_arena_t *arena,
                             proxy_json_err_t *err)
{
    proxy_json_str_t b = s;
    out->base = PROXY_JSON_VK_NULL;
    out->composite = s.len == 6 && memcmp(s.p, "record", 6) == 0;
    if (out->composite) {
        out->array = false;
        out->base = PROXY_JSON_VK_JSON;
        return true;
    }
    out->array = s.len > 6 && memcmp(s.p, "array:", 6) == 0;
    if (out->array) {
        b.p += 6;
        b.len -= 6;
    }
    for (size_t k = 0; k < AM_ARRAY_LEN(vkind_names); k++) {
        if (strlen(vkind_names[k]) == b.len && memcmp(vkind_names[k], b.p, b.len) == 0) {
            out->base = (proxy_json_vkind_base_t)k;
            return true;
        }
    }
    return proxy__json_failf(err, arena, "XX000", "unknown json value kind \"%.*s\"", (int)s.len,
                             s.p);
}

static bool key_refused(proxy_json_err_t *err)
{
    return proxy__json_fail(err, "22023",
                            "key value must be scalar, not array, composite, or json");
}

static bool bool_value(proxy_json_str_t t)
{
    return t.len > 0 && (t.p[0] == 't' || t.p[0] == 'T');
}

/* The XSD form of a date/time output text (DateStyle ISO). */
static void put_datetime(am_buf_t *out, proxy_json_str_t t, proxy_json_vkind_base_t k)
{
    size_t sp = 0;
    while (sp < t.len && t.p[sp] != ' ')
        sp++;
    bool has_date = k == PROXY_JSON_VK_TIMESTAMP || k == PROXY_JSON_VK_TIMESTAMPTZ;
    bool is_time = has_date && sp < t.len && sp + 3 < t.len && t.p[sp + 3] == ':';
    bool zoned = k == PROXY_JSON_VK_TIMESTAMPTZ;
    am_buf_putc(out, '"');
    size_t from = 0;
    if (is_time) {
        am_buf_append(out, t.p, sp);
        am_buf_putc(out, 'T');
        from = sp + 1;
    }
    if (!zoned || (has_date && !is_time)) { /* infinity, or no zone to widen */
        am_buf_append(out, t.p + from, t.len - from);
        am_buf_putc(out, '"');
        return;
    }
    size_t z = from;
    while (z < t.len && t.p[z] != '+' && t.p[z] != '-')
        z++;
    size_t ze = z;
    int colons = 0;
    while (ze < t.len && t.p[ze] != ' ')
        colons += t.p[ze++] == ':';
    am_buf_append(out, t.p + from, ze - from);
    if (z < t.len && colons == 0)
        am_buf_append(out, ":00", 3);
    am_buf_append(out, t.p + ze, t.len - ze);
    am_buf_putc(out, '"');
}

/* ---- PostgreSQL array text ------------------------------------------------------------------- */

typedef struct arrtext {
    proxy_json_str_t s;
    size_t pos;
    am_arena_t *arena;
    am_buf_t tmp;
} arrtext_t;

static bool arr_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* One element: a quoted string (backslash escapes), or bare text up to ',' or '}'. */
static proxy_json_t *arr_elem(arrtext_t *a)
{
    const char *p = a->s.p;
    if (p[a->pos] == '"') {
        am_buf_reset(&a->tmp);
        for (a->pos++; a->pos < a->s.len && p[a->pos] != '"'; a->pos++) {
            if (p[a->pos] == '\\' && a->pos + 1 < a->s.len)
                a->pos++;
            am_buf_putc(&a->tmp, p[a->pos]);
        }
        if (a->pos >= a->s.len)
            return NULL;
        a->pos++;
        char *v = am_arena_memdup(a->arena, a->tmp.data ? a->tmp.data : "", a->tmp.len);
        return proxy__json_new_string(a->arena, v, a->tmp.len);
    }
    size_t st = a->pos;
    while (a->pos < a->s.len && p[a->pos] != ',' && p[a->pos] != '}')
        a->pos++;
    size_t en = a->pos;
    while (en > st && arr_is_space(p[en - 1]))
        en--;
    if (en - st == 4 && strncasecmp(p + st, "NULL", 4) == 0)
        return proxy__json_new(a->arena, PROXY_JSON_NULL);
    return en > st ? proxy__json_new_string(a->arena, p + st, en - st) : NULL;
}

/* '{' elements '}', elements being elements or nested '{...}'; a tree of arrays whose leaves
 * are the raw element texts (STRING) or NULL. */
static proxy_json_t *arr_dim(arrtext_t *a, size_t depth)
{
    if (depth > PROXY_JSON_MAX_DEPTH || a->pos >= a->s.len || a->s.p[a->pos] != '{')
        return NULL;
    a->pos++;
    am_buf_t items;
    am_buf_init(&items);
    bool ok = a->pos < a->s.len;
    while (ok && a->s.p[a->pos] != '}') {
        while (a->pos < a->s.len && arr_is_space(a->s.p[a->pos]))
            a->pos++;
        proxy_json_t *e = a->pos >= a->s.len      ? NULL
                          : a->s.p[a->pos] == '{' ? arr_dim(a, depth + 1)
                                                  : arr_elem(a);
        ok = e && a->pos < a->s.len;
        if (ok)
            am_buf_append(&items, &e, sizeof e); /* NOLINT(bugprone-sizeof-expression) */
        if (ok && a->s.p[a->pos] == ',')
            ok = ++a->pos < a->s.len;
    }
    proxy_json_t *v = NULL;
    if (ok) {
        a->pos++;
        v = proxy__json_new(a->arena, PROXY_JSON_ARRAY);
        v->n = items.len / sizeof(proxy_json_t *);
        v->elems = v->n ? am_arena_memdup(a->arena, items.data, items.len) : NULL;
    }
    am_buf_destroy(&items);
    return v;
}

static proxy_json_t *arr_parse(proxy_json_str_t s, am_arena_t *arena, proxy_json_err_t *err)
{
    arrtext_t a = {.s = s, .arena = arena};
    am_buf_init(&a.tmp);
    if (s.len > 0 && s.p[0] == '[') /* dimensions: [lo:hi]...= */
        while (a.pos < s.len && s.p[a.pos] != '=')
            a.pos++;
    if (a.pos < s.len && s.p[a.pos] == '=')
        a.pos++;
    proxy_json_t *v = arr_dim(&a, 0);
    am_buf_destroy(&a.tmp);
    if (!v || a.pos != s.len) {
        proxy__json_failf(err, arena, "22P02", "malformed array literal: \"%.*s\"", (int)s.len,
                          s.p);
        return NULL;
    }
    return v;
}

/* ---- json -------------------------------------------------------------------------------- */

static bool put_scalar(am_buf_t *out, proxy_json_str_t t, proxy_json_vkind_base_t k, bool key)
{
    switch (k) {
    case PROXY_JSON_VK_BOOL: {
        const char *b = bool_value(t) ? "true" : "false";
        if (key)
            proxy__json_escape(out, b, strlen(b));
        else
            am_buf_puts(out, b);
        break;
    }
    case PROXY_JSON_VK_NUMBER:
        if (!key && proxy__json_is_number(t.p, t.len))
            am_buf_append(out, t.p, t.len);
        else
            proxy__json_escape(out, t.p, t.len);
        break;
    case PROXY_JSON_VK_JSON:
    case PROXY_JSON_VK_JSONB:
        am_buf_append(out, t.p, t.len);
        break;
    case PROXY_JSON_VK_STRING:
    case PROXY_JSON_VK_TIME: /* time and timetz print as their output text */
    case PROXY_JSON_VK_TIMETZ:
        proxy__json_escape(out, t.p, t.len);
        break;
    default:
        put_datetime(out, t, k);
    }
    return true;
}

static void put_array(am_buf_t *out, const proxy_json_t *a, proxy_json_vkind_base_t k)
{
    if (a->kind == PROXY_JSON_NULL) {
        am_buf_puts(out, "null");
        return;
    }
    if (a->kind == PROXY_JSON_STRING) {
        put_scalar(out, a->str, k, false);
        return;
    }
    am_buf_putc(out, '[');
    for (size_t i = 0; i < a->n; i++) {
        if (i)
            am_buf_putc(out, ',');
        put_array(out, a->elems[i], k);
    }
    am_buf_putc(out, ']');
}

bool proxy__json_put(am_buf_t *out, proxy_json_str_t t, proxy_json_vkind_t k, bool key,
                     am_arena_t *arena, proxy_json_err_t *err)
{
    if (key && (k.array || k.base == PROXY_JSON_VK_JSON || k.base == PROXY_JSON_VK_JSONB))
        return key_refused(err);
    if (!t.p || k.base == PROXY_JSON_VK_NULL) {
        am_buf_puts(out, "null");
        return true;
    }
    if (!k.array)
        return put_scalar(out, t, k.base, key);
    proxy_json_t *a = arr_parse(t, arena, err);
    if (a)
        put_array(out, a, k.base);
    return a != NULL;
}

/* ---- jsonb ------------------------------------------------------------------------------- */

static proxy_json_t *text_node(am_arena_t *arena, proxy_json_str_t t)
{
    return proxy__json_new_string(arena, t.p, t.len);
}

static proxy_json_t *datetime_node(am_arena_t *arena, proxy_json_str_t t, proxy_json_vkind_base_t k)
{
    am_buf_t b;
    am_buf_init(&b);
    put_datetime(&b, t, k);
    proxy_json_t *v =
        proxy__json_new_string(arena, am_arena_memdup(arena, b.data + 1, b.len - 2), b.len - 2);
    am_buf_destroy(&b);
    return v;
}

static proxy_json_t *number_node(am_arena_t *arena, proxy_json_str_t t, bool key,
                                 proxy_json_err_t *err)
{
    if (key || memchr(t.p, 'N', t.len) || memchr(t.p, 'n', t.len))
        return text_node(arena, t);
    proxy_json_t *v = proxy__json_new(arena, PROXY_JSON_NUMBER);
    return proxy__json_numeric(t.p, t.len, arena, &v->str, err) ? v : NULL;
}

static proxy_json_t *scalar_node(proxy_json_str_t t, proxy_json_vkind_base_t k, bool key,
                                 am_arena_t *arena, proxy_json_err_t *err)
{
    proxy_json_t *v;
    switch (k) {
    case PROXY_JSON_VK_BOOL:
        if (key)
            return bool_value(t) ? proxy__json_new_string(arena, "true", 4)
                                 : proxy__json_new_string(arena, "false", 5);
        v = proxy__json_new(arena, PROXY_JSON_BOOL);
        v->boolean = bool_value(t);
        return v;
    case PROXY_JSON_VK_NUMBER:
        return number_node(arena, t, key, err);
    case PROXY_JSON_VK_JSON:
    case PROXY_JSON_VK_JSONB:
        return proxy__json_parse(t.p, t.len, PROXY_JSON_JSONB, arena, err);
    case PROXY_JSON_VK_STRING:
    case PROXY_JSON_VK_TIME:
    case PROXY_JSON_VK_TIMETZ:
        return text_node(arena, t);
    default:
        return datetime_node(arena, t, k);
    }
}

static proxy_json_t *array_node(const proxy_json_t *a, proxy_json_vkind_base_t k, am_arena_t *arena,
                                proxy_json_err_t *err)
{
    if (a->kind == PROXY_JSON_NULL)
        return proxy__json_new(arena, PROXY_JSON_NULL);
    if (a->kind == PROXY_JSON_STRING)
        return scalar_node(a->str, k, false, arena, err);
    proxy_json_t *r = proxy__json_new(arena, PROXY_JSON_ARRAY);
    r->n = a->n;
    r->elems = am_arena_alloc(arena, (a->n ? a->n : 1) *
                                         sizeof *r->elems); /* NOLINT(bugprone-sizeof-expression) */
    for (size_t i = 0; i < a->n; i++)
        if (!(r->elems[i] = array_node(a->elems[i], k, arena, err)))
            return NULL;
    return r;
}

proxy_json_t *proxy__jsonb_value(proxy_json_str_t t, proxy_json_vkind_t k, bool key,
                                 am_arena_t *arena, proxy_json_err_t *err)
{
    if (key && (k.array || k.base == PROXY_JSON_VK_JSON || k.base == PROXY_JSON_VK_JSONB)) {
        key_refused(err);
        return NULL;
    }
    if (!t.p || k.base == PROXY_JSON_VK_NULL)
        return proxy__json_new(arena, PROXY_JSON_NULL);
    if (!k.array)
        return scalar_node(t, k.base, key, arena, err);
    proxy_json_t *a = arr_parse(t, arena, err);
    return a ? array_node(a, k.base, arena, err) : NULL;
}

/*
 * proxy/pgfn_more_json.c: json_object and jsonb_object of text arrays (proxy/pgfn_more.h),
 * through pgfn_json.h's escaping and jsonb canonicalization. The mirror's arrays have one
 * dimension; a two-dimensional argument never reaches these functions.
 * Spec: PostgreSQL 15 json.c (json_object, json_object_two_arg), jsonb.c (jsonb_object,
 * jsonb_object_two_arg).
 */
#include "proxy/pgfn_more.h"
#include "proxy/pgfn_json.h"

#include <string.h>

/* {"k" : "v", ...} from keys and values (values[i] NULL: JSON null). */
static bool build(const pgfn_more_item_t *keys, const pgfn_more_item_t *vals, size_t n,
                  size_t stride, am_buf_t *out, am_err_t *err)
{
    am_buf_putc(out, '{');
    for (size_t i = 0; i < n; i++) {
        const pgfn_more_item_t *k = &keys[i * stride], *v = &vals[i * stride];
        if (k->null)
            return am_err_set(err, "22004", "null value not allowed for object key");
        if (i > 0)
            am_buf_puts(out, ", ");
        proxy__json_escape(out, k->s, k->len);
        am_buf_puts(out, " : ");
        if (v->null)
            am_buf_puts(out, "null");
        else
            proxy__json_escape(out, v->s, v->len);
    }
    am_buf_putc(out, '}');
    return true;
}

/* The json text in res->buf becomes jsonb text (keys sorted, the last duplicate kept). */
static bool to_jsonb(pgfn_more_res_t *res, am_arena_t *scratch, am_err_t *err)
{
    char *text = am_arena_strndup(scratch, res->buf.data ? res->buf.data : "", res->buf.len);
    size_t len = res->buf.len;
    am_buf_reset(&res->buf);
    proxy_json_err_t jerr = {{0}, NULL, NULL, NULL};
    if (!proxy__jsonb_canon(&res->buf, text, len, scratch, &jerr))
        return am_err_set(err, jerr.sqlstate, "%s", jerr.msg);
    return true;
}

static bool object1(const pgfn_more_arg_t *args, pgfn_more_res_t *res, am_err_t *err)
{
    size_t n = args[0].n_items;
    if (n % 2)
        return am_err_set(err, "2202E", "array must have even number of elements");
    return build(args[0].items, args[0].items + 1, n / 2, 2, &res->buf, err);
}

static bool object2(const pgfn_more_arg_t *args, pgfn_more_res_t *res, am_err_t *err)
{
    size_t nk = args[0].n_items, nv = args[1].n_items;
    /* an empty array has no dimension at all in PostgreSQL */
    if ((nk == 0) != (nv == 0))
        return am_err_set(err, "2202E", "wrong number of array subscripts");
    if (nk != nv)
        return am_err_set(err, "2202E", "mismatched array dimensions");
    return build(args[0].items, args[1].items, nk, 1, &res->buf, err);
}

static bool f_json_object(const pgfn_more_arg_t *args, size_t n, pgfn_more_res_t *res,
                          am_arena_t *scratch, am_err_t *err)
{
    (void)scratch;
    return n == 1 ? object1(args, res, err) : object2(args, res, err);
}

static bool f_jsonb_object(const pgfn_more_arg_t *args, size_t n, pgfn_more_res_t *res,
                           am_arena_t *scratch, am_err_t *err)
{
    return f_json_object(args, n, res, scratch, err) && to_jsonb(res, scratch, err);
}

#define T PGFN_MORE_TEXT
#define L PGFN_MORE_TEXTS

const pgfn_more_def_t proxy__pgfn_more_json_defs[] = {
    {"am_json_object", T, {L}, f_json_object, true},
    {"am_json_object", T, {L, L}, f_json_object, true},
    {"am_jsonb_object", T, {L}, f_jsonb_object, true},
    {"am_jsonb_object", T, {L, L}, f_jsonb_object, true},
};
const size_t proxy__pgfn_more_json_n = AM_ARRAY_LEN(proxy__pgfn_more_json_defs);

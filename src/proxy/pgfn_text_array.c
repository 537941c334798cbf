/*
 * proxy/pgfn_text_array.c: PostgreSQL's array text I/O for 1-D arrays of element texts
 * (array_out, array_in), and string_to_array() / array_to_string(), for the `text` family
 * (proxy/pgfn_text.h). Element texts only: converting an element to its type is the caller's.
 * Spec: PostgreSQL 15 documentation, "Arrays" (8.15.2, 8.15.6); the syntax checks and error
 * details of array_in follow PostgreSQL 15's ArrayCount state machine (observed).
 */
#include "proxy/pgfn_text_internal.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define PG_MAXDIM 6

static bool array_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static bool needs_quotes(const pgfn_text_item_t *it, char delim)
{
    if (it->len == 0 || (it->len == 4 && strncasecmp(it->s, "NULL", 4) == 0))
        return true;
    for (size_t k = 0; k < it->len; k++) {
        char c = it->s[k];
        if (c == '"' || c == '\\' || c == '{' || c == '}' || c == delim || array_space(c))
            return true;
    }
    return false;
}

void pgfn_text_array_out(const pgfn_text_item_t *items, size_t n, char delim, am_buf_t *out)
{
    am_buf_putc(out, '{');
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            am_buf_putc(out, delim);
        if (items[i].null) {
            am_buf_puts(out, "NULL");
            continue;
        }
        if (!needs_quotes(&items[i], delim)) {
            am_buf_append(out, items[i].s, items[i].len);
            continue;
        }
        am_buf_putc(out, '"');
        for (size_t k = 0; k < items[i].len; k++) {
            if (items[i].s[k] == '"' || items[i].s[k] == '\\')
                am_buf_putc(out, '\\');
            am_buf_putc(out, items[i].s[k]);
        }
        am_buf_putc(out, '"');
    }
    am_buf_putc(out, '}');
}

/* ---- array_in ----------------------------------------------------------------------------- */

typedef enum parse_state {
    ST_NO_LEVEL,
    ST_LEVEL_STARTED,
    ST_ELEM_STARTED,
    ST_ELEM_COMPLETED,
    ST_QUOTED_ELEM_STARTED,
    ST_QUOTED_ELEM_COMPLETED,
    ST_ELEM_DELIMITED,
    ST_LEVEL_COMPLETED,
    ST_LEVEL_DELIMITED,
} parse_state_t;

typedef struct ain {
    const char *s; /* the whole literal, for messages */
    size_t len;
    char delim;
    am_err_t *err;
} ain_t;

static bool malformed(const ain_t *a, const char *detail)
{
    return am_err_set(a->err, "22P02", "malformed array literal: \"%.*s\"\n%s", (int)a->len, a->s,
                      detail);
}

static bool unexpected(const ain_t *a, char c)
{
    char d[40];
    (void)snprintf(d, sizeof d, "Unexpected \"%c\" character.", c);
    return malformed(a, d);
}

typedef struct counter {
    int nest, ndim;
    int temp[PG_MAXDIM], nelems[PG_MAXDIM], nelems_last[PG_MAXDIM];
    bool in_quotes, empty;
    parse_state_t st;
} counter_t;

static bool st_in(parse_state_t st, unsigned mask)
{
    return (mask >> st) & 1u;
}

#define M(s) (1u << (s))

static bool count_open(const ain_t *a, counter_t *c)
{
    if (!st_in(c->st, M(ST_NO_LEVEL) | M(ST_LEVEL_STARTED) | M(ST_LEVEL_DELIMITED)))
        return unexpected(a, '{');
    c->st = ST_LEVEL_STARTED;
    if (c->nest >= PG_MAXDIM)
        return am_err_set(a->err, "54000",
                          "number of array dimensions (%d) exceeds the maximum allowed (%d)",
                          c->nest + 1, PG_MAXDIM);
    c->temp[c->nest] = 0;
    c->nest++;
    if (c->ndim < c->nest)
        c->ndim = c->nest;
    return true;
}

static bool count_close(const ain_t *a, counter_t *c, bool *eo_array)
{
    unsigned ok = M(ST_ELEM_STARTED) | M(ST_ELEM_COMPLETED) | M(ST_QUOTED_ELEM_COMPLETED) |
                  M(ST_LEVEL_COMPLETED);
    if (!st_in(c->st, ok) && !(c->nest == 1 && c->st == ST_LEVEL_STARTED))
        return unexpected(a, '}');
    c->st = ST_LEVEL_COMPLETED;
    if (c->nest == 0)
        return malformed(a, "Unmatched \"}\" character.");
    c->nest--;
    int l = c->nest;
    if (c->nelems_last[l] != 0 && c->nelems[l] != c->nelems_last[l])
        return malformed(a, "Multidimensional arrays must have sub-arrays with matching "
                            "dimensions.");
    c->nelems_last[l] = c->nelems[l];
    c->nelems[l] = 1;
    if (l == 0)
        *eo_array = true;
    else
        c->temp[l - 1]++;
    return true;
}

/* One character outside quotes that is not a brace; *item_done on a delimiter. */
static bool count_other(const ain_t *a, counter_t *c, char ch, bool *item_done)
{
    if (ch == a->delim) {
        unsigned ok = M(ST_ELEM_STARTED) | M(ST_ELEM_COMPLETED) | M(ST_QUOTED_ELEM_COMPLETED) |
                      M(ST_LEVEL_COMPLETED);
        if (!st_in(c->st, ok))
            return unexpected(a, a->delim);
        c->st = c->st == ST_LEVEL_COMPLETED ? ST_LEVEL_DELIMITED : ST_ELEM_DELIMITED;
        *item_done = true;
        c->nelems[c->nest - 1]++;
    } else if (!array_space(ch)) {
        if (!st_in(c->st, M(ST_LEVEL_STARTED) | M(ST_ELEM_STARTED) | M(ST_ELEM_DELIMITED)))
            return malformed(a, "Unexpected array element.");
        c->st = ST_ELEM_STARTED;
    }
    return true;
}

static bool count_char(const ain_t *a, counter_t *c, const char *p, const char *end, size_t *step,
                       bool *item_done, bool *eo_array)
{
    char ch = *p;
    if (ch == '\\') {
        unsigned ok = M(ST_LEVEL_STARTED) | M(ST_ELEM_STARTED) | M(ST_QUOTED_ELEM_STARTED) |
                      M(ST_ELEM_DELIMITED);
        if (!st_in(c->st, ok))
            return unexpected(a, '\\');
        if (c->st != ST_QUOTED_ELEM_STARTED)
            c->st = ST_ELEM_STARTED;
        if (p + 1 >= end)
            return malformed(a, "Unexpected end of input.");
        *step = 2;
        return true;
    }
    if (ch == '"') {
        unsigned ok = M(ST_LEVEL_STARTED) | M(ST_QUOTED_ELEM_STARTED) | M(ST_ELEM_DELIMITED);
        if (!st_in(c->st, ok))
            return malformed(a, "Unexpected array element.");
        c->in_quotes = !c->in_quotes;
        c->st = c->in_quotes ? ST_QUOTED_ELEM_STARTED : ST_QUOTED_ELEM_COMPLETED;
        return true;
    }
    if (c->in_quotes)
        return true;
    if (ch == '{')
        return count_open(a, c);
    if (ch == '}')
        return count_close(a, c, eo_array);
    return count_other(a, c, ch, item_done);
}

/* PostgreSQL's ArrayCount: checks the brace structure at p and counts dimensions. Its messages
 * quote the literal from p on, as PostgreSQL's do. */
static bool array_count(const ain_t *whole, const char *p, const char *end, int *ndim_out, int *dim)
{
    ain_t sub = *whole;
    const ain_t *a = &sub;
    sub.s = p;
    sub.len = (size_t)(end - p);
    counter_t c = {.ndim = 1, .empty = true, .st = ST_NO_LEVEL};
    for (int i = 0; i < PG_MAXDIM; i++)
        c.nelems[i] = 1;
    bool eo_array = false;
    while (!eo_array) {
        bool item_done = false;
        while (!item_done) {
            if (c.st == ST_ELEM_STARTED || c.st == ST_QUOTED_ELEM_STARTED)
                c.empty = false;
            if (p >= end)
                return malformed(a, "Unexpected end of input.");
            size_t step = 1;
            if (!count_char(a, &c, p, end, &step, &item_done, &eo_array))
                return false;
            item_done = item_done || eo_array;
            if (!item_done)
                p += step;
        }
        c.temp[c.ndim - 1]++;
        p++;
    }
    for (; p < end; p++)
        if (!array_space(*p))
            return malformed(a, "Junk after closing right brace.");
    *ndim_out = c.empty ? 0 : c.ndim;
    for (int i = 0; i < c.ndim; i++)
        dim[i] = c.temp[i];
    return true;
}

/* C's atoi on [p, q): sign and digits. */
static int dim_atoi(const char *p, const char *q)
{
    int64_t v = 0;
    bool neg = false;
    if (p < q && (*p == '-' || *p == '+'))
        neg = *p++ == '-';
    for (; p < q && *p >= '0' && *p <= '9'; p++)
        v = (v * 10 + (*p - '0')) & 0xffffffff;
    return (int)(int32_t)(uint32_t)(neg ? -v : v);
}

static const char *dim_digits(const char *p, const char *end)
{
    while (p < end && ((*p >= '0' && *p <= '9') || *p == '-' || *p == '+'))
        p++;
    return p;
}

/* One "[m:n]" or "[n]" at p (just after '['); fills lb and dim. */
static bool dim_item(const ain_t *a, const char **pp, const char *end, int *lb, int *dim)
{
    const char *p = *pp, *q = dim_digits(p, end);
    if (q == p)
        return malformed(a, "\"[\" must introduce explicitly-specified array dimensions.");
    *lb = 1;
    if (q < end && *q == ':') {
        *lb = dim_atoi(p, q);
        p = q + 1;
        q = dim_digits(p, end);
        if (q == p)
            return malformed(a, "Missing array dimension value.");
    }
    if (q >= end || *q != ']')
        return malformed(a, "Missing \"]\" after array dimensions.");
    int ub = dim_atoi(p, q);
    if (ub < *lb)
        return am_err_set(a->err, "2202E", "upper bound cannot be less than lower bound");
    *dim = (int)((int64_t)ub - *lb + 1);
    *pp = q + 1;
    return true;
}

static bool not_1d(const ain_t *a)
{
    return am_err_set(a->err, "0A000",
                      "arrays of more than one dimension or with lower bounds other than 1 "
                      "are not supported on the mirror");
}

/* The element texts between the braces, as PostgreSQL's ReadArrayStr extracts them. */
static void read_elems(const ain_t *a, const char *p, const char *end, pgfn_text_res_t *res)
{
    am_buf_t e;
    am_buf_init(&e);
    p++; /* the '{' */
    for (;;) {
        bool quoted = false, in_q = false;
        size_t keep = 0; /* length up to the last significant character */
        am_buf_reset(&e);
        while (p < end && array_space(*p))
            p++;
        for (; p < end; p++) {
            char c = *p;
            if (c == '\\' && p + 1 < end) {
                am_buf_putc(&e, *++p);
                quoted = true;
                keep = e.len;
            } else if (c == '"') {
                in_q = !in_q;
                quoted = true;
                keep = e.len;
            } else if (!in_q && (c == a->delim || c == '}')) {
                break;
            } else {
                am_buf_putc(&e, c);
                if (in_q || !array_space(c))
                    keep = e.len;
            }
        }
        if (!quoted && keep == 4 && strncasecmp(e.data, "NULL", 4) == 0)
            pgfn_text_res_item_null(res);
        else
            pgfn_text_res_item(res, e.data, keep);
        if (p >= end || *p == '}')
            break;
        p++;
    }
    am_buf_destroy(&e);
}

bool pgfn_text_array_in(const char *s, size_t len, char delim, pgfn_text_res_t *res, am_err_t *err)
{
    ain_t a = {.s = s, .len = len, .delim = delim, .err = err};
    const char *p = s, *end = s + len;
    int ndim = 0, lb[PG_MAXDIM] = {0}, dim[PG_MAXDIM] = {0};
    for (;;) {
        while (p < end && array_space(*p))
            p++;
        if (p >= end || *p != '[')
            break;
        p++;
        if (ndim >= PG_MAXDIM)
            return am_err_set(err, "54000",
                              "number of array dimensions (%d) exceeds the maximum allowed (%d)",
                              ndim + 1, PG_MAXDIM);
        if (!dim_item(&a, &p, end, &lb[ndim], &dim[ndim]))
            return false;
        ndim++;
    }
    int nb = 0, dim_b[PG_MAXDIM] = {0};
    if (ndim == 0) {
        if (p >= end || *p != '{')
            return malformed(&a, "Array value must start with \"{\" or dimension information.");
        if (!array_count(&a, p, end, &nb, dim_b))
            return false;
    } else {
        if (p >= end || *p != '=')
            return malformed(&a, "Missing \"=\" after array dimensions.");
        for (p++; p < end && array_space(*p);)
            p++;
        if (p >= end || *p != '{')
            return malformed(&a, "Array contents must start with \"{\".");
        if (!array_count(&a, p, end, &nb, dim_b))
            return false;
        for (int i = 0; i < ndim; i++)
            if (nb != ndim || dim[i] != dim_b[i])
                return malformed(&a, "Specified array dimensions do not match array contents.");
        if (lb[0] != 1)
            return not_1d(&a);
    }
    if (nb > 1)
        return not_1d(&a);
    if (nb == 1)
        read_elems(&a, p, end, res);
    return true;
}

/* The delimiter argument's first byte, ',' by default. */
static char delim_arg(const pgfn_text_arg_t *a, size_t n)
{
    if (n > 1 && a[1].len > 0)
        return a[1].s[0];
    return ',';
}

static bool row_array_in(const pgfn_text_arg_t *a, size_t n, pgfn_text_res_t *res, am_err_t *err)
{
    char delim = delim_arg(a, n);
    return pgfn_text_array_in(a[0].s, a[0].len, delim, res, err);
}

static bool row_array_out(const pgfn_text_arg_t *a, size_t n, pgfn_text_res_t *res, am_err_t *err)
{
    (void)err;
    char delim = delim_arg(a, n);
    pgfn_text_array_out(a[0].items, a[0].n_items, delim, &res->buf);
    return true;
}

/* ---- string_to_array / array_to_string ----------------------------------------------------- */

static void split_item(const pgfn_text_arg_t *nul, const char *s, size_t len, pgfn_text_res_t *res)
{
    if (nul && !nul->null && nul->len == len && memcmp(nul->s, s, len) == 0)
        pgfn_text_res_item_null(res);
    else
        pgfn_text_res_item(res, s, len);
}

static bool row_string_to_array(const pgfn_text_arg_t *a, size_t n, pgfn_text_res_t *res,
                                am_err_t *err)
{
    (void)err;
    const pgfn_text_arg_t *nul = n > 2 ? &a[2] : NULL;
    const char *s = a[0].s, *d = a[1].s;
    size_t len = a[0].len, dl = a[1].len;
    if (a[0].null) {
        res->null = true;
        return true;
    }
    if (a[1].null) {
        for (size_t k = 0; k < len; k += pgfn_text_u8len((unsigned char)s[k]))
            split_item(nul, s + k, pgfn_text_u8len((unsigned char)s[k]), res);
        return true;
    }
    if (len == 0)
        return true;
    if (dl == 0) {
        split_item(nul, s, len, res);
        return true;
    }
    size_t start = 0;
    for (size_t k = 0; k + dl <= len;) {
        if (memcmp(s + k, d, dl) == 0) {
            split_item(nul, s + start, k - start, res);
            k += dl;
            start = k;
        } else {
            k++;
        }
    }
    split_item(nul, s + start, len - start, res);
    return true;
}

static bool row_array_to_string(const pgfn_text_arg_t *a, size_t n, pgfn_text_res_t *res,
                                am_err_t *err)
{
    (void)err;
    if (a[0].null || a[1].null) {
        res->null = true;
        return true;
    }
    const pgfn_text_arg_t *nul = n > 2 && !a[2].null ? &a[2] : NULL;
    bool printed = false;
    for (size_t i = 0; i < a[0].n_items; i++) {
        const pgfn_text_item_t *it = &a[0].items[i];
        if (it->null && !nul)
            continue;
        if (printed)
            am_buf_append(&res->buf, a[1].s, a[1].len);
        if (it->null)
            am_buf_append(&res->buf, nul->s, nul->len);
        else
            am_buf_append(&res->buf, it->s, it->len);
        printed = true;
    }
    return true;
}

#define T "VARCHAR"
#define L "VARCHAR[]"

const pgfn_text_fn_t proxy__pgfn_text_array_fns[] = {
    {"am_array_out", T, {L, T}, NULL, row_array_out, true},
    {"am_array_out", T, {L}, NULL, row_array_out, true},
    {"am_array_in", L, {T}, NULL, row_array_in, true},
    {"am_array_in", L, {T, T}, NULL, row_array_in, true},
    {"am_string_to_array", L, {T, T}, NULL, row_string_to_array, false},
    {"am_string_to_array", L, {T, T, T}, NULL, row_string_to_array, false},
    {"am_array_to_string", T, {L, T}, NULL, row_array_to_string, false},
    {"am_array_to_string", T, {L, T, T}, NULL, row_array_to_string, false},
};
const size_t proxy__pgfn_text_array_n = AM_ARRAY_LEN(proxy__pgfn_text_array_fns);

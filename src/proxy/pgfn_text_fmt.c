/*
 * proxy/pgfn_text_fmt.c: PostgreSQL 15's format(), quote_ident(), quote_literal(),
 * quote_nullable() and parse_ident() as row functions of the `text` family
 * (proxy/pgfn_text.h). Arguments of format() arrive as PostgreSQL text output (the emitter
 * converts them), which is also what format() itself formats.
 * Spec: PostgreSQL 15 documentation, "format" and "String Functions"; keywords come from
 * libpg_query (PostgreSQL 15's kwlist), so quote_ident() quotes exactly the same words.
 */
#include "proxy/pgfn_text_internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* libpg_query exports PostgreSQL's keyword lookup (src/common/kwlookup.c); its headers do
 * not declare it. Category 0 is UNRESERVED_KEYWORD. */
struct ScanKeywordList;
extern const struct ScanKeywordList ScanKeywords;
extern const uint8_t ScanKeywordCategories[];
int ScanKeywordLookup(const char *str, const struct ScanKeywordList *keywords);

void pgfn_text_quote_ident(const char *name, size_t len, am_buf_t *out)
{
    bool safe = len > 0 && ((name[0] >= 'a' && name[0] <= 'z') || name[0] == '_');
    for (size_t k = 0; safe && k < len; k++) {
        char c = name[k];
        safe = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    }
    if (safe) {
        char *z = am_xstrndup(name, len);
        int kw = ScanKeywordLookup(z, &ScanKeywords);
        free(z);
        safe = kw < 0 || ScanKeywordCategories[kw] == 0;
    }
    if (safe) {
        am_buf_append(out, name, len);
        return;
    }
    am_buf_putc(out, '"');
    for (size_t k = 0; k < len; k++) {
        if (name[k] == '"')
            am_buf_putc(out, '"');
        am_buf_putc(out, name[k]);
    }
    am_buf_putc(out, '"');
}

void pgfn_text_quote_literal(const char *s, size_t len, am_buf_t *out)
{
    if (memchr(s, '\\', len))
        am_buf_putc(out, 'E');
    am_buf_putc(out, '\'');
    for (size_t k = 0; k < len; k++) {
        if (s[k] == '\'' || s[k] == '\\')
            am_buf_putc(out, s[k]);
        am_buf_putc(out, s[k]);
    }
    am_buf_putc(out, '\'');
}

static bool row_quote_ident(const pgfn_text_arg_t *a, size_t n, pgfn_text_res_t *res, am_err_t *err)
{
    (void)n;
    (void)err;
    pgfn_text_quote_ident(a[0].s, a[0].len, &res->buf);
    return true;
}

static bool row_quote_literal(const pgfn_text_arg_t *a, size_t n, pgfn_text_res_t *res,
                              am_err_t *err)
{
    (void)n;
    (void)err;
    pgfn_text_quote_literal(a[0].s, a[0].len, &res->buf);
    return true;
}

static bool row_quote_nullable(const pgfn_text_arg_t *a, size_t n, pgfn_text_res_t *res,
                               am_err_t *err)
{
    (void)n;
    (void)err;
    if (a[0].null)
        am_buf_puts(&res->buf, "NULL");
    else
        pgfn_text_quote_literal(a[0].s, a[0].len, &res->buf);
    return true;
}

/* ---- format() ----------------------------------------------------------------------------- */

typedef struct fmt_state {
    const char *p, *end;
    const pgfn_text_arg_t *args;
    size_t n_args;
    size_t next_arg;
    am_err_t *err;
} fmt_state_t;

static bool fmt_unterminated(am_err_t *err)
{
    return am_err_set(err, "22023", "unterminated format() type specifier");
}

/* Moves to the next character; PostgreSQL fails when the format ends inside a specifier. */
static bool fmt_advance(fmt_state_t *st)
{
    if (++st->p >= st->end)
        return fmt_unterminated(st->err);
    return true;
}

/* Digits at p: *found tells whether there were any. */
static bool fmt_digits(fmt_state_t *st, int *value, bool *found)
{
    int64_t v = 0;
    *found = false;
    while (*st->p >= '0' && *st->p <= '9') {
        v = v * 10 + (*st->p - '0');
        if (v > INT_MAX)
            return am_err_set(st->err, "22003", "number is out of range");
        if (!fmt_advance(st))
            return false;
        *found = true;
    }
    *value = (int)v;
    return true;
}

typedef struct fmt_spec {
    int argpos;   /* -1: next */
    int widthpos; /* -1: none, 0: next argument, n: argument n */
    bool minus;
    int width;
} fmt_spec_t;

static bool fmt_arg_zero(am_err_t *err)
{
    return am_err_set(err, "22023",
                      "format specifies argument 0, but arguments are numbered from 1");
}

static bool fmt_width_spec(fmt_state_t *st, fmt_spec_t *sp)
{
    int n = 0;
    bool found;
    if (*st->p != '*') {
        if (!fmt_digits(st, &n, &found))
            return false;
        if (found)
            sp->width = n;
        return true;
    }
    if (!fmt_advance(st) || !fmt_digits(st, &n, &found))
        return false;
    if (!found) {
        sp->widthpos = 0;
        return true;
    }
    if (*st->p != '$')
        return am_err_set(st->err, "22023", "width argument position must be ended by \"$\"");
    if (n == 0)
        return fmt_arg_zero(st->err);
    sp->widthpos = n;
    return fmt_advance(st);
}

static bool fmt_parse_spec(fmt_state_t *st, fmt_spec_t *sp)
{
    int n = 0;
    bool found;
    *sp = (fmt_spec_t){.argpos = -1, .widthpos = -1};
    if (!fmt_digits(st, &n, &found))
        return false;
    if (found) {
        if (*st->p != '$') {
            sp->width = n;
            return true;
        }
        if (n == 0)
            return fmt_arg_zero(st->err);
        sp->argpos = n;
        if (!fmt_advance(st))
            return false;
    }
    while (*st->p == '-') {
        sp->minus = true;
        if (!fmt_advance(st))
            return false;
    }
    return fmt_width_spec(st, sp);
}

/* The argument at pos (or the next one); NULL and err when there are too few. */
static const pgfn_text_arg_t *fmt_take_arg(fmt_state_t *st, int pos)
{
    /* PostgreSQL continues after the last argument used, explicit or not. */
    size_t k = pos > 0 ? (size_t)pos : st->next_arg;
    st->next_arg = k + 1;
    if (k >= st->n_args) {
        am_err_set(st->err, "22023", "too few arguments for format()");
        return NULL;
    }
    return &st->args[k];
}

/* PostgreSQL's pg_strtoint32 on a width argument given as text. */
static bool fmt_parse_width(const pgfn_text_arg_t *a, int *width, am_err_t *err)
{
    char *z = am_xstrndup(a->s, a->len);
    const char *p = z;
    while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
        p++;
    bool neg = *p == '-';
    if (*p == '-' || *p == '+')
        p++;
    int64_t v = 0;
    bool digits = false, range = true;
    for (; *p >= '0' && *p <= '9'; p++, digits = true) {
        v = v * 10 + (*p - '0');
        range = range && v <= (int64_t)INT_MAX + 1;
        if (v > (int64_t)INT_MAX + 1)
            v = (int64_t)INT_MAX + 1;
    }
    while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
        p++;
    bool over = digits && (!range || (*p == '\0' && !neg && v > INT_MAX));
    if (over)
        am_err_set(err, "22003", "value \"%s\" is out of range for type integer", z);
    else if (!digits || *p != '\0')
        am_err_set(err, "22P02", "invalid input syntax for type integer: \"%s\"", z);
    bool ok = digits && !over && *p == '\0';
    free(z);
    *width = (int)(neg ? -v : v);
    return ok;
}

static void fmt_pad(am_buf_t *b, size_t n)
{
    for (size_t k = 0; k < n; k++)
        am_buf_putc(b, ' ');
}

static bool fmt_append(am_buf_t *b, const char *s, size_t len, bool minus, int width, am_err_t *err)
{
    if (width == INT_MIN)
        return am_err_set(err, "22003", "number is out of range");
    bool left = minus || width < 0;
    size_t w = (size_t)(width < 0 ? -width : width);
    size_t chars = pgfn_text_nchars(s, len);
    size_t pad = chars < w ? w - chars : 0;
    if (!proxy__pgfn_text_fits((uint64_t)b->len + len + pad))
        return am_err_set(err, "54000", "out of memory");
    if (!left)
        fmt_pad(b, pad);
    am_buf_append(b, s, len);
    if (left)
        fmt_pad(b, pad);
    return true;
}

static bool fmt_convert(fmt_state_t *st, char conv, const fmt_spec_t *sp, const pgfn_text_arg_t *v,
                        int width, am_buf_t *b)
{
    am_buf_t q;
    if (v->null && conv == 'I')
        return am_err_set(st->err, "22004", "null values cannot be formatted as an SQL identifier");
    if (v->null)
        return conv == 'L' ? fmt_append(b, "NULL", 4, sp->minus, width, st->err)
                           : fmt_append(b, "", 0, sp->minus, width, st->err);
    if (conv == 's')
        return fmt_append(b, v->s, v->len, sp->minus, width, st->err);
    am_buf_init(&q);
    if (conv == 'I')
        pgfn_text_quote_ident(v->s, v->len, &q);
    else
        pgfn_text_quote_literal(v->s, v->len, &q);
    bool ok = fmt_append(b, q.data, q.len, sp->minus, width, st->err);
    am_buf_destroy(&q);
    return ok;
}

static bool fmt_one(fmt_state_t *st, am_buf_t *b)
{
    fmt_spec_t sp;
    if (!fmt_parse_spec(st, &sp))
        return false;
    char conv = *st->p;
    if (conv != 's' && conv != 'I' && conv != 'L')
        return am_err_set(st->err, "22023", "unrecognized format() type specifier \"%.*s\"",
                          (int)pgfn_text_u8len((unsigned char)conv), st->p);
    int width = sp.width;
    const pgfn_text_arg_t *v;
    if (sp.widthpos >= 0) {
        if (!(v = fmt_take_arg(st, sp.widthpos)))
            return false;
        width = 0;
        if (!v->null && !fmt_parse_width(v, &width, st->err))
            return false;
    }
    if (!(v = fmt_take_arg(st, sp.argpos)))
        return false;
    return fmt_convert(st, conv, &sp, v, width, b);
}

static bool row_format(const pgfn_text_arg_t *a, size_t n, pgfn_text_res_t *res, am_err_t *err)
{
    if (a[0].null) {
        res->null = true;
        return true;
    }
    fmt_state_t st = {
        .p = a[0].s, .end = a[0].s + a[0].len, .args = a, .n_args = n, .next_arg = 1, .err = err};
    for (; st.p < st.end; st.p++) {
        if (*st.p != '%') {
            am_buf_putc(&res->buf, *st.p);
            continue;
        }
        if (!fmt_advance(&st))
            return false;
        if (*st.p == '%') {
            am_buf_putc(&res->buf, '%');
            continue;
        }
        if (!fmt_one(&st, &res->buf))
            return false;
    }
    return true;
}

/* ---- parse_ident() ------------------------------------------------------------------------ */

static bool scanner_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static bool ident_start(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static bool ident_cont(unsigned char c)
{
    return ident_start(c) || (c >= '0' && c <= '9') || c == '$';
}

static bool ident_error(const pgfn_text_arg_t *a, const char *detail, am_err_t *err)
{
    am_err_set(err, "22023", "string is not a valid identifier: \"%.*s\"%s%s", (int)a->len, a->s,
               detail ? "\n" : "", detail ? detail : "");
    return false;
}

/* A quoted part starting at *p (the quote); appends it de-quoted. */
static bool ident_quoted(const pgfn_text_arg_t *a, size_t *p, pgfn_text_res_t *res, am_err_t *err)
{
    am_buf_t part;
    am_buf_init(&part);
    size_t k = *p + 1;
    for (;;) {
        const char *q = memchr(a->s + k, '"', a->len - k);
        if (!q) {
            am_buf_destroy(&part);
            return ident_error(a, "String has unclosed double quotes.", err);
        }
        size_t at = (size_t)(q - a->s);
        am_buf_append(&part, a->s + k, at - k);
        if (at + 1 < a->len && a->s[at + 1] == '"') {
            am_buf_putc(&part, '"');
            k = at + 2;
            continue;
        }
        k = at + 1;
        break;
    }
    bool ok = part.len > 0;
    if (ok)
        pgfn_text_res_item(res, part.data, part.len);
    am_buf_destroy(&part);
    *p = k;
    return ok || ident_error(a, "Quoted identifier must not be empty.", err);
}

static void ident_plain(const pgfn_text_arg_t *a, size_t *p, pgfn_text_res_t *res)
{
    size_t from = *p, k = *p + 1;
    while (k < a->len && ident_cont((unsigned char)a->s[k]))
        k++;
    size_t at = res->buf.len;
    pgfn_text_res_item(res, a->s + from, k - from);
    for (size_t i = at; i < res->buf.len; i++)
        if (res->buf.data[i] >= 'A' && res->buf.data[i] <= 'Z')
            res->buf.data[i] = (char)(res->buf.data[i] - 'A' + 'a');
    *p = k;
}

static bool row_parse_ident(const pgfn_text_arg_t *a, size_t n, pgfn_text_res_t *res, am_err_t *err)
{
    (void)n;
    bool strict = n > 1 ? a[1].b : true, after_dot = false;
    size_t p = 0, len = a[0].len;
    const char *s = a[0].s;
    while (p < len && scanner_space(s[p]))
        p++;
    for (;;) {
        if (p < len && s[p] == '"') {
            if (!ident_quoted(&a[0], &p, res, err))
                return false;
        } else if (p < len && ident_start((unsigned char)s[p])) {
            ident_plain(&a[0], &p, res);
        } else if (p < len && s[p] == '.') {
            return ident_error(&a[0], "No valid identifier before \".\".", err);
        } else {
            return ident_error(&a[0], after_dot ? "No valid identifier after \".\"." : NULL, err);
        }
        while (p < len && scanner_space(s[p]))
            p++;
        if (p < len && s[p] == '.') {
            after_dot = true;
            p++;
            while (p < len && scanner_space(s[p]))
                p++;
        } else if (p >= len) {
            break;
        } else {
            if (strict)
                return ident_error(&a[0], NULL, err);
            break;
        }
    }
    return true;
}

#define T "VARCHAR"

const pgfn_text_fn_t proxy__pgfn_text_fmt_fns[] = {
    {"am_format", T, {T}, T, row_format, false},
    {"am_quote_ident", T, {T}, NULL, row_quote_ident, true},
    {"am_quote_literal", T, {T}, NULL, row_quote_literal, true},
    {"am_quote_nullable", T, {T}, NULL, row_quote_nullable, false},
    {"am_parse_ident", "VARCHAR[]", {T, "BOOLEAN"}, NULL, row_parse_ident, true},
    {"am_parse_ident", "VARCHAR[]", {T}, NULL, row_parse_ident, true},
};
const size_t proxy__pgfn_text_fmt_n = AM_ARRAY_LEN(proxy__pgfn_text_fmt_fns);

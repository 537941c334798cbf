/*
 * proxy/pgfn_text_str.c: PostgreSQL 15's character-counting string functions (lpad, rpad,
 * btrim, ltrim, rtrim, translate, repeat, split_part, left, right, reverse, strpos, substr,
 * overlay, replace, initcap) as row functions of the `text` family (proxy/pgfn_text.h).
 * Spec: PostgreSQL 15 documentation, "String Functions and Operators"; behaviour at the
 * edges (negative lengths, empty fill, field 0, overflow limits) observed on PostgreSQL 15.
 * Must not depend on the locale: initcap refuses non-ASCII text.
 */
#include "proxy/pgfn_text_internal.h"

#include <string.h>

/* PostgreSQL refuses values over 1 GB (MaxAllocSize) with "requested length too large". */
#define PG_MAX_ALLOC UINT64_C(0x3fffffff)
#define PG_VARHDRSZ 4

bool proxy__pgfn_text_fits(uint64_t n)
{
    return n + PG_VARHDRSZ <= PG_MAX_ALLOC;
}

bool proxy__pgfn_text_too_long(am_err_t *err)
{
    return am_err_set(err, "54000", "requested length too large");
}

/* Appends the first n characters of s (all of them when fewer). */
static void put_chars(am_buf_t *b, const char *s, size_t len, size_t n)
{
    am_buf_append(b, s, pgfn_text_char_off(s, len, n));
}

/* Appends n characters cycling through fill. */
static void put_fill(am_buf_t *b, const char *fill, size_t fill_len, size_t n)
{
    size_t off = 0;
    for (size_t k = 0; k < n; k++) {
        size_t cl = pgfn_text_u8len((unsigned char)fill[off]);
        am_buf_append(b, fill + off, cl);
        off += cl;
        if (off >= fill_len)
            off = 0;
    }
}

static bool pad(const pgfn_text_arg_t *a, size_t n_args, pgfn_text_res_t *res, bool left,
                am_err_t *err)
{
    int64_t want = a[1].i < 0 ? 0 : a[1].i;
    const char *fill = n_args > 2 ? a[2].s : " ";
    size_t fill_len = n_args > 2 ? a[2].len : 1;
    size_t have = pgfn_text_nchars(a[0].s, a[0].len);
    if ((int64_t)have > want)
        have = (size_t)want;
    if (fill_len == 0)
        want = (int64_t)have;
    /* PostgreSQL sizes the result for 4-byte characters before anything else. */
    if (want > INT32_MAX / 4 || !proxy__pgfn_text_fits((uint64_t)want * 4))
        return proxy__pgfn_text_too_long(err);
    size_t n_fill = (size_t)want - have;
    if (left)
        put_fill(&res->buf, fill, fill_len, n_fill);
    put_chars(&res->buf, a[0].s, a[0].len, have);
    if (!left)
        put_fill(&res->buf, fill, fill_len, n_fill);
    return true;
}

static bool row_lpad(const pgfn_text_arg_t *a, size_t n, pgfn_text_res_t *res, am_err_t *err)
{
    return pad(a, n, res, true, err);
}

static bool row_rpad(const pgfn_text_arg_t *a, size_t n, pgfn_text_res_t *res, am_err_t *err)
{
    return pad(a, n, res, false, err);
}

/* Is the character at c (cl bytes) one of set's characters? */
static bool in_set(const char *c, size_t cl, const char *set, size_t set_len)
{
    for (size_t off = 0; off < set_len;) {
        size_t sl = pgfn_text_u8len((unsigned char)set[off]);
        if (sl == cl && memcmp(set + off, c, cl) == 0)
            return true;
        off += sl;
    }
    return false;
}

/* Start of the last character before end. */
static size_t prev_char(const char *s, size_t end)
{
    size_t k = end - 1;
    while (k > 0 && ((unsigned char)s[k] & 0xc0) == 0x80)
        k--;
    return k;
}

static bool trim(const pgfn_text_arg_t *a, size_t n_args, pgfn_text_res_t *res, bool l, bool r)
{
    const char *set = n_args > 1 ? a[1].s : " ";
    size_t set_len = n_args > 1 ? a[1].len : 1;
    size_t from = 0, to = a[0].len;
    while (l && from < to) {
        size_t cl = pgfn_text_u8len((unsigned char)a[0].s[from]);
        if (!in_set(a[0].s + from, cl, set, set_len))
            break;
        from += cl;
    }
    while (r && to > from) {
        size_t k = prev_char(a[0].s, to);
        if (!in_set(a[0].s + k, to - k, set, set_len))
            break;
        to = k;
    }
    am_buf_append(&res->buf, a[0].s + from, to - from);
    return true;
}

static bool row_btrim(const pgfn_text_arg_t *a, size_t n, pgfn_text_res_t *res, am_err_t *err)
{
    (void)err;
    return trim(a, n, res, true, true);
}

static bool row_ltrim(const pgfn_text_arg_t *a, size_t n, pgfn_text_res_t *res, am_err_t *err)
{
    (void)err;
    return trim(a, n, res, true, false);
}

static bool row_rtrim(const pgfn_text_arg_t *a, size_t n, pgfn_text_res_t *res, am_err_t *err)
{
    (void)err;
    return trim(a, n, res, false, true);
}

static bool row_translate(const pgfn_text_arg_t *a, size_t n, pgfn_text_res_t *res, am_err_t *err)
{
    (void)n;
    (void)err;
    for (size_t off = 0; off < a[0].len;) {
        size_t cl = pgfn_text_u8len((unsigned char)a[0].s[off]);
        size_t pos = 0, f = 0;
        bool found = false;
        while (f < a[1].len) {
            size_t fl = pgfn_text_u8len((unsigned char)a[1].s[f]);
            if (fl == cl && memcmp(a[1].s + f, a[0].s + off, cl) == 0) {
                found = true;
                break;
            }
            f += fl;
            pos++;
        }
        if (!found) {
            am_buf_append(&res->buf, a[0].s + off, cl);
        } else {
            size_t t = pgfn_text_char_off(a[2].s, a[2].len, pos);
            if (t < a[2].len)
                am_buf_append(&res->buf, a[2].s + t, pgfn_text_u8len((unsigned char)a[2].s[t]));
        }
        off += cl;
    }
    return true;
}

static bool row_repeat(const pgfn_text_arg_t *a, size_t n, pgfn_text_res_t *res, am_err_t *err)
{
    (void)n;
    int64_t count = a[1].i < 0 ? 0 : a[1].i;
    if (a[0].len == 0)
        return true; /* '' however often: no loop of 2^31 empty appends */
    if ((uint64_t)count > (uint64_t)(INT32_MAX - PG_VARHDRSZ) / a[0].len ||
        !proxy__pgfn_text_fits((uint64_t)count * a[0].len))
        return proxy__pgfn_text_too_long(err);
    for (int64_t k = 0; k < count; k++)
        am_buf_append(&res->buf, a[0].s, a[0].len);
    return true;
}

/* Byte offset of the first occurrence of needle in hay at or after from, or len if none. */
static size_t find(const char *hay, size_t len, size_t from, const char *needle, size_t nlen)
{
    if (nlen == 0 || nlen > len)
        return len;
    for (size_t k = from; k + nlen <= len; k++)
        if (memcmp(hay + k, needle, nlen) == 0)
            return k;
    return len;
}

static bool row_split_part(const pgfn_text_arg_t *a, size_t n, pgfn_text_res_t *res, am_err_t *err)
{
    (void)n;
    int64_t field = a[2].i;
    if (field == 0)
        return am_err_set(err, "22023", "field position must not be zero");
    const char *s = a[0].s, *d = a[1].s;
    size_t len = a[0].len, dl = a[1].len;
    if (len == 0)
        return true;
    size_t first = find(s, len, 0, d, dl);
    if (dl == 0 || first == len) {
        if (field == 1 || field == -1)
            am_buf_append(&res->buf, s, len);
        return true;
    }
    if (field < 0) {
        int64_t n_fields = 1;
        for (size_t k = first; k < len; k = find(s, len, k + dl, d, dl))
            n_fields++;
        field += n_fields + 1;
        if (field <= 0)
            return true;
    }
    size_t start = 0, end = first;
    for (int64_t f = 1; f < field; f++) {
        if (end == len)
            return true;
        start = end + dl;
        end = find(s, len, start, d, dl);
    }
    am_buf_append(&res->buf, s + start, end - start);
    return true;
}

static bool row_left(const pgfn_text_arg_t *a, size_t n_args, pgfn_text_res_t *res, am_err_t *err)
{
    (void)n_args;
    (void)err;
    int64_t n = a[1].i;
    if (n < 0) {
        n += (int64_t)pgfn_text_nchars(a[0].s, a[0].len);
        if (n < 0)
            n = 0;
    }
    put_chars(&res->buf, a[0].s, a[0].len, (size_t)n);
    return true;
}

static bool row_right(const pgfn_text_arg_t *a, size_t n_args, pgfn_text_res_t *res, am_err_t *err)
{
    (void)n_args;
    (void)err;
    int64_t n = a[1].i, total = (int64_t)pgfn_text_nchars(a[0].s, a[0].len);
    /* PostgreSQL negates n in 32 bits: INT_MIN stays negative and skips nothing. */
    int64_t skip = n == INT32_MIN ? 0 : n < 0 ? (n < -total ? total : -n) : total - n;
    if (skip < 0)
        skip = 0;
    size_t off = pgfn_text_char_off(a[0].s, a[0].len, (size_t)(skip > total ? total : skip));
    am_buf_append(&res->buf, a[0].s + off, a[0].len - off);
    return true;
}

static bool row_reverse(const pgfn_text_arg_t *a, size_t n, pgfn_text_res_t *res, am_err_t *err)
{
    (void)n;
    (void)err;
    for (size_t end = a[0].len; end > 0;) {
        size_t k = prev_char(a[0].s, end);
        am_buf_append(&res->buf, a[0].s + k, end - k);
        end = k;
    }
    return true;
}

static bool row_strpos(const pgfn_text_arg_t *a, size_t n, pgfn_text_res_t *res, am_err_t *err)
{
    (void)n;
    (void)err;
    if (a[1].len == 0) {
        res->i = 1;
        return true;
    }
    size_t at = find(a[0].s, a[0].len, 0, a[1].s, a[1].len);
    res->i = at == a[0].len ? 0 : (int64_t)pgfn_text_nchars(a[0].s, at) + 1;
    return true;
}

/* PostgreSQL's text_substring: characters [start, start + count) counted from 1; count < 0
 * means to the end. */
static void substring(const char *s, size_t len, int64_t start, int64_t count, am_buf_t *out)
{
    int64_t s1 = start < 1 ? 1 : start;
    if (count >= 0 && start > 0 && count > INT64_MAX - start)
        count = -1; /* past any end, as PostgreSQL takes an overflowing start + count */
    if (count >= 0) {
        int64_t e = start + count;
        if (e < 1 || e <= s1)
            return;
        count = e - s1;
    }
    size_t from = pgfn_text_char_off(s, len, (size_t)(s1 - 1));
    size_t to = count < 0 ? len : from + pgfn_text_char_off(s + from, len - from, (size_t)count);
    am_buf_append(out, s + from, to - from);
}

static bool row_substr(const pgfn_text_arg_t *a, size_t n, pgfn_text_res_t *res, am_err_t *err)
{
    if (n > 2 && a[2].i < 0)
        return am_err_set(err, "22011", "negative substring length not allowed");
    substring(a[0].s, a[0].len, a[1].i, n > 2 ? a[2].i : -1, &res->buf);
    return true;
}

static bool row_overlay(const pgfn_text_arg_t *a, size_t n, pgfn_text_res_t *res, am_err_t *err)
{
    int64_t start = a[2].i;
    int64_t count = n > 3 ? a[3].i : (int64_t)pgfn_text_nchars(a[1].s, a[1].len);
    if (start <= 0)
        return am_err_set(err, "22011", "negative substring length not allowed");
    if (count > INT32_MAX - start || count < INT32_MIN - start) /* start + count, unsummed */
        return am_err_set(err, "22003", "integer out of range");
    substring(a[0].s, a[0].len, 1, start - 1, &res->buf);
    am_buf_append(&res->buf, a[1].s, a[1].len);
    substring(a[0].s, a[0].len, start + count, -1, &res->buf);
    return true;
}

static bool row_replace(const pgfn_text_arg_t *a, size_t n, pgfn_text_res_t *res, am_err_t *err)
{
    (void)n;
    (void)err;
    size_t from = 0;
    for (;;) {
        size_t at = find(a[0].s, a[0].len, from, a[1].s, a[1].len);
        am_buf_append(&res->buf, a[0].s + from, at - from);
        if (at == a[0].len)
            break;
        am_buf_append(&res->buf, a[2].s, a[2].len);
        from = at + a[1].len;
    }
    return true;
}

static bool is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool row_initcap(const pgfn_text_arg_t *a, size_t n, pgfn_text_res_t *res, am_err_t *err)
{
    (void)n;
    for (size_t k = 0; k < a[0].len; k++)
        if ((unsigned char)a[0].s[k] >= 0x80)
            return am_err_set(err, "0A000",
                              "initcap() of non-ASCII text is not supported on the mirror: it "
                              "depends on the source's locale");
    bool in_word = false;
    for (size_t k = 0; k < a[0].len; k++) {
        char c = a[0].s[k];
        if (in_word && c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        else if (!in_word && c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        in_word = is_alnum(c);
        am_buf_putc(&res->buf, c);
    }
    return true;
}

#define T "VARCHAR"
#define I "BIGINT"

const pgfn_text_fn_t proxy__pgfn_text_str_fns[] = {
    {"am_lpad", T, {T, I}, NULL, row_lpad, true},
    {"am_lpad", T, {T, I, T}, NULL, row_lpad, true},
    {"am_rpad", T, {T, I}, NULL, row_rpad, true},
    {"am_rpad", T, {T, I, T}, NULL, row_rpad, true},
    {"am_btrim", T, {T}, NULL, row_btrim, true},
    {"am_btrim", T, {T, T}, NULL, row_btrim, true},
    {"am_ltrim", T, {T}, NULL, row_ltrim, true},
    {"am_ltrim", T, {T, T}, NULL, row_ltrim, true},
    {"am_rtrim", T, {T}, NULL, row_rtrim, true},
    {"am_rtrim", T, {T, T}, NULL, row_rtrim, true},
    {"am_translate", T, {T, T, T}, NULL, row_translate, true},
    {"am_repeat", T, {T, I}, NULL, row_repeat, true},
    {"am_split_part", T, {T, T, I}, NULL, row_split_part, true},
    {"am_left", T, {T, I}, NULL, row_left, true},
    {"am_right", T, {T, I}, NULL, row_right, true},
    {"am_reverse", T, {T}, NULL, row_reverse, true},
    {"am_strpos", I, {T, T}, NULL, row_strpos, true},
    {"am_substr", T, {T, I}, NULL, row_substr, true},
    {"am_substr", T, {T, I, I}, NULL, row_substr, true},
    {"am_overlay", T, {T, T, I}, NULL, row_overlay, true},
    {"am_overlay", T, {T, T, I, I}, NULL, row_overlay, true},
    {"am_replace", T, {T, T, T}, NULL, row_replace, true},
    {"am_initcap", T, {T}, NULL, row_initcap, true},
};
const size_t proxy__pgfn_text_str_n = AM_ARRAY_LEN(proxy__pgfn_text_str_fns);

/*
 * proxy/pgfn_text_like.c: PostgreSQL 15's LIKE / ILIKE with ESCAPE as the row function
 * am_like(text, pattern, escape, case_insensitive) of the `text` family (proxy/pgfn_text.h).
 * DuckDB's like_escape differs: it checks the pattern's trailing escape before matching (and
 * with another message and SQLSTATE), and refuses a multi-byte escape character.
 * Spec: PostgreSQL 15 documentation, "LIKE"; the matcher follows the behaviour of PostgreSQL's
 * like_match.c (a trailing escape is an error only when the match reaches it; the escape clause
 * is rewritten to backslash form first, as like_escape() does).
 * ILIKE lowers both sides by the source's locale: only ASCII case is the same in every locale,
 * so non-ASCII patterns (and the two characters that lower to ASCII) are refused.
 */
#include "proxy/pgfn_text_internal.h"

#include <string.h>

typedef enum like_result { LIKE_FALSE, LIKE_TRUE, LIKE_ABORT, LIKE_ERROR } like_result_t;

static like_result_t trailing_escape(am_err_t *err)
{
    am_err_set(err, "22025", "LIKE pattern must not end with escape character");
    return LIKE_ERROR;
}

static size_t next_char(const char *t)
{
    return pgfn_text_u8len((unsigned char)*t);
}

/* After a '%': skips wildcards, then tries each text position. */
static like_result_t match_percent(const char *t, size_t tl, const char *p, size_t pl,
                                   am_err_t *err);

static like_result_t match_text(const char *t, size_t tl, const char *p, size_t pl, am_err_t *err)
{
    if (pl == 1 && *p == '%')
        return LIKE_TRUE;
    while (tl > 0 && pl > 0) {
        if (*p == '\\') {
            p++, pl--;
            if (pl == 0)
                return trailing_escape(err);
            if (*p != *t)
                return LIKE_FALSE;
        } else if (*p == '%') {
            return match_percent(t, tl, p + 1, pl - 1, err);
        } else if (*p == '_') {
            size_t n = next_char(t);
            t += n, tl -= n;
            p++, pl--;
            continue;
        } else if (*p != *t) {
            return LIKE_FALSE;
        }
        t++, tl--;
        p++, pl--;
    }
    if (tl > 0)
        return LIKE_FALSE;
    while (pl > 0 && *p == '%')
        p++, pl--;
    return pl == 0 ? LIKE_TRUE : LIKE_ABORT;
}

static like_result_t match_percent(const char *t, size_t tl, const char *p, size_t pl,
                                   am_err_t *err)
{
    while (pl > 0) {
        if (*p == '%') {
            p++, pl--;
        } else if (*p == '_') {
            if (tl == 0)
                return LIKE_ABORT;
            size_t n = next_char(t);
            t += n, tl -= n;
            p++, pl--;
        } else {
            break;
        }
    }
    if (pl == 0)
        return LIKE_TRUE;
    char first = *p;
    if (*p == '\\') {
        if (pl < 2)
            return trailing_escape(err);
        first = p[1];
    }
    while (tl > 0) {
        if (*t == first) {
            like_result_t r = match_text(t, tl, p, pl, err);
            if (r != LIKE_FALSE)
                return r;
        }
        size_t n = next_char(t);
        t += n, tl -= n;
    }
    return LIKE_ABORT;
}

/* like_escape(): the pattern with escape esc rewritten to backslash form. */
static bool rewrite_escape(const pgfn_text_arg_t *pat, const pgfn_text_arg_t *esc, am_buf_t *out,
                           am_err_t *err)
{
    if (esc->len == 0) {
        for (size_t k = 0; k < pat->len; k++) {
            if (pat->s[k] == '\\')
                am_buf_putc(out, '\\');
            am_buf_putc(out, pat->s[k]);
        }
        return true;
    }
    size_t el = next_char(esc->s);
    if (el != esc->len)
        return am_err_set(err, "22025", "invalid escape string");
    if (esc->s[0] == '\\') {
        am_buf_append(out, pat->s, pat->len);
        return true;
    }
    bool after = false;
    for (size_t k = 0; k < pat->len;) {
        size_t n = next_char(pat->s + k);
        if (!after && n == el && memcmp(pat->s + k, esc->s, el) == 0) {
            am_buf_putc(out, '\\');
            after = true;
        } else if (pat->s[k] == '\\') {
            am_buf_putc(out, '\\');
            if (!after)
                am_buf_putc(out, '\\');
            after = false;
        } else {
            am_buf_append(out, pat->s + k, n);
            after = false;
        }
        k += n;
    }
    return true;
}

static bool icase_refused(const pgfn_text_arg_t *s, const am_buf_t *pat)
{
    for (size_t k = 0; k < pat->len; k++)
        if ((unsigned char)pat->data[k] >= 0x80)
            return true;
    /* U+0130 and U+212A lower to ASCII letters in UTF-8 locales only. */
    return memmem(s->s, s->len, "\xc4\xb0", 2) || memmem(s->s, s->len, "\xe2\x84\xaa", 3);
}

static void ascii_lower(am_buf_t *b)
{
    for (size_t k = 0; k < b->len; k++)
        if (b->data[k] >= 'A' && b->data[k] <= 'Z')
            b->data[k] = (char)(b->data[k] - 'A' + 'a');
}

static bool row_like(const pgfn_text_arg_t *a, size_t n, pgfn_text_res_t *res, am_err_t *err)
{
    (void)n;
    am_buf_t pat, str;
    am_buf_init(&pat);
    am_buf_init(&str);
    bool ok = rewrite_escape(&a[1], &a[2], &pat, err);
    am_buf_append(&str, a[0].s, a[0].len);
    if (ok && a[3].b && icase_refused(&a[0], &pat))
        ok = am_err_set(err, "0A000",
                        "ILIKE of non-ASCII patterns is not supported on the mirror: case "
                        "depends on the source's locale");
    if (ok && a[3].b) {
        ascii_lower(&pat);
        ascii_lower(&str);
    }
    if (ok) {
        like_result_t r = match_text(str.data, str.len, pat.data, pat.len, err);
        ok = r != LIKE_ERROR;
        res->b = r == LIKE_TRUE;
    }
    am_buf_destroy(&pat);
    am_buf_destroy(&str);
    return ok;
}

const pgfn_text_fn_t proxy__pgfn_text_like_fns[] = {
    {"am_like", "BOOLEAN", {"VARCHAR", "VARCHAR", "VARCHAR", "BOOLEAN"}, NULL, row_like, true},
};
const size_t proxy__pgfn_text_like_n = AM_ARRAY_LEN(proxy__pgfn_text_like_fns);

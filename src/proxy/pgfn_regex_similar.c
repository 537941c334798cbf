/*
 * proxy/pgfn_regex_similar.c: SQL's SIMILAR TO for the `text` family (proxy/pgfn_text.h): the
 * regular expression PostgreSQL 15 builds from a SIMILAR TO pattern (similar_to_escape), the
 * match (x SIMILAR TO p ESCAPE e is x ~ similar_to_escape(p, e)) and
 * substring(x similar p escape e), whose #" markers become the one capturing group.
 * Spec: PostgreSQL 15 documentation 9.7.2; the translation, character by character, as
 * PostgreSQL's similar_escape_internal performs it (observed):
 *   ^(?: ... )$ around the pattern; % -> .*, _ -> ., ( -> (?:, \ . ^ $ escaped;
 *   bracket expressions copied (backslashes doubled); escaped characters -> \c;
 *   first #" -> ){1,1}?(  second #" -> ){1,1}(?:  a third is an error.
 */
#include "proxy/pgfn_text_internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct sim {
    bool after_escape, in_class;
    int n_quotes;
    am_buf_t *parts; /* the text before, between and after the #" separators */
} sim_t;

static bool sim_escaped(sim_t *st, const char *c, size_t cl, am_err_t *err)
{
    am_buf_t *out = &st->parts[st->n_quotes];
    st->after_escape = false;
    if (!(cl == 1 && *c == '"' && !st->in_class)) {
        am_buf_putc(out, '\\');
        am_buf_append(out, c, cl);
        return true;
    }
    if (st->n_quotes == 2)
        return am_err_set(err, "2200C",
                          "SQL regular expression may not contain more than two "
                          "escape-double-quote separators");
    st->n_quotes++;
    return true;
}

static void sim_plain(sim_t *st, const char *c, size_t cl)
{
    am_buf_t *out = &st->parts[st->n_quotes];
    char ch = '\0';
    if (cl == 1)
        ch = *c;
    if (st->in_class) {
        if (ch == '\\')
            am_buf_putc(out, '\\');
        am_buf_append(out, c, cl);
        st->in_class = ch != ']';
    } else if (ch == '[') {
        am_buf_putc(out, '[');
        st->in_class = true;
    } else if (ch == '%') {
        am_buf_puts(out, ".*");
    } else if (ch == '_') {
        am_buf_putc(out, '.');
    } else if (ch == '(') {
        am_buf_puts(out, "(?:");
    } else if (ch && strchr("\\.^$", ch)) {
        am_buf_putc(out, '\\');
        am_buf_putc(out, ch);
    } else {
        am_buf_append(out, c, cl);
    }
}

/* The translated parts (1 to 3 of them, in parts[]); *n_parts says how many. */
static bool similar_parts(const char *pat, size_t pat_len, const char *esc, size_t esc_len,
                          am_buf_t parts[3], int *n_parts, am_err_t *err)
{
    if (!esc) {
        esc = "\\";
        esc_len = 1;
    }
    if (esc_len > 0 && pgfn_text_u8len((unsigned char)esc[0]) != esc_len)
        return am_err_set(err, "22025", "invalid escape string");
    sim_t st = {.parts = parts};
    for (size_t k = 0; k < pat_len;) {
        size_t cl = pgfn_text_u8len((unsigned char)pat[k]);
        const char *c = pat + k;
        k += cl;
        if (st.after_escape) {
            if (!sim_escaped(&st, c, cl, err))
                return false;
        } else if (esc_len > 0 && cl == esc_len && memcmp(c, esc, cl) == 0) {
            st.after_escape = true;
        } else {
            sim_plain(&st, c, cl);
        }
    }
    *n_parts = st.n_quotes + 1;
    return true;
}

static void parts_init(am_buf_t parts[3])
{
    for (int i = 0; i < 3; i++) {
        am_buf_init(&parts[i]);
        am_buf_puts(&parts[i], ""); /* data is a string even when the part is empty */
    }
}

static void parts_destroy(am_buf_t parts[3])
{
    for (int i = 0; i < 3; i++)
        am_buf_destroy(&parts[i]);
}

bool pgfn_text_similar_regex(const char *pat, size_t pat_len, const char *esc, size_t esc_len,
                             am_buf_t *out, am_err_t *err)
{
    am_buf_t parts[3];
    int n = 0;
    parts_init(parts);
    bool ok = similar_parts(pat, pat_len, esc, esc_len, parts, &n, err);
    if (ok) {
        am_buf_puts(out, "^(?:");
        am_buf_append(out, parts[0].data, parts[0].len);
        if (n > 1)
            am_buf_printf(out, "){1,1}?(%s", parts[1].data);
        if (n > 2)
            am_buf_printf(out, "){1,1}(?:%s", parts[2].data);
        am_buf_puts(out, ")$");
    }
    parts_destroy(parts);
    return ok;
}

static bool row_similar_regex(const pgfn_text_arg_t *a, size_t n, pgfn_text_res_t *res,
                              am_err_t *err)
{
    (void)n;
    return pgfn_text_similar_regex(a[0].s, a[0].len, a[1].s, a[1].len, &res->buf, err);
}

static bool row_similar_match(const pgfn_text_arg_t *a, size_t n, pgfn_text_res_t *res,
                              am_err_t *err)
{
    (void)n;
    am_buf_t re;
    am_buf_init(&re);
    bool ok = pgfn_text_similar_regex(a[1].s, a[1].len, a[2].s, a[2].len, &re, err);
    if (ok)
        ok = proxy__pgfn_regex_test(&a[0], re.data, re.len, &res->b, err);
    am_buf_destroy(&re);
    return ok;
}

/* Does the anchored "^(?:a)(?:b)$" match s[from, to) (bytes)? */
static bool part_test(const char *s, size_t from, size_t to, const am_buf_t *a, const am_buf_t *b,
                      bool *m, am_err_t *err)
{
    char *re = am_xasprintf("^(?:%s)(?:%s)$", a->data, b ? b->data : "");
    pgfn_text_arg_t sub = {.s = s + from, .len = to - from};
    bool ok = proxy__pgfn_regex_test(&sub, re, strlen(re), m, err);
    free(re);
    return ok;
}

/* PostgreSQL's engine gives #"part2#" the SQL standard's span: part1 as short and part2 as
 * long as the whole match allows. Tcl's engine treats the {1,1} quantifiers around them
 * otherwise, so the span is found by matching the parts one by one. */
static bool similar_span(const pgfn_text_arg_t *s, am_buf_t parts[3], pgfn_text_res_t *res,
                         am_err_t *err)
{
    size_t n = pgfn_text_nchars(s->s, s->len);
    if (n > 4000)
        return am_err_set(err, "0A000",
                          "substring(... similar ...) with an escape-double-quote "
                          "on text of more than 4000 characters is not supported "
                          "on the mirror");
    bool m = false;
    size_t i = 0, j = n, bi = 0;
    for (; i <= n; i++) {
        bi = pgfn_text_char_off(s->s, s->len, i);
        if (!part_test(s->s, 0, bi, &parts[0], NULL, &m, err))
            return false;
        if (m && !part_test(s->s, bi, s->len, &parts[1], &parts[2], &m, err))
            return false;
        if (m)
            break;
    }
    for (m = false; !m && j + 1 > i; j--) {
        size_t bj = pgfn_text_char_off(s->s, s->len, j);
        if (!part_test(s->s, bi, bj, &parts[1], NULL, &m, err))
            return false;
        if (m && !part_test(s->s, bj, s->len, &parts[2], NULL, &m, err))
            return false;
        if (m)
            am_buf_append(&res->buf, s->s + bi, bj - bi);
    }
    res->null = !m;
    return true;
}

static bool substring_similar(const pgfn_text_arg_t *a, am_buf_t parts[3], int n_parts,
                              pgfn_text_res_t *res, am_err_t *err)
{
    am_buf_t re;
    am_buf_init(&re);
    bool ok = pgfn_text_similar_regex(a[1].s, a[1].len, a[2].s, a[2].len, &re, err), m = false;
    if (ok && n_parts == 1)
        ok = proxy__pgfn_regex_substring(&a[0], re.data, re.len, res, err);
    else if (ok)
        ok = proxy__pgfn_regex_test(&a[0], re.data, re.len, &m, err);
    if (ok && n_parts > 1) {
        const pgfn_re_t *cre = pgfn_re_compile(re.data, re.len, PGFN_RE_ADVANCED, err);
        const pgfn_re_info_t *in = cre ? pgfn_re_info(cre) : NULL;
        if (in && (in->word_bounds || in->string_anchor || in->n_backrefs > 0))
            ok = am_err_set(err, "0A000",
                            "substring(... similar ...) with escaped \\A, word "
                            "constraints or back-references is not supported on "
                            "the mirror");
        else if (!m)
            res->null = true;
        else
            ok = similar_span(&a[0], parts, res, err);
    }
    am_buf_destroy(&re);
    return ok;
}

static bool row_substring_similar(const pgfn_text_arg_t *a, size_t n, pgfn_text_res_t *res,
                                  am_err_t *err)
{
    (void)n;
    am_buf_t parts[3];
    int n_parts = 0;
    parts_init(parts);
    bool ok = similar_parts(a[1].s, a[1].len, a[2].s, a[2].len, parts, &n_parts, err) &&
              substring_similar(a, parts, n_parts, res, err);
    parts_destroy(parts);
    return ok;
}

#define T "VARCHAR"

const pgfn_text_fn_t proxy__pgfn_regex_similar_fns[] = {
    {"am_similar_to_regex", T, {T, T}, NULL, row_similar_regex, true},
    {"am_similar_match", "BOOLEAN", {T, T, T}, NULL, row_similar_match, true},
    {"am_substring_similar", T, {T, T, T}, NULL, row_substring_similar, true},
};
const size_t proxy__pgfn_regex_similar_n = AM_ARRAY_LEN(proxy__pgfn_regex_similar_fns);

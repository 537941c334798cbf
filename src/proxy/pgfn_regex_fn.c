/*
 * proxy/pgfn_regex_fn.c: PostgreSQL 15's regular expression functions and operators as row
 * functions of the `text` family (proxy/pgfn_text.h): ~ ~* !~ !~* (am_re_match), regexp_match,
 * regexp_matches, regexp_replace, regexp_split_to_array, regexp_count, regexp_instr,
 * regexp_like, regexp_substr and substring(text from pattern). The engine is pgfn_regex.c.
 * Spec: PostgreSQL 15 documentation 9.7.3; the search loop (restart at the previous end, one
 * character further after an empty match; split ignores empty matches at the ends and right
 * after a match), the replacement escapes (\1..\9, \&, \\) and the parameter checks follow
 * PostgreSQL's regexp.c and varlena.c (observed).
 */
#include "proxy/pgfn_text_internal.h"

#include <stdlib.h>
#include <string.h>

/* parse_re_flags(): ARE plus the option letters; 'g' reported in *glob. */
static bool parse_flags(const pgfn_text_arg_t *a, unsigned *flags, bool *glob, am_err_t *err)
{
    *flags = PGFN_RE_ADVANCED;
    *glob = false;
    for (size_t k = 0; a && k < a->len; k++) {
        char c = a->s[k];
        if (c == 'g')
            *glob = true;
        else if (c && strchr("bceimnpqstwx", c))
            *flags = pgfn_re_apply_flag(*flags, c);
        else
            return am_err_set(err, "22023", "invalid regular expression option: \"%.*s\"",
                              (int)pgfn_text_u8len((unsigned char)c), a->s + k);
    }
    return true;
}

static bool no_global(const char *fn, am_err_t *err)
{
    return am_err_set(err, "22023", "%s does not support the \"global\" option", fn);
}

static bool bad_param(const char *name, int64_t v, am_err_t *err)
{
    return am_err_set(err, "22023", "invalid value for parameter \"%s\": %lld", name, (long long)v);
}

/* One regular expression call: the compiled pattern and the prepared subject. */
typedef struct call {
    const pgfn_re_t *re;
    pgfn_re_subject_t sub;
    pgfn_re_match_t m;
} call_t;

static bool call_open(call_t *c, const pgfn_text_arg_t *s, const pgfn_text_arg_t *p, unsigned flags,
                      am_err_t *err)
{
    memset(c, 0, sizeof *c);
    c->re = pgfn_re_compile(p->s, p->len, flags, err);
    return c->re && pgfn_re_subject_init(&c->sub, c->re, s->s, s->len, err);
}

static void call_close(call_t *c)
{
    pgfn_re_subject_destroy(&c->sub);
}

/* Where the next search starts after the match in c->m. */
static size_t next_start(const call_t *c)
{
    return (size_t)c->m.eo[0] + (c->m.so[0] == c->m.eo[0] ? 1 : 0);
}

/* Characters [so, eo) of the subject. */
static void put_span(const call_t *c, long so, long eo, am_buf_t *b)
{
    size_t from = c->sub.byte_off[so], to = c->sub.byte_off[eo];
    am_buf_append(b, c->sub.s + from, to - from);
}

/* Group g of the current match is absent: NULL, unless PostgreSQL's engine would have
 * reported an empty match there (pgfn_regex_scan.c), which is refused. */
static bool absent_ok(const call_t *c, int g, am_err_t *err)
{
    if (pgfn_re_group_flags(pgfn_re_info(c->re), g) & PGFN_RE_GROUP_NULLABLE_ITER)
        return am_err_set(err, "0A000",
                          "a regular expression whose quantified group matched nothing is not "
                          "supported on the mirror (PostgreSQL's engine reports it differently)");
    return true;
}

/* Groups are about to be read: refused where the engines place them differently. */
static bool groups_ok(const call_t *c, am_err_t *err)
{
    if (pgfn_re_info(c->re)->exact_one)
        return am_err_set(err, "0A000",
                          "a {1} or {1,1} quantifier in a regular expression whose groups are "
                          "used is not supported on the mirror");
    return true;
}

/* The match's groups (or the whole match when there are none) as list items. */
static bool put_groups(const call_t *c, pgfn_text_res_t *res, am_err_t *err)
{
    if (c->m.n_groups > 0 && !groups_ok(c, err))
        return false;
    if (c->m.n_groups == 0) {
        size_t from = c->sub.byte_off[c->m.so[0]], to = c->sub.byte_off[c->m.eo[0]];
        pgfn_text_res_item(res, c->sub.s + from, to - from);
        return true;
    }
    for (int g = 1; g <= c->m.n_groups; g++) {
        if (c->m.so[g] < 0) {
            if (!absent_ok(c, g, err))
                return false;
            pgfn_text_res_item_null(res);
            continue;
        }
        size_t from = c->sub.byte_off[c->m.so[g]], to = c->sub.byte_off[c->m.eo[g]];
        pgfn_text_res_item(res, c->sub.s + from, to - from);
    }
    return true;
}

static bool re_test(const pgfn_text_arg_t *a, unsigned flags, pgfn_text_res_t *res, am_err_t *err)
{
    call_t c;
    bool ok = call_open(&c, &a[0], &a[1], flags, err) && pgfn_re_exec(c.re, &c.sub, 0, &c.m, err);
    res->b = ok && c.m.found;
    call_close(&c);
    return ok;
}

bool proxy__pgfn_regex_test(const pgfn_text_arg_t *s, const char *pat, size_t pat_len,
                            bool *matched, am_err_t *err)
{
    pgfn_text_arg_t a[2] = {*s, {.s = pat, .len = pat_len}};
    pgfn_text_res_t res = {0};
    bool ok = re_test(a, PGFN_RE_ADVANCED, &res, err);
    *matched = res.b;
    return ok;
}

static bool row_re_match(const pgfn_text_arg_t *a, size_t n, pgfn_text_res_t *res, am_err_t *err)
{
    unsigned flags;
    bool glob;
    if (!parse_flags(n > 2 ? &a[2] : NULL, &flags, &glob, err))
        return false;
    if (glob)
        return am_err_set(err, "22023", "invalid regular expression option: \"g\"");
    return re_test(a, flags, res, err);
}

static bool row_regexp_like(const pgfn_text_arg_t *a, size_t n, pgfn_text_res_t *res, am_err_t *err)
{
    unsigned flags;
    bool glob;
    if (!parse_flags(n > 2 ? &a[2] : NULL, &flags, &glob, err))
        return false;
    if (glob)
        return no_global("regexp_like()", err);
    return re_test(a, flags, res, err);
}

static bool row_regexp_match(const pgfn_text_arg_t *a, size_t n, pgfn_text_res_t *res,
                             am_err_t *err)
{
    unsigned flags;
    bool glob;
    call_t c;
    if (!parse_flags(n > 2 ? &a[2] : NULL, &flags, &glob, err))
        return false;
    if (glob)
        return no_global("regexp_match()", err);
    bool ok = call_open(&c, &a[0], &a[1], flags, err) && pgfn_re_exec(c.re, &c.sub, 0, &c.m, err);
    if (ok && !c.m.found)
        res->null = true;
    else if (ok)
        ok = put_groups(&c, res, err);
    call_close(&c);
    return ok;
}

static bool row_regexp_matches(const pgfn_text_arg_t *a, size_t n, pgfn_text_res_t *res,
                               am_err_t *err)
{
    unsigned flags;
    bool glob;
    call_t c;
    if (!parse_flags(n > 2 ? &a[2] : NULL, &flags, &glob, err))
        return false;
    bool ok = call_open(&c, &a[0], &a[1], flags, err);
    for (size_t start = 0; ok && start <= c.sub.n_chars;) {
        ok = pgfn_re_exec(c.re, &c.sub, start, &c.m, err);
        if (!ok || !c.m.found)
            break;
        ok = put_groups(&c, res, err);
        pgfn_text_res_group_end(res);
        if (!glob)
            break;
        start = next_start(&c);
    }
    call_close(&c);
    return ok;
}

/* ---- regexp_replace ------------------------------------------------------------------------ */

/* Does the replacement name a group (\\1 .. \\9)? */
static bool names_group(const pgfn_text_arg_t *r)
{
    for (size_t k = 0; k + 1 < r->len; k++) {
        if (r->s[k] != '\\')
            continue;
        if (r->s[k + 1] >= '1' && r->s[k + 1] <= '9')
            return true;
        k++;
    }
    return false;
}

static void put_replacement(const call_t *c, const pgfn_text_arg_t *r, am_buf_t *b)
{
    for (size_t k = 0; k < r->len; k++) {
        if (r->s[k] != '\\') {
            am_buf_putc(b, r->s[k]);
            continue;
        }
        if (++k >= r->len) {
            am_buf_putc(b, '\\');
            break;
        }
        char e = r->s[k];
        int g = e == '&' ? 0 : (e >= '1' && e <= '9') ? e - '0' : -1;
        if (g < 0) {
            am_buf_putc(b, '\\');
            if (e != '\\')
                k--;
            continue;
        }
        if (g <= c->m.n_groups && c->m.so[g] >= 0)
            put_span(c, c->m.so[g], c->m.eo[g], b);
    }
}

/* Replaces the n-th match at or after start (every one when n is 0). */
static bool replace(const pgfn_text_arg_t *a, unsigned flags, size_t start, int64_t nth,
                    pgfn_text_res_t *res, am_err_t *err)
{
    call_t c;
    bool ok = call_open(&c, &a[0], &a[1], flags, err);
    long done = 0; /* characters already copied or replaced */
    int64_t count = 0;
    while (ok && start <= c.sub.n_chars) {
        ok = pgfn_re_exec(c.re, &c.sub, start, &c.m, err);
        if (!ok || !c.m.found)
            break;
        count++;
        if (count == 1 && c.m.n_groups > 0 && names_group(&a[2]) && !groups_ok(&c, err)) {
            ok = false;
            break;
        }
        if (nth > 0 && count != nth) {
            start = next_start(&c);
            continue;
        }
        put_span(&c, done, c.m.so[0], &res->buf);
        put_replacement(&c, &a[2], &res->buf);
        done = c.m.eo[0];
        if (nth > 0)
            break;
        start = next_start(&c);
    }
    if (ok)
        put_span(&c, done, (long)c.sub.n_chars, &res->buf);
    call_close(&c);
    return ok;
}

static bool row_replace_flags(const pgfn_text_arg_t *a, size_t n, pgfn_text_res_t *res,
                              am_err_t *err)
{
    unsigned flags;
    bool glob;
    if (!parse_flags(n > 3 ? &a[3] : NULL, &flags, &glob, err))
        return false;
    return replace(a, flags, 0, glob ? 0 : 1, res, err);
}

static bool row_replace_start(const pgfn_text_arg_t *a, size_t n, pgfn_text_res_t *res,
                              am_err_t *err)
{
    unsigned flags;
    bool glob;
    if (a[3].i <= 0)
        return bad_param("start", a[3].i, err);
    if (n > 4 && a[4].i < 0)
        return bad_param("n", a[4].i, err);
    if (!parse_flags(n > 5 ? &a[5] : NULL, &flags, &glob, err))
        return false;
    int64_t nth = n > 4 ? a[4].i : (glob ? 0 : 1);
    return replace(a, flags, (size_t)(a[3].i - 1), nth, res, err);
}

/* ---- split, count, instr, substr ---------------------------------------------------------- */

static bool row_split(const pgfn_text_arg_t *a, size_t n, pgfn_text_res_t *res, am_err_t *err)
{
    unsigned flags;
    bool glob;
    call_t c;
    if (!parse_flags(n > 2 ? &a[2] : NULL, &flags, &glob, err))
        return false;
    if (glob)
        return no_global("regexp_split_to_array()", err);
    bool ok = call_open(&c, &a[0], &a[1], flags, err);
    long prev_end = 0, piece = 0;
    for (size_t start = 0; ok && start <= c.sub.n_chars;) {
        ok = pgfn_re_exec(c.re, &c.sub, start, &c.m, err);
        if (!ok || !c.m.found)
            break;
        if (c.m.so[0] < (long)c.sub.n_chars && c.m.eo[0] > prev_end) {
            size_t from = c.sub.byte_off[piece], to = c.sub.byte_off[c.m.so[0]];
            pgfn_text_res_item(res, c.sub.s + from, to - from);
            piece = c.m.eo[0];
        }
        prev_end = c.m.eo[0];
        start = next_start(&c);
    }
    if (ok) {
        size_t from = c.sub.byte_off[piece];
        pgfn_text_res_item(res, c.sub.s + from, c.sub.len - from);
    }
    call_close(&c);
    return ok;
}

/* The optional arguments of regexp_count / regexp_instr / regexp_substr. */
typedef struct opt {
    int64_t start, nth, endopt, subexpr;
    const pgfn_text_arg_t *flags;
} opt_t;

static bool check_opt(const opt_t *o, const char *fn, unsigned *flags, am_err_t *err)
{
    bool glob = false;
    *flags = PGFN_RE_ADVANCED;
    if (o->start <= 0)
        return bad_param("start", o->start, err);
    if (o->nth <= 0)
        return bad_param("n", o->nth, err);
    if (o->endopt != 0 && o->endopt != 1)
        return bad_param("endoption", o->endopt, err);
    if (o->subexpr < 0)
        return bad_param("subexpr", o->subexpr, err);
    if (!parse_flags(o->flags, flags, &glob, err))
        return false;
    return !glob || no_global(fn, err);
}

/* The nth match at or after start (c->m.found false when there are fewer). */
static bool find_nth(call_t *c, const opt_t *o, am_err_t *err)
{
    int64_t count = 0;
    for (size_t start = (size_t)(o->start - 1); start <= c->sub.n_chars;) {
        if (!pgfn_re_exec(c->re, &c->sub, start, &c->m, err))
            return false;
        if (!c->m.found || ++count == o->nth)
            return true;
        start = next_start(c);
    }
    c->m.found = false;
    return true;
}

static bool row_count(const pgfn_text_arg_t *a, size_t n, pgfn_text_res_t *res, am_err_t *err)
{
    opt_t o = {.start = n > 2 ? a[2].i : 1, .nth = 1, .flags = n > 3 ? &a[3] : NULL};
    unsigned flags;
    call_t c;
    if (!check_opt(&o, "regexp_count()", &flags, err))
        return false;
    bool ok = call_open(&c, &a[0], &a[1], flags, err);
    for (size_t start = (size_t)(o.start - 1); ok && start <= c.sub.n_chars;) {
        ok = pgfn_re_exec(c.re, &c.sub, start, &c.m, err);
        if (!ok || !c.m.found)
            break;
        res->i++;
        start = next_start(&c);
    }
    call_close(&c);
    return ok;
}

/* The span regexp_instr / regexp_substr report: group subexpr of the match, or the match
 * itself; *so < 0 when there is none. */
static bool pick(const call_t *c, int64_t subexpr, long *so, long *eo, am_err_t *err)
{
    *so = *eo = -1;
    if (!c->m.found)
        return true;
    int g = (int)subexpr;
    if (g > 0 && c->m.n_groups == 0)
        g = g == 1 ? 0 : -1; /* PostgreSQL falls back to the whole match as "group 1" */
    if (g < 0 || g > c->m.n_groups)
        return true;
    if (g > 0 && !groups_ok(c, err))
        return false;
    if (c->m.so[g] < 0)
        return absent_ok(c, g, err);
    *so = c->m.so[g];
    *eo = c->m.eo[g];
    return true;
}

static bool row_instr(const pgfn_text_arg_t *a, size_t n, pgfn_text_res_t *res, am_err_t *err)
{
    opt_t o = {.start = n > 2 ? a[2].i : 1,
               .nth = n > 3 ? a[3].i : 1,
               .endopt = n > 4 ? a[4].i : 0,
               .flags = n > 5 ? &a[5] : NULL,
               .subexpr = n > 6 ? a[6].i : 0};
    unsigned flags;
    call_t c;
    long so, eo;
    if (!check_opt(&o, "regexp_instr()", &flags, err))
        return false;
    bool ok = call_open(&c, &a[0], &a[1], flags, err) && find_nth(&c, &o, err) &&
              pick(&c, o.subexpr, &so, &eo, err);
    if (ok)
        res->i = so < 0 ? 0 : (o.endopt ? eo : so) + 1;
    call_close(&c);
    return ok;
}

static bool row_substr(const pgfn_text_arg_t *a, size_t n, pgfn_text_res_t *res, am_err_t *err)
{
    opt_t o = {.start = n > 2 ? a[2].i : 1,
               .nth = n > 3 ? a[3].i : 1,
               .flags = n > 4 ? &a[4] : NULL,
               .subexpr = n > 5 ? a[5].i : 0};
    unsigned flags;
    call_t c;
    long so, eo;
    if (!check_opt(&o, "regexp_substr()", &flags, err))
        return false;
    bool ok = call_open(&c, &a[0], &a[1], flags, err) && find_nth(&c, &o, err) &&
              pick(&c, o.subexpr, &so, &eo, err);
    if (ok && so < 0)
        res->null = true;
    else if (ok)
        put_span(&c, so, eo, &res->buf);
    call_close(&c);
    return ok;
}

/* substring(text from pattern): the first group, or the whole match without groups. */
bool proxy__pgfn_regex_substring(const pgfn_text_arg_t *s, const char *pat, size_t pat_len,
                                 pgfn_text_res_t *res, am_err_t *err)
{
    call_t c;
    pgfn_text_arg_t p = {.s = pat, .len = pat_len};
    long so = -1, eo = -1;
    bool ok = call_open(&c, s, &p, PGFN_RE_ADVANCED, err) &&
              pgfn_re_exec(c.re, &c.sub, 0, &c.m, err) &&
              pick(&c, c.m.found && c.m.n_groups > 0 ? 1 : 0, &so, &eo, err);
    if (ok && so < 0)
        res->null = true;
    else if (ok)
        put_span(&c, so, eo, &res->buf);
    call_close(&c);
    return ok;
}

static bool row_substring_re(const pgfn_text_arg_t *a, size_t n, pgfn_text_res_t *res,
                             am_err_t *err)
{
    (void)n;
    return proxy__pgfn_regex_substring(&a[0], a[1].s, a[1].len, res, err);
}

#define T "VARCHAR"
#define I "BIGINT"
#define L "VARCHAR[]"

const pgfn_text_fn_t proxy__pgfn_regex_fns[] = {
    {"am_re_match", "BOOLEAN", {T, T, T}, NULL, row_re_match, true},
    {"am_regexp_like", "BOOLEAN", {T, T}, NULL, row_regexp_like, true},
    {"am_regexp_like", "BOOLEAN", {T, T, T}, NULL, row_regexp_like, true},
    {"am_regexp_match", L, {T, T}, NULL, row_regexp_match, true},
    {"am_regexp_match", L, {T, T, T}, NULL, row_regexp_match, true},
    {"am_regexp_matches", "VARCHAR[][]", {T, T}, NULL, row_regexp_matches, true},
    {"am_regexp_matches", "VARCHAR[][]", {T, T, T}, NULL, row_regexp_matches, true},
    {"am_regexp_replace", T, {T, T, T}, NULL, row_replace_flags, true},
    {"am_regexp_replace", T, {T, T, T, T}, NULL, row_replace_flags, true},
    {"am_regexp_replace", T, {T, T, T, I}, NULL, row_replace_start, true},
    {"am_regexp_replace", T, {T, T, T, I, I}, NULL, row_replace_start, true},
    {"am_regexp_replace", T, {T, T, T, I, I, T}, NULL, row_replace_start, true},
    {"am_regexp_split_to_array", L, {T, T}, NULL, row_split, true},
    {"am_regexp_split_to_array", L, {T, T, T}, NULL, row_split, true},
    {"am_regexp_count", I, {T, T}, NULL, row_count, true},
    {"am_regexp_count", I, {T, T, I}, NULL, row_count, true},
    {"am_regexp_count", I, {T, T, I, T}, NULL, row_count, true},
    {"am_regexp_instr", I, {T, T}, NULL, row_instr, true},
    {"am_regexp_instr", I, {T, T, I}, NULL, row_instr, true},
    {"am_regexp_instr", I, {T, T, I, I}, NULL, row_instr, true},
    {"am_regexp_instr", I, {T, T, I, I, I}, NULL, row_instr, true},
    {"am_regexp_instr", I, {T, T, I, I, I, T}, NULL, row_instr, true},
    {"am_regexp_instr", I, {T, T, I, I, I, T, I}, NULL, row_instr, true},
    {"am_regexp_substr", T, {T, T}, NULL, row_substr, true},
    {"am_regexp_substr", T, {T, T, I}, NULL, row_substr, true},
    {"am_regexp_substr", T, {T, T, I, I}, NULL, row_substr, true},
    {"am_regexp_substr", T, {T, T, I, I, T}, NULL, row_substr, true},
    {"am_regexp_substr", T, {T, T, I, I, T, I}, NULL, row_substr, true},
    {"am_substring_re", T, {T, T}, NULL, row_substring_re, true},
};
const size_t proxy__pgfn_regex_n = AM_ARRAY_LEN(proxy__pgfn_regex_fns);

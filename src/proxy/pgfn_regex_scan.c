/*
 * proxy/pgfn_regex_scan.c: reads a PostgreSQL Advanced Regular Expression (after the engine
 * accepted it) and records what the regular expression functions must know to answer exactly
 * as PostgreSQL 15 or refuse: features the engine (Tcl 8.6's copy of Henry Spencer's ARE
 * engine, pgfn_regex.c) does not share with PostgreSQL's copy, and features whose meaning
 * depends on the source's locale. Never matches anything itself.
 * Spec: PostgreSQL 15 documentation 9.7.3 (ARE syntax: directors, embedded options, expanded
 * syntax, bracket expressions, escapes, quantifiers, constraints).
 *
 * Differences with PostgreSQL found by comparing both engines on random patterns:
 *  - a capturing group inside a quantifier that matched the empty string: PostgreSQL reports
 *    an empty match, Tcl no match (NULL); such groups are marked PGFN_RE_GROUP_NULLABLE_ITER;
 *  - back-references to groups inside a quantifier can loop forever in Tcl;
 *  - lookbehind constraints exist only in PostgreSQL.
 */
#include "proxy/pgfn_text_internal.h"

#include <string.h>

typedef struct scan {
    const char *start, *p, *end;
    bool expanded;
    pgfn_re_info_t *info;
    int open_groups[64]; /* group numbers of the enclosing capturing groups */
    int depth;
    int lookahead_depth; /* enclosing lookahead constraints */
} scan_t;

/* Per-group facts gathered while reading. */
static void group_set(pgfn_re_info_t *in, int g, uint8_t flag)
{
    if (g > 0 && g <= PGFN_RE_MAX_GROUPS)
        in->group_flags[g] |= flag;
}

uint8_t pgfn_re_group_flags(const pgfn_re_info_t *in, int g)
{
    if (g > PGFN_RE_MAX_GROUPS)
        return PGFN_RE_GROUP_NULLABLE | PGFN_RE_GROUP_QUANT | PGFN_RE_GROUP_NULLABLE_ITER;
    return g > 0 ? in->group_flags[g] : 0;
}

static void skip_space(scan_t *s)
{
    if (!s->expanded)
        return;
    while (s->p < s->end) {
        char c = *s->p;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            s->p++;
        } else if (c == '#') {
            while (s->p < s->end && *s->p != '\n')
                s->p++;
        } else {
            break;
        }
    }
}

static void note_char(scan_t *s, unsigned char c)
{
    if (c >= 0x80)
        s->info->nonascii = true;
}

/* "[:name:]" at p inside a bracket: the classes whose ASCII members Tcl sees otherwise. */
static void note_class(scan_t *s)
{
    static const char *const names[] = {"[:punct:]", "[:upper:]", "[:lower:]"};
    pgfn_re_info_t *in = s->info;
    for (size_t k = 0; k < AM_ARRAY_LEN(names); k++) {
        size_t n = strlen(names[k]);
        if ((size_t)(s->end - s->p) < n || memcmp(s->p, names[k], n) != 0)
            continue;
        if (in->n_fixes == (int)AM_ARRAY_LEN(in->fixes)) {
            in->fixes_overflow = true;
            return;
        }
        in->fixes[in->n_fixes].off = (size_t)(s->p - s->start);
        in->fixes[in->n_fixes].len = n;
        in->fixes[in->n_fixes++].kind = names[k][2];
    }
}

/* A bracket expression starting at p ('['); sets classes for [: [= [. and class escapes. */
static void scan_bracket(scan_t *s)
{
    s->p++;
    if (s->p < s->end && *s->p == '^')
        s->p++;
    if (s->p < s->end && *s->p == ']')
        s->p++;
    while (s->p < s->end && *s->p != ']') {
        char c = *s->p;
        if (c == '[' && s->p + 1 < s->end && (s->p[1] == ':' || s->p[1] == '=' || s->p[1] == '.')) {
            char kind = s->p[1];
            s->info->classes = true;
            if (kind == ':')
                note_class(s);
            if (kind == ':' && s->p + 3 < s->end && (s->p[2] == '<' || s->p[2] == '>'))
                s->info->word_bounds = true;
            s->p += 2;
            while (s->p + 1 < s->end && !(s->p[0] == kind && s->p[1] == ']'))
                note_char(s, (unsigned char)*s->p++);
            s->p += 2;
            continue;
        }
        if (c == '\\' && s->p + 1 < s->end) {
            char e = s->p[1];
            if (strchr("dswDSW", e))
                s->info->classes = true;
            if (e == 'u' || e == 'U' || e == 'x')
                s->info->big_escape = true;
            s->p += 2;
            continue;
        }
        note_char(s, (unsigned char)c);
        s->p++;
    }
    if (s->p < s->end)
        s->p++;
}

/* An escape at p ('\'); returns whether it is a zero-width constraint (nullable atom). */
static bool scan_escape(scan_t *s, bool *nullable)
{
    char e = '\0';
    if (s->p + 1 < s->end)
        e = s->p[1];
    s->p += 2;
    *nullable = false;
    if (strchr("dswDSW", e)) {
        s->info->classes = true;
        s->info->neg_escape |= e == 'D' || e == 'W';
    } else if (strchr("mMyY", e)) {
        s->info->classes = true;
        s->info->word_bounds = true;
        *nullable = true;
    } else if (e == 'A' || e == 'Z') {
        s->info->string_anchor |= e == 'A';
        *nullable = true;
    } else if (e == 'u' || e == 'U' || e == 'x') {
        s->info->big_escape = true;
    } else if (e >= '1' && e <= '9') {
        int g = e - '0';
        while (s->p < s->end && *s->p >= '0' && *s->p <= '9' &&
               g * 10 + (*s->p - '0') <= s->info->n_groups)
            g = g * 10 + (*s->p++ - '0');
        /* judged once the whole pattern is read: the group's quantifier may come later */
        bool bad = s->lookahead_depth > 0 || g > s->info->n_groups;
        for (int k = 0; k < s->depth && k < (int)AM_ARRAY_LEN(s->open_groups); k++)
            bad = bad || s->open_groups[k] == g;
        if (s->info->n_backrefs < (int)AM_ARRAY_LEN(s->info->backrefs))
            s->info->backrefs[s->info->n_backrefs++] = g;
        else
            bad = true;
        s->info->backref_refused |= bad;
        *nullable = true; /* conservatively: the group may have matched the empty string */
    } else {
        note_char(s, (unsigned char)e);
    }
    return true;
}

static bool scan_alt(scan_t *s);

/* "(...)" at p; returns the nullability of its content. */
static bool scan_group(scan_t *s, int *first, int *last)
{
    s->p++;
    int g = 0;
    bool look = false;
    if (s->p + 1 < s->end && s->p[0] == '?') {
        char k = s->p[1];
        if (k == '<')
            s->info->lookbehind = true;
        look = k == '=' || k == '!' || k == '<';
        s->p += k == '<' ? 3 : 2;
    } else {
        g = ++s->info->n_groups;
        if (s->depth < (int)AM_ARRAY_LEN(s->open_groups))
            s->open_groups[s->depth] = g;
    }
    *first = g ? g : s->info->n_groups + 1;
    s->depth++;
    s->lookahead_depth += look;
    bool nullable = scan_alt(s);
    s->lookahead_depth -= look;
    s->depth--;
    if (s->p < s->end && *s->p == ')')
        s->p++;
    if (g && nullable)
        group_set(s->info, g, PGFN_RE_GROUP_NULLABLE);
    *last = s->info->n_groups;
    return nullable || look;
}

/* A quantifier at p, if any: its minimum count (1 when there is none). */
static bool scan_quantifier(scan_t *s, int *min)
{
    skip_space(s);
    if (s->p >= s->end)
        return false;
    char c = *s->p;
    if (c == '*' || c == '?') {
        *min = 0;
    } else if (c == '+') {
        *min = 1;
    } else if (c == '{' && s->p + 1 < s->end && s->p[1] >= '0' && s->p[1] <= '9') {
        const char *q = s->p + 1;
        int m = 0;
        /* past 255 the engine refuses the count: capped, so that no count overflows */
        for (; q < s->end && *q >= '0' && *q <= '9'; q++)
            m = m > 1000 ? m : m * 10 + (*q - '0');
        const char *close = q;
        while (close < s->end && *close != '}')
            close++;
        /* {1} and {1,1}: Tcl's engine gives the groups around them other boundaries */
        s->info->exact_one |=
            m == 1 && (q == close || (close - q == 2 && q[0] == ',' && q[1] == '1'));
        *min = m;
        s->p = close;
    } else {
        return false;
    }
    s->p++;
    if (s->p < s->end && *s->p == '?')
        s->p++;
    return true;
}

/* One atom and its quantifier; returns its nullability. */
static bool scan_piece(scan_t *s)
{
    int first = 0, last = -1;
    bool nullable = false;
    char c = *s->p;
    if (c == '(') {
        nullable = scan_group(s, &first, &last);
    } else if (c == '[') {
        scan_bracket(s);
    } else if (c == '\\') {
        scan_escape(s, &nullable);
    } else if (c == '^' || c == '$') {
        s->p++;
        nullable = true;
    } else {
        note_char(s, (unsigned char)c);
        s->p += pgfn_text_u8len((unsigned char)c);
    }
    int min = 1;
    if (scan_quantifier(s, &min)) {
        for (int g = first; g <= last; g++)
            group_set(s->info, g, PGFN_RE_GROUP_QUANT);
        nullable = nullable || min == 0;
    }
    return nullable;
}

static bool scan_branch(scan_t *s)
{
    bool nullable = true;
    for (;;) {
        skip_space(s);
        if (s->p >= s->end || *s->p == '|' || *s->p == ')')
            return nullable;
        nullable = scan_piece(s) && nullable;
    }
}

static bool scan_alt(scan_t *s)
{
    bool nullable = scan_branch(s);
    while (s->p < s->end && *s->p == '|') {
        s->p++;
        nullable = scan_branch(s) || nullable;
    }
    return nullable;
}

/* Embedded options "(?letters)" at the start of an ARE. */
static void scan_options(scan_t *s, unsigned *flags)
{
    if (s->end - s->p < 3 || s->p[0] != '(' || s->p[1] != '?')
        return;
    const char *q = s->p + 2;
    while (q < s->end && *q >= 'a' && *q <= 'z')
        q++;
    if (q >= s->end || *q != ')')
        return;
    for (const char *o = s->p + 2; o < q; o++)
        *flags = pgfn_re_apply_flag(*flags, *o);
    s->p = q + 1;
}

void pgfn_re_scan(const char *pat, size_t len, unsigned flags, pgfn_re_info_t *info)
{
    memset(info, 0, sizeof *info);
    scan_t s = {.start = pat, .p = pat, .end = pat + len, .info = info};
    if (len >= 4 && memcmp(pat, "***=", 4) == 0) {
        flags = (flags & ~PGFN_RE_FLAVOR) | PGFN_RE_QUOTE;
        s.p += 4;
    } else if (len >= 4 && memcmp(pat, "***:", 4) == 0 &&
               (flags & PGFN_RE_FLAVOR) == PGFN_RE_ADVANCED) {
        s.p += 4;
    }
    if ((flags & PGFN_RE_FLAVOR) == PGFN_RE_ADVANCED)
        scan_options(&s, &flags);
    info->flags = flags;
    info->body_off = (size_t)(s.p - pat);
    if ((flags & PGFN_RE_FLAVOR) == PGFN_RE_QUOTE) {
        for (; s.p < s.end; s.p++)
            note_char(&s, (unsigned char)*s.p);
        return;
    }
    if ((flags & PGFN_RE_FLAVOR) != PGFN_RE_ADVANCED) {
        info->flavor_refused = true;
        return;
    }
    s.expanded = flags & PGFN_RE_EXPANDED;
    while (s.p < s.end) {
        scan_alt(&s);
        if (s.p < s.end)
            s.p++; /* an unbalanced ')' the engine accepted as a literal */
    }
    uint8_t both = PGFN_RE_GROUP_QUANT | PGFN_RE_GROUP_NULLABLE;
    for (int g = 1; g <= info->n_groups && g <= PGFN_RE_MAX_GROUPS; g++)
        if ((info->group_flags[g] & both) == both)
            info->group_flags[g] |= PGFN_RE_GROUP_NULLABLE_ITER;
    for (int k = 0; k < info->n_backrefs; k++)
        if (pgfn_re_group_flags(info, info->backrefs[k]) & PGFN_RE_GROUP_QUANT)
            info->backref_refused = true;
}

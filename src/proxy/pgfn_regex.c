/*
 * proxy/pgfn_regex.c: PostgreSQL's regular expression engine for the `text` family: Henry
 * Spencer's ARE engine as Tcl 8.6 ships it (PostgreSQL's engine is a copy of Tcl's), behind a
 * per-thread cache of compiled patterns. Owns every Tcl object it creates; Tcl objects belong
 * to one thread, so nothing here is shared between threads.
 *
 * Tcl holds characters in 16 bits: subject characters beyond U+FFFF are mapped to private-use
 * characters absent from the subject, one per distinct character, which is exact as long as
 * the pattern cannot name either (pgfn_re_subject_init refuses otherwise).
 * Tcl searches a subject from an offset without seeing what precedes it, where PostgreSQL
 * looks back: ^ is told whether a newline precedes, and patterns with \A or word constraints
 * are searched from one character earlier behind a one-character prefix (pgfn_re_exec).
 * Refusals (0A000) name the feature; compile errors are PostgreSQL's 2201B texts, which Tcl
 * shares word for word.
 */
#include "proxy/pgfn_text_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <tcl.h>

#define CACHE_SIZE 32
/* Internal compile flag: the pattern's body behind one character of left context. */
#define RE_CONTEXT 0x10000u
#define PUA_FIRST 0xe000u
#define PUA_LAST 0xf8ffu

struct pgfn_re {
    char *pat;
    size_t len;
    unsigned flags;
    Tcl_Obj *obj; /* holds the compiled regexp as its internal representation */
    Tcl_RegExp re;
    pgfn_re_info_t info;
};

typedef struct re_cache {
    pgfn_re_t *slot[CACHE_SIZE]; /* most recently used first */
    int n;
} re_cache_t;

static pthread_once_t tcl_once = PTHREAD_ONCE_INIT;
static pthread_key_t cache_key;
static _Thread_local re_cache_t *tls_cache;

static void entry_free(pgfn_re_t *e)
{
    if (!e)
        return;
    if (e->obj)
        Tcl_DecrRefCount(e->obj);
    free(e->pat);
    free(e);
}

/* Thread exit (the key's destructor): the thread's patterns, then Tcl's own per-thread data,
 * which Tcl frees only when told the thread is done. */
static void cache_free(void *p)
{
    re_cache_t *c = p;
    for (int i = 0; i < c->n; i++)
        entry_free(c->slot[i]);
    free(c);
    tls_cache = NULL;
    Tcl_FinalizeThread();
}

static void tcl_init(void)
{
    Tcl_FindExecutable(NULL);
    AM_ASSERT(pthread_key_create(&cache_key, cache_free) == 0);
}

static re_cache_t *cache_get(void)
{
    if (!tls_cache) {
        tls_cache = am_xcalloc(1, sizeof *tls_cache);
        AM_ASSERT(pthread_setspecific(cache_key, tls_cache) == 0);
    }
    return tls_cache;
}

unsigned pgfn_re_apply_flag(unsigned flags, char c)
{
    switch (c) {
    case 'b':
        return flags & ~PGFN_RE_FLAVOR;
    case 'c':
        return flags & ~PGFN_RE_ICASE;
    case 'e':
        return (flags & ~PGFN_RE_FLAVOR) | PGFN_RE_EXTENDED;
    case 'i':
        return flags | PGFN_RE_ICASE;
    case 'm':
    case 'n':
        return flags | PGFN_RE_NLSTOP | PGFN_RE_NLANCH;
    case 'p':
        return (flags | PGFN_RE_NLSTOP) & ~PGFN_RE_NLANCH;
    case 'q':
        return (flags & ~PGFN_RE_FLAVOR) | PGFN_RE_QUOTE;
    case 's':
        return flags & ~(PGFN_RE_NLSTOP | PGFN_RE_NLANCH);
    case 't':
        return flags & ~PGFN_RE_EXPANDED;
    case 'w':
        return (flags | PGFN_RE_NLANCH) & ~PGFN_RE_NLSTOP;
    case 'x':
        return flags | PGFN_RE_EXPANDED;
    default:
        return flags;
    }
}

/* UTF-8 to Tcl's 16-bit characters; false when a character is beyond U+FFFF. */
static bool to_uni(const char *s, size_t len, Tcl_UniChar *out, size_t *n)
{
    *n = 0;
    for (size_t k = 0; k < len;) {
        size_t cl = pgfn_text_u8len((unsigned char)s[k]);
        uint32_t cp = pgfn_text_decode(s + k, len - k);
        if (cp > 0xffff)
            return false;
        out[(*n)++] = (Tcl_UniChar)cp;
        k += cl;
    }
    return true;
}

static bool refuse(am_err_t *err, const char *what)
{
    return am_err_set(err, "0A000", "%s is not supported on the mirror", what);
}

/* The engine's message for a pattern Tcl refuses, as PostgreSQL words it. */
static bool compile_error(Tcl_Obj *obj, unsigned flags, am_err_t *err)
{
    static const char prefix[] = "couldn't compile regular expression pattern: ";
    Tcl_Interp *in = Tcl_CreateInterp();
    Tcl_RegExp re = Tcl_GetRegExpFromObj(in, obj, (int)flags);
    const char *msg = re ? "unknown error" : Tcl_GetStringResult(in);
    if (strncmp(msg, prefix, sizeof prefix - 1) == 0)
        msg += sizeof prefix - 1;
    am_err_set(err, "2201B", "invalid regular expression: %s", msg);
    Tcl_DeleteInterp(in);
    return false;
}

/* Escapes Tcl reads otherwise: PostgreSQL takes every hex digit of \x (Tcl two at most) and
 * wants exactly four after \u (Tcl takes fewer); \U names characters Tcl cannot hold.
 * Returns false with err set (0A000, or PostgreSQL's 2201B for a short \u). */
static bool check_escapes(const char *pat, size_t len, am_err_t *err)
{
    for (size_t k = 0; k + 1 < len; k++) {
        if (pat[k] != '\\')
            continue;
        char e = pat[++k];
        size_t d = 0;
        while (k + 1 + d < len && d < 9 && strchr("0123456789abcdefABCDEF", pat[k + 1 + d]))
            d++;
        if (e == 'U')
            return refuse(err, "a regular expression escape \\U");
        if (e == 'x' && d > 2)
            return refuse(err, "a regular expression escape \\x with more than two digits");
        if (e == 'u' && d < 4)
            return am_err_set(err, "2201B",
                              "invalid regular expression: invalid escape \\ "
                              "sequence");
    }
    return true;
}

static bool compile_refusals(const pgfn_re_t *e, am_err_t *err)
{
    const pgfn_re_info_t *in = &e->info;
    if (in->lookbehind)
        return refuse(err, "a lookbehind constraint in a regular expression");
    if (in->flavor_refused)
        return refuse(err, "a basic or extended regular expression flavor (options b, e)");
    if (in->backref_refused)
        return refuse(err, "a back-reference to a quantified group in a regular expression");
    if ((in->flags & PGFN_RE_ICASE) && in->nonascii)
        return refuse(err, "case-insensitive matching of a non-ASCII regular expression (it "
                           "depends on the source's locale)");
    if (in->neg_escape && (in->flags & PGFN_RE_NLSTOP))
        return refuse(err, "\\D or \\W in a newline-sensitive regular expression (PostgreSQL's "
                           "match newlines, Tcl's do not)");
    if (in->fixes_overflow)
        return refuse(err, "a regular expression with more than 16 [:punct:], [:upper:] or "
                           "[:lower:] classes");
    if (in->n_groups > PGFN_RE_MAX_GROUPS)
        return refuse(err, "a regular expression with more than 64 capturing groups");
    if ((in->flags & PGFN_RE_FLAVOR) == PGFN_RE_ADVANCED)
        return check_escapes(e->pat + in->body_off, e->len - in->body_off, err);
    return true;
}

static pgfn_re_t *entry_new(const char *pat, size_t len, unsigned flags, am_err_t *err);

/* The pattern as Tcl must read it: Tcl's [:punct:] leaves out the ASCII symbols $+<=>^`|~
 * (Unicode calls them symbols), and its [:upper:] and [:lower:] take in the digits under
 * case-insensitive matching; PostgreSQL's classes on ASCII are the C library's. (Non-ASCII
 * text with classes is refused.) Caller frees. */
static char *fix_classes(const char *pat, size_t len, const pgfn_re_info_t *in, size_t *out_len)
{
    am_buf_t b;
    am_buf_init(&b);
    size_t at = 0;
    for (int k = 0; k < in->n_fixes; k++) {
        am_buf_append(&b, pat + at, in->fixes[k].off - at);
        if (in->fixes[k].kind == 'p')
            am_buf_puts(&b, "!-/:-@[-`{-~");
        else if (in->flags & PGFN_RE_ICASE)
            am_buf_puts(&b, "[:alpha:]");
        else
            am_buf_append(&b, pat + in->fixes[k].off, in->fixes[k].len);
        at = in->fixes[k].off + in->fixes[k].len;
    }
    am_buf_append(&b, pat + at, len - at);
    return am_buf_steal(&b, out_len);
}

/* "[any character](?:body)": searched from one character before where PostgreSQL resumes, it
 * finds PostgreSQL's next match one character later, with that character as the left context
 * that \A, ^ and the word constraints look at. A bracket, unlike an alternation, gives the
 * pattern no greediness of its own. */
static pgfn_re_t *context_new(const char *pat, size_t len, unsigned flags, am_err_t *err)
{
    pgfn_re_info_t in;
    pgfn_re_scan(pat, len, flags & ~RE_CONTEXT, &in);
    char *w =
        am_xasprintf("[\\u0001-\\uffff](?:%.*s)", (int)(len - in.body_off), pat + in.body_off);
    pgfn_re_t *e = entry_new(w, strlen(w), in.flags, err);
    free(w);
    if (!e)
        return NULL;
    free(e->pat);
    e->pat = am_xstrndup(pat, len);
    e->len = len;
    e->flags = flags;
    return e;
}

static pgfn_re_t *entry_new(const char *pat, size_t len, unsigned flags, am_err_t *err)
{
    if (flags & RE_CONTEXT)
        return context_new(pat, len, flags, err);
    pgfn_re_t *e = am_xcalloc(1, sizeof *e);
    e->pat = am_xstrndup(pat, len);
    e->len = len;
    e->flags = flags;
    pgfn_re_scan(pat, len, flags, &e->info);
    size_t tl;
    char *text = fix_classes(pat, len, &e->info, &tl);
    Tcl_UniChar *u = am_xmalloc((tl + 1) * sizeof *u);
    size_t n;
    bool bmp = to_uni(text, tl, u, &n);
    free(text);
    if (bmp) {
        e->obj = Tcl_NewUnicodeObj(u, (int)n);
        Tcl_IncrRefCount(e->obj);
        e->re = Tcl_GetRegExpFromObj(NULL, e->obj, (int)flags);
    }
    free(u);
    bool ok;
    if (!bmp)
        ok = refuse(err, "a regular expression with characters beyond U+FFFF");
    else if (e->re)
        ok = compile_refusals(e, err);
    else if (e->info.lookbehind)
        ok = refuse(err, "a lookbehind constraint in a regular expression");
    else
        ok = compile_error(e->obj, flags, err);
    if (!ok) {
        entry_free(e);
        return NULL;
    }
    return e;
}

const pgfn_re_t *pgfn_re_compile(const char *pat, size_t len, unsigned flags, am_err_t *err)
{
    AM_ASSERT(pthread_once(&tcl_once, tcl_init) == 0);
    re_cache_t *c = cache_get();
    for (int i = 0; i < c->n; i++) {
        pgfn_re_t *e = c->slot[i];
        if (e->len == len && e->flags == flags && memcmp(e->pat, pat, len) == 0) {
            memmove(&c->slot[1], &c->slot[0], (size_t)i * sizeof(pgfn_re_t *));
            c->slot[0] = e;
            return e;
        }
    }
    pgfn_re_t *e = entry_new(pat, len, flags, err);
    if (!e)
        return NULL;
    if (c->n == CACHE_SIZE)
        entry_free(c->slot[--c->n]);
    memmove(&c->slot[1], &c->slot[0], (size_t)c->n * sizeof(pgfn_re_t *));
    c->slot[0] = e;
    c->n++;
    return e;
}

const pgfn_re_info_t *pgfn_re_info(const pgfn_re_t *re)
{
    return &re->info;
}

/* ---- subjects ----------------------------------------------------------------------------- */

/* Private-use stand-ins for characters beyond U+FFFF, none of them in the subject. */
static bool map_wide(const char *s, size_t len, Tcl_UniChar *u, size_t n, am_err_t *err)
{
    uint8_t used[(PUA_LAST - PUA_FIRST + 8) / 8] = {0};
    uint32_t from[64];
    Tcl_UniChar to[64];
    size_t n_map = 0, k = 0, next = PUA_FIRST;
    for (size_t i = 0; i < n; i++)
        if (u[i] >= PUA_FIRST && u[i] <= PUA_LAST)
            used[(u[i] - PUA_FIRST) / 8] |= (uint8_t)(1u << ((u[i] - PUA_FIRST) % 8));
    for (size_t i = 0; i < n; i++, k += pgfn_text_u8len((unsigned char)s[k])) {
        uint32_t cp = pgfn_text_decode(s + k, len - k);
        if (cp <= 0xffff)
            continue;
        size_t m = 0;
        while (m < n_map && from[m] != cp)
            m++;
        if (m == n_map) {
            while (next <= PUA_LAST &&
                   (used[(next - PUA_FIRST) / 8] >> ((next - PUA_FIRST) % 8)) & 1)
                next++;
            if (next > PUA_LAST || n_map == AM_ARRAY_LEN(from))
                return refuse(err, "a regular expression on text with this many distinct "
                                   "characters beyond U+FFFF");
            from[n_map] = cp;
            to[n_map++] = (Tcl_UniChar)next++;
        }
        u[i] = to[m];
    }
    return true;
}

static bool subject_refusals(const pgfn_re_t *re, const pgfn_re_subject_t *sub, bool wide,
                             am_err_t *err)
{
    const pgfn_re_info_t *in = &re->info;
    if (sub->nonascii && in->classes)
        return refuse(err, "a regular expression with character classes or word constraints "
                           "on non-ASCII text (it depends on the source's locale)");
    if (sub->nonascii && in->n_backrefs > 0 && (in->flags & PGFN_RE_ICASE))
        return refuse(err, "a case-insensitive back-reference on non-ASCII text (it depends on "
                           "the source's locale)");
    if (wide && (in->nonascii || in->big_escape))
        return refuse(err, "a regular expression naming non-ASCII characters on text with "
                           "characters beyond U+FFFF");
    return true;
}

bool pgfn_re_subject_init(pgfn_re_subject_t *sub, const pgfn_re_t *re, const char *s, size_t len,
                          am_err_t *err)
{
    memset(sub, 0, sizeof *sub);
    sub->s = s;
    sub->len = len;
    Tcl_UniChar *u = am_xmalloc((len + 1) * sizeof *u);
    sub->byte_off = am_xmalloc((len + 1) * sizeof *sub->byte_off);
    bool wide = false;
    size_t n = 0, k = 0;
    while (k < len) {
        unsigned char c = (unsigned char)s[k];
        uint32_t cp = pgfn_text_decode(s + k, len - k);
        sub->nonascii |= c >= 0x80;
        wide |= cp > 0xffff;
        sub->byte_off[n] = k;
        u[n++] = (Tcl_UniChar)(cp > 0xffff ? 0 : cp);
        k += pgfn_text_u8len(c);
    }
    sub->byte_off[n] = len;
    sub->n_chars = n;
    bool ok = subject_refusals(re, sub, wide, err) && (!wide || map_wide(s, len, u, n, err));
    if (ok) {
        Tcl_Obj *obj = Tcl_NewUnicodeObj(u, (int)n);
        Tcl_IncrRefCount(obj);
        sub->obj = obj;
    }
    free(u);
    if (!ok)
        pgfn_re_subject_destroy(sub);
    return ok;
}

void pgfn_re_subject_destroy(pgfn_re_subject_t *sub)
{
    if (sub->obj)
        Tcl_DecrRefCount((Tcl_Obj *)sub->obj);
    free(sub->byte_off);
    memset(sub, 0, sizeof *sub);
}

static bool exec_error(const pgfn_re_t *re, pgfn_re_subject_t *sub, size_t start, int eflags,
                       am_err_t *err)
{
    Tcl_Interp *in = Tcl_CreateInterp();
    (void)Tcl_RegExpExecObj(in, re->re, (Tcl_Obj *)sub->obj, (int)start, -1, eflags);
    am_err_set(err, "2201B", "regular expression failed: %s", Tcl_GetStringResult(in));
    Tcl_DeleteInterp(in);
    return false;
}

static bool exec_at(const pgfn_re_t *re, pgfn_re_subject_t *sub, size_t start, int eflags,
                    long shift, pgfn_re_match_t *m, am_err_t *err)
{
    int r = Tcl_RegExpExecObj(NULL, re->re, (Tcl_Obj *)sub->obj, (int)start, -1, eflags);
    if (r < 0)
        return exec_error(re, sub, start, eflags, err);
    if (r == 0)
        return true;
    Tcl_RegExpInfo info;
    Tcl_RegExpGetInfo(re->re, &info);
    m->found = true;
    m->n_groups = info.nsubs;
    for (int g = 0; g <= info.nsubs && g <= PGFN_RE_MAX_GROUPS; g++) {
        bool set = info.matches[g].start >= 0;
        m->so[g] = set ? (long)start + info.matches[g].start : -1;
        m->eo[g] = set ? (long)start + info.matches[g].end : -1;
    }
    m->so[0] += shift;
    return true;
}

bool pgfn_re_exec(const pgfn_re_t *re, pgfn_re_subject_t *sub, size_t start, pgfn_re_match_t *m,
                  am_err_t *err)
{
    m->found = false;
    if (start > sub->n_chars)
        return true;
    if (start == 0)
        return exec_at(re, sub, 0, 0, 0, m, err);
    if (re->info.string_anchor || re->info.word_bounds) {
        /* re stays cached: it is the most recently used entry */
        const pgfn_re_t *ctx = pgfn_re_compile(re->pat, re->len, re->flags | RE_CONTEXT, err);
        return ctx && exec_at(ctx, sub, start - 1, 0, 1, m, err);
    }
    bool nl = sub->s[sub->byte_off[start - 1]] == '\n';
    int eflags = nl && (re->info.flags & PGFN_RE_NLANCH) ? 0 : TCL_REG_NOTBOL;
    return exec_at(re, sub, start, eflags, 0, m, err);
}

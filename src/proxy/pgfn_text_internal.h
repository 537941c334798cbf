/*
 * proxy/pgfn_text_internal.h: shared by the `text` family's own files (pgfn_text*.c,
 * pgfn_regex*.c) only: the runner and the row functions each file defines.
 */
#ifndef AM_PROXY_PGFN_TEXT_INTERNAL_H
#define AM_PROXY_PGFN_TEXT_INTERNAL_H

#include "proxy/pgfn_internal.h"
#include "proxy/pgfn_text.h"

#define PGFN_TEXT_MAX_ARGS 8

/* Runs fn on every row of input, writing out; strict: NULL in any argument gives NULL. */
void proxy__pgfn_text_run(duckdb_function_info info, duckdb_data_chunk input, duckdb_vector out,
                          pgfn_text_row_fn fn, bool strict);

/* Each family file exports its row functions through a table the registration reads. */
typedef struct pgfn_text_fn {
    const char *name;
    const char *ret;                        /* DuckDB SQL type */
    const char *params[PGFN_TEXT_MAX_ARGS]; /* DuckDB SQL types; NULL ends */
    const char *varargs;                    /* NULL: none */
    pgfn_text_row_fn fn;
    bool strict;
} pgfn_text_fn_t;

extern const pgfn_text_fn_t proxy__pgfn_text_str_fns[];
extern const size_t proxy__pgfn_text_str_n;
extern const pgfn_text_fn_t proxy__pgfn_text_fmt_fns[];
extern const size_t proxy__pgfn_text_fmt_n;
extern const pgfn_text_fn_t proxy__pgfn_text_bin_fns[];
extern const size_t proxy__pgfn_text_bin_n;
extern const pgfn_text_fn_t proxy__pgfn_text_like_fns[];
extern const size_t proxy__pgfn_text_like_n;
extern const pgfn_text_fn_t proxy__pgfn_text_array_fns[];
extern const size_t proxy__pgfn_text_array_n;

/* 54000 "requested length too large" (PostgreSQL's check of a result's size); false. */
bool proxy__pgfn_text_too_long(am_err_t *err);
/* True when a result of n bytes fits PostgreSQL's 1 GB limit on a value. */
bool proxy__pgfn_text_fits(uint64_t n);

/* ---- regular expressions (pgfn_regex*.c) -------------------------------------------------- */

/* Compile flags: PostgreSQL's regex.h values, which are also Tcl's (TCL_REG_*). */
#define PGFN_RE_EXTENDED 01u
#define PGFN_RE_ADVANCED 03u
#define PGFN_RE_QUOTE 04u
#define PGFN_RE_FLAVOR 07u
#define PGFN_RE_ICASE 010u
#define PGFN_RE_NOSUB 020u
#define PGFN_RE_EXPANDED 040u
#define PGFN_RE_NLSTOP 0100u
#define PGFN_RE_NLANCH 0200u

#define PGFN_RE_MAX_GROUPS 64
#define PGFN_RE_GROUP_NULLABLE 1u      /* can match the empty string */
#define PGFN_RE_GROUP_QUANT 2u         /* inside (or is) a quantified atom */
#define PGFN_RE_GROUP_NULLABLE_ITER 4u /* both: PostgreSQL may report "" where Tcl reports none */

/* What pgfn_re_scan() learnt of a pattern the engine accepted. */
typedef struct pgfn_re_info {
    unsigned flags;       /* the flags after embedded options and directors */
    size_t body_off;      /* where the pattern starts after them */
    bool flavor_refused;  /* BRE or ERE flavor (options b, e) */
    bool lookbehind;      /* (?<= or (?<! */
    bool classes;         /* class escapes, [: :] [= =] [. .], word constraints */
    bool word_bounds;     /* \m \M \y \Y [[:<:]] [[:>:]] */
    bool string_anchor;   /* \A */
    bool nonascii;        /* a non-ASCII character in the pattern */
    bool big_escape;      /* \u \U \x escapes */
    bool backref_refused; /* a back-reference Tcl may not answer as PostgreSQL does */
    bool exact_one;       /* a {1} or {1,1} quantifier: group boundaries may differ */
    bool neg_escape;      /* \\D or \\W outside a bracket */
    int n_fixes;          /* [:punct:], [:upper:], [:lower:] items to rewrite for Tcl */
    struct {
        size_t off, len;
        char kind; /* 'p', 'u', 'l' */
    } fixes[16];
    bool fixes_overflow;
    int n_groups;
    int n_backrefs;
    int backrefs[16];
    uint8_t group_flags[PGFN_RE_MAX_GROUPS + 1];
} pgfn_re_info_t;

/* One option letter (b c e i m n p q s t w x) applied to flags as PostgreSQL does; the
 * caller has checked the letter. */
unsigned pgfn_re_apply_flag(unsigned flags, char c);
void pgfn_re_scan(const char *pat, size_t len, unsigned flags, pgfn_re_info_t *info);
/* PGFN_RE_GROUP_* of group g (all of them beyond PGFN_RE_MAX_GROUPS). */
uint8_t pgfn_re_group_flags(const pgfn_re_info_t *info, int g);

/* A compiled pattern: borrowed from this thread's cache, valid until the thread's next
 * pgfn_re_compile(). NULL + err: 2201B PostgreSQL's compile error, 0A000 refused feature. */
typedef struct pgfn_re pgfn_re_t;
const pgfn_re_t *pgfn_re_compile(const char *pat, size_t len, unsigned flags, am_err_t *err);
const pgfn_re_info_t *pgfn_re_info(const pgfn_re_t *re);

/* A subject prepared for one pattern: characters counted as PostgreSQL counts them. */
typedef struct pgfn_re_subject {
    const char *s;
    size_t len;
    size_t n_chars;
    size_t *byte_off; /* byte offset of each character, and len at [n_chars] */
    bool nonascii;
    void *obj; /* the engine's copy */
} pgfn_re_subject_t;

/* False + err (0A000) when the pattern cannot be answered exactly on this subject. */
bool pgfn_re_subject_init(pgfn_re_subject_t *sub, const pgfn_re_t *re, const char *s, size_t len,
                          am_err_t *err);
void pgfn_re_subject_destroy(pgfn_re_subject_t *sub);

typedef struct pgfn_re_match {
    bool found;
    int n_groups;
    long so[PGFN_RE_MAX_GROUPS + 1]; /* character offsets; -1: the group did not take part */
    long eo[PGFN_RE_MAX_GROUPS + 1];
} pgfn_re_match_t;

/* The leftmost match starting at character start or later, as PostgreSQL's pg_regexec with
 * search_start finds it (m->found false: none). */
bool pgfn_re_exec(const pgfn_re_t *re, pgfn_re_subject_t *sub, size_t start, pgfn_re_match_t *m,
                  am_err_t *err) AM_MUST_CHECK;

/* substring(s from pat): the first group's text, or the whole match when there is none;
 * res->null when there is no match or the group took no part. */
bool proxy__pgfn_regex_substring(const pgfn_text_arg_t *s, const char *pat, size_t pat_len,
                                 pgfn_text_res_t *res, am_err_t *err);

/* s ~ pat (an ARE without options). */
bool proxy__pgfn_regex_test(const pgfn_text_arg_t *s, const char *pat, size_t pat_len,
                            bool *matched, am_err_t *err);

extern const pgfn_text_fn_t proxy__pgfn_regex_fns[];
extern const size_t proxy__pgfn_regex_n;
extern const pgfn_text_fn_t proxy__pgfn_regex_similar_fns[];
extern const size_t proxy__pgfn_regex_similar_n;

#endif /* AM_PROXY_PGFN_TEXT_INTERNAL_H */

/*
 * proxy/pgfn_text.h: the `text` family of am_* functions (docs/pgface.md section 4):
 * PostgreSQL 15's string functions, array text I/O and regular expressions, registered in
 * DuckDB by proxy__pgfn_text_register(). Text is DuckDB VARCHAR (UTF-8; PostgreSQL counts
 * characters, so do we); bytea is BLOB; text[] is VARCHAR[]; arguments of other PostgreSQL
 * types arrive as their PostgreSQL text output unless a signature says otherwise.
 *
 * Every row function below is pure C (no DuckDB): it reads its arguments, writes its result
 * into a pgfn_text_res_t, or fails with PostgreSQL's SQLSTATE and message in err. The DuckDB
 * glue (pgfn_text.c) only moves values between vectors and these structs.
 *
 * Functions are strict (NULL in, NULL out) unless marked "NULLs:" below.
 *
 * Strings (pgfn_text_str.c, pgfn_text_fmt.c, pgfn_text_bin.c):
 *   am_format(VARCHAR, VARCHAR...) -> VARCHAR                  format(); NULLs: as PostgreSQL
 *   am_quote_ident(VARCHAR) -> VARCHAR                         quote_ident()
 *   am_quote_literal(VARCHAR) -> VARCHAR                       quote_literal()
 *   am_quote_nullable(VARCHAR) -> VARCHAR                      quote_nullable(); NULLs: 'NULL'
 *   am_parse_ident(VARCHAR, BOOLEAN) -> VARCHAR[]              parse_ident()
 *   am_initcap(VARCHAR) -> VARCHAR                             initcap(): ASCII letters only;
 *       refuses (0A000) text with non-ASCII letters, whose case depends on the locale
 *   am_lpad / am_rpad(VARCHAR, BIGINT[, VARCHAR]) -> VARCHAR   lpad(), rpad()
 *   am_btrim / am_ltrim / am_rtrim(VARCHAR[, VARCHAR]) -> VARCHAR
 *   am_translate(VARCHAR, VARCHAR, VARCHAR) -> VARCHAR
 *   am_repeat(VARCHAR, BIGINT) -> VARCHAR
 *   am_split_part(VARCHAR, VARCHAR, BIGINT) -> VARCHAR
 *   am_left / am_right(VARCHAR, BIGINT) -> VARCHAR
 *   am_reverse(VARCHAR) -> VARCHAR
 *   am_strpos(VARCHAR, VARCHAR) -> BIGINT
 *   am_substr(VARCHAR, BIGINT[, BIGINT]) -> VARCHAR            substr(), substring(from for)
 *   am_overlay(VARCHAR, VARCHAR, BIGINT[, BIGINT]) -> VARCHAR  overlay(placing from for)
 *   am_replace(VARCHAR, VARCHAR, VARCHAR) -> VARCHAR
 *   am_chr(BIGINT) -> VARCHAR                                   chr()
 *   am_ascii(VARCHAR) -> BIGINT                                 ascii()
 *   am_to_hex(BIGINT | INTEGER) -> VARCHAR                      to_hex(int8 | int4)
 *   am_md5(VARCHAR) / am_md5_bytea(BLOB) -> VARCHAR             md5()
 *   am_sha224 / am_sha256 / am_sha384 / am_sha512(BLOB) -> BLOB
 *   am_encode(BLOB, VARCHAR) -> VARCHAR, am_decode(VARCHAR, VARCHAR) -> BLOB:
 *       formats base64, hex, escape
 *   am_string_to_array(VARCHAR, VARCHAR[, VARCHAR]) -> VARCHAR[]   NULLs: as PostgreSQL
 *   am_array_to_string(VARCHAR[], VARCHAR[, VARCHAR]) -> VARCHAR   NULLs: as PostgreSQL
 *
 * Arrays (pgfn_text_array.c):
 *   am_array_out(VARCHAR[], VARCHAR) -> VARCHAR   array_out of 1-D arrays of element texts with
 *       the type's delimiter
 *   am_array_in(VARCHAR) -> VARCHAR[]             array_in for 1-D arrays from 1 (element texts);
 *       refuses other dimensions or bounds with 0A000
 *
 * LIKE (pgfn_text_like.c):
 *   am_like(VARCHAR s, VARCHAR pattern, VARCHAR escape, BOOLEAN case_insensitive) -> BOOLEAN
 *       s LIKE / ILIKE pattern ESCAPE escape (default escape: pass '\\'; '' disables it).
 *       DuckDB's like_escape differs (see the file). ILIKE refuses non-ASCII patterns and the
 *       two characters that lower to ASCII (U+0130, U+212A): case depends on the locale.
 *
 * Regular expressions (pgfn_regex*.c; PostgreSQL's ARE engine as Tcl 8.6 ships it). flags
 * are PostgreSQL's option letters (b c e g i m n p q s t w x; others: 22023). Compile errors
 * are PostgreSQL's 2201B "invalid regular expression: ..." texts. Refused with 0A000: lookbehind
 * constraints; the b and e flavors; back-references to groups inside a quantifier; more than
 * 64 groups; \U escapes and \x with more than two digits; \D and \W in newline-sensitive
 * mode; characters beyond U+FFFF in the pattern (in the
 * text they are fine unless the pattern names non-ASCII characters); class escapes, [[:...:]]
 * and word constraints on non-ASCII text, case-insensitive non-ASCII patterns (locale); group
 * values where the two engines differ: a quantified group that matched nothing (PostgreSQL
 * says "", Tcl no match) and groups of patterns with {1} or {1,1}.
 *   am_re_match(VARCHAR, VARCHAR pattern, VARCHAR flags) -> BOOLEAN   ~ (flags ''), ~* ('i');
 *       !~ and !~* are its negation
 *   am_regexp_like(VARCHAR, VARCHAR[, VARCHAR flags]) -> BOOLEAN
 *   am_regexp_match(VARCHAR, VARCHAR[, VARCHAR flags]) -> VARCHAR[]
 *   am_regexp_matches(VARCHAR, VARCHAR[, VARCHAR flags]) -> VARCHAR[][]   one list per row
 *       regexp_matches() returns ([] for none; unnest it)
 *   am_regexp_replace(VARCHAR, VARCHAR, VARCHAR[, VARCHAR flags]) -> VARCHAR
 *   am_regexp_replace(VARCHAR, VARCHAR, VARCHAR, BIGINT start[, BIGINT n[, VARCHAR flags]])
 *   am_regexp_split_to_array(VARCHAR, VARCHAR[, VARCHAR flags]) -> VARCHAR[]
 *   am_regexp_count(VARCHAR, VARCHAR[, BIGINT start[, VARCHAR flags]]) -> BIGINT
 *   am_regexp_instr(VARCHAR, VARCHAR[, start[, n[, endoption[, VARCHAR flags[, subexpr]]]]])
 *   am_regexp_substr(VARCHAR, VARCHAR[, start[, n[, VARCHAR flags[, subexpr]]]]) -> VARCHAR
 *   am_substring_re(VARCHAR, VARCHAR pattern) -> VARCHAR        substring(s from pattern)
 *   am_similar_to_regex(VARCHAR pattern, VARCHAR escape) -> VARCHAR   similar_to_escape()
 *   am_similar_match(VARCHAR, VARCHAR pattern, VARCHAR escape) -> BOOLEAN   SIMILAR TO
 *       (no ESCAPE clause: pass '\\')
 *   am_substring_similar(VARCHAR, VARCHAR pattern, VARCHAR escape) -> VARCHAR
 *       substring(s similar pattern escape escape); refuses text over 4000 characters when
 *       the pattern has #" markers
 *
 * Errors carry PostgreSQL's message; where PostgreSQL adds a DETAIL, it follows the message
 * after a newline ("malformed array literal: ...\nUnexpected end of input.").
 *
 * Threads: every function may run on any DuckDB worker thread at once; the regular
 * expression cache is per thread.
 */
#ifndef AM_PROXY_PGFN_TEXT_H
#define AM_PROXY_PGFN_TEXT_H

#include "util/util.h"

/* One argument of a row function. */
typedef struct pgfn_text_item {
    const char *s; /* not NUL-terminated */
    size_t len;
    bool null;
} pgfn_text_item_t;

typedef struct pgfn_text_arg {
    bool null;
    const char *s; /* VARCHAR, BLOB: bytes (not NUL-terminated) */
    size_t len;
    int64_t i;                     /* BIGINT, INTEGER, SMALLINT */
    bool b;                        /* BOOLEAN */
    const pgfn_text_item_t *items; /* VARCHAR[] */
    size_t n_items;
    int int_bits; /* 64, 32 or 16 for integer arguments */
} pgfn_text_arg_t;

/* A result: text/bytes in buf, or a number, or a list (of lists) of texts. */
typedef struct pgfn_text_res {
    bool null;
    am_buf_t buf; /* VARCHAR, BLOB; list elements are stored here too */
    int64_t i;
    bool b;
    size_t n_items, cap_items;
    size_t *item_off; /* offset into buf */
    size_t *item_len;
    bool *item_null;
    size_t n_groups, cap_groups;
    size_t *group_end; /* VARCHAR[][]: items [group_end[g-1], group_end[g]) form group g */
} pgfn_text_res_t;

void pgfn_text_res_init(pgfn_text_res_t *r);
void pgfn_text_res_reset(pgfn_text_res_t *r);
void pgfn_text_res_destroy(pgfn_text_res_t *r);
void pgfn_text_res_item(pgfn_text_res_t *r, const char *s, size_t len);
void pgfn_text_res_item_null(pgfn_text_res_t *r);
void pgfn_text_res_group_end(pgfn_text_res_t *r);

/* A row function: false + err on error. */
typedef bool (*pgfn_text_row_fn)(const pgfn_text_arg_t *args, size_t n_args, pgfn_text_res_t *res,
                                 am_err_t *err);

/* ---- UTF-8 helpers (text is valid UTF-8: DuckDB checks VARCHAR) --------------------------- */

/* Bytes of the character starting with byte c. */
size_t pgfn_text_u8len(unsigned char c);
/* Number of characters in s[0..len). */
size_t pgfn_text_nchars(const char *s, size_t len);
/* Byte offset of character n (or len when there are fewer). */
size_t pgfn_text_char_off(const char *s, size_t len, size_t n);
/* Code point of the character at s (len bytes available). */
uint32_t pgfn_text_decode(const char *s, size_t len);
/* Appends code point cp as UTF-8. */
void pgfn_text_put_cp(am_buf_t *b, uint32_t cp);

/* ---- pure C entry points other proxy code uses -------------------------------------------- */

/* PostgreSQL's array_out of a 1-D array of element texts (NULL elements: items[i].null),
 * appended to out: "{a,\"b c\",NULL}". delim is the element type's delimiter (',' but ';' for
 * box). */
void pgfn_text_array_out(const pgfn_text_item_t *items, size_t n, char delim, am_buf_t *out);

/* PostgreSQL's array_in for a 1-D array starting at 1 with delimiter delim: the element texts
 * (de-quoted, de-escaped) as items of res. 22P02 "malformed array literal: ..." with
 * PostgreSQL's DETAIL text appended after a newline, 0A000 for more dimensions or other
 * bounds, 54000 beyond PostgreSQL's limits. */
bool pgfn_text_array_in(const char *s, size_t len, char delim, pgfn_text_res_t *res,
                        am_err_t *err) AM_MUST_CHECK;

/* PostgreSQL's quote_ident() of name[0..len), appended to out. */
void pgfn_text_quote_ident(const char *name, size_t len, am_buf_t *out);
/* PostgreSQL's quote_literal() of s[0..len), appended to out. */
void pgfn_text_quote_literal(const char *s, size_t len, am_buf_t *out);

/* The regular expression PostgreSQL builds for `SIMILAR TO pat ESCAPE esc` (esc NULL: the
 * default backslash; esc_len 0: no escape character), appended to out. */
bool pgfn_text_similar_regex(const char *pat, size_t pat_len, const char *esc, size_t esc_len,
                             am_buf_t *out, am_err_t *err) AM_MUST_CHECK;

#endif /* AM_PROXY_PGFN_TEXT_H */

/*
 * proxy/pgfn_more.h: the `more` family of am_* functions (docs/pgface.md section 4): the
 * PostgreSQL 15 functions the SQL compiler's tables (sqlc_functab*.c) needed beyond the other
 * families, registered in DuckDB by proxy__pgfn_more_register(). Each row function is pure C:
 * it reads its arguments and writes its result, or fails with PostgreSQL's SQLSTATE and message
 * (a DETAIL or HINT follows the message after "\nDETAIL:  " / "\nHINT:  "). The glue
 * (pgfn_more.c) moves values between DuckDB vectors and these structs.
 *
 * Functions are strict (NULL in, NULL out) unless marked "NULLs:".
 *
 * Aggregates (pgfn_more_agg.c): see that file; am_f4_sum, am_f8_sum, am_f8_avg,
 * am_f8_var_pop/var_samp/stddev_pop/stddev_samp, am_f8_corr, am_f8_covar_pop/samp,
 * am_f8_regr_avgx/avgy/count/intercept/r2/slope/sxx/sxy/syy.
 *
 * Numbers (pgfn_more_num.c):
 *   am_num_factorial(BIGINT) -> VARCHAR             factorial(int8) as numeric text; 22003
 *       "factorial of a negative number is undefined", "value overflows numeric format"
 *   am_num_series(VARCHAR start, VARCHAR stop[, VARCHAR step]) -> VARCHAR[]
 *       generate_series(numeric, numeric[, numeric]): the values as numeric text, each the
 *       previous plus step (scales as PostgreSQL's add_var); 22023 for a zero, NaN or infinite
 *       argument as PostgreSQL words it
 *   am_int_abs(BIGINT x, INTEGER bits) -> BIGINT, am_int_neg(BIGINT x, INTEGER bits) -> BIGINT
 *       abs() and unary minus of int2/int4/int8 (bits 16, 32, 64): 22003 "smallint out of
 *       range" (integer, bigint) for the smallest value
 *   am_int_shl(BIGINT x, INTEGER n, INTEGER bits) -> BIGINT   int2/int4/int8 << n: the shift
 *       count taken modulo bits as the C shift PostgreSQL runs on x86-64, the result wrapped to
 *       bits (16, 32, 64) as int2shl/int4shl/int8shl do; am_int_shr(...) the same for >>
 *   am_f8_width_bucket(DOUBLE, DOUBLE, DOUBLE, INTEGER) -> INTEGER   width_bucket(float8 ...)
 *       with 2201G errors and 22003 "integer out of range"
 *   am_size_bytes(VARCHAR) -> BIGINT                 pg_size_bytes(text); 22023 "invalid size:
 *       ..." (with DETAIL and HINT for a bad unit), 22003 "bigint out of range"
 *
 * Bytes and text (pgfn_more_bin.c):
 *   am_convert_from(BLOB, VARCHAR enc) -> VARCHAR, am_convert_to(VARCHAR, VARCHAR enc) -> BLOB,
 *   am_convert(BLOB, VARCHAR src, VARCHAR dst) -> BLOB
 *       convert_from/convert_to/convert with the database encoding UTF8: UTF8 (and its aliases)
 *       only; 22021 "invalid byte sequence for encoding \"UTF8\": 0x.." as pg_verify_mbstr;
 *       22023 "invalid source/destination encoding name"; other encodings 0A000
 *   am_get_byte(BLOB, INTEGER) -> INTEGER, am_set_byte(BLOB, INTEGER, INTEGER) -> BLOB,
 *   am_get_bit(BLOB, BIGINT) -> INTEGER, am_set_bit(BLOB, BIGINT, INTEGER) -> BLOB
 *       2202E "index N out of valid range, 0..M", 22023 "new bit must be 0 or 1"
 *   am_bytea_bit_count(BLOB) -> BIGINT               bit_count(bytea)
 *   am_bytea_substr(BLOB, INTEGER start[, INTEGER len]) -> BLOB   substring/substr of bytea;
 *       22011 "negative substring length not allowed"
 *   am_unistr(VARCHAR) -> VARCHAR                    unistr(): \XXXX \+XXXXXX \uXXXX
 *       \UXXXXXXXX \\; 42601 "invalid Unicode escape" (HINT), "invalid Unicode surrogate pair";
 *       22023 "invalid Unicode code point: XXXX"
 *
 * json (pgfn_more_json.c):
 *   am_json_object(VARCHAR[]) -> VARCHAR, am_json_object(VARCHAR[] keys, VARCHAR[] vals)
 *   am_jsonb_object(...) -> VARCHAR (jsonb text)
 *       json_object / jsonb_object of one-dimensional text arrays; 2202E "array must have even
 *       number of elements", "mismatched array dimensions"; 22004 "null value not allowed for
 *       object key"
 *
 * inet and cidr (pgfn_more_inet.c), as PostgreSQL's output text (VARCHAR):
 *   am_inet_in(VARCHAR) -> VARCHAR, am_cidr_in(VARCHAR) -> VARCHAR   inet_in / cidr_in then
 *       their output: 22P02 "invalid input syntax for type inet: ...", "invalid cidr value: ..."
 *       (DETAIL "Value has bits set to right of mask."); a cidr read as inet also goes through
 *       am_inet_in (cidr_out always shows the mask length, inet_out not for a host)
 *   am_inet_host / am_inet_text / am_inet_abbrev / am_cidr_abbrev(VARCHAR) -> VARCHAR
 *       host(), text(inet), abbrev(inet), abbrev(cidr)
 *   am_inet_masklen / am_inet_family(VARCHAR) -> INTEGER
 *   am_inet_network(VARCHAR) -> VARCHAR cidr, am_inet_broadcast / am_inet_netmask /
 *       am_inet_hostmask(VARCHAR) -> VARCHAR inet
 *   am_inet_set_masklen / am_cidr_set_masklen(VARCHAR, INTEGER) -> VARCHAR   22023 "invalid
 *       mask length: N"
 *   am_inet_op(VARCHAR a, VARCHAR b, INTEGER op) -> BOOLEAN   op 0..4: a << b, <<=, >>, >>=, &&
 *   am_inet_same_family(VARCHAR, VARCHAR) -> BOOLEAN, am_inet_merge(VARCHAR, VARCHAR) -> VARCHAR
 *       cidr (22023 "cannot merge addresses from different families")
 *   am_inet_sortkey(VARCHAR) -> BLOB   bytes in network_cmp's order (inet = < > by it)
 *
 * Threads: every function may run on any DuckDB worker thread at once.
 */
#ifndef AM_PROXY_PGFN_MORE_H
#define AM_PROXY_PGFN_MORE_H

#include "proxy/pgfn_internal.h"

#define PGFN_MORE_MAX_ARGS 6

/* Argument and result types of the row functions. */
typedef enum pgfn_more_type {
    PGFN_MORE_END = 0, /* ends a parameter list */
    PGFN_MORE_TEXT,    /* VARCHAR */
    PGFN_MORE_BLOB,
    PGFN_MORE_I64, /* BIGINT */
    PGFN_MORE_I32, /* INTEGER */
    PGFN_MORE_F8,  /* DOUBLE */
    PGFN_MORE_BOOL,
    PGFN_MORE_TEXTS, /* VARCHAR[] */
} pgfn_more_type_t;

typedef struct pgfn_more_item {
    const char *s; /* not NUL-terminated */
    size_t len;
    bool null;
} pgfn_more_item_t;

typedef struct pgfn_more_arg {
    bool null;
    const char *s; /* TEXT, BLOB (not NUL-terminated) */
    size_t len;
    int64_t i; /* I64, I32 */
    double d;
    bool b;
    const pgfn_more_item_t *items; /* TEXTS */
    size_t n_items;
} pgfn_more_arg_t;

/* A result: bytes in buf (TEXT, BLOB, and the items of TEXTS), or a number. */
typedef struct pgfn_more_res {
    bool null;
    am_buf_t buf;
    int64_t i;
    double d;
    bool b;
    size_t n_items, cap_items;
    size_t *item_off;
    size_t *item_len;
    bool *item_null;
} pgfn_more_res_t;

void pgfn_more_res_init(pgfn_more_res_t *r);
void pgfn_more_res_reset(pgfn_more_res_t *r);
void pgfn_more_res_destroy(pgfn_more_res_t *r);
void pgfn_more_res_item(pgfn_more_res_t *r, const char *s, size_t len);
void pgfn_more_res_item_null(pgfn_more_res_t *r);

/* A row function: false + err on error. scratch is reset by the caller between rows. */
typedef bool (*pgfn_more_fn)(const pgfn_more_arg_t *args, size_t n_args, pgfn_more_res_t *res,
                             am_arena_t *scratch, am_err_t *err);

typedef struct pgfn_more_def {
    const char *name;
    pgfn_more_type_t ret;
    pgfn_more_type_t params[PGFN_MORE_MAX_ARGS]; /* PGFN_MORE_END ends the list */
    pgfn_more_fn fn;
    bool strict; /* false: called with NULL arguments too */
} pgfn_more_def_t;

/* Each file's functions, registered by pgfn_more.c. */
extern const pgfn_more_def_t proxy__pgfn_more_num_defs[];
extern const size_t proxy__pgfn_more_num_n;
extern const pgfn_more_def_t proxy__pgfn_more_bin_defs[];
extern const size_t proxy__pgfn_more_bin_n;
extern const pgfn_more_def_t proxy__pgfn_more_json_defs[];
extern const size_t proxy__pgfn_more_json_n;
extern const pgfn_more_def_t proxy__pgfn_more_inet_defs[];
extern const size_t proxy__pgfn_more_inet_n;

/* The float aggregates (pgfn_more_agg.c). */
bool proxy__pgfn_more_agg_register(duckdb_connection con, am_err_t *err) AM_MUST_CHECK;

/* pg_verify_mbstr for UTF8, as PostgreSQL checks every string a client sends (query texts,
 * parameters): no NUL, every character legal and complete; else 22021 "invalid byte sequence
 * for encoding "UTF8": 0x.." naming the offending character's bytes. */
bool proxy__utf8_verify(const char *p, size_t len, am_err_t *err) AM_MUST_CHECK;

#endif /* AM_PROXY_PGFN_MORE_H */

/*
 * proxy/pgfn_num.h: PostgreSQL 15's numeric, integer and floating-point semantics in pure C (no
 * DuckDB). The am_num_* / am_f8_* / am_int_* DuckDB functions (pgfn_num*.c) are thin glue
 * around it; the wire encoder prints floats with it.
 *
 * numeric: arbitrary precision decimal in base 10000 with a display scale, NaN and +-Infinity,
 * computed with PostgreSQL's own algorithms and intermediate precisions (numeric.c) so that
 * every digit, including those of sqrt, exp, ln, log and power, is the one PostgreSQL prints.
 * Values are kept as proxy_num_t whose digits live in a caller's arena; inputs are never
 * modified. Functions named after a PostgreSQL SQL function behave as that function: special
 * values, errors (SQLSTATE and message text in err) and the "value overflows numeric format"
 * check of a stored numeric.
 *
 * Threads: everything here is pure; an arena belongs to one thread.
 */
#ifndef AM_PROXY_PGFN_NUM_H
#define AM_PROXY_PGFN_NUM_H

#include "util/util.h"

/* Sign field values (PostgreSQL's NUMERIC_POS ... NUMERIC_NINF). */
#define PROXY_NUM_POS 0x0000
#define PROXY_NUM_NEG 0x4000
#define PROXY_NUM_NAN 0xC000
#define PROXY_NUM_PINF 0xD000
#define PROXY_NUM_NINF 0xF000

#define PROXY_NUM_NBASE 10000
#define PROXY_NUM_DEC_DIGITS 4
#define PROXY_NUM_MAX_PRECISION 1000
#define PROXY_NUM_MIN_SCALE (-1000)
#define PROXY_NUM_MAX_SCALE 1000
#define PROXY_NUM_MAX_DISPLAY_SCALE 1000
#define PROXY_NUM_MAX_RESULT_SCALE 2000
#define PROXY_NUM_MIN_SIG_DIGITS 16
#define PROXY_NUM_WEIGHT_MAX 32767
#define PROXY_NUM_DSCALE_MAX 0x3FFF

/* value = sum(digits[i] * 10000^(weight - i)), shown with dscale fractional digits.
 * A special value (NaN, +-Infinity) has only its sign set. Made results are stripped: no
 * leading or trailing zero digits, zero has no digits, weight 0 and a positive sign. */
typedef struct proxy_num {
    int ndigits;
    int weight;
    int sign;
    int dscale;
    int16_t *digits; /* in the arena of whoever built the value */
} proxy_num_t;

static inline bool proxy__num_is_special(const proxy_num_t *x)
{
    return x->sign == PROXY_NUM_NAN || x->sign == PROXY_NUM_PINF || x->sign == PROXY_NUM_NINF;
}

/* ---- text ---------------------------------------------------------------------------------- */

/* numeric_in without a typmod: spaces, sign, digits, point, exponent, NaN, [+-]Infinity,
 * [+-]inf. 22P02 "invalid input syntax for type numeric: \"...\"", 22003 on overflow. */
bool proxy__num_in(am_arena_t *a, const char *s, size_t len, proxy_num_t *out,
                   am_err_t *err) AM_MUST_CHECK;
/* numeric_out: "1.50", "-0.001", "NaN", "Infinity", "-Infinity" (arena string). */
char *proxy__num_out(am_arena_t *a, const proxy_num_t *x);
/* numeric(x, typmod) for numeric(precision, scale): rounds half away from zero to scale, then
 * 22003 "numeric field overflow" if it does not fit (PostgreSQL's DETAIL goes to *detail when
 * detail is not NULL: a static-free arena string). Infinity does not fit any typmod; NaN does.
 * 22023 for a precision outside 1..1000 or a scale outside -1000..1000. */
bool proxy__num_typmod(am_arena_t *a, const proxy_num_t *x, int precision, int scale,
                       proxy_num_t *out, char **detail, am_err_t *err) AM_MUST_CHECK;

/* ---- arithmetic (numeric_add ... numeric_power) --------------------------------------------- */

bool proxy__num_add(am_arena_t *a, const proxy_num_t *x, const proxy_num_t *y, proxy_num_t *out,
                    am_err_t *err) AM_MUST_CHECK;
bool proxy__num_sub(am_arena_t *a, const proxy_num_t *x, const proxy_num_t *y, proxy_num_t *out,
                    am_err_t *err) AM_MUST_CHECK;
bool proxy__num_mul(am_arena_t *a, const proxy_num_t *x, const proxy_num_t *y, proxy_num_t *out,
                    am_err_t *err) AM_MUST_CHECK;
/* Scale by PostgreSQL's select_div_scale (at least 16 significant digits), rounded. */
bool proxy__num_div(am_arena_t *a, const proxy_num_t *x, const proxy_num_t *y, proxy_num_t *out,
                    am_err_t *err) AM_MUST_CHECK;
bool proxy__num_mod(am_arena_t *a, const proxy_num_t *x, const proxy_num_t *y, proxy_num_t *out,
                    am_err_t *err) AM_MUST_CHECK;
/* div(x, y): quotient truncated toward zero. */
bool proxy__num_div_trunc(am_arena_t *a, const proxy_num_t *x, const proxy_num_t *y,
                          proxy_num_t *out, am_err_t *err) AM_MUST_CHECK;
/* NaN equals NaN and sorts above everything, Infinity above every finite value. */
int proxy__num_cmp(const proxy_num_t *x, const proxy_num_t *y);
/* abs, unary minus, sign (-1, 0, 1, NaN): no error possible. */
void proxy__num_abs(const proxy_num_t *x, proxy_num_t *out);
void proxy__num_neg(const proxy_num_t *x, proxy_num_t *out);
void proxy__num_sign(const proxy_num_t *x, proxy_num_t *out);
/* round(x, n) half away from zero, trunc(x, n); n < 0 rounds before the point. */
bool proxy__num_round(am_arena_t *a, const proxy_num_t *x, int32_t n, proxy_num_t *out,
                      am_err_t *err) AM_MUST_CHECK;
bool proxy__num_trunc(am_arena_t *a, const proxy_num_t *x, int32_t n, proxy_num_t *out,
                      am_err_t *err) AM_MUST_CHECK;
bool proxy__num_ceil(am_arena_t *a, const proxy_num_t *x, proxy_num_t *out,
                     am_err_t *err) AM_MUST_CHECK;
bool proxy__num_floor(am_arena_t *a, const proxy_num_t *x, proxy_num_t *out,
                      am_err_t *err) AM_MUST_CHECK;
bool proxy__num_sqrt(am_arena_t *a, const proxy_num_t *x, proxy_num_t *out,
                     am_err_t *err) AM_MUST_CHECK;
bool proxy__num_exp(am_arena_t *a, const proxy_num_t *x, proxy_num_t *out,
                    am_err_t *err) AM_MUST_CHECK;
bool proxy__num_ln(am_arena_t *a, const proxy_num_t *x, proxy_num_t *out,
                   am_err_t *err) AM_MUST_CHECK;
/* log(base, x); log(x) and log10(x) are log(10, x) in PostgreSQL. */
bool proxy__num_log(am_arena_t *a, const proxy_num_t *base, const proxy_num_t *x, proxy_num_t *out,
                    am_err_t *err) AM_MUST_CHECK;
bool proxy__num_power(am_arena_t *a, const proxy_num_t *x, const proxy_num_t *y, proxy_num_t *out,
                      am_err_t *err) AM_MUST_CHECK;
bool proxy__num_gcd(am_arena_t *a, const proxy_num_t *x, const proxy_num_t *y, proxy_num_t *out,
                    am_err_t *err) AM_MUST_CHECK;
bool proxy__num_lcm(am_arena_t *a, const proxy_num_t *x, const proxy_num_t *y, proxy_num_t *out,
                    am_err_t *err) AM_MUST_CHECK;
/* scale(x) and min_scale(x): false (SQL NULL) for NaN and infinities. */
bool proxy__num_scale(const proxy_num_t *x, int32_t *out);
bool proxy__num_min_scale(const proxy_num_t *x, int32_t *out);
void proxy__num_trim_scale(const proxy_num_t *x, proxy_num_t *out);
/* width_bucket(operand, low, high, count) with PostgreSQL's 2201G errors. */
bool proxy__num_width_bucket(am_arena_t *a, const proxy_num_t *op, const proxy_num_t *b1,
                             const proxy_num_t *b2, int32_t count, int32_t *out,
                             am_err_t *err) AM_MUST_CHECK;

/* ---- conversions ---------------------------------------------------------------------------- */

void proxy__num_from_i64(am_arena_t *a, int64_t v, proxy_num_t *out);
void proxy__num_from_i128(am_arena_t *a, __int128 v, proxy_num_t *out);
/* float8 -> numeric through "%.15g", float4 through "%.6g" (FLT_DIG), as PostgreSQL does. */
void proxy__num_from_f8(am_arena_t *a, double v, proxy_num_t *out);
void proxy__num_from_f4(am_arena_t *a, float v, proxy_num_t *out);
/* Round half away from zero, then 22003 "smallint/integer/bigint out of range"; NaN and
 * infinities: 0A000 "cannot convert NaN to smallint" / "cannot convert infinity to ...". */
bool proxy__num_to_i16(am_arena_t *a, const proxy_num_t *x, int16_t *out,
                       am_err_t *err) AM_MUST_CHECK;
bool proxy__num_to_i32(am_arena_t *a, const proxy_num_t *x, int32_t *out,
                       am_err_t *err) AM_MUST_CHECK;
bool proxy__num_to_i64(am_arena_t *a, const proxy_num_t *x, int64_t *out,
                       am_err_t *err) AM_MUST_CHECK;
/* numeric_float8 / numeric_float4: the text output read back by float8in / float4in. */
bool proxy__num_to_f8(am_arena_t *a, const proxy_num_t *x, double *out,
                      am_err_t *err) AM_MUST_CHECK;
bool proxy__num_to_f4(am_arena_t *a, const proxy_num_t *x, float *out, am_err_t *err) AM_MUST_CHECK;
/* Bytes whose memcmp order is PostgreSQL's numeric order (NaN last); equal numerics (1.0 and
 * 1.00) have equal keys. *len is set; the key lives in the arena. */
uint8_t *proxy__num_sortkey(am_arena_t *a, const proxy_num_t *x, size_t *len);

/* ---- aggregates (sum, avg, var_pop, var_samp, stddev_pop, stddev_samp) ----------------------- */

/* PostgreSQL's NumericAggState: count, sums of x and x^2 (exact), special value counts. The
 * sums are heap-allocated: proxy__num_agg_destroy frees them. */
typedef struct proxy_num_agg {
    int64_t n;
    int64_t n_nan, n_pinf, n_ninf;
    proxy_num_t sum, sum2; /* digits malloc'd (NULL when zero) */
    bool want_sum2;
} proxy_num_agg_t;

void proxy__num_agg_init(proxy_num_agg_t *st, bool want_sum2);
void proxy__num_agg_destroy(proxy_num_agg_t *st);
/* scratch: an arena for temporaries (reset by the caller whenever it likes). */
void proxy__num_agg_add(proxy_num_agg_t *st, am_arena_t *scratch, const proxy_num_t *x);
void proxy__num_agg_combine(proxy_num_agg_t *st, am_arena_t *scratch, const proxy_num_agg_t *other);
/* false with an empty err = SQL NULL (no input rows). */
bool proxy__num_agg_sum(const proxy_num_agg_t *st, am_arena_t *a, proxy_num_t *out,
                        am_err_t *err) AM_MUST_CHECK;
bool proxy__num_agg_avg(const proxy_num_agg_t *st, am_arena_t *a, proxy_num_t *out,
                        am_err_t *err) AM_MUST_CHECK;
/* variance (true) or standard deviation; sample (n - 1) or population. */
bool proxy__num_agg_var(const proxy_num_agg_t *st, am_arena_t *a, bool variance, bool sample,
                        proxy_num_t *out, am_err_t *err) AM_MUST_CHECK;

/* ---- to_char and to_number ---------------------------------------------------------------- */

/* to_char(numeric | int4 | int8 | float4 | float8, text) with PostgreSQL's number pictures
 * (9 0 . , D G S L MI PL SG PR V EEEE RN FM TH, literals, "quoted text") under the C locale
 * conventions. Each type has PostgreSQL's own path (rounding, %e, digit limits of floats).
 * Errors: 42601 for a bad picture, 22P02 "\"x\" is not a number" (TH), conversions' errors
 * for RN. *out is an arena string. */
bool proxy__num_to_char(am_arena_t *a, const proxy_num_t *x, const char *fmt, size_t fmt_len,
                        char **out, am_err_t *err) AM_MUST_CHECK;
bool proxy__i32_to_char(am_arena_t *a, int32_t v, const char *fmt, size_t fmt_len, char **out,
                        am_err_t *err) AM_MUST_CHECK;
bool proxy__i64_to_char(am_arena_t *a, int64_t v, const char *fmt, size_t fmt_len, char **out,
                        am_err_t *err) AM_MUST_CHECK;
bool proxy__f8_to_char(am_arena_t *a, double v, const char *fmt, size_t fmt_len, char **out,
                       am_err_t *err) AM_MUST_CHECK;
bool proxy__f4_to_char(am_arena_t *a, float v, const char *fmt, size_t fmt_len, char **out,
                       am_err_t *err) AM_MUST_CHECK;
/* to_number(text, text) -> numeric; false with an empty err means SQL NULL (empty picture). */
bool proxy__num_to_number(am_arena_t *a, const char *s, size_t len, const char *fmt, size_t fmt_len,
                          proxy_num_t *out, am_err_t *err) AM_MUST_CHECK;

/* ---- integers and floats ------------------------------------------------------------------- */

/* int2in / int4in / int8in: spaces, sign, decimal digits; 22P02 "invalid input syntax for type
 * smallint: \"x\"", 22003 "value \"x\" is out of range for type integer". */
bool proxy__i16_in(const char *s, size_t len, int16_t *out, am_err_t *err) AM_MUST_CHECK;
bool proxy__i32_in(const char *s, size_t len, int32_t *out, am_err_t *err) AM_MUST_CHECK;
bool proxy__i64_in(const char *s, size_t len, int64_t *out, am_err_t *err) AM_MUST_CHECK;
/* float8in / float4in: strtod/strtof syntax, NaN, [+-]Infinity, [+-]inf; 22003 "\"1e400\" is
 * out of range for type double precision" (or real). */
bool proxy__f8_in(const char *s, size_t len, double *out, am_err_t *err) AM_MUST_CHECK;
bool proxy__f4_in(const char *s, size_t len, float *out, am_err_t *err) AM_MUST_CHECK;
/* float8out / float4out under extra_float_digits (PostgreSQL 12+: > 0 gives the shortest text
 * that reads back exactly, else %.*g with 15 / 6 + extra_float_digits digits). buf holds at
 * least PROXY_FLOAT_OUT_LEN bytes; returns the length. */
#define PROXY_FLOAT_OUT_LEN 48
size_t proxy__f8_out(double v, int extra_float_digits, char *buf);
size_t proxy__f4_out(float v, int extra_float_digits, char *buf);

/* float8 functions with PostgreSQL's checks: 22003 "value out of range: overflow" /
 * "underflow" and "input is out of range", 22012 "division by zero", 2201E/2201F for logarithms,
 * roots and powers. */
typedef enum proxy_f8_fn {
    PROXY_F8_SQRT,
    PROXY_F8_CBRT,
    PROXY_F8_EXP,
    PROXY_F8_LN,
    PROXY_F8_LOG10,
    PROXY_F8_SIN,
    PROXY_F8_COS,
    PROXY_F8_TAN,
    PROXY_F8_COT,
    PROXY_F8_ASIN,
    PROXY_F8_ACOS,
    PROXY_F8_ATAN,
    PROXY_F8_SIND,
    PROXY_F8_COSD,
    PROXY_F8_TAND,
    PROXY_F8_COTD,
    PROXY_F8_ASIND,
    PROXY_F8_ACOSD,
    PROXY_F8_ATAND,
    PROXY_F8_SINH,
    PROXY_F8_COSH,
    PROXY_F8_TANH,
    PROXY_F8_ASINH,
    PROXY_F8_ACOSH,
    PROXY_F8_ATANH,
    PROXY_F8_DEGREES,
    PROXY_F8_RADIANS,
    PROXY_F8_ROUND,
    PROXY_F8_TRUNC,
    PROXY_F8_CEIL,
    PROXY_F8_FLOOR,
    PROXY_F8_SIGN,
    /* binary */
    PROXY_F8_ADD,
    PROXY_F8_SUB,
    PROXY_F8_MUL,
    PROXY_F8_DIV,
    PROXY_F8_POW,
    PROXY_F8_ATAN2,
    PROXY_F8_ATAN2D,
} proxy_f8_fn_t;

bool proxy__f8_unary(proxy_f8_fn_t fn, double x, double *out, am_err_t *err) AM_MUST_CHECK;
bool proxy__f8_binary(proxy_f8_fn_t fn, double x, double y, double *out,
                      am_err_t *err) AM_MUST_CHECK;
/* float4 + - * / (PROXY_F8_ADD ... PROXY_F8_DIV) computed in float. */
bool proxy__f4_binary(proxy_f8_fn_t fn, float x, float y, float *out, am_err_t *err) AM_MUST_CHECK;
/* float -> int2/int4/int8 (bits 16, 32, 64): rint (half to even), then 22003 "smallint out of
 * range" / "integer out of range" / "bigint out of range"; NaN is out of range. */
bool proxy__f8_to_int(double x, int bits, int64_t *out, am_err_t *err) AM_MUST_CHECK;
bool proxy__f4_to_int(float x, int bits, int64_t *out, am_err_t *err) AM_MUST_CHECK;
/* float8 -> float4 (dtof): 22003 overflow / underflow when a finite nonzero value does not fit. */
bool proxy__f8_to_f4(double x, float *out, am_err_t *err) AM_MUST_CHECK;
/* int2/int4/int8 division and modulo (bits 16, 32, 64): 22012 "division by zero", and
 * MIN / -1: 22003 "smallint out of range" (...); MIN % -1 is 0. */
bool proxy__int_div(int64_t x, int64_t y, int bits, int64_t *out, am_err_t *err) AM_MUST_CHECK;
bool proxy__int_mod(int64_t x, int64_t y, int bits, int64_t *out, am_err_t *err) AM_MUST_CHECK;

#endif /* AM_PROXY_PGFN_NUM_H */

/*
 * proxy/pgnum_internal.h: the variable-level numeric operations shared by the pgnum*.c files
 * (PostgreSQL's *_var functions). They never see NaN or infinities, allow weights and scales
 * beyond what a stored numeric may hold, and allocate every result in the arena: an operand may
 * also be the result. round/trunc/strip change a value in place and need it to own its digits.
 * Only the functions that mirror PostgreSQL's inexact steps (mul with a truncated product,
 * div_fast) must follow its algorithm digit for digit; the exact ones just get the same value.
 */
#ifndef AM_PROXY_PGNUM_INTERNAL_H
#define AM_PROXY_PGNUM_INTERNAL_H

#include "proxy/pgfn_num.h"

#define NUMV_NBASE PROXY_NUM_NBASE
#define NUMV_HALF_NBASE 5000
#define NUMV_DEC 4
#define NUMV_MUL_GUARD 2
#define NUMV_DIV_GUARD 4

#define NUMV_MAX(a, b) ((a) > (b) ? (a) : (b))
#define NUMV_MIN(a, b) ((a) < (b) ? (a) : (b))

/* Constants (static digits: never round or strip them in place). */
extern const proxy_num_t proxy__numv_zero;
extern const proxy_num_t proxy__numv_one;
extern const proxy_num_t proxy__numv_two;
extern const proxy_num_t proxy__numv_nan;
extern const proxy_num_t proxy__numv_pinf;
extern const proxy_num_t proxy__numv_ninf;

/* storage */
void proxy__numv_alloc(am_arena_t *a, proxy_num_t *v, int ndigits); /* digits zeroed */
void proxy__numv_copy(am_arena_t *a, const proxy_num_t *src, proxy_num_t *dst);
void proxy__numv_set_zero(proxy_num_t *v); /* keeps dscale */
void proxy__numv_strip(proxy_num_t *v);
/* Strips and checks what a stored numeric can hold: 22003 "value overflows numeric format". */
bool proxy__numv_make(proxy_num_t *v, am_err_t *err) AM_MUST_CHECK;

/* rounding; rscale < 0 rounds before the decimal point */
void proxy__numv_round(am_arena_t *a, proxy_num_t *v, int rscale);
void proxy__numv_trunc(proxy_num_t *v, int rscale);

/* comparison and the exact operations */
int proxy__numv_cmp(const proxy_num_t *x, const proxy_num_t *y);
int proxy__numv_cmp_abs(const proxy_num_t *x, const proxy_num_t *y);
void proxy__numv_add(am_arena_t *a, const proxy_num_t *x, const proxy_num_t *y, proxy_num_t *r);
void proxy__numv_sub(am_arena_t *a, const proxy_num_t *x, const proxy_num_t *y, proxy_num_t *r);
/* Product rounded to rscale from PostgreSQL's truncated digit products (mul_var). */
void proxy__numv_mul(am_arena_t *a, const proxy_num_t *x, const proxy_num_t *y, proxy_num_t *r,
                     int rscale);
/* Exact quotient rounded (half away from zero) or truncated at rscale: div_var, div_var_int.
 * 22012 "division by zero". */
bool proxy__numv_div(am_arena_t *a, const proxy_num_t *x, const proxy_num_t *y, proxy_num_t *r,
                     int rscale, bool round, am_err_t *err) AM_MUST_CHECK;
/* PostgreSQL's approximate div_var_fast, digit for digit. */
bool proxy__numv_div_fast(am_arena_t *a, const proxy_num_t *x, const proxy_num_t *y, proxy_num_t *r,
                          int rscale, bool round, am_err_t *err) AM_MUST_CHECK;
/* x / (ival * NBASE^ival_weight), exact then rounded or truncated (div_var_int); ival != 0. */
void proxy__numv_div_int(am_arena_t *a, const proxy_num_t *x, int ival, int ival_weight,
                         proxy_num_t *r, int rscale, bool round);
int proxy__numv_select_div_scale(const proxy_num_t *x, const proxy_num_t *y);
bool proxy__numv_mod(am_arena_t *a, const proxy_num_t *x, const proxy_num_t *y, proxy_num_t *r,
                     am_err_t *err) AM_MUST_CHECK;
void proxy__numv_ceil(am_arena_t *a, const proxy_num_t *x, proxy_num_t *r);
void proxy__numv_floor(am_arena_t *a, const proxy_num_t *x, proxy_num_t *r);
/* sqrt_var: floor square root of the digits PostgreSQL looks at, rounded to rscale (may be
 * negative). 2201F for a negative argument. */
bool proxy__numv_sqrt(am_arena_t *a, const proxy_num_t *x, proxy_num_t *r, int rscale,
                      am_err_t *err) AM_MUST_CHECK;
bool proxy__numv_ln(am_arena_t *a, const proxy_num_t *x, proxy_num_t *r, int rscale,
                    am_err_t *err) AM_MUST_CHECK;
bool proxy__numv_exp(am_arena_t *a, const proxy_num_t *x, proxy_num_t *r, int rscale,
                     am_err_t *err) AM_MUST_CHECK;

/* conversions used across files */
void proxy__numv_from_i64(am_arena_t *a, int64_t v, proxy_num_t *r);
bool proxy__numv_to_i64(am_arena_t *a, const proxy_num_t *x, int64_t *out); /* rounds */
/* strtod of the text form, overflow to +-HUGE_VAL (numericvar_to_double_no_overflow). */
double proxy__numv_to_double(am_arena_t *a, const proxy_num_t *x);
/* The text form at the value's dscale (get_str_from_var); x finite. */
char *proxy__numv_str(am_arena_t *a, const proxy_num_t *x);
/* set_var_from_str on s (after any spaces); *end is where parsing stopped. err names whole. */
bool proxy__numv_parse(am_arena_t *a, const char *whole, const char *s, proxy_num_t *r,
                       const char **end, am_err_t *err) AM_MUST_CHECK;

/* ---- number format pictures (pgnum_fmt.c) --------------------------------------------------- */

enum {
    NUMF_COMMA,
    NUMF_DEC,
    NUMF_0,
    NUMF_9,
    NUMF_B,
    NUMF_C,
    NUMF_D,
    NUMF_E,
    NUMF_FM,
    NUMF_G,
    NUMF_L,
    NUMF_MI,
    NUMF_PL,
    NUMF_PR,
    NUMF_RN,
    NUMF_SG,
    NUMF_SP,
    NUMF_S,
    NUMF_TH,
    NUMF_V,
    NUMF_rn,
    NUMF_th
};
#define NUMF_F_DECIMAL (1u << 1)
#define NUMF_F_LDECIMAL (1u << 2)
#define NUMF_F_ZERO (1u << 3)
#define NUMF_F_BLANK (1u << 4)
#define NUMF_F_FILLMODE (1u << 5)
#define NUMF_F_LSIGN (1u << 6)
#define NUMF_F_BRACKET (1u << 7)
#define NUMF_F_MINUS (1u << 8)
#define NUMF_F_PLUS (1u << 9)
#define NUMF_F_ROMAN (1u << 10)
#define NUMF_F_MULTI (1u << 11)
#define NUMF_F_PLUS_POST (1u << 12)
#define NUMF_F_MINUS_POST (1u << 13)
#define NUMF_F_EEEE (1u << 14)
#define NUMF_LSIGN_PRE (-1)
#define NUMF_LSIGN_POST 1
#define NUMF_LSIGN_NONE 0

typedef struct proxy_numfmt_node {
    int key;   /* NUMF_*, or -1 for a literal character */
    char *chr; /* the literal (one character, maybe multibyte) */
} proxy_numfmt_node_t;

/* A parsed picture and PostgreSQL's NUMDesc of it. */
typedef struct proxy_numfmt {
    proxy_numfmt_node_t *nodes;
    int n_nodes;
    int pre, post, lsign, pre_lsign_num, multi, zero_start, zero_end;
    unsigned flag;
} proxy_numfmt_t;

/* parse_format + NUMDesc_prepare; 42601 for pictures PostgreSQL rejects. */
bool proxy__numfmt_parse(am_arena_t *a, const char *fmt, size_t len, proxy_numfmt_t *f,
                         am_err_t *err) AM_MUST_CHECK;
/* NUM_processor for to_char over number (digits and '.', or '#'s, or roman numerals), sign
 * '+', '-' or 0. f is changed as PostgreSQL changes its copy. NULL on error. */
char *proxy__numfmt_to_char(am_arena_t *a, proxy_numfmt_t *f, const char *number,
                            int out_pre_spaces, int sign, am_err_t *err);
/* NUM_processor for to_number: the sign and digits read from in, as text for numeric_in
 * (" 12.5", "-3"); f->post becomes the count of digits read after the point. */
bool proxy__numfmt_from_char(am_arena_t *a, proxy_numfmt_t *f, const char *in, size_t in_len,
                             char **number, am_err_t *err) AM_MUST_CHECK;
/* apply_typmod without checking precision and scale (to_number builds its own). */
bool proxy__numv_apply_typmod(am_arena_t *a, proxy_num_t *v, int precision, int scale,
                              am_err_t *err) AM_MUST_CHECK;

#endif /* AM_PROXY_PGNUM_INTERNAL_H */

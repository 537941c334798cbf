/*
 * proxy/pgnum_conv.c: numeric <-> integers, floats and int128; the byte sort key of a numeric;
 * the sum/avg/variance aggregate states. Never touches DuckDB.
 * Spec: PostgreSQL 15 numeric.c (int64_to_numeric, int128_to_numericvar, float8_numeric,
 * float4_numeric, numeric_int2/4/8, numeric_float8/4, do_numeric_accum, numeric_combine,
 * numeric_sum, numeric_avg, numeric_stddev_internal).
 */
#include "proxy/pgnum_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- to numeric ------------------------------------------------------------------------------ */

void proxy__num_from_i64(am_arena_t *a, int64_t v, proxy_num_t *out)
{
    proxy__numv_from_i64(a, v, out);
}

void proxy__num_from_i128(am_arena_t *a, __int128 v, proxy_num_t *out)
{
    unsigned __int128 u =
        v < 0 ? (unsigned __int128)0 - (unsigned __int128)v : (unsigned __int128)v;
    int16_t tmp[10];
    int n = 0;
    while (u) {
        tmp[n++] = (int16_t)(u % NUMV_NBASE);
        u /= NUMV_NBASE;
    }
    proxy__numv_alloc(a, out, n);
    for (int i = 0; i < n; i++)
        out->digits[i] = tmp[n - 1 - i];
    out->weight = n - 1;
    out->sign = v < 0 ? PROXY_NUM_NEG : PROXY_NUM_POS;
    out->dscale = 0;
    proxy__numv_strip(out);
}

/* float -> "%.<digits>g" -> numeric, NaN and infinities kept. */
static void from_double(am_arena_t *a, double v, int digits, proxy_num_t *out)
{
    if (isnan(v)) {
        *out = proxy__numv_nan;
        return;
    }
    if (isinf(v)) {
        *out = v < 0 ? proxy__numv_ninf : proxy__numv_pinf;
        return;
    }
    char buf[64];
    (void)snprintf(buf, sizeof buf, "%.*g", digits, v);
    const char *end = NULL;
    am_err_t err = {0};
    bool ok = proxy__numv_parse(a, buf, buf, out, &end, &err) && proxy__numv_make(out, &err);
    AM_ASSERT(ok); /* %g of a finite double always parses and fits */
}

void proxy__num_from_f8(am_arena_t *a, double v, proxy_num_t *out)
{
    from_double(a, v, 15, out); /* DBL_DIG */
}

void proxy__num_from_f4(am_arena_t *a, float v, proxy_num_t *out)
{
    from_double(a, v, 6, out); /* FLT_DIG */
}

/* ---- from numeric ---------------------------------------------------------------------------- */

static bool special_to_int(const proxy_num_t *x, const char *type, am_err_t *err)
{
    if (x->sign == PROXY_NUM_NAN)
        return am_err_set(err, "0A000", "cannot convert NaN to %s", type);
    return am_err_set(err, "0A000", "cannot convert infinity to %s", type);
}

static bool to_int_range(am_arena_t *a, const proxy_num_t *x, const char *type, int64_t lo,
                         int64_t hi, int64_t *out, am_err_t *err)
{
    if (proxy__num_is_special(x))
        return special_to_int(x, type, err);
    if (!proxy__numv_to_i64(a, x, out) || *out < lo || *out > hi)
        return am_err_set(err, "22003", "%s out of range", type);
    return true;
}

bool proxy__num_to_i16(am_arena_t *a, const proxy_num_t *x, int16_t *out, am_err_t *err)
{
    int64_t v = 0;
    if (!to_int_range(a, x, "smallint", INT16_MIN, INT16_MAX, &v, err))
        return false;
    *out = (int16_t)v;
    return true;
}

bool proxy__num_to_i32(am_arena_t *a, const proxy_num_t *x, int32_t *out, am_err_t *err)
{
    int64_t v = 0;
    if (!to_int_range(a, x, "integer", INT32_MIN, INT32_MAX, &v, err))
        return false;
    *out = (int32_t)v;
    return true;
}

bool proxy__num_to_i64(am_arena_t *a, const proxy_num_t *x, int64_t *out, am_err_t *err)
{
    return to_int_range(a, x, "bigint", INT64_MIN, INT64_MAX, out, err);
}

bool proxy__num_to_f8(am_arena_t *a, const proxy_num_t *x, double *out, am_err_t *err)
{
    if (x->sign == PROXY_NUM_NAN) {
        *out = NAN;
        return true;
    }
    if (proxy__num_is_special(x)) {
        *out = x->sign == PROXY_NUM_PINF ? INFINITY : -INFINITY;
        return true;
    }
    char *s = proxy__numv_str(a, x);
    return proxy__f8_in(s, strlen(s), out, err);
}

bool proxy__num_to_f4(am_arena_t *a, const proxy_num_t *x, float *out, am_err_t *err)
{
    if (x->sign == PROXY_NUM_NAN) {
        *out = NAN;
        return true;
    }
    if (proxy__num_is_special(x)) {
        *out = x->sign == PROXY_NUM_PINF ? INFINITY : -INFINITY;
        return true;
    }
    char *s = proxy__numv_str(a, x);
    return proxy__f4_in(s, strlen(s), out, err);
}

/* ---- sort key -------------------------------------------------------------------------------- */

/* Class byte, then for finite nonzero values the weight (biased, big-endian 32 bits) and the
 * base-10000 digits (big-endian 16 bits); negatives complement both and end with 0xFFFF so that
 * a shorter (smaller magnitude) negative sorts after a longer one. */
enum { KEY_NINF = 1, KEY_NEG, KEY_ZERO, KEY_POS, KEY_PINF, KEY_NAN };

uint8_t *proxy__num_sortkey(am_arena_t *a, const proxy_num_t *x, size_t *len)
{
    uint8_t *k = am_arena_alloc(a, 1 + 4 + 2 * (size_t)NUMV_MAX(x->ndigits, 0) + 2);
    size_t n = 0;
    bool neg = x->sign == PROXY_NUM_NEG;
    k[n++] = x->sign == PROXY_NUM_NAN    ? KEY_NAN
             : x->sign == PROXY_NUM_PINF ? KEY_PINF
             : x->sign == PROXY_NUM_NINF ? KEY_NINF
             : x->ndigits == 0           ? KEY_ZERO
             : neg                       ? KEY_NEG
                                         : KEY_POS;
    if (k[0] == KEY_NEG || k[0] == KEY_POS) {
        uint32_t w = (uint32_t)((int64_t)x->weight + 0x80000000LL);
        if (neg)
            w = ~w;
        for (int sh = 24; sh >= 0; sh -= 8)
            k[n++] = (uint8_t)(w >> sh);
        for (int i = 0; i < x->ndigits; i++) {
            uint16_t d = (uint16_t)(neg ? 0xFFFE - x->digits[i] : x->digits[i]);
            k[n++] = (uint8_t)(d >> 8);
            k[n++] = (uint8_t)d;
        }
        if (neg) {
            k[n++] = 0xFF;
            k[n++] = 0xFF;
        }
    }
    *len = n;
    return k;
}

/* ---- aggregates ------------------------------------------------------------------------------ */

void proxy__num_agg_init(proxy_num_agg_t *st, bool want_sum2)
{
    memset(st, 0, sizeof *st);
    st->sum = proxy__numv_zero;
    st->sum2 = proxy__numv_zero;
    st->want_sum2 = want_sum2;
}

void proxy__num_agg_destroy(proxy_num_agg_t *st)
{
    free(st->sum.digits);
    free(st->sum2.digits);
    st->sum.digits = st->sum2.digits = NULL;
}

/* Replaces *dst (heap digits) with v (arena digits). */
static void keep(proxy_num_t *dst, const proxy_num_t *v)
{
    int16_t *d = NULL;
    if (v->ndigits > 0) {
        d = am_xrealloc(dst->digits, (size_t)v->ndigits * sizeof *d);
        memcpy(d, v->digits, (size_t)v->ndigits * sizeof *d);
    } else {
        free(dst->digits);
    }
    *dst = *v;
    dst->digits = d;
}

void proxy__num_agg_add(proxy_num_agg_t *st, am_arena_t *scratch, const proxy_num_t *x)
{
    if (x->sign == PROXY_NUM_NAN || x->sign == PROXY_NUM_PINF || x->sign == PROXY_NUM_NINF) {
        st->n_nan += x->sign == PROXY_NUM_NAN;
        st->n_pinf += x->sign == PROXY_NUM_PINF;
        st->n_ninf += x->sign == PROXY_NUM_NINF;
        return;
    }
    proxy_num_t t;
    st->n++;
    proxy__numv_add(scratch, &st->sum, x, &t);
    keep(&st->sum, &t);
    if (st->want_sum2) {
        proxy_num_t sq;
        proxy__numv_mul(scratch, x, x, &sq, x->dscale * 2);
        proxy__numv_add(scratch, &st->sum2, &sq, &t);
        keep(&st->sum2, &t);
    }
}

void proxy__num_agg_combine(proxy_num_agg_t *st, am_arena_t *scratch, const proxy_num_agg_t *other)
{
    proxy_num_t t;
    st->n += other->n;
    st->n_nan += other->n_nan;
    st->n_pinf += other->n_pinf;
    st->n_ninf += other->n_ninf;
    proxy__numv_add(scratch, &st->sum, &other->sum, &t);
    keep(&st->sum, &t);
    proxy__numv_add(scratch, &st->sum2, &other->sum2, &t);
    keep(&st->sum2, &t);
}

/* What numeric_sum and numeric_avg decide before adding anything up. */
typedef enum { AGG_NULL, AGG_DECIDED, AGG_FINITE } agg_case_t;

static agg_case_t agg_special(const proxy_num_agg_t *st, proxy_num_t *out)
{
    if (st->n + st->n_nan + st->n_pinf + st->n_ninf == 0)
        return AGG_NULL;
    if (st->n_nan > 0 || (st->n_pinf > 0 && st->n_ninf > 0))
        *out = proxy__numv_nan;
    else if (st->n_pinf > 0)
        *out = proxy__numv_pinf;
    else if (st->n_ninf > 0)
        *out = proxy__numv_ninf;
    else
        return AGG_FINITE;
    return AGG_DECIDED;
}

bool proxy__num_agg_sum(const proxy_num_agg_t *st, am_arena_t *a, proxy_num_t *out, am_err_t *err)
{
    agg_case_t c = agg_special(st, out);
    if (c != AGG_FINITE)
        return c == AGG_DECIDED;
    proxy__numv_copy(a, &st->sum, out);
    return proxy__numv_make(out, err);
}

bool proxy__num_agg_avg(const proxy_num_agg_t *st, am_arena_t *a, proxy_num_t *out, am_err_t *err)
{
    agg_case_t c = agg_special(st, out);
    if (c != AGG_FINITE)
        return c == AGG_DECIDED;
    proxy_num_t sum, n;
    proxy__numv_copy(a, &st->sum, &sum);
    if (!proxy__numv_make(&sum, err))
        return false;
    proxy__numv_from_i64(a, st->n, &n);
    return proxy__num_div(a, &sum, &n, out, err);
}

bool proxy__num_agg_var(const proxy_num_agg_t *st, am_arena_t *a, bool variance, bool sample,
                        proxy_num_t *out, am_err_t *err)
{
    int64_t total = st->n + st->n_nan + st->n_pinf + st->n_ninf;
    if (total == 0 || (sample && total <= 1))
        return false;
    if (st->n_nan > 0 || st->n_pinf > 0 || st->n_ninf > 0) {
        *out = proxy__numv_nan;
        return true;
    }
    proxy_num_t vn, sx, sx2, den;
    proxy__numv_from_i64(a, st->n, &vn);
    proxy__numv_copy(a, &st->sum, &sx);
    proxy__numv_copy(a, &st->sum2, &sx2);
    int rscale = sx.dscale * 2;
    proxy__numv_mul(a, &sx, &sx, &sx, rscale);   /* sumX^2 */
    proxy__numv_mul(a, &vn, &sx2, &sx2, rscale); /* N * sumX2 */
    proxy__numv_sub(a, &sx2, &sx, &sx2);         /* N * sumX2 - sumX^2 */
    if (proxy__numv_cmp(&sx2, &proxy__numv_zero) <= 0) {
        *out = proxy__numv_zero; /* round-off must not make it negative */
        return true;
    }
    proxy__numv_sub(a, &vn, &proxy__numv_one, &den);
    proxy__numv_mul(a, &vn, sample ? &den : &vn, &den, 0);
    rscale = proxy__numv_select_div_scale(&sx2, &den);
    if (!proxy__numv_div(a, &sx2, &den, &sx, rscale, true, err))
        return false;
    if (!variance && !proxy__numv_sqrt(a, &sx, &sx, rscale, err))
        return false;
    *out = sx;
    return proxy__numv_make(out, err);
}

/*
 * proxy/pgnum_trans.c: numeric square root, exp, ln, log and power. Every intermediate
 * precision, series cut-off and rounding step is PostgreSQL's, so the last digits match its
 * output even where they are not correctly rounded.
 * Spec: PostgreSQL 15 numeric.c (numeric_sqrt, numeric_exp, numeric_ln, numeric_log,
 * numeric_power, sqrt_var, exp_var, estimate_ln_dweight, ln_var, log_var, power_var,
 * power_var_int).
 */
#include "proxy/pgnum_internal.h"

#include <math.h>
#include <stdlib.h>

static int16_t digit_9000[1] = {9000};
static int16_t digits_1_1000[2] = {1, 1000};
static const proxy_num_t zero_point_nine = {1, -1, PROXY_NUM_POS, 1, digit_9000};
static const proxy_num_t one_point_one = {2, 0, PROXY_NUM_POS, 1, digits_1_1000};

#define LOG10_E 0.434294481903252
#define LOG10_2 0.301029995663981
#define LN_10 2.302585092994046

static int clamp_scale(int rscale)
{
    return NUMV_MIN(NUMV_MAX(rscale, 0), PROXY_NUM_MAX_DISPLAY_SCALE);
}

/* ---- square root ----------------------------------------------------------------------------- */

/* floor(sqrt(n)) for an integer n > 0 (dscale 0), by Newton's iteration from above. */
static void isqrt(am_arena_t *a, const proxy_num_t *n, proxy_num_t *s)
{
    proxy_num_t x = {0}, q, y;
    proxy__numv_alloc(a, &x, 1);
    x.digits[0] = 1;
    x.weight = n->weight / 2 + 1; /* NBASE^(weight/2 + 1) > sqrt(n) */
    am_err_t ignored = {0};
    for (;;) {
        bool ok = proxy__numv_div(a, n, &x, &q, 0, false, &ignored);
        AM_ASSERT(ok);
        proxy__numv_add(a, &x, &q, &y);
        proxy__numv_div_int(a, &y, 2, 0, &y, 0, false);
        if (proxy__numv_cmp(&y, &x) >= 0)
            break;
        x = y;
    }
    *s = x;
}

bool proxy__numv_sqrt(am_arena_t *a, const proxy_num_t *x, proxy_num_t *r, int rscale,
                      am_err_t *err)
{
    int stat = proxy__numv_cmp(x, &proxy__numv_zero);
    if (stat == 0) {
        proxy__numv_set_zero(r);
        r->dscale = rscale;
        return true;
    }
    if (stat < 0)
        return am_err_set(err, "2201F", "cannot take square root of a negative number");
    int rw = x->weight >= 0 ? x->weight / 2 : -((-x->weight - 1) / 2 + 1);
    int rn = rscale + 1 >= 0 ? rw + 1 + (rscale + NUMV_DEC) / NUMV_DEC
                             : rw + 1 - (-rscale - 1) / NUMV_DEC;
    rn = NUMV_MAX(rn, 1);
    /* PostgreSQL reads this many input digits (zero padded, extra ones ignored) as an integer
     * and takes its integer square root */
    int src = NUMV_MAX(x->weight + 1 + (rn - rw - 1) * 2, 1);
    proxy_num_t n = {0};
    proxy__numv_alloc(a, &n, src);
    for (int i = 0; i < src && i < x->ndigits; i++)
        n.digits[i] = x->digits[i];
    n.weight = src - 1;
    n.sign = PROXY_NUM_POS;
    proxy__numv_strip(&n);
    proxy_num_t s;
    isqrt(a, &n, &s);
    proxy__numv_copy(a, &s, &s);
    s.weight = rw;
    s.sign = PROXY_NUM_POS;
    proxy__numv_round(a, &s, rscale);
    proxy__numv_strip(&s);
    *r = s;
    return true;
}

/* ---- exp ------------------------------------------------------------------------------------- */

bool proxy__numv_exp(am_arena_t *a, const proxy_num_t *arg, proxy_num_t *r, int rscale,
                     am_err_t *err)
{
    proxy_num_t x, res, elem;
    proxy__numv_copy(a, arg, &x);
    double val = proxy__numv_to_double(a, &x);
    if (fabs(val) >= PROXY_NUM_MAX_RESULT_SCALE * 3) {
        if (val > 0)
            return am_err_set(err, "22003", "value overflows numeric format");
        proxy__numv_set_zero(r);
        r->dscale = rscale;
        return true;
    }
    int dweight = (int)(val * LOG10_E);
    int ndiv2 = 0; /* x is divided by 2^ndiv2 into about [-0.01, 0.01] */
    if (fabs(val) > 0.01) {
        for (ndiv2 = 1, val /= 2; fabs(val) > 0.01; ndiv2++)
            val /= 2;
        proxy__numv_div_int(a, &x, 1 << ndiv2, 0, &x, x.dscale + ndiv2, true);
    }
    int sig = 1 + dweight + rscale + (int)(ndiv2 * LOG10_2);
    sig = NUMV_MAX(sig, 0) + 8;
    int lrs = sig - 1;
    /* Taylor series 1 + x + x^2/2! + ... until a term rounds to zero */
    proxy__numv_add(a, &proxy__numv_one, &x, &res);
    proxy__numv_mul(a, &x, &x, &elem, lrs);
    int ni = 2;
    proxy__numv_div_int(a, &elem, ni, 0, &elem, lrs, true);
    while (elem.ndigits != 0) {
        proxy__numv_add(a, &res, &elem, &res);
        proxy__numv_mul(a, &elem, &x, &elem, lrs);
        proxy__numv_div_int(a, &elem, ++ni, 0, &elem, lrs, true);
    }
    while (ndiv2-- > 0) { /* square back; the weight doubles each time */
        lrs = NUMV_MAX(sig - res.weight * 2 * NUMV_DEC, 0);
        proxy__numv_mul(a, &res, &res, &res, lrs);
    }
    proxy__numv_round(a, &res, rscale);
    *r = res;
    return true;
}

/* ---- ln and log ------------------------------------------------------------------------------ */

/* Decimal weight of ln(x), roughly; 0 for arguments ln rejects. */
static int estimate_ln_dweight(am_arena_t *a, const proxy_num_t *x)
{
    if (x->sign != PROXY_NUM_POS)
        return 0;
    if (proxy__numv_cmp(x, &zero_point_nine) >= 0 && proxy__numv_cmp(x, &one_point_one) <= 0) {
        proxy_num_t d; /* ln(1 + d) ~ d */
        proxy__numv_sub(a, x, &proxy__numv_one, &d);
        if (d.ndigits == 0)
            return 0;
        return d.weight * NUMV_DEC + (int)log10(d.digits[0]);
    }
    if (x->ndigits == 0)
        return 0;
    int digits = x->digits[0];
    int dweight = x->weight * NUMV_DEC;
    if (x->ndigits > 1) {
        digits = digits * NUMV_NBASE + x->digits[1];
        dweight -= NUMV_DEC;
    }
    double ln = log((double)digits) + dweight * LN_10;
    return (int)log10(fabs(ln));
}

/* Brings x into (0.9, 1.1) by square roots; fact doubles with each. */
static void ln_reduce(am_arena_t *a, proxy_num_t *x, proxy_num_t *fact, int *nsqrt, int rscale)
{
    am_err_t ignored = {0};
    for (int pass = 0; pass < 2; pass++) {
        while (pass == 0 ? proxy__numv_cmp(x, &zero_point_nine) <= 0
                         : proxy__numv_cmp(x, &one_point_one) >= 0) {
            int lrs = rscale - x->weight * NUMV_DEC / 2 + 8;
            bool ok = proxy__numv_sqrt(a, x, x, lrs, &ignored);
            AM_ASSERT(ok);
            proxy__numv_mul(a, fact, &proxy__numv_two, fact, 0);
            (*nsqrt)++;
        }
    }
}

bool proxy__numv_ln(am_arena_t *a, const proxy_num_t *arg, proxy_num_t *r, int rscale,
                    am_err_t *err)
{
    int c = proxy__numv_cmp(arg, &proxy__numv_zero);
    if (c == 0)
        return am_err_set(err, "2201E", "cannot take logarithm of zero");
    if (c < 0)
        return am_err_set(err, "2201E", "cannot take logarithm of a negative number");
    proxy_num_t x, fact, res, elem, xx;
    proxy__numv_copy(a, arg, &x);
    proxy__numv_copy(a, &proxy__numv_two, &fact);
    int nsqrt = 0;
    ln_reduce(a, &x, &fact, &nsqrt, rscale);
    /* z = (x-1)/(x+1); ln(x) = 2 (z + z^3/3 + z^5/5 + ...) */
    int lrs = rscale + (int)((nsqrt + 1) * LOG10_2) + 8;
    proxy__numv_sub(a, &x, &proxy__numv_one, &res);
    proxy__numv_add(a, &x, &proxy__numv_one, &elem);
    if (!proxy__numv_div_fast(a, &res, &elem, &res, lrs, true, err))
        return false;
    xx = res;
    proxy__numv_mul(a, &res, &res, &x, lrs);
    for (int ni = 3;; ni += 2) {
        proxy__numv_mul(a, &xx, &x, &xx, lrs);
        proxy__numv_div_int(a, &xx, ni, 0, &elem, lrs, true);
        if (elem.ndigits == 0)
            break;
        proxy__numv_add(a, &res, &elem, &res);
        if (elem.weight < res.weight - lrs * 2 / NUMV_DEC)
            break;
    }
    proxy__numv_mul(a, &res, &fact, &res, rscale);
    *r = res;
    return true;
}

/* log_var: ln(num) / ln(base) with PostgreSQL's scales. */
static bool log_var(am_arena_t *a, const proxy_num_t *base, const proxy_num_t *num, proxy_num_t *r,
                    am_err_t *err)
{
    int db = estimate_ln_dweight(a, base);
    int dn = estimate_ln_dweight(a, num);
    int dres = dn - db;
    int rscale = PROXY_NUM_MIN_SIG_DIGITS - dres;
    rscale = NUMV_MAX(rscale, base->dscale);
    rscale = clamp_scale(NUMV_MAX(rscale, num->dscale));
    int rs_base = NUMV_MAX(rscale + dres - db + 8, 0);
    int rs_num = NUMV_MAX(rscale + dres - dn + 8, 0);
    proxy_num_t lb, ln;
    if (!proxy__numv_ln(a, base, &lb, rs_base, err) || !proxy__numv_ln(a, num, &ln, rs_num, err))
        return false;
    return proxy__numv_div_fast(a, &ln, &lb, r, rscale, true, err);
}

/* ---- power ----------------------------------------------------------------------------------- */

static bool overflow(am_err_t *err)
{
    return am_err_set(err, "22003", "value overflows numeric format");
}

/* The repeated squaring of power_var_int; false on overflow (err set), *zeroed on underflow. */
static bool power_int_loop(am_arena_t *a, const proxy_num_t *base, unsigned mask, bool neg, int sig,
                           proxy_num_t *res, bool *zeroed, am_err_t *err)
{
    proxy_num_t bp;
    proxy__numv_copy(a, base, &bp);
    proxy__numv_copy(a, (mask & 1) ? base : &proxy__numv_one, res);
    *zeroed = false;
    while ((mask >>= 1) > 0) {
        int lrs = sig - 2 * bp.weight * NUMV_DEC;
        lrs = NUMV_MAX(NUMV_MIN(lrs, 2 * bp.dscale), 0);
        proxy__numv_mul(a, &bp, &bp, &bp, lrs);
        if (mask & 1) {
            lrs = sig - (bp.weight + res->weight) * NUMV_DEC;
            lrs = NUMV_MAX(NUMV_MIN(lrs, bp.dscale + res->dscale), 0);
            proxy__numv_mul(a, &bp, res, res, lrs);
        }
        if (bp.weight > PROXY_NUM_WEIGHT_MAX || res->weight > PROXY_NUM_WEIGHT_MAX) {
            if (!neg)
                return overflow(err);
            proxy__numv_set_zero(res);
            *zeroed = true;
            return true;
        }
    }
    return true;
}

/* ~ log10(base^exp) from the base's first 16 decimal digits. */
static double result_log10(const proxy_num_t *base, int exp)
{
    double f = base->digits[0];
    int p = base->weight * NUMV_DEC;
    for (int i = 1; i < base->ndigits && i * NUMV_DEC < 16; i++) {
        f = f * NUMV_NBASE + base->digits[i];
        p -= NUMV_DEC;
    }
    return exp * (log10(f) + p);
}

/* power_var_int: base^exp for an int exponent, rounded to rscale. */
static bool power_var_int(am_arena_t *a, const proxy_num_t *base, int exp, proxy_num_t *r,
                          int rscale, am_err_t *err)
{
    if (exp == 0) {
        proxy__numv_copy(a, &proxy__numv_one, r);
        r->dscale = rscale;
        return true;
    }
    if (exp == 1) {
        proxy__numv_copy(a, base, r);
        proxy__numv_round(a, r, rscale);
        return true;
    }
    if (exp == -1)
        return proxy__numv_div(a, &proxy__numv_one, base, r, rscale, true, err);
    if (exp == 2) {
        proxy__numv_mul(a, base, base, r, rscale);
        return true;
    }
    if (base->ndigits == 0) {
        if (exp < 0)
            return am_err_set(err, "22012", "division by zero");
        proxy__numv_set_zero(r);
        r->dscale = rscale;
        return true;
    }
    double f = result_log10(base, exp);
    if (f > 3 * PROXY_NUM_WEIGHT_MAX * NUMV_DEC)
        return overflow(err);
    if (f + 1 < -rscale || f + 1 < -PROXY_NUM_MAX_DISPLAY_SCALE) {
        proxy__numv_set_zero(r);
        r->dscale = rscale;
        return true;
    }
    int sig = 1 + rscale + (int)f;
    sig += (int)log(fabs((double)exp)) + 8;
    bool neg = exp < 0, zeroed;
    unsigned mask = neg ? 0u - (unsigned)exp : (unsigned)exp;
    proxy_num_t res;
    if (!power_int_loop(a, base, mask, neg, sig, &res, &zeroed, err))
        return false;
    if (neg && !zeroed)
        return proxy__numv_div_fast(a, &proxy__numv_one, &res, r, rscale, true, err);
    proxy__numv_round(a, &res, rscale);
    *r = res;
    return true;
}

/* Integer exponent that fits in an int: *e set, true. */
static bool int_exponent(am_arena_t *a, const proxy_num_t *exp, int *e)
{
    int64_t v;
    if (exp->ndigits > 0 && exp->ndigits > exp->weight + 1)
        return false;
    if (!proxy__numv_to_i64(a, exp, &v) || v < INT32_MIN || v > INT32_MAX)
        return false;
    *e = (int)v;
    return true;
}

/* exp(exp * ln(base)) for base > 0, scales as power_var chooses them. */
static bool power_general(am_arena_t *a, const proxy_num_t *base, const proxy_num_t *exp,
                          proxy_num_t *r, am_err_t *err)
{
    int ldw = estimate_ln_dweight(a, base);
    int lrs = NUMV_MAX(8 - ldw, 0);
    proxy_num_t lb, ln;
    if (!proxy__numv_ln(a, base, &lb, lrs, err))
        return false;
    proxy__numv_mul(a, &lb, exp, &ln, lrs);
    double val = proxy__numv_to_double(a, &ln);
    if (fabs(val) > PROXY_NUM_MAX_RESULT_SCALE * 3.01) {
        if (val > 0)
            return overflow(err);
        proxy__numv_set_zero(r);
        r->dscale = PROXY_NUM_MAX_DISPLAY_SCALE;
        return true;
    }
    val *= LOG10_E;
    int rscale = PROXY_NUM_MIN_SIG_DIGITS - (int)val;
    rscale = NUMV_MAX(rscale, base->dscale);
    rscale = clamp_scale(NUMV_MAX(rscale, exp->dscale));
    int sig = NUMV_MAX(rscale + (int)val, 0);
    lrs = NUMV_MAX(sig - ldw + 8, 0);
    if (!proxy__numv_ln(a, base, &lb, lrs, err))
        return false;
    proxy__numv_mul(a, &lb, exp, &ln, lrs);
    return proxy__numv_exp(a, &ln, r, rscale, err);
}

static bool power_var(am_arena_t *a, const proxy_num_t *base, const proxy_num_t *exp,
                      proxy_num_t *r, am_err_t *err)
{
    int e;
    if (int_exponent(a, exp, &e)) {
        int rscale = clamp_scale(NUMV_MAX(PROXY_NUM_MIN_SIG_DIGITS, base->dscale));
        return power_var_int(a, base, e, r, rscale, err);
    }
    if (proxy__numv_cmp(base, &proxy__numv_zero) == 0) {
        proxy__numv_set_zero(r);
        r->dscale = PROXY_NUM_MIN_SIG_DIGITS;
        return true;
    }
    bool negate = false;
    proxy_num_t abs_base = *base;
    if (base->sign == PROXY_NUM_NEG) {
        if (exp->ndigits > 0 && exp->ndigits > exp->weight + 1)
            return am_err_set(err, "2201F",
                              "a negative number raised to a non-integer power "
                              "yields a complex result");
        negate = exp->ndigits > 0 && exp->ndigits == exp->weight + 1 &&
                 (exp->digits[exp->ndigits - 1] & 1);
        abs_base.sign = PROXY_NUM_POS;
    }
    if (!power_general(a, &abs_base, exp, r, err))
        return false;
    if (negate && r->ndigits > 0)
        r->sign = PROXY_NUM_NEG;
    return true;
}

/* ---- SQL-level functions --------------------------------------------------------------------- */

bool proxy__num_sqrt(am_arena_t *a, const proxy_num_t *x, proxy_num_t *out, am_err_t *err)
{
    if (x->sign == PROXY_NUM_NINF)
        return am_err_set(err, "2201F", "cannot take square root of a negative number");
    if (proxy__num_is_special(x)) {
        *out = *x;
        return true;
    }
    int sweight = (x->weight + 1) * NUMV_DEC / 2 - 1;
    int rscale = PROXY_NUM_MIN_SIG_DIGITS - sweight;
    rscale = clamp_scale(NUMV_MAX(rscale, x->dscale));
    return proxy__numv_sqrt(a, x, out, rscale, err) && proxy__numv_make(out, err);
}

bool proxy__num_exp(am_arena_t *a, const proxy_num_t *x, proxy_num_t *out, am_err_t *err)
{
    if (x->sign == PROXY_NUM_NINF) {
        *out = proxy__numv_zero;
        return true;
    }
    if (proxy__num_is_special(x)) {
        *out = *x;
        return true;
    }
    double val = proxy__numv_to_double(a, x) * LOG10_E;
    val = fmax(val, -PROXY_NUM_MAX_RESULT_SCALE);
    val = fmin(val, PROXY_NUM_MAX_RESULT_SCALE);
    int rscale = PROXY_NUM_MIN_SIG_DIGITS - (int)val;
    rscale = clamp_scale(NUMV_MAX(rscale, x->dscale));
    return proxy__numv_exp(a, x, out, rscale, err) && proxy__numv_make(out, err);
}

bool proxy__num_ln(am_arena_t *a, const proxy_num_t *x, proxy_num_t *out, am_err_t *err)
{
    if (x->sign == PROXY_NUM_NINF)
        return am_err_set(err, "2201E", "cannot take logarithm of a negative number");
    if (proxy__num_is_special(x)) {
        *out = *x;
        return true;
    }
    int rscale = PROXY_NUM_MIN_SIG_DIGITS - estimate_ln_dweight(a, x);
    rscale = clamp_scale(NUMV_MAX(rscale, x->dscale));
    return proxy__numv_ln(a, x, out, rscale, err) && proxy__numv_make(out, err);
}

static int special_sign(const proxy_num_t *x)
{
    if (x->sign == PROXY_NUM_PINF)
        return 1;
    if (x->sign == PROXY_NUM_NINF)
        return -1;
    return x->ndigits == 0 ? 0 : x->sign == PROXY_NUM_NEG ? -1 : 1;
}

bool proxy__num_log(am_arena_t *a, const proxy_num_t *base, const proxy_num_t *x, proxy_num_t *out,
                    am_err_t *err)
{
    if (proxy__num_is_special(base) || proxy__num_is_special(x)) {
        if (base->sign == PROXY_NUM_NAN || x->sign == PROXY_NUM_NAN) {
            *out = proxy__numv_nan;
            return true;
        }
        int s1 = special_sign(base), s2 = special_sign(x);
        if (s1 < 0 || s2 < 0)
            return am_err_set(err, "2201E", "cannot take logarithm of a negative number");
        if (s1 == 0 || s2 == 0)
            return am_err_set(err, "2201E", "cannot take logarithm of zero");
        if (base->sign == PROXY_NUM_PINF)
            *out = x->sign == PROXY_NUM_PINF ? proxy__numv_nan : proxy__numv_zero;
        else
            *out = proxy__numv_pinf;
        return true;
    }
    return log_var(a, base, x, out, err) && proxy__numv_make(out, err);
}

/* POSIX pow() rules for NaN and infinite arguments (numeric_power). */
static bool power_special(am_arena_t *a, const proxy_num_t *x, const proxy_num_t *y,
                          proxy_num_t *out, am_err_t *err);

bool proxy__num_power(am_arena_t *a, const proxy_num_t *x, const proxy_num_t *y, proxy_num_t *out,
                      am_err_t *err)
{
    if (proxy__num_is_special(x) || proxy__num_is_special(y))
        return power_special(a, x, y, out, err);
    if (special_sign(x) == 0 && special_sign(y) < 0)
        return am_err_set(err, "2201F", "zero raised to a negative power is undefined");
    return power_var(a, x, y, out, err) && proxy__numv_make(out, err);
}

static bool is_integral(const proxy_num_t *x)
{
    if (x->sign == PROXY_NUM_NAN)
        return false;
    if (proxy__num_is_special(x))
        return true;
    return x->ndigits == 0 || x->ndigits <= x->weight + 1;
}

static bool power_special(am_arena_t *a, const proxy_num_t *x, const proxy_num_t *y,
                          proxy_num_t *out, am_err_t *err)
{
    (void)a;
    if (x->sign == PROXY_NUM_NAN || y->sign == PROXY_NUM_NAN) {
        bool one = (x->sign == PROXY_NUM_NAN && !proxy__num_is_special(y) && y->ndigits == 0) ||
                   (y->sign == PROXY_NUM_NAN && !proxy__num_is_special(x) &&
                    proxy__numv_cmp(x, &proxy__numv_one) == 0);
        *out = one ? proxy__numv_one : proxy__numv_nan;
        return true;
    }
    int s1 = special_sign(x), s2 = special_sign(y);
    if (s1 == 0 && s2 < 0)
        return am_err_set(err, "2201F", "zero raised to a negative power is undefined");
    if (s1 < 0 && !is_integral(y))
        return am_err_set(err, "2201F",
                          "a negative number raised to a non-integer power "
                          "yields a complex result");
    bool x_is_one = !proxy__num_is_special(x) && proxy__numv_cmp(x, &proxy__numv_one) == 0;
    if (x_is_one || s2 == 0) {
        *out = proxy__numv_one;
    } else if (s1 == 0 || (x->sign == PROXY_NUM_NINF && s2 < 0)) {
        *out = proxy__numv_zero;
    } else if (proxy__num_is_special(y)) { /* y = +-Infinity */
        proxy_num_t ax = *x;
        ax.sign = PROXY_NUM_POS;
        bool minus_one = !proxy__num_is_special(x) && x->sign == PROXY_NUM_NEG &&
                         proxy__numv_cmp(&ax, &proxy__numv_one) == 0;
        bool gt_one = proxy__num_is_special(x) || proxy__numv_cmp(&ax, &proxy__numv_one) > 0;
        *out = minus_one            ? proxy__numv_one
               : gt_one == (s2 > 0) ? proxy__numv_pinf
                                    : proxy__numv_zero;
    } else if (x->sign == PROXY_NUM_PINF) {
        *out = s2 > 0 ? proxy__numv_pinf : proxy__numv_zero;
    } else { /* x = -Infinity, y > 0 */
        bool odd = y->ndigits > 0 && y->ndigits == y->weight + 1 && (y->digits[y->ndigits - 1] & 1);
        *out = odd ? proxy__numv_ninf : proxy__numv_pinf;
    }
    return true;
}

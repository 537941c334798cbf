/*
 * proxy/pgnum_muldiv.c: numeric multiplication, division (exact and PostgreSQL's approximate
 * div_var_fast), modulo, ceil/floor, square root and int64 conversions at variable level.
 * mul and div_fast reproduce PostgreSQL's truncated and estimated digits exactly, because
 * exp, ln and power build on them and PostgreSQL prints whatever they produce.
 * Spec: PostgreSQL 15 numeric.c (mul_var, div_var, div_var_fast, div_var_int, select_div_scale,
 * mod_var, div_mod_var, sqrt_var, numericvar_to_int64, int64_to_numericvar).
 */
#include "proxy/pgnum_internal.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- multiplication -------------------------------------------------------------------------- */

/* Carries acc[0..n) (each entry >= 0) into base-10000 digits, in place. */
static void carry_all(int32_t *acc, int n)
{
    int32_t carry = 0;
    for (int i = n - 1; i >= 0; i--) {
        int32_t d = acc[i] + carry;
        carry = d / NUMV_NBASE;
        acc[i] = d - carry * NUMV_NBASE;
    }
    AM_ASSERT(carry == 0);
}

/* PostgreSQL compiles numeric.c with -ftree-vectorize; so does this loop (gcc's -O2 would not
 * vectorize it: a 2.5x slower multiplication). clang vectorizes at -O2 anyway. */
#if defined(__GNUC__) && !defined(__clang__)
#define VECTORIZE __attribute__((optimize("tree-vectorize")))
#else
#define VECTORIZE
#endif

/* Adds the retained digit products of x (the shorter) and y into acc[0..n), with 32-bit
 * entries carried before they could overflow (as PostgreSQL does, which keeps the loop fast). */
VECTORIZE static void add_products(const proxy_num_t *x, const proxy_num_t *y, int32_t *acc, int n)
{
    const int32_t limit = (INT32_MAX - INT32_MAX / NUMV_NBASE) / (NUMV_NBASE - 1);
    int32_t maxdig = 0;
    for (int i1 = NUMV_MIN(x->ndigits - 1, n - 3); i1 >= 0; i1--) {
        int32_t d1 = x->digits[i1];
        if (d1 == 0)
            continue;
        maxdig += d1;
        if (maxdig > limit) {
            carry_all(acc, n);
            maxdig = 1 + d1;
        }
        int lim = NUMV_MIN(y->ndigits, n - i1 - 2);
        int32_t *dst = acc + i1 + 2;
        const int16_t *yd = y->digits;
        for (int i2 = 0; i2 < lim; i2++)
            dst[i2] += d1 * yd[i2];
    }
}

void proxy__numv_mul(am_arena_t *a, const proxy_num_t *x, const proxy_num_t *y, proxy_num_t *r,
                     int rscale)
{
    if (x->ndigits == 0 || y->ndigits == 0) {
        proxy__numv_set_zero(r);
        r->dscale = rscale;
        return;
    }
    int sign = x->sign == y->sign ? PROXY_NUM_POS : PROXY_NUM_NEG;
    int weight = x->weight + y->weight + 2;
    /* PostgreSQL ignores the digit products that land beyond rscale plus two guard digits */
    int n = x->ndigits + y->ndigits + 1;
    n = NUMV_MIN(n, weight + 1 + (rscale + NUMV_DEC - 1) / NUMV_DEC + NUMV_MUL_GUARD);
    if (n < 3) {
        proxy__numv_set_zero(r);
        r->dscale = rscale;
        return;
    }
    int32_t *acc = calloc((size_t)n, sizeof *acc);
    AM_ASSERT(acc);
    /* the set of retained products is symmetric: loop over the shorter operand */
    if (x->ndigits <= y->ndigits)
        add_products(x, y, acc, n);
    else
        add_products(y, x, acc, n);
    carry_all(acc, n);
    proxy_num_t t = {0};
    proxy__numv_alloc(a, &t, n);
    for (int i = 0; i < n; i++)
        t.digits[i] = (int16_t)acc[i];
    free(acc);
    t.weight = weight;
    t.sign = sign;
    proxy__numv_round(a, &t, rscale);
    proxy__numv_strip(&t);
    *r = t;
}

/* ---- exact division -------------------------------------------------------------------------- */

static bool div_zero(am_err_t *err)
{
    am_err_set(err, "22012", "division by zero");
    return false;
}

/* q[0..nu-nv] = floor(u / v) for digit strings u (nu digits) and v (nv >= 2 digits, v[0] != 0):
 * Knuth's algorithm D in base 10000. u is clobbered. */
static void long_divide(int32_t *u, int nu, const int16_t *vd, int nv, int16_t *q)
{
    AM_ASSERT(nv >= 2 && nu > nv);
    int32_t *v = malloc((size_t)nv * sizeof *v);
    AM_ASSERT(v);
    int d = NUMV_NBASE / (vd[0] + 1); /* scale so the divisor's top digit is >= NBASE/2 */
    int32_t carry = 0;
    for (int i = nv - 1; i >= 0; i--) {
        int32_t t = vd[i] * d + carry;
        v[i] = t % NUMV_NBASE;
        carry = t / NUMV_NBASE;
    }
    carry = 0;
    for (int i = nu - 1; i >= 0; i--) { /* u[0] is a spare leading zero */
        int32_t t = u[i] * d + carry;
        u[i] = t % NUMV_NBASE;
        carry = t / NUMV_NBASE;
    }
    for (int j = 0; j + nv < nu; j++) {
        int64_t top = (int64_t)u[j] * NUMV_NBASE + u[j + 1];
        int64_t qhat = top / v[0];
        int64_t rhat = top - qhat * v[0];
        while (qhat >= NUMV_NBASE || qhat * v[1] > rhat * NUMV_NBASE + u[j + 2]) {
            qhat--;
            rhat += v[0];
            if (rhat >= NUMV_NBASE)
                break;
        }
        int64_t borrow = 0;
        for (int i = nv - 1; i >= -1; i--) {
            int64_t t = u[j + 1 + i] - borrow - (i >= 0 ? qhat * v[i] : 0);
            borrow = t < 0 ? (-t + NUMV_NBASE - 1) / NUMV_NBASE : 0;
            u[j + 1 + i] = (int32_t)(t + borrow * NUMV_NBASE);
        }
        if (borrow) { /* qhat was one too large: add the divisor back */
            qhat--;
            int32_t c = 0;
            for (int i = nv - 1; i >= -1; i--) {
                int32_t t = u[j + 1 + i] + (i >= 0 ? v[i] : 0) + c;
                c = t >= NUMV_NBASE;
                u[j + 1 + i] = t - c * NUMV_NBASE;
            }
        }
        q[j] = (int16_t)qhat;
    }
    free(v);
}

/* Truncated |x| / |y| with its last digit at base-10000 weight <= -frac; first digit at weight
 * x->weight - y->weight. */
static void divide_digits(am_arena_t *a, const proxy_num_t *x, const proxy_num_t *y, int frac,
                          proxy_num_t *q)
{
    int nq = NUMV_MAX(x->weight - y->weight + 1 + frac, 1);
    int nu = NUMV_MAX(nq + y->ndigits - 1, x->ndigits); /* dividend digits, zero padded */
    nq = nu - y->ndigits + 1;
    int32_t *u = calloc((size_t)nu + 1, sizeof *u);
    AM_ASSERT(u);
    for (int i = 0; i < x->ndigits; i++)
        u[i + 1] = x->digits[i];
    proxy__numv_alloc(a, q, nq);
    if (y->ndigits == 1) {
        int64_t rem = 0;
        for (int i = 0; i < nq; i++) {
            rem = rem * NUMV_NBASE + u[i + 1];
            q->digits[i] = (int16_t)(rem / y->digits[0]);
            rem %= y->digits[0];
        }
    } else {
        long_divide(u, nu + 1, y->digits, y->ndigits, q->digits);
    }
    free(u);
    q->weight = x->weight - y->weight;
}

bool proxy__numv_div(am_arena_t *a, const proxy_num_t *x, const proxy_num_t *y, proxy_num_t *r,
                     int rscale, bool round, am_err_t *err)
{
    if (y->ndigits == 0 || y->digits[0] == 0)
        return div_zero(err);
    if (x->ndigits == 0) {
        proxy__numv_set_zero(r);
        r->dscale = rscale;
        return true;
    }
    /* every digit up to rscale, plus one more base-10000 digit when rounding */
    int frac = (rscale + NUMV_DEC - 1) / NUMV_DEC + (round ? 1 : 0);
    proxy_num_t q = {0};
    divide_digits(a, x, y, frac, &q);
    q.sign = x->sign == y->sign ? PROXY_NUM_POS : PROXY_NUM_NEG;
    if (round)
        proxy__numv_round(a, &q, rscale);
    else
        proxy__numv_trunc(&q, rscale);
    proxy__numv_strip(&q);
    *r = q;
    return true;
}

void proxy__numv_div_int(am_arena_t *a, const proxy_num_t *x, int ival, int ival_weight,
                         proxy_num_t *r, int rscale, bool round)
{
    int16_t yd[3];
    proxy_num_t y = {0, ival_weight, ival < 0 ? PROXY_NUM_NEG : PROXY_NUM_POS, 0, yd};
    unsigned v = ival < 0 ? 0u - (unsigned)ival : (unsigned)ival;
    int n = 0;
    int16_t tmp[3];
    while (v) {
        tmp[n++] = (int16_t)(v % NUMV_NBASE);
        v /= NUMV_NBASE;
    }
    for (int i = 0; i < n; i++)
        yd[i] = tmp[n - 1 - i];
    y.ndigits = n;
    y.weight = ival_weight + n - 1;
    proxy__numv_strip(&y);
    am_err_t ignored = {0};
    bool ok = proxy__numv_div(a, x, &y, r, rscale, round, &ignored);
    AM_ASSERT(ok); /* callers never pass 0 */
}

int proxy__numv_select_div_scale(const proxy_num_t *x, const proxy_num_t *y)
{
    /* first nonzero digit and its weight of each (zero: weight 0, digit 0) */
    int w1 = 0, w2 = 0, d1 = 0, d2 = 0;
    for (int i = 0; i < x->ndigits; i++)
        if ((d1 = x->digits[i]) != 0) {
            w1 = x->weight - i;
            break;
        }
    for (int i = 0; i < y->ndigits; i++)
        if ((d2 = y->digits[i]) != 0) {
            w2 = y->weight - i;
            break;
        }
    int qweight = w1 - w2;
    if (d1 <= d2)
        qweight--;
    int rscale = PROXY_NUM_MIN_SIG_DIGITS - qweight * NUMV_DEC;
    rscale = NUMV_MAX(rscale, x->dscale);
    rscale = NUMV_MAX(rscale, y->dscale);
    rscale = NUMV_MAX(rscale, 0);
    return NUMV_MIN(rscale, PROXY_NUM_MAX_DISPLAY_SCALE);
}

bool proxy__numv_mod(am_arena_t *a, const proxy_num_t *x, const proxy_num_t *y, proxy_num_t *r,
                     am_err_t *err)
{
    /* x - trunc(x / y) * y */
    proxy_num_t t = proxy__numv_zero;
    if (!proxy__numv_div(a, x, y, &t, 0, false, err))
        return false;
    proxy__numv_mul(a, y, &t, &t, y->dscale);
    proxy__numv_sub(a, x, &t, r);
    return true;
}

void proxy__numv_ceil(am_arena_t *a, const proxy_num_t *x, proxy_num_t *r)
{
    proxy_num_t t;
    proxy__numv_copy(a, x, &t);
    proxy__numv_trunc(&t, 0);
    if (x->sign == PROXY_NUM_POS && proxy__numv_cmp(x, &t) != 0)
        proxy__numv_add(a, &t, &proxy__numv_one, &t);
    *r = t;
}

void proxy__numv_floor(am_arena_t *a, const proxy_num_t *x, proxy_num_t *r)
{
    proxy_num_t t;
    proxy__numv_copy(a, x, &t);
    proxy__numv_trunc(&t, 0);
    if (x->sign == PROXY_NUM_NEG && proxy__numv_cmp(x, &t) != 0)
        proxy__numv_sub(a, &t, &proxy__numv_one, &t);
    *r = t;
}

/* ---- int64 ----------------------------------------------------------------------------------- */

void proxy__numv_from_i64(am_arena_t *a, int64_t v, proxy_num_t *r)
{
    uint64_t u = v < 0 ? 0u - (uint64_t)v : (uint64_t)v;
    int16_t tmp[5];
    int n = 0;
    while (u) {
        tmp[n++] = (int16_t)(u % NUMV_NBASE);
        u /= NUMV_NBASE;
    }
    proxy__numv_alloc(a, r, n);
    for (int i = 0; i < n; i++)
        r->digits[i] = tmp[n - 1 - i];
    r->weight = n - 1;
    r->sign = v < 0 ? PROXY_NUM_NEG : PROXY_NUM_POS;
    r->dscale = 0;
    proxy__numv_strip(r);
}

bool proxy__numv_to_i64(am_arena_t *a, const proxy_num_t *x, int64_t *out)
{
    proxy_num_t t;
    proxy__numv_copy(a, x, &t);
    proxy__numv_round(a, &t, 0);
    proxy__numv_strip(&t);
    if (t.ndigits == 0) {
        *out = 0;
        return true;
    }
    if (t.weight > 4)
        return false;
    /* accumulate negatively so INT64_MIN fits */
    __int128 acc = 0;
    for (int w = t.weight, i = 0; w >= 0; w--, i++)
        acc = acc * NUMV_NBASE - (i < t.ndigits ? t.digits[i] : 0);
    if (t.sign == PROXY_NUM_POS)
        acc = -acc;
    if (acc < INT64_MIN || acc > INT64_MAX)
        return false;
    *out = (int64_t)acc;
    return true;
}

double proxy__numv_to_double(am_arena_t *a, const proxy_num_t *x)
{
    char *s = proxy__numv_str(a, x);
    double v = strtod(s, NULL); /* ERANGE ignored: overflow gives +-HUGE_VAL */
    return v;
}

/* ---- PostgreSQL's div_var_fast -----------------------------------------------------------------
 */

/* Quotient digit estimate from the top four working digits at qi (truncated toward -inf). */
static int64_t estimate_digit(const int64_t *div, int qi, int ndiv, double inv)
{
    double f = (double)div[qi];
    for (int i = 1; i < 4; i++) {
        f *= NUMV_NBASE;
        if (qi + i <= ndiv)
            f += (double)div[qi + i];
    }
    double q = f * inv;
    return q >= 0.0 ? (int64_t)(int)q : (int64_t)((int)q - 1);
}

/* Carries div[qi+1 .. top] into range 0..NBASE-1, the rest into div[qi]. */
static void normalize_from(int64_t *div, int qi, int top)
{
    int64_t carry = 0;
    for (int i = top; i > qi; i--) {
        int64_t d = div[i] + carry;
        if (d < 0) {
            carry = -((-d - 1) / NUMV_NBASE) - 1;
            d -= carry * NUMV_NBASE;
        } else if (d >= NUMV_NBASE) {
            carry = d / NUMV_NBASE;
            d -= carry * NUMV_NBASE;
        } else {
            carry = 0;
        }
        div[i] = d;
    }
    div[qi] += carry;
}

/* The main loop of div_var_fast on div[0..ndiv]; PostgreSQL keeps these in int and relies on
 * an overflow that cancels out, which int64 computes without overflowing. */
static void fast_divide(int64_t *div, int ndiv, const proxy_num_t *y)
{
    double fdivisor = (double)y->digits[0];
    for (int i = 1; i < 4; i++) {
        fdivisor *= NUMV_NBASE;
        if (i < y->ndigits)
            fdivisor += (double)y->digits[i];
    }
    double inv = 1.0 / fdivisor;
    int64_t maxdiv = 1;
    const int64_t limit = ((int64_t)INT32_MAX - INT32_MAX / NUMV_NBASE - 1) / (NUMV_NBASE - 1);
    int qi = 0;
    for (; qi < ndiv; qi++) {
        int64_t q = estimate_digit(div, qi, ndiv, inv);
        if (q != 0) {
            maxdiv += llabs(q);
            if (maxdiv > limit) {
                normalize_from(div, qi, NUMV_MIN(qi + y->ndigits - 2, ndiv));
                maxdiv = 1;
                q = estimate_digit(div, qi, ndiv, inv);
                maxdiv += llabs(q);
            }
            int stop = NUMV_MIN(y->ndigits, ndiv - qi + 1);
            for (int i = 0; q != 0 && i < stop; i++)
                div[qi + i] -= (int64_t)(int16_t)q * y->digits[i];
        }
        div[qi + 1] += div[qi] * NUMV_NBASE;
        div[qi] = q;
    }
    double f = (double)div[qi] * NUMV_NBASE * NUMV_NBASE * NUMV_NBASE * inv;
    div[qi] = f >= 0.0 ? (int)f : (int)f - 1;
}

bool proxy__numv_div_fast(am_arena_t *a, const proxy_num_t *x, const proxy_num_t *y, proxy_num_t *r,
                          int rscale, bool round, am_err_t *err)
{
    if (y->ndigits == 0 || y->digits[0] == 0)
        return div_zero(err);
    if (y->ndigits <= 2 || x->ndigits == 0) /* PostgreSQL divides exactly here */
        return proxy__numv_div(a, x, y, r, rscale, round, err);
    int weight = x->weight - y->weight + 1;
    int ndiv = weight + 1 + (rscale + NUMV_DEC - 1) / NUMV_DEC + NUMV_DIV_GUARD;
    ndiv = NUMV_MAX(ndiv, NUMV_DIV_GUARD);
    int64_t *div = calloc((size_t)ndiv + 1, sizeof *div);
    AM_ASSERT(div);
    int load = NUMV_MIN(ndiv, x->ndigits);
    for (int i = 0; i < load; i++)
        div[i + 1] = x->digits[i];
    fast_divide(div, ndiv, y);
    proxy_num_t t = {0};
    proxy__numv_alloc(a, &t, ndiv + 1);
    /* quotient digits may be -1 or NBASE here: a final carry pass makes them digits */
    normalize_from(div, 0, ndiv);
    AM_ASSERT(div[0] >= 0 && div[0] < NUMV_NBASE);
    for (int i = 0; i <= ndiv; i++)
        t.digits[i] = (int16_t)div[i];
    free(div);
    t.weight = weight;
    t.sign = x->sign == y->sign ? PROXY_NUM_POS : PROXY_NUM_NEG;
    if (round)
        proxy__numv_round(a, &t, rscale);
    else
        proxy__numv_trunc(&t, rscale);
    proxy__numv_strip(&t);
    *r = t;
    return true;
}

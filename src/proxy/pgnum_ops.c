/*
 * proxy/pgnum_ops.c: the SQL-level numeric operators and functions of PostgreSQL: + - * / %,
 * div(), comparison, abs, sign, round, trunc, ceil, floor, gcd, lcm, scale, min_scale,
 * trim_scale and width_bucket, each with PostgreSQL's rules for NaN and infinities (15+).
 * Spec: PostgreSQL 15 numeric.c (numeric_add ... numeric_trim_scale, width_bucket_numeric).
 */
#include "proxy/pgnum_internal.h"

static bool div_zero(am_err_t *err)
{
    return am_err_set(err, "22012", "division by zero");
}

/* -1, 0, 1 for any non-NaN value (numeric_sign_internal). */
static int sign_of(const proxy_num_t *x)
{
    if (x->sign == PROXY_NUM_PINF)
        return 1;
    if (x->sign == PROXY_NUM_NINF)
        return -1;
    return x->ndigits == 0 ? 0 : x->sign == PROXY_NUM_NEG ? -1 : 1;
}

static const proxy_num_t *inf_of(int sign)
{
    return sign > 0 ? &proxy__numv_pinf : &proxy__numv_ninf;
}

bool proxy__num_add(am_arena_t *a, const proxy_num_t *x, const proxy_num_t *y, proxy_num_t *out,
                    am_err_t *err)
{
    if (proxy__num_is_special(x) || proxy__num_is_special(y)) {
        int sx = x->sign == PROXY_NUM_NAN ? 0 : proxy__num_is_special(x) ? sign_of(x) : 0;
        int sy = y->sign == PROXY_NUM_NAN ? 0 : proxy__num_is_special(y) ? sign_of(y) : 0;
        if (x->sign == PROXY_NUM_NAN || y->sign == PROXY_NUM_NAN || sx * sy < 0)
            *out = proxy__numv_nan;
        else
            *out = *inf_of(sx ? sx : sy);
        return true;
    }
    proxy__numv_add(a, x, y, out);
    return proxy__numv_make(out, err);
}

bool proxy__num_sub(am_arena_t *a, const proxy_num_t *x, const proxy_num_t *y, proxy_num_t *out,
                    am_err_t *err)
{
    if (proxy__num_is_special(x) || proxy__num_is_special(y)) {
        proxy_num_t ny;
        proxy__num_neg(y, &ny);
        return proxy__num_add(a, x, &ny, out, err);
    }
    proxy__numv_sub(a, x, y, out);
    return proxy__numv_make(out, err);
}

bool proxy__num_mul(am_arena_t *a, const proxy_num_t *x, const proxy_num_t *y, proxy_num_t *out,
                    am_err_t *err)
{
    if (proxy__num_is_special(x) || proxy__num_is_special(y)) {
        int p = sign_of(x) * sign_of(y);
        if (x->sign == PROXY_NUM_NAN || y->sign == PROXY_NUM_NAN || p == 0)
            *out = proxy__numv_nan;
        else
            *out = *inf_of(p);
        return true;
    }
    /* the exact product, rounded only if its scale cannot be stored */
    proxy__numv_mul(a, x, y, out, x->dscale + y->dscale);
    if (out->dscale > PROXY_NUM_DSCALE_MAX)
        proxy__numv_round(a, out, PROXY_NUM_DSCALE_MAX);
    return proxy__numv_make(out, err);
}

/* The special cases shared by / and div(): true when they decide the result. */
static bool div_special(const proxy_num_t *x, const proxy_num_t *y, proxy_num_t *out, bool *ok,
                        am_err_t *err)
{
    *ok = true;
    if (!proxy__num_is_special(x) && !proxy__num_is_special(y))
        return false;
    if (x->sign == PROXY_NUM_NAN || y->sign == PROXY_NUM_NAN) {
        *out = proxy__numv_nan;
    } else if (proxy__num_is_special(x)) {
        int sy = sign_of(y);
        if (proxy__num_is_special(y))
            *out = proxy__numv_nan;
        else if (sy == 0)
            *ok = div_zero(err);
        else
            *out = *inf_of(sign_of(x) * sy);
    } else {
        *out = proxy__numv_zero; /* finite / infinity */
    }
    return true;
}

bool proxy__num_div(am_arena_t *a, const proxy_num_t *x, const proxy_num_t *y, proxy_num_t *out,
                    am_err_t *err)
{
    bool ok;
    if (div_special(x, y, out, &ok, err))
        return ok;
    int rscale = proxy__numv_select_div_scale(x, y);
    return proxy__numv_div(a, x, y, out, rscale, true, err) && proxy__numv_make(out, err);
}

bool proxy__num_div_trunc(am_arena_t *a, const proxy_num_t *x, const proxy_num_t *y,
                          proxy_num_t *out, am_err_t *err)
{
    bool ok;
    if (div_special(x, y, out, &ok, err))
        return ok;
    return proxy__numv_div(a, x, y, out, 0, false, err) && proxy__numv_make(out, err);
}

bool proxy__num_mod(am_arena_t *a, const proxy_num_t *x, const proxy_num_t *y, proxy_num_t *out,
                    am_err_t *err)
{
    if (proxy__num_is_special(x) || proxy__num_is_special(y)) {
        bool nan = x->sign == PROXY_NUM_NAN || y->sign == PROXY_NUM_NAN;
        if (!nan && proxy__num_is_special(x) && sign_of(y) == 0)
            return div_zero(err);
        /* finite % infinity is the finite value; infinity % anything is NaN */
        *out = !nan && !proxy__num_is_special(x) ? *x : proxy__numv_nan;
        return true;
    }
    return proxy__numv_mod(a, x, y, out, err) && proxy__numv_make(out, err);
}

int proxy__num_cmp(const proxy_num_t *x, const proxy_num_t *y)
{
    /* NaN = NaN > +Infinity > finite > -Infinity */
    static const int rank_nan = 3, rank_pinf = 2, rank_fin = 1, rank_ninf = 0;
    int rx = x->sign == PROXY_NUM_NAN    ? rank_nan
             : x->sign == PROXY_NUM_PINF ? rank_pinf
             : x->sign == PROXY_NUM_NINF ? rank_ninf
                                         : rank_fin;
    int ry = y->sign == PROXY_NUM_NAN    ? rank_nan
             : y->sign == PROXY_NUM_PINF ? rank_pinf
             : y->sign == PROXY_NUM_NINF ? rank_ninf
                                         : rank_fin;
    if (rx != ry)
        return rx < ry ? -1 : 1;
    return rx == rank_fin ? proxy__numv_cmp(x, y) : 0;
}

void proxy__num_abs(const proxy_num_t *x, proxy_num_t *out)
{
    *out = *x;
    if (x->sign == PROXY_NUM_NEG)
        out->sign = PROXY_NUM_POS;
    else if (x->sign == PROXY_NUM_NINF)
        out->sign = PROXY_NUM_PINF;
}

void proxy__num_neg(const proxy_num_t *x, proxy_num_t *out)
{
    *out = *x;
    if (x->sign == PROXY_NUM_PINF)
        out->sign = PROXY_NUM_NINF;
    else if (x->sign == PROXY_NUM_NINF)
        out->sign = PROXY_NUM_PINF;
    else if (x->sign != PROXY_NUM_NAN && x->ndigits > 0)
        out->sign = x->sign == PROXY_NUM_POS ? PROXY_NUM_NEG : PROXY_NUM_POS;
}

void proxy__num_sign(const proxy_num_t *x, proxy_num_t *out)
{
    static int16_t one[1] = {1};
    if (x->sign == PROXY_NUM_NAN) {
        *out = proxy__numv_nan;
        return;
    }
    int s = sign_of(x);
    proxy_num_t r = {s ? 1 : 0, 0, s < 0 ? PROXY_NUM_NEG : PROXY_NUM_POS, 0, s ? one : NULL};
    *out = r;
}

bool proxy__num_round(am_arena_t *a, const proxy_num_t *x, int32_t n, proxy_num_t *out,
                      am_err_t *err)
{
    if (proxy__num_is_special(x)) {
        *out = *x;
        return true;
    }
    /* limits that keep the arithmetic in range; one more digit may round up */
    int scale = n < -(PROXY_NUM_WEIGHT_MAX + 1) * NUMV_DEC - 1
                    ? -(PROXY_NUM_WEIGHT_MAX + 1) * NUMV_DEC - 1
                    : n;
    scale = NUMV_MIN(scale, PROXY_NUM_DSCALE_MAX);
    proxy_num_t v;
    proxy__numv_copy(a, x, &v);
    proxy__numv_round(a, &v, scale);
    if (scale < 0)
        v.dscale = 0;
    *out = v;
    return proxy__numv_make(out, err);
}

bool proxy__num_trunc(am_arena_t *a, const proxy_num_t *x, int32_t n, proxy_num_t *out,
                      am_err_t *err)
{
    if (proxy__num_is_special(x)) {
        *out = *x;
        return true;
    }
    int scale =
        n < -(PROXY_NUM_WEIGHT_MAX + 1) * NUMV_DEC ? -(PROXY_NUM_WEIGHT_MAX + 1) * NUMV_DEC : n;
    scale = NUMV_MIN(scale, PROXY_NUM_DSCALE_MAX);
    proxy_num_t v;
    proxy__numv_copy(a, x, &v);
    proxy__numv_trunc(&v, scale);
    if (scale < 0)
        v.dscale = 0;
    *out = v;
    return proxy__numv_make(out, err);
}

bool proxy__num_ceil(am_arena_t *a, const proxy_num_t *x, proxy_num_t *out, am_err_t *err)
{
    if (proxy__num_is_special(x)) {
        *out = *x;
        return true;
    }
    proxy__numv_ceil(a, x, out);
    return proxy__numv_make(out, err);
}

bool proxy__num_floor(am_arena_t *a, const proxy_num_t *x, proxy_num_t *out, am_err_t *err)
{
    if (proxy__num_is_special(x)) {
        *out = *x;
        return true;
    }
    proxy__numv_floor(a, x, out);
    return proxy__numv_make(out, err);
}

/* gcd_var: Euclid's algorithm on the absolute values. */
static bool gcd_var(am_arena_t *a, const proxy_num_t *x, const proxy_num_t *y, proxy_num_t *r,
                    am_err_t *err)
{
    int dscale = NUMV_MAX(x->dscale, y->dscale);
    int c = proxy__numv_cmp_abs(x, y);
    if (c < 0) {
        const proxy_num_t *t = x;
        x = y;
        y = t;
    }
    proxy_num_t p = *x, q = *y;
    if (c != 0 && y->ndigits != 0) {
        for (;;) {
            proxy_num_t m;
            if (!proxy__numv_mod(a, &p, &q, &m, err))
                return false;
            if (m.ndigits == 0)
                break;
            p = q;
            q = m;
        }
        p = q;
    }
    *r = p;
    r->sign = PROXY_NUM_POS;
    r->dscale = dscale;
    return true;
}

bool proxy__num_gcd(am_arena_t *a, const proxy_num_t *x, const proxy_num_t *y, proxy_num_t *out,
                    am_err_t *err)
{
    if (proxy__num_is_special(x) || proxy__num_is_special(y)) {
        *out = proxy__numv_nan;
        return true;
    }
    return gcd_var(a, x, y, out, err) && proxy__numv_make(out, err);
}

bool proxy__num_lcm(am_arena_t *a, const proxy_num_t *x, const proxy_num_t *y, proxy_num_t *out,
                    am_err_t *err)
{
    if (proxy__num_is_special(x) || proxy__num_is_special(y)) {
        *out = proxy__numv_nan;
        return true;
    }
    proxy_num_t r = proxy__numv_zero;
    if (x->ndigits != 0 && y->ndigits != 0) {
        /* abs(x / gcd(x, y) * y) */
        if (!gcd_var(a, x, y, &r, err) || !proxy__numv_div(a, x, &r, &r, 0, false, err))
            return false;
        proxy__numv_mul(a, y, &r, &r, y->dscale);
        r.sign = PROXY_NUM_POS;
    }
    r.dscale = NUMV_MAX(x->dscale, y->dscale);
    *out = r;
    return proxy__numv_make(out, err);
}

bool proxy__num_scale(const proxy_num_t *x, int32_t *out)
{
    if (proxy__num_is_special(x))
        return false;
    *out = x->dscale;
    return true;
}

/* Fewest fractional digits that keep the value (get_min_scale). */
static int min_scale(const proxy_num_t *x)
{
    int last = x->ndigits - 1;
    while (last >= 0 && x->digits[last] == 0)
        last--;
    if (last < 0)
        return 0;
    int scale = (last - x->weight) * NUMV_DEC;
    if (scale <= 0)
        return 0;
    for (int d = x->digits[last]; d % 10 == 0; d /= 10)
        scale--;
    return scale;
}

bool proxy__num_min_scale(const proxy_num_t *x, int32_t *out)
{
    if (proxy__num_is_special(x))
        return false;
    *out = min_scale(x);
    return true;
}

void proxy__num_trim_scale(const proxy_num_t *x, proxy_num_t *out)
{
    *out = *x;
    if (!proxy__num_is_special(x))
        out->dscale = min_scale(x);
}

static bool bucket_error(am_err_t *err, const char *msg)
{
    return am_err_set(err, "2201G", "%s", msg);
}

/* compute_bucket: floor((op - lo) * count / (hi - lo)) + 1, bounds possibly reversed. */
static bool compute_bucket(am_arena_t *a, const proxy_num_t *op, const proxy_num_t *b1,
                           const proxy_num_t *b2, const proxy_num_t *count, bool reversed,
                           proxy_num_t *r, am_err_t *err)
{
    proxy_num_t num, den;
    if (!reversed) {
        proxy__numv_sub(a, op, b1, &num);
        proxy__numv_sub(a, b2, b1, &den);
    } else {
        proxy__numv_sub(a, b1, op, &num);
        proxy__numv_sub(a, b1, b2, &den);
    }
    proxy__numv_mul(a, &num, count, &num, num.dscale + count->dscale);
    if (!proxy__numv_div(a, &num, &den, r, proxy__numv_select_div_scale(&num, &den), true, err))
        return false;
    proxy__numv_add(a, r, &proxy__numv_one, r);
    proxy__numv_floor(a, r, r);
    return true;
}

bool proxy__num_width_bucket(am_arena_t *a, const proxy_num_t *op, const proxy_num_t *b1,
                             const proxy_num_t *b2, int32_t count, int32_t *out, am_err_t *err)
{
    if (count <= 0)
        return bucket_error(err, "count must be greater than zero");
    if (op->sign == PROXY_NUM_NAN || b1->sign == PROXY_NUM_NAN || b2->sign == PROXY_NUM_NAN)
        return bucket_error(err, "operand, lower bound, and upper bound cannot be NaN");
    if (proxy__num_is_special(b1) || proxy__num_is_special(b2))
        return bucket_error(err, "lower and upper bounds must be finite");
    proxy_num_t cnt, r;
    proxy__numv_from_i64(a, count, &cnt);
    int c = proxy__num_cmp(b1, b2);
    if (c == 0)
        return bucket_error(err, "lower bound cannot equal upper bound");
    int lo_side = proxy__num_cmp(op, b1) * -c, hi_side = proxy__num_cmp(op, b2) * -c;
    if (lo_side < 0)
        r = proxy__numv_zero;
    else if (hi_side >= 0)
        proxy__numv_add(a, &cnt, &proxy__numv_one, &r);
    else if (!compute_bucket(a, op, b1, b2, &cnt, c > 0, &r, err))
        return false;
    int64_t v;
    if (!proxy__numv_to_i64(a, &r, &v) || v < INT32_MIN || v > INT32_MAX)
        return am_err_set(err, "22003", "integer out of range");
    *out = (int32_t)v;
    return true;
}

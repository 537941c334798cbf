/*
 * proxy/pgnum_float.c: PostgreSQL's float8/float4 arithmetic and math functions with their
 * overflow, underflow and domain errors, the degree-based trigonometry that is exact at 0, 30,
 * 45, 60 and 90 degrees, float-to-integer casts and integer division. Uses the same C library
 * functions PostgreSQL calls, in the same order, so results are bit for bit its results.
 * Spec: PostgreSQL 15 float.c, utils/float.h (float8_pl ... float8_div), int.c and int8.c
 * (int4div, int4mod, ...).
 */
#include "proxy/pgnum_internal.h"

#include <errno.h>
#include <math.h>

#define RADIANS_PER_DEGREE 0.0174532925199432957692

static bool overflow(am_err_t *err)
{
    return am_err_set(err, "22003", "value out of range: overflow");
}

static bool underflow(am_err_t *err)
{
    return am_err_set(err, "22003", "value out of range: underflow");
}

static bool out_of_range(am_err_t *err)
{
    return am_err_set(err, "22003", "input is out of range");
}

static bool log_domain(double x, am_err_t *err)
{
    if (x == 0.0)
        return am_err_set(err, "2201E", "cannot take logarithm of zero");
    if (x < 0)
        return am_err_set(err, "2201E", "cannot take logarithm of a negative number");
    return true;
}

/* Overflow if the result is infinite from finite input, underflow if it is 0 from nonzero. */
static bool check(double r, bool inf_ok, bool zero_ok, am_err_t *err)
{
    if (isinf(r) && !inf_ok)
        return overflow(err);
    if (r == 0.0 && !zero_ok)
        return underflow(err);
    return true;
}

/* ---- arithmetic ------------------------------------------------------------------------------ */

static bool f8_arith(proxy_f8_fn_t fn, double x, double y, double *out, am_err_t *err)
{
    double r;
    switch (fn) {
    case PROXY_F8_ADD:
    case PROXY_F8_SUB:
        r = fn == PROXY_F8_ADD ? x + y : x - y;
        if (isinf(r) && !isinf(x) && !isinf(y))
            return overflow(err);
        break;
    case PROXY_F8_MUL:
        r = x * y;
        if (isinf(r) && !isinf(x) && !isinf(y))
            return overflow(err);
        if (r == 0.0 && x != 0.0 && y != 0.0)
            return underflow(err);
        break;
    default: /* PROXY_F8_DIV */
        if (y == 0.0 && !isnan(x))
            return am_err_set(err, "22012", "division by zero");
        r = x / y;
        if (isinf(r) && !isinf(x))
            return overflow(err);
        if (r == 0.0 && x != 0.0 && !isinf(y))
            return underflow(err);
        break;
    }
    *out = r;
    return true;
}

bool proxy__f4_binary(proxy_f8_fn_t fn, float x, float y, float *out, am_err_t *err)
{
    float r;
    switch (fn) {
    case PROXY_F8_ADD:
    case PROXY_F8_SUB:
        r = fn == PROXY_F8_ADD ? x + y : x - y;
        if (isinf(r) && !isinf(x) && !isinf(y))
            return overflow(err);
        break;
    case PROXY_F8_MUL:
        r = x * y;
        if (isinf(r) && !isinf(x) && !isinf(y))
            return overflow(err);
        if (r == 0.0f && x != 0.0f && y != 0.0f)
            return underflow(err);
        break;
    default:
        if (y == 0.0f && !isnan(x))
            return am_err_set(err, "22012", "division by zero");
        r = x / y;
        if (isinf(r) && !isinf(x))
            return overflow(err);
        if (r == 0.0f && x != 0.0f && !isinf(y))
            return underflow(err);
        break;
    }
    *out = r;
    return true;
}

/* dpow: POSIX special cases, then pow() with its errno. */
static bool f8_pow(double x, double y, double *out, am_err_t *err)
{
    if (isnan(x) || isnan(y)) {
        *out = (isnan(x) && !isnan(y) && y == 0.0) || (!isnan(x) && x == 1.0) ? 1.0 : NAN;
        return true;
    }
    if (x == 0 && y < 0)
        return am_err_set(err, "2201F", "zero raised to a negative power is undefined");
    if (x < 0 && floor(y) != y)
        return am_err_set(err, "2201F",
                          "a negative number raised to a non-integer power "
                          "yields a complex result");
    double ax = fabs(x);
    if (isinf(y)) {
        *out = ax == 1.0 ? 1.0 : y > 0.0 ? (ax > 1.0 ? y : 0.0) : (ax > 1.0 ? 0.0 : -y);
        return true;
    }
    if (isinf(x)) {
        double half = y / 2;
        bool odd = floor(half) != half;
        *out = y == 0.0  ? 1.0
               : x > 0.0 ? (y > 0.0 ? x : 0.0)
               : y > 0.0 ? (odd ? x : -x)
                         : (odd ? -0.0 : 0.0);
        return true;
    }
    errno = 0;
    double r = pow(x, y);
    if (errno == EDOM || isnan(r)) {
        if (x == 0.0)
            r = 0.0;
        else if (ax == 1.0)
            r = 1.0;
        else
            return (y >= 0.0 ? ax > 1.0 : ax < 1.0) ? overflow(err) : underflow(err);
    } else if (errno == ERANGE) {
        return r != 0.0 ? overflow(err) : underflow(err);
    } else if (!check(r, false, x == 0.0, err)) {
        return false;
    }
    *out = r;
    return true;
}

/* ---- degree-based trigonometry --------------------------------------------------------------- */

/* PostgreSQL computes these once at run time (so the compiler cannot fold them differently);
 * volatile keeps each intermediate a double. */
typedef struct degree_consts {
    double sin_30, one_minus_cos_60, asin_0_5, acos_0_5, atan_1_0, tan_45, cot_45;
} degree_consts_t;

static volatile double c_thirty = 30.0, c_forty_five = 45.0, c_sixty = 60.0, c_half = 0.5,
                       c_one = 1.0;

static double sind_0_to_30(const degree_consts_t *k, double x)
{
    volatile double s = sin(x * RADIANS_PER_DEGREE);
    return (s / k->sin_30) / 2.0;
}

static double cosd_0_to_60(const degree_consts_t *k, double x)
{
    volatile double omc = 1.0 - cos(x * RADIANS_PER_DEGREE);
    return 1.0 - (omc / k->one_minus_cos_60) / 2.0;
}

static double sind_q1(const degree_consts_t *k, double x)
{
    return x <= 30.0 ? sind_0_to_30(k, x) : cosd_0_to_60(k, 90.0 - x);
}

static double cosd_q1(const degree_consts_t *k, double x)
{
    return x <= 60.0 ? cosd_0_to_60(k, x) : sind_0_to_30(k, 90.0 - x);
}

static void degree_consts(degree_consts_t *k)
{
    k->sin_30 = sin(c_thirty * RADIANS_PER_DEGREE);
    k->one_minus_cos_60 = 1.0 - cos(c_sixty * RADIANS_PER_DEGREE);
    k->asin_0_5 = asin(c_half);
    k->acos_0_5 = acos(c_half);
    k->atan_1_0 = atan(c_one);
    k->tan_45 = sind_q1(k, c_forty_five) / cosd_q1(k, c_forty_five);
    k->cot_45 = cosd_q1(k, c_forty_five) / sind_q1(k, c_forty_five);
}

static double asind_q1(const degree_consts_t *k, double x)
{
    if (x <= 0.5) {
        volatile double s = asin(x);
        return (s / k->asin_0_5) * 30.0;
    }
    volatile double c = acos(x);
    return 90.0 - (c / k->acos_0_5) * 60.0;
}

static double acosd_q1(const degree_consts_t *k, double x)
{
    if (x <= 0.5) {
        volatile double s = asin(x);
        return 90.0 - (s / k->asin_0_5) * 30.0;
    }
    volatile double c = acos(x);
    return (c / k->acos_0_5) * 60.0;
}

/* sind, cosd, tand, cotd: reduce to the first quadrant, tracking the sign as PostgreSQL does. */
static bool f8_trigd(proxy_f8_fn_t fn, double x, double *out, am_err_t *err)
{
    if (isinf(x))
        return out_of_range(err);
    degree_consts_t k;
    degree_consts(&k);
    int sign = 1;
    bool cos_like = fn == PROXY_F8_COSD;
    x = fmod(x, 360.0);
    if (x < 0.0) {
        x = -x;
        sign = cos_like ? sign : -sign;
    }
    if (x > 180.0) {
        x = 360.0 - x;
        sign = cos_like ? sign : -sign;
    }
    if (x > 90.0) {
        x = 180.0 - x;
        sign = fn == PROXY_F8_SIND ? sign : -sign;
    }
    double r;
    if (fn == PROXY_F8_SIND || fn == PROXY_F8_COSD) {
        r = sign * (fn == PROXY_F8_SIND ? sind_q1(&k, x) : cosd_q1(&k, x));
        if (isinf(r))
            return overflow(err);
    } else {
        volatile double q =
            fn == PROXY_F8_TAND ? sind_q1(&k, x) / cosd_q1(&k, x) : cosd_q1(&k, x) / sind_q1(&k, x);
        r = sign * (q / (fn == PROXY_F8_TAND ? k.tan_45 : k.cot_45));
        if (r == 0.0)
            r = 0.0; /* no minus zero */
    }
    *out = r;
    return true;
}

static bool f8_inverse_trigd(proxy_f8_fn_t fn, double x, double y, double *out, am_err_t *err)
{
    degree_consts_t k;
    degree_consts(&k);
    double r;
    if (fn == PROXY_F8_ATAND || fn == PROXY_F8_ATAN2D) {
        volatile double t = fn == PROXY_F8_ATAND ? atan(x) : atan2(x, y);
        r = (t / k.atan_1_0) * 45.0;
    } else {
        if (x < -1.0 || x > 1.0)
            return out_of_range(err);
        if (fn == PROXY_F8_ASIND)
            r = x >= 0.0 ? asind_q1(&k, x) : -asind_q1(&k, -x);
        else
            r = x >= 0.0 ? acosd_q1(&k, x) : 90.0 + asind_q1(&k, -x);
    }
    if (isinf(r))
        return overflow(err);
    *out = r;
    return true;
}

/* ---- radian trigonometry and hyperbolic functions -------------------------------------------- */

static bool f8_trig(proxy_f8_fn_t fn, double x, double *out, am_err_t *err)
{
    errno = 0;
    double r = fn == PROXY_F8_SIN ? sin(x) : fn == PROXY_F8_COS ? cos(x) : tan(x);
    if (errno != 0 || isinf(x))
        return out_of_range(err);
    if (fn == PROXY_F8_COT)
        r = 1.0 / r;
    else if (fn != PROXY_F8_TAN && isinf(r))
        return overflow(err);
    *out = r;
    return true;
}

static bool f8_inverse_trig(proxy_f8_fn_t fn, double x, double *out, am_err_t *err)
{
    if (fn != PROXY_F8_ATAN && (x < -1.0 || x > 1.0))
        return out_of_range(err);
    double r = fn == PROXY_F8_ASIN ? asin(x) : fn == PROXY_F8_ACOS ? acos(x) : atan(x);
    if (isinf(r))
        return overflow(err);
    *out = r;
    return true;
}

static bool f8_hyperbolic(proxy_f8_fn_t fn, double x, double *out, am_err_t *err)
{
    double r;
    errno = 0;
    switch (fn) {
    case PROXY_F8_SINH:
        r = sinh(x);
        if (errno == ERANGE)
            r = x < 0 ? -INFINITY : INFINITY;
        break;
    case PROXY_F8_COSH:
        r = cosh(x);
        if (errno == ERANGE)
            r = INFINITY;
        if (r == 0.0)
            return underflow(err);
        break;
    case PROXY_F8_TANH:
        r = tanh(x);
        if (isinf(r))
            return overflow(err);
        break;
    case PROXY_F8_ASINH:
        r = asinh(x);
        break;
    case PROXY_F8_ACOSH:
        if (x < 1.0)
            return out_of_range(err);
        r = acosh(x);
        break;
    default: /* ATANH */
        if (x < -1.0 || x > 1.0)
            return out_of_range(err);
        r = x == -1.0 ? -INFINITY : x == 1.0 ? INFINITY : atanh(x);
        break;
    }
    *out = r;
    return true;
}

/* ---- roots, exp, logarithms, rounding -------------------------------------------------------- */

static bool f8_exp(double x, double *out, am_err_t *err)
{
    if (isnan(x) || isinf(x)) {
        *out = isnan(x) || x > 0.0 ? x : 0;
        return true;
    }
    errno = 0;
    double r = exp(x);
    if (errno == ERANGE)
        return r != 0.0 ? overflow(err) : underflow(err);
    if (!check(r, false, false, err))
        return false;
    *out = r;
    return true;
}

static bool f8_root_log(proxy_f8_fn_t fn, double x, double *out, am_err_t *err)
{
    double r;
    switch (fn) {
    case PROXY_F8_SQRT:
        if (x < 0)
            return am_err_set(err, "2201F", "cannot take square root of a negative number");
        r = sqrt(x);
        break;
    case PROXY_F8_CBRT:
        r = cbrt(x);
        break;
    default: /* LN, LOG10 */
        if (!log_domain(x, err))
            return false;
        r = fn == PROXY_F8_LN ? log(x) : log10(x);
        if (!check(r, isinf(x), x == 1.0, err))
            return false;
        *out = r;
        return true;
    }
    if (!check(r, isinf(x), x == 0.0, err))
        return false;
    *out = r;
    return true;
}

static double f8_round_like(proxy_f8_fn_t fn, double x)
{
    switch (fn) {
    case PROXY_F8_ROUND:
        return rint(x);
    case PROXY_F8_CEIL:
        return ceil(x);
    case PROXY_F8_FLOOR:
        return floor(x);
    case PROXY_F8_TRUNC:
        return x >= 0 ? floor(x) : -floor(-x);
    default: /* SIGN: NaN has sign 0 in PostgreSQL */
        return x > 0 ? 1.0 : x < 0 ? -1.0 : 0.0;
    }
}

bool proxy__f8_unary(proxy_f8_fn_t fn, double x, double *out, am_err_t *err)
{
    bool nan_passes = fn >= PROXY_F8_SIN && fn <= PROXY_F8_ATAND;
    if (nan_passes && isnan(x)) {
        *out = NAN;
        return true;
    }
    switch (fn) {
    case PROXY_F8_SQRT:
    case PROXY_F8_CBRT:
    case PROXY_F8_LN:
    case PROXY_F8_LOG10:
        return f8_root_log(fn, x, out, err);
    case PROXY_F8_EXP:
        return f8_exp(x, out, err);
    case PROXY_F8_SIN:
    case PROXY_F8_COS:
    case PROXY_F8_TAN:
    case PROXY_F8_COT:
        return f8_trig(fn, x, out, err);
    case PROXY_F8_ASIN:
    case PROXY_F8_ACOS:
    case PROXY_F8_ATAN:
        return f8_inverse_trig(fn, x, out, err);
    case PROXY_F8_SIND:
    case PROXY_F8_COSD:
    case PROXY_F8_TAND:
    case PROXY_F8_COTD:
        return f8_trigd(fn, x, out, err);
    case PROXY_F8_ASIND:
    case PROXY_F8_ACOSD:
    case PROXY_F8_ATAND:
        return f8_inverse_trigd(fn, x, 0, out, err);
    case PROXY_F8_DEGREES:
        return f8_arith(PROXY_F8_DIV, x, RADIANS_PER_DEGREE, out, err);
    case PROXY_F8_RADIANS:
        return f8_arith(PROXY_F8_MUL, x, RADIANS_PER_DEGREE, out, err);
    case PROXY_F8_ROUND:
    case PROXY_F8_TRUNC:
    case PROXY_F8_CEIL:
    case PROXY_F8_FLOOR:
    case PROXY_F8_SIGN:
        *out = f8_round_like(fn, x);
        return true;
    default:
        return f8_hyperbolic(fn, x, out, err);
    }
}

bool proxy__f8_binary(proxy_f8_fn_t fn, double x, double y, double *out, am_err_t *err)
{
    switch (fn) {
    case PROXY_F8_POW:
        return f8_pow(x, y, out, err);
    case PROXY_F8_ATAN2:
    case PROXY_F8_ATAN2D:
        if (isnan(x) || isnan(y)) {
            *out = NAN;
            return true;
        }
        if (fn == PROXY_F8_ATAN2D)
            return f8_inverse_trigd(fn, x, y, out, err);
        *out = atan2(x, y);
        return isinf(*out) ? overflow(err) : true;
    default:
        return f8_arith(fn, x, y, out, err);
    }
}

/* ---- integers -------------------------------------------------------------------------------- */

static const char *int_type(int bits)
{
    return bits == 16 ? "smallint" : bits == 32 ? "integer" : "bigint";
}

bool proxy__f8_to_int(double x, int bits, int64_t *out, am_err_t *err)
{
    double r = rint(x);
    double lim = bits == 16 ? 32768.0 : bits == 32 ? 2147483648.0 : 9223372036854775808.0;
    if (isnan(r) || !(r >= -lim && r < lim))
        return am_err_set(err, "22003", "%s out of range", int_type(bits));
    *out = (int64_t)r;
    return true;
}

bool proxy__f4_to_int(float x, int bits, int64_t *out, am_err_t *err)
{
    float r = rintf(x);
    float lim = bits == 16 ? 32768.0f : bits == 32 ? 2147483648.0f : 9223372036854775808.0f;
    if (isnan(r) || !(r >= -lim && r < lim))
        return am_err_set(err, "22003", "%s out of range", int_type(bits));
    *out = (int64_t)r;
    return true;
}

bool proxy__f8_to_f4(double x, float *out, am_err_t *err)
{
    float r = (float)x;
    if (isinf(r) && !isinf(x))
        return overflow(err);
    if (r == 0.0f && x != 0.0)
        return underflow(err);
    *out = r;
    return true;
}

bool proxy__int_div(int64_t x, int64_t y, int bits, int64_t *out, am_err_t *err)
{
    int64_t min = bits == 16 ? INT16_MIN : bits == 32 ? INT32_MIN : INT64_MIN;
    if (y == 0)
        return am_err_set(err, "22012", "division by zero");
    if (y == -1) {
        if (x == min)
            return am_err_set(err, "22003", "%s out of range", int_type(bits));
        *out = -x;
        return true;
    }
    *out = x / y;
    return true;
}

bool proxy__int_mod(int64_t x, int64_t y, int bits, int64_t *out, am_err_t *err)
{
    (void)bits;
    if (y == 0)
        return am_err_set(err, "22012", "division by zero");
    *out = y == -1 ? 0 : x % y; /* x % -1 is 0 even for the minimum */
    return true;
}

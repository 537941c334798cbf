/*
 * proxy/pgfn_more_num.c: number functions of the `more` family (proxy/pgfn_more.h):
 * factorial, generate_series over numeric, integer shifts as PostgreSQL's C shifts compute
 * them, width_bucket over float8 and pg_size_bytes. Numeric values go through pgfn_num.h,
 * which computes as PostgreSQL's numeric.c.
 * Spec: PostgreSQL 15 numeric.c (numeric_fac, generate_series_step_numeric), int.c and int8.c
 * (int2shl ... int8shr), float.c (width_bucket_float8), dbsize.c (pg_size_bytes).
 */
#include "proxy/pgfn_more.h"
#include "proxy/pgfn_num.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The most values, and bytes of their texts, one numeric series may hold on the mirror: it is
 * built as one list (PostgreSQL streams its rows), so a series of wide values is bounded too. */
#define SERIES_MAX 10000000
#define SERIES_MAX_BYTES (256u << 20)

static void put_num(pgfn_more_res_t *res, am_arena_t *a, const proxy_num_t *x)
{
    const char *s = proxy__num_out(a, x);
    am_buf_append(&res->buf, s, strlen(s));
}

/* factorial(int8): products of exact integers, two arenas taking turns so that only the
 * running product stays allocated. */
static bool f_factorial(const pgfn_more_arg_t *args, size_t n, pgfn_more_res_t *res,
                        am_arena_t *scratch, am_err_t *err)
{
    (void)n;
    int64_t k = args[0].i;
    if (k < 0)
        return am_err_set(err, "22003", "factorial of a negative number is undefined");
    if (k > 32177)
        return am_err_set(err, "22003", "value overflows numeric format");
    proxy_num_t acc;
    proxy__num_from_i64(scratch, k <= 1 ? 1 : k, &acc);
    am_arena_t *cur = am_arena_new((size_t)64 * 1024), *next = am_arena_new((size_t)64 * 1024);
    bool ok = true;
    for (int64_t f = k - 1; ok && f > 1; f--) {
        proxy_num_t fv, prod;
        am_arena_reset(next);
        proxy__num_from_i64(next, f, &fv);
        ok = proxy__num_mul(next, &acc, &fv, &prod, err);
        acc = prod;
        am_arena_t *t = cur;
        cur = next;
        next = t;
    }
    if (ok)
        put_num(res, scratch, &acc);
    am_arena_free(cur);
    am_arena_free(next);
    return ok;
}

static bool series_arg(am_arena_t *a, const pgfn_more_arg_t *arg, const char *what,
                       proxy_num_t *out, am_err_t *err)
{
    if (!proxy__num_in(a, arg->s, arg->len, out, err))
        return false;
    if (out->sign == PROXY_NUM_NAN)
        return am_err_set(err, "22023", "%s cannot be NaN", what);
    if (proxy__num_is_special(out))
        return am_err_set(err, "22023", "%s cannot be infinity", what);
    return true;
}

/* generate_series(start, stop[, step]) over numeric: start, start + step, ... while not past
 * stop; each value is the previous one plus step, with add_var's scale. */
static bool f_num_series(const pgfn_more_arg_t *args, size_t n, pgfn_more_res_t *res,
                         am_arena_t *scratch, am_err_t *err)
{
    proxy_num_t start, stop, step, zero;
    if (!series_arg(scratch, &args[0], "start value", &start, err) ||
        !series_arg(scratch, &args[1], "stop value", &stop, err))
        return false;
    proxy__num_from_i64(scratch, n > 2 ? 0 : 1, &step);
    proxy__num_from_i64(scratch, 0, &zero);
    if (n > 2 && !series_arg(scratch, &args[2], "step size", &step, err))
        return false;
    int dir = proxy__num_cmp(&step, &zero);
    if (dir == 0)
        return am_err_set(err, "22023", "step size cannot equal zero");
    /* each value is made in one of two arenas in turn, the other holding the one before it:
     * memory for two values, not for the whole series */
    am_arena_t *turn[2] = {am_arena_new(4096), am_arena_new(4096)};
    proxy_num_t cur = start;
    bool ok = true;
    for (size_t count = 0; ok && proxy__num_cmp(&cur, &stop) * dir <= 0; count++) {
        if (count == SERIES_MAX || res->buf.len > SERIES_MAX_BYTES) {
            ok = count == SERIES_MAX
                     ? am_err_set(err, "0A000",
                                  "generate_series over numeric of more than %d values is not "
                                  "supported on the mirror",
                                  SERIES_MAX)
                     : am_err_set(err, "0A000",
                                  "generate_series over numeric of more than %u MB of values is "
                                  "not supported on the mirror",
                                  SERIES_MAX_BYTES >> 20);
            break;
        }
        am_arena_t *a = turn[count % 2];
        am_arena_reset(a);
        const char *s = proxy__num_out(a, &cur);
        pgfn_more_res_item(res, s, strlen(s));
        proxy_num_t nx;
        ok = proxy__num_add(a, &cur, &step, &nx, err);
        cur = nx;
    }
    am_arena_free(turn[0]);
    am_arena_free(turn[1]);
    return ok;
}

/* int2shl ... int8shr: the operand widened to int (int2, int4) or int8, shifted by the count
 * modulo that width as the x86-64 shift instruction does, truncated back to bits. */
static int64_t shift(int64_t x, int64_t count, int bits, bool left)
{
    bits = bits == 16 || bits == 32 ? bits : 64; /* the compiler's constant; any other is 64 */
    int width = bits == 64 ? 64 : 32;
    unsigned c = (unsigned)count & (unsigned)(width - 1);
    uint64_t u;
    if (left)
        u = (uint64_t)x << c;
    else
        u = x < 0 ? ~(~(uint64_t)x >> c) : (uint64_t)x >> c;
    if (bits == 64)
        return (int64_t)u;
    uint64_t mask = ((uint64_t)1 << bits) - 1, sign = (uint64_t)1 << (bits - 1);
    u &= mask;
    return (u & sign) ? (int64_t)(u | ~mask) : (int64_t)u;
}

static bool f_shl(const pgfn_more_arg_t *args, size_t n, pgfn_more_res_t *res, am_arena_t *scratch,
                  am_err_t *err)
{
    (void)n;
    (void)scratch;
    (void)err;
    res->i = shift(args[0].i, args[1].i, (int)args[2].i, true);
    return true;
}

static bool f_shr(const pgfn_more_arg_t *args, size_t n, pgfn_more_res_t *res, am_arena_t *scratch,
                  am_err_t *err)
{
    (void)n;
    (void)scratch;
    (void)err;
    res->i = shift(args[0].i, args[1].i, (int)args[2].i, false);
    return true;
}

/* int2abs / int4abs / int8abs and int2um ... int8um: the smallest value has no opposite. */
static bool int_opposite(const pgfn_more_arg_t *args, pgfn_more_res_t *res, bool abs_only,
                         am_err_t *err)
{
    int bits = args[1].i == 16 || args[1].i == 32 ? (int)args[1].i : 64; /* as shift()'s */
    int64_t x = args[0].i;
    int64_t min = bits == 64 ? INT64_MIN : -((int64_t)1 << (bits - 1));
    if (x == min)
        return am_err_set(err, "22003", "%s out of range",
                          bits == 16   ? "smallint"
                          : bits == 32 ? "integer"
                                       : "bigint");
    res->i = abs_only && x >= 0 ? x : -x;
    return true;
}

static bool f_int_abs(const pgfn_more_arg_t *args, size_t n, pgfn_more_res_t *res,
                      am_arena_t *scratch, am_err_t *err)
{
    (void)n;
    (void)scratch;
    return int_opposite(args, res, true, err);
}

static bool f_int_neg(const pgfn_more_arg_t *args, size_t n, pgfn_more_res_t *res,
                      am_arena_t *scratch, am_err_t *err)
{
    (void)n;
    (void)scratch;
    return int_opposite(args, res, false, err);
}

/* The bucket of an operand strictly inside the bounds, truncated to int32 as x86-64 converts:
 * a value out of range (an overflowed or NaN quotient) becomes INT32_MIN. */
static int64_t inner_bucket(double count, double num, double den)
{
    double r = count * num / den + 1;
    return r > -2147483649.0 && r < 2147483648.0 ? (int64_t)r : INT32_MIN;
}

static bool f_width_bucket(const pgfn_more_arg_t *args, size_t n, pgfn_more_res_t *res,
                           am_arena_t *scratch, am_err_t *err)
{
    (void)n;
    (void)scratch;
    double x = args[0].d, b1 = args[1].d, b2 = args[2].d;
    int64_t count = args[3].i;
    if (count <= 0)
        return am_err_set(err, "2201G", "count must be greater than zero");
    if (isnan(x) || isnan(b1) || isnan(b2))
        return am_err_set(err, "2201G", "operand, lower bound, and upper bound cannot be NaN");
    if (isinf(b1) || isinf(b2))
        return am_err_set(err, "2201G", "lower and upper bounds must be finite");
    if (b1 == b2)
        return am_err_set(err, "2201G", "lower bound cannot equal upper bound");
    bool up = b1 < b2;
    if (up ? x < b1 : x > b1) {
        res->i = 0;
    } else if (up ? x >= b2 : x <= b2) {
        if (count == INT32_MAX)
            return am_err_set(err, "22003", "integer out of range");
        res->i = count + 1;
    } else {
        res->i = up ? inner_bucket((double)count, x - b1, b2 - b1)
                    : inner_bucket((double)count, b1 - x, b1 - b2);
    }
    return true;
}

/* The end of pg_size_bytes's number: sign, digits, point, digits, exponent; 0 if none. */
static size_t size_number_end(const char *s, size_t len, size_t i)
{
    bool digits = false;
    if (i < len && (s[i] == '-' || s[i] == '+'))
        i++;
    for (; i < len && isdigit((unsigned char)s[i]); i++)
        digits = true;
    if (i < len && s[i] == '.')
        for (i++; i < len && isdigit((unsigned char)s[i]); i++)
            digits = true;
    if (!digits)
        return 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        /* strtol's syntax: blanks, a sign, digits */
        size_t j = i + 1;
        while (j < len && isspace((unsigned char)s[j]))
            j++;
        if (j < len && (s[j] == '-' || s[j] == '+'))
            j++;
        size_t d = j;
        while (j < len && isdigit((unsigned char)s[j]))
            j++;
        if (j > d)
            i = j;
    }
    return i;
}

static int64_t size_unit(const char *u, size_t len)
{
    static const struct {
        const char *name;
        int bits;
    } units[] = {{"bytes", 0}, {"kB", 10}, {"MB", 20}, {"GB", 30}, {"TB", 40}, {"PB", 50}};
    for (size_t i = 0; i < AM_ARRAY_LEN(units); i++)
        if (strlen(units[i].name) == len && strncasecmp(u, units[i].name, len) == 0)
            return (int64_t)1 << units[i].bits;
    return 0;
}

static bool f_size_bytes(const pgfn_more_arg_t *args, size_t n, pgfn_more_res_t *res,
                         am_arena_t *scratch, am_err_t *err)
{
    (void)n;
    const char *s = args[0].s;
    size_t len = args[0].len, i = 0;
    while (i < len && isspace((unsigned char)s[i]))
        i++;
    size_t end = size_number_end(s, len, i);
    if (end == 0)
        return am_err_set(err, "22023", "invalid size: \"%.*s\"", (int)len, s);
    proxy_num_t num;
    if (!proxy__num_in(scratch, s + i, end - i, &num, err))
        return false;
    size_t u = end, ue = len;
    while (u < len && isspace((unsigned char)s[u]))
        u++;
    while (ue > u && isspace((unsigned char)s[ue - 1]))
        ue--;
    if (u < ue) {
        int64_t mult = size_unit(s + u, ue - u);
        if (mult == 0)
            return am_err_set(err, "22023",
                              "invalid size: \"%.*s\"\nDETAIL:  Invalid size unit: \"%.*s\".\n"
                              "HINT:  Valid units are \"bytes\", \"kB\", \"MB\", \"GB\", \"TB\", "
                              "and \"PB\".",
                              (int)len, s, (int)(ue - u), s + u);
        proxy_num_t m, prod;
        proxy__num_from_i64(scratch, mult, &m);
        if (mult > 1 && !proxy__num_mul(scratch, &m, &num, &prod, err))
            return false;
        if (mult > 1)
            num = prod;
    }
    return proxy__num_to_i64(scratch, &num, &res->i, err);
}

#define T PGFN_MORE_TEXT
#define I8 PGFN_MORE_I64
#define I4 PGFN_MORE_I32
#define F8 PGFN_MORE_F8
#define L PGFN_MORE_TEXTS

const pgfn_more_def_t proxy__pgfn_more_num_defs[] = {
    {"am_num_factorial", T, {I8}, f_factorial, true},
    {"am_num_series", L, {T, T}, f_num_series, true},
    {"am_num_series", L, {T, T, T}, f_num_series, true},
    {"am_int_abs", I8, {I8, I4}, f_int_abs, true},
    {"am_int_neg", I8, {I8, I4}, f_int_neg, true},
    {"am_int_shl", I8, {I8, I4, I4}, f_shl, true},
    {"am_int_shr", I8, {I8, I4, I4}, f_shr, true},
    {"am_f8_width_bucket", I4, {F8, F8, F8, I4}, f_width_bucket, true},
    {"am_size_bytes", I8, {T}, f_size_bytes, true},
};
const size_t proxy__pgfn_more_num_n = AM_ARRAY_LEN(proxy__pgfn_more_num_defs);

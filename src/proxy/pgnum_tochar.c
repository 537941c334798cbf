/*
 * proxy/pgnum_tochar.c: to_char for numeric, int4, int8, float4 and float8, and to_number: the
 * per-type preparation of the digit string PostgreSQL hands to its format processor (rounding
 * to the picture's scale, V multiplication, scientific notation for EEEE, roman numerals, '#'
 * when the integer part does not fit), then pgnum_fmtproc.c.
 * Spec: PostgreSQL 15 formatting.c (numeric_to_char, int4_to_char, int8_to_char,
 * float4_to_char, float8_to_char, numeric_to_number, int_to_roman), numeric.c
 * (numeric_out_sci, get_str_from_var_sci, power_ten_int), port/snprintf.c (fmtfloat).
 */
#include "proxy/pgnum_internal.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define MAX_FMT_LEN ((INT32_MAX - 4) / 8) /* PostgreSQL's limit on the picture's length */

/* The picture, or an empty result for an empty picture (NULL *out signals "done"). */
static bool start(am_arena_t *a, const char *fmt, size_t len, proxy_numfmt_t *f, char **out,
                  am_err_t *err)
{
    *out = NULL;
    if (len == 0 || len >= MAX_FMT_LEN) {
        *out = am_arena_strdup(a, "");
        return true;
    }
    return proxy__numfmt_parse(a, fmt, len, f, err);
}

/* fill_str of n characters c. */
static char *filled(am_arena_t *a, char c, int n)
{
    char *s = am_arena_alloc(a, (size_t)(n > 0 ? n : 0) + 1);
    memset(s, c, (size_t)(n > 0 ? n : 0));
    s[n > 0 ? n : 0] = '\0';
    return s;
}

/* "###.##" for an integer part too wide for the picture. */
static char *overflow_hashes(am_arena_t *a, const proxy_numfmt_t *f)
{
    char *s = filled(a, '#', f->pre + f->post + 1);
    s[f->pre] = '.';
    return s;
}

/* Splits the sign off orgnum and pads or overflows against the picture's integer digits. */
static char *place(am_arena_t *a, const proxy_numfmt_t *f, const char *orgnum, int *sign,
                   int *out_pre_spaces)
{
    const char *num = orgnum;
    *sign = '+';
    if (*num == '-') {
        *sign = '-';
        num++;
    }
    const char *p = strchr(num, '.');
    int pre_len = p ? (int)(p - num) : (int)strlen(num);
    if (pre_len < f->pre)
        *out_pre_spaces = f->pre - pre_len;
    else if (pre_len > f->pre)
        return overflow_hashes(a, f);
    return (char *)num;
}

/* A C cast of a double to int as x86-64 does it (PostgreSQL's (int) casts): out of range and
 * NaN give INT_MIN instead of undefined behaviour. */
static int int_cast(double v)
{
    if (isnan(v) || v >= 2147483648.0 || v <= -2147483649.0)
        return INT32_MIN;
    return (int)v;
}

/* int_to_roman: 1..3999, else 15 '#'. */
static char *roman(am_arena_t *a, int number)
{
    static const char *const r1[] = {"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"};
    static const char *const r10[] = {"X", "XX", "XXX", "XL", "L", "LX", "LXX", "LXXX", "XC"};
    static const char *const r100[] = {"C", "CC", "CCC", "CD", "D", "DC", "DCC", "DCCC", "CM"};
    if (number > 3999 || number < 1)
        return filled(a, '#', 15);
    char digits[8], *out = am_arena_alloc(a, 16);
    int len = snprintf(digits, sizeof digits, "%d", number);
    size_t n = 0;
    for (const char *p = digits; *p; p++, len--) {
        int d = *p - '1';
        if (d < 0)
            continue;
        if (len > 3) {
            memset(out + n, 'M', (size_t)d + 1);
            n += (size_t)d + 1;
        } else {
            const char *r = (len == 3 ? r100 : len == 2 ? r10 : r1)[d];
            memcpy(out + n, r, strlen(r));
            n += strlen(r);
        }
    }
    out[n] = '\0';
    return out;
}

/* PostgreSQL's snprintf for %e / %f: NaN, [-]Infinity, precision capped at 350 and zero
 * padded beyond, the rest from the C library. */
static char *pg_float(am_arena_t *a, char type, int prec, double v, bool plus)
{
    if (isnan(v))
        return am_arena_strdup(a, "NaN");
    const char *sign = signbit(v) ? "-" : plus ? "+" : "";
    if (isinf(v))
        return am_arena_strdup(a, signbit(v) ? "-Infinity" : plus ? "+Infinity" : "Infinity");
    int p = prec < 0 ? 0 : prec > 350 ? 350 : prec;
    int pad = prec > 350 ? prec - 350 : 0;
    char *s = am_arena_alloc(a, 1100 + (size_t)pad);
    int n = snprintf(s, 1100, type == 'e' ? "%s%.*e" : "%s%.*f", sign, p, fabs(v));
    if (pad > 0) {
        char *e = type == 'e' ? strrchr(s, 'e') : s + n;
        memmove(e + pad, e, strlen(e) + 1);
        memset(e, '0', (size_t)pad);
    }
    return s;
}

/* " 1.5e+02" / "-1.5e+02" / '#' picture for NaN and infinities (EEEE of floats). */
static char *eeee_float(am_arena_t *a, const proxy_numfmt_t *f, double v)
{
    if (isnan(v) || isinf(v)) {
        char *s = filled(a, '#', f->pre + f->post + 6);
        s[0] = ' ';
        s[f->pre + 1] = '.';
        return s;
    }
    char *s = pg_float(a, 'e', f->post, v, true);
    if (*s == '+')
        *s = ' ';
    return s;
}

/* ---- numeric --------------------------------------------------------------------------------- */

/* 10^exp exactly (power_ten_int). */
static void power_ten(am_arena_t *a, int exp, proxy_num_t *r)
{
    proxy__numv_alloc(a, r, 1);
    r->sign = PROXY_NUM_POS;
    r->dscale = exp < 0 ? -exp : 0;
    r->weight = exp >= 0 ? exp / NUMV_DEC : (exp + 1) / NUMV_DEC - 1;
    int d = 1;
    for (int i = exp - r->weight * NUMV_DEC; i > 0; i--)
        d *= 10;
    r->digits[0] = (int16_t)d;
}

/* numeric_out_sci: significand rounded to rscale digits, then e+XX. */
static char *out_sci(am_arena_t *a, const proxy_num_t *x, int rscale, am_err_t *err)
{
    if (proxy__num_is_special(x))
        return proxy__num_out(a, x);
    rscale = rscale < 0 ? 0 : rscale;
    int exponent = 0;
    if (x->ndigits > 0)
        exponent = (x->weight + 1) * NUMV_DEC - (NUMV_DEC - (int)log10(x->digits[0]));
    proxy_num_t ten, sig;
    power_ten(a, exponent, &ten);
    if (!proxy__numv_div(a, x, &ten, &sig, rscale, true, err))
        return NULL;
    char *s = proxy__numv_str(a, &sig);
    char *out = am_arena_alloc(a, strlen(s) + 16);
    (void)snprintf(out, strlen(s) + 16, "%se%+03d", s, exponent);
    return out;
}

/* A leading space where a minus sign would be. */
static char *with_space(am_arena_t *a, const char *s)
{
    if (*s == '-')
        return (char *)s;
    size_t n = strlen(s);
    char *r = am_arena_alloc(a, n + 2);
    r[0] = ' ';
    memcpy(r + 1, s, n + 1);
    return r;
}

/* value * 10^multi (V), with the picture's integer digits grown to match. */
static bool times_ten_power(am_arena_t *a, proxy_numfmt_t *f, const proxy_num_t *x,
                            proxy_num_t *out, am_err_t *err)
{
    proxy_num_t ten, m, p;
    proxy__num_from_i64(a, 10, &ten);
    proxy__num_from_i64(a, f->multi, &m);
    if (!proxy__num_power(a, &ten, &m, &p, err) || !proxy__num_mul(a, x, &p, out, err))
        return false;
    f->pre += f->multi;
    return true;
}

static bool numeric_numstr(am_arena_t *a, proxy_numfmt_t *f, const proxy_num_t *x, char **numstr,
                           int *sign, int *pre_spaces, am_err_t *err)
{
    proxy_num_t r;
    if (f->flag & NUMF_F_ROMAN) {
        int32_t v;
        if (!proxy__num_round(a, x, 0, &r, err) || !proxy__num_to_i32(a, &r, &v, err))
            return false;
        *numstr = roman(a, v);
        return true;
    }
    if (f->flag & NUMF_F_EEEE) {
        if (proxy__num_is_special(x)) {
            *numstr = eeee_float(a, f, NAN);
            return true;
        }
        char *s = out_sci(a, x, f->post, err);
        *numstr = s ? with_space(a, s) : NULL;
        return s != NULL;
    }
    proxy_num_t val = *x;
    if ((f->flag & NUMF_F_MULTI) && !times_ten_power(a, f, x, &val, err))
        return false;
    if (!proxy__num_round(a, &val, f->post, &r, err))
        return false;
    *numstr = place(a, f, proxy__num_out(a, &r), sign, pre_spaces);
    return true;
}

bool proxy__num_to_char(am_arena_t *a, const proxy_num_t *x, const char *fmt, size_t fmt_len,
                        char **out, am_err_t *err)
{
    proxy_numfmt_t f = {0};
    if (!start(a, fmt, fmt_len, &f, out, err))
        return false;
    if (*out)
        return true;
    char *numstr = NULL;
    int sign = 0, pre_spaces = 0;
    if (!numeric_numstr(a, &f, x, &numstr, &sign, &pre_spaces, err))
        return false;
    *out = proxy__numfmt_to_char(a, &f, numstr, pre_spaces, sign, err);
    return *out != NULL;
}

/* ---- integers -------------------------------------------------------------------------------- */

/* The integer digits with post zeros after a point, placed against the picture. */
static char *int_numstr(am_arena_t *a, const proxy_numfmt_t *f, const char *digits, int *sign,
                        int *pre_spaces)
{
    size_t dn = strlen(digits);
    char *s = am_arena_alloc(a, dn + (size_t)f->post + 2);
    memcpy(s, digits, dn + 1);
    if (f->post) {
        size_t n = strlen(s);
        s[n] = '.';
        memset(s + n + 1, '0', (size_t)f->post);
        s[n + 1 + (size_t)f->post] = '\0';
    }
    return place(a, f, s, sign, pre_spaces);
}

bool proxy__i32_to_char(am_arena_t *a, int32_t v, const char *fmt, size_t fmt_len, char **out,
                        am_err_t *err)
{
    proxy_numfmt_t f = {0};
    if (!start(a, fmt, fmt_len, &f, out, err))
        return false;
    if (*out)
        return true;
    char *numstr, digits[24];
    int sign = 0, pre_spaces = 0;
    if (f.flag & NUMF_F_ROMAN) {
        numstr = roman(a, v);
    } else if (f.flag & NUMF_F_EEEE) {
        numstr = eeee_float(a, &f, (double)v);
    } else {
        if (f.flag & NUMF_F_MULTI) { /* int32 arithmetic wraps as in PostgreSQL (-fwrapv) */
            int32_t m = int_cast(pow(10.0, (double)f.multi));
            v = (int32_t)((uint32_t)v * (uint32_t)m);
            f.pre += f.multi;
        }
        (void)snprintf(digits, sizeof digits, "%d", v);
        numstr = int_numstr(a, &f, digits, &sign, &pre_spaces);
    }
    *out = proxy__numfmt_to_char(a, &f, numstr, pre_spaces, sign, err);
    return *out != NULL;
}

/* int8 V: value * dtoi8(10^multi) with int8's overflow errors. */
static bool i64_times_ten_power(int64_t *v, int multi, am_err_t *err)
{
    int64_t m;
    if (!proxy__f8_to_int(pow(10.0, (double)multi), 64, &m, err))
        return false;
    if (__builtin_mul_overflow(*v, m, v))
        return am_err_set(err, "22003", "bigint out of range");
    return true;
}

bool proxy__i64_to_char(am_arena_t *a, int64_t v, const char *fmt, size_t fmt_len, char **out,
                        am_err_t *err)
{
    proxy_numfmt_t f = {0};
    if (!start(a, fmt, fmt_len, &f, out, err))
        return false;
    if (*out)
        return true;
    char *numstr, digits[24];
    int sign = 0, pre_spaces = 0;
    proxy_num_t x;
    proxy__num_from_i64(a, v, &x);
    if (f.flag & NUMF_F_ROMAN) {
        if (v < INT32_MIN || v > INT32_MAX)
            return am_err_set(err, "22003", "integer out of range");
        numstr = roman(a, (int)v);
    } else if (f.flag & NUMF_F_EEEE) {
        char *s = out_sci(a, &x, f.post, err);
        if (!s)
            return false;
        numstr = with_space(a, s);
    } else {
        if ((f.flag & NUMF_F_MULTI) && !i64_times_ten_power(&v, f.multi, err))
            return false;
        if (f.flag & NUMF_F_MULTI)
            f.pre += f.multi;
        (void)snprintf(digits, sizeof digits, "%lld", (long long)v);
        numstr = int_numstr(a, &f, digits, &sign, &pre_spaces);
    }
    *out = proxy__numfmt_to_char(a, &f, numstr, pre_spaces, sign, err);
    return *out != NULL;
}

/* ---- floats ---------------------------------------------------------------------------------- */

/* float8_to_char / float4_to_char: "%.0f" of the magnitude decides how many fractional digits
 * fit in DBL_DIG (FLT_DIG) digits, then "%.*f". */
static char *float_numstr(am_arena_t *a, proxy_numfmt_t *f, double val, int max_digits, int *sign,
                          int *pre_spaces)
{
    int pre_len = (int)strlen(pg_float(a, 'f', 0, fabs(val), false));
    if (pre_len >= max_digits)
        f->post = 0;
    else if (pre_len + f->post > max_digits)
        f->post = max_digits - pre_len;
    return place(a, f, pg_float(a, 'f', f->post, val, false), sign, pre_spaces);
}

bool proxy__f8_to_char(am_arena_t *a, double v, const char *fmt, size_t fmt_len, char **out,
                       am_err_t *err)
{
    proxy_numfmt_t f = {0};
    if (!start(a, fmt, fmt_len, &f, out, err))
        return false;
    if (*out)
        return true;
    char *numstr;
    int sign = 0, pre_spaces = 0;
    if (f.flag & NUMF_F_ROMAN) {
        numstr = roman(a, int_cast(rint(v)));
    } else if (f.flag & NUMF_F_EEEE) {
        numstr = eeee_float(a, &f, v);
    } else {
        double val = v;
        if (f.flag & NUMF_F_MULTI) {
            val = v * pow(10.0, (double)f.multi);
            f.pre += f.multi;
        }
        numstr = float_numstr(a, &f, val, DBL_DIG, &sign, &pre_spaces);
    }
    *out = proxy__numfmt_to_char(a, &f, numstr, pre_spaces, sign, err);
    return *out != NULL;
}

bool proxy__f4_to_char(am_arena_t *a, float v, const char *fmt, size_t fmt_len, char **out,
                       am_err_t *err)
{
    proxy_numfmt_t f = {0};
    if (!start(a, fmt, fmt_len, &f, out, err))
        return false;
    if (*out)
        return true;
    char *numstr;
    int sign = 0, pre_spaces = 0;
    if (f.flag & NUMF_F_ROMAN) {
        numstr = roman(a, int_cast(rint(v)));
    } else if (f.flag & NUMF_F_EEEE) {
        numstr = eeee_float(a, &f, v);
    } else {
        float val = v;
        if (f.flag & NUMF_F_MULTI) {
            float multi = (float)pow(10.0, (double)f.multi);
            val = v * multi;
            f.pre += f.multi;
        }
        numstr = float_numstr(a, &f, val, FLT_DIG, &sign, &pre_spaces);
    }
    *out = proxy__numfmt_to_char(a, &f, numstr, pre_spaces, sign, err);
    return *out != NULL;
}

/* ---- to_number ------------------------------------------------------------------------------- */

bool proxy__num_to_number(am_arena_t *a, const char *s, size_t len, const char *fmt, size_t fmt_len,
                          proxy_num_t *out, am_err_t *err)
{
    if (fmt_len == 0 || fmt_len >= MAX_FMT_LEN)
        return false; /* NULL */
    proxy_numfmt_t f = {0};
    char *numstr;
    if (!proxy__numfmt_parse(a, fmt, fmt_len, &f, err) ||
        !proxy__numfmt_from_char(a, &f, s, len, &numstr, err))
        return false;
    /* numeric_in with typmod ((precision << 16) | scale) + VARHDRSZ, decoded as numeric does */
    int scale = f.post, precision = f.pre + f.multi + scale;
    int32_t packed = (int32_t)(((unsigned)precision << 16) | (unsigned)scale);
    int p = (packed >> 16) & 0xffff, sc = ((packed & 0x7ff) ^ 1024) - 1024;
    proxy_num_t v;
    if (!proxy__num_in(a, numstr, strlen(numstr), &v, err) ||
        !proxy__numv_apply_typmod(a, &v, p, sc, err) || !proxy__numv_make(&v, err))
        return false;
    if (f.flag & NUMF_F_MULTI) {
        proxy_num_t ten, m, pw;
        proxy__num_from_i64(a, 10, &ten);
        proxy__num_from_i64(a, -f.multi, &m);
        if (!proxy__num_power(a, &ten, &m, &pw, err) || !proxy__num_mul(a, &v, &pw, &v, err))
            return false;
    }
    *out = v;
    return true;
}

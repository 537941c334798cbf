/*
 * proxy/pgfn_json_num.c: jsonb numbers. A jsonb number is PostgreSQL's numeric, printed as
 * numeric_out prints it: the exact decimal value with dscale fraction digits, where dscale is
 * the input's fraction digit count minus its exponent (never below 0). So 1.0e2 is 100, 1.50 is
 * 1.50, 1e-2 is 0.01, -0 is 0. Limits as numeric_in / make_result: an exponent of
 * +-1073741823 or more, a dscale above 16383, or more than 131072 integer digits (weight above
 * 32767 base-10000 digits) is 22003 "value overflows numeric format".
 * Also the jsonb casts to numeric, integers, floats and boolean.
 */
#include "proxy/pgfn_json.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NUMERIC_DSCALE_MAX 16383
#define NUMERIC_INT_DIGITS_MAX 131072 /* (32767 + 1) base-10000 digits */
#define NUMERIC_EXPONENT_MAX 1073741823L

/* A decimal literal split into its parts; digits of int and frac are contiguous or not. */
typedef struct dec {
    bool neg;
    const char *int_p, *frac_p;
    size_t int_len, frac_len;
    long exp;
} dec_t;

static bool overflow(proxy_json_err_t *err)
{
    return proxy__json_fail(err, "22003", "value overflows numeric format");
}

static size_t scan_digits(const char *s, size_t len, size_t p)
{
    while (p < len && s[p] >= '0' && s[p] <= '9')
        p++;
    return p;
}

/* Exponent digits with saturation: strtol saturates, and anything that large overflows. */
static size_t scan_exponent(const char *s, size_t len, size_t p, long *exp)
{
    bool neg = false;
    if (p < len && (s[p] == '+' || s[p] == '-'))
        neg = s[p++] == '-';
    long e = 0;
    size_t q = p;
    for (; q < len && s[q] >= '0' && s[q] <= '9'; q++)
        e = e > NUMERIC_EXPONENT_MAX ? e : e * 10 + (s[q] - '0');
    *exp = neg ? -e : e;
    return q == p ? 0 : q;
}

/* numeric_in's syntax: blanks, sign, digits with at most one '.', exponent, blanks. */
static bool dec_parse(const char *s, size_t len, dec_t *d)
{
    size_t p = 0;
    memset(d, 0, sizeof *d);
    while (p < len && isspace((unsigned char)s[p]))
        p++;
    if (p < len && (s[p] == '+' || s[p] == '-'))
        d->neg = s[p++] == '-';
    d->int_p = s + p;
    size_t q = scan_digits(s, len, p);
    d->int_len = q - p;
    d->frac_p = s + q;
    if (q < len && s[q] == '.') {
        d->frac_p = s + q + 1;
        p = scan_digits(s, len, q + 1);
        d->frac_len = p - q - 1;
        q = p;
    }
    if (d->int_len + d->frac_len == 0)
        return false;
    if (q < len && (s[q] == 'e' || s[q] == 'E')) {
        q = scan_exponent(s, len, q + 1, &d->exp);
        if (q == 0)
            return false;
    }
    while (q < len && isspace((unsigned char)s[q]))
        q++;
    return q == len;
}

/* Digit i of the concatenated int and frac digits. */
static char dec_digit(const dec_t *d, size_t i)
{
    if (i < d->int_len)
        return d->int_p[i];
    return d->frac_p[i - d->int_len];
}

/* Digit j of the value counted from its first significant digit (at lead); zeros around. */
static char sig_digit(const dec_t *d, size_t lead, int64_t j)
{
    if (j < 0 || (size_t)j >= d->int_len + d->frac_len - lead)
        return '0';
    return dec_digit(d, lead + (size_t)j);
}

bool proxy__json_numeric(const char *text, size_t len, am_arena_t *arena, proxy_json_str_t *out,
                         proxy_json_err_t *err)
{
    dec_t d;
    if (!dec_parse(text, len, &d))
        return proxy__json_failf(err, arena, "22P02",
                                 "invalid input syntax for type numeric: \"%.*s\"", (int)len, text);
    if (d.exp >= NUMERIC_EXPONENT_MAX || d.exp <= -NUMERIC_EXPONENT_MAX)
        return overflow(err);
    size_t n = d.int_len + d.frac_len, lead = 0;
    while (lead < n && dec_digit(&d, lead) == '0')
        lead++;
    int64_t dscale = (int64_t)d.frac_len - d.exp;
    if (dscale < 0)
        dscale = 0;
    /* integer digits of the value counted from its first non-zero digit */
    int64_t int_digits = (int64_t)(n - lead) - (int64_t)d.frac_len + d.exp;
    if (dscale > NUMERIC_DSCALE_MAX || (lead < n && int_digits > NUMERIC_INT_DIGITS_MAX))
        return overflow(err);
    if (lead == n)
        int_digits = 0; /* zero: no sign, "0" and dscale zeros */
    size_t cap = (size_t)(int_digits > 0 ? int_digits : 1) + (size_t)dscale + 3;
    char *o = am_arena_alloc(arena, cap);
    size_t k = 0;
    if (d.neg && lead < n)
        o[k++] = '-';
    /* digit j of the value, counted from its first significant digit */
    for (int64_t j = 0; j < int_digits; j++)
        o[k++] = sig_digit(&d, lead, j);
    if (int_digits <= 0)
        o[k++] = '0';
    if (dscale > 0)
        o[k++] = '.';
    for (int64_t j = int_digits; j < int_digits + dscale; j++)
        o[k++] = sig_digit(&d, lead, j);
    out->p = o;
    out->len = k;
    return true;
}

/* The integer and fraction digits of a numeric text (no sign; "0" integer part is empty). */
static void num_split(proxy_json_str_t s, bool *neg, proxy_json_str_t *ip, proxy_json_str_t *fp)
{
    size_t p = 0;
    *neg = s.len > 0 && s.p[0] == '-';
    p = *neg ? 1 : 0;
    size_t q = p;
    while (q < s.len && s.p[q] != '.')
        q++;
    ip->p = s.p + p;
    ip->len = q - p;
    while (ip->len > 0 && ip->p[0] == '0') {
        ip->p++;
        ip->len--;
    }
    fp->p = q < s.len ? s.p + q + 1 : s.p + s.len;
    fp->len = q < s.len ? s.len - q - 1 : 0;
    while (fp->len > 0 && fp->p[fp->len - 1] == '0')
        fp->len--;
}

static int cmp_abs(proxy_json_str_t ai, proxy_json_str_t af, proxy_json_str_t bi,
                   proxy_json_str_t bf)
{
    if (ai.len != bi.len)
        return ai.len < bi.len ? -1 : 1;
    int c = memcmp(ai.p, bi.p, ai.len);
    if (c)
        return c < 0 ? -1 : 1;
    size_t n = af.len < bf.len ? af.len : bf.len;
    c = memcmp(af.p, bf.p, n);
    if (c)
        return c < 0 ? -1 : 1;
    if (af.len != bf.len)
        return af.len < bf.len ? -1 : 1; /* trailing zeros were trimmed: more digits is more */
    return 0;
}

int proxy__json_numeric_cmp(proxy_json_str_t a, proxy_json_str_t b)
{
    bool an, bn;
    proxy_json_str_t ai, af, bi, bf;
    num_split(a, &an, &ai, &af);
    num_split(b, &bn, &bi, &bf);
    bool az = ai.len == 0 && af.len == 0, bz = bi.len == 0 && bf.len == 0;
    int as = az ? 0 : an ? -1 : 1, bs = bz ? 0 : bn ? -1 : 1;
    if (as != bs)
        return as < bs ? -1 : 1;
    int c = cmp_abs(ai, af, bi, bf);
    return as < 0 ? -c : c;
}

bool proxy__jsonb_scalar_for_cast(const proxy_json_t *root, proxy_json_kind_t want,
                                  const char *type, am_arena_t *arena, proxy_json_err_t *err)
{
    static const char *const names[] = {
        [PROXY_JSON_NULL] = "null",      [PROXY_JSON_STRING] = "string",
        [PROXY_JSON_NUMBER] = "numeric", [PROXY_JSON_BOOL] = "boolean",
        [PROXY_JSON_ARRAY] = "array",    [PROXY_JSON_OBJECT] = "object"};
    if (root->kind == want)
        return true;
    return proxy__json_failf(err, arena, "22023", "cannot cast jsonb %s to type %s",
                             names[root->kind], type);
}

bool proxy__json_numeric_to_int(proxy_json_str_t num, int bits, int64_t *out, proxy_json_err_t *err)
{
    static const char *const msgs[] = {"smallint out of range", "integer out of range",
                                       "bigint out of range"};
    const char *msg = msgs[bits == 16 ? 0 : bits == 32 ? 1 : 2];
    bool neg;
    proxy_json_str_t ip, fp;
    num_split(num, &neg, &ip, &fp);
    if (ip.len > 19)
        return proxy__json_fail(err, "22003", msg);
    uint64_t mag = 0;
    for (size_t i = 0; i < ip.len; i++)
        mag = mag * 10 + (uint64_t)(ip.p[i] - '0');
    if (fp.len > 0 && fp.p[0] >= '5') /* numeric rounds half away from zero */
        mag++;
    uint64_t limit = (uint64_t)1 << (bits - 1); /* |min|; max is one less */
    if (mag > limit || (!neg && mag == limit))
        return proxy__json_fail(err, "22003", msg);
    *out = neg ? (int64_t)(0 - mag) : (int64_t)mag;
    return true;
}

bool proxy__json_numeric_to_float(proxy_json_str_t num, bool single, am_arena_t *arena, double *out,
                                  proxy_json_err_t *err)
{
    char *s = am_arena_strndup(arena, num.p, num.len);
    char *end = NULL;
    errno = 0;
    double v = single ? (double)strtof(s, &end) : strtod(s, &end);
    bool range = errno == ERANGE;
    /* ERANGE on a denormal is fine; zero or infinity is out of range (float8in, float4in) */
    if (range && (v == 0.0 || isinf(v)))
        return proxy__json_failf(err, arena, "22003", "\"%s\" is out of range for type %s", s,
                                 single ? "real" : "double precision");
    *out = v;
    return true;
}

/*
 * proxy/pgnum_fltio.c: text input of int2/int4/int8/float4/float8 and text output of float4 and
 * float8, as PostgreSQL 15 reads and prints them. The shortest round-trip output (PostgreSQL
 * uses Ryu) is found with the C library's correctly rounded printf and strtod: the shortest
 * length whose nearest decimal reads back, or at a power of two the decimal just above it.
 * Spec: PostgreSQL 15 numutils.c (pg_strtoint16/32/64), float.c (float4in, float8in_internal,
 * float4out, float8out_internal), common/d2s.c and f2s.c (to_chars), port/snprintf.c
 * (pg_strfromd).
 */
#include "proxy/pgnum_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* ---- integers -------------------------------------------------------------------------------- */

/* pg_strtoint*: overflow is reported as soon as a digit overflows, before trailing junk. */
static bool int_in(const char *s, size_t len, const char *type, int64_t min, int64_t max,
                   int64_t *out, am_err_t *err)
{
    char buf[128];
    char *str = len < sizeof buf ? buf : am_xmalloc(len + 1);
    memcpy(str, s, len);
    str[len] = '\0';
    const char *p = str;
    bool ok = false, neg = false;
    int64_t v = 0; /* accumulated negatively so the minimum fits */
    while (*p && is_space(*p))
        p++;
    if (*p == '-' || *p == '+')
        neg = *p++ == '-';
    if (*p < '0' || *p > '9')
        goto syntax;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (v < (min + (*p - '0')) / 10)
            goto range;
        v = v * 10 - (*p - '0');
    }
    while (*p && is_space(*p))
        p++;
    if (*p)
        goto syntax;
    if (!neg && v < -max)
        goto range;
    *out = neg ? v : -v;
    ok = true;
    goto done;
range:
    am_err_set(err, "22003", "value \"%s\" is out of range for type %s", str, type);
    goto done;
syntax:
    am_err_set(err, "22P02", "invalid input syntax for type %s: \"%s\"", type, str);
done:
    if (str != buf)
        free(str);
    return ok;
}

bool proxy__i16_in(const char *s, size_t len, int16_t *out, am_err_t *err)
{
    int64_t v;
    if (!int_in(s, len, "smallint", INT16_MIN, INT16_MAX, &v, err))
        return false;
    *out = (int16_t)v;
    return true;
}

bool proxy__i32_in(const char *s, size_t len, int32_t *out, am_err_t *err)
{
    int64_t v;
    if (!int_in(s, len, "integer", INT32_MIN, INT32_MAX, &v, err))
        return false;
    *out = (int32_t)v;
    return true;
}

bool proxy__i64_in(const char *s, size_t len, int64_t *out, am_err_t *err)
{
    return int_in(s, len, "bigint", INT64_MIN, INT64_MAX, out, err);
}

/* ---- floats in ------------------------------------------------------------------------------- */

/* The words strtod may not know; *end past the word. */
static bool special_word(const char *p, double *v, const char **end)
{
    static const struct {
        const char *word;
        int kind; /* 0 NaN, 1 +inf, -1 -inf */
    } words[] = {{"NaN", 0}, {"Infinity", 1}, {"+Infinity", 1}, {"-Infinity", -1},
                 {"inf", 1}, {"+inf", 1},     {"-inf", -1}};
    for (size_t i = 0; i < AM_ARRAY_LEN(words); i++) {
        size_t n = strlen(words[i].word);
        if (strncasecmp(p, words[i].word, n) == 0) {
            *v = words[i].kind == 0 ? NAN : words[i].kind > 0 ? INFINITY : -INFINITY;
            *end = p + n;
            return true;
        }
    }
    return false;
}

/* float8in_internal (is_f4 false) or float4in (true); out gets the double or the float. */
static bool float_in(const char *orig, bool is_f4, double *out, am_err_t *err)
{
    const char *type = is_f4 ? "real" : "double precision";
    const char *num = orig;
    while (*num && is_space(*num))
        num++;
    if (*num == '\0')
        return am_err_set(err, "22P02", "invalid input syntax for type %s: \"%s\"", type, orig);
    char *endp = NULL;
    errno = 0;
    double v = is_f4 ? (double)strtof(num, &endp) : strtod(num, &endp);
    int saved = errno;
    const char *end = endp;
    if (end == num || saved != 0) {
        if (special_word(num, &v, &end)) {
            /* accepted */
        } else if (saved == ERANGE) {
            bool bad = v == 0.0 || isinf(v);
            if (bad && is_f4)
                return am_err_set(err, "22003", "\"%s\" is out of range for type real", orig);
            if (bad)
                return am_err_set(err, "22003",
                                  "\"%.*s\" is out of range for type double precision",
                                  (int)(end - num), num);
        } else {
            return am_err_set(err, "22P02", "invalid input syntax for type %s: \"%s\"", type, orig);
        }
    }
    while (*end && is_space(*end))
        end++;
    if (*end)
        return am_err_set(err, "22P02", "invalid input syntax for type %s: \"%s\"", type, orig);
    *out = v;
    return true;
}

bool proxy__f8_in(const char *s, size_t len, double *out, am_err_t *err)
{
    char buf[128];
    char *str = len < sizeof buf ? buf : am_xmalloc(len + 1);
    memcpy(str, s, len);
    str[len] = '\0';
    bool ok = float_in(str, false, out, err);
    if (str != buf)
        free(str);
    return ok;
}

bool proxy__f4_in(const char *s, size_t len, float *out, am_err_t *err)
{
    char buf[128];
    char *str = len < sizeof buf ? buf : am_xmalloc(len + 1);
    memcpy(str, s, len);
    str[len] = '\0';
    double v = 0;
    bool ok = float_in(str, true, &v, err);
    if (str != buf)
        free(str);
    if (ok)
        *out = (float)v;
    return ok;
}

/* ---- floats out ------------------------------------------------------------------------------ */

/* NaN, infinities and zeros, printed the same way by every path; 0 if v is none of them. */
static size_t special_out(double v, char *buf)
{
    const char *s = isnan(v)   ? "NaN"
                    : isinf(v) ? (v < 0 ? "-Infinity" : "Infinity")
                    : v == 0.0 ? (signbit(v) ? "-0" : "0")
                               : NULL;
    if (!s)
        return 0;
    size_t n = strlen(s);
    memcpy(buf, s, n + 1);
    return n;
}

/* Decimal digits (no point) and the exponent of the first one, from "%.*e" text. */
typedef struct dec {
    char d[24];
    int n;
    int exp;
} dec_t;

static void dec_from_e(const char *t, dec_t *out)
{
    out->n = 0;
    for (; *t != 'e'; t++)
        if (*t >= '0' && *t <= '9')
            out->d[out->n++] = *t;
    out->exp = atoi(t + 1);
    while (out->n > 1 && out->d[out->n - 1] == '0')
        out->n--;
}

/* The decimal one unit above in its last digit. */
static void dec_up(dec_t *x)
{
    int i = x->n - 1;
    while (i >= 0 && x->d[i] == '9')
        x->d[i--] = '0';
    if (i >= 0) {
        x->d[i]++;
        return;
    }
    x->d[0] = '1'; /* 9.99 -> 10.0 */
    x->exp++;
}

/* Whether the decimal x is exactly m (m's exact expansion is x's digits, then zeros). */
static bool dec_equals(const dec_t *x, long double m)
{
    char t[1200]; /* a midpoint between doubles has at most ~770 significant digits */
    (void)snprintf(t, sizeof t, "%.1100Le", m);
    dec_t full;
    int n = 0;
    const char *p = t;
    for (; *p != 'e'; p++)
        if (*p >= '0' && *p <= '9') {
            if (n < x->n && *p != x->d[n])
                return false;
            if (n >= x->n && *p != '0')
                return false;
            n++;
        }
    full.exp = atoi(p + 1);
    return full.exp == x->exp;
}

/* Ryu as PostgreSQL builds it (not STRICTLY_SHORTEST) accepts a decimal only strictly inside
 * the rounding interval: reading back as v is not enough if x is exactly halfway to a
 * neighbour. */
static bool dec_reads_back(const dec_t *x, double v, bool is_f4)
{
    char t[48];
    (void)snprintf(t, sizeof t, "%.*se%d", x->n, x->d, x->exp - x->n + 1);
    if (is_f4 ? strtof(t, NULL) != (float)v : strtod(t, NULL) != v)
        return false;
    long double lx = strtold(t, NULL);
    for (int dir = -1; dir <= 1; dir += 2) {
        long double nb = is_f4 ? (long double)nextafterf((float)v, dir > 0 ? INFINITY : -INFINITY)
                               : (long double)nextafter(v, dir > 0 ? INFINITY : -INFINITY);
        if (isinf(nb))
            continue;
        long double mid = ((long double)v + nb) / 2; /* exact in long double */
        if (lx == mid && dec_equals(x, mid))
            return false;
    }
    return true;
}

/* Shortest digits of positive finite v that read back as v (Ryu's choice). */
static void shortest_digits(double v, bool is_f4, dec_t *out)
{
    int max = is_f4 ? 9 : 17;
    for (int p = 1; p <= max; p++) {
        char t[48];
        (void)snprintf(t, sizeof t, "%.*e", p - 1, v);
        dec_from_e(t, out);
        if (dec_reads_back(out, v, is_f4))
            return;
        /* at a power of two the interval below is narrower: the decimal above may fit */
        double c = strtod(t, NULL);
        if (c < v) {
            dec_t up = *out;
            while (up.n < p)
                up.d[up.n++] = '0';
            dec_up(&up);
            if (dec_reads_back(&up, v, is_f4)) {
                *out = up;
                while (out->n > 1 && out->d[out->n - 1] == '0')
                    out->n--;
                return;
            }
        }
    }
}

/* d2s/f2s to_chars: fixed notation for -4 <= exp < limit, else d.ddde+XX. */
static size_t format_dec(const dec_t *x, bool neg, int limit, char *buf)
{
    char *p = buf;
    if (neg)
        *p++ = '-';
    if (x->exp >= -4 && x->exp < limit) {
        if (x->exp < 0) {
            *p++ = '0';
            *p++ = '.';
            for (int i = -1; i > x->exp; i--)
                *p++ = '0';
            memcpy(p, x->d, (size_t)x->n);
            p += x->n;
        } else {
            for (int i = 0; i <= x->exp || i < x->n; i++) {
                if (i == x->exp + 1)
                    *p++ = '.';
                if (i < x->n)
                    *p++ = x->d[i];
                else
                    *p++ = '0';
            }
        }
    } else {
        *p++ = x->d[0];
        if (x->n > 1) {
            *p++ = '.';
            memcpy(p, x->d + 1, (size_t)x->n - 1);
            p += x->n - 1;
        }
        p += snprintf(p, 8, "e%c%02d", x->exp < 0 ? '-' : '+', abs(x->exp));
    }
    *p = '\0';
    return (size_t)(p - buf);
}

/* pg_strfromd: "%.*g" with the precision clamped to 1..32. */
static size_t g_out(double v, int precision, char *buf)
{
    size_t n = special_out(v, buf);
    if (n && v != 0.0)
        return n;
    precision = precision < 1 ? 1 : precision > 32 ? 32 : precision;
    int len = snprintf(buf, PROXY_FLOAT_OUT_LEN, "%.*g", precision, v);
    return len > 0 ? (size_t)len : 0;
}

size_t proxy__f8_out(double v, int extra_float_digits, char *buf)
{
    if (extra_float_digits <= 0)
        return g_out(v, 15 + extra_float_digits, buf);
    size_t n = special_out(v, buf);
    if (n)
        return n;
    dec_t d;
    shortest_digits(fabs(v), false, &d);
    return format_dec(&d, v < 0, 15, buf);
}

size_t proxy__f4_out(float v, int extra_float_digits, char *buf)
{
    if (extra_float_digits <= 0)
        return g_out(v, 6 + extra_float_digits, buf);
    size_t n = special_out(v, buf);
    if (n)
        return n;
    dec_t d;
    shortest_digits(fabs((double)v), true, &d);
    return format_dec(&d, v < 0, 6, buf);
}

/*
 * proxy/pgnum_core.c: numeric storage, text input and output, rounding, comparison, addition and
 * subtraction, and the typmod coercion numeric(p,s). Owns the base-10000 digit layout shared by
 * the other pgnum*.c files (pgnum_internal.h). Never touches DuckDB.
 * Spec: PostgreSQL 15, src/backend/utils/adt/numeric.c (numeric_in, set_var_from_str,
 * get_str_from_var, make_result, apply_typmod, round_var, trunc_var, add_abs, sub_abs).
 */
#include "proxy/pgnum_internal.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int16_t digit_one[1] = {1};
static int16_t digit_two[1] = {2};

const proxy_num_t proxy__numv_zero = {0, 0, PROXY_NUM_POS, 0, NULL};
const proxy_num_t proxy__numv_one = {1, 0, PROXY_NUM_POS, 0, digit_one};
const proxy_num_t proxy__numv_two = {1, 0, PROXY_NUM_POS, 0, digit_two};
const proxy_num_t proxy__numv_nan = {0, 0, PROXY_NUM_NAN, 0, NULL};
const proxy_num_t proxy__numv_pinf = {0, 0, PROXY_NUM_PINF, 0, NULL};
const proxy_num_t proxy__numv_ninf = {0, 0, PROXY_NUM_NINF, 0, NULL};

static const int round_pow10[NUMV_DEC] = {0, 1000, 100, 10};

/* ---- storage --------------------------------------------------------------------------------- */

void proxy__numv_alloc(am_arena_t *a, proxy_num_t *v, int ndigits)
{
    size_t n = ndigits > 0 ? (size_t)ndigits : 1;
    v->digits = am_arena_alloc(a, n * sizeof(int16_t));
    memset(v->digits, 0, n * sizeof(int16_t));
    v->ndigits = ndigits;
}

void proxy__numv_copy(am_arena_t *a, const proxy_num_t *src, proxy_num_t *dst)
{
    proxy_num_t t = *src;
    proxy__numv_alloc(a, &t, src->ndigits);
    if (src->ndigits > 0)
        memcpy(t.digits, src->digits, (size_t)src->ndigits * sizeof(int16_t));
    *dst = t;
}

void proxy__numv_set_zero(proxy_num_t *v)
{
    v->ndigits = 0;
    v->weight = 0;
    v->sign = PROXY_NUM_POS;
    v->digits = NULL;
}

void proxy__numv_strip(proxy_num_t *v)
{
    int lead = 0;
    while (lead < v->ndigits && v->digits[lead] == 0)
        lead++;
    if (lead) /* zero has no digits: NULL, which even + 0 may not touch */
        v->digits += lead;
    v->ndigits -= lead;
    v->weight -= lead;
    while (v->ndigits > 0 && v->digits[v->ndigits - 1] == 0)
        v->ndigits--;
    if (v->ndigits == 0) {
        v->sign = PROXY_NUM_POS;
        v->weight = 0;
    }
}

bool proxy__numv_make(proxy_num_t *v, am_err_t *err)
{
    if (proxy__num_is_special(v))
        return true;
    proxy__numv_strip(v);
    /* a stored numeric keeps its weight in an int16 and its dscale in 14 bits */
    if (v->weight < INT16_MIN || v->weight > INT16_MAX || v->dscale < 0 ||
        v->dscale > PROXY_NUM_DSCALE_MAX)
        return am_err_set(err, "22003", "value overflows numeric format");
    return true;
}

/* ---- rounding -------------------------------------------------------------------------------- */

/* Adds 1 at digit index i (carrying left); a carry out of the top digit grows the value. */
static void carry_into(am_arena_t *a, proxy_num_t *v, int i)
{
    for (; i >= 0; i--) {
        if (++v->digits[i] < NUMV_NBASE)
            return;
        v->digits[i] = 0;
    }
    proxy_num_t grown = *v;
    proxy__numv_alloc(a, &grown, v->ndigits + 1);
    grown.digits[0] = 1;
    if (v->ndigits > 0)
        memcpy(grown.digits + 1, v->digits, (size_t)v->ndigits * sizeof(int16_t));
    grown.weight = v->weight + 1;
    *v = grown;
}

void proxy__numv_round(am_arena_t *a, proxy_num_t *v, int rscale)
{
    v->dscale = rscale;
    int di = (v->weight + 1) * NUMV_DEC + rscale; /* decimal digits kept */
    if (di < 0) {
        v->ndigits = 0;
        v->weight = 0;
        v->sign = PROXY_NUM_POS;
        return;
    }
    int keep = (di + NUMV_DEC - 1) / NUMV_DEC; /* base-10000 digits kept */
    int part = di % NUMV_DEC;                  /* decimal digits kept in the last one, 0 = all */
    if (keep > v->ndigits || (keep == v->ndigits && part == 0))
        return;
    bool up;
    if (part == 0) {
        up = v->digits[keep] >= NUMV_HALF_NBASE;
    } else {
        int pow10 = round_pow10[part];
        int extra = v->digits[keep - 1] % pow10;
        v->digits[keep - 1] = (int16_t)(v->digits[keep - 1] - extra);
        up = false;
        if (extra >= pow10 / 2) {
            int d = v->digits[keep - 1] + pow10;
            if (d >= NUMV_NBASE) {
                d -= NUMV_NBASE;
                up = true;
            }
            v->digits[keep - 1] = (int16_t)d;
        }
        keep--; /* the carry, if any, goes into the digit before */
    }
    v->ndigits = part == 0 ? keep : keep + 1;
    if (up)
        carry_into(a, v, keep - 1);
}

void proxy__numv_trunc(proxy_num_t *v, int rscale)
{
    v->dscale = rscale;
    int di = (v->weight + 1) * NUMV_DEC + rscale;
    if (di <= 0) {
        v->ndigits = 0;
        v->weight = 0;
        v->sign = PROXY_NUM_POS;
        return;
    }
    int keep = (di + NUMV_DEC - 1) / NUMV_DEC;
    if (keep > v->ndigits)
        return;
    v->ndigits = keep;
    int part = di % NUMV_DEC;
    if (part > 0)
        v->digits[keep - 1] =
            (int16_t)(v->digits[keep - 1] - v->digits[keep - 1] % round_pow10[part]);
}

/* ---- comparison ------------------------------------------------------------------------------ */

/* Digit of x at base-10000 weight w (0 outside its digits). */
static int digit_at(const proxy_num_t *x, int w)
{
    int i = x->weight - w;
    return i >= 0 && i < x->ndigits ? x->digits[i] : 0;
}

int proxy__numv_cmp_abs(const proxy_num_t *x, const proxy_num_t *y)
{
    /* leading zero digits are allowed (unstripped intermediate values) */
    int hi = NUMV_MAX(x->weight, y->weight);
    int lo = NUMV_MIN(x->weight - x->ndigits + 1, y->weight - y->ndigits + 1);
    for (int w = hi; w >= lo; w--) {
        int d = digit_at(x, w) - digit_at(y, w);
        if (d != 0)
            return d > 0 ? 1 : -1;
    }
    return 0;
}

static bool is_zero(const proxy_num_t *x)
{
    for (int i = 0; i < x->ndigits; i++)
        if (x->digits[i] != 0)
            return false;
    return true;
}

int proxy__numv_cmp(const proxy_num_t *x, const proxy_num_t *y)
{
    bool xz = is_zero(x), yz = is_zero(y);
    if (xz && yz)
        return 0;
    if (xz)
        return y->sign == PROXY_NUM_NEG ? 1 : -1;
    if (yz)
        return x->sign == PROXY_NUM_POS ? 1 : -1;
    if (x->sign != y->sign)
        return x->sign == PROXY_NUM_POS ? 1 : -1;
    int c = proxy__numv_cmp_abs(x, y);
    return x->sign == PROXY_NUM_POS ? c : -c;
}

/* ---- addition and subtraction ---------------------------------------------------------------- */

/* |x| + |y| (sub = false) or |x| - |y| (sub = true, |x| >= |y|), positive, stripped. */
static void add_sub_abs(am_arena_t *a, const proxy_num_t *x, const proxy_num_t *y, bool sub,
                        proxy_num_t *r)
{
    int hi = NUMV_MAX(x->weight, y->weight) + 1;
    int frac = NUMV_MAX(x->ndigits - x->weight - 1, y->ndigits - y->weight - 1);
    int n = NUMV_MAX(frac + hi + 1, 1);
    proxy_num_t t = {0};
    proxy__numv_alloc(a, &t, n);
    int carry = 0;
    for (int i = n - 1; i >= 0; i--) {
        int w = hi - i;
        int d = digit_at(x, w) + (sub ? -digit_at(y, w) : digit_at(y, w)) + carry;
        carry = d >= NUMV_NBASE ? 1 : d < 0 ? -1 : 0;
        t.digits[i] = (int16_t)(d - carry * NUMV_NBASE);
    }
    t.weight = hi;
    t.sign = PROXY_NUM_POS;
    t.dscale = NUMV_MAX(x->dscale, y->dscale);
    proxy__numv_strip(&t);
    *r = t;
}

/* x + y where y's sign is taken as ysign (sub_var is add with the sign flipped). */
static void add_signed(am_arena_t *a, const proxy_num_t *x, const proxy_num_t *y, int ysign,
                       proxy_num_t *r)
{
    int xsign = x->sign;
    if (xsign == ysign) {
        add_sub_abs(a, x, y, false, r);
        r->sign = xsign;
        return;
    }
    int c = proxy__numv_cmp_abs(x, y);
    if (c == 0) {
        int dscale = NUMV_MAX(x->dscale, y->dscale);
        proxy__numv_set_zero(r);
        r->dscale = dscale;
    } else if (c > 0) {
        add_sub_abs(a, x, y, true, r);
        r->sign = xsign;
    } else {
        add_sub_abs(a, y, x, true, r);
        r->sign = ysign;
    }
}

void proxy__numv_add(am_arena_t *a, const proxy_num_t *x, const proxy_num_t *y, proxy_num_t *r)
{
    add_signed(a, x, y, y->sign, r);
}

void proxy__numv_sub(am_arena_t *a, const proxy_num_t *x, const proxy_num_t *y, proxy_num_t *r)
{
    add_signed(a, x, y, y->sign == PROXY_NUM_POS ? PROXY_NUM_NEG : PROXY_NUM_POS, r);
}

/* ---- text ------------------------------------------------------------------------------------ */

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool syntax_error(am_err_t *err, const char *whole)
{
    return am_err_set(err, "22P02", "invalid input syntax for type numeric: \"%s\"", whole);
}

/* Reads "e<exponent>" (strtol: spaces and a sign allowed) into *exp. */
static bool parse_exponent(const char *whole, const char **cp, long *exp, am_err_t *err)
{
    char *end = NULL;
    errno = 0;
    *exp = strtol(*cp + 1, &end, 10);
    if (end == *cp + 1)
        return syntax_error(err, whole);
    *cp = end;
    if (*exp >= INT_MAX / 2 || *exp <= -(INT_MAX / 2))
        return am_err_set(err, "22003", "value overflows numeric format");
    return true;
}

/* Decimal digits -> base-10000 digits: dec[] holds ndec digits, the first of decimal weight
 * dweight. */
static void pack_digits(am_arena_t *a, const char *dec, int ndec, int dweight, proxy_num_t *r)
{
    static const int16_t place[NUMV_DEC] = {1000, 100, 10, 1};
    int weight =
        dweight >= 0 ? (dweight + NUMV_DEC) / NUMV_DEC - 1 : -((-dweight - 1) / NUMV_DEC + 1);
    int offset = (weight + 1) * NUMV_DEC - (dweight + 1); /* zeros before the first digit */
    int n = (ndec + offset + NUMV_DEC - 1) / NUMV_DEC;
    proxy__numv_alloc(a, r, n);
    r->weight = weight;
    for (int i = 0; i < ndec; i++) {
        int pos = i + offset;
        r->digits[pos / NUMV_DEC] =
            (int16_t)(r->digits[pos / NUMV_DEC] + dec[i] * place[pos % NUMV_DEC]);
    }
}

bool proxy__numv_parse(am_arena_t *a, const char *whole, const char *s, proxy_num_t *r,
                       const char **end, am_err_t *err)
{
    const char *cp = s;
    int sign = PROXY_NUM_POS;
    if (*cp == '+' || *cp == '-')
        sign = *cp++ == '-' ? PROXY_NUM_NEG : PROXY_NUM_POS;
    bool have_dp = false;
    if (*cp == '.') {
        have_dp = true;
        cp++;
    }
    if (!is_digit(*cp))
        return syntax_error(err, whole);
    char *dec = am_arena_alloc(a, strlen(cp) + 1);
    int ndec = 0, dweight = -1, dscale = 0;
    for (;; cp++) {
        if (is_digit(*cp)) {
            dec[ndec++] = (char)(*cp - '0');
            if (have_dp)
                dscale++;
            else
                dweight++;
        } else if (*cp == '.' && !have_dp) {
            have_dp = true;
        } else if (*cp == '.') {
            return syntax_error(err, whole);
        } else {
            break;
        }
    }
    if (*cp == 'e' || *cp == 'E') {
        long exp = 0;
        if (!parse_exponent(whole, &cp, &exp, err))
            return false;
        dweight += (int)exp;
        dscale = NUMV_MAX(dscale - (int)exp, 0);
    }
    pack_digits(a, dec, ndec, dweight, r);
    r->sign = sign;
    r->dscale = dscale;
    proxy__numv_strip(r);
    *end = cp;
    return true;
}

/* NaN and the infinities, as numeric_in (and float8in) spell them. */
static const char *parse_special(const char *cp, proxy_num_t *out)
{
    static const struct {
        const char *word;
        int sign;
    } words[] = {{"NaN", PROXY_NUM_NAN},        {"Infinity", PROXY_NUM_PINF},
                 {"+Infinity", PROXY_NUM_PINF}, {"-Infinity", PROXY_NUM_NINF},
                 {"inf", PROXY_NUM_PINF},       {"+inf", PROXY_NUM_PINF},
                 {"-inf", PROXY_NUM_NINF}};
    for (size_t i = 0; i < AM_ARRAY_LEN(words); i++) {
        size_t n = strlen(words[i].word);
        if (strncasecmp(cp, words[i].word, n) == 0) {
            *out = proxy__numv_nan;
            out->sign = words[i].sign;
            return cp + n;
        }
    }
    return NULL;
}

bool proxy__num_in(am_arena_t *a, const char *s, size_t len, proxy_num_t *out, am_err_t *err)
{
    char *str = am_arena_strndup(a, s, len); /* PostgreSQL sees a C string */
    const char *cp = str;
    while (*cp && is_space(*cp))
        cp++;
    proxy_num_t v;
    const char *end = parse_special(cp, &v);
    if (!end && !proxy__numv_parse(a, str, cp, &v, &end, err))
        return false;
    for (; end && *end; end++)
        if (!is_space(*end))
            return syntax_error(err, str);
    if (!proxy__numv_make(&v, err))
        return false;
    *out = v;
    return true;
}

/* Appends the four decimal digits of d; lead suppresses leading zeros. */
static char *put_digit4(char *cp, int d, bool lead)
{
    static const int pw[4] = {1000, 100, 10, 1};
    for (int k = 0; k < 4; k++) {
        int q = d / pw[k];
        d -= q * pw[k];
        lead = lead && q == 0 && k < 3;
        if (!lead)
            *cp++ = (char)('0' + q);
    }
    return cp;
}

char *proxy__numv_str(am_arena_t *a, const proxy_num_t *x)
{
    int before = NUMV_MAX((x->weight + 1) * NUMV_DEC, 1);
    char *str = am_arena_alloc(a, (size_t)before + (size_t)NUMV_MAX(x->dscale, 0) + 8);
    char *cp = str;
    if (x->sign == PROXY_NUM_NEG)
        *cp++ = '-';
    if (x->weight < 0)
        *cp++ = '0';
    for (int w = x->weight; w >= 0; w--)
        cp = put_digit4(cp, digit_at(x, w), w == x->weight);
    if (x->dscale > 0) {
        *cp++ = '.';
        char *stop = cp + x->dscale;
        for (int w = -1; cp < stop; w--)
            cp = put_digit4(cp, digit_at(x, w), false);
        cp = stop;
    }
    *cp = '\0';
    return str;
}

char *proxy__num_out(am_arena_t *a, const proxy_num_t *x)
{
    if (x->sign == PROXY_NUM_NAN)
        return am_arena_strdup(a, "NaN");
    if (x->sign == PROXY_NUM_PINF)
        return am_arena_strdup(a, "Infinity");
    if (x->sign == PROXY_NUM_NINF)
        return am_arena_strdup(a, "-Infinity");
    return proxy__numv_str(a, x);
}

/* ---- typmod ---------------------------------------------------------------------------------- */

/* apply_typmod: round to scale, then check the integer digits. */
static bool apply_typmod(am_arena_t *a, proxy_num_t *v, int precision, int scale, char **detail,
                         am_err_t *err)
{
    int maxdigits = precision - scale;
    proxy__numv_round(a, v, scale);
    if (v->dscale < 0)
        v->dscale = 0;
    proxy__numv_strip(v);
    if (v->ndigits == 0)
        return true;
    int ddigits = (v->weight + 1) * NUMV_DEC;
    int first = v->digits[0];
    ddigits -= first < 10 ? 3 : first < 100 ? 2 : first < 1000 ? 1 : 0;
    if (ddigits <= maxdigits)
        return true;
    if (detail) {
        char buf[160];
        (void)snprintf(buf, sizeof buf,
                       "A field with precision %d, scale %d must round to an absolute value "
                       "less than %s%d.",
                       precision, scale, maxdigits ? "10^" : "", maxdigits ? maxdigits : 1);
        *detail = am_arena_strdup(a, buf);
    }
    return am_err_set(err, "22003", "numeric field overflow");
}

bool proxy__numv_apply_typmod(am_arena_t *a, proxy_num_t *v, int precision, int scale,
                              am_err_t *err)
{
    return apply_typmod(a, v, precision, scale, NULL, err);
}

bool proxy__num_typmod(am_arena_t *a, const proxy_num_t *x, int precision, int scale,
                       proxy_num_t *out, char **detail, am_err_t *err)
{
    if (detail)
        *detail = NULL;
    if (precision < 1 || precision > PROXY_NUM_MAX_PRECISION)
        return am_err_set(err, "22023", "NUMERIC precision %d must be between 1 and %d", precision,
                          PROXY_NUM_MAX_PRECISION);
    if (scale < PROXY_NUM_MIN_SCALE || scale > PROXY_NUM_MAX_SCALE)
        return am_err_set(err, "22023", "NUMERIC scale %d must be between %d and %d", scale,
                          PROXY_NUM_MIN_SCALE, PROXY_NUM_MAX_SCALE);
    if (x->sign == PROXY_NUM_NAN) {
        *out = *x;
        return true;
    }
    if (proxy__num_is_special(x)) {
        if (detail) {
            char buf[120];
            (void)snprintf(buf, sizeof buf,
                           "A field with precision %d, scale %d cannot hold an infinite value.",
                           precision, scale);
            *detail = am_arena_strdup(a, buf);
        }
        return am_err_set(err, "22003", "numeric field overflow");
    }
    proxy_num_t v;
    proxy__numv_copy(a, x, &v);
    if (!apply_typmod(a, &v, precision, scale, detail, err) || !proxy__numv_make(&v, err))
        return false;
    *out = v;
    return true;
}

/*
 * proxy/params.c: binary Bind parameters (PostgreSQL's send formats) turned into the type's
 * text form, so every parameter then goes through the same input function as a text one.
 * Untrusted bytes: a wrong length or a malformed value is 22P03, never a crash.
 * Spec: postgres.md section 3 (binary formats); PostgreSQL's *_recv functions for the layouts.
 */
#include "proxy/proxy_internal.h"
#include "proxy/pgtype_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static uint64_t be(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

static bool bad(am_err_t *err, uint32_t oid, const char *what)
{
    return am_err_set(err, "22P03", "incorrect binary data format in bind parameter of type %u: %s",
                      oid, what);
}

/* numeric_recv: ndigits, weight, sign, dscale, base-10000 digits. */
static bool numeric_text(const uint8_t *p, size_t n, am_buf_t *out, am_err_t *err)
{
    if (n < 8)
        return bad(err, PG_OID_NUMERIC, "short numeric");
    int nd = (int)be(p, 2), weight = (int16_t)be(p + 2, 2), sign = (int)be(p + 4, 2);
    int dscale = (int)be(p + 6, 2);
    if (n != 8 + 2 * (size_t)nd || dscale > 1000)
        return bad(err, PG_OID_NUMERIC, "length");
    if (sign == 0xC000 || sign == 0xD000 || sign == 0xF000) {
        am_buf_puts(out, sign == 0xC000 ? "NaN" : sign == 0xD000 ? "Infinity" : "-Infinity");
        return true;
    }
    if (sign == 0x4000)
        am_buf_putc(out, '-');
    else if (sign != 0)
        return bad(err, PG_OID_NUMERIC, "sign");
    /* integer part: digit groups 0..weight; then dscale fraction digits */
    if (weight < 0)
        am_buf_putc(out, '0');
    for (int g = 0; g <= weight; g++) {
        int d = g < nd ? (int)be(p + 8 + 2 * (ptrdiff_t)g, 2) : 0;
        if (d > 9999)
            return bad(err, PG_OID_NUMERIC, "digit");
        am_buf_printf(out, g == 0 ? "%d" : "%04d", d);
    }
    if (dscale > 0) {
        am_buf_putc(out, '.');
        for (int k = 0; k < dscale; k++) {
            int g = weight + 1 + k / 4,
                d = g >= 0 && g < nd ? (int)be(p + 8 + 2 * (ptrdiff_t)g, 2) : 0;
            static const int div[4] = {1000, 100, 10, 1};
            am_buf_putc(out, (char)('0' + (d / div[k % 4]) % 10));
        }
    }
    return true;
}

static void civil(int64_t days_2000, am_buf_t *out)
{
    /* days since 2000-01-01 -> proleptic Gregorian, BC as PostgreSQL writes it */
    int64_t z = days_2000 + 10957 + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    if (y <= 0)
        am_buf_printf(out, "%04lld-%02lld-%02lld BC", (long long)(1 - y), (long long)m,
                      (long long)d);
    else
        am_buf_printf(out, "%04lld-%02lld-%02lld", (long long)y, (long long)m, (long long)d);
}

static void time_of_day(int64_t us, am_buf_t *out)
{
    am_buf_printf(out, "%02lld:%02lld:%02lld.%06lld", (long long)(us / 3600000000),
                  (long long)(us / 60000000 % 60), (long long)(us / 1000000 % 60),
                  (long long)(us % 1000000));
}

static bool timestamp_text(int64_t v, bool tz, am_buf_t *out)
{
    if (v == INT64_MAX || v == INT64_MIN) {
        am_buf_puts(out, v == INT64_MAX ? "infinity" : "-infinity");
        return true;
    }
    int64_t day = v >= 0 ? v / 86400000000 : -((-v + 86399999999) / 86400000000);
    int64_t rest = v - day * 86400000000;
    am_buf_t d;
    am_buf_init(&d);
    civil(day, &d);
    /* "YYYY-MM-DD[ BC]" -> date, then time, then the BC marker at the end as PostgreSQL reads */
    bool bc = d.len > 3 && strcmp(d.data + d.len - 3, " BC") == 0;
    am_buf_append(out, d.data, bc ? d.len - 3 : d.len);
    am_buf_putc(out, ' ');
    time_of_day(rest, out);
    if (tz)
        am_buf_puts(out, "+00");
    if (bc)
        am_buf_puts(out, " BC");
    am_buf_destroy(&d);
    return true;
}

static bool scalar_text(uint32_t oid, const uint8_t *p, size_t n, am_buf_t *out, am_err_t *err);

/* array_recv, one dimension: ndim, has_null, elemtype, (dim, lbound), (len, bytes)... */
static bool array_text(uint32_t oid, const uint8_t *p, size_t n, am_buf_t *out, am_err_t *err)
{
    am_reader_t r = am_reader_init(p, n);
    int32_t ndim = am_read_i32(&r);
    (void)am_read_i32(&r);
    uint32_t elem = am_read_u32(&r);
    if (r.failed || ndim < 0 || ndim > 1)
        return ndim > 1 ? am_err_set(err, AM_SQLSTATE_UNSUPPORTED,
                                     "multidimensional array parameters are not supported")
                        : bad(err, oid, "array header");
    int32_t count = ndim ? am_read_i32(&r) : 0;
    if (ndim)
        (void)am_read_i32(&r);
    if (r.failed || count < 0 || (size_t)count > n)
        return bad(err, oid, "array dimensions");
    am_buf_putc(out, '{');
    am_buf_t el;
    am_buf_init(&el);
    bool ok = true;
    for (int32_t i = 0; ok && i < count; i++) {
        int32_t len = am_read_i32(&r);
        am_buf_puts(out, i ? "," : "");
        if (len == -1) {
            am_buf_puts(out, "NULL");
            continue;
        }
        const uint8_t *b = len >= 0 ? am_read_bytes(&r, (size_t)len) : NULL;
        am_buf_reset(&el);
        ok = b && scalar_text(elem, b, (size_t)len, &el, err);
        if (!b && ok)
            ok = bad(err, oid, "array element");
        if (!ok)
            break;
        am_buf_putc(out, '"');
        for (size_t k = 0; k < el.len; k++) {
            if (el.data[k] == '"' || el.data[k] == '\\')
                am_buf_putc(out, '\\');
            am_buf_putc(out, el.data[k]);
        }
        am_buf_putc(out, '"');
    }
    am_buf_destroy(&el);
    if (ok)
        am_buf_putc(out, '}');
    return ok;
}

static bool fixed(size_t n, size_t want, uint32_t oid, am_err_t *err)
{
    return n == want || bad(err, oid, "length");
}

static bool scalar_text(uint32_t oid, const uint8_t *p, size_t n, am_buf_t *out, am_err_t *err)
{
    static const char hex[] = "0123456789abcdef";
    switch (oid) {
    case PG_OID_BOOL:
        return fixed(n, 1, oid, err) && (am_buf_puts(out, p[0] ? "t" : "f"), true);
    case PG_OID_INT2:
        return fixed(n, 2, oid, err) && (am_buf_printf(out, "%d", (int16_t)be(p, 2)), true);
    case PG_OID_INT4:
        return fixed(n, 4, oid, err) && (am_buf_printf(out, "%d", (int32_t)be(p, 4)), true);
    case PG_OID_OID:
        return fixed(n, 4, oid, err) && (am_buf_printf(out, "%u", (uint32_t)be(p, 4)), true);
    case PG_OID_INT8:
        return fixed(n, 8, oid, err) &&
               (am_buf_printf(out, "%lld", (long long)(int64_t)be(p, 8)), true);
    case PG_OID_FLOAT4:
    case PG_OID_FLOAT8: {
        bool f4 = oid == PG_OID_FLOAT4;
        if (!fixed(n, f4 ? 4 : 8, oid, err))
            return false;
        double d;
        if (f4) {
            uint32_t b = (uint32_t)be(p, 4);
            float f;
            memcpy(&f, &b, 4);
            d = f;
        } else {
            uint64_t b = be(p, 8);
            memcpy(&d, &b, 8);
        }
        if (isnan(d))
            am_buf_puts(out, "NaN");
        else if (isinf(d))
            am_buf_puts(out, d > 0 ? "Infinity" : "-Infinity");
        else
            am_buf_printf(out, "%.*g", f4 ? 9 : 17, d);
        return true;
    }
    case PG_OID_NUMERIC:
        return numeric_text(p, n, out, err);
    case PG_OID_DATE: {
        if (!fixed(n, 4, oid, err))
            return false;
        int32_t d = (int32_t)be(p, 4);
        if (d == INT32_MAX || d == INT32_MIN)
            am_buf_puts(out, d == INT32_MAX ? "infinity" : "-infinity");
        else
            civil(d, out);
        return true;
    }
    case PG_OID_TIME:
        return fixed(n, 8, oid, err) && (time_of_day((int64_t)be(p, 8), out), true);
    case PG_OID_TIMESTAMP:
    case PG_OID_TIMESTAMPTZ:
        return fixed(n, 8, oid, err) &&
               timestamp_text((int64_t)be(p, 8), oid == PG_OID_TIMESTAMPTZ, out);
    case PG_OID_INTERVAL:
        if (!fixed(n, 16, oid, err))
            return false;
        am_buf_printf(out, "%d mons %d days %lld microseconds", (int32_t)be(p + 12, 4),
                      (int32_t)be(p + 8, 4), (long long)(int64_t)be(p, 8));
        return true;
    case PG_OID_UUID:
        if (!fixed(n, 16, oid, err))
            return false;
        for (size_t i = 0; i < 16; i++) {
            if (i == 4 || i == 6 || i == 8 || i == 10)
                am_buf_putc(out, '-');
            am_buf_putc(out, hex[p[i] >> 4]);
            am_buf_putc(out, hex[p[i] & 15]);
        }
        return true;
    case PG_OID_BYTEA:
        am_buf_puts(out, "\\x");
        for (size_t i = 0; i < n; i++) {
            am_buf_putc(out, hex[p[i] >> 4]);
            am_buf_putc(out, hex[p[i] & 15]);
        }
        return true;
    case PG_OID_JSONB:
        if (n < 1 || p[0] != 1)
            return bad(err, oid, "unsupported jsonb version number");
        am_buf_append(out, p + 1, n - 1);
        return true;
    default:
        am_buf_append(out, p, n); /* text, varchar, name, json, unknown: the bytes are the text */
        return true;
    }
}

bool proxy__param_binary_text(uint32_t oid, const uint8_t *p, size_t len, am_buf_t *out,
                              am_err_t *err)
{
    uint32_t elem = proxy__pgtype_elem(NULL, oid);
    if (elem && oid != PG_OID_INT2VECTOR && oid != PG_OID_OIDVECTOR)
        return array_text(oid, p, len, out, err);
    return scalar_text(oid, p, len, out, err);
}

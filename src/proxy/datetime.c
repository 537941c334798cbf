/*
 * proxy/datetime.c: dates, times, timestamps and intervals as PostgreSQL prints them
 * (DateStyle ISO, IntervalStyle postgres), and the session TimeZone. DuckDB's own TimeZone
 * is locked at UTC for every connection (lock_configuration), so timestamptz values are
 * shifted here: fixed offsets directly, zone names through the system's TZif files.
 * Hand-written: DuckDB prints infinity and BC years differently and no C library reads a
 * TZif file for one thread without touching the process-wide TZ.
 * Spec: PostgreSQL datetime.c EncodeDateTime/EncodeInterval; RFC 8536 (TZif).
 */
#include "proxy/proxy_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define US_PER_DAY INT64_C(86400000000)
#define DUCK_DATE_INF 2147483647
#define DUCK_TS_INF INT64_MAX

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Days since 1970-01-01 -> proleptic Gregorian (H. Hinnant's civil_from_days). */
static void civil(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* Year as PostgreSQL prints it: 0 is 1 BC. Returns whether BC. */
static bool put_ymd(int64_t days, am_buf_t *out)
{
    int64_t y;
    int m, d;
    civil(days, &y, &m, &d);
    bool bc = y <= 0;
    am_buf_printf(out, "%04lld-%02d-%02d", (long long)(bc ? 1 - y : y), m, d);
    return bc;
}

void proxy__fmt_date(int64_t days_1970, am_buf_t *out)
{
    if (days_1970 >= DUCK_DATE_INF || days_1970 <= -DUCK_DATE_INF) {
        am_buf_puts(out, days_1970 > 0 ? "infinity" : "-infinity");
        return;
    }
    if (put_ymd(days_1970, out))
        am_buf_puts(out, " BC");
}

/* Seconds with up to 6 fraction digits, trailing zeros dropped. */
static void put_seconds(int64_t sec, int64_t frac_us, am_buf_t *out)
{
    am_buf_printf(out, "%02lld", (long long)sec);
    if (frac_us == 0)
        return;
    char f[8];
    snprintf(f, sizeof f, "%06lld", (long long)frac_us);
    size_t n = 6;
    while (n > 0 && f[n - 1] == '0')
        n--;
    am_buf_putc(out, '.');
    am_buf_append(out, f, n);
}

void proxy__fmt_time(int64_t us, am_buf_t *out)
{
    int64_t s = us / 1000000;
    am_buf_printf(out, "%02lld:%02lld:", (long long)(s / 3600), (long long)(s / 60 % 60));
    put_seconds(s % 60, us % 1000000, out);
}

static void put_offset(int32_t off, am_buf_t *out)
{
    int32_t a = off < 0 ? -off : off;
    am_buf_printf(out, "%c%02d", off < 0 ? '-' : '+', a / 3600);
    if (a % 3600 != 0)
        am_buf_printf(out, ":%02d", a / 60 % 60);
    if (a % 60 != 0)
        am_buf_printf(out, ":%02d", a % 60);
}

void proxy__fmt_timestamp(int64_t unix_us, bool has_tz, int32_t offset_s, am_buf_t *out)
{
    if (unix_us == DUCK_TS_INF || unix_us <= -DUCK_TS_INF) {
        am_buf_puts(out, unix_us > 0 ? "infinity" : "-infinity");
        return;
    }
    int64_t local = unix_us + (has_tz ? (int64_t)offset_s * 1000000 : 0);
    int64_t days = floor_div(local, US_PER_DAY);
    bool bc = put_ymd(days, out);
    am_buf_putc(out, ' ');
    proxy__fmt_time(local - days * US_PER_DAY, out);
    if (has_tz)
        put_offset(offset_s, out);
    if (bc)
        am_buf_puts(out, " BC");
}

/* One "N unit(s)" part of the postgres interval style. */
static void interval_part(int64_t v, const char *unit, bool *is_zero, bool *is_before,
                          am_buf_t *out)
{
    if (v == 0)
        return;
    am_buf_printf(out, "%s%s%lld %s%s", *is_zero ? "" : " ", (*is_before && v > 0) ? "+" : "",
                  (long long)v, unit, v != 1 ? "s" : "");
    *is_before = v < 0;
    *is_zero = false;
}

void proxy__fmt_interval(int32_t months, int32_t days, int64_t micros, am_buf_t *out)
{
    bool is_zero = true, is_before = false;
    interval_part(months / 12, "year", &is_zero, &is_before, out);
    interval_part(months % 12, "mon", &is_zero, &is_before, out);
    interval_part(days, "day", &is_zero, &is_before, out);
    if (!is_zero && micros == 0)
        return;
    bool minus = micros < 0;
    uint64_t a = minus ? (uint64_t)0 - (uint64_t)micros : (uint64_t)micros;
    uint64_t s = a / 1000000;
    am_buf_printf(out, "%s%s%02llu:%02llu:", is_zero ? "" : " ",
                  minus ? "-" : (is_before ? "+" : ""), (unsigned long long)(s / 3600),
                  (unsigned long long)(s / 60 % 60));
    put_seconds((int64_t)(s % 60), (int64_t)(a % 1000000), out);
}

/* ---- TimeZone ---------------------------------------------------------------------------- */

struct proxy_tz {
    size_t n;
    int64_t *at;     /* transition times, Unix seconds, ascending */
    int32_t *off_at; /* offset in force from at[i] */
    int32_t off_before;
};

void proxy__tz_free(proxy_tz_t *z)
{
    if (!z)
        return;
    free(z->at);
    free(z->off_at);
    free(z);
}

/* "+05:30", "-3", "UTC+2" style is POSIX-inverted; accept only ISO-like signed offsets here. */
static bool parse_fixed(const char *s, int32_t *out)
{
    if (strcasecmp(s, "UTC") == 0 || strcasecmp(s, "Etc/UTC") == 0 || strcasecmp(s, "GMT") == 0 ||
        strcasecmp(s, "Z") == 0 || strcasecmp(s, "Zulu") == 0 || strcasecmp(s, "UCT") == 0 ||
        strcasecmp(s, "Etc/GMT") == 0 || strcasecmp(s, "Universal") == 0) {
        *out = 0;
        return true;
    }
    if (*s != '+' && *s != '-' && !isdigit((unsigned char)*s))
        return false;
    int sign = *s == '-' ? -1 : 1;
    const char *p = (*s == '+' || *s == '-') ? s + 1 : s;
    int h = 0, m = 0;
    char tail = 0;
    int n = sscanf(p, "%2d:%2d%c", &h, &m, &tail);
    if (n < 1 || n > 2 || h > 15 || m > 59)
        return false;
    /* PostgreSQL reads a bare number as hours east of UTC (SET TIME ZONE -3). */
    *out = sign * (h * 3600 + m * 60);
    return true;
}

static bool zone_name_ok(const char *s)
{
    if (!*s || strlen(s) > 64 || strstr(s, "..") || s[0] == '/')
        return false;
    for (const char *p = s; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("/_+-", *p))
            return false;
    return true;
}

static int64_t be_int(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = v << 8 | p[i];
    if (n == 4)
        return (int32_t)(uint32_t)v;
    return (int64_t)v;
}

/* Reads the 64-bit (v2+) body of a TZif file. */
static proxy_tz_t *tzif_decode(const uint8_t *p, size_t len)
{
    if (len < 44 || memcmp(p, "TZif", 4) != 0 || p[4] < '2')
        return NULL;
    size_t c[6];
    for (size_t i = 0; i < 6; i++)
        c[i] = (size_t)(uint32_t)be_int(p + 20 + 4 * i, 4);
    size_t v1 = 44 + c[3] * 5 + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0];
    if (v1 + 44 > len || memcmp(p + v1, "TZif", 4) != 0)
        return NULL;
    const uint8_t *h = p + v1;
    for (size_t i = 0; i < 6; i++)
        c[i] = (size_t)(uint32_t)be_int(h + 20 + 4 * i, 4);
    size_t isut = c[0], isstd = c[1], leap = c[2], timecnt = c[3], typecnt = c[4], chars = c[5];
    const uint8_t *d = h + 44;
    size_t need = timecnt * 9 + typecnt * 6 + chars + leap * 12 + isstd + isut;
    if (typecnt == 0 || need > len - v1 - 44)
        return NULL;
    const uint8_t *idx = d + timecnt * 8, *types = idx + timecnt;
    proxy_tz_t *z = am_xcalloc(1, sizeof *z);
    z->n = timecnt;
    z->at = am_xmalloc((timecnt + 1) * sizeof *z->at);
    z->off_at = am_xmalloc((timecnt + 1) * sizeof *z->off_at);
    z->off_before = (int32_t)be_int(types, 4);
    for (size_t i = 0; i < timecnt; i++) {
        size_t t = idx[i] < typecnt ? idx[i] : 0;
        z->at[i] = be_int(d + 8 * i, 8);
        z->off_at[i] = (int32_t)be_int(types + 6 * t, 4);
    }
    return z;
}

bool proxy__tz_parse(const char *name, int32_t *fixed_s, proxy_tz_t **zone)
{
    *zone = NULL;
    *fixed_s = 0;
    if (parse_fixed(name, fixed_s))
        return true;
    if (!zone_name_ok(name))
        return false;
    char *path = am_xasprintf("/usr/share/zoneinfo/%s", name);
    am_buf_t b;
    am_buf_init(&b);
    am_err_t err = {0};
    bool ok = am_file_read_all(path, &b, &err) && b.len > 0;
    free(path);
    if (ok)
        *zone = tzif_decode((const uint8_t *)b.data, b.len);
    am_buf_destroy(&b);
    return *zone != NULL;
}

int32_t proxy__tz_offset(const proxy_session_t *s, int64_t unix_s)
{
    const proxy_tz_t *z = s->tz_zone;
    if (!z)
        return s->tz_fixed_s;
    if (z->n == 0 || unix_s < z->at[0])
        return z->off_before;
    size_t lo = 0, hi = z->n;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (z->at[mid] <= unix_s)
            lo = mid;
        else
            hi = mid;
    }
    return z->off_at[lo];
}

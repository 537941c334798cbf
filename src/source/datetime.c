/*
 * source/datetime.c: PostgreSQL's ISO text output of date, time, timestamp and timestamptz ->
 * days / microseconds since the Unix epoch (converted here, once).
 * Hand-written: strptime knows neither years past 9999, "BC", nor microseconds.
 * Forms accepted (DateStyle ISO; the proleptic Gregorian calendar, as PostgreSQL's):
 *   date         YYYY-MM-DD[ BC]                 (year 4+ digits)   | infinity | -infinity
 *   time         HH:MM:SS[.f{1,6}]               (24:00:00 allowed)
 *   timestamp    YYYY-MM-DD HH:MM:SS[.f{1,6}][ BC]                  | infinity | -infinity
 *   timestamptz  ... HH:MM:SS[.f]{+|-}HH[:MM[:SS]][ BC]   offset parsed although TimeZone=UTC
 * Infinity is DuckDB's (AM_DATE_INFINITY, AM_TS_INFINITY and their negatives). Every finite
 * value is exact; one past int64 Unix microseconds (timestamps after 294247-01-10, which
 * PostgreSQL allows up to 294276) or on an infinity sentinel fails with 22008 naming it.
 */
#include "source/source.h"
#include "source/source_internal.h"

#include <string.h>

#define US_PER_SEC INT64_C(1000000)
#define US_PER_DAY (INT64_C(86400) * US_PER_SEC)

typedef struct dt_cursor {
    const char *s;
    size_t len;
    size_t pos;
} dt_cursor_t;

/* Between min and max digits, no more; *v their value. */
static bool read_digits(dt_cursor_t *c, size_t min, size_t max, int64_t *v)
{
    size_t n = 0;
    int64_t acc = 0;
    while (c->pos < c->len && c->s[c->pos] >= '0' && c->s[c->pos] <= '9') {
        if (++n > max)
            return false;
        acc = acc * 10 + (c->s[c->pos++] - '0');
    }
    *v = acc;
    return n >= min;
}

static bool expect(dt_cursor_t *c, char ch)
{
    if (c->pos >= c->len || c->s[c->pos] != ch)
        return false;
    c->pos++;
    return true;
}

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static bool parse_ymd(dt_cursor_t *c, bool bc, int64_t *days)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int64_t y, m, d;
    /* PostgreSQL's dates end in 5874897 AD: 7 digits */
    if (!read_digits(c, 4, 7, &y) || !expect(c, '-') || !read_digits(c, 2, 2, &m) ||
        !expect(c, '-') || !read_digits(c, 2, 2, &d))
        return false;
    if (y == 0 || m < 1 || m > 12 || d < 1)
        return false;
    int64_t astro = bc ? 1 - y : y;
    int max_day = mdays[m - 1] + (m == 2 && is_leap(astro));
    if (d > max_day)
        return false;
    *days = am_days_from_civil(astro, m, d);
    return true;
}

/* HH:MM:SS[.ffffff] -> microseconds since midnight. */
static bool parse_hms(dt_cursor_t *c, bool allow_24, int64_t *us)
{
    int64_t h, mi, sec, frac = 0;
    if (!read_digits(c, 2, 2, &h) || !expect(c, ':') || !read_digits(c, 2, 2, &mi) ||
        !expect(c, ':') || !read_digits(c, 2, 2, &sec))
        return false;
    if (c->pos < c->len && c->s[c->pos] == '.') {
        c->pos++;
        size_t start = c->pos;
        if (!read_digits(c, 1, 6, &frac))
            return false;
        for (size_t n = c->pos - start; n < 6; n++)
            frac *= 10;
    }
    if (mi > 59 || sec > 59)
        return false;
    if (h > 24 || (h == 24 && (!allow_24 || mi || sec || frac)))
        return false;
    *us = ((h * 60 + mi) * 60 + sec) * US_PER_SEC + frac;
    return true;
}

/* {+|-}HH[:MM[:SS]] -> seconds east of UTC. */
static bool parse_offset(dt_cursor_t *c, int64_t *secs)
{
    if (c->pos >= c->len || (c->s[c->pos] != '+' && c->s[c->pos] != '-'))
        return false;
    bool neg = c->s[c->pos++] == '-';
    int64_t h, m = 0, s = 0;
    if (!read_digits(c, 2, 2, &h))
        return false;
    if (expect(c, ':') && !read_digits(c, 2, 2, &m))
        return false;
    if (expect(c, ':') && !read_digits(c, 2, 2, &s))
        return false;
    if (m > 59 || s > 59)
        return false;
    *secs = (h * 60 + m) * 60 + s;
    if (neg)
        *secs = -*secs;
    return true;
}

static bool out_of_range(am_err_t *err, am_coltype_t t, const char *text, size_t len)
{
    char shown[SOURCE_VALUE_CLIP + 4];
    source__value_shown(text, len, shown, sizeof shown);
    return am_err_set(err, "22008",
                      "%s \"%s\" is out of the range the lake can hold (DuckDB and Iceberg count "
                      "microseconds since 1970 in 64 bits: up to 294247-01-10 04:00:54.775806)",
                      am_type_name(t.type), shown);
}

/* date, timestamp or timestamptz without the infinity and BC handling; *range false when the
 * value is well-formed but has no finite lake value. */
static bool parse_stamp(am_type_t type, dt_cursor_t *c, bool bc, am_value_t *out, bool *range)
{
    int64_t days, tod = 0, offset = 0;
    *range = true;
    if (!parse_ymd(c, bc, &days))
        return false;
    if (type == AM_TYPE_DATE) {
        out->i = days;
        *range = days > AM_DATE_NEG_INFINITY && days < AM_DATE_INFINITY;
        return c->pos == c->len;
    }
    if (!expect(c, ' ') || !parse_hms(c, false, &tod))
        return false;
    if (type == AM_TYPE_TIMESTAMPTZ && !parse_offset(c, &offset))
        return false;
    if (c->pos != c->len)
        return false;
    int64_t us;
    *range = !__builtin_mul_overflow(days, US_PER_DAY, &us) &&
             !__builtin_add_overflow(us, tod, &us) &&
             !__builtin_sub_overflow(us, offset * US_PER_SEC, &us) && us > AM_TS_NEG_INFINITY &&
             us < AM_TS_INFINITY;
    out->i = *range ? us : 0;
    return true;
}

bool source__parse_datetime(am_coltype_t t, const char *text, size_t len, am_value_t *out,
                            am_err_t *err)
{
    dt_cursor_t c = {.s = text, .len = len, .pos = 0};
    if (t.type == AM_TYPE_TIME) {
        if (!parse_hms(&c, true, &out->i) || c.pos != len)
            return source__bad_value(err, t, text, len);
        return true;
    }
    bool date = t.type == AM_TYPE_DATE;
    if (len == 8 && memcmp(text, "infinity", 8) == 0) {
        out->i = date ? AM_DATE_INFINITY : AM_TS_INFINITY;
        return true;
    }
    if (len == 9 && memcmp(text, "-infinity", 9) == 0) {
        out->i = date ? AM_DATE_NEG_INFINITY : AM_TS_NEG_INFINITY;
        return true;
    }
    bool bc = len > 3 && memcmp(text + len - 3, " BC", 3) == 0;
    if (bc)
        c.len -= 3;
    bool range = true;
    if (!parse_stamp(t.type, &c, bc, out, &range))
        return source__bad_value(err, t, text, len);
    if (!range)
        return out_of_range(err, t, text, len);
    return true;
}

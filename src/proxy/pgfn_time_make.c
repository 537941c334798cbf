/*
 * proxy/pgfn_time_make.c: make_date, make_time, make_timestamp, make_timestamptz (session zone
 * or an explicit zone read as parse_sane_timezone reads it), make_interval, and
 * generate_series over timestamps (a LIST; the emitter unnests it).
 * Spec: PostgreSQL 15's date.c make_date/make_time, timestamp.c make_timestamp_internal,
 * make_interval, generate_series_timestamp(tz); datetime.c DecodeTimezone; read for behaviour.
 */
#include "proxy/pgfn_time_ops.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ValidateDate for a full y/m/d with BC given as a negative year; false: field overflow. */
static bool validate_ymd(proxy_pgtm_t *tm)
{
    bool bc = tm->year < 0;
    if (tm->year == INT32_MIN)
        return false; /* no opposite: PostgreSQL's wraps to itself and fails the same way */
    if (bc)
        tm->year = -tm->year;
    if (tm->year <= 0)
        return false;
    if (bc)
        tm->year = -(tm->year - 1);
    if (tm->mon < 1 || tm->mon > 12 || tm->mday < 1 || tm->mday > 31)
        return false;
    return tm->mday <= proxy__pg_mdays(tm->year, tm->mon);
}

static int make_date_parts(int y, int m, int d, int32_t *res, am_err_t *err)
{
    proxy_pgtm_t tm = {.year = y, .mon = m, .mday = d};
    if (!validate_ymd(&tm))
        return am_err_set(err, "22008", "date field value out of range: %d-%02d-%02d", y, m, d),
               PROXY_TV_ERR;
    int64_t date = (int64_t)proxy__pg_date2j(tm.year, tm.mon, tm.mday) - PROXY_PG_EPOCH_JDATE;
    if (!proxy__pg_date_valid_julian(tm.year, tm.mon, tm.mday) ||
        date < PROXY_PG_DATETIME_MIN_JULIAN - PROXY_PG_EPOCH_JDATE ||
        date >= PROXY_PG_DATE_END_JULIAN - PROXY_PG_EPOCH_JDATE)
        return am_err_set(err, "22008", "date out of range: %d-%02d-%02d", y, m, d), PROXY_TV_ERR;
    *res = (int32_t)date;
    return PROXY_TV_OK;
}

static int make_date_fn(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    return make_date_parts(a[0].i32, a[1].i32, a[2].i32, &r->i32, err);
}

/* %g as PostgreSQL's own snprintf prints it (NaN, Infinity). */
static const char *fmt_g(double v, char *buf, size_t cap)
{
    if (isnan(v))
        return "NaN";
    if (isinf(v))
        return v > 0 ? "Infinity" : "-Infinity";
    snprintf(buf, cap, "%02g", v);
    return buf;
}

/* float_time_overflows */
static bool time_overflows(int hour, int min, double sec)
{
    if (hour < 0 || hour > 24 || min < 0 || min >= 60 || isnan(sec))
        return true;
    sec = rint(sec * 1000000.0);
    if (sec < 0 || sec > 60.0 * 1000000.0)
        return true;
    return ((int64_t)hour * 60 + min) * 60 * 1000000 + (int64_t)sec > PROXY_PG_USECS_PER_DAY;
}

static int64_t time_us(int hour, int min, double sec)
{
    return ((int64_t)hour * 60 + min) * 60 * 1000000 + (int64_t)rint(sec * 1000000.0);
}

static int make_time_fn(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    char g[64];
    if (time_overflows(a[0].i32, a[1].i32, a[2].f8))
        return am_err_set(err, "22008", "time field value out of range: %d:%02d:%s", a[0].i32,
                          a[1].i32, fmt_g(a[2].f8, g, sizeof g)),
               PROXY_TV_ERR;
    r->i64 = time_us(a[0].i32, a[1].i32, a[2].f8);
    return PROXY_TV_OK;
}

/* make_timestamp_internal */
static int make_ts(const proxy__tv_t *a, int64_t *res, am_err_t *err)
{
    int y = a[0].i32, m = a[1].i32, d = a[2].i32, h = a[3].i32, mi = a[4].i32;
    double sec = a[5].f8;
    char g[64];
    proxy_pgtm_t tm = {.year = y, .mon = m, .mday = d};
    if (!validate_ymd(&tm))
        return am_err_set(err, "22008", "date field value out of range: %d-%02d-%02d", y, m, d),
               PROXY_TV_ERR;
    if (!proxy__pg_date_valid_julian(tm.year, tm.mon, tm.mday))
        return am_err_set(err, "22008", "date out of range: %d-%02d-%02d", y, m, d), PROXY_TV_ERR;
    int64_t date = (int64_t)proxy__pg_date2j(tm.year, tm.mon, tm.mday) - PROXY_PG_EPOCH_JDATE;
    if (time_overflows(h, mi, sec))
        return am_err_set(err, "22008", "time field value out of range: %d:%02d:%s", h, mi,
                          fmt_g(sec, g, sizeof g)),
               PROXY_TV_ERR;
    int64_t tt = time_us(h, mi, sec), v;
    if (__builtin_mul_overflow(date, PROXY_PG_USECS_PER_DAY, &v) ||
        __builtin_add_overflow(v, tt, &v) || (v < 0 && date > 0) || (v > 0 && date < -1) ||
        !proxy__pg_ts_valid(v))
        return am_err_set(err, "22008", "timestamp out of range: %d-%02d-%02d %d:%02d:%s", y, m, d,
                          h, mi, fmt_g(sec, g, sizeof g)),
               PROXY_TV_ERR;
    *res = v;
    return PROXY_TV_OK;
}

static int make_ts_fn(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    return make_ts(a, &r->i64, err);
}

static int make_tstz_at(const proxy__tv_t *a, proxy__tv_t *r, bool session, am_err_t *err)
{
    int64_t ts;
    if (make_ts(a, &ts, err) != PROXY_TV_OK)
        return PROXY_TV_ERR;
    proxy_pgtm_t tm;
    int32_t fsec, off = 0;
    if (!proxy__pg_ts2tm(ts, NULL, &tm, &fsec))
        return am_err_set(err, "22008", "timestamp out of range"), PROXY_TV_ERR;
    if (session) {
        const proxy_pgtz_t *z = proxy__pgtz_session(a[6].s, err);
        if (!z)
            return PROXY_TV_ERR;
        off = proxy__pg_tm_offset(&tm, z);
    } else if (!proxy__pg_sane_zone(a[6].s, &tm, &off, err)) {
        return PROXY_TV_ERR;
    }
    r->i64 = ts - (int64_t)off * PROXY_PG_USECS_PER_SEC;
    if (!proxy__pg_ts_valid(r->i64))
        return am_err_set(err, "22008", "timestamp out of range"), PROXY_TV_ERR;
    return PROXY_TV_OK;
}

static int make_tstz_fn(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    return make_tstz_at(a, r, true, err);
}

static int make_tstz_zone_fn(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    return make_tstz_at(a, r, false, err);
}

int proxy__pg_decode_tz(const char *s, int32_t *gmtoff)
{
    if (*s != '+' && *s != '-')
        return 1;
    char *cp;
    int min = 0, sec = 0;
    errno = 0;
    long hr = strtol(s + 1, &cp, 10);
    if (errno == ERANGE || hr != (int)hr)
        return 2;
    if (*cp == ':') {
        long v = strtol(cp + 1, &cp, 10);
        if (errno == ERANGE || v != (int)v)
            return 2;
        min = (int)v;
        if (*cp == ':') {
            v = strtol(cp + 1, &cp, 10);
            if (errno == ERANGE || v != (int)v)
                return 2;
            sec = (int)v;
        }
    } else if (*cp == '\0' && strlen(s) > 3) {
        min = (int)(hr % 100);
        hr /= 100;
    }
    if (hr < 0 || hr > 15 || min < 0 || min >= 60 || sec < 0 || sec >= 60)
        return 2;
    int32_t tz = (int32_t)((hr * 60 + min) * 60 + sec);
    *gmtoff = *s == '-' ? -tz : tz;
    return *cp != '\0' ? 1 : 0;
}

bool proxy__pg_sane_zone(const char *zone, proxy_pgtm_t *tm, int32_t *gmtoff, am_err_t *err)
{
    if (isdigit((unsigned char)*zone))
        return am_err_set(err, "22023", "invalid input syntax for type %s: \"%s\"",
                          "numeric time zone", zone);
    int rc = proxy__pg_decode_tz(zone, gmtoff);
    if (rc == 0)
        return true;
    if (rc == 2)
        return am_err_set(err, "22023", "numeric time zone \"%s\" out of range", zone);
    const proxy_pgtz_t *z = proxy__pgtz_arg(zone, err);
    if (!z)
        return false;
    *gmtoff = proxy__pg_tm_offset(tm, z);
    return true;
}

static int make_interval_fn(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    double secs = a[6].f8;
    int32_t m, d;
    int64_t us, x;
    if (isinf(secs) || isnan(secs) || __builtin_mul_overflow(a[0].i32, 12, &m) ||
        __builtin_add_overflow(m, a[1].i32, &m) || __builtin_mul_overflow(a[2].i32, 7, &d) ||
        __builtin_add_overflow(d, a[3].i32, &d))
        return am_err_set(err, "22008", "interval out of range"), PROXY_TV_ERR;
    double s = rint(secs * 1000000.0);
    if (!(s >= (double)INT64_MIN && s < -(double)INT64_MIN) ||
        __builtin_mul_overflow((int64_t)a[4].i32, PROXY_PG_USECS_PER_HOUR, &us) ||
        __builtin_mul_overflow((int64_t)a[5].i32, PROXY_PG_USECS_PER_MINUTE, &x) ||
        __builtin_add_overflow(us, x, &us) || __builtin_add_overflow(us, (int64_t)s, &us))
        return am_err_set(err, "22008", "interval out of range"), PROXY_TV_ERR;
    r->iv = (proxy_pgiv_t){.month = m, .day = d, .time = us};
    return PROXY_TV_OK;
}

PROXY_TDEF(mk_date, "am_make_date", make_date_fn, 0, TV_DATE, TV_I4, TV_I4, TV_I4)
PROXY_TDEF(mk_time, "am_make_time", make_time_fn, 0, TV_TIME, TV_I4, TV_I4, TV_F8)
PROXY_TDEF(mk_ts, "am_make_timestamp", make_ts_fn, 0, TV_TS, TV_I4, TV_I4, TV_I4, TV_I4, TV_I4,
           TV_F8)
PROXY_TDEF(mk_tstz, "am_make_timestamptz", make_tstz_fn, 0, TV_TSTZ, TV_I4, TV_I4, TV_I4, TV_I4,
           TV_I4, TV_F8, TV_TEXT)
PROXY_TDEF(mk_tstz_zone, "am_make_timestamptz_zone", make_tstz_zone_fn, 0, TV_TSTZ, TV_I4, TV_I4,
           TV_I4, TV_I4, TV_I4, TV_F8, TV_TEXT)
PROXY_TDEF(mk_iv, "am_make_interval", make_interval_fn, 0, TV_IV, TV_I4, TV_I4, TV_I4, TV_I4, TV_I4,
           TV_I4, TV_F8)

const proxy__treg_t proxy__time_make_regs[] = {
    PROXY_TREG(mk_date), PROXY_TREG(mk_time),      PROXY_TREG(mk_ts),
    PROXY_TREG(mk_tstz), PROXY_TREG(mk_tstz_zone), PROXY_TREG(mk_iv),
};
const size_t proxy__time_make_n = AM_ARRAY_LEN(proxy__time_make_regs);

bool proxy__time_reg_make(duckdb_connection con, am_err_t *err)
{
    return proxy__time_register(con, proxy__time_make_regs, proxy__time_make_n, err);
}

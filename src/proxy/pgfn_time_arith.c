/*
 * proxy/pgfn_time_arith.c: date/time arithmetic with PostgreSQL 15's rules: timestamp and
 * timestamptz +/- interval (months, then days in local time, then µs; timestamptz DST-aware in
 * the session zone), date +/- int and interval, differences (timestamp_mi's justify_hours),
 * interval +, -, *, /, comparison, justify_*. Errors as PostgreSQL: 22008 out of range.
 * Spec: PostgreSQL's timestamp.c/date.c (timestamp_pl_interval, interval_mul, ...), read for
 * behaviour.
 */
#include "proxy/pgfn_time_internal.h"
#include "proxy/pgfn_time_ops.h"

#include <math.h>
#include <string.h>

#define DAYS_PER_MONTH 30

static int err_range(am_err_t *err, const char *what)
{
    am_err_set(err, "22008", "%s out of range", what);
    return PROXY_TV_ERR;
}

/* Adds months to tm's year and month, clamping the day to the month's end. */
static bool tm_add_months(proxy_pgtm_t *tm, int32_t months)
{
    int64_t m = (int64_t)tm->mon + months;
    int64_t y = tm->year;
    if (m > 12) {
        y += (m - 1) / 12;
        m = (m - 1) % 12 + 1;
    } else if (m < 1) {
        y += m / 12 - 1;
        m = m % 12 + 12;
    }
    if (y > INT32_MAX / 2 || y < INT32_MIN / 2)
        return false;
    tm->year = (int)y;
    tm->mon = (int)m;
    if (tm->mday > proxy__pg_mdays(tm->year, tm->mon))
        tm->mday = proxy__pg_mdays(tm->year, tm->mon);
    return true;
}

static bool tm_add_days(proxy_pgtm_t *tm, int32_t days)
{
    int64_t j = (int64_t)proxy__pg_date2j(tm->year, tm->mon, tm->mday) + days;
    if (j < 0 || j > INT32_MAX)
        return false;
    proxy__pg_j2date((int)j, &tm->year, &tm->mon, &tm->mday);
    return true;
}

/* One step of timestamp(tz)_pl_interval: fields in z (NULL: no zone) changed by fn. */
static bool ts_local_step(int64_t *ts, const proxy_pgtz_t *z, int32_t n,
                          bool (*fn)(proxy_pgtm_t *, int32_t))
{
    proxy_pgtm_t tm;
    int32_t fsec;
    if (!proxy__pg_ts2tm(*ts, z, &tm, &fsec) || !fn(&tm, n))
        return false;
    int32_t off = z ? proxy__pg_tm_offset(&tm, z) : 0;
    return proxy__pg_tm2ts(&tm, fsec, off, ts);
}

bool proxy__pg_ts_pl_interval(int64_t ts, const proxy_pgiv_t *iv, const proxy_pgtz_t *z,
                              int64_t *res)
{
    if (!proxy__pg_ts_finite(ts)) {
        *res = ts;
        return true;
    }
    if (iv->month != 0 && !ts_local_step(&ts, z, iv->month, tm_add_months))
        return false;
    if (iv->day != 0 && !ts_local_step(&ts, z, iv->day, tm_add_days))
        return false;
    if (__builtin_add_overflow(ts, iv->time, &ts) || !proxy__pg_ts_valid(ts))
        return false;
    *res = ts;
    return true;
}

static proxy_pgiv_t iv_neg(const proxy_pgiv_t *iv)
{
    /* PostgreSQL negates each field without a check here (timestamp_mi_interval). */
    return (proxy_pgiv_t){.month = (int32_t)(0u - (uint32_t)iv->month),
                          .day = (int32_t)(0u - (uint32_t)iv->day),
                          .time = (int64_t)(0u - (uint64_t)iv->time)};
}

static int ts_pl(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    if (!proxy__pg_ts_pl_interval(a[0].i64, &a[1].iv, NULL, &r->i64))
        return err_range(err, "timestamp");
    return PROXY_TV_OK;
}

static int ts_mi(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    proxy_pgiv_t n = iv_neg(&a[1].iv);
    if (!proxy__pg_ts_pl_interval(a[0].i64, &n, NULL, &r->i64))
        return err_range(err, "timestamp");
    return PROXY_TV_OK;
}

static int tstz_pl(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    const proxy_pgtz_t *z = proxy__pgtz_session(a[2].s, err);
    if (!z)
        return PROXY_TV_ERR;
    if (!proxy__pg_ts_pl_interval(a[0].i64, &a[1].iv, z, &r->i64))
        return err_range(err, "timestamp");
    return PROXY_TV_OK;
}

static int tstz_mi(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    const proxy_pgtz_t *z = proxy__pgtz_session(a[2].s, err);
    if (!z)
        return PROXY_TV_ERR;
    proxy_pgiv_t n = iv_neg(&a[1].iv);
    if (!proxy__pg_ts_pl_interval(a[0].i64, &n, z, &r->i64))
        return err_range(err, "timestamp");
    return PROXY_TV_OK;
}

bool proxy__pg_date2ts(int32_t d, int64_t *ts, am_err_t *err)
{
    if (d == PROXY_PG_DATE_NOBEGIN || d == PROXY_PG_DATE_NOEND) {
        *ts = d == PROXY_PG_DATE_NOEND ? PROXY_PG_DT_NOEND : PROXY_PG_DT_NOBEGIN;
        return true;
    }
    /* PostgreSQL checks the end only (its dates start where its timestamps do); a date from
     * DuckDB may lie before, and would overflow the product */
    if (d >= PROXY_PG_TIMESTAMP_END_JULIAN - PROXY_PG_EPOCH_JDATE ||
        d < PROXY_PG_DATETIME_MIN_JULIAN - PROXY_PG_EPOCH_JDATE)
        return am_err_set(err, "22008", "date out of range for timestamp");
    *ts = (int64_t)d * PROXY_PG_USECS_PER_DAY;
    return true;
}

static int date_pl_iv(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    int64_t ts = 0;
    if (!proxy__pg_date2ts(a[0].i32, &ts, err))
        return PROXY_TV_ERR;
    if (!proxy__pg_ts_pl_interval(ts, &a[1].iv, NULL, &r->i64))
        return err_range(err, "timestamp");
    return PROXY_TV_OK;
}

static int date_mi_iv(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    int64_t ts = 0;
    proxy_pgiv_t n = iv_neg(&a[1].iv);
    if (!proxy__pg_date2ts(a[0].i32, &ts, err))
        return PROXY_TV_ERR;
    if (!proxy__pg_ts_pl_interval(ts, &n, NULL, &r->i64))
        return err_range(err, "timestamp");
    return PROXY_TV_OK;
}

static bool date_valid(int64_t d)
{
    return d >= PROXY_PG_DATETIME_MIN_JULIAN - PROXY_PG_EPOCH_JDATE &&
           d < PROXY_PG_DATE_END_JULIAN - PROXY_PG_EPOCH_JDATE;
}

static int date_pli(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    int32_t d = a[0].i32;
    if (d == PROXY_PG_DATE_NOBEGIN || d == PROXY_PG_DATE_NOEND) {
        r->i32 = d;
        return PROXY_TV_OK;
    }
    int64_t v = (int64_t)d + a[1].i32;
    if (v > INT32_MAX || v < INT32_MIN || !date_valid(v))
        return err_range(err, "date");
    r->i32 = (int32_t)v;
    return PROXY_TV_OK;
}

static int date_mii(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    proxy__tv_t b[2] = {a[0], {.i32 = 0}};
    if (a[0].i32 == PROXY_PG_DATE_NOBEGIN || a[0].i32 == PROXY_PG_DATE_NOEND) {
        r->i32 = a[0].i32;
        return PROXY_TV_OK;
    }
    if (a[1].i32 == INT32_MIN)
        return err_range(err, "date");
    b[1].i32 = -a[1].i32;
    return date_pli(b, r, t, err);
}

static int date_mi(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    for (int i = 0; i < 2; i++)
        if (a[i].i32 == PROXY_PG_DATE_NOBEGIN || a[i].i32 == PROXY_PG_DATE_NOEND)
            return am_err_set(err, "22008", "cannot subtract infinite dates"), PROXY_TV_ERR;
    int64_t v = (int64_t)a[0].i32 - a[1].i32; /* fits for PostgreSQL's dates */
    if (v > INT32_MAX || v < INT32_MIN)
        return err_range(err, "integer");
    r->i32 = (int32_t)v;
    return PROXY_TV_OK;
}

bool proxy__pg_justify_hours(proxy_pgiv_t *iv)
{
    int64_t whole = iv->time / PROXY_PG_USECS_PER_DAY;
    iv->time -= whole * PROXY_PG_USECS_PER_DAY;
    if (__builtin_add_overflow(iv->day, (int32_t)whole, &iv->day))
        return false;
    if (iv->day > 0 && iv->time < 0) {
        iv->time += PROXY_PG_USECS_PER_DAY;
        iv->day--;
    } else if (iv->day < 0 && iv->time > 0) {
        iv->time -= PROXY_PG_USECS_PER_DAY;
        iv->day++;
    }
    return true;
}

static int ts_mi_ts(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    if (!proxy__pg_ts_finite(a[0].i64) || !proxy__pg_ts_finite(a[1].i64))
        return am_err_set(err, "22008", "cannot subtract infinite timestamps"), PROXY_TV_ERR;
    r->iv = (proxy_pgiv_t){0};
    if (__builtin_sub_overflow(a[0].i64, a[1].i64, &r->iv.time) || !proxy__pg_justify_hours(&r->iv))
        return err_range(err, "interval");
    return PROXY_TV_OK;
}

static bool justify_days(proxy_pgiv_t *iv)
{
    int32_t whole = iv->day / DAYS_PER_MONTH;
    iv->day -= whole * DAYS_PER_MONTH;
    if (__builtin_add_overflow(iv->month, whole, &iv->month))
        return false;
    if (iv->month > 0 && iv->day < 0) {
        iv->day += DAYS_PER_MONTH;
        iv->month--;
    } else if (iv->month < 0 && iv->day > 0) {
        iv->day -= DAYS_PER_MONTH;
        iv->month++;
    }
    return true;
}

static bool justify_interval(proxy_pgiv_t *iv)
{
    if ((iv->day > 0 && iv->time > 0) || (iv->day < 0 && iv->time < 0)) {
        int32_t whole = iv->day / DAYS_PER_MONTH;
        iv->day -= whole * DAYS_PER_MONTH;
        if (__builtin_add_overflow(iv->month, whole, &iv->month))
            return false;
    }
    int64_t wd = iv->time / PROXY_PG_USECS_PER_DAY;
    iv->time -= wd * PROXY_PG_USECS_PER_DAY;
    iv->day += (int32_t)wd;
    int32_t wm = iv->day / DAYS_PER_MONTH;
    iv->day -= wm * DAYS_PER_MONTH;
    if (__builtin_add_overflow(iv->month, wm, &iv->month))
        return false;
    if (iv->month > 0 && (iv->day < 0 || (iv->day == 0 && iv->time < 0))) {
        iv->day += DAYS_PER_MONTH;
        iv->month--;
    } else if (iv->month < 0 && (iv->day > 0 || (iv->day == 0 && iv->time > 0))) {
        iv->day -= DAYS_PER_MONTH;
        iv->month++;
    }
    if (iv->day > 0 && iv->time < 0) {
        iv->time += PROXY_PG_USECS_PER_DAY;
        iv->day--;
    } else if (iv->day < 0 && iv->time > 0) {
        iv->time -= PROXY_PG_USECS_PER_DAY;
        iv->day++;
    }
    return true;
}

static int iv_justify(const proxy__tv_t *a, proxy__tv_t *r, am_err_t *err,
                      bool (*fn)(proxy_pgiv_t *))
{
    r->iv = a[0].iv;
    if (!fn(&r->iv))
        return err_range(err, "interval");
    return PROXY_TV_OK;
}

static int justify_hours_fn(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    return iv_justify(a, r, err, proxy__pg_justify_hours);
}

static int justify_days_fn(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    return iv_justify(a, r, err, justify_days);
}

static int justify_iv_fn(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    return iv_justify(a, r, err, justify_interval);
}

static int iv_pl(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    if (__builtin_add_overflow(a[0].iv.month, a[1].iv.month, &r->iv.month) ||
        __builtin_add_overflow(a[0].iv.day, a[1].iv.day, &r->iv.day) ||
        __builtin_add_overflow(a[0].iv.time, a[1].iv.time, &r->iv.time))
        return err_range(err, "interval");
    return PROXY_TV_OK;
}

static int iv_mi(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    if (__builtin_sub_overflow(a[0].iv.month, a[1].iv.month, &r->iv.month) ||
        __builtin_sub_overflow(a[0].iv.day, a[1].iv.day, &r->iv.day) ||
        __builtin_sub_overflow(a[0].iv.time, a[1].iv.time, &r->iv.time))
        return err_range(err, "interval");
    return PROXY_TV_OK;
}

static int iv_um(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    proxy__tv_t z[2] = {{.iv = {0}}, a[0]};
    return iv_mi(z, r, t, err);
}

static double ts_round(double v)
{
    return rint(v * 1000000.0) / 1000000.0;
}

static bool fits_i32(double v)
{
    return !isnan(v) && v >= (double)INT32_MIN && v < -(double)INT32_MIN;
}

static bool fits_i64(double v)
{
    return !isnan(v) && v >= (double)INT64_MIN && v < -(double)INT64_MIN;
}

/* interval_mul and interval_div: whole months and days, fractions cascaded down. */
static bool iv_scale(const proxy_pgiv_t *s, double f, bool divide, proxy_pgiv_t *r)
{
    double m = divide ? s->month / f : s->month * f;
    double d = divide ? s->day / f : s->day * f;
    if (!fits_i32(m) || !fits_i32(d))
        return false;
    r->month = (int32_t)m;
    r->day = (int32_t)d;
    double mrem = ts_round((m - r->month) * DAYS_PER_MONTH);
    double srem = ts_round((d - r->day + mrem - (int)mrem) * 86400.0);
    if (fabs(srem) >= 86400.0) {
        if (__builtin_add_overflow(r->day, (int32_t)(srem / 86400.0), &r->day))
            return false;
        srem -= (int)(srem / 86400.0) * 86400.0;
    }
    if (__builtin_add_overflow(r->day, (int32_t)mrem, &r->day))
        return false;
    double tv = rint((divide ? (double)s->time / f : (double)s->time * f) + srem * 1000000.0);
    if (!fits_i64(tv))
        return false;
    r->time = (int64_t)tv;
    return true;
}

static int iv_mul(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    if (!iv_scale(&a[0].iv, a[1].f8, false, &r->iv))
        return err_range(err, "interval");
    return PROXY_TV_OK;
}

static int iv_div(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    if (a[1].f8 == 0.0)
        return am_err_set(err, "22012", "division by zero"), PROXY_TV_ERR;
    if (!iv_scale(&a[0].iv, a[1].f8, true, &r->iv))
        return err_range(err, "interval");
    return PROXY_TV_OK;
}

__int128 proxy__pg_iv_cmp_value(const proxy_pgiv_t *iv)
{
    return (__int128)iv->time +
           ((__int128)iv->month * DAYS_PER_MONTH + iv->day) * PROXY_PG_USECS_PER_DAY;
}

static int iv_cmp(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t, (void)err;
    __int128 x = proxy__pg_iv_cmp_value(&a[0].iv), y = proxy__pg_iv_cmp_value(&a[1].iv);
    r->i32 = x < y ? -1 : x > y;
    return PROXY_TV_OK;
}

static int iv_key(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t, (void)err;
    __int128 v = proxy__pg_iv_cmp_value(&a[0].iv);
    r->h.lower = (uint64_t)v;
    r->h.upper = (int64_t)(v >> 64);
    return PROXY_TV_OK;
}

static int time_pl(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t, (void)err;
    int64_t v = a[0].i64 + a[1].iv.time % PROXY_PG_USECS_PER_DAY;
    v -= v / PROXY_PG_USECS_PER_DAY * PROXY_PG_USECS_PER_DAY;
    r->i64 = v < 0 ? v + PROXY_PG_USECS_PER_DAY : v;
    return PROXY_TV_OK;
}

static int time_mi(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    proxy__tv_t b[2] = {a[0], {.iv = {.time = -(a[1].iv.time % PROXY_PG_USECS_PER_DAY)}}};
    return time_pl(b, r, t, err);
}

static int time_mi_time(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t, (void)err;
    r->iv = (proxy_pgiv_t){.time = a[0].i64 - a[1].i64};
    return PROXY_TV_OK;
}

PROXY_TDEF(ts_pl, "am_timestamp_pl_interval", ts_pl, 0, TV_TS, TV_TS, TV_IV)
PROXY_TDEF(ts_mi, "am_timestamp_mi_interval", ts_mi, 0, TV_TS, TV_TS, TV_IV)
PROXY_TDEF(tstz_pl, "am_timestamptz_pl_interval", tstz_pl, 0, TV_TSTZ, TV_TSTZ, TV_IV, TV_TEXT)
PROXY_TDEF(tstz_mi, "am_timestamptz_mi_interval", tstz_mi, 0, TV_TSTZ, TV_TSTZ, TV_IV, TV_TEXT)
PROXY_TDEF(date_pl_iv, "am_date_pl_interval", date_pl_iv, 0, TV_TS, TV_DATE, TV_IV)
PROXY_TDEF(date_mi_iv, "am_date_mi_interval", date_mi_iv, 0, TV_TS, TV_DATE, TV_IV)
PROXY_TDEF(date_pli, "am_date_pli", date_pli, 0, TV_DATE, TV_DATE, TV_I4)
PROXY_TDEF(date_mii, "am_date_mii", date_mii, 0, TV_DATE, TV_DATE, TV_I4)
PROXY_TDEF(date_mi, "am_date_mi", date_mi, 0, TV_I4, TV_DATE, TV_DATE)
PROXY_TDEF(ts_mi_ts, "am_timestamp_mi", ts_mi_ts, 0, TV_IV, TV_TS, TV_TS)
PROXY_TDEF(tstz_mi_tstz, "am_timestamptz_mi", ts_mi_ts, 0, TV_IV, TV_TSTZ, TV_TSTZ)
PROXY_TDEF(j_hours, "am_justify_hours", justify_hours_fn, 0, TV_IV, TV_IV)
PROXY_TDEF(j_days, "am_justify_days", justify_days_fn, 0, TV_IV, TV_IV)
PROXY_TDEF(j_iv, "am_justify_interval", justify_iv_fn, 0, TV_IV, TV_IV)
PROXY_TDEF(iv_pl, "am_interval_pl", iv_pl, 0, TV_IV, TV_IV, TV_IV)
PROXY_TDEF(iv_mi, "am_interval_mi", iv_mi, 0, TV_IV, TV_IV, TV_IV)
PROXY_TDEF(iv_um, "am_interval_um", iv_um, 0, TV_IV, TV_IV)
PROXY_TDEF(iv_mul, "am_interval_mul", iv_mul, 0, TV_IV, TV_IV, TV_F8)
PROXY_TDEF(iv_div, "am_interval_div", iv_div, 0, TV_IV, TV_IV, TV_F8)
PROXY_TDEF(iv_cmp, "am_interval_cmp", iv_cmp, 0, TV_I4, TV_IV, TV_IV)
PROXY_TDEF(iv_key, "am_interval_sort_key", iv_key, 0, DUCKDB_TYPE_HUGEINT, TV_IV)
PROXY_TDEF(time_pl, "am_time_pl_interval", time_pl, 0, TV_TIME, TV_TIME, TV_IV)
PROXY_TDEF(time_mi, "am_time_mi_interval", time_mi, 0, TV_TIME, TV_TIME, TV_IV)
PROXY_TDEF(time_mi_time, "am_time_mi", time_mi_time, 0, TV_IV, TV_TIME, TV_TIME)

const proxy__treg_t proxy__time_arith_regs[] = {
    PROXY_TREG(ts_pl),    PROXY_TREG(ts_mi),        PROXY_TREG(tstz_pl),
    PROXY_TREG(tstz_mi),  PROXY_TREG(date_pl_iv),   PROXY_TREG(date_mi_iv),
    PROXY_TREG(date_pli), PROXY_TREG(date_mii),     PROXY_TREG(date_mi),
    PROXY_TREG(ts_mi_ts), PROXY_TREG(tstz_mi_tstz), PROXY_TREG(j_hours),
    PROXY_TREG(j_days),   PROXY_TREG(j_iv),         PROXY_TREG(iv_pl),
    PROXY_TREG(iv_mi),    PROXY_TREG(iv_um),        PROXY_TREG(iv_mul),
    PROXY_TREG(iv_div),   PROXY_TREG(iv_cmp),       PROXY_TREG(iv_key),
    PROXY_TREG(time_pl),  PROXY_TREG(time_mi),      PROXY_TREG(time_mi_time),
};
const size_t proxy__time_arith_n = AM_ARRAY_LEN(proxy__time_arith_regs);

bool proxy__time_reg_arith(duckdb_connection con, am_err_t *err)
{
    return proxy__time_register(con, proxy__time_arith_regs, proxy__time_arith_n, err);
}

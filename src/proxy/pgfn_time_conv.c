/*
 * proxy/pgfn_time_conv.c: conversions between date, timestamp, timestamptz, time and timetz in
 * a zone (casts in the session zone; AT TIME ZONE / timezone() with a zone name, abbreviation
 * or interval), make_date/time/timestamp/timestamptz/interval, isfinite, date_bin, overlaps.
 * Spec: PostgreSQL 15's timestamp.c/date.c (timestamptz_zone, timestamp_izone, make_*,
 * timestamp_bin, overlaps_timestamp), read for behaviour.
 */
#include "proxy/pgfn_time_ops.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int err_ts(am_err_t *err)
{
    am_err_set(err, "22008", "timestamp out of range");
    return PROXY_TV_ERR;
}

/* timestamptz -> local timestamp in z (timezone(zone, timestamptz), casts). */
static int tstz_to_local(int64_t ts, const proxy_pgtz_t *z, int64_t *res, am_err_t *err)
{
    if (!proxy__pg_ts_finite(ts)) {
        *res = ts;
        return PROXY_TV_OK;
    }
    proxy_pgtm_t tm;
    int32_t fsec;
    if (!proxy__pg_ts2tm(ts, z, &tm, &fsec) || !proxy__pg_tm2ts(&tm, fsec, 0, res))
        return err_ts(err);
    return PROXY_TV_OK;
}

/* local timestamp in z -> timestamptz (timezone(zone, timestamp), casts). */
static int local_to_tstz(int64_t ts, const proxy_pgtz_t *z, int64_t *res, am_err_t *err)
{
    if (!proxy__pg_ts_finite(ts)) {
        *res = ts;
        return PROXY_TV_OK;
    }
    proxy_pgtm_t tm;
    int32_t fsec;
    if (!proxy__pg_ts2tm(ts, NULL, &tm, &fsec))
        return err_ts(err);
    int32_t off = proxy__pg_tm_offset(&tm, z);
    if (!proxy__pg_tm2ts(&tm, fsec, off, res))
        return err_ts(err);
    return PROXY_TV_OK;
}

static int tz_tstz_fn(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    if (!proxy__pg_ts_finite(a[1].i64)) { /* PostgreSQL answers before reading the zone */
        r->i64 = a[1].i64;
        return PROXY_TV_OK;
    }
    const proxy_pgtz_t *z = proxy__pgtz_arg(a[0].s, err);
    return z ? tstz_to_local(a[1].i64, z, &r->i64, err) : PROXY_TV_ERR;
}

static int tz_ts_fn(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    if (!proxy__pg_ts_finite(a[1].i64)) { /* PostgreSQL answers before reading the zone */
        r->i64 = a[1].i64;
        return PROXY_TV_OK;
    }
    const proxy_pgtz_t *z = proxy__pgtz_arg(a[0].s, err);
    return z ? local_to_tstz(a[1].i64, z, &r->i64, err) : PROXY_TV_ERR;
}

/* AT TIME ZONE with an interval: whole seconds east, no months or days. */
static int izone(const proxy__tv_t *a, int sign, proxy__tv_t *r, am_err_t *err)
{
    if (!proxy__pg_ts_finite(a[1].i64)) {
        r->i64 = a[1].i64;
        return PROXY_TV_OK;
    }
    if (a[0].iv.month != 0 || a[0].iv.day != 0) {
        int style = PROXY_PG_INTSTYLE_POSTGRES;
        am_buf_t b;
        am_buf_init(&b);
        if (!proxy__tv_intervalstyle(a[2].s, &style, err)) {
            am_buf_destroy(&b);
            return PROXY_TV_ERR;
        }
        proxy__pg_interval_out(&a[0].iv, style, &b);
        am_err_set(err, "22023", "interval time zone \"%s\" must not include months or days",
                   b.data);
        am_buf_destroy(&b);
        return PROXY_TV_ERR;
    }
    int64_t secs = a[0].iv.time / PROXY_PG_USECS_PER_SEC;
    /* in 128 bits: an interval of up to 2^63 µs would overflow the sum */
    __int128 v = (__int128)a[1].i64 + (__int128)sign * secs * PROXY_PG_USECS_PER_SEC;
    if (v < INT64_MIN || v > INT64_MAX || !proxy__pg_ts_valid((int64_t)v))
        return err_ts(err);
    r->i64 = (int64_t)v;
    return PROXY_TV_OK;
}

static int itz_tstz_fn(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    return izone(a, 1, r, err);
}

static int itz_ts_fn(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    return izone(a, -1, r, err);
}

static int tstz_ts_fn(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    const proxy_pgtz_t *z = proxy__pgtz_session(a[1].s, err);
    return z ? tstz_to_local(a[0].i64, z, &r->i64, err) : PROXY_TV_ERR;
}

static int ts_tstz_fn(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    const proxy_pgtz_t *z = proxy__pgtz_session(a[1].s, err);
    return z ? local_to_tstz(a[0].i64, z, &r->i64, err) : PROXY_TV_ERR;
}

/* timestamp(tz) -> date in z (NULL: timestamp). */
static int ts_date(int64_t ts, const proxy_pgtz_t *z, int32_t *res, am_err_t *err)
{
    if (!proxy__pg_ts_finite(ts)) {
        *res = ts == PROXY_PG_DT_NOEND ? PROXY_PG_DATE_NOEND : PROXY_PG_DATE_NOBEGIN;
        return PROXY_TV_OK;
    }
    proxy_pgtm_t tm;
    int32_t fsec;
    if (!proxy__pg_ts2tm(ts, z, &tm, &fsec))
        return err_ts(err);
    *res = proxy__pg_date2j(tm.year, tm.mon, tm.mday) - PROXY_PG_EPOCH_JDATE;
    return PROXY_TV_OK;
}

static int tstz_date_fn(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    const proxy_pgtz_t *z = proxy__pgtz_session(a[1].s, err);
    return z ? ts_date(a[0].i64, z, &r->i32, err) : PROXY_TV_ERR;
}

static int ts_date_fn(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    return ts_date(a[0].i64, NULL, &r->i32, err);
}

static int date_ts_fn(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    return proxy__pg_date2ts(a[0].i32, &r->i64, err) ? PROXY_TV_OK : PROXY_TV_ERR;
}

static int date_tstz_fn(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    const proxy_pgtz_t *z = proxy__pgtz_session(a[1].s, err);
    int32_t d = a[0].i32;
    if (!z)
        return PROXY_TV_ERR;
    if (d == PROXY_PG_DATE_NOBEGIN || d == PROXY_PG_DATE_NOEND) {
        r->i64 = d == PROXY_PG_DATE_NOEND ? PROXY_PG_DT_NOEND : PROXY_PG_DT_NOBEGIN;
        return PROXY_TV_OK;
    }
    if (d >= PROXY_PG_TIMESTAMP_END_JULIAN - PROXY_PG_EPOCH_JDATE)
        return am_err_set(err, "22008", "date out of range for timestamp"), PROXY_TV_ERR;
    proxy_pgtm_t tm = {0};
    proxy__pg_j2date(d + PROXY_PG_EPOCH_JDATE, &tm.year, &tm.mon, &tm.mday);
    int32_t off = proxy__pg_tm_offset(&tm, z);
    r->i64 = (int64_t)d * PROXY_PG_USECS_PER_DAY - (int64_t)off * PROXY_PG_USECS_PER_SEC;
    if (!proxy__pg_ts_valid(r->i64))
        return am_err_set(err, "22008", "date out of range for timestamp"), PROXY_TV_ERR;
    return PROXY_TV_OK;
}

/* timestamp(tz) -> time (and the offset) in z; NULL for infinities. */
static int ts_time(int64_t ts, const proxy_pgtz_t *z, int64_t *us, int32_t *off, am_err_t *err)
{
    if (!proxy__pg_ts_finite(ts))
        return PROXY_TV_NULL;
    proxy_pgtm_t tm;
    int32_t fsec;
    if (!proxy__pg_ts2tm(ts, z, &tm, &fsec))
        return err_ts(err);
    *us = (((int64_t)tm.hour * 60 + tm.min) * 60 + tm.sec) * PROXY_PG_USECS_PER_SEC + fsec;
    *off = tm.gmtoff;
    return PROXY_TV_OK;
}

static int tstz_time_fn(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    int32_t off;
    const proxy_pgtz_t *z = proxy__pgtz_session(a[1].s, err);
    return z ? ts_time(a[0].i64, z, &r->i64, &off, err) : PROXY_TV_ERR;
}

static int ts_time_fn(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    int32_t off;
    return ts_time(a[0].i64, NULL, &r->i64, &off, err);
}

static int tstz_timetz_fn(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)r;
    int64_t us;
    int32_t off;
    const proxy_pgtz_t *z = proxy__pgtz_session(a[1].s, err);
    int rc = z ? ts_time(a[0].i64, z, &us, &off, err) : PROXY_TV_ERR;
    if (rc == PROXY_TV_OK)
        proxy__pg_timetz_out(us, off, t);
    return rc;
}

static int isfinite_date(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t, (void)err;
    r->b = a[0].i32 != PROXY_PG_DATE_NOBEGIN && a[0].i32 != PROXY_PG_DATE_NOEND;
    return PROXY_TV_OK;
}

static int isfinite_ts(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t, (void)err;
    r->b = proxy__pg_ts_finite(a[0].i64);
    return PROXY_TV_OK;
}

static int isfinite_iv(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)a, (void)t, (void)err;
    r->b = true; /* PostgreSQL 15 has no infinite intervals */
    return PROXY_TV_OK;
}

/* timestamp_bin / timestamptz_bin. */
static int date_bin_fn(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    const proxy_pgiv_t *st = &a[0].iv;
    int64_t ts = a[1].i64, origin = a[2].i64, stride, diff, delta;
    if (!proxy__pg_ts_finite(ts)) {
        r->i64 = ts;
        return PROXY_TV_OK;
    }
    if (!proxy__pg_ts_finite(origin))
        return am_err_set(err, "22008", "origin out of range"), PROXY_TV_ERR;
    if (st->month != 0)
        return am_err_set(err, "0A000",
                          "timestamps cannot be binned into intervals containing months or years"),
               PROXY_TV_ERR;
    if (__builtin_mul_overflow((int64_t)st->day, PROXY_PG_USECS_PER_DAY, &stride) ||
        __builtin_add_overflow(stride, st->time, &stride))
        return am_err_set(err, "22008", "interval out of range"), PROXY_TV_ERR;
    if (stride <= 0)
        return am_err_set(err, "22008", "stride must be greater than zero"), PROXY_TV_ERR;
    if (__builtin_sub_overflow(ts, origin, &diff))
        return am_err_set(err, "22008", "interval out of range"), PROXY_TV_ERR;
    delta = diff - diff % stride;
    /* origin + delta, a stride earlier for a negative remainder: in 128 bits, as the step
     * back from a delta near -2^63 leaves 64 */
    __int128 bin = (__int128)origin + delta - (diff % stride < 0 ? stride : 0);
    if (bin < INT64_MIN || bin > INT64_MAX || !proxy__pg_ts_valid((int64_t)bin))
        return err_ts(err);
    r->i64 = (int64_t)bin;
    return PROXY_TV_OK;
}

/* overlaps_timestamp (and time): NULL endpoints as the SQL standard wants them. */
static int overlaps_fn(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t, (void)err;
    bool n[4];
    int64_t v[4];
    for (int i = 0; i < 4; i++) {
        n[i] = proxy__tv_isnull[i];
        v[i] = a[i].i64;
    }
    for (int k = 0; k < 4; k += 2) {
        if (n[k]) {
            if (n[k + 1])
                return PROXY_TV_NULL;
            v[k] = v[k + 1];
            n[k] = false;
            n[k + 1] = true;
        } else if (!n[k + 1] && v[k] > v[k + 1]) {
            int64_t x = v[k];
            v[k] = v[k + 1];
            v[k + 1] = x;
        }
    }
    if (v[0] != v[2]) {
        int lo = v[0] > v[2] ? 0 : 2, hi = 2 - lo; /* lo starts later */
        if (n[hi + 1])
            return PROXY_TV_NULL;
        if (v[lo] < v[hi + 1]) {
            r->b = true;
            return PROXY_TV_OK;
        }
        if (n[lo + 1])
            return PROXY_TV_NULL;
        r->b = false;
        return PROXY_TV_OK;
    }
    if (n[1] || n[3])
        return PROXY_TV_NULL;
    r->b = true;
    return PROXY_TV_OK;
}

PROXY_TDEF(tz_tstz, "am_timezone", tz_tstz_fn, 0, TV_TS, TV_TEXT, TV_TSTZ)
PROXY_TDEF(tz_ts, "am_timezone", tz_ts_fn, 0, TV_TSTZ, TV_TEXT, TV_TS)
PROXY_TDEF(itz_tstz, "am_timezone", itz_tstz_fn, 0, TV_TS, TV_IV, TV_TSTZ, TV_TEXT)
PROXY_TDEF(itz_ts, "am_timezone", itz_ts_fn, 0, TV_TSTZ, TV_IV, TV_TS, TV_TEXT)
PROXY_TDEF(tstz_ts, "am_timestamptz_timestamp", tstz_ts_fn, 0, TV_TS, TV_TSTZ, TV_TEXT)
PROXY_TDEF(ts_tstz, "am_timestamp_timestamptz", ts_tstz_fn, 0, TV_TSTZ, TV_TS, TV_TEXT)
PROXY_TDEF(tstz_date, "am_timestamptz_date", tstz_date_fn, 0, TV_DATE, TV_TSTZ, TV_TEXT)
PROXY_TDEF(ts_date, "am_timestamp_date", ts_date_fn, 0, TV_DATE, TV_TS)
PROXY_TDEF(date_ts, "am_date_timestamp", date_ts_fn, 0, TV_TS, TV_DATE)
PROXY_TDEF(date_tstz, "am_date_timestamptz", date_tstz_fn, 0, TV_TSTZ, TV_DATE, TV_TEXT)
PROXY_TDEF(tstz_time, "am_timestamptz_time", tstz_time_fn, 0, TV_TIME, TV_TSTZ, TV_TEXT)
PROXY_TDEF(ts_time, "am_timestamp_time", ts_time_fn, 0, TV_TIME, TV_TS)
PROXY_TDEF(tstz_timetz, "am_timestamptz_timetz", tstz_timetz_fn, 0, TV_TEXT, TV_TSTZ, TV_TEXT)
PROXY_TDEF(fin_date, "am_isfinite", isfinite_date, 0, TV_BOOL, TV_DATE)
PROXY_TDEF(fin_ts, "am_isfinite", isfinite_ts, 0, TV_BOOL, TV_TS)
PROXY_TDEF(fin_tstz, "am_isfinite", isfinite_ts, 0, TV_BOOL, TV_TSTZ)
PROXY_TDEF(fin_iv, "am_isfinite", isfinite_iv, 0, TV_BOOL, TV_IV)
PROXY_TDEF(bin_ts, "am_date_bin", date_bin_fn, 0, TV_TS, TV_IV, TV_TS, TV_TS)
PROXY_TDEF(bin_tstz, "am_date_bin", date_bin_fn, 0, TV_TSTZ, TV_IV, TV_TSTZ, TV_TSTZ)
PROXY_TDEF(ov_ts, "am_overlaps", overlaps_fn, PROXY_PGFN_NULLS, TV_BOOL, TV_TS, TV_TS, TV_TS, TV_TS)
PROXY_TDEF(ov_tstz, "am_overlaps", overlaps_fn, PROXY_PGFN_NULLS, TV_BOOL, TV_TSTZ, TV_TSTZ,
           TV_TSTZ, TV_TSTZ)
PROXY_TDEF(ov_time, "am_overlaps", overlaps_fn, PROXY_PGFN_NULLS, TV_BOOL, TV_TIME, TV_TIME,
           TV_TIME, TV_TIME)

const proxy__treg_t proxy__time_conv_regs[] = {
    PROXY_TREG(tz_tstz),     PROXY_TREG(tz_ts),     PROXY_TREG(itz_tstz),  PROXY_TREG(itz_ts),
    PROXY_TREG(tstz_ts),     PROXY_TREG(ts_tstz),   PROXY_TREG(tstz_date), PROXY_TREG(ts_date),
    PROXY_TREG(date_ts),     PROXY_TREG(date_tstz), PROXY_TREG(tstz_time), PROXY_TREG(ts_time),
    PROXY_TREG(tstz_timetz), PROXY_TREG(fin_date),  PROXY_TREG(fin_ts),    PROXY_TREG(fin_tstz),
    PROXY_TREG(fin_iv),      PROXY_TREG(bin_ts),    PROXY_TREG(bin_tstz),  PROXY_TREG(ov_ts),
    PROXY_TREG(ov_tstz),     PROXY_TREG(ov_time),
};
const size_t proxy__time_conv_n = AM_ARRAY_LEN(proxy__time_conv_regs);

bool proxy__time_reg_conv(duckdb_connection con, am_err_t *err)
{
    return proxy__time_register(con, proxy__time_conv_regs, proxy__time_conv_n, err);
}

/*
 * proxy/pgfn_time_in.c: the text input functions of date, time, timetz, timestamp,
 * timestamptz (pgfn_time.h proxy__pg_*_in) over the decoders, and their DuckDB glue
 * am_*_in. Each refuses (0A000) text whose value depends on session state its caller did
 * not pass (now/today/... without the transaction time, a field order without DateStyle,
 * timetz without the TimeZone), after PostgreSQL's own errors.
 * Spec: PostgreSQL 15 date.c date_in, time_in, timetz_in; timestamp.c timestamp_in,
 * timestamptz_in, tm2timestamp, SetEpochTimestamp; datetime.c DateTimeParseError.
 */
#include "proxy/pgfn_time_dt.h"
#include "proxy/pgfn_time_ops.h"
#include "proxy/pgfn_time_part.h"

#include <string.h>

bool proxy__dt_error(int dterr, const char *str, const char *type, am_err_t *err)
{
    switch (dterr) {
    case DT_ERR_SET:
        return false;
    case DT_ERR_FIELD:
    case DT_ERR_MDFIELD:
        return am_err_set(err, "22008", "date/time field value out of range: \"%s\"", str);
    case DT_ERR_INTERVAL:
        return am_err_set(err, "22015", "interval field value out of range: \"%s\"", str);
    case DT_ERR_TZDISP:
        return am_err_set(err, "22009", "time zone displacement out of range: \"%s\"", str);
    default:
        return am_err_set(err, "22007", "invalid input syntax for type %s: \"%s\"", type, str);
    }
}

static bool refuse_missing(const char *s, const char *type, const char *missing, am_err_t *err)
{
    return am_err_set(err, "0A000",
                      "%s input \"%s\" needs the session's %s: not supported on the mirror", type,
                      s, missing);
}

/* ParseDateTime + DecodeDateTime / DecodeTimeOnly, errors as PostgreSQL reports them. */
static bool decode(const char *s, const char *type, bool timeonly, dt_state_t *st, int *dtype,
                   proxy_pgtm_t *tm, int32_t *fsec, int *tz)
{
    dt_fields_t f = {.nf = 0};
    /* each input function has its own work buffer size */
    size_t buflen = strcmp(type, "timestamp") == 0 || strcmp(type, "timestamp with time zone") == 0
                        ? DT_MAXDATELEN + DT_MAXFIELDS
                        : DT_MAXDATELEN + 1;
    int rc = proxy__dt_parse(s, buflen, &f);
    if (rc == 0)
        rc = timeonly ? proxy__dt_decode_timeonly(st, &f, dtype, tm, fsec, tz)
                      : proxy__dt_decode_datetime(st, &f, dtype, tm, fsec, tz);
    if (rc != 0)
        return proxy__dt_error(rc, s, type, st->err);
    if (st->missing)
        return refuse_missing(s, type, st->missing, st->err);
    return true;
}

/* tm2timestamp, with PostgreSQL's int arithmetic on the time of day. */
static bool tm2ts(const proxy_pgtm_t *tm, int32_t fsec, const int *tz_west, int64_t *res)
{
    if (!proxy__pg_date_valid_julian(tm->year, tm->mon, tm->mday))
        return false;
    int64_t date = (int64_t)proxy__pgx_date2j(tm->year, tm->mon, tm->mday) - PROXY_PG_EPOCH_JDATE;
    uint32_t secs = ((uint32_t)tm->hour * 60u + (uint32_t)tm->min) * 60u + (uint32_t)tm->sec;
    int64_t time = (int64_t)(int32_t)secs * PROXY_PG_USECS_PER_SEC + fsec;
    int64_t r = (int64_t)((uint64_t)date * (uint64_t)PROXY_PG_USECS_PER_DAY + (uint64_t)time);
    if ((int64_t)((uint64_t)r - (uint64_t)time) / PROXY_PG_USECS_PER_DAY != date)
        return false;
    if ((r < 0 && date > 0) || (r > 0 && date < -1)) /* 24:00:00 may wrap only into a day */
        return false;
    if (tz_west)
        r = (int64_t)((uint64_t)r + (uint64_t)((int64_t)*tz_west * PROXY_PG_USECS_PER_SEC));
    if (!proxy__pg_ts_valid(r))
        return false;
    *res = r;
    return true;
}

static void epoch_tm(proxy_pgtm_t *tm)
{
    memset(tm, 0, sizeof *tm);
    tm->year = 1970, tm->mon = 1, tm->mday = 1;
}

bool proxy__pg_date_in(const char *s, const proxy_pgdtin_t *ctx, int32_t *pg_date, am_err_t *err)
{
    dt_state_t st = {.ctx = ctx, .err = err};
    proxy_pgtm_t tm = {0};
    int32_t fsec = 0;
    int tz = 0, dtype = 0;
    if (!decode(s, "date", false, &st, &dtype, &tm, &fsec, &tz))
        return false;
    switch (dtype) {
    case DV_DATE:
        break;
    case DV_EPOCH:
        epoch_tm(&tm);
        break;
    case DV_LATE:
        *pg_date = PROXY_PG_DATE_NOEND;
        return true;
    case DV_EARLY:
        *pg_date = PROXY_PG_DATE_NOBEGIN;
        return true;
    default:
        return proxy__dt_error(DT_ERR_FORMAT, s, "date", err);
    }
    int64_t d = 0;
    if (proxy__pg_date_valid_julian(tm.year, tm.mon, tm.mday))
        d = (int64_t)proxy__pgx_date2j(tm.year, tm.mon, tm.mday) - PROXY_PG_EPOCH_JDATE;
    if (!proxy__pg_date_valid_julian(tm.year, tm.mon, tm.mday) ||
        d < PROXY_PG_DATETIME_MIN_JULIAN - PROXY_PG_EPOCH_JDATE ||
        d >= PROXY_PG_DATE_END_JULIAN - PROXY_PG_EPOCH_JDATE)
        return am_err_set(err, "22008", "date out of range: \"%s\"", s);
    *pg_date = (int32_t)d;
    return true;
}

static int64_t tm2time(const proxy_pgtm_t *tm, int32_t fsec)
{
    return (((int64_t)tm->hour * 60 + tm->min) * 60 + tm->sec) * PROXY_PG_USECS_PER_SEC + fsec;
}

bool proxy__pg_time_in(const char *s, const proxy_pgdtin_t *ctx, int64_t *us, am_err_t *err)
{
    dt_state_t st = {.ctx = ctx, .err = err};
    proxy_pgtm_t tm = {0};
    int32_t fsec = 0;
    int tz = 0, dtype = 0;
    if (!decode(s, "time", true, &st, &dtype, &tm, &fsec, &tz))
        return false;
    *us = tm2time(&tm, fsec);
    return true;
}

bool proxy__pg_timetz_in(const char *s, const proxy_pgdtin_t *ctx, int64_t *us, int32_t *gmtoff,
                         am_err_t *err)
{
    dt_state_t st = {.ctx = ctx, .want_tz = true, .err = err};
    proxy_pgtm_t tm = {0};
    int32_t fsec = 0;
    int tz = 0, dtype = 0;
    if (!decode(s, "time with time zone", true, &st, &dtype, &tm, &fsec, &tz))
        return false;
    *us = tm2time(&tm, fsec);
    *gmtoff = -tz;
    return true;
}

static bool ts_in(const char *s, const proxy_pgdtin_t *ctx, bool with_tz, int64_t *ts,
                  am_err_t *err)
{
    const char *type = with_tz ? "timestamp with time zone" : "timestamp";
    dt_state_t st = {.ctx = ctx, .want_tz = with_tz, .err = err};
    proxy_pgtm_t tm = {0};
    int32_t fsec = 0;
    int tz = 0, dtype = 0;
    if (!decode(s, type, false, &st, &dtype, &tm, &fsec, &tz))
        return false;
    switch (dtype) {
    case DV_DATE:
        if (!tm2ts(&tm, fsec, with_tz ? &tz : NULL, ts))
            return am_err_set(err, "22008", "timestamp out of range: \"%s\"", s);
        return true;
    case DV_EPOCH:
        *ts = -PROXY_PG_EPOCH_DIFF_US;
        return true;
    case DV_LATE:
        *ts = PROXY_PG_DT_NOEND;
        return true;
    default:
        *ts = PROXY_PG_DT_NOBEGIN;
        return true;
    }
}

bool proxy__pg_timestamp_in(const char *s, const proxy_pgdtin_t *ctx, int64_t *ts, am_err_t *err)
{
    return ts_in(s, ctx, false, ts, err);
}

bool proxy__pg_timestamptz_in(const char *s, const proxy_pgdtin_t *ctx, int64_t *ts, am_err_t *err)
{
    AM_ASSERT(ctx->zone != NULL);
    return ts_in(s, ctx, true, ts, err);
}

/* ---- DuckDB glue ---------------------------------------------------------------------------- */

/* The session arguments after the text: [ds [, zone, now]]; n of them given. */
static bool ctx_of(const proxy__tv_t *a, int n, proxy_pgdtin_t *c, am_err_t *err)
{
    *c = (proxy_pgdtin_t){.order = -1};
    if (n >= 1) {
        proxy_pgdatestyle_t ds;
        if (!proxy__tv_datestyle(a[1].s, &ds, err))
            return false;
        c->order = ds.order;
    }
    if (n >= 2 && !(c->zone = proxy__pgtz_session(a[2].s, err)))
        return false;
    if (n >= 3) {
        c->has_now = true;
        c->now = a[3].i64;
    }
    return true;
}

static int date_in_n(const proxy__tv_t *a, proxy__tv_t *r, int n, am_err_t *err)
{
    proxy_pgdtin_t c;
    if (!ctx_of(a, n, &c, err) || !proxy__pg_date_in(a[0].s, &c, &r->i32, err))
        return PROXY_TV_ERR;
    return PROXY_TV_OK;
}

static int date_in2(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    return date_in_n(a, r, 1, err);
}

static int date_in4(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    return date_in_n(a, r, 3, err);
}

static int time_in_n(const proxy__tv_t *a, proxy__tv_t *r, int n, am_err_t *err)
{
    proxy_pgdtin_t c;
    if (!ctx_of(a, n, &c, err) || !proxy__pg_time_in(a[0].s, &c, &r->i64, err))
        return PROXY_TV_ERR;
    return PROXY_TV_OK;
}

static int time_in1(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    return time_in_n(a, r, 0, err);
}

static int time_in4(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    return time_in_n(a, r, 3, err);
}

static int timetz_in_n(const proxy__tv_t *a, int n, am_buf_t *t, am_err_t *err)
{
    proxy_pgdtin_t c;
    int64_t us;
    int32_t off;
    if (!ctx_of(a, n, &c, err) || !proxy__pg_timetz_in(a[0].s, &c, &us, &off, err))
        return PROXY_TV_ERR;
    proxy__pg_timetz_out(us, off, t);
    return PROXY_TV_OK;
}

static int timetz_in1(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)r;
    return timetz_in_n(a, 0, t, err);
}

static int timetz_in4(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)r;
    return timetz_in_n(a, 3, t, err);
}

static int ts_in_n(const proxy__tv_t *a, proxy__tv_t *r, int n, bool tz, am_err_t *err)
{
    proxy_pgdtin_t c;
    if (!ctx_of(a, n, &c, err))
        return PROXY_TV_ERR;
    bool ok = tz ? proxy__pg_timestamptz_in(a[0].s, &c, &r->i64, err)
                 : proxy__pg_timestamp_in(a[0].s, &c, &r->i64, err);
    return ok ? PROXY_TV_OK : PROXY_TV_ERR;
}

static int ts_in2(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    return ts_in_n(a, r, 1, false, err);
}

static int ts_in4(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    return ts_in_n(a, r, 3, false, err);
}

static int tstz_in3(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    return ts_in_n(a, r, 2, true, err);
}

static int tstz_in4(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    return ts_in_n(a, r, 3, true, err);
}

static int interval_in_n(const proxy__tv_t *a, proxy__tv_t *r, int32_t typmod, am_err_t *err)
{
    int style;
    if (!proxy__tv_intervalstyle(a[1].s, &style, err) ||
        !proxy__pg_interval_in(a[0].s, style, typmod, &r->iv, err))
        return PROXY_TV_ERR;
    return PROXY_TV_OK;
}

static int interval_in(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    return interval_in_n(a, r, -1, err);
}

static int interval_in3(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    return interval_in_n(a, r, a[2].i32, err);
}

/* ---- typmods ------------------------------------------------------------------------------ */

bool proxy__pg_timestamp_scale(int64_t *ts, int32_t typmod, am_err_t *err)
{
    static const int64_t scales[] = {1000000, 100000, 10000, 1000, 100, 10, 1};
    if (!proxy__pg_ts_finite(*ts) || typmod == -1 || typmod == 6)
        return true;
    if (typmod < 0 || typmod > 6)
        return am_err_set(err, "22023", "timestamp(%d) precision must be between 0 and 6", typmod);
    int64_t sc = scales[typmod], off = sc / 2;
    *ts = *ts >= 0 ? (*ts + off) / sc * sc : -((-*ts + off) / sc * sc);
    return true;
}

void proxy__pg_time_scale(int64_t *us, int32_t typmod)
{
    static const int64_t scales[] = {1000000, 100000, 10000, 1000, 100, 10, 1};
    if (typmod < 0 || typmod > 6)
        return;
    int64_t sc = scales[typmod], off = sc / 2;
    *us = *us >= 0 ? (*us + off) / sc * sc : -((-*us + off) / sc * sc);
}

static int interval_scale(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    r->iv = a[0].iv;
    return proxy__pg_interval_scale(&r->iv, a[1].i32, err) ? PROXY_TV_OK : PROXY_TV_ERR;
}

static int timestamp_scale(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    r->i64 = a[0].i64;
    return proxy__pg_timestamp_scale(&r->i64, a[1].i32, err) ? PROXY_TV_OK : PROXY_TV_ERR;
}

static int time_scale(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t, (void)err;
    r->i64 = a[0].i64;
    proxy__pg_time_scale(&r->i64, a[1].i32);
    return PROXY_TV_OK;
}

static int timetz_scale(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)r;
    int64_t us;
    int32_t off;
    if (!proxy__pg_timetz_canon(a[0].s, &us, &off))
        return am_err_set(err, "22007", "invalid input syntax for type time with time zone: \"%s\"",
                          a[0].s),
               PROXY_TV_ERR;
    proxy__pg_time_scale(&us, a[1].i32);
    proxy__pg_timetz_out(us, off, t);
    return PROXY_TV_OK;
}

PROXY_TDEF(date2, "am_date_in", date_in2, 0, TV_DATE, TV_TEXT, TV_TEXT)
PROXY_TDEF(date4, "am_date_in", date_in4, 0, TV_DATE, TV_TEXT, TV_TEXT, TV_TEXT, TV_TSTZ)
PROXY_TDEF(time1, "am_time_in", time_in1, 0, TV_TIME, TV_TEXT)
PROXY_TDEF(time4, "am_time_in", time_in4, 0, TV_TIME, TV_TEXT, TV_TEXT, TV_TEXT, TV_TSTZ)
PROXY_TDEF(timetz1, "am_timetz_in", timetz_in1, 0, TV_TEXT, TV_TEXT)
PROXY_TDEF(timetz4, "am_timetz_in", timetz_in4, 0, TV_TEXT, TV_TEXT, TV_TEXT, TV_TEXT, TV_TSTZ)
PROXY_TDEF(ts2, "am_timestamp_in", ts_in2, 0, TV_TS, TV_TEXT, TV_TEXT)
PROXY_TDEF(ts4, "am_timestamp_in", ts_in4, 0, TV_TS, TV_TEXT, TV_TEXT, TV_TEXT, TV_TSTZ)
PROXY_TDEF(tstz3, "am_timestamptz_in", tstz_in3, 0, TV_TSTZ, TV_TEXT, TV_TEXT, TV_TEXT)
PROXY_TDEF(tstz4, "am_timestamptz_in", tstz_in4, 0, TV_TSTZ, TV_TEXT, TV_TEXT, TV_TEXT, TV_TSTZ)
PROXY_TDEF(iv2, "am_interval_in", interval_in, 0, TV_IV, TV_TEXT, TV_TEXT)
PROXY_TDEF(iv3, "am_interval_in", interval_in3, 0, TV_IV, TV_TEXT, TV_TEXT, TV_I4)
PROXY_TDEF(iv_sc, "am_interval_scale", interval_scale, 0, TV_IV, TV_IV, TV_I4)
PROXY_TDEF(ts_sc, "am_timestamp_scale", timestamp_scale, 0, TV_TS, TV_TS, TV_I4)
PROXY_TDEF(tstz_sc, "am_timestamp_scale", timestamp_scale, 0, TV_TSTZ, TV_TSTZ, TV_I4)
PROXY_TDEF(time_sc, "am_time_scale", time_scale, 0, TV_TIME, TV_TIME, TV_I4)
PROXY_TDEF(timetz_sc, "am_timetz_scale", timetz_scale, 0, TV_TEXT, TV_TEXT, TV_I4)

const proxy__treg_t proxy__time_in_regs[] = {
    PROXY_TREG(date2),     PROXY_TREG(date4),   PROXY_TREG(time1),   PROXY_TREG(time4),
    PROXY_TREG(timetz1),   PROXY_TREG(timetz4), PROXY_TREG(ts2),     PROXY_TREG(ts4),
    PROXY_TREG(tstz3),     PROXY_TREG(tstz4),   PROXY_TREG(iv2),     PROXY_TREG(iv3),
    PROXY_TREG(iv_sc),     PROXY_TREG(ts_sc),   PROXY_TREG(tstz_sc), PROXY_TREG(time_sc),
    PROXY_TREG(timetz_sc),
};
const size_t proxy__time_in_n = AM_ARRAY_LEN(proxy__time_in_regs);

bool proxy__time_reg_in(duckdb_connection con, am_err_t *err)
{
    return proxy__time_register(con, proxy__time_in_regs, proxy__time_in_n, err);
}

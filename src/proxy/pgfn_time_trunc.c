/*
 * proxy/pgfn_time_trunc.c: date_trunc (timestamp, timestamptz in the session zone or an
 * explicit zone, interval), age (PostgreSQL's symbolic y/m/d difference), and the am_extract /
 * am_date_part functions over pgfn_time_part.c, whose numeric answers are printed here with
 * PostgreSQL's scales (numeric division's select_div_scale for julian).
 * Spec: PostgreSQL's timestamp.c timestamp_trunc, timestamptz_trunc_internal, interval_trunc,
 * timestamp_age, numeric.c select_div_scale; read for behaviour.
 */
#include "proxy/pgfn_time_ops.h"
#include "proxy/pgfn_time_part.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put_u128(am_buf_t *out, unsigned __int128 v)
{
    char d[48];
    int n = 0;
    do {
        d[n++] = (char)('0' + (int)(v % 10));
        v /= 10;
    } while (v);
    while (n)
        am_buf_putc(out, d[--n]);
}

static void put_scaled(am_buf_t *out, __int128 v, int scale)
{
    unsigned __int128 a =
        v < 0 ? (unsigned __int128)0 - (unsigned __int128)v : (unsigned __int128)v;
    unsigned __int128 p = 1;
    for (int i = 0; i < scale; i++)
        p *= 10;
    if (v < 0)
        am_buf_putc(out, '-');
    put_u128(out, a / p);
    if (scale == 0)
        return;
    char f[48];
    unsigned __int128 r = a % p;
    for (int i = scale - 1; i >= 0; i--) {
        f[i] = (char)('0' + (int)(r % 10));
        r /= 10;
    }
    am_buf_putc(out, '.');
    am_buf_append(out, f, (size_t)scale);
}

/* Base-10000 weight and first digit of v > 0, as PostgreSQL's numeric holds it. */
static void nbase(uint64_t v, int *weight, int *first)
{
    *weight = 0;
    while (v >= 10000) {
        v /= 10000;
        (*weight)++;
    }
    *first = (int)v;
}

/* jd + us / 86400000000 printed as numeric_add(jd, numeric_div(us, 86400000000)). */
static void put_julian(am_buf_t *out, int jd, int64_t us)
{
    const int64_t den = PROXY_PG_USECS_PER_DAY;
    int w1 = 0, f1 = 0, w2, f2;
    if (us > 0)
        nbase((uint64_t)us, &w1, &f1);
    nbase((uint64_t)den, &w2, &f2);
    int qweight = w1 - w2 - (f1 <= f2 ? 1 : 0);
    int rscale = 16 - qweight * 4;
    if (rscale < 0)
        rscale = 0;
    /* digits of us/den to rscale places, rounded half up (both are positive) */
    unsigned __int128 q = 0, rem = (unsigned __int128)us;
    for (int i = 0; i < rscale + 1; i++) {
        rem *= 10;
        q = q * 10 + rem / (unsigned __int128)den;
        rem %= (unsigned __int128)den;
    }
    q = (q + 5) / 10;
    unsigned __int128 p = 1;
    for (int i = 0; i < rscale; i++)
        p *= 10;
    put_scaled(out, (__int128)((unsigned __int128)jd * p + q), rscale);
}

static int part_numeric(const proxy_pgpart_t *p, am_buf_t *text)
{
    switch (p->kind) {
    case PROXY_PART_NULL:
        return PROXY_TV_NULL;
    case PROXY_PART_INF:
        am_buf_puts(text, p->v < 0 ? "-Infinity" : "Infinity");
        break;
    case PROXY_PART_INT:
        am_buf_printf(text, "%lld", (long long)p->v);
        break;
    case PROXY_PART_SCALED:
        put_scaled(text, p->v, p->scale);
        break;
    case PROXY_PART_SCALED128:
        put_scaled(text, p->big, p->scale);
        break;
    default:
        put_julian(text, p->jd, p->v);
        break;
    }
    return PROXY_TV_OK;
}

static int part_float(const proxy_pgpart_t *p, proxy__tv_t *r)
{
    if (p->kind == PROXY_PART_NULL)
        return PROXY_TV_NULL;
    r->f8 = p->f;
    return PROXY_TV_OK;
}

bool proxy__pg_timetz_canon(const char *s, int64_t *us, int32_t *gmtoff)
{
    int h, m, sec, n = 0;
    if (sscanf(s, "%2d:%2d:%2d%n", &h, &m, &sec, &n) != 3 || n != 8)
        return false;
    const char *p = s + 8;
    int64_t frac = 0, scale = 100000;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++, scale /= 10)
            frac += (*p - '0') * scale;
    if (*p != '+' && *p != '-')
        return false;
    int sign = *p == '-' ? -1 : 1, oh = 0, om = 0, os = 0;
    if (sscanf(p + 1, "%2d:%2d:%2d", &oh, &om, &os) < 1)
        return false;
    *us = ((int64_t)h * 3600 + (int64_t)m * 60 + sec) * 1000000 + frac;
    *gmtoff = sign * (oh * 3600 + om * 60 + os);
    return true;
}

static int timetz_arg(const char *s, int64_t *us, int32_t *off, am_err_t *err)
{
    if (!proxy__pg_timetz_canon(s, us, off))
        return am_err_set(err, "22007", "invalid input syntax for type time with time zone: \"%s\"",
                          s),
               PROXY_TV_ERR;
    return PROXY_TV_OK;
}

/* One body for extract (numeric text) and date_part (float8) per argument type. */
static int part_of(int type, const proxy__tv_t *a, proxy_pgpart_t *p, am_err_t *err)
{
    switch (type) {
    case TV_TS:
        return proxy__pg_part_ts(a[0].s, a[1].i64, NULL, p, err);
    case TV_TSTZ: {
        const proxy_pgtz_t *z = proxy__pgtz_session(a[2].s, err);
        return z ? proxy__pg_part_ts(a[0].s, a[1].i64, z, p, err) : PROXY_TV_ERR;
    }
    case TV_DATE:
        return proxy__pg_part_date(a[0].s, a[1].i32, p, err);
    case TV_TIME:
        return proxy__pg_part_time(a[0].s, a[1].i64, NULL, p, err);
    case TV_TEXT: {
        int64_t us;
        int32_t off;
        if (timetz_arg(a[1].s, &us, &off, err) != PROXY_TV_OK)
            return PROXY_TV_ERR;
        return proxy__pg_part_time(a[0].s, us, &off, p, err);
    }
    default:
        return proxy__pg_part_interval(a[0].s, &a[1].iv, p, err);
    }
}

#define EXTRACT_FN(sfx, type)                                                                      \
    static int extract_##sfx(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *e)       \
    {                                                                                              \
        (void)r;                                                                                   \
        proxy_pgpart_t p = {0};                                                                    \
        int rc = part_of(type, a, &p, e);                                                          \
        return rc == PROXY_TV_OK ? part_numeric(&p, t) : rc;                                       \
    }
#define DATE_PART_FN(sfx, type)                                                                    \
    static int date_part_##sfx(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *e)     \
    {                                                                                              \
        (void)t;                                                                                   \
        proxy_pgpart_t p = {0};                                                                    \
        int rc = part_of(type, a, &p, e);                                                          \
        return rc == PROXY_TV_OK ? part_float(&p, r) : rc;                                         \
    }

EXTRACT_FN(ts, TV_TS)
EXTRACT_FN(tstz, TV_TSTZ)
EXTRACT_FN(date, TV_DATE)
EXTRACT_FN(time, TV_TIME)
EXTRACT_FN(timetz, TV_TEXT)
EXTRACT_FN(iv, TV_IV)
DATE_PART_FN(ts, TV_TS)
DATE_PART_FN(tstz, TV_TSTZ)
DATE_PART_FN(time, TV_TIME)
DATE_PART_FN(timetz, TV_TEXT)
DATE_PART_FN(iv, TV_IV)

/* date_part(text, date) is date_part(text, date::timestamp) in PostgreSQL. */
static int date_part_date_ts(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *e)
{
    proxy__tv_t b[2] = {a[0], {.i64 = 0}};
    if (!proxy__pg_date2ts(a[1].i32, &b[1].i64, e))
        return PROXY_TV_ERR;
    return date_part_ts(b, r, t, e);
}

/* ---- date_trunc --------------------------------------------------------------------------- */

static void trunc_years(int unit, proxy_pgtm_t *tm)
{
    if (unit == PU_MILLENNIUM)
        tm->year = tm->year > 0 ? ((tm->year + 999) / 1000) * 1000 - 999
                                : -((999 - (tm->year - 1)) / 1000) * 1000 + 1;
    if (unit == PU_MILLENNIUM || unit == PU_CENTURY)
        tm->year = tm->year > 0 ? ((tm->year + 99) / 100) * 100 - 99
                                : -((99 - (tm->year - 1)) / 100) * 100 + 1;
    if (unit == PU_DECADE)
        tm->year = tm->year > 0 ? (tm->year / 10) * 10 : -((8 - (tm->year - 1)) / 10) * 10;
}

static int trunc_rank(int unit)
{
    static const int units[] = {PU_SECOND,  PU_MINUTE, PU_HOUR,   PU_DAY,     PU_MONTH,
                                PU_QUARTER, PU_YEAR,   PU_DECADE, PU_CENTURY, PU_MILLENNIUM};
    for (int i = 0; i < 10; i++)
        if (units[i] == unit)
            return i + 1;
    return 0;
}

static void trunc_week(proxy_pgtm_t *tm, int32_t *fsec)
{
    int woy = proxy__pg_isoweek(tm->year, tm->mon, tm->mday);
    if (woy >= 52 && tm->mon == 1)
        tm->year--;
    if (woy <= 1 && tm->mon == 12)
        tm->year++;
    int day4 = proxy__pg_date2j(tm->year, 1, 4);
    int jd = (woy - 1) * 7 + day4 - proxy__pg_j2day(day4 - 1);
    proxy__pg_j2date(jd, &tm->year, &tm->mon, &tm->mday);
    tm->hour = tm->min = tm->sec = 0;
    *fsec = 0;
}

/* Truncates tm/fsec; false for a unit date_trunc does not support. *redo: a day or more. */
static bool trunc_tm(int unit, proxy_pgtm_t *tm, int32_t *fsec, bool *redo)
{
    int rank = trunc_rank(unit);
    *redo = rank >= 4 || unit == PU_WEEK;
    if (unit == PU_WEEK) {
        trunc_week(tm, fsec);
        return true;
    }
    if (unit == PU_MILLISEC || unit == PU_MICROSEC) {
        if (unit == PU_MILLISEC)
            *fsec = (*fsec / 1000) * 1000;
        return true;
    }
    if (rank == 0)
        return false;
    trunc_years(unit, tm);
    if (rank >= 7)
        tm->mon = 1;
    if (rank >= 6)
        tm->mon = 3 * ((tm->mon - 1) / 3) + 1;
    if (rank >= 5)
        tm->mday = 1;
    if (rank >= 4)
        tm->hour = 0;
    if (rank >= 3)
        tm->min = 0;
    if (rank >= 2)
        tm->sec = 0;
    *fsec = 0;
    return true;
}

/* timestamp_trunc (z NULL) and timestamptz_trunc_internal (z the zone). */
static int trunc_ts(const char *units, int64_t ts, const proxy_pgtz_t *z, int64_t *res,
                    am_err_t *err)
{
    const char *type = z ? "timestamp with time zone" : "timestamp without time zone";
    if (!proxy__pg_ts_finite(ts)) {
        *res = ts;
        return PROXY_TV_OK;
    }
    char low[64];
    int unit = 0;
    proxy__pg_units_lower(units, low, sizeof low);
    if (proxy__pg_decode_units(low, false, &unit) != PROXY_UT_UNITS)
        return proxy__pg_unit_err(err, false, low, type);
    proxy_pgtm_t tm;
    int32_t fsec;
    bool redo;
    if (!proxy__pg_ts2tm(ts, z, &tm, &fsec))
        return am_err_set(err, "22008", "timestamp out of range"), PROXY_TV_ERR;
    if (!trunc_tm(unit, &tm, &fsec, &redo))
        return proxy__pg_unit_err(err, true, low, type);
    int32_t off = !z ? 0 : redo ? proxy__pg_tm_offset(&tm, z) : tm.gmtoff;
    if (!proxy__pg_tm2ts(&tm, fsec, off, res))
        return am_err_set(err, "22008", "timestamp out of range"), PROXY_TV_ERR;
    return PROXY_TV_OK;
}

static int trunc_ts_fn(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    return trunc_ts(a[0].s, a[1].i64, NULL, &r->i64, err);
}

static int trunc_tstz_fn(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    const proxy_pgtz_t *z = proxy__pgtz_session(a[2].s, err);
    return z ? trunc_ts(a[0].s, a[1].i64, z, &r->i64, err) : PROXY_TV_ERR;
}

/* date_trunc(field, timestamptz, zone): the zone as AT TIME ZONE reads it. */
static int trunc_zone_fn(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    if (!proxy__pg_ts_finite(a[1].i64)) {
        r->i64 = a[1].i64;
        return PROXY_TV_OK;
    }
    const proxy_pgtz_t *z = proxy__pgtz_arg(a[2].s, err);
    return z ? trunc_ts(a[0].s, a[1].i64, z, &r->i64, err) : PROXY_TV_ERR;
}

static bool trunc_itm(int unit, proxy_pgitm_t *m)
{
    int rank = trunc_rank(unit);
    if (unit == PU_MILLISEC || unit == PU_MICROSEC) {
        if (unit == PU_MILLISEC)
            m->usec = (m->usec / 1000) * 1000;
        return true;
    }
    if (rank == 0)
        return false;
    if (unit == PU_MILLENNIUM)
        m->year = (m->year / 1000) * 1000;
    if (rank >= 9)
        m->year = (m->year / 100) * 100;
    if (rank >= 8)
        m->year = (m->year / 10) * 10;
    if (rank >= 7)
        m->mon = 0;
    if (rank >= 6)
        m->mon = 3 * (m->mon / 3);
    if (rank >= 5)
        m->mday = 0;
    if (rank >= 4)
        m->hour = 0;
    if (rank >= 3)
        m->min = 0;
    if (rank >= 2)
        m->sec = 0;
    m->usec = 0;
    return true;
}

static int trunc_iv_fn(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    char low[64];
    int unit = 0;
    proxy__pg_units_lower(a[0].s, low, sizeof low);
    if (proxy__pg_decode_units(low, false, &unit) != PROXY_UT_UNITS)
        return proxy__pg_unit_err(err, false, low, "interval");
    proxy_pgitm_t m;
    proxy__pg_iv2itm(&a[1].iv, &m);
    if (!trunc_itm(unit, &m))
        return proxy__pg_unit_err(err, true, low, "interval");
    if (!proxy__pg_itm2iv(&m, &r->iv))
        return am_err_set(err, "22008", "interval out of range"), PROXY_TV_ERR;
    return PROXY_TV_OK;
}

/* ---- age ------------------------------------------------------------------------------------ */

typedef struct age_f {
    int64_t fsec;
    int64_t sec, min, hour, mday, mon, year;
} age_f_t;

static void age_negate(age_f_t *f)
{
    f->fsec = -f->fsec, f->sec = -f->sec, f->min = -f->min, f->hour = -f->hour;
    f->mday = -f->mday, f->mon = -f->mon, f->year = -f->year;
}

/* timestamp_age / timestamptz_age (z the session zone). */
static int age_ts(int64_t dt1, int64_t dt2, const proxy_pgtz_t *z, proxy_pgiv_t *res, am_err_t *err)
{
    proxy_pgtm_t t1, t2;
    int32_t fs1, fs2;
    if (!proxy__pg_ts2tm(dt1, z, &t1, &fs1) || !proxy__pg_ts2tm(dt2, z, &t2, &fs2))
        return am_err_set(err, "22008", "timestamp out of range"), PROXY_TV_ERR;
    age_f_t f = {fs1 - fs2,         t1.sec - t2.sec, t1.min - t2.min,  t1.hour - t2.hour,
                 t1.mday - t2.mday, t1.mon - t2.mon, t1.year - t2.year};
    bool flip = dt1 < dt2;
    const proxy_pgtm_t *ref = flip ? &t1 : &t2;
    if (flip)
        age_negate(&f);
    for (; f.fsec < 0; f.sec--)
        f.fsec += 1000000;
    for (; f.sec < 0; f.min--)
        f.sec += 60;
    for (; f.min < 0; f.hour--)
        f.min += 60;
    for (; f.hour < 0; f.mday--)
        f.hour += 24;
    for (; f.mday < 0; f.mon--)
        f.mday += proxy__pg_mdays(ref->year, ref->mon);
    for (; f.mon < 0; f.year--)
        f.mon += 12;
    if (flip)
        age_negate(&f);
    int64_t months = f.year * 12 + f.mon;
    int64_t us = ((f.hour * 60 + f.min) * 60 + f.sec) * 1000000 + f.fsec;
    if (months > INT32_MAX || months < INT32_MIN || f.mday > INT32_MAX || f.mday < INT32_MIN)
        return am_err_set(err, "22008", "interval out of range"), PROXY_TV_ERR;
    *res = (proxy_pgiv_t){.month = (int32_t)months, .day = (int32_t)f.mday, .time = us};
    return PROXY_TV_OK;
}

static int age_ts_fn(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    return age_ts(a[0].i64, a[1].i64, NULL, &r->iv, err);
}

static int age_tstz_fn(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    const proxy_pgtz_t *z = proxy__pgtz_session(a[2].s, err);
    return z ? age_ts(a[0].i64, a[1].i64, z, &r->iv, err) : PROXY_TV_ERR;
}

/* current_date at midnight: as timestamp, or (tz) as timestamptz in zone z. */
static int today_midnight(int64_t now, const proxy_pgtz_t *z, bool tz, int64_t *res, am_err_t *err)
{
    proxy_pgtm_t tm;
    int32_t fsec;
    if (!proxy__pg_ts2tm(now, z, &tm, &fsec))
        return am_err_set(err, "22008", "timestamp out of range"), PROXY_TV_ERR;
    tm.hour = tm.min = tm.sec = 0;
    int32_t off = tz ? proxy__pg_tm_offset(&tm, z) : 0;
    if (!proxy__pg_tm2ts(&tm, 0, off, res))
        return am_err_set(err, "22008", "date out of range for timestamp"), PROXY_TV_ERR;
    return PROXY_TV_OK;
}

static int age_now_ts_fn(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    int64_t today;
    const proxy_pgtz_t *z = proxy__pgtz_session(a[2].s, err);
    if (!z || today_midnight(a[1].i64, z, false, &today, err) != PROXY_TV_OK)
        return PROXY_TV_ERR;
    return age_ts(today, a[0].i64, NULL, &r->iv, err);
}

static int age_now_tstz_fn(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    int64_t today;
    const proxy_pgtz_t *z = proxy__pgtz_session(a[2].s, err);
    if (!z || today_midnight(a[1].i64, z, true, &today, err) != PROXY_TV_OK)
        return PROXY_TV_ERR;
    return age_ts(today, a[0].i64, z, &r->iv, err);
}

PROXY_TDEF(ex_ts, "am_extract", extract_ts, 0, TV_TEXT, TV_TEXT, TV_TS)
PROXY_TDEF(ex_tstz, "am_extract", extract_tstz, 0, TV_TEXT, TV_TEXT, TV_TSTZ, TV_TEXT)
PROXY_TDEF(ex_date, "am_extract", extract_date, 0, TV_TEXT, TV_TEXT, TV_DATE)
PROXY_TDEF(ex_time, "am_extract", extract_time, 0, TV_TEXT, TV_TEXT, TV_TIME)
PROXY_TDEF(ex_timetz, "am_extract_timetz", extract_timetz, 0, TV_TEXT, TV_TEXT, TV_TEXT)
PROXY_TDEF(ex_iv, "am_extract", extract_iv, 0, TV_TEXT, TV_TEXT, TV_IV)
PROXY_TDEF(dp_ts, "am_date_part", date_part_ts, 0, TV_F8, TV_TEXT, TV_TS)
PROXY_TDEF(dp_tstz, "am_date_part", date_part_tstz, 0, TV_F8, TV_TEXT, TV_TSTZ, TV_TEXT)
PROXY_TDEF(dp_date, "am_date_part", date_part_date_ts, 0, TV_F8, TV_TEXT, TV_DATE)
PROXY_TDEF(dp_time, "am_date_part", date_part_time, 0, TV_F8, TV_TEXT, TV_TIME)
PROXY_TDEF(dp_timetz, "am_date_part_timetz", date_part_timetz, 0, TV_F8, TV_TEXT, TV_TEXT)
PROXY_TDEF(dp_iv, "am_date_part", date_part_iv, 0, TV_F8, TV_TEXT, TV_IV)
PROXY_TDEF(tr_ts, "am_date_trunc", trunc_ts_fn, 0, TV_TS, TV_TEXT, TV_TS)
PROXY_TDEF(tr_tstz, "am_date_trunc", trunc_tstz_fn, 0, TV_TSTZ, TV_TEXT, TV_TSTZ, TV_TEXT)
PROXY_TDEF(tr_zone, "am_date_trunc_zone", trunc_zone_fn, 0, TV_TSTZ, TV_TEXT, TV_TSTZ, TV_TEXT)
PROXY_TDEF(tr_iv, "am_date_trunc", trunc_iv_fn, 0, TV_IV, TV_TEXT, TV_IV)
PROXY_TDEF(age_ts, "am_age", age_ts_fn, 0, TV_IV, TV_TS, TV_TS)
PROXY_TDEF(age_tstz, "am_age", age_tstz_fn, 0, TV_IV, TV_TSTZ, TV_TSTZ, TV_TEXT)
PROXY_TDEF(age_now_ts, "am_age_now", age_now_ts_fn, 0, TV_IV, TV_TS, TV_TSTZ, TV_TEXT)
PROXY_TDEF(age_now_tstz, "am_age_now", age_now_tstz_fn, 0, TV_IV, TV_TSTZ, TV_TSTZ, TV_TEXT)

const proxy__treg_t proxy__time_trunc_regs[] = {
    PROXY_TREG(ex_ts),     PROXY_TREG(ex_tstz),  PROXY_TREG(ex_date),    PROXY_TREG(ex_time),
    PROXY_TREG(ex_timetz), PROXY_TREG(ex_iv),    PROXY_TREG(dp_ts),      PROXY_TREG(dp_tstz),
    PROXY_TREG(dp_date),   PROXY_TREG(dp_time),  PROXY_TREG(dp_timetz),  PROXY_TREG(dp_iv),
    PROXY_TREG(tr_ts),     PROXY_TREG(tr_tstz),  PROXY_TREG(tr_zone),    PROXY_TREG(tr_iv),
    PROXY_TREG(age_ts),    PROXY_TREG(age_tstz), PROXY_TREG(age_now_ts), PROXY_TREG(age_now_tstz),
};
const size_t proxy__time_trunc_n = AM_ARRAY_LEN(proxy__time_trunc_regs);

bool proxy__time_reg_part(duckdb_connection con, am_err_t *err)
{
    return proxy__time_register(con, proxy__time_trunc_regs, proxy__time_trunc_n, err);
}

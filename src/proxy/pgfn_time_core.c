/*
 * proxy/pgfn_time_core.c: the calendar under the time family (pgfn_time.h): Julian day numbers,
 * broken-down times, the DuckDB <-> PostgreSQL edge. Pure functions.
 * Spec: PostgreSQL's datatype/timestamp.h ranges; proleptic Gregorian calendar, astronomical
 * years (0 = 1 BC) as PostgreSQL's pg_tm holds them. Day arithmetic after H. Hinnant's
 * public-domain civil-from-days algorithms.
 */
#include "proxy/pgfn_time.h"

#include <stdio.h>
#include <string.h>

#define DUCK_TS_INF INT64_MAX
#define DUCK_DATE_INF INT32_MAX

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int proxy__pg_date2j(int year, int month, int day)
{
    int64_t y = (int64_t)year - (month <= 2);
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;
    int64_t mp = month > 2 ? month - 3 : month + 9;
    int64_t doy = (153 * mp + 2) / 5 + day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int)(era * 146097 + doe - 719468 + PROXY_PG_UNIX_EPOCH_JDATE);
}

void proxy__pg_j2date(int jd, int *year, int *month, int *day)
{
    int64_t z = (int64_t)jd - PROXY_PG_UNIX_EPOCH_JDATE + 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *day = (int)(doy - (153 * mp + 2) / 5 + 1);
    *month = (int)(mp < 10 ? mp + 3 : mp - 9);
    *year = (int)(yoe + era * 400 + (*month <= 2));
}

int proxy__pg_j2day(int jd)
{
    return (int)floor_div((int64_t)jd + 1, 7) * -7 + jd + 1;
}

bool proxy__pg_leap(int year)
{
    return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

int proxy__pg_mdays(int year, int mon)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return days[mon - 1] + (mon == 2 && proxy__pg_leap(year));
}

bool proxy__pg_ts_from_duck(int64_t duck_us, int64_t *pg)
{
    if (duck_us == DUCK_TS_INF) {
        *pg = PROXY_PG_DT_NOEND;
        return true;
    }
    if (duck_us == -DUCK_TS_INF || duck_us == INT64_MIN) {
        *pg = PROXY_PG_DT_NOBEGIN;
        return true;
    }
    return !__builtin_sub_overflow(duck_us, PROXY_PG_EPOCH_DIFF_US, pg);
}

bool proxy__pg_ts_to_duck(int64_t pg, int64_t *duck_us)
{
    if (pg == PROXY_PG_DT_NOEND) {
        *duck_us = DUCK_TS_INF;
        return true;
    }
    if (pg == PROXY_PG_DT_NOBEGIN) {
        *duck_us = -DUCK_TS_INF;
        return true;
    }
    return !__builtin_add_overflow(pg, PROXY_PG_EPOCH_DIFF_US, duck_us) && *duck_us != DUCK_TS_INF;
}

int32_t proxy__pg_date_from_duck(int32_t duck_days)
{
    if (duck_days == DUCK_DATE_INF)
        return PROXY_PG_DATE_NOEND;
    if (duck_days <= -DUCK_DATE_INF)
        return PROXY_PG_DATE_NOBEGIN;
    int64_t v = (int64_t)duck_days - PROXY_PG_EPOCH_DIFF_DAYS;
    /* DuckDB dates before -5877641 have no PostgreSQL counterpart: out of every range */
    return v <= INT32_MIN ? INT32_MIN + 1 : (int32_t)v;
}

bool proxy__pg_date_to_duck(int32_t pg, int32_t *duck_days)
{
    if (pg == PROXY_PG_DATE_NOEND) {
        *duck_days = DUCK_DATE_INF;
        return true;
    }
    if (pg == PROXY_PG_DATE_NOBEGIN) {
        *duck_days = -DUCK_DATE_INF;
        return true;
    }
    return !__builtin_add_overflow(pg, PROXY_PG_EPOCH_DIFF_DAYS, duck_days) &&
           *duck_days != DUCK_DATE_INF;
}

bool proxy__pg_ts_finite(int64_t ts)
{
    return ts != PROXY_PG_DT_NOBEGIN && ts != PROXY_PG_DT_NOEND;
}

bool proxy__pg_ts_valid(int64_t ts)
{
    return ts >= PROXY_PG_MIN_TIMESTAMP && ts < PROXY_PG_END_TIMESTAMP;
}

bool proxy__pg_date_valid_julian(int y, int m, int d)
{
    (void)d;
    return (y > -4713 || (y == -4713 && m >= 11)) && (y < 5874898 || (y == 5874898 && m < 6));
}

void proxy__pg_time2tm(int64_t t, proxy_pgtm_t *tm, int32_t *fsec)
{
    tm->hour = (int)(t / PROXY_PG_USECS_PER_HOUR);
    t -= (int64_t)tm->hour * PROXY_PG_USECS_PER_HOUR;
    tm->min = (int)(t / PROXY_PG_USECS_PER_MINUTE);
    t -= (int64_t)tm->min * PROXY_PG_USECS_PER_MINUTE;
    tm->sec = (int)(t / PROXY_PG_USECS_PER_SEC);
    *fsec = (int32_t)(t - (int64_t)tm->sec * PROXY_PG_USECS_PER_SEC);
}

static void fill_date(int jd, proxy_pgtm_t *tm)
{
    proxy__pg_j2date(jd, &tm->year, &tm->mon, &tm->mday);
    tm->wday = proxy__pg_j2day(jd);
    tm->yday = jd - proxy__pg_date2j(tm->year, 1, 1) + 1;
}

bool proxy__pg_ts2tm(int64_t ts, const proxy_pgtz_t *z, proxy_pgtm_t *tm, int32_t *fsec)
{
    memset(tm, 0, sizeof *tm);
    /* truncated first, as PostgreSQL's TMODULO: a floored quotient times the day overflows
     * for the timestamps nearest the int64 ends */
    int64_t date = ts / PROXY_PG_USECS_PER_DAY;
    int64_t t = ts - date * PROXY_PG_USECS_PER_DAY;
    if (t < 0) {
        t += PROXY_PG_USECS_PER_DAY;
        date--;
    }
    date += PROXY_PG_EPOCH_JDATE;
    if (date < 0 || date > INT32_MAX)
        return false;
    fill_date((int)date, tm);
    proxy__pg_time2tm(t, tm, fsec);
    tm->isdst = -1;
    if (!z)
        return true;
    /* Whole seconds rotate to local time; the fraction stays (timestamp2tm). */
    int64_t utc_s = (ts - *fsec) / PROXY_PG_USECS_PER_SEC +
                    (int64_t)(PROXY_PG_EPOCH_JDATE - PROXY_PG_UNIX_EPOCH_JDATE) * 86400;
    const char *abbr;
    int isdst;
    int32_t off = proxy__pgtz_at_utc(z, utc_s, &isdst, &abbr);
    int64_t local = utc_s + off;
    int64_t ld = floor_div(local, 86400);
    fill_date((int)(ld + PROXY_PG_UNIX_EPOCH_JDATE), tm);
    int64_t secs = local - ld * 86400;
    tm->hour = (int)(secs / 3600);
    tm->min = (int)(secs / 60 % 60);
    tm->sec = (int)(secs % 60);
    tm->isdst = isdst;
    tm->gmtoff = off;
    snprintf(tm->zone, sizeof tm->zone, "%s", abbr);
    return true;
}

bool proxy__pg_tm2ts(const proxy_pgtm_t *tm, int32_t fsec, int32_t gmtoff, int64_t *ts)
{
    if (!proxy__pg_date_valid_julian(tm->year, tm->mon, tm->mday))
        return false;
    int64_t date = (int64_t)proxy__pg_date2j(tm->year, tm->mon, tm->mday) - PROXY_PG_EPOCH_JDATE;
    int64_t t = ((int64_t)tm->hour * 60 + tm->min) * 60 + tm->sec;
    t = t * PROXY_PG_USECS_PER_SEC + fsec;
    int64_t r;
    if (__builtin_mul_overflow(date, PROXY_PG_USECS_PER_DAY, &r) ||
        __builtin_add_overflow(r, t, &r) ||
        __builtin_sub_overflow(r, (int64_t)gmtoff * PROXY_PG_USECS_PER_SEC, &r))
        return false;
    if (!proxy__pg_ts_valid(r))
        return false;
    *ts = r;
    return true;
}

int32_t proxy__pg_tm_offset(proxy_pgtm_t *tm, const proxy_pgtz_t *z)
{
    if (!proxy__pg_date_valid_julian(tm->year, tm->mon, tm->mday)) {
        tm->isdst = 0; /* PostgreSQL assumes UTC for dates it cannot place */
        return 0;
    }
    int64_t day =
        (int64_t)proxy__pg_date2j(tm->year, tm->mon, tm->mday) - PROXY_PG_UNIX_EPOCH_JDATE;
    int64_t local = day * 86400 + (int64_t)tm->hour * 3600 + (int64_t)tm->min * 60 + tm->sec;
    int isdst;
    int32_t off = proxy__pgtz_at_local(z, local, &isdst);
    tm->isdst = isdst;
    return off;
}

void proxy__pg_iv2itm(const proxy_pgiv_t *iv, proxy_pgitm_t *itm)
{
    itm->year = iv->month / 12;
    itm->mon = iv->month % 12;
    itm->mday = iv->day;
    int64_t t = iv->time;
    itm->hour = t / PROXY_PG_USECS_PER_HOUR;
    t -= itm->hour * PROXY_PG_USECS_PER_HOUR;
    itm->min = (int)(t / PROXY_PG_USECS_PER_MINUTE);
    t -= (int64_t)itm->min * PROXY_PG_USECS_PER_MINUTE;
    itm->sec = (int)(t / PROXY_PG_USECS_PER_SEC);
    itm->usec = t - (int64_t)itm->sec * PROXY_PG_USECS_PER_SEC;
}

bool proxy__pg_itm2iv(const proxy_pgitm_t *itm, proxy_pgiv_t *iv)
{
    int64_t months = (int64_t)itm->year * 12 + itm->mon;
    if (months > INT32_MAX || months < INT32_MIN)
        return false;
    iv->month = (int32_t)months;
    iv->day = itm->mday;
    int64_t t;
    if (__builtin_mul_overflow(itm->hour, PROXY_PG_USECS_PER_HOUR, &t) ||
        __builtin_add_overflow(t, (int64_t)itm->min * PROXY_PG_USECS_PER_MINUTE, &t) ||
        __builtin_add_overflow(t, (int64_t)itm->sec * PROXY_PG_USECS_PER_SEC, &t) ||
        __builtin_add_overflow(t, itm->usec, &t))
        return false;
    iv->time = t;
    return true;
}

/*
 * proxy/pgfn_time_part.c: extract(field from x) (numeric, as PostgreSQL's numeric text) and
 * date_part(field, x) (float8) for date, time, timetz, timestamp, timestamptz (in the session
 * zone) and interval, with PostgreSQL 15's units, scales, infinity rules and errors (22023
 * unit not recognized, 0A000 unit not supported). Also the unit table date_trunc shares.
 * Spec: PostgreSQL's timestamp.c/date.c *_part_common and datetime.c unit tables, read for
 * behaviour.
 */
#include "proxy/pgfn_time_part.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct unit_tok {
    const char *tok; /* at most 10 characters: PostgreSQL compares the first 10 */
    int type;        /* PROXY_UT_UNITS, PROXY_UT_RESERV, PROXY_UT_OTHER */
    int val;
} unit_tok_t;

/* PostgreSQL's deltatktbl (the units). */
static const unit_tok_t delta_toks[] = {
    {"@", PROXY_UT_OTHER, 0},
    {"ago", PROXY_UT_OTHER, 0},
    {"c", PROXY_UT_UNITS, PU_CENTURY},
    {"cent", PROXY_UT_UNITS, PU_CENTURY},
    {"centuries", PROXY_UT_UNITS, PU_CENTURY},
    {"century", PROXY_UT_UNITS, PU_CENTURY},
    {"d", PROXY_UT_UNITS, PU_DAY},
    {"day", PROXY_UT_UNITS, PU_DAY},
    {"days", PROXY_UT_UNITS, PU_DAY},
    {"dec", PROXY_UT_UNITS, PU_DECADE},
    {"decade", PROXY_UT_UNITS, PU_DECADE},
    {"decades", PROXY_UT_UNITS, PU_DECADE},
    {"decs", PROXY_UT_UNITS, PU_DECADE},
    {"h", PROXY_UT_UNITS, PU_HOUR},
    {"hour", PROXY_UT_UNITS, PU_HOUR},
    {"hours", PROXY_UT_UNITS, PU_HOUR},
    {"hr", PROXY_UT_UNITS, PU_HOUR},
    {"hrs", PROXY_UT_UNITS, PU_HOUR},
    {"m", PROXY_UT_UNITS, PU_MINUTE},
    {"microsecon", PROXY_UT_UNITS, PU_MICROSEC},
    {"mil", PROXY_UT_UNITS, PU_MILLENNIUM},
    {"millennia", PROXY_UT_UNITS, PU_MILLENNIUM},
    {"millennium", PROXY_UT_UNITS, PU_MILLENNIUM},
    {"millisecon", PROXY_UT_UNITS, PU_MILLISEC},
    {"mils", PROXY_UT_UNITS, PU_MILLENNIUM},
    {"min", PROXY_UT_UNITS, PU_MINUTE},
    {"mins", PROXY_UT_UNITS, PU_MINUTE},
    {"minute", PROXY_UT_UNITS, PU_MINUTE},
    {"minutes", PROXY_UT_UNITS, PU_MINUTE},
    {"mon", PROXY_UT_UNITS, PU_MONTH},
    {"mons", PROXY_UT_UNITS, PU_MONTH},
    {"month", PROXY_UT_UNITS, PU_MONTH},
    {"months", PROXY_UT_UNITS, PU_MONTH},
    {"ms", PROXY_UT_UNITS, PU_MILLISEC},
    {"msec", PROXY_UT_UNITS, PU_MILLISEC},
    {"mseconds", PROXY_UT_UNITS, PU_MILLISEC},
    {"msecs", PROXY_UT_UNITS, PU_MILLISEC},
    {"qtr", PROXY_UT_UNITS, PU_QUARTER},
    {"quarter", PROXY_UT_UNITS, PU_QUARTER},
    {"s", PROXY_UT_UNITS, PU_SECOND},
    {"sec", PROXY_UT_UNITS, PU_SECOND},
    {"second", PROXY_UT_UNITS, PU_SECOND},
    {"seconds", PROXY_UT_UNITS, PU_SECOND},
    {"secs", PROXY_UT_UNITS, PU_SECOND},
    {"timezone", PROXY_UT_UNITS, PU_TZ},
    {"timezone_h", PROXY_UT_UNITS, PU_TZ_HOUR},
    {"timezone_m", PROXY_UT_UNITS, PU_TZ_MINUTE},
    {"us", PROXY_UT_UNITS, PU_MICROSEC},
    {"usec", PROXY_UT_UNITS, PU_MICROSEC},
    {"useconds", PROXY_UT_UNITS, PU_MICROSEC},
    {"usecs", PROXY_UT_UNITS, PU_MICROSEC},
    {"w", PROXY_UT_UNITS, PU_WEEK},
    {"week", PROXY_UT_UNITS, PU_WEEK},
    {"weeks", PROXY_UT_UNITS, PU_WEEK},
    {"y", PROXY_UT_UNITS, PU_YEAR},
    {"year", PROXY_UT_UNITS, PU_YEAR},
    {"years", PROXY_UT_UNITS, PU_YEAR},
    {"yr", PROXY_UT_UNITS, PU_YEAR},
    {"yrs", PROXY_UT_UNITS, PU_YEAR},
};

/* The units and reserved words of PostgreSQL's datetktbl (other words: PROXY_UT_OTHER). */
static const unit_tok_t date_toks[] = {
    {"-infinity", PROXY_UT_RESERV, 0},     {"allballs", PROXY_UT_RESERV, 0},
    {"d", PROXY_UT_UNITS, PU_DAY},         {"dow", PROXY_UT_UNITS, PU_DOW},
    {"doy", PROXY_UT_UNITS, PU_DOY},       {"epoch", PROXY_UT_RESERV, PU_EPOCH},
    {"h", PROXY_UT_UNITS, PU_HOUR},        {"infinity", PROXY_UT_RESERV, 0},
    {"isodow", PROXY_UT_UNITS, PU_ISODOW}, {"isoyear", PROXY_UT_UNITS, PU_ISOYEAR},
    {"j", PROXY_UT_UNITS, PU_JULIAN},      {"jd", PROXY_UT_UNITS, PU_JULIAN},
    {"julian", PROXY_UT_UNITS, PU_JULIAN}, {"m", PROXY_UT_UNITS, PU_MONTH},
    {"mm", PROXY_UT_UNITS, PU_MINUTE},     {"now", PROXY_UT_RESERV, 0},
    {"s", PROXY_UT_UNITS, PU_SECOND},      {"today", PROXY_UT_RESERV, 0},
    {"tomorrow", PROXY_UT_RESERV, 0},      {"y", PROXY_UT_UNITS, PU_YEAR},
    {"yesterday", PROXY_UT_RESERV, 0},
};

static const char *const other_words[] = {
    "ad",        "am",       "apr",   "april",    "at",        "aug",     "august",  "bc",
    "dec",       "december", "dst",   "feb",      "february",  "fri",     "friday",  "jan",
    "january",   "jul",      "july",  "jun",      "june",      "mar",     "march",   "may",
    "mon",       "monday",   "nov",   "november", "oct",       "october", "on",      "pm",
    "sat",       "saturday", "sep",   "sept",     "september", "sun",     "sunday",  "t",
    "thu",       "thur",     "thurs", "thursday", "tue",       "tues",    "tuesday", "wed",
    "wednesday", "weds",
};

static int find_tok(const unit_tok_t *t, size_t n, const char *low, int *val)
{
    for (size_t i = 0; i < n; i++)
        if (strncmp(low, t[i].tok, 10) == 0) {
            *val = t[i].val;
            return t[i].type;
        }
    return PROXY_UT_UNKNOWN;
}

void proxy__pg_units_lower(const char *units, char *low, size_t cap)
{
    size_t n = 0;
    for (; units[n] && n + 1 < cap && n < 63; n++)
        low[n] = (char)tolower((unsigned char)units[n]);
    low[n] = '\0';
}

int proxy__pg_decode_units(const char *low, bool special, int *val)
{
    int t = find_tok(delta_toks, AM_ARRAY_LEN(delta_toks), low, val);
    if (t != PROXY_UT_UNKNOWN || !special)
        return t;
    t = find_tok(date_toks, AM_ARRAY_LEN(date_toks), low, val);
    if (t != PROXY_UT_UNKNOWN)
        return t;
    for (size_t i = 0; i < AM_ARRAY_LEN(other_words); i++)
        if (strncmp(low, other_words[i], 10) == 0)
            return PROXY_UT_OTHER;
    return PROXY_UT_UNKNOWN;
}

int proxy__pg_unit_err(am_err_t *err, bool supported_kind, const char *low, const char *type)
{
    if (supported_kind)
        am_err_set(err, "0A000", "unit \"%s\" not supported for type %s", low, type);
    else
        am_err_set(err, "22023", "unit \"%s\" not recognized for type %s", low, type);
    return PROXY_TV_ERR;
}

int proxy__pg_isoweek(int year, int mon, int mday)
{
    int dayn = proxy__pg_date2j(year, mon, mday);
    int day4 = proxy__pg_date2j(year, 1, 4);
    int day0 = proxy__pg_j2day(day4 - 1);
    if (dayn < day4 - day0) {
        day4 = proxy__pg_date2j(year - 1, 1, 4);
        day0 = proxy__pg_j2day(day4 - 1);
    }
    int week = (dayn - (day4 - day0)) / 7 + 1;
    if (week >= 52) {
        day4 = proxy__pg_date2j(year + 1, 1, 4);
        day0 = proxy__pg_j2day(day4 - 1);
        if (dayn >= day4 - day0)
            week = (dayn - (day4 - day0)) / 7 + 1;
    }
    return week;
}

static int isoyear(int year, int mon, int mday)
{
    int dayn = proxy__pg_date2j(year, mon, mday);
    int day4 = proxy__pg_date2j(year, 1, 4);
    int day0 = proxy__pg_j2day(day4 - 1);
    if (dayn < day4 - day0) {
        day4 = proxy__pg_date2j(year - 1, 1, 4);
        day0 = proxy__pg_j2day(day4 - 1);
        year--;
    }
    if ((dayn - (day4 - day0)) / 7 + 1 >= 52) {
        day4 = proxy__pg_date2j(year + 1, 1, 4);
        day0 = proxy__pg_j2day(day4 - 1);
        if (dayn >= day4 - day0)
            year++;
    }
    return year;
}

static void set_int(proxy_pgpart_t *p, int64_t v)
{
    p->kind = PROXY_PART_INT;
    p->v = v;
    p->f = (double)v;
}

static void set_scaled(proxy_pgpart_t *p, int64_t v, int scale, double f)
{
    p->kind = PROXY_PART_SCALED;
    p->v = v;
    p->scale = scale;
    p->f = f;
}

static int64_t year_field(int unit, int y)
{
    switch (unit) {
    case PU_YEAR:
        return y > 0 ? y : y - 1;
    case PU_DECADE:
        return y >= 0 ? y / 10 : -((8 - (y - 1)) / 10);
    case PU_CENTURY:
        return y > 0 ? (y + 99) / 100 : -((99 - (y - 1)) / 100);
    default:
        return y > 0 ? (y + 999) / 1000 : -((999 - (y - 1)) / 1000);
    }
}

/* Fields shared by date and timestamp: true when unit is one of them. */
static bool date_fields(int unit, const proxy_pgtm_t *tm, proxy_pgpart_t *p)
{
    int jd = proxy__pg_date2j(tm->year, tm->mon, tm->mday);
    switch (unit) {
    case PU_DAY:
        set_int(p, tm->mday);
        return true;
    case PU_MONTH:
        set_int(p, tm->mon);
        return true;
    case PU_QUARTER:
        set_int(p, (tm->mon - 1) / 3 + 1);
        return true;
    case PU_WEEK:
        set_int(p, proxy__pg_isoweek(tm->year, tm->mon, tm->mday));
        return true;
    case PU_YEAR:
    case PU_DECADE:
    case PU_CENTURY:
    case PU_MILLENNIUM:
        set_int(p, year_field(unit, tm->year));
        return true;
    case PU_ISOYEAR: {
        int y = isoyear(tm->year, tm->mon, tm->mday);
        set_int(p, y <= 0 ? y - 1 : y);
        return true;
    }
    case PU_DOW:
    case PU_ISODOW: {
        int d = proxy__pg_j2day(jd);
        set_int(p, unit == PU_ISODOW && d == 0 ? 7 : d);
        return true;
    }
    case PU_DOY:
        set_int(p, jd - proxy__pg_date2j(tm->year, 1, 1) + 1);
        return true;
    default:
        return false;
    }
}

/* Fields of a time of day (time, timetz, timestamp). */
static bool time_fields(int unit, const proxy_pgtm_t *tm, int32_t fsec, proxy_pgpart_t *p)
{
    int64_t us = (int64_t)tm->sec * 1000000 + fsec;
    switch (unit) {
    case PU_MICROSEC:
        set_int(p, us);
        return true;
    case PU_MILLISEC:
        set_scaled(p, us, 3, tm->sec * 1000.0 + fsec / 1000.0);
        return true;
    case PU_SECOND:
        set_scaled(p, us, 6, tm->sec + fsec / 1000000.0);
        return true;
    case PU_MINUTE:
        set_int(p, tm->min);
        return true;
    case PU_HOUR:
        set_int(p, tm->hour);
        return true;
    default:
        return false;
    }
}

static bool tz_fields(int unit, int32_t gmtoff, proxy_pgpart_t *p)
{
    switch (unit) {
    case PU_TZ:
        set_int(p, gmtoff);
        return true;
    case PU_TZ_MINUTE:
        set_int(p, (gmtoff / 60) % 60);
        return true;
    case PU_TZ_HOUR:
        set_int(p, gmtoff / 3600);
        return true;
    default:
        return false;
    }
}

static bool nonfinite(int unit, bool negative, proxy_pgpart_t *p)
{
    switch (unit) {
    case PU_MICROSEC:
    case PU_MILLISEC:
    case PU_SECOND:
    case PU_MINUTE:
    case PU_HOUR:
    case PU_DAY:
    case PU_MONTH:
    case PU_QUARTER:
    case PU_WEEK:
    case PU_DOW:
    case PU_ISODOW:
    case PU_DOY:
    case PU_TZ:
    case PU_TZ_MINUTE:
    case PU_TZ_HOUR:
        p->kind = PROXY_PART_NULL;
        return true;
    case PU_YEAR:
    case PU_DECADE:
    case PU_CENTURY:
    case PU_MILLENNIUM:
    case PU_JULIAN:
    case PU_ISOYEAR:
    case PU_EPOCH:
        p->kind = PROXY_PART_INF;
        p->v = negative ? -1 : 1;
        p->f = negative ? -INFINITY : INFINITY;
        return true;
    default:
        return false;
    }
}

static void ts_epoch(int64_t ts, proxy_pgpart_t *p)
{
    int64_t epoch = -PROXY_PG_EPOCH_DIFF_US;
    set_scaled(p, ts - epoch, 6, (double)(ts - epoch) / 1000000.0);
}

int proxy__pg_part_ts(const char *units, int64_t ts, const proxy_pgtz_t *z, proxy_pgpart_t *p,
                      am_err_t *err)
{
    const char *type = z ? "timestamp with time zone" : "timestamp without time zone";
    char low[64];
    int unit = 0;
    proxy__pg_units_lower(units, low, sizeof low);
    int kind = proxy__pg_decode_units(low, true, &unit);
    if (kind != PROXY_UT_UNITS && kind != PROXY_UT_RESERV)
        return proxy__pg_unit_err(err, false, low, type);
    if (!proxy__pg_ts_finite(ts)) {
        if (!nonfinite(unit, ts == PROXY_PG_DT_NOBEGIN, p))
            return proxy__pg_unit_err(err, true, low, type);
        return PROXY_TV_OK;
    }
    if (kind == PROXY_UT_RESERV) {
        if (unit != PU_EPOCH)
            return proxy__pg_unit_err(err, true, low, type);
        ts_epoch(ts, p);
        return PROXY_TV_OK;
    }
    proxy_pgtm_t tm;
    int32_t fsec;
    if (!proxy__pg_ts2tm(ts, z, &tm, &fsec))
        return am_err_set(err, "22008", "timestamp out of range"), PROXY_TV_ERR;
    if (date_fields(unit, &tm, p) || time_fields(unit, &tm, fsec, p) ||
        (z && tz_fields(unit, tm.gmtoff, p)))
        return PROXY_TV_OK;
    if (unit != PU_JULIAN)
        return proxy__pg_unit_err(err, true, low, type);
    p->kind = PROXY_PART_JULIAN;
    p->jd = proxy__pg_date2j(tm.year, tm.mon, tm.mday);
    p->v = (((int64_t)tm.hour * 60 + tm.min) * 60 + tm.sec) * 1000000 + fsec;
    p->f = p->jd + (((tm.hour * 60) + tm.min) * 60 + tm.sec + (fsec / 1000000.0)) / 86400.0;
    return PROXY_TV_OK;
}

int proxy__pg_part_date(const char *units, int32_t d, proxy_pgpart_t *p, am_err_t *err)
{
    char low[64];
    int unit = 0;
    proxy__pg_units_lower(units, low, sizeof low);
    int kind = proxy__pg_decode_units(low, true, &unit);
    if (kind != PROXY_UT_UNITS && kind != PROXY_UT_RESERV)
        return proxy__pg_unit_err(err, false, low, "date");
    bool inf = d == PROXY_PG_DATE_NOBEGIN || d == PROXY_PG_DATE_NOEND;
    if ((kind == PROXY_UT_RESERV && unit != PU_EPOCH) ||
        (kind == PROXY_UT_UNITS && (unit == PU_EPOCH || unit < PU_DAY || unit == PU_TZ ||
                                    unit == PU_TZ_HOUR || unit == PU_TZ_MINUTE)))
        return proxy__pg_unit_err(err, true, low, "date");
    if (inf) {
        nonfinite(unit, d == PROXY_PG_DATE_NOBEGIN, p);
        return PROXY_TV_OK;
    }
    if (unit == PU_EPOCH) {
        set_int(p, ((int64_t)d + PROXY_PG_EPOCH_JDATE - PROXY_PG_UNIX_EPOCH_JDATE) * 86400);
        return PROXY_TV_OK;
    }
    if (unit == PU_JULIAN) {
        set_int(p, (int64_t)d + PROXY_PG_EPOCH_JDATE);
        return PROXY_TV_OK;
    }
    proxy_pgtm_t tm = {0};
    proxy__pg_j2date(d + PROXY_PG_EPOCH_JDATE, &tm.year, &tm.mon, &tm.mday);
    date_fields(unit, &tm, p);
    return PROXY_TV_OK;
}

/* time (gmtoff NULL) and timetz. */
int proxy__pg_part_time(const char *units, int64_t t, const int32_t *gmtoff, proxy_pgpart_t *p,
                        am_err_t *err)
{
    const char *type = gmtoff ? "time with time zone" : "time without time zone";
    char low[64];
    int unit = 0;
    proxy__pg_units_lower(units, low, sizeof low);
    int kind = proxy__pg_decode_units(low, true, &unit);
    if (kind == PROXY_UT_RESERV && unit == PU_EPOCH) {
        if (gmtoff)
            set_scaled(p, t - (int64_t)*gmtoff * 1000000, 6, (double)t / 1000000.0 - *gmtoff);
        else
            set_scaled(p, t, 6, (double)t / 1000000.0);
        return PROXY_TV_OK;
    }
    if (kind != PROXY_UT_UNITS)
        return proxy__pg_unit_err(err, false, low, type);
    proxy_pgtm_t tm;
    int32_t fsec;
    proxy__pg_time2tm(t, &tm, &fsec);
    if (time_fields(unit, &tm, fsec, p) || (gmtoff && tz_fields(unit, *gmtoff, p)))
        return PROXY_TV_OK;
    return proxy__pg_unit_err(err, true, low, type);
}

static void iv_epoch(const proxy_pgiv_t *iv, proxy_pgpart_t *p)
{
    int64_t secs = ((int64_t)(4 * 365.25) * (iv->month / 12) +
                    (int64_t)(4 * 30) * (iv->month % 12) + (int64_t)4 * iv->day) *
                   (86400 / 4);
    __int128 v = (__int128)secs * 1000000 + iv->time;
    double f = (double)iv->time / 1000000.0;
    int32_t years = iv->month / 12, months = iv->month % 12; /* whole years, as PostgreSQL */
    f += (365.25 * 86400) * years;
    f += (30.0 * 86400) * months;
    f += 86400.0 * (double)iv->day;
    p->kind = PROXY_PART_SCALED128;
    p->big = v;
    p->scale = 6;
    p->f = f;
}

int proxy__pg_part_interval(const char *units, const proxy_pgiv_t *iv, proxy_pgpart_t *p,
                            am_err_t *err)
{
    char low[64];
    int unit = 0;
    proxy__pg_units_lower(units, low, sizeof low);
    int kind = proxy__pg_decode_units(low, true, &unit);
    if (kind == PROXY_UT_RESERV && unit == PU_EPOCH) {
        iv_epoch(iv, p);
        return PROXY_TV_OK;
    }
    if (kind != PROXY_UT_UNITS)
        return proxy__pg_unit_err(err, false, low, "interval");
    proxy_pgitm_t m;
    proxy__pg_iv2itm(iv, &m);
    proxy_pgtm_t tm = {.sec = m.sec, .min = m.min, .hour = (int)m.hour};
    switch (unit) {
    case PU_MICROSEC:
    case PU_MILLISEC:
    case PU_SECOND:
    case PU_MINUTE:
        time_fields(unit, &tm, (int32_t)m.usec, p);
        return PROXY_TV_OK;
    case PU_HOUR:
        set_int(p, m.hour);
        return PROXY_TV_OK;
    case PU_DAY:
        set_int(p, m.mday);
        return PROXY_TV_OK;
    case PU_MONTH:
        set_int(p, m.mon);
        return PROXY_TV_OK;
    case PU_QUARTER:
        set_int(p, m.mon / 3 + 1);
        return PROXY_TV_OK;
    case PU_YEAR:
        set_int(p, m.year);
        return PROXY_TV_OK;
    case PU_DECADE:
        set_int(p, m.year / 10);
        return PROXY_TV_OK;
    case PU_CENTURY:
        set_int(p, m.year / 100);
        return PROXY_TV_OK;
    case PU_MILLENNIUM:
        set_int(p, m.year / 1000);
        return PROXY_TV_OK;
    default:
        return proxy__pg_unit_err(err, true, low, "interval");
    }
}

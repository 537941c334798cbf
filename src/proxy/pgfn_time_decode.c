/*
 * proxy/pgfn_time_decode.c: PostgreSQL's decoding of one date/time field (pgfn_time_dt.h):
 * delimited dates with DateStyle's field order, bare and run-together numbers, times,
 * ValidateDate, and the session look-ups (transaction time, zone offsets) the decoders make.
 * Pure. Fields are edited in place, as PostgreSQL's are.
 * Spec: PostgreSQL 15 datetime.c DecodeDate, DecodeNumber, DecodeNumberField,
 * DecodeTimeCommon, ValidateDate, DetermineTimeZoneOffset; date.c time_overflows.
 */
#include "proxy/pgfn_time_dt.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* DateOrder, or -1 (and the setting noted as missing) when the caller did not give it. */
static int date_order(dt_state_t *st)
{
    if (st->ctx->order < 0 && !st->missing)
        st->missing = "DateStyle";
    return st->ctx->order < 0 ? PROXY_PG_DATEORDER_MDY : st->ctx->order;
}

/* atoi as glibc has it: strtol truncated to int. */
static int c_atoi(const char *s)
{
    return (int)strtol(s, NULL, 10);
}

static int date_text_fields(char *str, char **field, int *nf)
{
    *nf = 0;
    while (*str != '\0' && *nf < DT_MAXFIELDS) {
        while (*str != '\0' && !proxy__dt_isdigit((unsigned char)*str) &&
               !proxy__dt_isalpha((unsigned char)*str))
            str++;
        if (*str == '\0')
            return DT_ERR_FORMAT; /* end of string after a separator */
        field[(*nf)++] = str;
        if (proxy__dt_isdigit((unsigned char)*str))
            while (proxy__dt_isdigit((unsigned char)*str))
                str++;
        else
            while (proxy__dt_isalpha((unsigned char)*str))
                str++;
        if (*str != '\0')
            *str++ = '\0';
    }
    return 0;
}

int proxy__dt_date(dt_state_t *st, char *str, int fmask, int *tmask, bool *is2digits,
                   proxy_pgtm_t *tm)
{
    char *field[DT_MAXFIELDS];
    int nf, val, dmask = 0, rc;
    bool textmonth = false;
    int32_t fsec;
    *tmask = 0;
    if ((rc = date_text_fields(str, field, &nf)) != 0)
        return rc;
    for (int i = 0; i < nf; i++) { /* text first: an unambiguous month */
        if (!proxy__dt_isalpha((unsigned char)*field[i]))
            continue;
        int type = proxy__dt_special(field[i], &val);
        if (type == TK_IGNORE)
            continue;
        if (type != TK_MONTH)
            return DT_ERR_FORMAT;
        dmask = DT_M(TK_MONTH);
        tm->mon = val;
        textmonth = true;
        if (fmask & dmask)
            return DT_ERR_FORMAT;
        fmask |= dmask;
        *tmask |= dmask;
        field[i] = NULL;
    }
    for (int i = 0; i < nf; i++) {
        if (!field[i])
            continue;
        int len = (int)strlen(field[i]);
        if (len <= 0)
            return DT_ERR_FORMAT;
        rc = proxy__dt_number(st, len, field[i], textmonth, fmask, &dmask, tm, &fsec, is2digits);
        if (rc)
            return rc;
        if (fmask & dmask)
            return DT_ERR_FORMAT;
        fmask |= dmask;
        *tmask |= dmask;
    }
    if ((fmask & ~(DT_M(TK_DOY) | DT_M(TK_TZ))) != DT_DATE_M)
        return DT_ERR_FORMAT;
    return 0;
}

/* The first numeric field of a date: YYYY-..., else DateStyle decides. */
static int number_first(dt_state_t *st, int flen, int val, int *tmask, proxy_pgtm_t *tm)
{
    if (flen >= 3) {
        *tmask = DT_M(TK_YEAR);
        tm->year = val;
        return 0;
    }
    int order = date_order(st);
    if (order == PROXY_PG_DATEORDER_YMD) {
        *tmask = DT_M(TK_YEAR);
        tm->year = val;
    } else if (order == PROXY_PG_DATEORDER_DMY) {
        *tmask = DT_M(TK_DAY);
        tm->mday = val;
    } else {
        *tmask = DT_M(TK_MONTH);
        tm->mon = val;
    }
    return 0;
}

/* After a text month: MON-DD-YYYY, DD-MON-YYYY, YYYY-MON-DD. */
static void number_after_text_month(dt_state_t *st, int flen, int val, int *tmask, proxy_pgtm_t *tm)
{
    if (flen >= 3 || date_order(st) == PROXY_PG_DATEORDER_YMD) {
        *tmask = DT_M(TK_YEAR);
        tm->year = val;
    } else {
        *tmask = DT_M(TK_DAY);
        tm->mday = val;
    }
}

static int number_in_context(dt_state_t *st, int flen, char *str, int val, bool textmonth,
                             int fmask, int *tmask, proxy_pgtm_t *tm, int32_t *fsec,
                             bool *is2digits)
{
    switch (fmask & DT_DATE_M) {
    case 0:
        return number_first(st, flen, val, tmask, tm);
    case DT_M(TK_YEAR):
        *tmask = DT_M(TK_MONTH);
        tm->mon = val;
        return 0;
    case DT_M(TK_MONTH):
        if (textmonth) {
            number_after_text_month(st, flen, val, tmask, tm);
        } else {
            *tmask = DT_M(TK_DAY);
            tm->mday = val;
        }
        return 0;
    case DT_M(TK_YEAR) | DT_M(TK_MONTH):
        *tmask = DT_M(TK_DAY);
        if (textmonth && flen >= 3 && *is2digits) { /* DD-MON-YYYY after all */
            tm->mday = tm->year;
            tm->year = val;
            *is2digits = false;
        } else {
            tm->mday = val;
        }
        return 0;
    case DT_M(TK_DAY):
        *tmask = DT_M(TK_MONTH);
        tm->mon = val;
        return 0;
    case DT_M(TK_MONTH) | DT_M(TK_DAY):
        *tmask = DT_M(TK_YEAR);
        tm->year = val;
        return 0;
    case DT_DATE_M: {
        int rc = proxy__dt_number_field(flen, str, fmask, tmask, tm, fsec, is2digits);
        return rc < 0 ? rc : 1;
    }
    default:
        return DT_ERR_FORMAT;
    }
}

int proxy__dt_number(dt_state_t *st, int flen, char *str, bool textmonth, int fmask, int *tmask,
                     proxy_pgtm_t *tm, int32_t *fsec, bool *is2digits)
{
    char *cp;
    int val;
    *tmask = 0;
    if (!proxy__dt_strtoint(str, &cp, &val))
        return DT_ERR_FIELD;
    if (cp == str)
        return DT_ERR_FORMAT;
    if (*cp == '.') {
        if (cp - str > 2) { /* a date or run-together time: 2001.360, 20011225.040506 */
            int rc =
                proxy__dt_number_field(flen, str, fmask | DT_DATE_M, tmask, tm, fsec, is2digits);
            return rc < 0 ? rc : 0;
        }
        int rc = proxy__dt_fsec(cp, fsec);
        if (rc)
            return rc;
    } else if (*cp != '\0') {
        return DT_ERR_FORMAT;
    }
    if (flen == 3 && (fmask & DT_DATE_M) == DT_M(TK_YEAR) && val >= 1 && val <= 366) {
        *tmask = DT_M(TK_DOY) | DT_M(TK_MONTH) | DT_M(TK_DAY);
        tm->yday = val;
        return 0;
    }
    int rc = number_in_context(st, flen, str, val, textmonth, fmask, tmask, tm, fsec, is2digits);
    if (rc < 0)
        return rc;
    if (rc == 0 && *tmask == DT_M(TK_YEAR))
        *is2digits = flen <= 2;
    return 0;
}

/* The fraction of a run-together field; the field's new length, or -1. */
static int number_field_fraction(char *str, char *cp, int32_t *fsec)
{
    if (cp[1] == '\0') {
        *fsec = 0;
    } else {
        errno = 0;
        double frac = strtod(cp, NULL);
        if (errno != 0)
            return -1;
        *fsec = (int32_t)rint(frac * 1000000);
    }
    *cp = '\0';
    return (int)strlen(str);
}

int proxy__dt_number_field(int len, char *str, int fmask, int *tmask, proxy_pgtm_t *tm,
                           int32_t *fsec, bool *is2digits)
{
    char *cp = strchr(str, '.');
    if (cp) {
        if ((len = number_field_fraction(str, cp, fsec)) < 0)
            return DT_ERR_FORMAT;
    } else if ((fmask & DT_DATE_M) != DT_DATE_M && len >= 6) {
        *tmask = DT_DATE_M; /* yymmdd / yyyymmdd: day, month from the right */
        tm->mday = c_atoi(str + len - 2);
        str[len - 2] = '\0';
        tm->mon = c_atoi(str + len - 4);
        str[len - 4] = '\0';
        tm->year = c_atoi(str);
        if (len - 4 == 2)
            *is2digits = true;
        return DV_DATE;
    }
    if ((fmask & DT_TIME_M) == DT_TIME_M || (len != 6 && len != 4))
        return DT_ERR_FORMAT;
    *tmask = DT_TIME_M;
    tm->sec = 0;
    if (len == 6) {
        tm->sec = c_atoi(str + 4);
        str[4] = '\0';
    }
    tm->min = c_atoi(str + 2);
    str[2] = '\0';
    tm->hour = c_atoi(str);
    return DV_TIME;
}

/* "a:b" (or "a:b.c") read as minutes and seconds. */
static int as_min_sec(int64_t *hour, int *min, int *sec)
{
    if (*hour > INT32_MAX || *hour < INT32_MIN)
        return DT_ERR_FIELD;
    *sec = *min;
    *min = (int)*hour;
    *hour = 0;
    return 0;
}

int proxy__dt_time_common(const char *str, bool mm_ss, int *tmask, int64_t *hour, int *min,
                          int *sec, int32_t *fsec)
{
    char *cp;
    *tmask = DT_TIME_M;
    *fsec = 0;
    *sec = 0;
    if (!proxy__dt_strtoi64(str, &cp, hour))
        return DT_ERR_FIELD;
    if (*cp != ':')
        return DT_ERR_FORMAT;
    if (!proxy__dt_strtoint(cp + 1, &cp, min))
        return DT_ERR_FIELD;
    if (*cp == '\0' && mm_ss) {
        if (as_min_sec(hour, min, sec) != 0)
            return DT_ERR_FIELD;
    } else if (*cp == '.') { /* mm:ss.sss */
        int rc = proxy__dt_fsec(cp, fsec);
        if (rc)
            return rc;
        if (as_min_sec(hour, min, sec) != 0)
            return DT_ERR_FIELD;
    } else if (*cp == ':') {
        if (!proxy__dt_strtoint(cp + 1, &cp, sec))
            return DT_ERR_FIELD;
        if (*cp == '.') {
            int rc = proxy__dt_fsec(cp, fsec);
            if (rc)
                return rc;
        } else if (*cp != '\0') {
            return DT_ERR_FORMAT;
        }
    } else if (*cp != '\0') {
        return DT_ERR_FORMAT;
    }
    if (*hour < 0 || *min < 0 || *min > 59 || *sec < 0 || *sec > 60 || *fsec < 0 ||
        *fsec > PROXY_PG_USECS_PER_SEC)
        return DT_ERR_FIELD;
    return 0;
}

int proxy__dt_time(const char *str, int *tmask, proxy_pgtm_t *tm, int32_t *fsec)
{
    int64_t hour;
    int rc = proxy__dt_time_common(str, false, tmask, &hour, &tm->min, &tm->sec, fsec);
    if (rc)
        return rc;
    if (hour > INT32_MAX)
        return DT_ERR_FIELD;
    tm->hour = (int)hour;
    return 0;
}

static int validate_year(bool isjulian, bool is2digits, bool bc, proxy_pgtm_t *tm)
{
    if (isjulian)
        return 0;
    if (bc) {
        if (tm->year <= 0) /* no year zero in AD/BC notation */
            return DT_ERR_FIELD;
        tm->year = -(tm->year - 1);
    } else if (is2digits) {
        if (tm->year < 0)
            return DT_ERR_FIELD;
        if (tm->year < 70)
            tm->year += 2000;
        else if (tm->year < 100)
            tm->year += 1900;
    } else if (tm->year <= 0) {
        return DT_ERR_FIELD;
    }
    return 0;
}

int proxy__dt_validate(int fmask, bool isjulian, bool is2digits, bool bc, proxy_pgtm_t *tm)
{
    if (fmask & DT_M(TK_YEAR)) {
        int rc = validate_year(isjulian, is2digits, bc, tm);
        if (rc)
            return rc;
    }
    if (fmask & DT_M(TK_DOY)) {
        int jd = proxy__pgx_date2j(tm->year, 1, 1);
        proxy__pgx_j2date((int32_t)((uint32_t)jd + (uint32_t)tm->yday - 1u), &tm->year, &tm->mon,
                          &tm->mday);
    }
    if ((fmask & DT_M(TK_MONTH)) && (tm->mon < 1 || tm->mon > 12))
        return DT_ERR_MDFIELD;
    if ((fmask & DT_M(TK_DAY)) && (tm->mday < 1 || tm->mday > 31))
        return DT_ERR_MDFIELD;
    if ((fmask & DT_DATE_M) == DT_DATE_M && tm->mday > proxy__pg_mdays(tm->year, tm->mon))
        return DT_ERR_FIELD;
    return 0;
}

bool proxy__dt_time_overflows(int hour, int min, int sec, int32_t fsec)
{
    if (hour < 0 || hour > 24 || min < 0 || min >= 60 || sec < 0 || sec > 60 || fsec < 0 ||
        fsec > PROXY_PG_USECS_PER_SEC)
        return true;
    /* 24:00:00 and :60 are allowed, past the end of the day is not */
    int64_t t = (((int64_t)hour * 60 + min) * 60 + sec) * PROXY_PG_USECS_PER_SEC + fsec;
    return t > PROXY_PG_USECS_PER_DAY;
}

void proxy__dt_now(dt_state_t *st, proxy_pgtm_t *tm, int32_t *fsec, int *tz_west)
{
    const proxy_pgdtin_t *c = st->ctx;
    if (!c->zone || !c->has_now) {
        /* decoding goes on with a placeholder; the caller refuses the value */
        if (!st->missing)
            st->missing = !c->has_now ? "transaction time" : "TimeZone";
        memset(tm, 0, sizeof *tm);
        tm->year = 2000, tm->mon = 1, tm->mday = 1;
        *fsec = 0;
        *tz_west = 0;
        return;
    }
    proxy_pgtm_t t;
    if (!proxy__pg_ts2tm(c->now, c->zone, &t, fsec)) {
        memset(&t, 0, sizeof t);
        t.year = 2000, t.mon = 1, t.mday = 1;
    }
    tm->year = t.year, tm->mon = t.mon, tm->mday = t.mday;
    tm->hour = t.hour, tm->min = t.min, tm->sec = t.sec;
    tm->isdst = t.isdst;
    *tz_west = -t.gmtoff;
}

int proxy__dt_zone_offset(proxy_pgtm_t *tm, const proxy_pgtz_t *z)
{
    if (!proxy__pg_date_valid_julian(tm->year, tm->mon, tm->mday)) {
        tm->isdst = 0; /* out of range: PostgreSQL assumes UTC */
        return 0;
    }
    int64_t day =
        (int64_t)proxy__pgx_date2j(tm->year, tm->mon, tm->mday) - PROXY_PG_UNIX_EPOCH_JDATE;
    /* the seconds of the day in int, wrapping as PostgreSQL's do */
    uint32_t m = (uint32_t)tm->min + (uint32_t)tm->hour * 60u;
    int32_t sec = (int32_t)((uint32_t)tm->sec + m * 60u);
    int64_t local = day * 86400 + sec;
    if (local < 0 && day > 0) {
        tm->isdst = 0;
        return 0;
    }
    int isdst;
    int32_t east = proxy__pgtz_at_local(z, local, &isdst);
    tm->isdst = isdst;
    return -east;
}

/*
 * proxy/pgfn_time_ivin.c: interval input as PostgreSQL 15 reads it (pgfn_time.h
 * proxy__pg_interval_in): the postgres and verbose forms ('1 year 2 mons -3 days 04:05:06',
 * '@ 1 hour ago'), SQL-standard ('1-2', '3 4:05:06', a leading sign spread over every field in
 * IntervalStyle sql_standard), bare numbers as seconds, fractional units cascading down
 * ('1.5 months' = 1 mon 15 days), and ISO 8601 with designators or in the alternative format.
 * With a typmod (INTERVAL DAY TO SECOND(3) ...), its range decides a bare number's unit and
 * "a:b" under MINUTE TO SECOND, and the value is then truncated and rounded to it. Pure.
 * Spec: PostgreSQL 15 datetime.c DecodeInterval, DecodeISO8601Interval, the Adjust* helpers;
 * timestamp.c interval_in, itmin2interval, AdjustIntervalForTypmod; read for behaviour.
 */
#include "proxy/pgfn_time_dt.h"
#include "proxy/pgfn_time_part.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct itm_in {
    int64_t usec;
    int32_t mday, mon, year;
} itm_in_t;

static bool fract_us(double frac, int64_t scale, itm_in_t *m)
{
    if (frac == 0)
        return true;
    frac *= (double)scale;
    int64_t us = (int64_t)frac;
    frac -= (double)us;
    if (frac > 0.5)
        us++;
    else if (frac < -0.5)
        us--;
    return !__builtin_add_overflow(m->usec, us, &m->usec);
}

static bool fract_days(double frac, int scale, itm_in_t *m)
{
    if (frac == 0)
        return true;
    frac *= scale;
    int extra = (int)frac;
    if (__builtin_add_overflow(m->mday, extra, &m->mday))
        return false;
    return fract_us(frac - extra, PROXY_PG_USECS_PER_DAY, m);
}

static bool fract_years(double frac, int scale, itm_in_t *m)
{
    int extra = (int)rint(frac * scale * 12);
    return !__builtin_add_overflow(m->mon, extra, &m->mon);
}

static bool add_us(int64_t val, double fval, int64_t scale, itm_in_t *m)
{
    int64_t p;
    return !__builtin_mul_overflow(val, scale, &p) &&
           !__builtin_add_overflow(m->usec, p, &m->usec) && fract_us(fval, scale, m);
}

static bool add_days(int64_t val, int scale, itm_in_t *m)
{
    int32_t d;
    return val >= INT32_MIN && val <= INT32_MAX &&
           !__builtin_mul_overflow((int32_t)val, scale, &d) &&
           !__builtin_add_overflow(m->mday, d, &m->mday);
}

static bool add_months(int64_t val, itm_in_t *m)
{
    return val >= INT32_MIN && val <= INT32_MAX &&
           !__builtin_add_overflow(m->mon, (int32_t)val, &m->mon);
}

static bool add_years(int64_t val, int scale, itm_in_t *m)
{
    int32_t y;
    return val >= INT32_MIN && val <= INT32_MAX &&
           !__builtin_mul_overflow((int32_t)val, scale, &y) &&
           !__builtin_add_overflow(m->year, y, &m->year);
}

/* ---- the postgres / SQL-standard forms (DecodeInterval) ------------------------------------- */

/* Interval typmod ranges: INTERVAL_MASK of YEAR, MONTH, DAY, HOUR, MINUTE, SECOND. */
#define R_YEAR (1 << 2)
#define R_MONTH (1 << 1)
#define R_DAY (1 << 3)
#define R_HOUR (1 << 10)
#define R_MINUTE (1 << 11)
#define R_SECOND (1 << 12)
#define R_FULL 0x7FFF

typedef struct iv_dec {
    itm_in_t *m;
    int range;
    int type;            /* unit of the next number to the left; -1: none yet */
    bool force_negative; /* sql_standard: a leading '-' applies to every field */
    bool is_before;      /* "ago" */
    int tmask;
} iv_dec_t;

static int time_field(iv_dec_t *v, const char *s)
{
    int64_t hour, t;
    int min, sec;
    int32_t fsec;
    bool mm_ss = v->range == (R_MINUTE | R_SECOND);
    int rc = proxy__dt_time_common(s, mm_ss, &v->tmask, &hour, &min, &sec, &fsec);
    if (rc)
        return rc;
    v->m->usec = fsec; /* PostgreSQL replaces what the fields to the right accumulated */
    if (__builtin_mul_overflow(hour, PROXY_PG_USECS_PER_HOUR, &t) ||
        __builtin_add_overflow(v->m->usec, t, &v->m->usec) ||
        __builtin_add_overflow(v->m->usec, (int64_t)min * PROXY_PG_USECS_PER_MINUTE, &v->m->usec) ||
        __builtin_add_overflow(v->m->usec, (int64_t)sec * PROXY_PG_USECS_PER_SEC, &v->m->usec))
        return DT_ERR_FIELD;
    return 0;
}

static int after_time(iv_dec_t *v, bool negate)
{
    if (negate) {
        if (v->m->usec == INT64_MIN)
            return DT_ERR_FIELD;
        v->m->usec = -v->m->usec;
    }
    if (v->force_negative && v->m->usec > 0)
        v->m->usec = -v->m->usec;
    v->type = PU_DAY; /* '1 +02:03': a bare number to the left is days */
    return 0;
}

/* The unit switch of DecodeInterval: val and fval in unit v->type. */
static int apply_unit(iv_dec_t *v, int64_t val, double fval)
{
    itm_in_t *m = v->m;
    bool ok;
    switch (v->type) {
    case PU_MICROSEC:
        ok = add_us(val, fval, 1, m), v->tmask = DT_M(TK_MICROSECOND);
        break;
    case PU_MILLISEC:
        ok = add_us(val, fval, 1000, m), v->tmask = DT_M(TK_MILLISECOND);
        break;
    case PU_SECOND:
        ok = add_us(val, fval, PROXY_PG_USECS_PER_SEC, m);
        v->tmask = fval == 0 ? DT_M(TK_SECOND) : DT_ALLSECS_M;
        break;
    case PU_MINUTE:
        ok = add_us(val, fval, PROXY_PG_USECS_PER_MINUTE, m), v->tmask = DT_M(TK_MINUTE);
        break;
    case PU_HOUR:
        ok = add_us(val, fval, PROXY_PG_USECS_PER_HOUR, m), v->tmask = DT_M(TK_HOUR);
        v->type = PU_DAY;
        break;
    case PU_DAY:
        ok = add_days(val, 1, m) && fract_us(fval, PROXY_PG_USECS_PER_DAY, m);
        v->tmask = DT_M(TK_DAY);
        break;
    case PU_WEEK:
        ok = add_days(val, 7, m) && fract_days(fval, 7, m), v->tmask = DT_M(24);
        break;
    case PU_MONTH:
        ok = add_months(val, m) && fract_days(fval, 30, m), v->tmask = DT_M(TK_MONTH);
        break;
    case PU_YEAR:
        ok = add_years(val, 1, m) && fract_years(fval, 1, m), v->tmask = DT_M(TK_YEAR);
        break;
    case PU_DECADE:
        ok = add_years(val, 10, m) && fract_years(fval, 10, m), v->tmask = DT_M(25);
        break;
    case PU_CENTURY:
        ok = add_years(val, 100, m) && fract_years(fval, 100, m), v->tmask = DT_M(26);
        break;
    case PU_MILLENNIUM:
        ok = add_years(val, 1000, m) && fract_years(fval, 1000, m), v->tmask = DT_M(27);
        break;
    default:
        return DT_ERR_FORMAT;
    }
    return ok ? 0 : DT_ERR_FIELD;
}

/* "y-m": SQL-standard years-months. */
static int year_month(const char *field, char *cp, int64_t *val)
{
    int val2;
    errno = 0;
    long x = strtol(cp + 1, &cp, 10);
    val2 = (int)x;
    if (errno == ERANGE || x != val2 || val2 < 0 || val2 >= 12)
        return DT_ERR_FIELD;
    if (*cp != '\0')
        return DT_ERR_FORMAT;
    if (*field == '-')
        val2 = -val2;
    if (__builtin_mul_overflow(*val, 12, val) || __builtin_add_overflow(*val, val2, val))
        return DT_ERR_FIELD;
    return 0;
}

/* The unit of the rightmost bare number: the typmod's last field, else seconds. */
static int default_unit(int range)
{
    switch (range) {
    case R_YEAR:
        return PU_YEAR;
    case R_MONTH:
    case R_YEAR | R_MONTH:
        return PU_MONTH;
    case R_DAY:
        return PU_DAY;
    case R_HOUR:
    case R_DAY | R_HOUR:
        return PU_HOUR;
    case R_MINUTE:
    case R_HOUR | R_MINUTE:
    case R_DAY | R_HOUR | R_MINUTE:
        return PU_MINUTE;
    default:
        return PU_SECOND;
    }
}

static int number_field(iv_dec_t *v, const char *field)
{
    char *cp;
    int64_t val;
    double fval = 0;
    if (v->type < 0)
        v->type = default_unit(v->range);
    if (!proxy__dt_strtoi64(field, &cp, &val))
        return DT_ERR_FIELD;
    if (*cp == '-') {
        int rc = year_month(field, cp, &val);
        if (rc)
            return rc;
        v->type = PU_MONTH;
    } else if (*cp == '.') {
        int rc = proxy__dt_fraction(cp, &fval);
        if (rc)
            return rc;
        if (*field == '-')
            fval = -fval;
    } else if (*cp != '\0') {
        return DT_ERR_FORMAT;
    }
    if (v->force_negative) {
        if (val > 0)
            val = -val;
        if (fval > 0)
            fval = -fval;
    }
    return apply_unit(v, val, fval);
}

/* 1: an ignored word. */
static int word_field(iv_dec_t *v, const char *field)
{
    int val;
    int kind = proxy__pg_decode_units(field, false, &val);
    v->tmask = 0;
    if (kind == PROXY_UT_UNITS) {
        v->type = val;
        return 0;
    }
    if (kind != PROXY_UT_OTHER)
        return DT_ERR_FORMAT;
    if (strcmp(field, "ago") != 0)
        return 1; /* "@" */
    v->is_before = true;
    v->type = 0; /* PostgreSQL's AGO carries no unit: a number right before it is refused */
    return 0;
}

static int iv_field(iv_dec_t *v, const dt_fields_t *f, int i)
{
    const char *field = f->field[i];
    switch (f->ftype[i]) {
    case DT_F_TIME: {
        int rc = time_field(v, field);
        return rc ? rc : after_time(v, false);
    }
    case DT_F_TZ: /* a signed hh:mm[:ss], else a signed number */
        if (strchr(field + 1, ':') && time_field(v, field + 1) == 0)
            return after_time(v, *field == '-');
        return number_field(v, field);
    case DT_F_DATE:
    case DT_F_NUMBER:
        return number_field(v, field);
    case DT_F_STRING:
    case DT_F_SPECIAL:
        return word_field(v, field);
    default:
        return DT_ERR_FORMAT;
    }
}

static bool leading_sign_only(const dt_fields_t *f)
{
    if (f->nf == 0 || *f->field[0] != '-')
        return false;
    for (int i = 1; i < f->nf; i++)
        if (*f->field[i] == '-' || *f->field[i] == '+')
            return false;
    return true;
}

static int decode_interval(const dt_fields_t *f, int style, int range, itm_in_t *m)
{
    iv_dec_t v = {.m = m, .type = -1, .range = range};
    int fmask = 0;
    v.force_negative = style == PROXY_PG_INTSTYLE_SQL_STANDARD && leading_sign_only(f);
    for (int i = f->nf - 1; i >= 0; i--) { /* right to left: units before their numbers */
        v.tmask = 0;
        int rc = iv_field(&v, f, i);
        if (rc == 1)
            continue;
        if (rc)
            return rc;
        if (v.tmask & fmask)
            return DT_ERR_FORMAT;
        fmask |= v.tmask;
    }
    if (fmask == 0)
        return DT_ERR_FORMAT;
    if (v.is_before) {
        if (m->usec == INT64_MIN || m->mday == INT32_MIN || m->mon == INT32_MIN ||
            m->year == INT32_MIN)
            return DT_ERR_FIELD;
        m->usec = -m->usec, m->mday = -m->mday, m->mon = -m->mon, m->year = -m->year;
    }
    return 0;
}

/* ---- ISO 8601 ------------------------------------------------------------------------------- */

static int iso_number(const char **str, int64_t *ipart, double *fpart)
{
    const char *s = *str;
    if (!(proxy__dt_isdigit((unsigned char)*s) || *s == '-' || *s == '.'))
        return DT_ERR_FORMAT;
    char *end;
    errno = 0;
    double val = strtod(s, &end); /* as PostgreSQL: anything strtod takes, "1e3" too */
    if (end == s || errno != 0)
        return DT_ERR_FORMAT;
    if (isnan(val) || val < -1.0e15 || val > 1.0e15)
        return DT_ERR_FIELD;
    *ipart = val >= 0 ? (int64_t)floor(val) : -(int64_t)floor(-val);
    *fpart = val - (double)*ipart;
    *str = end;
    return 0;
}

static int iso_width(const char *start)
{
    if (*start == '-')
        start++;
    return (int)strspn(start, "0123456789");
}

typedef struct iso {
    const char *s;
    itm_in_t *m;
    bool datepart, havefield;
} iso_t;

/* The rest of "PYYYY-MM-DD" after the years; 1 when the string is complete. */
static int iso_alt_date_rest(iso_t *p)
{
    int64_t val;
    double fval;
    int rc = iso_number(&p->s, &val, &fval);
    if (rc)
        return rc;
    if (!add_months(val, p->m) || !fract_days(fval, 30, p->m))
        return DT_ERR_FIELD;
    if (*p->s == '\0')
        return 1;
    if (*p->s == 'T')
        return 2;
    if (*p->s++ != '-')
        return DT_ERR_FORMAT;
    if ((rc = iso_number(&p->s, &val, &fval)) != 0)
        return rc;
    if (!add_days(val, 1, p->m) || !fract_us(fval, PROXY_PG_USECS_PER_DAY, p->m))
        return DT_ERR_FIELD;
    if (*p->s == '\0')
        return 1;
    return *p->s == 'T' ? 2 : DT_ERR_FORMAT;
}

/* The alternative format's date ('T', '\0' or '-' after the first number). */
static int iso_alt_date(iso_t *p, const char *start, int64_t val, double fval, char unit)
{
    if (unit != '-' && iso_width(start) == 8 && !p->havefield) { /* basic: YYYYMMDD */
        if (!add_years(val / 10000, 1, p->m) || !add_months((val / 100) % 100, p->m) ||
            !add_days(val % 100, 1, p->m) || !fract_us(fval, PROXY_PG_USECS_PER_DAY, p->m))
            return DT_ERR_FIELD;
        return unit == '\0' ? 1 : 2;
    }
    if (p->havefield)
        return DT_ERR_FORMAT;
    if (!add_years(val, 1, p->m) || !fract_years(fval, 1, p->m))
        return DT_ERR_FIELD;
    if (unit == '\0')
        return 1;
    if (unit == 'T')
        return 2;
    int rc = iso_alt_date_rest(p);
    if (rc == 2)
        p->s++; /* the rest starts after 'T' */
    return rc;
}

static int iso_date_unit(iso_t *p, const char *start, int64_t val, double fval, char unit)
{
    itm_in_t *m = p->m;
    switch (unit) {
    case 'Y':
        return add_years(val, 1, m) && fract_years(fval, 1, m) ? 0 : DT_ERR_FIELD;
    case 'M':
        return add_months(val, m) && fract_days(fval, 30, m) ? 0 : DT_ERR_FIELD;
    case 'W':
        return add_days(val, 7, m) && fract_days(fval, 7, m) ? 0 : DT_ERR_FIELD;
    case 'D':
        return add_days(val, 1, m) && fract_us(fval, PROXY_PG_USECS_PER_DAY, m) ? 0 : DT_ERR_FIELD;
    case 'T':
    case '\0':
    case '-': {
        int rc = iso_alt_date(p, start, val, fval, unit);
        if (rc == 2) { /* on to the time part */
            p->datepart = false;
            p->havefield = false;
            return 3;
        }
        return rc;
    }
    default:
        return DT_ERR_FORMAT;
    }
}

/* The alternative format's time ("hh:mm:ss" or basic "hhmmss"); 1 when complete. */
static int iso_alt_time(iso_t *p, const char *start, int64_t val, double fval, char unit)
{
    itm_in_t *m = p->m;
    if (unit == '\0' && iso_width(start) == 6 && !p->havefield) {
        if (!add_us(val / 10000, 0, PROXY_PG_USECS_PER_HOUR, m) ||
            !add_us((val / 100) % 100, 0, PROXY_PG_USECS_PER_MINUTE, m) ||
            !add_us(val % 100, 0, PROXY_PG_USECS_PER_SEC, m) || !fract_us(fval, 1, m))
            return DT_ERR_FIELD;
        return 1;
    }
    if (p->havefield)
        return DT_ERR_FORMAT;
    if (!add_us(val, fval, PROXY_PG_USECS_PER_HOUR, m))
        return DT_ERR_FIELD;
    if (unit == '\0')
        return 1;
    int rc = iso_number(&p->s, &val, &fval);
    if (rc)
        return rc;
    if (!add_us(val, fval, PROXY_PG_USECS_PER_MINUTE, m))
        return DT_ERR_FIELD;
    if (*p->s == '\0')
        return 1;
    if (*p->s++ != ':')
        return DT_ERR_FORMAT;
    if ((rc = iso_number(&p->s, &val, &fval)) != 0)
        return rc;
    if (!add_us(val, fval, PROXY_PG_USECS_PER_SEC, m))
        return DT_ERR_FIELD;
    return *p->s == '\0' ? 1 : DT_ERR_FORMAT;
}

static int iso_time_unit(iso_t *p, const char *start, int64_t val, double fval, char unit)
{
    switch (unit) {
    case 'H':
        return add_us(val, fval, PROXY_PG_USECS_PER_HOUR, p->m) ? 0 : DT_ERR_FIELD;
    case 'M':
        return add_us(val, fval, PROXY_PG_USECS_PER_MINUTE, p->m) ? 0 : DT_ERR_FIELD;
    case 'S':
        return add_us(val, fval, PROXY_PG_USECS_PER_SEC, p->m) ? 0 : DT_ERR_FIELD;
    case '\0':
    case ':':
        return iso_alt_time(p, start, val, fval, unit);
    default:
        return DT_ERR_FORMAT;
    }
}

static int decode_iso8601(const char *str, itm_in_t *m)
{
    iso_t p = {.s = str + 1, .m = m, .datepart = true};
    memset(m, 0, sizeof *m);
    if (strlen(str) < 2 || str[0] != 'P')
        return DT_ERR_FORMAT;
    while (*p.s) {
        if (*p.s == 'T') { /* the time part begins */
            p.datepart = false;
            p.havefield = false;
            p.s++;
            continue;
        }
        const char *start = p.s;
        int64_t val;
        double fval;
        int rc = iso_number(&p.s, &val, &fval);
        if (rc)
            return rc;
        char unit = *p.s;
        if (unit != '\0')
            p.s++;
        rc = p.datepart ? iso_date_unit(&p, start, val, fval, unit)
                        : iso_time_unit(&p, start, val, fval, unit);
        if (rc < 0 || rc == 1)
            return rc < 0 ? rc : 0;
        if (rc == 3)
            continue;
        if (unit == '\0')
            return 0;
        p.havefield = true;
    }
    return 0;
}

/* The fields a range keeps: the time part truncated to its last field. */
static bool truncate_range(proxy_pgiv_t *iv, int range)
{
    switch (range) {
    case R_FULL:
    case R_SECOND:
    case R_DAY | R_HOUR | R_MINUTE | R_SECOND:
    case R_HOUR | R_MINUTE | R_SECOND:
    case R_MINUTE | R_SECOND:
        return true;
    case R_YEAR:
        iv->month = iv->month / 12 * 12;
        iv->day = 0, iv->time = 0;
        return true;
    case R_MONTH:
    case R_YEAR | R_MONTH:
        iv->day = 0, iv->time = 0;
        return true;
    case R_DAY:
        iv->time = 0;
        return true;
    case R_HOUR:
    case R_DAY | R_HOUR:
        iv->time = iv->time / PROXY_PG_USECS_PER_HOUR * PROXY_PG_USECS_PER_HOUR;
        return true;
    case R_MINUTE:
    case R_DAY | R_HOUR | R_MINUTE:
    case R_HOUR | R_MINUTE:
        iv->time = iv->time / PROXY_PG_USECS_PER_MINUTE * PROXY_PG_USECS_PER_MINUTE;
        return true;
    default:
        return false;
    }
}

bool proxy__pg_interval_scale(proxy_pgiv_t *iv, int32_t typmod, am_err_t *err)
{
    static const int64_t scales[] = {1000000, 100000, 10000, 1000, 100, 10, 1};
    if (typmod < 0)
        return true;
    int range = (typmod >> 16) & R_FULL, prec = typmod & 0xFFFF;
    if (!truncate_range(iv, range))
        return am_err_set(err, "XX000", "unrecognized interval typmod: %d", typmod);
    if (prec == 0xFFFF)
        return true;
    if (prec > 6)
        return am_err_set(err, "22023", "interval(%d) precision must be between 0 and 6", prec);
    int64_t sc = scales[prec], off = sc / 2;
    iv->time = iv->time >= 0 ? (iv->time + off) / sc * sc : -((-iv->time + off) / sc * sc);
    return true;
}

bool proxy__pg_interval_in(const char *s, int style, int32_t typmod, proxy_pgiv_t *iv,
                           am_err_t *err)
{
    dt_fields_t f = {.nf = 0};
    itm_in_t m = {0};
    int range = typmod >= 0 ? (typmod >> 16) & R_FULL : R_FULL;
    int rc = proxy__dt_parse(s, 256, &f);
    if (rc == 0)
        rc = decode_interval(&f, style, range, &m);
    if (rc == DT_ERR_FORMAT)
        rc = decode_iso8601(s, &m);
    if (rc != 0)
        return proxy__dt_error(rc == DT_ERR_FIELD ? DT_ERR_INTERVAL : rc, s, "interval", err);
    int64_t months = (int64_t)m.year * 12 + m.mon;
    if (months > INT32_MAX || months < INT32_MIN)
        return am_err_set(err, "22008", "interval out of range");
    *iv = (proxy_pgiv_t){.month = (int32_t)months, .day = m.mday, .time = m.usec};
    return proxy__pg_interval_scale(iv, typmod, err);
}

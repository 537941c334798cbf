/*
 * proxy/pgfn_time_decode2.c: PostgreSQL's DecodeDateTime (date, timestamp, timestamptz input)
 * and DecodeTimeOnly (time, timetz input) over the tokenizer's fields (pgfn_time_dt.h): field
 * by field, the same masks, the same precedence (zone abbreviations before keywords), the same
 * final checks. Zones are resolved only when the caller uses the offset (want_tz); a setting
 * the text needs but the caller did not give is recorded in st->missing, never guessed.
 * Pure.
 * Spec: PostgreSQL 15 datetime.c DecodeDateTime, DecodeTimeOnly, read for behaviour.
 */
#include "proxy/pgfn_time_dt.h"

#include <string.h>

typedef struct dd {
    dt_state_t *st;
    dt_fields_t *f;
    proxy_pgtm_t *tm;
    int32_t *fsec;
    int *tz; /* seconds WEST, as PostgreSQL's */
    int dtype, fmask, tmask, ptype, mer;
    bool textmonth, isjulian, is2digits, bc;
    bool has_named, dyntz;
    const proxy_pgtz_t *named; /* NULL with has_named: a zone the mirror cannot read */
    const char *named_text, *abbrev;
} dd_t;

/* pg_tzset on a zone named in the text: 1 known to PostgreSQL, 0 unknown. */
static int find_named(dd_t *d, const char *name)
{
    bool refused;
    const proxy_pgtz_t *z = proxy__pgtz_find(name, &refused);
    if (!z && !refused)
        return 0;
    d->has_named = true;
    d->named = z;
    d->named_text = name;
    return 1;
}

static int named_unknown(dd_t *d, const char *name)
{
    am_err_set(d->st->err, "22023", "time zone \"%s\" not recognized", name);
    return DT_ERR_SET;
}

/* A zone PostgreSQL reads but the mirror cannot (leap-second or posixrules zones, dynamic
 * abbreviations): refused where its offset is needed. */
static int refuse_zone(dd_t *d, bool abbrev)
{
    if (abbrev)
        am_err_set(d->st->err, "0A000",
                   "time zone abbreviation \"%s\" is not supported on the mirror", d->abbrev);
    else
        am_err_set(d->st->err, "0A000", "time zone \"%s\" is not supported on the mirror",
                   d->named_text);
    return DT_ERR_SET;
}

/* "ddd-zz" / "hhmmss-zz": a run-together time with a trailing numeric zone. */
static int time_with_zone(dd_t *d, char *field, int fmask)
{
    char *cp = strchr(field, '-');
    if (!cp)
        return DT_ERR_FORMAT;
    int rc = proxy__dt_decode_tz(cp, d->tz);
    if (rc)
        return rc;
    *cp = '\0';
    rc = proxy__dt_number_field((int)strlen(field), field, fmask, &d->tmask, d->tm, d->fsec,
                                &d->is2digits);
    if (rc < 0)
        return rc;
    d->tmask |= DT_M(TK_TZ);
    return 0;
}

static int julian_with_zone(dd_t *d, char *field)
{
    char *cp;
    int val;
    if (!proxy__dt_strtoint(field, &cp, &val) || val < 0)
        return DT_ERR_FIELD;
    proxy__pgx_j2date(val, &d->tm->year, &d->tm->mon, &d->tm->mday);
    d->isjulian = true;
    int rc = proxy__dt_decode_tz(cp, d->tz);
    if (rc)
        return rc;
    d->tmask = DT_DATE_M | DT_TIME_M | DT_M(TK_TZ);
    d->ptype = 0;
    return 0;
}

static int dt_date_field(dd_t *d, int i)
{
    char *field = d->f->field[i];
    int both = DT_M(TK_MONTH) | DT_M(TK_DAY);
    if (d->ptype == DV_JULIAN)
        return julian_with_zone(d, field);
    if (d->ptype == 0 && (d->fmask & both) != both)
        return proxy__dt_date(d->st, field, d->fmask, &d->tmask, &d->is2digits, d->tm);
    /* a date is already there: a zone name, or a run-together time with a zone */
    if (proxy__dt_isdigit((unsigned char)*field) || d->ptype != 0) {
        if (d->ptype != 0 && d->ptype != DV_TIME)
            return DT_ERR_FORMAT;
        d->ptype = 0;
        if ((d->fmask & DT_TIME_M) == DT_TIME_M)
            return DT_ERR_FORMAT;
        return time_with_zone(d, field, d->fmask);
    }
    if (!find_named(d, field))
        return named_unknown(d, field);
    d->tmask = DT_M(TK_TZ);
    return 0;
}

static int tz_field(dd_t *d, int i)
{
    int tz;
    int rc = proxy__dt_decode_tz(d->f->field[i], &tz);
    if (rc)
        return rc;
    *d->tz = tz;
    d->tmask = DT_M(TK_TZ);
    return 0;
}

static void julian_fraction(proxy_pgtm_t *tm, double frac, int32_t *fsec)
{
    int64_t t = (int64_t)(frac * (double)PROXY_PG_USECS_PER_DAY);
    tm->hour = (int)(t / PROXY_PG_USECS_PER_HOUR);
    t -= (int64_t)tm->hour * PROXY_PG_USECS_PER_HOUR;
    tm->min = (int)(t / PROXY_PG_USECS_PER_MINUTE);
    t -= (int64_t)tm->min * PROXY_PG_USECS_PER_MINUTE;
    tm->sec = (int)(t / PROXY_PG_USECS_PER_SEC);
    *fsec = (int32_t)(t - (int64_t)tm->sec * PROXY_PG_USECS_PER_SEC);
}

static int labelled_julian(dd_t *d, int val, const char *cp)
{
    if (val < 0)
        return DT_ERR_FIELD;
    d->tmask = DT_DATE_M;
    proxy__pgx_j2date(val, &d->tm->year, &d->tm->mon, &d->tm->mday);
    d->isjulian = true;
    if (*cp == '.') {
        double frac;
        int rc = proxy__dt_fraction(cp, &frac);
        if (rc)
            return rc;
        julian_fraction(d->tm, frac, d->fsec);
        d->tmask |= DT_TIME_M;
    }
    return 0;
}

static int labelled_value(dd_t *d, char *field, int val, const char *cp)
{
    proxy_pgtm_t *tm = d->tm;
    switch (d->ptype) {
    case DV_YEAR:
        tm->year = val, d->tmask = DT_M(TK_YEAR);
        return 0;
    case DV_MONTH: /* a month and an hour already: minutes */
        if ((d->fmask & DT_M(TK_MONTH)) && (d->fmask & DT_M(TK_HOUR)))
            tm->min = val, d->tmask = DT_M(TK_MINUTE);
        else
            tm->mon = val, d->tmask = DT_M(TK_MONTH);
        return 0;
    case DV_DAY:
        tm->mday = val, d->tmask = DT_M(TK_DAY);
        return 0;
    case DV_HOUR:
        tm->hour = val, d->tmask = DT_M(TK_HOUR);
        return 0;
    case DV_MINUTE:
        tm->min = val, d->tmask = DT_M(TK_MINUTE);
        return 0;
    case DV_SECOND:
        tm->sec = val, d->tmask = DT_M(TK_SECOND);
        if (*cp == '.') {
            d->tmask = DT_ALLSECS_M;
            return proxy__dt_fsec(cp, d->fsec);
        }
        return 0;
    case DV_JULIAN:
        return labelled_julian(d, val, cp);
    case DV_TIME: {
        int rc = proxy__dt_number_field((int)strlen(field), field, d->fmask | DT_DATE_M, &d->tmask,
                                        tm, d->fsec, &d->is2digits);
        if (rc < 0)
            return rc;
        return d->tmask != DT_TIME_M ? DT_ERR_FORMAT : 0;
    }
    default:
        return DT_ERR_FORMAT;
    }
}

/* A number after a unit label ("y2001m02d04", "j2451187", "t040506"). */
static int labelled_number(dd_t *d, char *field)
{
    char *cp;
    int val;
    if (!proxy__dt_strtoint(field, &cp, &val))
        return DT_ERR_FIELD;
    if (*cp == '.') {
        if (d->ptype != DV_JULIAN && d->ptype != DV_TIME && d->ptype != DV_SECOND)
            return DT_ERR_FORMAT;
    } else if (*cp != '\0') {
        return DT_ERR_FORMAT;
    }
    int rc = labelled_value(d, field, val, cp);
    if (rc)
        return rc;
    d->ptype = 0;
    d->dtype = DV_DATE;
    return 0;
}

static int dt_number_field(dd_t *d, int i)
{
    char *field = d->f->field[i];
    if (d->ptype != 0)
        return labelled_number(d, field);
    int flen = (int)strlen(field), rc;
    char *cp = strchr(field, '.');
    if (cp && !(d->fmask & DT_DATE_M))
        return proxy__dt_date(d->st, field, d->fmask, &d->tmask, &d->is2digits, d->tm);
    if ((cp && flen - (int)strlen(cp) > 2) ||
        (flen >= 6 && (!(d->fmask & DT_DATE_M) || !(d->fmask & DT_TIME_M)))) {
        rc =
            proxy__dt_number_field(flen, field, d->fmask, &d->tmask, d->tm, d->fsec, &d->is2digits);
        return rc < 0 ? rc : 0;
    }
    return proxy__dt_number(d->st, flen, field, d->textmonth, d->fmask, &d->tmask, d->tm, d->fsec,
                            &d->is2digits);
}

/* today / tomorrow / yesterday: the transaction's date in the session zone, shifted. */
static void relative_day(dd_t *d, int delta)
{
    proxy_pgtm_t cur = {0};
    int32_t fs;
    int tz;
    proxy__dt_now(d->st, &cur, &fs, &tz);
    int jd = proxy__pgx_date2j(cur.year, cur.mon, cur.mday);
    proxy__pgx_j2date((int32_t)((uint32_t)jd + (uint32_t)delta), &d->tm->year, &d->tm->mon,
                      &d->tm->mday);
    d->tmask = DT_DATE_M;
    d->dtype = DV_DATE;
}

static int dt_reserved(dd_t *d, int val)
{
    switch (val) {
    case DV_NOW:
        d->tmask = DT_DATE_M | DT_TIME_M | DT_M(TK_TZ);
        d->dtype = DV_DATE;
        proxy__dt_now(d->st, d->tm, d->fsec, d->tz);
        break;
    case DV_YESTERDAY:
        relative_day(d, -1);
        break;
    case DV_TODAY:
        relative_day(d, 0);
        break;
    case DV_TOMORROW:
        relative_day(d, 1);
        break;
    case DV_ZULU:
        d->tmask = DT_TIME_M | DT_M(TK_TZ);
        d->dtype = DV_DATE;
        d->tm->hour = d->tm->min = d->tm->sec = 0;
        *d->tz = 0;
        break;
    default:
        d->dtype = val; /* epoch, infinity, -infinity */
    }
    return 0;
}

/* Zone words both decoders share; 1 when type is not one of them. */
static int zone_word(dd_t *d, int type, int val, const char *field)
{
    switch (type) {
    case TK_DTZMOD: /* "MET DST" */
        d->tmask |= DT_M(TK_DTZ);
        d->tm->isdst = 1;
        *d->tz -= val;
        return 0;
    case TK_DTZ:
        d->tmask |= DT_M(TK_TZ);
        d->tm->isdst = 1;
        *d->tz = -val;
        return 0;
    case TK_TZ:
        d->tm->isdst = 0;
        *d->tz = -val;
        return 0;
    case TK_DYNTZ:
        d->tmask |= DT_M(TK_TZ);
        d->dyntz = true;
        d->abbrev = field;
        return 0;
    case TK_UNKNOWN: /* an all-alpha zone name */
        if (!find_named(d, field))
            return DT_ERR_FORMAT;
        d->tmask = DT_M(TK_TZ);
        return 0;
    default:
        return 1;
    }
}

static int isotime_word(dd_t *d, int i, int val)
{
    d->tmask = 0;
    int next = i + 1 < d->f->nf ? d->f->ftype[i + 1] : -1;
    if (next != DT_F_NUMBER && next != DT_F_TIME && next != DT_F_DATE)
        return DT_ERR_FORMAT;
    d->ptype = val;
    return 0;
}

static int word_type(const char *field, int *val)
{
    int type = proxy__dt_abbrev(field, val); /* abbreviations take precedence */
    return type == TK_UNKNOWN ? proxy__dt_special(field, val) : type;
}

/* 1: ignored word. */
static int dt_string_field(dd_t *d, int i)
{
    const char *field = d->f->field[i];
    int val, type = word_type(field, &val);
    if (type == TK_IGNORE)
        return 1;
    d->tmask = DT_M(type);
    int rc = zone_word(d, type, val, field);
    if (rc <= 0)
        return rc;
    switch (type) {
    case TK_RESERV:
        return dt_reserved(d, val);
    case TK_MONTH: /* a numeric month before: it was the day */
        if ((d->fmask & DT_M(TK_MONTH)) && !d->textmonth && !(d->fmask & DT_M(TK_DAY)) &&
            d->tm->mon >= 1 && d->tm->mon <= 31) {
            d->tm->mday = d->tm->mon;
            d->tmask = DT_M(TK_DAY);
        }
        d->textmonth = true;
        d->tm->mon = val;
        return 0;
    case TK_AMPM:
        d->mer = val;
        return 0;
    case TK_ADBC:
        d->bc = val == DV_BC;
        return 0;
    case TK_DOW:
        d->tm->wday = val;
        return 0;
    case TK_UNITS:
        d->tmask = 0;
        d->ptype = val;
        return 0;
    case TK_ISOTIME:
        if ((d->fmask & DT_DATE_M) != DT_DATE_M)
            return DT_ERR_FORMAT;
        return isotime_word(d, i, val);
    default:
        return DT_ERR_FORMAT;
    }
}

static int dt_time_field(dd_t *d, int i)
{
    if (d->ptype != 0) { /* an ISO time after "t" */
        if (d->ptype != DV_TIME)
            return DT_ERR_FORMAT;
        d->ptype = 0;
    }
    int rc = proxy__dt_time(d->f->field[i], &d->tmask, d->tm, d->fsec);
    if (rc)
        return rc;
    return proxy__dt_time_overflows(d->tm->hour, d->tm->min, d->tm->sec, *d->fsec) ? DT_ERR_FIELD
                                                                                   : 0;
}

static int dt_field(dd_t *d, int i)
{
    switch (d->f->ftype[i]) {
    case DT_F_DATE:
        return dt_date_field(d, i);
    case DT_F_TIME:
        return dt_time_field(d, i);
    case DT_F_TZ:
        return tz_field(d, i);
    case DT_F_NUMBER:
        return dt_number_field(d, i);
    case DT_F_STRING:
    case DT_F_SPECIAL:
        return dt_string_field(d, i);
    default:
        return DT_ERR_FORMAT;
    }
}

static int apply_meridian(dd_t *d)
{
    if (d->mer != DV_HR24 && d->tm->hour > 12)
        return DT_ERR_FIELD;
    if (d->mer == DV_AM && d->tm->hour == 12)
        d->tm->hour = 0;
    else if (d->mer == DV_PM && d->tm->hour != 12)
        d->tm->hour += 12;
    return 0;
}

/* The session zone's offset for tm, or the setting noted as missing. */
static void session_offset(dd_t *d, proxy_pgtm_t *tm)
{
    if (!d->st->ctx->zone) {
        if (!d->st->missing)
            d->st->missing = "TimeZone";
        return;
    }
    *d->tz = proxy__dt_zone_offset(tm, d->st->ctx->zone);
    d->tm->isdst = tm->isdst;
}

/* The zone of a full date: named, dynamic abbreviation, or the session's. */
static int dt_finish_zone(dd_t *d)
{
    bool dstmod = (d->fmask & DT_M(TK_DTZMOD)) != 0;
    if (d->has_named) {
        if (dstmod)
            return DT_ERR_FORMAT;
        if (d->st->want_tz && !d->named)
            return refuse_zone(d, false);
        if (d->st->want_tz)
            *d->tz = proxy__dt_zone_offset(d->tm, d->named);
    }
    if (d->dyntz) {
        if (dstmod)
            return DT_ERR_FORMAT;
        if (d->st->want_tz) /* PostgreSQL reads it from its zone: not reproduced */
            return refuse_zone(d, true);
    }
    if (!(d->fmask & DT_M(TK_TZ))) {
        if (dstmod)
            return DT_ERR_FORMAT;
        if (d->st->want_tz)
            session_offset(d, d->tm);
    }
    return 0;
}

static void dd_init(dd_t *d, dt_state_t *st, dt_fields_t *f, proxy_pgtm_t *tm, int32_t *fsec,
                    int *tz, int dtype)
{
    memset(d, 0, sizeof *d);
    memset(tm, 0, sizeof *tm);
    d->st = st, d->f = f, d->tm = tm, d->fsec = fsec, d->tz = tz;
    d->dtype = dtype;
    d->mer = DV_HR24;
    tm->isdst = -1;
    *fsec = 0;
    *tz = 0;
}

int proxy__dt_decode_datetime(dt_state_t *st, dt_fields_t *f, int *dtype, proxy_pgtm_t *tm,
                              int32_t *fsec, int *tz_west)
{
    dd_t d;
    dd_init(&d, st, f, tm, fsec, tz_west, DV_DATE);
    for (int i = 0; i < f->nf; i++) {
        int rc = dt_field(&d, i);
        if (rc == 1)
            continue;
        if (rc)
            return rc;
        if (d.tmask & d.fmask)
            return DT_ERR_FORMAT;
        d.fmask |= d.tmask;
    }
    int rc = proxy__dt_validate(d.fmask, d.isjulian, d.is2digits, d.bc, tm);
    if (rc || (rc = apply_meridian(&d)) != 0)
        return rc;
    *dtype = d.dtype;
    if (d.dtype != DV_DATE)
        return 0;
    if ((d.fmask & DT_DATE_M) != DT_DATE_M) /* a time alone is not a timestamp */
        return DT_ERR_FORMAT;
    return dt_finish_zone(&d);
}

/* ---- DecodeTimeOnly ------------------------------------------------------------------------ */

static int to_date_field(dd_t *d, int i)
{
    dt_fields_t *f = d->f;
    char *field = f->field[i];
    if (i == 0 && f->nf >= 2 && (f->ftype[f->nf - 1] == DT_F_DATE || f->ftype[1] == DT_F_TIME))
        return proxy__dt_date(d->st, field, d->fmask, &d->tmask, &d->is2digits, d->tm);
    if (proxy__dt_isdigit((unsigned char)*field)) {
        if ((d->fmask & DT_TIME_M) == DT_TIME_M)
            return DT_ERR_FORMAT;
        return time_with_zone(d, field, d->fmask | DT_DATE_M);
    }
    if (!find_named(d, field))
        return named_unknown(d, field);
    d->tmask = DT_M(TK_TZ);
    return 0;
}

static int to_number_field(dd_t *d, int i)
{
    char *field = d->f->field[i];
    if (d->ptype != 0)
        return labelled_number(d, field);
    int flen = (int)strlen(field), rc;
    char *cp = strchr(field, '.');
    if (cp && i == 0 && d->f->nf >= 2 && d->f->ftype[d->f->nf - 1] == DT_F_DATE)
        return proxy__dt_date(d->st, field, d->fmask, &d->tmask, &d->is2digits, d->tm);
    if (cp && flen - (int)strlen(cp) <= 2)
        return DT_ERR_FORMAT;
    if (cp || flen > 4) {
        rc = proxy__dt_number_field(flen, field, d->fmask | DT_DATE_M, &d->tmask, d->tm, d->fsec,
                                    &d->is2digits);
        return rc < 0 ? rc : 0;
    }
    return proxy__dt_number(d->st, flen, field, false, d->fmask | DT_DATE_M, &d->tmask, d->tm,
                            d->fsec, &d->is2digits);
}

static int to_string_field(dd_t *d, int i)
{
    const char *field = d->f->field[i];
    int val, type = word_type(field, &val);
    if (type == TK_IGNORE)
        return 1;
    d->tmask = DT_M(type);
    int rc = zone_word(d, type, val, field);
    if (rc <= 0)
        return rc;
    switch (type) {
    case TK_RESERV:
        if (val == DV_NOW) {
            int tz;
            d->tmask = DT_TIME_M;
            proxy__dt_now(d->st, d->tm, d->fsec, &tz);
        } else if (val == DV_ZULU) {
            d->tmask = DT_TIME_M | DT_M(TK_TZ);
            d->tm->hour = d->tm->min = d->tm->sec = 0;
            d->tm->isdst = 0;
        } else {
            return DT_ERR_FORMAT;
        }
        d->dtype = DV_TIME;
        return 0;
    case TK_AMPM:
        d->mer = val;
        return 0;
    case TK_ADBC:
        d->bc = val == DV_BC;
        return 0;
    case TK_UNITS:
        d->tmask = 0;
        d->ptype = val;
        return 0;
    case TK_ISOTIME:
        return isotime_word(d, i, val);
    default:
        return DT_ERR_FORMAT;
    }
}

static int to_field(dd_t *d, int i)
{
    switch (d->f->ftype[i]) {
    case DT_F_DATE:
        return to_date_field(d, i);
    case DT_F_TIME:
        return proxy__dt_time(d->f->field[i], &d->tmask, d->tm, d->fsec);
    case DT_F_TZ:
        return tz_field(d, i);
    case DT_F_NUMBER:
        return to_number_field(d, i);
    case DT_F_STRING:
    case DT_F_SPECIAL:
        return to_string_field(d, i);
    default:
        return DT_ERR_FORMAT;
    }
}

/* The date a zone is read at: the text's full date, or the transaction's (timetz). */
static int to_zone_date(dd_t *d, proxy_pgtm_t *at)
{
    *at = *d->tm;
    if ((d->fmask & DT_DATE_M) == 0) {
        proxy_pgtm_t cur = {0};
        int32_t fs;
        int tz;
        if (d->st->want_tz)
            proxy__dt_now(d->st, &cur, &fs, &tz);
        at->year = cur.year, at->mon = cur.mon, at->mday = cur.mday;
        return 0;
    }
    return (d->fmask & DT_DATE_M) != DT_DATE_M ? DT_ERR_FORMAT : 0;
}

static int to_named_zone(dd_t *d)
{
    if (d->fmask & DT_M(TK_DTZMOD))
        return DT_ERR_FORMAT;
    if (!d->named) /* with a full date, time input does not care which zone */
        return ((d->fmask & DT_DATE_M) == DT_DATE_M && !d->st->want_tz) ? 0 : refuse_zone(d, false);
    int32_t east;
    if (proxy__pgtz_constant(d->named, &east)) {
        *d->tz = -east;
        return 0;
    }
    if ((d->fmask & DT_DATE_M) != DT_DATE_M) /* a zone with DST needs a date */
        return DT_ERR_FORMAT;
    if (d->st->want_tz)
        *d->tz = proxy__dt_zone_offset(d->tm, d->named);
    return 0;
}

static int to_finish_zone(dd_t *d)
{
    proxy_pgtm_t at;
    int rc;
    if (d->has_named && (rc = to_named_zone(d)) != 0)
        return rc;
    if (d->dyntz) {
        if ((d->fmask & DT_M(TK_DTZMOD)) || to_zone_date(d, &at) != 0)
            return DT_ERR_FORMAT;
        if (d->st->want_tz)
            return refuse_zone(d, true);
    }
    if (!(d->fmask & DT_M(TK_TZ))) {
        if ((d->fmask & DT_M(TK_DTZMOD)) || to_zone_date(d, &at) != 0)
            return DT_ERR_FORMAT;
        if (d->st->want_tz)
            session_offset(d, &at);
    }
    return 0;
}

int proxy__dt_decode_timeonly(dt_state_t *st, dt_fields_t *f, int *dtype, proxy_pgtm_t *tm,
                              int32_t *fsec, int *tz_west)
{
    dd_t d;
    dd_init(&d, st, f, tm, fsec, tz_west, DV_TIME);
    for (int i = 0; i < f->nf; i++) {
        int rc = to_field(&d, i);
        if (rc == 1)
            continue;
        if (rc)
            return rc;
        if (d.tmask & d.fmask)
            return DT_ERR_FORMAT;
        d.fmask |= d.tmask;
    }
    int rc = proxy__dt_validate(d.fmask, d.isjulian, d.is2digits, d.bc, tm);
    if (rc || (rc = apply_meridian(&d)) != 0)
        return rc;
    if (proxy__dt_time_overflows(tm->hour, tm->min, tm->sec, *fsec))
        return DT_ERR_FIELD;
    if ((d.fmask & DT_TIME_M) != DT_TIME_M)
        return DT_ERR_FORMAT;
    *dtype = d.dtype;
    return to_finish_zone(&d);
}

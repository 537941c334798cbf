/*
 * proxy/pgfn_time_fmtin.c: to_date(text, fmt), to_timestamp(text, fmt) and
 * to_timestamp(float8) as PostgreSQL 15 computes them: the template walked over the input with
 * its lenient rules (spaces and separators skipped outside FX, fixed-width fields unless FM or
 * a separator follows, TH skipped), then the fields combined (12-hour clock, CC with YY, ISO
 * weeks, day of year, Julian days) and range-checked. TM matches the C locale's English names;
 * input it could only match through another locale's case rules is refused (0A000).
 * Pure below the DuckDB glue. Integer overflow wraps as in PostgreSQL's -fwrapv build.
 * Spec: PostgreSQL 15 formatting.c DCH_from_char, from_char_parse_int_len, seq_search_ascii,
 * do_to_timestamp, to_timestamp, to_date; timestamp.c float8_timestamptz.
 */
#include "proxy/pgfn_time_dt.h"
#include "proxy/pgfn_time_fmt.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct tmfc {
    int mode;
    int hh, pm, mi, ss, ssss, d, dd, ddd, mm, ms, year, bc, ww, w, cc, j, us, yysz, clock;
    int tzsign, tzh, tzm, ff;
} tmfc_t;

static const char *const ampm_short[] = {"am", "pm", "AM", "PM", NULL};
static const char *const ampm_long[] = {"a.m.", "p.m.", "A.M.", "P.M.", NULL};
static const char *const adbc_short[] = {"ad", "bc", "AD", "BC", NULL};
static const char *const adbc_long[] = {"a.d.", "b.c.", "A.D.", "B.C.", NULL};
static const char *const months_full[] = {"January",  "February", "March",  "April",     "May",
                                          "June",     "July",     "August", "September", "October",
                                          "November", "December", NULL};
static const char *const months_abbr[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
                                          "Aug", "Sep", "Oct", "Nov", "Dec", NULL};
static const char *const days_full[] = {"Sunday",   "Monday", "Tuesday",  "Wednesday",
                                        "Thursday", "Friday", "Saturday", NULL};
static const char *const days_abbr[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", NULL};
static const char *const rm_lower[] = {"xii", "xi", "x",   "ix", "viii", "vii", "vi",
                                       "v",   "iv", "iii", "ii", "i",    NULL};

static int wadd(int a, int b)
{
    return (int32_t)((uint32_t)a + (uint32_t)b);
}

static int wmul(int a, int b)
{
    return (int32_t)((uint32_t)a * (uint32_t)b);
}

static char ascii_lower(char c)
{
    if (c >= 'A' && c <= 'Z')
        return (char)tolower((unsigned char)c);
    return c;
}

typedef struct fin {
    const char *s; /* the input cursor */
    tmfc_t *out;
    int extra_skip;
    bool fx;
    am_err_t *err;
} fin_t;

static bool set_mode(fin_t *f, int mode)
{
    if (mode == FMODE_NONE)
        return true;
    if (f->out->mode == FMODE_NONE)
        f->out->mode = mode;
    else if (f->out->mode != mode)
        return am_err_set(f->err, "22007", "invalid combination of date conventions");
    return true;
}

static bool set_int(fin_t *f, int *dest, int value, const fmt_node_t *n)
{
    if (*dest != 0 && *dest != value)
        return am_err_set(f->err, "22007",
                          "conflicting values for \"%s\" field in formatting string", n->key->name);
    *dest = value;
    return true;
}

/* is_next_separator: may a number read here run on until a non-digit? */
static bool next_is_separator(const fmt_node_t *n)
{
    if (n->type == FN_ACTION && (n->suffix & (FS_TH | FS_th)))
        return true;
    n++;
    if (n->type == FN_END)
        return true;
    if (n->type == FN_ACTION)
        return !n->key->is_digit;
    return !(n->ch[1] == '\0' && proxy__dt_isdigit((unsigned char)n->ch[0]));
}

/* from_char_parse_int_len: -1 on error, else the characters consumed. */
static int parse_int_len(fin_t *f, int *dest, int len, const fmt_node_t *n)
{
    const char *init = f->s;
    while (proxy__dt_isspace((unsigned char)*f->s))
        f->s++;
    char copy[16];
    size_t avail = strlen(f->s);
    snprintf(copy, sizeof copy, "%.*s", len, f->s);
    long result;
    errno = 0;
    if ((n->suffix & FS_FM) || next_is_separator(n)) {
        char *end;
        result = strtol(init, &end, 10);
        f->s = end;
    } else {
        if (avail < (size_t)len)
            return am_err_set(f->err, "22007",
                              "source string too short for \"%s\" formatting field", n->key->name),
                   -1;
        char *last;
        result = strtol(copy, &last, 10);
        int used = (int)(last - copy);
        if (used > 0 && used < len)
            return am_err_set(f->err, "22007", "invalid value \"%s\" for \"%s\"", copy,
                              n->key->name),
                   -1;
        f->s += used;
    }
    if (f->s == init)
        return am_err_set(f->err, "22007", "invalid value \"%s\" for \"%s\"", copy, n->key->name),
               -1;
    if (errno == ERANGE || result < INT_MIN || result > INT_MAX)
        return am_err_set(f->err, "22008", "value for \"%s\" in source string is out of range",
                          n->key->name),
               -1;
    if (dest && !set_int(f, dest, (int)result, n))
        return -1;
    return (int)(f->s - init);
}

/* seq_search_ascii: the first entry matching the input's start, case-insensitively. */
static int seq_search(const char *name, const char *const *array, int *len)
{
    *len = 0;
    if (!*name)
        return -1;
    for (int i = 0; array[i]; i++) {
        const char *p = array[i], *q = name;
        while (*p && *q && ascii_lower(*p) == ascii_lower(*q))
            p++, q++;
        if (*p == '\0') {
            *len = (int)(q - name);
            return i;
        }
    }
    return -1;
}

static bool has_non_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return true;
    return false;
}

static bool seq_value(fin_t *f, int *value, const char *const *array, const fmt_node_t *n)
{
    int len;
    *value = seq_search(f->s, array, &len);
    if (len > 0) {
        f->s += len;
        return true;
    }
    if ((n->suffix & FS_TM) && has_non_ascii(f->s)) /* a locale's case folding decides */
        return am_err_set(f->err, "0A000",
                          "TM matching of non-ASCII input is not supported on the mirror");
    /* the error shows the input up to its next white space */
    size_t k = 0;
    while (f->s[k] && !strchr(" \t\n\r\f", f->s[k]))
        k++;
    return am_err_set(f->err, "22007", "invalid value \"%.*s\" for \"%s\"", (int)k, f->s,
                      n->key->name);
}

static void skip_th(fin_t *f, const fmt_node_t *n)
{
    if (!(n->suffix & (FS_TH | FS_th)))
        return;
    for (int i = 0; i < 2 && *f->s; i++)
        f->s += proxy__fmt_mblen(f->s);
}

/* 0 ok, -1 error: a parsed int with TH skipped. */
static int int_th(fin_t *f, int *dest, int len, const fmt_node_t *n)
{
    int got = parse_int_len(f, dest, len, n);
    if (got < 0)
        return -1;
    skip_th(f, n);
    return got;
}

static bool scale_fraction(fin_t *f, const fmt_node_t *n)
{
    tmfc_t *o = f->out;
    if (n->key->id == FK_MS) {
        int len = int_th(f, &o->ms, 3, n);
        if (len < 0)
            return false;
        o->ms = wmul(o->ms, len == 1 ? 100 : len == 2 ? 10 : 1);
        return true;
    }
    if (n->key->id != FK_US)
        o->ff = n->key->id - FK_FF1 + 1;
    int len = int_th(f, &o->us, n->key->id == FK_US ? 6 : o->ff, n);
    if (len < 0)
        return false;
    static const int scale[] = {1, 100000, 10000, 1000, 100, 10};
    o->us = wmul(o->us, len >= 1 && len <= 5 ? scale[len] : 1);
    return true;
}

static bool tz_hour(fin_t *f, const fmt_node_t *n)
{
    /* the sign may have been skipped as a separator just before */
    if (*f->s == '+' || *f->s == '-' || *f->s == ' ') {
        f->out->tzsign = *f->s == '-' ? -1 : +1;
        f->s++;
    } else {
        f->out->tzsign = (f->extra_skip > 0 && f->s[-1] == '-') ? -1 : +1;
    }
    return parse_int_len(f, &f->out->tzh, 2, n) >= 0;
}

static int adjust_partial_year(int year)
{
    if (year < 70)
        return year + 2000;
    if (year < 100)
        return year + 1900;
    if (year < 520)
        return year + 2000;
    if (year < 1000)
        return year + 1000;
    return year;
}

static bool year_field(fin_t *f, const fmt_node_t *n, int yysz)
{
    int len = int_th(f, &f->out->year, n->key->len, n);
    if (len < 0)
        return false;
    if (yysz < 4 && len < 4)
        f->out->year = adjust_partial_year(f->out->year);
    f->out->yysz = yysz;
    return true;
}

static bool y_yyy(fin_t *f, const fmt_node_t *n)
{
    int millennia, years, nch;
    if (sscanf(f->s, "%d,%03d%n", &millennia, &years, &nch) < 2)
        return am_err_set(f->err, "22007", "invalid input string for \"Y,YYY\"");
    if (!set_int(f, &f->out->year, wadd(years, wmul(millennia, 1000)), n))
        return false;
    f->out->yysz = 4;
    f->s += nch;
    skip_th(f, n);
    return true;
}

/* Names: AM/PM, AD/BC, months, days, roman months. */
static bool name_field(fin_t *f, const fmt_node_t *n, const char *const *array, int *dest, int kind)
{
    int v;
    if (!seq_value(f, &v, array, n))
        return false;
    switch (kind) {
    case 0: /* even index AM/AD, odd PM/BC */
        if (!set_int(f, dest, v % 2, n))
            return false;
        if (dest == &f->out->pm)
            f->out->clock = 12;
        return true;
    case 1: /* month */
        return set_int(f, dest, v + 1, n);
    case 2: /* day of week, stored 1-7 */
        if (!set_int(f, dest, v, n))
            return false;
        f->out->d++;
        return true;
    default: /* roman month, December first */
        return set_int(f, dest, 12 - v, n);
    }
}

/* AM/PM and AD/BC, with or without periods; 1 when n is neither. */
static int meridian_era(fin_t *f, const fmt_node_t *n)
{
    tmfc_t *o = f->out;
    switch (n->key->id) {
    case FK_A_M:
    case FK_P_M:
    case FK_a_m:
    case FK_p_m:
        return name_field(f, n, ampm_long, &o->pm, 0) ? 0 : -1;
    case FK_AM:
    case FK_PM:
    case FK_am:
    case FK_pm:
        return name_field(f, n, ampm_short, &o->pm, 0) ? 0 : -1;
    case FK_A_D:
    case FK_B_C:
    case FK_a_d:
    case FK_b_c:
        return name_field(f, n, adbc_long, &o->bc, 0) ? 0 : -1;
    case FK_AD:
    case FK_BC:
    case FK_ad:
    case FK_bc:
        return name_field(f, n, adbc_short, &o->bc, 0) ? 0 : -1;
    default:
        return 1;
    }
}

static bool text_action(fin_t *f, const fmt_node_t *n)
{
    tmfc_t *o = f->out;
    int rc = meridian_era(f, n);
    if (rc <= 0)
        return rc == 0;
    switch (n->key->id) {
    case FK_MONTH:
    case FK_Month:
    case FK_month:
        return name_field(f, n, months_full, &o->mm, 1);
    case FK_MON:
    case FK_Mon:
    case FK_mon:
        return name_field(f, n, months_abbr, &o->mm, 1);
    case FK_DAY:
    case FK_Day:
    case FK_day:
        return name_field(f, n, days_full, &o->d, 2);
    case FK_DY:
    case FK_Dy:
    case FK_dy:
        return name_field(f, n, days_abbr, &o->d, 2);
    case FK_RM:
    case FK_rm:
        return name_field(f, n, rm_lower, &o->mm, 3);
    case FK_tz:
    case FK_TZ:
    case FK_OF:
        return am_err_set(f->err, "0A000", "formatting field \"%s\" is only supported in to_char",
                          n->key->name);
    default: /* TZH */
        return tz_hour(f, n);
    }
}

static bool number_action(fin_t *f, const fmt_node_t *n)
{
    tmfc_t *o = f->out;
    int len = n->key->len;
    switch (n->key->id) {
    case FK_HH:
    case FK_HH12:
        o->clock = 12;
        return int_th(f, &o->hh, 2, n) >= 0;
    case FK_HH24:
        return int_th(f, &o->hh, 2, n) >= 0;
    case FK_MI:
        return int_th(f, &o->mi, len, n) >= 0;
    case FK_SS:
        return int_th(f, &o->ss, len, n) >= 0;
    case FK_SSSS:
        return int_th(f, &o->ssss, len, n) >= 0;
    case FK_MM:
        return int_th(f, &o->mm, len, n) >= 0;
    case FK_DDD:
        return int_th(f, &o->ddd, len, n) >= 0;
    case FK_IDDD:
        return int_th(f, &o->ddd, 3, n) >= 0;
    case FK_DD:
        return int_th(f, &o->dd, len, n) >= 0;
    case FK_D:
        return int_th(f, &o->d, len, n) >= 0;
    case FK_WW:
    case FK_IW:
        return int_th(f, &o->ww, len, n) >= 0;
    case FK_Q:
        return int_th(f, NULL, len, n) >= 0; /* read, then ignored */
    case FK_CC:
        return int_th(f, &o->cc, len, n) >= 0;
    case FK_W:
        return int_th(f, &o->w, len, n) >= 0;
    default: /* J */
        return int_th(f, &o->j, len, n) >= 0;
    }
}

static bool action(fin_t *f, const fmt_node_t *n)
{
    tmfc_t *o = f->out;
    switch (n->key->id) {
    case FK_FX:
        f->fx = true;
        return true;
    case FK_MS:
    case FK_US:
    case FK_FF1:
    case FK_FF2:
    case FK_FF3:
    case FK_FF4:
    case FK_FF5:
    case FK_FF6:
        return scale_fraction(f, n);
    case FK_ID:
        if (parse_int_len(f, &o->d, 1, n) < 0)
            return false;
        if (++o->d > 7) /* Sunday = 1, as the Gregorian fields count */
            o->d = 1;
        skip_th(f, n);
        return true;
    case FK_YYYY:
    case FK_IYYY:
        return year_field(f, n, 4);
    case FK_YYY:
    case FK_IYY:
        return year_field(f, n, 3);
    case FK_YY:
    case FK_IY:
        return year_field(f, n, 2);
    case FK_Y:
    case FK_I:
        return year_field(f, n, 1);
    case FK_Y_YYY:
        return y_yyy(f, n);
    case FK_TZM:
        if (!o->tzsign)
            o->tzsign = +1;
        return parse_int_len(f, &o->tzm, 2, n) >= 0;
    default:
        return n->key->is_digit ? number_action(f, n) : text_action(f, n);
    }
}

/* A literal, space or separator of the template. */
static void literal(fin_t *f, const fmt_node_t *n)
{
    if (f->fx) { /* FX: exactly one character, whatever it is */
        f->s += proxy__fmt_mblen(f->s);
        return;
    }
    if (n->type == FN_SPACE || n->type == FN_SEPARATOR) {
        f->extra_skip--;
        if (proxy__dt_isspace((unsigned char)*f->s) || proxy__fmt_is_separator(f->s)) {
            f->s++;
            f->extra_skip++;
        }
        return;
    }
    if (f->extra_skip > 0) /* skipped spaces stand for this character */
        f->extra_skip--;
    else
        f->s += proxy__fmt_mblen(f->s);
}

static void skip_spaces(fin_t *f)
{
    while (proxy__dt_isspace((unsigned char)*f->s)) {
        f->s++;
        f->extra_skip++;
    }
}

/* DCH_from_char (not the standard mode of jsonpath). */
static bool from_char(const fmt_node_t *nodes, const char *in, tmfc_t *out, am_err_t *err)
{
    fin_t f = {.s = in, .out = out, .err = err};
    for (const fmt_node_t *n = nodes; n->type != FN_END && *f.s; n++) {
        if (!f.fx && (n->type != FN_ACTION || n->key->id != FK_FX) &&
            (n->type == FN_ACTION || n == nodes))
            skip_spaces(&f);
        if (n->type != FN_ACTION) {
            literal(&f, n);
            continue;
        }
        if (!set_mode(&f, n->key->date_mode) || !action(&f, n))
            return false;
        if (!f.fx) {
            f.extra_skip = 0;
            skip_spaces(&f);
        }
    }
    return true;
}

/* ---- do_to_timestamp ------------------------------------------------------------------------ */

typedef struct tsparts {
    proxy_pgtm_t tm;
    int32_t fsec;
    int fprec;
    bool has_tz;
    int tz_east;
} tsparts_t;

static bool field_err(const char *str, am_err_t *err)
{
    return am_err_set(err, "22008", "date/time field value out of range: \"%s\"", str);
}

static void combine_time(const tmfc_t *c, proxy_pgtm_t *tm)
{
    if (c->ssss) {
        int x = c->ssss;
        tm->hour = x / 3600;
        x %= 3600;
        tm->min = x / 60;
        tm->sec = x % 60;
    }
    if (c->ss)
        tm->sec = c->ss;
    if (c->mi)
        tm->min = c->mi;
    if (c->hh)
        tm->hour = c->hh;
}

static int combine_year(tmfc_t *c)
{
    if (c->cc && c->yysz <= 2) { /* YY within century CC: the 21st is 2001-2100 */
        if (c->bc)
            c->cc = wmul(c->cc, -1);
        int y = c->year % 100;
        if (y)
            return c->cc >= 0 ? wadd(y, wmul(c->cc - 1, 100)) : wadd(wmul(c->cc + 1, 100), -y + 1);
        return wadd(wmul(c->cc, 100), c->cc >= 0 ? 0 : 1);
    }
    int y = c->bc ? wmul(c->year, -1) : c->year;
    return y < 0 ? y + 1 : y;
}

static void combine_cc(tmfc_t *c, proxy_pgtm_t *tm)
{
    if (c->bc)
        c->cc = wmul(c->cc, -1);
    tm->year = c->cc >= 0 ? wadd(wmul(wadd(c->cc, -1), 100), 1) : wadd(wmul(c->cc, 100), 1);
}

static bool day_of_year(tmfc_t *c, proxy_pgtm_t *tm, int *fmask, am_err_t *err)
{
    static const int ysum[2][13] = {{0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365},
                                    {0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366}};
    if (!tm->year && !c->bc)
        return am_err_set(err, "22007", "cannot calculate day of year without year information");
    if (c->mode == FMODE_ISOWEEK) {
        int j0 = wadd(proxy__pgx_isoweek2j(tm->year, 1), -1);
        proxy__pgx_j2date(wadd(j0, c->ddd), &tm->year, &tm->mon, &tm->mday);
        *fmask |= DT_DATE_M;
        return true;
    }
    const int *y = ysum[proxy__pg_leap(tm->year)];
    int i = 1;
    while (i <= 12 && c->ddd > y[i])
        i++;
    if (tm->mon <= 1)
        tm->mon = i;
    if (tm->mday <= 1)
        tm->mday = wadd(c->ddd, -y[i - 1]);
    *fmask |= DT_M(TK_MONTH) | DT_M(TK_DAY);
    return true;
}

static void combine_weeks(tmfc_t *c, proxy_pgtm_t *tm, int *fmask)
{
    if (c->ww) {
        if (c->mode == FMODE_ISOWEEK) {
            int jd = proxy__pgx_isoweek2j(tm->year, c->ww);
            if (c->d) /* Gregorian weekday numbering (Sunday 1) to the ISO week's */
                jd = wadd(jd, c->d > 1 ? c->d - 2 : 6);
            proxy__pgx_j2date(jd, &tm->year, &tm->mon, &tm->mday);
            *fmask |= DT_DATE_M;
        } else {
            c->ddd = wadd(wmul(wadd(c->ww, -1), 7), 1);
        }
    }
    if (c->w)
        c->dd = wadd(wmul(wadd(c->w, -1), 7), 1);
}

static bool combine_date(tmfc_t *c, proxy_pgtm_t *tm, int *fmask, am_err_t *err)
{
    if (c->year) {
        tm->year = combine_year(c);
        *fmask |= DT_M(TK_YEAR);
    } else if (c->cc) {
        combine_cc(c, tm);
        *fmask |= DT_M(TK_YEAR);
    }
    if (c->j) {
        proxy__pgx_j2date(c->j, &tm->year, &tm->mon, &tm->mday);
        *fmask |= DT_DATE_M;
    }
    combine_weeks(c, tm, fmask);
    if (c->dd) {
        tm->mday = c->dd;
        *fmask |= DT_M(TK_DAY);
    }
    if (c->mm) {
        tm->mon = c->mm;
        *fmask |= DT_M(TK_MONTH);
    }
    if (c->ddd && (tm->mon <= 1 || tm->mday <= 1))
        return day_of_year(c, tm, fmask, err);
    return true;
}

static bool clock12(const tmfc_t *c, proxy_pgtm_t *tm, am_err_t *err)
{
    if (c->clock != 12)
        return true;
    if (tm->hour < 1 || tm->hour > 12)
        return am_err_set(err, "22007", "hour \"%d\" is invalid for the 12-hour clock", tm->hour);
    if (c->pm && tm->hour < 12)
        tm->hour += 12;
    else if (!c->pm && tm->hour == 12)
        tm->hour = 0;
    return true;
}

static bool do_to_timestamp(const char *str, const char *fmt, tsparts_t *p, am_err_t *err)
{
    tmfc_t c = {0};
    int fmask = 0;
    memset(p, 0, sizeof *p);
    p->tm.mday = p->tm.mon = 1;
    if (*fmt) {
        fmt_node_t *nodes = proxy__fmt_parse(fmt);
        bool ok = from_char(nodes, str, &c, err);
        free(nodes);
        if (!ok)
            return false;
    }
    combine_time(&c, &p->tm);
    if (!clock12(&c, &p->tm, err) || !combine_date(&c, &p->tm, &fmask, err))
        return false;
    p->fsec = wadd(wadd(0, wmul(c.ms, 1000)), c.us);
    p->fprec = c.ff;
    if (fmask && proxy__dt_validate(fmask, true, false, false, &p->tm) != 0)
        return field_err(str, err);
    proxy_pgtm_t *tm = &p->tm;
    if (tm->hour < 0 || tm->hour >= 24 || tm->min < 0 || tm->min >= 60 || tm->sec < 0 ||
        tm->sec >= 60 || p->fsec < 0 || p->fsec >= PROXY_PG_USECS_PER_SEC)
        return field_err(str, err);
    if (c.tzsign) {
        if (c.tzh < 0 || c.tzh > 15 || c.tzm < 0 || c.tzm >= 60)
            return am_err_set(err, "22009", "time zone displacement out of range: \"%s\"", str);
        p->has_tz = true;
        p->tz_east = c.tzsign * (c.tzh * 3600 + c.tzm * 60);
    }
    return true;
}

bool proxy__pg_to_date(const char *s, const char *fmt, int32_t *pg_date, am_err_t *err)
{
    tsparts_t p;
    if (!do_to_timestamp(s, fmt, &p, err))
        return false;
    int64_t d = 0;
    bool ok = proxy__pg_date_valid_julian(p.tm.year, p.tm.mon, p.tm.mday);
    if (ok)
        d = (int64_t)proxy__pgx_date2j(p.tm.year, p.tm.mon, p.tm.mday) - PROXY_PG_EPOCH_JDATE;
    if (!ok || d < PROXY_PG_DATETIME_MIN_JULIAN - PROXY_PG_EPOCH_JDATE ||
        d >= PROXY_PG_DATE_END_JULIAN - PROXY_PG_EPOCH_JDATE)
        return am_err_set(err, "22008", "date out of range: \"%s\"", s);
    *pg_date = (int32_t)d;
    return true;
}

static int to_date_fn(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    return proxy__pg_to_date(a[0].s, a[1].s, &r->i32, err) ? PROXY_TV_OK : PROXY_TV_ERR;
}

/* AdjustTimestampForTypmod: round to prec fraction digits. */
static int64_t round_prec(int64_t ts, int prec)
{
    static const int64_t scales[] = {1000000, 100000, 10000, 1000, 100, 10, 1};
    if (prec < 0 || prec >= 6)
        return ts;
    int64_t sc = scales[prec], off = sc / 2;
    return ts >= 0 ? (ts + off) / sc * sc : -((-ts + off) / sc * sc);
}

bool proxy__pg_to_timestamp(const char *s, const char *fmt, const proxy_pgtz_t *z, int64_t *ts,
                            am_err_t *err)
{
    tsparts_t p;
    if (!do_to_timestamp(s, fmt, &p, err))
        return false;
    int32_t east = p.has_tz ? p.tz_east : -proxy__dt_zone_offset(&p.tm, z);
    if (!proxy__pg_tm2ts(&p.tm, p.fsec, east, ts))
        return am_err_set(err, "22008", "timestamp out of range");
    if (p.fprec)
        *ts = round_prec(*ts, p.fprec);
    return true;
}

static int to_timestamp_fn(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    const proxy_pgtz_t *z = proxy__pgtz_session(a[2].s, err);
    if (!z || !proxy__pg_to_timestamp(a[0].s, a[1].s, z, &r->i64, err))
        return PROXY_TV_ERR;
    return PROXY_TV_OK;
}

static int to_timestamp_epoch(const proxy__tv_t *a, proxy__tv_t *r, am_buf_t *t, am_err_t *err)
{
    (void)t;
    double secs = a[0].f8;
    if (isnan(secs))
        return am_err_set(err, "22008", "timestamp cannot be NaN"), PROXY_TV_ERR;
    if (isinf(secs)) {
        r->i64 = secs < 0 ? PROXY_PG_DT_NOBEGIN : PROXY_PG_DT_NOEND;
        return PROXY_TV_OK;
    }
    double lo = 86400.0 * (PROXY_PG_DATETIME_MIN_JULIAN - PROXY_PG_UNIX_EPOCH_JDATE);
    double hi = 86400.0 * (PROXY_PG_TIMESTAMP_END_JULIAN - PROXY_PG_UNIX_EPOCH_JDATE);
    if (secs < lo || secs >= hi)
        return am_err_set(err, "22008", "timestamp out of range: \"%g\"", secs), PROXY_TV_ERR;
    double us = rint((secs - (double)PROXY_PG_EPOCH_DIFF_US / 1e6) * 1e6);
    r->i64 = (int64_t)us;
    if (!proxy__pg_ts_valid(r->i64))
        return am_err_set(err, "22008", "timestamp out of range: \"%g\"", secs), PROXY_TV_ERR;
    return PROXY_TV_OK;
}

PROXY_TDEF(to_date, "am_to_date", to_date_fn, 0, TV_DATE, TV_TEXT, TV_TEXT)
PROXY_TDEF(to_ts, "am_to_timestamp", to_timestamp_fn, 0, TV_TSTZ, TV_TEXT, TV_TEXT, TV_TEXT)
PROXY_TDEF(to_ts_epoch, "am_to_timestamp_epoch", to_timestamp_epoch, 0, TV_TSTZ, TV_F8)

const proxy__treg_t proxy__time_fmtin_regs[] = {PROXY_TREG(to_date), PROXY_TREG(to_ts),
                                                PROXY_TREG(to_ts_epoch)};
const size_t proxy__time_fmtin_n = AM_ARRAY_LEN(proxy__time_fmtin_regs);

bool proxy__time_reg_fmtin(duckdb_connection con, am_err_t *err)
{
    return proxy__time_register(con, proxy__time_fmtin_regs, proxy__time_fmtin_n, err);
}
